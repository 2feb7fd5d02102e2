"""Fixtures chained app → client → logged-in client; every test gets a fresh database.

Tests run on SQLite always, and on PostgreSQL too when TEST_DATABASE_URL is set (each test then gets a
schema of its own, dropped afterwards).
"""
from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from flask.testing import FlaskClient
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

from portal import create_app
from portal.config import normalise_database_url
from portal import search
from portal.extensions import db
from tests_support import PASSWORD
from portal.models import (
    Activity,
    Case,
    Consent,
    ConsentKind,
    Event,
    MentoringForm,
    NewsItem,
    Organisation,
    OrganisationKind,
    Page,
    Pairing,
    Person,
    PersonCategory,
    Program,
    Roadmap,
    Stage,
    Status,
    User,
    UserRole,
)

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
# Hashed once: scrypt is slow on purpose, and every test's world has four users.
PASSWORD_HASH = generate_password_hash(PASSWORD)


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'portal.db'}"
        return
    base = normalise_database_url(os.environ["TEST_DATABASE_URL"])
    schema = f"test_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base)
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with engine.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


class IsolatedClient(FlaskClient):
    """Each request in an app context of its own, as on a real server.

    Tests keep an app context open to use db.session; without this, requests would reuse it and share its
    `g` (the logged-in user) and its database session with the test and with each other.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app on the test database; extra settings may be passed."""
    apps = []

    def make(create_tables: bool = True, **settings):
        config = {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "BUILD_DIR": str(tmp_path / "build"),
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,  # tests/admin/test_csrf.py checks CSRF with it on
            **settings,
        }
        app = create_app(config)
        app.test_client_class = IsolatedClient
        if create_tables:
            with app.app_context():
                db.create_all()
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class World:
    """Two organisations, A and B, each with one row of every content type, and a user per role."""

    org_a: Organisation
    org_b: Organisation
    admin: User
    editor: User
    curator_a: User
    curator_b: User
    rows: dict  # (crud name, "a" | "b") → row


def _user(email: str, role: UserRole, orgs=()) -> User:
    user = User(email=email, role=role, name=email.split("@")[0], organisations=list(orgs))
    user.password_hash = PASSWORD_HASH
    db.session.add(user)
    return user


def _content(org: Organisation, tag: str) -> dict:
    roadmap = Roadmap(organisation=org, title=f"Дорожная карта {tag}", status=Status.DRAFT)
    stage = Stage(roadmap=roadmap, number="1", title=f"Этап {tag}", position=10)
    activity = Activity(stage=stage, number="1.1", title=f"Мероприятие {tag}", deadline_text="ноябрь 2025")
    mentor = Person(organisation=org, full_name=f"Наставник {tag}", category=PersonCategory.TEACHER)
    mentor.roles = ["mentor"]
    consent = Consent(person=mentor, kind=ConsentKind.PROCESSING, signed_on=date(2025, 9, 1))
    mentee = Person(organisation=org, full_name=f"Наставляемый {tag}", category=PersonCategory.PUPIL,
                    is_minor=True)
    mentee.roles = ["mentee"]
    program = Program(organisation=org, title=f"Программа {tag}", mentoring_form=MentoringForm.PUPIL_PUPIL)
    pairing = Pairing(organisation=org, mentor=mentor, mentees=[mentee], program=program,
                      mentoring_form=MentoringForm.PUPIL_PUPIL, order_number=f"{tag}/1")
    rows = {
        "organisations": org,
        "roadmaps": roadmap,
        "stages": stage,
        "activities": activity,
        "cases": Case(organisation=org, title=f"Кейс {tag}", mentoring_form=MentoringForm.PUPIL_PUPIL,
                      body_md="**важно**"),
        "persons": mentor,
        "programs": program,
        "pairings": pairing,
        "news": NewsItem(organisation=org, title=f"Новость {tag}", published_on=date(2025, 10, 1)),
        "events": Event(organisation=org, title=f"Мероприятие-событие {tag}", starts_at=datetime(2026, 3, 1, 10)),
        "consents": consent,
    }
    db.session.add_all(rows.values())
    db.session.add(mentee)
    return rows


@pytest.fixture
def world(app) -> World:
    org_a = Organisation(name="Школа A полностью", short_name="Школа A", kind=OrganisationKind.SCHOOL)
    org_b = Organisation(name="Школа B полностью", short_name="Школа B", kind=OrganisationKind.SCHOOL)
    db.session.add_all([org_a, org_b])
    rows = {}
    for tag, org in (("a", org_a), ("b", org_b)):
        for name, row in _content(org, tag.upper()).items():
            rows[(name, tag)] = row
    admin = _user("admin@example.org", UserRole.ADMIN)
    editor = _user("editor@example.org", UserRole.EDITOR)
    curator_a = _user("curator-a@example.org", UserRole.CURATOR, [org_a])
    curator_b = _user("curator-b@example.org", UserRole.CURATOR, [org_b])
    page = Page(title="О программе", body_md="Текст", status=Status.PUBLISHED)
    db.session.add(page)
    rows[("pages", "a")] = rows[("pages", "b")] = page
    rows[("users", "a")] = rows[("users", "b")] = editor
    db.session.commit()
    # The index writer thread starts on this commit. Wait for it, so that no Whoosh commit runs while a test
    # runs. Whoosh names segments with the global `random`, and Hypothesis fails a test when the global random
    # state changes while it draws an example.
    search.flush()
    return World(org_a, org_b, admin, editor, curator_a, curator_b, rows)


def login(client, email: str, password: str = PASSWORD):
    return client.post("/admin/login", data={"email": email, "password": password})


@pytest.fixture
def login_as(app, world):
    """login_as("curator_a") → a test client logged in as that user of the world."""

    def make(who: str):
        client = app.test_client()
        if who != "anonymous":
            response = login(client, getattr(world, who).email)
            assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return make


# Browser tests: Debian's Chromium driven by Playwright, which never downloads a browser (`executable_path`).
# `make test` installs the chromium package when it is missing. One browser for the whole session: Playwright's
# sync API allows one running instance at a time.
CHROMIUM = os.environ.get("TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium keeps trying to reach Google's services, which this network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install the Debian package `chromium` (make test does).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()



@pytest.fixture
def admin_client(login_as):
    return login_as("admin")


@pytest.fixture
def editor_client(login_as):
    return login_as("editor")


@pytest.fixture
def curator_client(login_as):
    return login_as("curator_a")
