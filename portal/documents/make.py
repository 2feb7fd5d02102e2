"""Making documents: the kind's context from the registry, the template in use, docxtpl, the audit log."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal import audit
from portal.models import Organisation, Pairing, Person, Program

from . import engine, store
from .context import Missing, MissingData
from .kinds import KINDS, Options, kinds_for

MODELS: dict[str, type] = {"program": Program, "pairing": Pairing, "person": Person, "organisation": Organisation}
TARGET_OF = {model: target for target, model in MODELS.items()}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Made:
    filename: str
    content: bytes


def organisation_of(obj: Any) -> int:
    return obj.id if isinstance(obj, Organisation) else obj.organisation_id


def make(session: Session, code: str, obj: Any, options: Options, *, user=None, email: str | None = None,
         template: bytes | None = None) -> list[Made]:
    """The documents of a kind for an object (several for a program's orders or consents); MissingData with
    what to fill in; engine.TemplateProblem when the template in use does not fit. Written to the audit log."""
    kind = KINDS[code]
    if TARGET_OF.get(type(obj)) not in kind.targets:
        raise ValueError(f"{kind.title}: не делается для объекта «{obj}»")
    contexts = kind.build(session, obj, options)
    content = template if template is not None else store.template_for(session, code, organisation_of(obj)).content
    made = [Made(f"{name}.docx", engine.render(content, context)) for name, context in contexts]
    # Who, which kind, for which object: the object's reference, no personal data in the details.
    audit.record("document", obj, details=f"{kind.title}: {len(made)} файл(ов)", user=user, email=email)
    return made


def as_zip(files: list[Made]) -> bytes:
    buffer = io.BytesIO()
    seen: dict[str, int] = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in files:
            name = item.filename
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:  # namesakes: two files, not one overwritten
                stem, dot, suffix = name.rpartition(".")
                name = f"{stem} ({seen[name]}){dot}{suffix}"
            archive.writestr(name, item.content)
    return buffer.getvalue()


def program_package(session: Session, program: Program, options: Options, *, user=None
                    ) -> tuple[list[Made], list[Missing]]:
    """«Пакет документов программы»: the pairing orders, plans, journals and consents of the program's pairings,
    whatever can be made; the rest as a list of what to fill in."""
    files: list[Made] = []
    missing: list[Missing] = []

    def attempt(code: str, obj: Any, folder: str) -> None:
        try:
            made = make(session, code, obj, options, user=user)
        except MissingData as lacking:
            missing.extend(lacking.items)
        else:
            files.extend(Made(f"{folder}/{item.filename}", item.content) for item in made)

    attempt("program_order", program, "Приказы")
    attempt("pairing_order", program, "Приказы")
    pairings = session.scalars(sa.select(Pairing).where(Pairing.program_id == program.id).order_by(Pairing.id))
    for pairing in pairings:
        if options.reader is not None and not (options.reader & _sides(pairing)):
            continue
        attempt("development_plan", pairing, "Планы развития")
        attempt("mentor_journal", pairing, "Журналы наставников")
    attempt("consent", program, "Согласия")
    return files, [item for item in missing if item.endpoint is not None]


def _sides(pairing: Pairing) -> set[int]:
    from portal.registries import network

    return network.sides(pairing)


__all__ = ["DOCX", "MODELS", "Made", "MissingData", "as_zip", "kinds_for", "make", "program_package"]
