"""What the build tests share."""
from __future__ import annotations

import pytest

from portal.extensions import db
from portal.models import Status


@pytest.fixture
def published(app, world):
    """The app with a case of each organisation, a news item, an event and a roadmap published (a module may
    define its own `published`, as test_build_resilience.py does)."""
    for key in (("cases", "a"), ("cases", "b"), ("news", "a"), ("events", "a"), ("roadmaps", "a")):
        world.rows[key].status = Status.PUBLISHED
    db.session.commit()
    return app
