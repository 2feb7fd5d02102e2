"""Applications from the public site («Стать наставником», «Найти наставника») and the mail they cause.

An application is not a person yet: nothing of it reaches the public site, and a curator's «Принять» makes the
Person with its role and its consent (portal/registries/applications.py). Mails are rows first and sent by a job
(portal/mail/), so that a failure stays visible in the admin.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

from .base import TimestampMixin
from .organisation import Organisation
from .vocabulary import Labelled, MentoringForm, PersonCategory, Role, column_type


class ApplicationStatus(Labelled):
    NEW = ("new", "Новая")
    MORE_INFO = ("more_info", "Запрошены сведения")
    ACCEPTED = ("accepted", "Принята")
    DECLINED = ("declined", "Отклонена")


class Application(TimestampMixin, db.Model):
    """Заявка «Стать наставником» (kind mentor) или «Найти наставника» (kind mentee)."""

    __tablename__ = "application"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[Role] = mapped_column(column_type(Role))
    status: Mapped[ApplicationStatus] = mapped_column(column_type(ApplicationStatus), default=ApplicationStatus.NEW,
                                                      index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    organisation: Mapped[Organisation] = relationship()
    full_name: Mapped[str] = mapped_column(sa.String(300))
    category: Mapped[PersonCategory] = mapped_column(column_type(PersonCategory))
    is_minor: Mapped[bool] = mapped_column(default=False)
    representative_name: Mapped[str] = mapped_column(sa.String(300), default="")  # the parent, for a minor
    position: Mapped[str] = mapped_column(sa.String(300), default="")  # должность / класс / курс
    email: Mapped[str] = mapped_column(sa.String(200))  # the applicant's, or the parent's for a minor
    phone: Mapped[str] = mapped_column(sa.String(60), default="")
    mentoring_form: Mapped[MentoringForm] = mapped_column(column_type(MentoringForm))
    tags: Mapped[str] = mapped_column(sa.Text, default="")  # competences (mentor) or request (mentee), comma-separated
    about: Mapped[str] = mapped_column(sa.Text, default="")  # опыт, достижения или что хочется получить
    availability: Mapped[str] = mapped_column(sa.String(300), default="")
    capacity: Mapped[int] = mapped_column(default=1)  # mentors: mentees at once
    # The consent as given on the form: which text (its version), when and from which address.
    consent_version: Mapped[str] = mapped_column(sa.String(40))
    consent_at: Mapped[datetime] = mapped_column(sa.DateTime)
    consent_address: Mapped[str] = mapped_column(sa.String(64), default="")
    publication_consent: Mapped[bool] = mapped_column(default=False)  # name, organisation, competences on the site
    duplicate_note: Mapped[str] = mapped_column(sa.String(300), default="")  # flagged, never merged silently
    decision_comment: Mapped[str] = mapped_column(sa.Text, default="")  # the reason of a decline, or what to add
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id", ondelete="SET NULL"))

    @property
    def title(self) -> str:
        return "Стать наставником" if self.kind == Role.MENTOR else "Найти наставника"

    def __str__(self) -> str:
        # A minor is never named outside the application's own page.
        return f"Заявка № {self.id} «{self.title}»"


class MailStatus(Labelled):
    QUEUED = ("queued", "В очереди")
    SENT = ("sent", "Отправлено")
    RETRYING = ("retrying", "Ошибка, будет повтор")
    FAILED = ("failed", "Не отправлено")


class MailMessage(TimestampMixin, db.Model):
    """One mail to one address: what was sent, why, and what became of it."""

    __tablename__ = "mail_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    recipient: Mapped[str] = mapped_column(sa.String(200))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="SET NULL"),
                                                        index=True)
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[MailStatus] = mapped_column(column_type(MailStatus), default=MailStatus.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(sa.Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime)


class MailOptOut(db.Model):
    """A kind of mail a user turned off in their profile (every kind is on until turned off)."""

    __tablename__ = "mail_opt_out"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
