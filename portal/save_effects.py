"""What a save triggers, in one place: the app factories call `init_app`, and nothing registers itself on import.

In the order they run on a flush or a commit:

1. Markdown and slugs (portal/models/save_rules.py, before each flush): every changed ``<name>_md`` is rendered
   and sanitized into ``<name>_html``; a row without a slug gets one; a renamed row keeps its old slug as a
   redirect (`OldSlug`).
2. Media uses (portal/models/media.py, after each flush): the uses of a deleted row (a case's cover…) go with it.
3. Revisions (portal/revisions.py, after each flush): a snapshot of every saved versioned row, with its author.
   Pairings' last meetings (portal/monitoring/journals.py, around each flush): a saved or deleted meeting sets its
   pairing's `last_meeting_on` again, which the dashboard's «давно не встречались» reads.
4. Registered by the admin app only (the site app never deletes files nor feeds the admin search):
   - media files (portal/media/library.py): a deleted file's stored files are removed once the deletion is
     committed, kept when it is rolled back;
   - the admin search index (portal/search/, after each commit): the rows a commit touched are re-indexed by this
     process's writer thread.

SQLAlchemy's session events belong to the Session class, not to an app: each one is registered once per process
(`init_app` may run for many apps, as in the tests). The search index is written only for the apps that enabled it
(`app.extensions`), so a site app made in the same process does not write it.
"""
from __future__ import annotations

from flask import Flask

from portal import revisions
from portal.monitoring import journals
from portal.models import media as media_models
from portal.models import save_rules


def init_app(app: Flask, *, admin: bool = True) -> None:
    save_rules.init_app(app)
    media_models.init_app(app)
    revisions.init_app(app)
    journals.init_app(app)
    if admin:
        # Here, not at the top: the site app loads neither (its modules are part of the site's version).
        from portal import search
        from portal.media import library

        library.init_app(app)
        search.init_app(app)
