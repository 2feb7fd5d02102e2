"""The portal's e-mail: one package for SMTP.

- `kinds`: every kind of mail, who gets it, its subject; users turn the optional kinds off in their profile;
- `outbox.queue_mail`: a mail is a row (`MailMessage`) first; once the request's transaction commits, the job
  `send_mail` of the queue (portal/jobs.py's Huey, registered here) sends it — never the web request itself;
- `delivery`: one attempt of that job, the only code that talks SMTP (`smtplib`, settings `PORTAL_MAIL_*`);
  a failed attempt raises and Huey tries again `MAIL_RETRIES` times, `MAIL_RETRY_SECONDS` apart;
- `workflow_mail`: editors hear of items sent to review, authors of returns and publications (on every flush);
- `digest`: the curators' weekly digest (a periodic job, Monday morning);
- templates: `portal/templates/mail/<kind>.txt` and `.html`, plain text and simple HTML in Russian.

Mails carry no personal data of a minor and say why they were sent, with a link. A mail that fails stays in the
table with its error and is listed in the admin («Письма»).
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the job on the app's queue and send the mails of a transaction when it commits (create_app)."""
    from portal import jobs
    from portal.extensions import db

    from . import delivery, digest, outbox, workflow_mail

    huey = jobs.queue(app)

    @huey.task(retries=app.config["MAIL_RETRIES"], retry_delay=app.config["MAIL_RETRY_SECONDS"], name="send_mail",
               context=True)
    def send_mail(message_id: int, task=None) -> str:
        with app.app_context():
            return delivery.attempt(message_id, retries_left=task.retries if task else 0)

    # Monday 06:00 UTC (09:00 in Moscow): the curators' weekly digest, one mail each, none when nothing is due.
    @huey.periodic_task(jobs.crontab(day_of_week="1", hour="6", minute="0"), name="weekly_digest")
    def weekly_digest() -> int:
        with app.app_context():
            count = digest.send_digests()
            db.session.commit()
            return count

    huey.portal_tasks.update(send_mail=send_mail, weekly_digest=weekly_digest)
    outbox.listen()
    workflow_mail.listen()
    app.extensions["portal.mail"] = True
