"""Fixtures chained app → client → logged-in client; every test gets a fresh database.

Tests run on SQLite. With TEST_DATABASE_URL set (`.ci/run` sets it), the modules where the database matters
(migrations, backup and restore, CRUD, permissions, validation, workflow, search, registry files, indicators,
questionnaire results, journals, publishing, load and database failures: marked
`pytestmark = pytest.mark.both_databases`) run on PostgreSQL as well, each test in a database of its own:
a copy of a template, or the emptied database of an earlier test (tests/database_pool.py says when). The whole
matrix, every test on both databases:

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test TEST_FULL_MATRIX=1 make test

Each expensive thing is made once and copied: the schema (a SQLite template file per test session, a template
database on PostgreSQL), the test users' password hash (a cheap one: the production hash, scrypt, is tested
in tests/test_accounts.py). Tests that drive Chromium get the `browser` marker by themselves
(`-m "not browser"` skips them while working on something else).
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from portal import create_app
from portal import search
from portal.extensions import db
import log_watch
from database_pool import Databases
import route_builders
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

POSTGRESQL_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRESQL_URL else [])
FULL_MATRIX = os.environ.get("TEST_FULL_MATRIX", "") not in ("", "0")
# One PBKDF2 round: a login in a test checks this hash in microseconds instead of scrypt's 0.1 s. Only the test
# world's users have it; what the portal stores is tested in tests/test_accounts.py.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")
route_builders.install()  # the URL rules of every app compiled once per test process (tests/route_builders.py)


def pytest_configure(config):
    log_watch.configure(config)  # the log of the whole run, grepped for the demo's personal data at the end
    config.addinivalue_line("markers", "both_databases: run on PostgreSQL too when TEST_DATABASE_URL is set")
    config.addinivalue_line("markers", "browser: drives a real Chromium (set by itself for tests that use it)")


def pytest_sessionfinish(session):
    log_watch.finish(session)


def pytest_generate_tests(metafunc):
    if "database_url" in metafunc.fixturenames:
        both = FULL_MATRIX or metafunc.definition.get_closest_marker("both_databases") is not None
        metafunc.parametrize("database_url", BACKENDS if both else ["sqlite"], indirect=True)


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    made = Databases(tmp_path_factory.mktemp("templates"), POSTGRESQL_URL)
    yield made
    made.close()


@pytest.fixture
def database_url(request, tmp_path, databases):
    """The URL of this test's own database (created by make_app, or by `databases.make`, on first use)."""
    url = databases.take(request.param, tmp_path)
    yield url
    databases.release(url)


class IsolatedClient(FlaskClient):
    """Each request in an app context of its own, as on a real server.

    Tests keep an app context open to use db.session; without this, requests would reuse it and share its
    `g` (the logged-in user) and its database session with the test and with each other.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def make_app(database_url, databases, tmp_path):
    """Build an app on the test database; extra settings may be passed.

    The first app of a test makes its database: with every table, or empty with `create_tables=False` (for
    migrations), or as a copy of the SQLite file `copy_of`. Later apps of the same test share it (`create_tables`
    then only adds missing tables).
    """
    apps = []

    def make(create_tables: bool = True, copy_of: Path | None = None, **settings):
        first = database_url not in databases.made
        databases.make(database_url, tables=create_tables, copy_of=copy_of)
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
        if create_tables and not first:
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
