"""A template's preview: filled with the data of one of the organisation's objects that has all it needs, else
with the placeholders' descriptions."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal import audit
from portal.models import Organisation

from . import engine
from .context import MissingData
from .kinds import Kind, Options, sample
from .make import MODELS

LOOK_AT = 20  # objects tried before falling back to the sample


def preview(session: Session, kind: Kind, template: bytes, organisation_ids: list[int], options: Options) -> bytes:
    model = MODELS[kind.targets[0]]
    owner = model.id if model is Organisation else model.organisation_id
    query = sa.select(model).where(owner.in_(organisation_ids or [-1])).order_by(model.id).limit(LOOK_AT)
    for obj in session.scalars(query):
        try:
            contexts = kind.build(session, obj, options)
        except MissingData:
            continue
        audit.record("document", obj, details=f"{kind.title}: предпросмотр шаблона")
        session.commit()
        return engine.render(template, contexts[0][1])
    return engine.render(template, sample(kind.schema))
