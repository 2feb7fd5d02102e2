"""Users of the admin. Admins only."""
from __future__ import annotations

import sqlalchemy as sa
from flask_login import current_user

from portal.extensions import db
from portal.models import Organisation, User, UserRole

from . import bp
from .crud import Column, Crud
from .forms import UserForm


def load_user_fields(user: User, form: UserForm) -> None:
    form.organisation_ids.data = [org.id for org in user.organisations]


def validate_user(form: UserForm, user: User) -> bool:
    ok = True
    taken = sa.select(User.id).where(User.email == form.email.data)
    if user.id is not None:
        taken = taken.where(User.id != user.id)
    if db.session.scalar(taken) is not None:
        form.email.errors.append("Пользователь с такой почтой уже есть.")
        ok = False
    if user.id is None and not form.password.data:
        form.password.errors.append("Задайте пароль новому пользователю.")
        ok = False
    if user.id == current_user.id and (form.role.data != UserRole.ADMIN or not form.active.data):
        form.role.errors.append("Нельзя лишить себя прав администратора или доступа: это сделает другой администратор.")
        ok = False
    return ok


def apply_user_fields(form: UserForm, user: User) -> None:
    if form.password.data:
        user.set_password(form.password.data)
    ids = form.organisation_ids.data if form.role.data == UserRole.CURATOR else []
    user.organisations = list(db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(ids))))


def user_blockers(user: User) -> list[str]:
    return ["нельзя удалить свою учётную запись"] if user.id == current_user.id else []


users = Crud(
    name="users",
    model=User,
    form=UserForm,
    title="Пользователи",
    new_label="Новый пользователь",
    columns=[
        Column("email", "Почта", link=True),
        Column("name", "Имя"),
        Column("role", "Роль"),
        Column("organisations", "Организации", sortable=False),
        Column("active", "Может входить"),
    ],
    search=["email", "name"],
    default_sort="email",
    admin_only=True,
    custom_fields=("organisation_ids", "password"),
    load=load_user_fields,
    apply=apply_user_fields,
    extra_validate=validate_user,
    blockers=user_blockers,
).register(bp)
