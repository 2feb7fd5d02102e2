"""User of the admin: admin, editor (municipal coordinator) or curator bound to organisations."""
from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db

from .base import TimestampMixin
from .organisation import Organisation
from .vocabulary import UserRole, column_type

user_organisation = sa.Table(
    "user_organisation",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(200), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(300))
    role: Mapped[UserRole] = mapped_column(column_type(UserRole), default=UserRole.CURATOR)
    active: Mapped[bool] = mapped_column(default=True)
    # Part of every session cookie's user id: a new value ends the user's sessions everywhere. The session is a
    # signed cookie the server keeps no copy of, so logging out has to change something on the server side.
    session_salt: Mapped[str] = mapped_column(sa.String(32), default="", server_default="")
    # Loaded when asked for (a curator's rights, once per request: permissions.organisation_ids), not with every
    # user: each admin request loads its user, and editors and admins never read this list.
    organisations: Mapped[list[Organisation]] = relationship(secondary=user_organisation, lazy="select")

    def set_password(self, password: str) -> None:
        # scrypt named explicitly, so that a change of Werkzeug's default can never weaken stored hashes.
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def session_token(self) -> str:
        """Changes with the password and at logout, so that either ends every session and «remember me» cookie."""
        return hashlib.sha256((self.password_hash + self.session_salt).encode()).hexdigest()[:16]

    def end_sessions(self) -> None:
        """Make every session and «remember me» cookie of this user invalid (the caller commits)."""
        self.session_salt = secrets.token_hex(16)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def __str__(self) -> str:
        return self.name or self.email
