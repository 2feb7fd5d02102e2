"""Reading generated documents back with python-docx, and the demo data set on the test database."""
from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from docx import Document

from portal import demo
from portal.documents.kinds import Options
from portal.extensions import db
from portal.models import Pairing, Person, Program

NOW = datetime(2026, 12, 1, 12, 0)


def load_demo(app) -> None:
    demo.load_demo(Path(app.config["CONTENT_DIR"]) / "demo")


def text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def rows(data: bytes, table: int = 0) -> list[list[str]]:
    """The table's rows after the header."""
    document = Document(io.BytesIO(data))
    return [[cell.text for cell in row.cells] for row in document.tables[table].rows[1:]]


def options(**more) -> Options:
    return Options(now=NOW, **more)


def person(full_name: str) -> Person:
    return db.session.scalar(sa.select(Person).where(Person.full_name == full_name))


def program(slug: str) -> Program:
    return db.session.scalar(sa.select(Program).where(Program.slug == slug))


def pairing(order_number: str, mentor: str) -> Pairing:
    return db.session.scalar(sa.select(Pairing).where(Pairing.order_number == order_number,
                                                      Pairing.mentor_id == person(mentor).id))
