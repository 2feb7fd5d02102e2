"""Letters of thanks on the documents' mechanism: an uploaded letter template (its {ФИО}-style placeholders
converted to Jinja) or the organisation's or municipality's stored one is rendered by docxtpl; a letter typed in
the admin's form is still written by portal/monitoring/letters.py."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from portal.models import Person
from portal.monitoring import letters as typed
from portal.monitoring.recognition import letter_data

from . import engine, store
from .context import MissingData
from .kinds import KINDS, Options

KIND = "thank_you_letter"


def check_upload(template: bytes) -> bytes:
    """The uploaded template as Jinja, or TemplateProblem naming what is wrong."""
    return store.prepare(KINDS[KIND], template)


def letter(session: Session, person: Person, year: int, signatory: str, now: datetime, *,
           template: bytes | None = None, text: str = typed.DEFAULT_TEXT) -> bytes:
    """One letter: from the template uploaded with the request (already checked), else from the stored template
    of the person's organisation or the municipality, else the typed text on the portal's own layout."""
    if template is None:
        in_use = store.template_for(session, KIND, person.organisation_id)
        template = in_use.content if in_use.template is not None else None
    if template is not None:
        try:
            contexts = KINDS[KIND].build(session, person, Options(now=now, year=year, signatory=signatory))
        except MissingData:
            contexts = []
        if contexts:
            return engine.render(template, contexts[0][1])
    return typed.letter_docx(letter_data(session, person, year, signatory), text)
