"""Registries: persons (mentors and mentees), mentoring programs and pairings fixed by order."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

from .base import VersionedMixin, MarkdownMixin, SlugMixin, TimestampMixin
from .case import Case
from .organisation import Organisation
from .vocabulary import (
    ConsentKind,
    MentoringForm,
    PairingStatus,
    PersonCategory,
    PublicField,
    Role,
    Signatory,
    column_type,
)


class PersonRole(db.Model):
    """A person is a mentor, a mentee, or over time both."""

    __tablename__ = "person_role"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(column_type(Role), primary_key=True)


class Person(VersionedMixin, TimestampMixin, db.Model):
    __tablename__ = "person"
    # «Не сформировали пару» on the dashboard: persons in the order of the list (since when, then name), so that
    # the first 50 mentees without a pairing are found without sorting the whole registry. The same text on
    # SQLite and PostgreSQL (date() of a timestamp without time zone is immutable there).
    __table_args__ = (sa.Index("ix_person_since", sa.text("coalesce(joined_on, date(created_at))"), "full_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    organisation: Mapped[Organisation] = relationship()
    full_name: Mapped[str] = mapped_column(sa.String(300))  # ФИО
    category: Mapped[PersonCategory] = mapped_column(column_type(PersonCategory))
    is_minor: Mapped[bool] = mapped_column(default=False)
    position: Mapped[str] = mapped_column(sa.String(300), default="")  # должность / класс / группа
    email: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(60), default="")
    competencies: Mapped[str] = mapped_column(sa.Text, default="")
    achievements: Mapped[str] = mapped_column(sa.Text, default="")
    mentoring_form: Mapped[MentoringForm | None] = mapped_column(column_type(MentoringForm))
    joined_on: Mapped[date | None] = mapped_column()  # дата вхождения в программу
    birth_date: Mapped[date | None] = mapped_column()  # only for the consent form of a minor (portal/documents/)
    # Matching (portal/registries/matching.py): a mentor's competences or a mentee's request as tags,
    # comma-separated in lower case; how many mentees a mentor takes at once; when they are free.
    tags: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    capacity: Mapped[int] = mapped_column(default=1, server_default="1")
    availability: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    role_rows: Mapped[list[PersonRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    consents: Mapped[list[Consent]] = relationship(back_populates="person", cascade="all, delete-orphan",
                                                   lazy="selectin", order_by="Consent.signed_on")

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    @roles.setter
    def roles(self, wanted: set[Role] | list[Role]) -> None:
        wanted = {Role(r) for r in wanted}
        self.role_rows = [row for row in self.role_rows if row.role in wanted] + [
            PersonRole(role=r) for r in sorted(wanted - self.roles)
        ]

    def __str__(self) -> str:
        return self.full_name


class Consent(TimestampMixin, db.Model):
    """Согласие на обработку или на распространение персональных данных (152-ФЗ, ст. 9 и 10.1)."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    person: Mapped[Person] = relationship(back_populates="consents")
    kind: Mapped[ConsentKind] = mapped_column(column_type(ConsentKind))
    signed_on: Mapped[date] = mapped_column()
    document: Mapped[str] = mapped_column(sa.String(200), default="")  # где хранится подписанный бланк
    signed_by: Mapped[Signatory] = mapped_column(column_type(Signatory), default=Signatory.PERSON)
    representative_name: Mapped[str] = mapped_column(sa.String(300), default="")
    allowed_fields: Mapped[str] = mapped_column(sa.String(200), default="")  # PublicField values, comma-separated
    withdrawn_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    @property
    def fields(self) -> set[PublicField]:
        return {PublicField(v) for v in self.allowed_fields.split(",") if v in PublicField._value2member_map_}

    def __str__(self) -> str:
        return f"{self.kind.label} от {self.signed_on:%d.%m.%Y}"


# Сетевое наставничество: the other organisations a program spans, besides its own (the lead one).
program_organisation = sa.Table(
    "program_organisation",
    db.metadata,
    sa.Column("program_id", sa.ForeignKey("program.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
)


class Program(VersionedMixin, TimestampMixin, SlugMixin, MarkdownMixin, db.Model):
    """Программа наставничества of an organisation; a network program spans partner organisations too."""

    __tablename__ = "program"
    __markdown_fields__ = ("description",)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    organisation: Mapped[Organisation] = relationship()
    title: Mapped[str] = mapped_column(sa.String(400))
    mentoring_form: Mapped[MentoringForm] = mapped_column(column_type(MentoringForm))
    description_md: Mapped[str] = mapped_column(sa.Text, default="")
    description_html: Mapped[str] = mapped_column(sa.Text, default="")
    starts_on: Mapped[date | None] = mapped_column()
    ends_on: Mapped[date | None] = mapped_column()
    network_organisations: Mapped[list[Organisation]] = relationship(secondary=program_organisation, lazy="selectin",
                                                                     order_by="Organisation.short_name")

    @property
    def organisation_ids(self) -> set[int]:
        """The lead organisation and the network partners: whose people may form its pairings."""
        return {self.organisation_id, *(org.id for org in self.network_organisations)}

    def __str__(self) -> str:
        return self.title


pairing_mentee = sa.Table(
    "pairing_mentee",
    db.metadata,
    sa.Column("pairing_id", sa.ForeignKey("pairing.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("person.id", ondelete="RESTRICT"), primary_key=True),
    # A person's pairings (is this mentee in an active one? may this person be deleted?) without a full scan.
    sa.Index("ix_pairing_mentee_person", "person_id"),
)


class Pairing(VersionedMixin, TimestampMixin, db.Model):
    """Наставническая пара или группа, fixed by an order (приказ о закреплении)."""

    __tablename__ = "pairing"
    # «Давно не встречались» on the dashboard: pairings in the order of the list (since their last meeting, else
    # their start), so that the first 50 are found without reading every pairing's meetings. Not led by the
    # status (see below); the same text on SQLite and PostgreSQL, as ix_person_since.
    __table_args__ = (sa.Index("ix_pairing_quiet",
                               sa.text("coalesce(last_meeting_on, starts_on, order_date, date(created_at))"), "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    organisation: Mapped[Organisation] = relationship()
    program_id: Mapped[int | None] = mapped_column(sa.ForeignKey("program.id", ondelete="RESTRICT"), index=True)
    program: Mapped[Program | None] = relationship()
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    mentor: Mapped[Person] = relationship(foreign_keys=[mentor_id])
    mentees: Mapped[list[Person]] = relationship(secondary=pairing_mentee, lazy="selectin",
                                                 order_by="Person.full_name")
    mentoring_form: Mapped[MentoringForm] = mapped_column(column_type(MentoringForm))
    order_number: Mapped[str] = mapped_column(sa.String(60), default="")  # «82/А»
    order_date: Mapped[date | None] = mapped_column()
    starts_on: Mapped[date | None] = mapped_column()
    ends_on: Mapped[date | None] = mapped_column()
    # Not indexed: most pairings are active, and with an index SQLite (which has no statistics until ANALYZE)
    # walked every active pairing for each mentee of the dashboard's «не сформировали пару».
    status: Mapped[PairingStatus] = mapped_column(column_type(PairingStatus), default=PairingStatus.ACTIVE)
    result: Mapped[str] = mapped_column(sa.Text, default="")  # итоги работы пары
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id", ondelete="SET NULL"))
    case: Mapped[Case | None] = relationship()
    # The date of its latest meeting in the journal, kept by portal/monitoring/journals.py whenever a meeting is
    # saved or deleted: the dashboard read every meeting of the region for it on each view (21 ms on SQLite for
    # 145 000 meetings).
    last_meeting_on: Mapped[date | None] = mapped_column()

    def __str__(self) -> str:
        names = ", ".join(m.full_name for m in self.mentees)
        return f"{self.mentor.full_name} → {names}" if self.mentor else names
