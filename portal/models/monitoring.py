"""Monitoring: questionnaires (анкеты) with their questions, and the anonymous responses to them.

A response belongs to no person: questionnaires of the mentoring programme are anonymous, so nothing here
can tie an answer to a mentor or a mentee (the public link needs no login, an import keeps no names).
"""
from __future__ import annotations

import secrets
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

from .base import TimestampMixin, VersionedMixin, utcnow
from .organisation import Organisation
from .registry import Program
from .vocabulary import QuestionKind, QuestionnaireAudience, QuestionnaireStage, column_type

SCALE_MAX = {QuestionKind.SCALE5: 5, QuestionKind.SCALE10: 10}
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


def new_token() -> str:
    """128 random bits: the public link cannot be guessed from another questionnaire's link."""
    return secrets.token_urlsafe(16)


class Questionnaire(VersionedMixin, TimestampMixin, db.Model):
    __tablename__ = "questionnaire"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: a municipal questionnaire of the education department (editors only).
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"),
                                                        index=True)
    organisation: Mapped[Organisation | None] = relationship()
    program_id: Mapped[int | None] = mapped_column(sa.ForeignKey("program.id", ondelete="RESTRICT"), index=True)
    program: Mapped[Program | None] = relationship()
    title: Mapped[str] = mapped_column(sa.String(400))
    intro: Mapped[str] = mapped_column(sa.Text, default="")  # shown above the questions
    audience: Mapped[QuestionnaireAudience] = mapped_column(column_type(QuestionnaireAudience),
                                                            default=QuestionnaireAudience.ALL)
    stage: Mapped[QuestionnaireStage] = mapped_column(column_type(QuestionnaireStage),
                                                      default=QuestionnaireStage.FINAL)
    # The ready-made template it was made from ("" when built by hand); satisfaction ones feed the indicator.
    template: Mapped[str] = mapped_column(sa.String(40), default="")
    opens_on: Mapped[date | None] = mapped_column()
    closes_on: Mapped[date | None] = mapped_column()  # the last day answers are taken (inclusive)
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)  # closed by hand, local time
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_token)
    publish_results: Mapped[bool] = mapped_column(default=False)  # aggregates may go to the public site
    questions: Mapped[list[Question]] = relationship(back_populates="questionnaire", cascade="all, delete-orphan",
                                                     lazy="selectin", order_by="Question.position, Question.id")

    def __str__(self) -> str:
        return self.title


class Question(db.Model):
    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True)
    questionnaire: Mapped[Questionnaire] = relationship(back_populates="questions")
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(sa.String(1000))
    kind: Mapped[QuestionKind] = mapped_column(column_type(QuestionKind), default=QuestionKind.SCALE10)
    required: Mapped[bool] = mapped_column(default=True)
    options: Mapped[str] = mapped_column(sa.Text, default="")  # choices, one per line

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in (self.options or "").splitlines() if line.strip()]

    @property
    def scale_max(self) -> int | None:
        return SCALE_MAX.get(self.kind)

    def __str__(self) -> str:
        return self.text


class QuestionnaireResponse(db.Model):
    """One filled-in questionnaire."""

    __tablename__ = "questionnaire_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, index=True)  # local time
    source: Mapped[str] = mapped_column(sa.String(20), default="link")  # link | import
    answers: Mapped[list[Answer]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class Answer(db.Model):
    """The answer to one question; a multiple choice is one row per chosen option."""

    __tablename__ = "answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("questionnaire_response.id", ondelete="CASCADE"),
                                             index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id", ondelete="CASCADE"), index=True)
    number: Mapped[int | None] = mapped_column()  # a scale answer
    text: Mapped[str] = mapped_column(sa.Text, default="")  # an option or free text
