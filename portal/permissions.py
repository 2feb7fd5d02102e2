"""Who may see and change what. Views ask here; they never decide themselves.

- admin: everything, users included;
- editor (municipal coordinator): all content of all organisations, no users;
- curator: only rows of the organisations they are bound to; rows with no organisation (municipal news,
  content pages) and the list of organisations itself are out of reach except their own organisations.
  A network pairing (mentor and mentees of different organisations) is seen by the curators of every side
  (`may_see`), changed only by those of its own organisation; portal/registries/network.py hides the other
  side's personal data.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy.orm import Session

from portal.models import Organisation, Pairing, Person, User, UserRole


def is_staff(user: User) -> bool:
    return user.is_authenticated and user.role in (UserRole.ADMIN, UserRole.EDITOR)


def is_admin(user: User) -> bool:
    return user.is_authenticated and user.role == UserRole.ADMIN


def organisation_ids(user: User) -> set[int] | None:
    """The organisations the user may work with, or None for all of them.

    Asked once per request and user: a list page asks for every row it shows (a pairing's label asks for the
    mentor and each mentee), and each ask through Flask-Login's `current_user` proxy costs a lookup."""
    in_request = has_request_context()
    if in_request and user is current_user:  # the proxy: Flask-Login keeps the user it stands for in g
        user = g.get("_login_user", user)
    known = g.get("_organisation_ids") if in_request else None
    if known is not None and known[0] is user:
        return set(known[1]) if known[1] is not None else None
    if is_staff(user):
        allowed = None
    elif not user.is_authenticated:
        allowed = set()
    else:
        allowed = {org.id for org in user.organisations}
    if in_request:
        g._organisation_ids = (user, frozenset(allowed) if allowed is not None else None)
    return allowed


def may_use_organisation(user: User, organisation_id: int | None) -> bool:
    return within(organisation_ids(user), organisation_id)


def within(allowed: set[int] | frozenset[int] | None, organisation_id: int | None) -> bool:
    """Is the organisation among those `organisation_ids` gave (None: all of them)? For a loop over many rows,
    which asks `organisation_ids` once."""
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
    return _restrict(query, model, allowed or {-1})


# A statement built once and run for many users and requests (the dashboard's: building and keying a statement
# cost SQLAlchemy more than running it) is restricted by a bind parameter, whose value comes with each run.
ALLOWED = "allowed_organisations"


def scope_by_parameter(query: sa.Select, model: type) -> sa.Select:
    """`scope` with the organisations as the bind parameter ALLOWED, for a statement run by `execute_scoped`."""
    return _restrict(query, model, sa.bindparam(ALLOWED, expanding=True))


def execute_scoped(session: Session, statement_for: Callable[[bool], sa.Executable], user: User,
                   values: dict[str, Any]) -> sa.Result:
    """Run `statement_for(restricted)`, a statement built once (cached) for each kind of user: restricted (True,
    a curator) with `scope_by_parameter`, or not (staff, who see every row). The user's organisations go in as
    ALLOWED, with `values`, the statement's other bind parameters."""
    allowed = organisation_ids(user)
    if allowed is None:
        return session.execute(statement_for(False), values)
    return session.execute(statement_for(True), {**values, ALLOWED: sorted(allowed) or [-1]})


def _restrict(query: sa.Select, model: type, allowed: set[int] | sa.BindParameter) -> sa.Select:
    if model is Pairing:
        return query.where(pairing_sides(allowed))
    return query.where(owner_column(model).in_(allowed))


def pairing_sides(allowed: set[int] | sa.BindParameter) -> sa.ColumnElement[bool]:
    """SQL: the pairing involves one of the organisations (its own, its mentor's or a mentee's); `allowed` not
    empty (an empty IN is no SQL everywhere), or an expanding bind parameter."""
    from portal.models.registry import pairing_mentee

    mentor, mentee = sa.orm.aliased(Person), sa.orm.aliased(Person)  # aliases: the caller may join Person itself
    mentors = sa.select(mentor.id).where(mentor.organisation_id.in_(allowed))
    with_mentees = (sa.select(pairing_mentee.c.pairing_id).join(mentee, mentee.id == pairing_mentee.c.person_id)
                    .where(mentee.organisation_id.in_(allowed)))
    return sa.or_(Pairing.organisation_id.in_(allowed), Pairing.mentor_id.in_(mentors), Pairing.id.in_(with_mentees))


def may_change(user: User, obj: Any) -> bool:
    """May the user read, edit or delete this row?"""
    if isinstance(obj, Organisation):
        return may_use_organisation(user, obj.id)
    return may_use_organisation(user, obj.organisation_id)


def may_see(user: User, obj: Any) -> bool:
    """May the user read this row? As `may_change`, except that every side sees a network pairing."""
    if isinstance(obj, Pairing):
        allowed = organisation_ids(user)
        if allowed is None:
            return True
        sides = {obj.organisation_id, obj.mentor.organisation_id if obj.mentor else None,
                 *(mentee.organisation_id for mentee in obj.mentees)}
        return bool(allowed & sides)
    return may_change(user, obj)
