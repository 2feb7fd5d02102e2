"""List, create, edit and delete pages for one model, configured per area (see cases.py, news.py…).

Every route checks the user's rights through portal.permissions: a row of an organisation the user may not
work with answers 404, exactly like a row that does not exist, so ids cannot be probed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import FunctionType
from typing import Any, Callable

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from portal import audit, jobs, permissions, revisions, text, trash, workflow
from portal.extensions import db
from portal.models import Organisation, Status
from portal.models.base import PublishableMixin

from . import MAX_ID, choices, field_changes
from .forms import BaseForm, options


MAX_PAGE = 100_000
CONFLICT_MESSAGE = ("Эту запись уже изменил другой пользователь, пока вы её редактировали. Ваш текст не потерян: он "
                    "в форме ниже, а сохранённая версия — рядом. Перенесите нужное и сохраните ещё раз.")


@dataclass
class Column:
    attr: str
    label: str
    sortable: bool = True
    link: bool = False  # the cell links to the edit page
    value: Callable[[Any], Any] | None = None  # computed cell instead of the attribute

    def cell(self, obj: Any) -> Any:
        """The cell's value (Jinja's `attr` filter inspects the class first, which costs more than the page's
        queries on a list of rows; an attribute the row lacks shows as empty)."""
        return self.value(obj) if self.value else getattr(obj, self.attr, None)


@dataclass
class Crud:
    name: str  # URL part and endpoint prefix: /admin/cases/ → admin.cases_list
    model: type
    form: type[BaseForm]
    title: str  # «Кейсы»
    new_label: str  # «Новый кейс»
    columns: list[Column]
    search: list[Any]  # attribute names, column expressions of base_query, or functions making one per request
    default_sort: str = "-updated_at"
    staff_only: bool = False  # content without an organisation (pages)
    admin_only: bool = False  # users
    curator_may_create: bool = True
    custom_fields: tuple[str, ...] = ()  # form fields that `apply` handles itself
    load: Callable[[Any, BaseForm], None] | None = None  # obj → form, for custom fields
    apply: Callable[[BaseForm, Any], None] | None = None  # form → obj, for custom fields
    blockers: Callable[[Any], list[str]] | None = None  # why a row may not be deleted
    extra_validate: Callable[[BaseForm, Any], bool] | None = None
    edit_template: str = "admin/form.html"
    list_options: list = field(default_factory=list)
    base_query: Callable[[], sa.Select] | None = None  # the list's query, when it needs a join
    extra_context: Callable[[Any], dict] | None = None  # more for the edit page's template
    prepare: Callable[[BaseForm, Any], None] | None = None  # adjust the form to the row, on GET and POST
    after_flush: Callable[[BaseForm, Any], None] | None = None  # a saved row with its id, before the commit
    label: Callable[[Any], str] | None = None  # the row's name for this user, when str(row) may say too much
    read_only: Callable[[Any], Any] | None = None  # the page of a row the user may see but not change

    # ---- rights -------------------------------------------------------------------------------------
    @property
    def owned(self) -> bool:
        return self.model is Organisation or hasattr(self.model, "organisation_id")

    def visible_to(self, user) -> bool:
        if self.admin_only:
            return permissions.is_admin(user)
        return not self.staff_only or permissions.is_staff(user)

    def check_area(self) -> None:
        if not self.visible_to(current_user):
            abort(403)

    def get_or_404(self, id: int, see_only: bool = False) -> Any:
        self.check_area()
        obj = db.session.get(self.model, id)
        allowed = permissions.may_see if see_only else permissions.may_change
        if obj is None or (self.owned and not allowed(current_user, obj)):
            abort(404)
        return obj

    def title_of(self, obj: Any) -> str:
        return self.label(obj) if self.label else str(obj)

    # ---- views --------------------------------------------------------------------------------------
    def list_view(self):
        self.check_area()
        query = (self.base_query() if self.base_query else sa.select(self.model)).options(*self.list_options)
        if self.owned:
            query = permissions.scope(query, self.model, current_user)
        filters = self._filters()
        query = self._apply_filters(query, filters)
        sort = request.args.get("sort", self.default_sort)
        query = query.order_by(*self._order(sort))
        page = db.paginate(query, page=min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE),
                           per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
        return render_template("admin/list.html", crud=self, page=page, filters=filters, sort=sort,
                               organisations=choices.organisations(current_user) if self.owned else None,
                               statuses=Status.choices() if self.publishable else None)

    def new_view(self):
        self.check_area()
        if not self.curator_may_create and not permissions.is_staff(current_user):
            abort(403)
        return self._edit(self.model(), is_new=True)

    def edit_view(self, id: int):
        if self.read_only is not None:
            obj = self.get_or_404(id, see_only=True)
            if not permissions.may_change(current_user, obj):
                return self.read_only(obj)
            return self._edit(obj, is_new=False)
        return self._edit(self.get_or_404(id), is_new=False)

    def delete_view(self, id: int):
        obj = self.get_or_404(id)
        if not self.curator_may_create and not permissions.is_staff(current_user):
            abort(403)
        reasons = self.blockers(obj) if self.blockers else []
        if request.method == "POST" and not reasons:
            label = self.title_of(obj)  # a deleted row can no longer load what its name is made of
            was_public = self._on_site(obj)
            audit.record("delete", obj)
            if trash.keeps(self.model):
                trash.discard(obj, current_user)
            else:
                db.session.delete(obj)
            try:
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                reasons = ["на запись ссылаются другие данные"]
            else:
                self._republish(was_public)
                flash(f"Удалено: «{label}»." + (" Запись можно восстановить из «Корзины» в течение "
                                                 f"{current_app.config['TRASH_DAYS']} дней."
                                                 if trash.keeps(self.model) else ""), "success")
                return redirect(url_for(f"admin.{self.name}_list"))
        return render_template("admin/confirm_delete.html", crud=self, obj=obj, reasons=reasons)

    # ---- helpers ------------------------------------------------------------------------------------
    @property
    def trash_days(self) -> int | None:
        """Days a deleted row stays restorable in «Корзина»; None when a deletion is final."""
        return current_app.config["TRASH_DAYS"] if trash.keeps(self.model) else None

    @property
    def publishable(self) -> bool:
        return issubclass(self.model, PublishableMixin)

    def _filters(self) -> dict[str, Any]:
        args = request.args
        org = args.get("org", type=int)
        if org is not None and not 0 < org <= MAX_ID:
            org = None
        status = args.get("status", "")
        return {
            "q": text.strip_control_characters(args.get("q", "")).strip()[:200],
            "org": org,
            "status": status if status in {s.value for s in Status} else "",
        }

    def _apply_filters(self, query: sa.Select, filters: dict[str, Any]) -> sa.Select:
        if filters["org"] and self.owned:
            query = query.where(permissions.owner_column(self.model) == filters["org"])
        if filters["status"] and self.publishable:
            query = query.where(self.model.status == filters["status"])
        if filters["q"]:
            needle = filters["q"].lower()
            query = query.where(sa.or_(*(
                sa.func.lower(getattr(self.model, attr) if isinstance(attr, str)
                              else attr() if isinstance(attr, FunctionType) else attr)
                .contains(needle, autoescape=True)
                for attr in self.search
            )))
        return query

    def _order(self, sort: str) -> list:
        key = sort.lstrip("-")
        sortable = {c.attr for c in self.columns if c.sortable} | {"updated_at", "created_at"}
        if key not in sortable or not isinstance(getattr(self.model, key, None), sa.orm.InstrumentedAttribute):
            key, sort = self.default_sort.lstrip("-"), self.default_sort
        column = getattr(self.model, key)
        # NULLs last both ways, so SQLite and PostgreSQL list undated rows alike.
        ordered = column.desc() if sort.startswith("-") else column.asc()
        return [ordered.nulls_last(), self.model.id.desc()]

    def _edit(self, obj: Any, is_new: bool):
        form = self.form(obj=None if is_new else obj)
        form.setup(current_user)
        if self.publishable:
            form.status.choices = options((s.value, s.label) for s in workflow.status_choices(current_user, obj.status))
        if self.prepare:
            self.prepare(form, obj)
        if not is_new and self.load and request.method == "GET":
            self.load(obj, form)
        previews: dict[str, str] = {}
        conflict = False
        unavailable = False  # the database failed the save: the form comes back as typed, with 503
        if request.method == "POST" and "preview" in request.form:
            previews = {name: text.render_markdown(getattr(form, name).data) for name in form.markdown_fields}
        elif request.method == "POST" and self._conflict(obj):
            conflict = True
            flash(CONFLICT_MESSAGE, "error")
        elif form.validate_on_submit() and self._validate_more(form, obj):
            was_public = self._on_site(obj)
            try:
                # Nothing is written before the flush below: a query while filling the row (tags, networks,
                # permissions) would otherwise write a row another editor has just saved, outside this handling.
                with db.session.no_autoflush:
                    self._populate(form, obj)
                    if self.owned and not permissions.may_change(current_user, obj):
                        abort(403)  # the form offers only allowed organisations; this guards the rest
                if is_new:
                    db.session.add(obj)
                db.session.flush()
                if self.after_flush:
                    self.after_flush(form, obj)
                audit.record("create" if is_new else "save", obj)
                # Read before the commit expires the row: after it, each would load the row again.
                on_site, title, saved_id = was_public or self._on_site(obj), self.title_of(obj), obj.id
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                flash("Не удалось сохранить: такая запись уже есть или связанная запись удалена. "
                      "Проверьте адрес на сайте и связанные поля.", "error")
            except StaleDataError:  # saved by another editor between the version check and this flush
                db.session.rollback()
                conflict = True
                flash(CONFLICT_MESSAGE, "error")
            except DBAPIError:  # after IntegrityError: a lock timeout, a lost connection, a full disk…
                db.session.rollback()
                current_app.logger.exception("Saving %s failed in the database", self.name)
                unavailable = True
                flash("Не удалось сохранить: база данных сейчас не отвечает. Ваш текст не потерян: он в форме ниже. "
                      "Подождите минуту и нажмите «Сохранить» ещё раз.", "error")
            else:
                republished = self._republish(on_site)
                flash(f"Сохранено: «{title}»." + (" Сайт обновится через несколько секунд." if republished else ""),
                      "success")
                return redirect(url_for(f"admin.{self.name}_edit", id=saved_id))
        elif request.method == "POST":
            flash("Исправьте ошибки в форме: они отмечены у полей.", "error")
        extra = self.extra_context(obj) if self.extra_context else {}
        if conflict:
            db.session.refresh(obj)
        return render_template(self.edit_template, crud=self, form=form, obj=obj, is_new=is_new,
                               previews=previews, conflict=conflict,
                               changes=self._conflict_changes(form, obj) if conflict else None,
                               revisions=revisions.revisions_of(obj) if obj.id else [],
                               **extra), 503 if unavailable else 200

    def _conflict_changes(self, form: BaseForm, obj: Any) -> list:
        """The saved version (old) against what this editor typed (new), field by field."""
        saved = revisions.snapshot(obj)
        typed = {key: form[key].data for key in saved if key in form and key != "version"}
        typed = {key: getattr(value, "value", value) for key, value in typed.items()}
        typed = {key: ("" if value is None and saved[key] == "" else value) for key, value in typed.items()}
        return field_changes.compare(type(obj), field_changes.labels_of(form), {k: saved[k] for k in typed}, typed)

    def _on_site(self, obj: Any) -> bool:
        """Is the row on the public site (a published item, an organisation)? Then its save changes the site."""
        if self.publishable:
            return getattr(obj, "status", None) == Status.PUBLISHED
        return self.name == "organisations" and obj.id is not None

    def _republish(self, wanted: bool) -> bool:
        """Ask the worker to publish after a save that changed the site: no second button to press."""
        if wanted:
            jobs.request_publish("edit", user=current_user)
        return wanted

    def _conflict(self, obj) -> bool:
        """The form was made from an older version than the row has now (someone saved in between)."""
        posted = request.form.get("version", type=int)
        return obj.id is not None and posted is not None and posted != obj.version

    def _validate_more(self, form: BaseForm, obj: Any) -> bool:
        ok = True
        slug_field = getattr(form, "slug", None)
        if slug_field is not None and slug_field.data:
            query = sa.select(self.model.id).where(self.model.slug == slug_field.data)
            if obj.id is not None:
                query = query.where(self.model.id != obj.id)
            if db.session.scalar(query) is not None:
                slug_field.errors.append("Этот адрес уже занят другой записью: выберите другой.")
                ok = False
        if self.extra_validate:
            ok = self.extra_validate(form, obj) and ok
        return ok

    def _populate(self, form: BaseForm, obj: Any) -> None:
        skip = {"csrf_token", *self.custom_fields}
        for name, form_field in form._fields.items():
            if name not in skip:
                value = form_field.data
                setattr(obj, name, "" if value is None and name == "slug" else value)
        if self.apply:
            self.apply(form, obj)

    # ---- routes -------------------------------------------------------------------------------------
    def register(self, bp: Blueprint) -> "Crud":
        base = f"/{self.name}"
        bp.add_url_rule(f"{base}/", f"{self.name}_list", self.list_view)
        bp.add_url_rule(f"{base}/new", f"{self.name}_new", self.new_view, methods=["GET", "POST"])
        bp.add_url_rule(f"{base}/<id:id>/edit", f"{self.name}_edit", self.edit_view, methods=["GET", "POST"])
        bp.add_url_rule(f"{base}/<id:id>/delete", f"{self.name}_delete", self.delete_view,
                        methods=["GET", "POST"])
        CRUDS[self.name] = self
        return self


CRUDS: dict[str, Crud] = {}
