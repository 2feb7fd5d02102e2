"""Organisations: schools, kindergartens, colleges, the education department, partners."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from portal.filters import plural
from portal.extensions import db
from portal.models import Case, Event, NewsItem, Organisation, Pairing, Person, Program, Questionnaire, Roadmap
from portal.models.user import user_organisation

from . import bp
from .crud import Column, Crud
from .forms import OrganisationForm

# What an organisation may own, with the Russian words for «N такой записи», «N таких записей»…
OWNED = (
    (Roadmap, ("дорожная карта", "дорожные карты", "дорожных карт")),
    (Case, ("кейс", "кейса", "кейсов")),
    (NewsItem, ("новость", "новости", "новостей")),
    (Event, ("мероприятие", "мероприятия", "мероприятий")),
    (Person, ("участник реестра", "участника реестра", "участников реестра")),
    (Program, ("программа", "программы", "программ")),
    (Pairing, ("наставническая пара", "наставнические пары", "наставнических пар")),
    (Questionnaire, ("анкета", "анкеты", "анкет")),
)


def owned_content(organisation: Organisation) -> list[str]:
    """Why an organisation may not be deleted: «2 дорожные карты», «5 кейсов»…"""
    reasons = []
    for model, forms in OWNED:
        count = db.session.scalar(
            sa.select(sa.func.count()).select_from(model).where(model.organisation_id == organisation.id)
        )
        if count:
            reasons.append(plural(count, *forms))
    curators = db.session.scalar(
        sa.select(sa.func.count()).select_from(user_organisation)
        .where(user_organisation.c.organisation_id == organisation.id)
    )
    if curators:
        reasons.append(plural(curators, "куратор", "куратора", "кураторов"))
    return reasons


organisations = Crud(
    name="organisations",
    model=Organisation,
    form=OrganisationForm,
    title="Организации",
    new_label="Новая организация",
    columns=[
        Column("short_name", "Краткое наименование", link=True),
        Column("kind", "Тип"),
        Column("municipality", "Муниципалитет"),
        Column("updated_at", "Изменено"),
    ],
    search=["name", "short_name", "municipality"],
    default_sort="short_name",
    curator_may_create=False,
    blockers=owned_content,
    edit_template="admin/organisation_form.html",
    extra_context=lambda org: {"embeds": embed_snippets(org)} if org.id else {},
).register(bp)


def embed_snippets(organisation: Organisation) -> list[tuple[str, str]]:
    """Code a school pastes into its website to show its roadmap's progress and its cases."""
    site = current_app.config["SITE_URL"].rstrip("/") + "/"
    snippets = []
    for title, path, height in (("Дорожная карта", "roadmap", 220), ("Практики наставничества", "cases", 320)):
        src = f"{site}embed/{organisation.slug}/{path}/"
        snippets.append((title, f'<iframe src="{src}" title="{title}: {organisation.short_name}" '
                                f'width="100%" height="{height}" loading="lazy" style="border:0"></iframe>'))
    return snippets
