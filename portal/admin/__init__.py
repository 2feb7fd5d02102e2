"""The admin blueprint: dynamic, behind a login; one module per area."""
from flask import Blueprint, redirect, request, url_for
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from portal.config import PACKAGE_DIR

bp = Blueprint(
    "admin",
    __name__,
    url_prefix="/admin",
    static_folder=str(PACKAGE_DIR / "static" / "admin"),
    static_url_path="/static",
)

PUBLIC_ENDPOINTS = {"admin.login", "admin.static"}
MAX_ID = 2**31 - 1  # PostgreSQL's integer: a larger id in a URL is a 404, not a database error


class IdConverter(IntegerConverter):
    """`<id:name>`: a database id in a URL."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)


bp.record_once(lambda state: state.app.url_map.converters.setdefault("id", IdConverter))

PREVIEW_KINDS = ("roadmaps", "cases", "news", "events", "pages", "organisations")

# The admin menu: (title, CRUD name); the CRUD's rights decide whether an item shows.
MENU = (
    ("Организации", "organisations"),
    ("Дорожные карты", "roadmaps"),
    ("Кейсы", "cases"),
    ("Участники", "persons"),
    ("Программы", "programs"),
    ("Пары и группы", "pairings"),
    ("Анкеты", "questionnaires"),
    ("Новости", "news"),
    ("Мероприятия", "events"),
    ("Страницы", "pages"),
    ("Медиатека", "media"),
    ("Пользователи", "users"),
)


@bp.before_request
def require_login():
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return redirect(url_for("admin.login", next=request.full_path))
    return None


@bp.context_processor
def menu():
    from .crud import CRUDS

    from portal import permissions

    items = [(title, f"admin.{name}_list") for title, name in MENU if CRUDS[name].visible_to(current_user)]
    # Monitoring pages that are not one model's list, after «Анкеты»: every role, within its organisations.
    after = next((i + 1 for i, (_t, endpoint) in enumerate(items) if endpoint == "admin.questionnaires_list"),
                 len(items))
    items[after:after] = [("Показатели", "admin.indicators"), ("Лучшие наставники", "admin.recognition"),
                          ("Шаблоны документов", "admin.document_templates")]
    after = next((i + 1 for i, (_t, endpoint) in enumerate(items) if endpoint == "admin.media_list"), len(items))
    items.insert(after, ("Корзина", "admin.trash_list"))
    # Applications from the site after the registry of persons (issue #25); mail and one's own notifications.
    persons = next((i + 1 for i, (_t, endpoint) in enumerate(items) if endpoint == "admin.persons_list"), len(items))
    items.insert(persons, ("Заявки", "admin.applications_list"))
    items += [("Письма", "admin.mail_log"), ("Мои уведомления", "admin.notifications")]
    if permissions.is_staff(current_user):
        items.append(("Публикация", "admin.publish_status"))
    if permissions.is_admin(current_user):
        items.append(("Журнал действий", "admin.audit_log"))
    from .bulk import actions_for

    return {"admin_menu": items, "preview_kinds": PREVIEW_KINDS, "bulk_actions": actions_for}


from portal.admin import (  # noqa: E402,F401  (each module registers its routes on bp)
    applications,
    audit_log,
    auth,
    bulk,
    cases,
    dashboard,
    documents,
    errors,
    indicators,
    mail_log,
    matching,
    media,
    news,
    organisations,
    pages,
    preview,
    publishing,
    questionnaire_answers,
    questionnaires,
    # The registries, in the order of the dashboard: persons (with their consents), programs, pairings.
    persons,
    consents,
    programs,
    pairings,
    recognition,
    registry_files,
    review,
    roadmap_files,
    roadmaps,
    search,
    trash,
    users,
)
