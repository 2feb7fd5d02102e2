"""«Публикация»: what is being published, what was, and failures; «Опубликовать» asks the worker for a build
(portal/jobs.py), from any host. Previews of unpublished items."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import jobs, permissions
from portal.publish import runs
from portal.site import content
from portal.site import views as site

from . import PREVIEW_KINDS, bp
from .crud import CRUDS
from .forms import BaseForm


def _check_staff() -> None:
    if not permissions.is_staff(current_user):
        abort(403)


@bp.get("/publish")
def publish_status():
    _check_staff()
    running, requested = runs.now()
    history = runs.recent()
    last = next((run for run in history if run.status != "running"), None)
    return render_template("admin/publish.html", running=running, requested=requested, last=last,
                           history=history, reasons=runs.REASONS, next_scheduled=runs.next_scheduled(),
                           form=BaseForm())


@bp.post("/publish")
def publish_start():
    _check_staff()
    if not BaseForm().validate_on_submit():
        abort(400)
    full = permissions.is_admin(current_user) and request.form.get("full") == "1"
    if jobs.request_publish("manual", full=full, user=current_user):
        flash("Публикация поставлена в очередь: сайт обновится через несколько секунд.", "info")
    else:
        flash("Публикация уже запрошена: она начнётся, как только закончится текущая.", "info")
    return redirect(url_for("admin.publish_status"))


PREVIEWS = {
    "roadmaps": lambda item: site.roadmap_page(item, preview=True),
    "cases": lambda item: site.render("site/case.html", case=item, related=content.current().related_cases(item),
                                      preview=True),
    "news": lambda item: site.render("site/news_item.html", item=item, preview=True),
    "events": lambda item: site.render("site/event.html", event=item, preview=True),
    "pages": lambda item: site.render("site/page.html", page=item, preview=True),
    "organisations": lambda item: site.organisation_page(item, preview=True),
}


@bp.get("/preview/<kind>/<id:id>")
def preview(kind: str, id: int):
    """The item as it will look on the site, whatever its status; nothing is published."""
    if kind not in PREVIEW_KINDS:
        abort(404)
    item = CRUDS[kind].get_or_404(id)
    return PREVIEWS[kind](item)
