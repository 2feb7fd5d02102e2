"""Templates in use: the organisation's own, else the municipality's, else the default; uploads checked at once."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.models import DocumentTemplate
from portal.models.base import utcnow

from . import defaults, engine
from .kinds import KINDS, Kind, sample

MAX_UPLOAD = 10 * 1024 * 1024


@dataclass(frozen=True)
class InUse:
    content: bytes
    source: str  # «собственный шаблон организации», «шаблон муниципалитета», «шаблон по умолчанию»
    template: DocumentTemplate | None = None


def stored(session: Session, code: str, organisation_id: int | None) -> DocumentTemplate | None:
    owner = DocumentTemplate.organisation_id.is_(None) if organisation_id is None else \
        DocumentTemplate.organisation_id == organisation_id
    return session.scalar(sa.select(DocumentTemplate).where(DocumentTemplate.kind == code, owner))


def template_for(session: Session, code: str, organisation_id: int | None) -> InUse:
    """Precedence: the organisation's own → the municipality's → the default."""
    if organisation_id is not None:
        own = stored(session, code, organisation_id)
        if own is not None:
            return InUse(own.content, "собственный шаблон организации", own)
    municipal = stored(session, code, None)
    if municipal is not None:
        return InUse(municipal.content, "шаблон муниципалитета", municipal)
    return InUse(defaults.default_template(code), "шаблон по умолчанию")


def prepare(kind: Kind, data: bytes) -> bytes:
    """An uploaded template ready to store, or TemplateProblem naming what is wrong: not a .docx, too large when
    unpacked, broken Jinja syntax, unknown placeholders. Letters' {ФИО}-style placeholders become Jinja."""
    if len(data) > MAX_UPLOAD:
        raise engine.TemplateProblem("Файл шаблона больше 10 МБ.")
    engine.check_package(data)
    if kind.code == "thank_you_letter":
        from portal.monitoring import letters

        try:
            unknown = letters.unknown_placeholders(" ".join(letters.template_placeholders(data)))
            data = engine.convert_legacy(data)
        except Exception:  # python-docx raises several kinds for a broken file
            raise engine.TemplateProblem("Шаблон должен быть документом Word (.docx).") from None
        if unknown:
            raise engine.TemplateProblem("В шаблоне неизвестные подстановки: " + ", ".join(unknown) + ".")
    used = engine.names_used(data)
    unknown = sorted(used - kind.names())
    if unknown:
        raise engine.TemplateProblem("В шаблоне неизвестные подстановки: " + ", ".join(unknown)
                                     + ". Список доступных — на странице шаблонов.")
    if not used:
        raise engine.TemplateProblem("В шаблоне нет ни одной подстановки вида {{ организация.название }}: "
                                     "документ вышел бы пустым бланком.")
    engine.render(data, sample(kind.schema))  # unknown fields of known names (организация.фоо), bad filters…
    return data


def save(session: Session, code: str, organisation_id: int | None, data: bytes, filename: str,
         uploaded_by: str) -> DocumentTemplate:
    """Check and store an upload, replacing the same owner's template of the kind."""
    kind = KINDS[code]
    data = prepare(kind, data)
    row = stored(session, code, organisation_id) or DocumentTemplate(kind=code, organisation_id=organisation_id)
    row.content, row.filename, row.uploaded_by = data, filename[:200], uploaded_by
    row.uploaded_at = utcnow()
    session.add(row)
    return row
