"""The mail tests' app: the world's, sending to a local SMTP server (aiosmtpd on 127.0.0.1)."""
from __future__ import annotations

import pytest

from smtp_support import smtp_server  # noqa: F401  (the fixture)


@pytest.fixture
def app(make_app, smtp_server):
    """The world's app, sending to the local SMTP server; memory://: each job runs at once in the committing
    thread, so the test reads the result right away."""
    _collector, port = smtp_server
    app = make_app(MAIL_HOST="127.0.0.1", MAIL_PORT=port, QUEUE_URL="memory://", SITE_NAME="Портал наставничества")
    with app.app_context():
        yield app


@pytest.fixture
def mail_world(app, world, smtp_server):
    return app, smtp_server[0]
