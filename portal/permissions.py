"""Who may see and change what. Views ask here; they never decide themselves.

- admin: everything, users included;
- editor (municipal coordinator): all content of all organisations, no users;
- curator: only rows of the organisations they are bound to; rows with no organisation (municipal news,
  content pages) and the list of organisations itself are out of reach except their own organisations.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.models import Organisation, User, UserRole


def is_staff(user: User) -> bool:
    return user.is_authenticated and user.role in (UserRole.ADMIN, UserRole.EDITOR)


def is_admin(user: User) -> bool:
    return user.is_authenticated and user.role == UserRole.ADMIN


def organisation_ids(user: User) -> set[int] | None:
    """The organisations the user may work with, or None for all of them."""
    if is_staff(user):
        return None
    if not user.is_authenticated:
        return set()
    return {org.id for org in user.organisations}


def may_use_organisation(user: User, organisation_id: int | None) -> bool:
    allowed = organisation_ids(user)
    if allowed is None:
        return True
    return organisation_id is not None and organisation_id in allowed


def owner_column(model: type) -> Any:
    """The column that says which organisation a row belongs to."""
    if model is Organisation:
        return Organisation.id
    return model.organisation_id


def scope(query: sa.Select, model: type, user: User) -> sa.Select:
    """Restrict a query of ``model`` to the rows the user may see."""
    allowed = organisation_ids(user)
    if allowed is None:
        return query
    return query.where(owner_column(model).in_(allowed or {-1}))


def may_change(user: User, obj: Any) -> bool:
    """May the user read, edit or delete this row?"""
    if isinstance(obj, Organisation):
        return may_use_organisation(user, obj.id)
    return may_use_organisation(user, obj.organisation_id)
