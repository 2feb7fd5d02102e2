"""The portal's e-mail: one package for SMTP.

- `kinds`: every kind of mail, who gets it, its subject; users turn the optional kinds off in their profile;
- `outbox.queue_mail`: a mail is a row (`MailMessage`) first; once the request's transaction commits, a job of
  the queue (portal/jobs.py, `send_mail`, retried) sends it — never the web request itself;
- `delivery`: one attempt of that job, the only code that talks SMTP (`smtplib`, settings `PORTAL_MAIL_*`);
- templates: `portal/templates/mail/<kind>.txt` and `.html`, plain text and simple HTML in Russian.

Mails carry no personal data of a minor and say why they were sent, with a link. A mail that fails stays in the
table with its error and is listed in the admin («Письма»).
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Send the mails of a transaction when it commits (registered by create_app, once per process)."""
    from . import outbox

    outbox.listen()
    app.extensions["portal.mail"] = True
