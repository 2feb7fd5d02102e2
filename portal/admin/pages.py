"""Content pages of the site: о программе, нормативные документы. Editors and admins only."""
from __future__ import annotations

from portal.models import Page

from . import bp
from .crud import Column, Crud
from .forms import PageForm

pages = Crud(
    name="pages",
    model=Page,
    form=PageForm,
    title="Страницы сайта",
    new_label="Новая страница",
    columns=[
        Column("title", "Заголовок", link=True),
        Column("slug", "Адрес"),
        Column("kind", "Раздел"),
        Column("position", "Порядок"),
        Column("status", "Статус"),
    ],
    search=["title", "body_md"],
    default_sort="position",
    staff_only=True,
).register(bp)
