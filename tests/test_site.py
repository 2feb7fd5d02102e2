"""The public site blueprint: anonymous, GET only, and the site-only app has no admin."""
from __future__ import annotations

from portal import create_site_app
from portal.extensions import db


def test_home_page_is_public_and_russian(world, client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="ru">' in html and "наставничества" in html
    assert "О программе" in html  # a published content page


def test_site_only_app_has_no_admin_routes(make_app, tmp_path, database_url):
    app = create_site_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path / "i")})
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints and all(e.startswith("site.") for e in endpoints)
    assert all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in app.url_map.iter_rules())
    with app.app_context():
        db.engine.dispose()


def test_draft_pages_are_not_on_the_site(world, client):
    world.rows[("pages", "a")].status = "draft"
    db.session.commit()
    assert "О программе" not in client.get("/").get_data(as_text=True)
