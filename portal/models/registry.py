"""Registries: persons (mentors and mentees), mentoring programs and pairings fixed by order."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

from .base import MarkdownMixin, SlugMixin, TimestampMixin
from .organisation import Organisation
from .vocabulary import MentoringForm, PairingStatus, PersonCategory, Role, column_type


class PersonRole(db.Model):
    """A person is a mentor, a mentee, or over time both."""

    __tablename__ = "person_role"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(column_type(Role), primary_key=True)


class Person(TimestampMixin, db.Model):
    __tablename__ = "person"

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
    role_rows: Mapped[list[PersonRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

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


class Program(TimestampMixin, SlugMixin, MarkdownMixin, db.Model):
    """Программа наставничества of an organisation."""

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

    def __str__(self) -> str:
        return self.title


pairing_mentee = sa.Table(
    "pairing_mentee",
    db.metadata,
    sa.Column("pairing_id", sa.ForeignKey("pairing.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("person.id", ondelete="RESTRICT"), primary_key=True),
)


class Pairing(TimestampMixin, db.Model):
    """Наставническая пара или группа, fixed by an order (приказ о закреплении)."""

    __tablename__ = "pairing"

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
    status: Mapped[PairingStatus] = mapped_column(column_type(PairingStatus), default=PairingStatus.ACTIVE)

    def __str__(self) -> str:
        names = ", ".join(m.full_name for m in self.mentees)
        return f"{self.mentor.full_name} → {names}" if self.mentor else names
