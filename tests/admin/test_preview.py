"""«Предпросмотр на сайте» of one row of every kind, with its relations filled and published around it."""
from __future__ import annotations

import pytest

from portal.admin import PREVIEW_KINDS
from portal.extensions import db
from portal.models import Status


@pytest.fixture
def everything_published(world):
    """Organisation A with a published roadmap (stage, activity), case, news item and event, as on the site."""
    for kind in ("roadmaps", "cases", "news", "events"):
        world.rows[(kind, "a")].status = Status.PUBLISHED
    db.session.commit()
    return world


@pytest.mark.parametrize("kind", PREVIEW_KINDS)
def test_every_kind_previews_with_its_relations(everything_published, admin_client, kind):
    row = everything_published.rows[(kind, "a")]
    response = admin_client.get(f"/admin/preview/{kind}/{row.id}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    html = response.get_data(as_text=True)
    assert str(row.title if hasattr(row, "title") else row.short_name) in html


def test_an_organisation_preview_shows_its_roadmaps_progress(everything_published, admin_client):
    # Was a 500: the preview rendered the organisation page without the roadmaps' progress.
    html = admin_client.get(f"/admin/preview/organisations/{everything_published.org_a.id}").get_data(as_text=True)
    assert "Дорожная карта A" in html and "<progress" in html
