"""News items and events (фестивали, конкурсы, семинары)."""
from __future__ import annotations

from sqlalchemy.orm import joinedload

from portal.models import Event, NewsItem

from . import bp, covers
from .crud import Column, Crud
from .forms import EventForm, NewsItemForm


class NewNewsItemForm(NewsItemForm, covers.CoverFields):
    """The news form; a new item chooses its cover here too."""

news = Crud(
    name="news",
    model=NewsItem,
    form=NewNewsItemForm,
    title="Новости",
    new_label="Новая новость",
    columns=[
        Column("title", "Заголовок", link=True),
        Column("published_on", "Дата"),
        Column("organisation", "Организация", sortable=False),
        Column("status", "Статус"),
    ],
    search=["title", "summary", "body_md"],
    default_sort="-published_on",
    prepare=covers.prepare,
    extra_validate=covers.validate,
    after_flush=covers.attach,
    list_options=[joinedload(NewsItem.organisation)],
).register(bp)

events = Crud(
    name="events",
    model=Event,
    form=EventForm,
    title="Мероприятия",
    new_label="Новое мероприятие",
    columns=[
        Column("title", "Название", link=True),
        Column("kind", "Тип"),
        Column("starts_at", "Начало"),
        Column("place", "Место"),
        Column("organisation", "Организация", sortable=False),
        Column("status", "Статус"),
    ],
    search=["title", "place", "summary", "description_md"],
    default_sort="-starts_at",
    list_options=[joinedload(Event.organisation)],
).register(bp)
