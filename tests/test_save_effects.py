"""What a save triggers is registered by the app factories (portal/save_effects.py), never by importing a module."""
from __future__ import annotations

import subprocess
import sys
import textwrap

from sqlalchemy import event
from sqlalchemy.orm import Session

from portal import create_app, create_site_app, revisions
from portal.media import library
from portal.models import media as media_models
from portal.models import Case, MentoringForm, OldSlug, Revision, save_rules
from portal.search import whoosh_engine


def test_importing_the_package_registers_nothing():
    script = textwrap.dedent("""
        from sqlalchemy import event
        from sqlalchemy.orm import Session
        import portal, portal.models, portal.revisions, portal.search, portal.admin, portal.site
        from portal.models import save_rules
        from portal.search import whoosh_engine
        import portal.media.library, portal.models.media
        hooks = [(name, fn) for name, fn in (("before_flush", save_rules._render_and_slug),
                                             ("after_flush", portal.models.media._forget_uses_of_deleted_owners),
                                             ("after_flush", portal.revisions._keep_revisions),
                                             ("after_flush", portal.media.library._note_deleted_files),
                                             ("after_commit", portal.media.library._remove_deleted_files),
                                             ("after_commit", whoosh_engine._after_commit))
                 if event.contains(Session, name, fn)]
        print(hooks)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_factories_register_each_effect_once(tmp_path):
    for n in range(3):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}", "INSTANCE_PATH": str(tmp_path / f"i{n}"),
                    "SECRET_KEY": "test"})
        create_site_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}", "INSTANCE_PATH": str(tmp_path / f"s{n}")})
    for name, listener in (("before_flush", save_rules._render_and_slug),
                           ("after_flush", media_models._forget_uses_of_deleted_owners),
                           ("after_flush", revisions._keep_revisions), ("after_flush", library._note_deleted_files),
                           ("after_commit", library._remove_deleted_files), ("after_commit", whoosh_engine._after_commit)):
        assert list(getattr(Session.dispatch, name)._clslevel[Session]).count(listener) == 1


def test_a_save_renders_slugs_and_keeps_a_revision(app, world):
    from portal.extensions import db

    case = Case(title="Кейс о наставничестве", body_md="**Жирный** текст", organisation=world.org_a,
                mentoring_form=list(MentoringForm)[0])
    db.session.add(case)
    db.session.commit()
    assert case.slug and "<strong>Жирный</strong>" in case.body_html
    old = case.slug
    case.slug = ""
    case.title = "Кейс о наставничестве в школе"
    db.session.commit()
    assert case.slug != old
    assert db.session.query(OldSlug).filter_by(kind="case", slug=old, target_id=case.id).count() == 1
    assert db.session.query(Revision).filter_by(object_kind="case", object_id=case.id).count() == 2
