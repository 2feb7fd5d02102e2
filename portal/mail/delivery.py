"""One attempt at sending one mail: the only code that talks SMTP (smtplib, settings PORTAL_MAIL_*)."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models import MailMessage, MailStatus
from portal.models.base import utcnow

log = logging.getLogger(__name__)


class NotConfigured(Exception):
    pass


def attempt(message_id: int, retries_left: int) -> str:
    """Send the mail; its status afterwards. Raises on a failure worth retrying, so that the job is retried.

    A session of its own: the job may run inside another session's commit (the in-memory queue of the tests).
    """
    with Session(db.engine) as session:
        message = session.get(MailMessage, message_id)
        if message is None or message.status == MailStatus.SENT:
            return "gone" if message is None else "sent"
        message.attempts += 1
        try:
            _send(message)
        except (NotConfigured, smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
            # No point in trying again: the settings or the address are wrong.
            _fail(session, message, error, MailStatus.FAILED)
            return "failed"
        except (OSError, smtplib.SMTPException) as error:
            _fail(session, message, error, MailStatus.RETRYING if retries_left > 0 else MailStatus.FAILED)
            if retries_left > 0:
                raise
            return "failed"
        message.status, message.error, message.sent_at = MailStatus.SENT, "", utcnow()
        session.commit()
        log.info("Mail %d (%s) sent", message.id, message.kind)  # no address: it is personal data
        return "sent"


def _fail(session: Session, message: MailMessage, error: Exception, status: MailStatus) -> None:
    message.status, message.error = status, _describe(error)
    session.commit()
    log.warning("Mail %d (%s) not sent: %s", message.id, message.kind, type(error).__name__)


def _describe(error: Exception) -> str:
    if isinstance(error, NotConfigured):
        return str(error)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = "; ".join(f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
                          for code, text in error.recipients.values())
        return f"Сервер отказался принять адрес получателя: {codes}"
    return f"{type(error).__name__}: {error}"[:1000]


def _send(message: MailMessage) -> None:
    config = current_app.config
    host = config.get("MAIL_HOST") or ""
    if not host:
        raise NotConfigured("Почта не настроена: не задан PORTAL_MAIL_HOST.")
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = formataddr((config["SITE_NAME"], config["MAIL_FROM"]))
    mail["To"] = message.recipient
    mail["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
    mail["Auto-Submitted"] = "auto-generated"  # tells auto-responders not to answer
    mail.set_content(message.body_text)
    mail.add_alternative(message.body_html, subtype="html")
    security = (config.get("MAIL_SECURITY") or "none").lower()
    opener = smtplib.SMTP_SSL if security == "ssl" else smtplib.SMTP
    with opener(host, int(config["MAIL_PORT"]), timeout=int(config["MAIL_TIMEOUT"])) as smtp:
        if security == "starttls":
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(mail)
