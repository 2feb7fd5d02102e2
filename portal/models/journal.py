"""The journal of a pairing (журнал наставнической пары): its meetings and the mentee's development plan,
and the recognition of mentors (лучший наставник года)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

from .base import TimestampMixin
from .registry import Pairing, Person
from .vocabulary import MeetingKind, column_type


class Meeting(TimestampMixin, db.Model):
    __tablename__ = "meeting"
    # A pairing's meetings, and «давно не встречались» (each pairing's last meeting) from this index alone.
    __table_args__ = (sa.Index("ix_meeting_pairing_held", "pairing_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(sa.ForeignKey("pairing.id", ondelete="CASCADE"))
    pairing: Mapped[Pairing] = relationship()
    held_on: Mapped[date] = mapped_column(index=True)
    kind: Mapped[MeetingKind] = mapped_column(column_type(MeetingKind), default=MeetingKind.REGULAR)
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    def __str__(self) -> str:
        if not self.kind or not self.held_on:
            return "Встреча"
        return f"{MeetingKind(self.kind).label} встреча {self.held_on:%d.%m.%Y}"  # a form may set the plain value


class PlanGoal(TimestampMixin, db.Model):
    """A goal of the individual development plan (индивидуальный план развития) of a pairing."""

    __tablename__ = "plan_goal"
    # The dashboard's overdue goals: the open goals in the order of their deadline, from this index alone, the
    # walk stopping at the 50th (without it the database read every pairing and its goals, 11 ms on SQLite
    # for a region's 35 000 goals). Partial: done goals, most of them in time, are not in it.
    __table_args__ = (sa.Index("ix_plan_goal_open", "deadline", "id", sqlite_where=sa.text("done IS 0"),
                               postgresql_where=sa.text("done IS false")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(sa.ForeignKey("pairing.id", ondelete="CASCADE"), index=True)
    pairing: Mapped[Pairing] = relationship()
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(500))
    deadline: Mapped[date | None] = mapped_column()
    done: Mapped[bool] = mapped_column(default=False)

    def __str__(self) -> str:
        return self.title


class MentorAward(TimestampMixin, db.Model):
    """A mentor named one of the year's best (лучший наставник года)."""

    __tablename__ = "mentor_award"
    __table_args__ = (sa.UniqueConstraint("person_id", "year", name="uq_mentor_award_person_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    person: Mapped[Person] = relationship()
    year: Mapped[int] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(sa.String(200), default="Лучший наставник года")

    def __str__(self) -> str:
        return f"{self.title} {self.year}"
