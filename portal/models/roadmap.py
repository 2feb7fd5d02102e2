"""Roadmap (дорожная карта) of an organisation: stages (этапы) made of activities (мероприятия)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

from .base import VersionedMixin, MarkdownMixin, PublishableMixin, SlugMixin, TimestampMixin
from .case import Case
from .news import NewsItem
from .organisation import Organisation
from .vocabulary import ActivityStatus, column_type


class Roadmap(VersionedMixin, TimestampMixin, PublishableMixin, SlugMixin, MarkdownMixin, db.Model):
    __tablename__ = "roadmap"
    __markdown_fields__ = ("description",)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    organisation: Mapped[Organisation] = relationship()
    title: Mapped[str] = mapped_column(sa.String(400))
    period: Mapped[str] = mapped_column(sa.String(100), default="")  # «2022–2023 учебный год»
    year: Mapped[int | None] = mapped_column()
    description_md: Mapped[str] = mapped_column(sa.Text, default="")
    description_html: Mapped[str] = mapped_column(sa.Text, default="")
    stages: Mapped[list[Stage]] = relationship(
        back_populates="roadmap", order_by="Stage.position", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.title


class Stage(TimestampMixin, db.Model):
    __tablename__ = "stage"

    id: Mapped[int] = mapped_column(primary_key=True)
    roadmap_id: Mapped[int] = mapped_column(sa.ForeignKey("roadmap.id", ondelete="CASCADE"), index=True)
    roadmap: Mapped[Roadmap] = relationship(back_populates="stages")
    position: Mapped[int] = mapped_column(default=0)
    number: Mapped[str] = mapped_column(sa.String(20), default="")  # as written: «1.», «II»
    title: Mapped[str] = mapped_column(sa.String(500))
    goal: Mapped[str] = mapped_column(sa.Text, default="")  # «Задача:»
    result: Mapped[str] = mapped_column(sa.Text, default="")  # «Результат:»
    activities: Mapped[list[Activity]] = relationship(
        back_populates="stage", order_by="Activity.position", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class Activity(TimestampMixin, db.Model):
    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(sa.ForeignKey("stage.id", ondelete="CASCADE"), index=True)
    stage: Mapped[Stage] = relationship(back_populates="activities")
    position: Mapped[int] = mapped_column(default=0)
    number: Mapped[str] = mapped_column(sa.String(20), default="")
    title: Mapped[str] = mapped_column(sa.Text)
    details: Mapped[str] = mapped_column(sa.Text, default="")
    deadline_text: Mapped[str] = mapped_column(sa.String(300), default="")  # сроки, as written
    deadline_start: Mapped[date | None] = mapped_column()
    deadline_end: Mapped[date | None] = mapped_column()
    recurrence: Mapped[str | None] = mapped_column(sa.String(40))  # e.g. monthly, yearly; parsed later
    responsible: Mapped[str] = mapped_column(sa.Text, default="")
    expected_result: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[ActivityStatus] = mapped_column(column_type(ActivityStatus), default=ActivityStatus.PLANNED)
    # Evidence that the activity took place: a news item, a case, or any address.
    evidence_url: Mapped[str] = mapped_column(sa.String(500), default="")
    evidence_news_id: Mapped[int | None] = mapped_column(sa.ForeignKey("news_item.id", ondelete="SET NULL"))
    evidence_news: Mapped[NewsItem | None] = relationship()
    evidence_case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case.id", ondelete="SET NULL"))
    evidence_case: Mapped[Case | None] = relationship()

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()
