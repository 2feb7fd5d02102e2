"""Creating users from the command line (the first admin) and from the demo data set."""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Organisation, User, UserRole

MIN_PASSWORD = 10
MIN_DISTINCT = 4
# Passwords that pass the length rule but are the first a guesser tries (keyboard rows, counting).
_COMMON = {"qwertyuiop", "йцукенгшщз", "1q2w3e4r5t", "q1w2e3r4t5", "password12", "password123", "qwerty1234",
           "1234567890", "0987654321", "abcdefghij", "parol12345", "пароль1234", "administrator"}


class AccountError(ValueError):
    """A user cannot be created as asked; the message is for the person at the terminal, in Russian."""


def password_problems(password: str, email: str = "") -> list[str]:
    """What is wrong with a new password, in Russian; empty when it may be used.

    Every place a password is set asks here: `portal user create`, the demo data set and the admin's user form.
    """
    problems = []
    if len(password) < MIN_PASSWORD:
        problems.append(f"Пароль не короче {MIN_PASSWORD} символов.")
    folded = password.strip().casefold()
    email = email.strip().casefold()
    if password.isdigit():
        problems.append("Пароль не может состоять только из цифр: добавьте буквы.")
    elif email and folded in {email, email.split("@", 1)[0]}:
        problems.append("Пароль не должен совпадать с адресом почты или его частью до «@».")
    elif folded in _COMMON or len(set(folded)) < MIN_DISTINCT:
        problems.append("Пароль слишком простой: его угадают первым. Возьмите, например, три-четыре случайных слова.")
    return problems


def create_user(email: str, role: str, password: str, organisation_slugs: list[str] | tuple[str, ...] = (),
                name: str = "") -> User:
    email = email.strip().lower()
    if "@" not in email:
        raise AccountError(f"«{email}» не похоже на адрес электронной почты.")
    if role not in {r.value for r in UserRole}:
        raise AccountError(f"Неизвестная роль «{role}»: admin, editor или curator.")
    if problems := password_problems(password, email):
        raise AccountError(" ".join(problems))
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
