"""«Опубликовать»: a build in the background with its progress and report; previews of unpublished items."""
from __future__ import annotations

import threading

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from portal import permissions
from portal.publish import build, publishing
from portal.site import content
from portal.site import views as site

from . import PREVIEW_KINDS, bp
from .crud import CRUDS
from .forms import BaseForm

_running = threading.Lock()  # one build from this process at a time; the build's file lock covers the rest


def _check_staff() -> None:
    if not permissions.is_staff(current_user):
        abort(403)


@bp.get("/publish")
def publish_status():
    _check_staff()
    instance = current_app.config["INSTANCE_PATH"]
    running = _running.locked() or build.is_running(instance)
    return render_template("admin/publish.html", report=publishing.last_report(instance),
                           progress=publishing.read_progress(instance), running=running, form=BaseForm())


@bp.post("/publish")
def publish_start():
    _check_staff()
    if not BaseForm().validate_on_submit():
        abort(400)
    if not _running.acquire(blocking=False):
        flash("Публикация уже идёт: дождитесь её окончания.", "error")
        return redirect(url_for("admin.publish_status"))
    if build.is_running(current_app.config["INSTANCE_PATH"]):  # started from the CLI or another worker
        _running.release()
        flash("Публикация уже идёт: дождитесь её окончания.", "error")
        return redirect(url_for("admin.publish_status"))
    app = current_app._get_current_object()
    user = current_user._get_current_object()

    def work() -> None:
        try:
            publishing.run_build(app, track_progress=True, user=user)
        finally:
            _running.release()

    threading.Thread(target=work, name="portal-build", daemon=True).start()
    flash("Публикация началась. Страница обновится сама.", "info")
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
