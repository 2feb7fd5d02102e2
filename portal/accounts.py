"""Creating users from the command line (the first admin) and from the demo data set."""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Organisation, User, UserRole

MIN_PASSWORD = 10


class AccountError(ValueError):
    """A user cannot be created as asked; the message is for the person at the terminal, in Russian."""


def create_user(email: str, role: str, password: str, organisation_slugs: list[str] | tuple[str, ...] = (),
                name: str = "") -> User:
    email = email.strip().lower()
    if "@" not in email:
        raise AccountError(f"«{email}» не похоже на адрес электронной почты.")
    if role not in {r.value for r in UserRole}:
        raise AccountError(f"Неизвестная роль «{role}»: admin, editor или curator.")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Пароль не короче {MIN_PASSWORD} символов.")
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"Пользователь {email} уже есть.")
    organisations = []
    for slug in organisation_slugs:
        org = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
        if org is None:
            raise AccountError(f"Нет организации с адресом «{slug}».")
        organisations.append(org)
    if role == UserRole.CURATOR and not organisations:
        raise AccountError("Куратору нужна организация: --org SLUG.")
    user = User(email=email, role=UserRole(role), name=name,
                organisations=organisations if role == UserRole.CURATOR else [])
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user
