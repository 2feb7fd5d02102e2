"""Templates of the methodology's documents (portal/documents/) uploaded by an organisation or the municipality."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

from .base import utcnow
from .organisation import Organisation


class DocumentTemplate(db.Model):
    """A .docx with Jinja tags (docxtpl) for one kind of document; without an organisation: municipality-wide.

    One template per kind and organisation: uploading again replaces it."""

    __tablename__ = "document_template"
    __table_args__ = (sa.UniqueConstraint("kind", "organisation_id", name="uq_document_template_kind_organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)  # a code of portal.documents.kinds
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"),
                                                        index=True)
    organisation: Mapped[Organisation | None] = relationship()
    filename: Mapped[str] = mapped_column(sa.String(200), default="")
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(sa.String(200), default="")  # the user's e-mail
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)

    def __str__(self) -> str:
        owner = self.organisation.short_name if self.organisation is not None else "муниципалитет"
        return f"Шаблон {self.kind} ({owner})"
