"""What the public site shows, loaded in bulk: one snapshot of public content per build (or per request).

Views never query the database themselves: rendering 10 000 pages must not cost 10 000 queries. The build
loads the snapshot once (`use_snapshot`); outside a build each request loads a fresh one.
"""
from __future__ import annotations

import hashlib
import weakref
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Callable, Iterator

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from portal.clock import local_now
from portal import text
from portal.extensions import db
from portal.registries import consent
from portal.site import calendar
from portal.site.catalogue import Catalogue
from portal.registries.consent import PublicPerson
from portal.models import (
    Case,
    Consent,
    ConsentKind,
    Event,
    MediaFile,
    MediaKind,
    MediaRole,
    MediaUse,
    MentoringForm,
    NewsItem,
    OldSlug,
    Organisation,
    Page,
    Pairing,
    PairingStatus,
    Person,
    PersonRole,
    Program,
    Role,
    Roadmap,
    Stage,
)

SNAPSHOT_KEY = "site_snapshot"  # where the build puts the snapshot every page reads
CATALOGUE_ROWS = "_catalogue_rows"  # the catalogue's memo of each case's filter values (catalogue.py)


@dataclass
class Snapshot:
    now: datetime
    organisations: list[Organisation]
    roadmaps: list[Roadmap]
    cases: list[Case]
    news: list[NewsItem]
    events: list[Event]
    pages: list[Page]
    old_slugs: list[OldSlug]
    programs_by_form: Counter = field(default_factory=Counter)
    pairings_by_form: Counter = field(default_factory=Counter)
    programs_by_organisation: Counter = field(default_factory=Counter)
    pairings_by_organisation: Counter = field(default_factory=Counter)
    mentors_by_organisation: Counter = field(default_factory=Counter)
    mentees_by_organisation: Counter = field(default_factory=Counter)
    pairings_by_year: Counter = field(default_factory=Counter)
    joined_by_year: Counter = field(default_factory=Counter)
    # Mentors who consented to publication, with only their consented fields (portal/registries/consent.py).
    public_mentors: list[PublicPerson] = field(default_factory=list)
    # Files: uses by public rows only, published documents, and every file either makes public.
    media_uses: dict[tuple[str, int], list[MediaUse]] = field(default_factory=dict)
    documents: list[MediaFile] = field(default_factory=list)
    public_media: dict[str, MediaFile] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.organisation_by_slug = {o.slug: o for o in self.organisations}
        self.roadmap_by_slug = {r.slug: r for r in self.roadmaps}
        self.case_by_slug = {c.slug: c for c in self.cases}
        self.news_by_slug = {n.slug: n for n in self.news}
        self.event_by_slug = {e.slug: e for e in self.events}
        self.page_by_slug = {p.slug: p for p in self.pages}
        self.by_organisation: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for kind, items in (("roadmaps", self.roadmaps), ("cases", self.cases), ("news", self.news),
                            ("events", self.events)):
            for item in items:
                if item.organisation_id is not None:
                    self.by_organisation[item.organisation_id][kind].append(item)

    @cached_property
    def catalogue(self) -> Catalogue:
        return Catalogue(self.cases, self.__dict__.setdefault(CATALOGUE_ROWS, {}))

    @cached_property
    def events_by_month(self) -> dict[tuple[int, int], list[Event]]:
        return calendar.by_month(self.events)

    @cached_property
    def calendar_months(self) -> list[tuple[int, int]]:
        """The months the calendar has a page for, as of the snapshot's day."""
        return calendar.months(self.events, self.now.date())

    @cached_property
    def monitoring(self) -> "Monitoring":
        return load_monitoring(self.now)

    def files_of(self, item, role: MediaRole) -> list[MediaFile]:
        return [u.media for u in self.media_uses.get((item.__tablename__, item.id), ()) if u.role == role]

    def cover(self, item) -> MediaFile | None:
        found = self.files_of(item, MediaRole.LOGO if item.__tablename__ == "organisation" else MediaRole.COVER)
        return found[0] if found else None

    def attachments(self, item) -> list[MediaFile]:
        return self.files_of(item, MediaRole.ATTACHMENT)

    def documents_of(self, organisation: Organisation | None) -> list[MediaFile]:
        org_id = organisation.id if organisation is not None else None
        return [d for d in self.documents if d.organisation_id == org_id]

    def of(self, organisation: Organisation, kind: str) -> list:
        return self.by_organisation[organisation.id][kind]

    def upcoming_events(self) -> list[Event]:
        return [e for e in self.events if (e.ends_at or e.starts_at) >= self.now]

    @cached_property
    def _cases_by_form(self) -> dict:
        grouped = defaultdict(list)
        for case in self.cases:
            grouped[case.mentoring_form].append(case)
        return grouped

    def related_cases(self, case: Case, limit: int = 3) -> list[Case]:
        """Cases of the same mentoring form first, then of the same organisation (catalogue order in each).

        Only the first few of each group are looked at: a region's 3 000 cases would make it quadratic."""
        found = [c for c in self._cases_by_form[case.mentoring_form][:limit + 1] if c.id != case.id][:limit]
        if len(found) < limit:
            for other in self.by_organisation[case.organisation_id]["cases"]:
                if other.id != case.id and other.mentoring_form != case.mentoring_form:
                    found.append(other)
                    if len(found) == limit:
                        break
        return found

    def menu_fingerprint(self) -> str:
        """Every page shows the menu of content pages: a change there changes every page."""
        return fingerprint((p.slug, p.title, p.position) for p in self.pages)


def fingerprint(parts) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode())
    return digest.hexdigest()[:20]


def load(now: datetime | None = None, session=None) -> Snapshot:
    """All public content in a handful of queries (`session`: the build's own; the request's by default)."""
    now = now or local_now()
    session = session or db.session
    fields: dict = {}
    for part in PARTS:
        fields.update(part.load(session, now, fields))
    return Snapshot(now, **fields)


@dataclass(frozen=True)
class Part:
    """A part of the snapshot, the tables it is read from, and how (content_reuse.py reloads only the parts whose
    tables changed). `after`: parts whose rows this one reads (media: the public rows that use files). `rows`: a
    list of public rows that can be brought up to date row by row (see Rows)."""
    name: str
    tables: frozenset[str]
    load: Callable[..., dict]
    after: tuple[str, ...] = ()
    rows: "Rows | None" = None


@dataclass(frozen=True)
class Rows:
    """A public model's rows as the snapshot lists them: eager loads, and an order Python can repeat on a list
    (columns that are never NULL, so that every database sorts them alike)."""
    model: type
    options: tuple
    order: tuple
    key: Callable  # the sort key of `order`, with `reverse`
    reverse: bool = False

    def query(self, now: datetime, *where) -> sa.Select:
        return (sa.select(self.model).where(self.model.public_filter(now), *where).options(*self.options)
                .order_by(*self.order))


# Newest first by when a case appeared, not by its last edit: an edit must not reshuffle every list page.
CASE_ROWS = Rows(Case, (selectinload(Case.organisation), selectinload(Case.tags)),
                 (sa.func.coalesce(Case.publish_at, Case.created_at).desc(), Case.id.desc()),
                 lambda case: (case.publish_at or case.created_at, case.id), reverse=True)
NEWS_ROWS = Rows(NewsItem, (selectinload(NewsItem.organisation),), (NewsItem.published_on.desc(), NewsItem.id.desc()),
                 lambda item: (item.published_on, item.id), reverse=True)
EVENT_ROWS = Rows(Event, (selectinload(Event.organisation),), (Event.starts_at, Event.id),
                  lambda event: (event.starts_at, event.id))


def _rows_of(name: str, rows: Rows) -> Callable[..., dict]:
    return lambda session, now, _fields: {name: list(session.scalars(rows.query(now)))}


def _public(session, model, now, *options, order=()) -> list:
    return list(session.scalars(sa.select(model).where(model.public_filter(now)).options(*options).order_by(*order)))


def _organisations(session, now, _fields) -> dict:
    return {"organisations": list(session.scalars(sa.select(Organisation).order_by(Organisation.short_name)))}


def _roadmaps(session, now, _fields) -> dict:
    return {"roadmaps": _public(session, Roadmap, now, selectinload(Roadmap.organisation),
                                selectinload(Roadmap.stages).selectinload(Stage.activities), order=(Roadmap.title,))}


def _pages(session, now, _fields) -> dict:
    return {"pages": _public(session, Page, now, order=(Page.position, Page.title))}


def _old_slugs(session, now, _fields) -> dict:
    return {"old_slugs": list(session.scalars(sa.select(OldSlug)))}


def _registry_counts(session, now, _fields) -> dict:
    """Registry figures are counts only: no person is named on the site here (consent is its own module)."""
    found = {name: Counter() for name in ("programs_by_form", "programs_by_organisation", "pairings_by_form",
                                          "pairings_by_organisation", "pairings_by_year")}
    for form, org_id in session.execute(sa.select(Program.mentoring_form, Program.organisation_id)):
        found["programs_by_form"][MentoringForm(form)] += 1
        found["programs_by_organisation"][org_id] += 1
    active = sa.select(Pairing.mentoring_form, Pairing.organisation_id).where(Pairing.status == PairingStatus.ACTIVE)
    for form, org_id in session.execute(active):
        found["pairings_by_form"][MentoringForm(form)] += 1
        found["pairings_by_organisation"][org_id] += 1
    for started, ordered in session.execute(sa.select(Pairing.starts_on, Pairing.order_date)):
        if started or ordered:
            found["pairings_by_year"][(started or ordered).year] += 1
    return found


PUBLIC_ROWS = ("organisations", "roadmaps", "cases", "news", "events", "pages")


def _media(session, now, fields) -> dict:
    """A file reaches the site only through a public row that uses it, or as a published document."""
    rows = [item for name in PUBLIC_ROWS for item in fields[name]]
    public_rows = {(item.__tablename__, item.id) for item in rows}
    media_uses: dict[tuple[str, int], list[MediaUse]] = {}
    public_media: dict[str, MediaFile] = {}
    uses = session.scalars(sa.select(MediaUse).options(selectinload(MediaUse.media))
                           .order_by(MediaUse.position, MediaUse.id))
    for use in uses:
        if (use.owner_kind, use.owner_id) in public_rows:
            media_uses.setdefault((use.owner_kind, use.owner_id), []).append(use)
            public_media[use.media.stored_name] = use.media
    in_texts = {name for item in rows for name in _media_in_texts(item)}
    if in_texts:  # pictures put into a text from the media library (the editor's «Картинка»)
        for media in session.scalars(sa.select(MediaFile).where(MediaFile.stored_name.in_(sorted(in_texts)))):
            public_media[media.stored_name] = media
    query = (sa.select(MediaFile).where(MediaFile.public_filter(now), MediaFile.kind == MediaKind.DOCUMENT,
                                        MediaFile.document_kind.is_not(None))
             .options(selectinload(MediaFile.organisation))
             .order_by(MediaFile.document_date.desc().nulls_last(), MediaFile.id.desc()))
    documents = list(session.scalars(query))
    for document in documents:
        public_media[document.stored_name] = document
    return {"media_uses": media_uses, "documents": documents, "public_media": public_media}


# The library files each row's texts show, by the row object, with the texts they were read from (a changed text is
# another string). A kept snapshot's unchanged rows are the same objects: reading a region's 8 600 public rows for
# `/media/` took 25 ms of every one-edit publish.
_TEXT_MEDIA: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _media_in_texts(item) -> frozenset[str]:
    texts = [getattr(item, f"{name}_html") or "" for name in item.__markdown_fields__]
    found = _TEXT_MEDIA.get(item)
    if found is None or found[0] != texts:  # the same strings compare at once; another text is read again
        found = _TEXT_MEDIA[item] = (texts, frozenset(name for html in texts for name in text.media_names(html)))
    return found[1]


def _persons(session, now, _fields) -> dict:
    """Counts of everyone; names only of those consent.py lets through.

    Counted from plain rows; only mentors with a publication consent on record are loaded as objects for
    consent.py to judge (building all 20 000 people of a region as objects took 3 s of every build).
    """
    found = {name: Counter() for name in ("mentors_by_organisation", "mentees_by_organisation", "joined_by_year")}
    roles: dict[int, set[Role]] = defaultdict(set)
    for person_id, role in session.execute(sa.select(PersonRole.person_id, PersonRole.role)):
        roles[person_id].add(role)
    for person_id, organisation_id, joined_on in session.execute(
            sa.select(Person.id, Person.organisation_id, Person.joined_on)):
        if Role.MENTOR in roles[person_id]:
            found["mentors_by_organisation"][organisation_id] += 1
        if Role.MENTEE in roles[person_id]:
            found["mentees_by_organisation"][organisation_id] += 1
        if joined_on:
            found["joined_by_year"][joined_on.year] += 1
    candidates = (sa.select(Person)
                  .where(Person.id.in_(sa.select(PersonRole.person_id).where(PersonRole.role == Role.MENTOR)),
                         Person.id.in_(sa.select(Consent.person_id).where(Consent.kind == ConsentKind.PUBLICATION)))
                  .options(selectinload(Person.consents), selectinload(Person.organisation)))
    shown = [consent.public_person(person, now) for person in session.scalars(candidates)]
    found["public_mentors"] = sorted((p for p in shown if p is not None), key=lambda p: p.full_name)
    return found


def _tables(*names: str) -> frozenset[str]:
    return frozenset(names)


PARTS = (
    Part("organisations", _tables("organisation"), _organisations),
    Part("roadmaps", _tables("roadmap", "stage", "activity", "organisation"), _roadmaps),
    Part("cases", _tables("case", "case_tag", "tag", "organisation"), _rows_of("cases", CASE_ROWS), rows=CASE_ROWS),
    Part("news", _tables("news_item", "organisation"), _rows_of("news", NEWS_ROWS), rows=NEWS_ROWS),
    Part("events", _tables("event", "organisation"), _rows_of("events", EVENT_ROWS), rows=EVENT_ROWS),
    Part("pages", _tables("page"), _pages),
    Part("old_slugs", _tables("old_slug"), _old_slugs),
    Part("registry_counts", _tables("program", "pairing"), _registry_counts),
    Part("persons", _tables("person", "person_role", "consent", "organisation"), _persons),
    Part("media", _tables("media_use", "media_file", "organisation"), _media, after=PUBLIC_ROWS),
)


@dataclass
class Monitoring:
    """What the site shows of monitoring: only what portal/monitoring/public.py lets out."""
    indicators: object
    questionnaire_results: list
    best_mentors: dict[int, list]  # year → BestMentor, only years with someone to show


def load_monitoring(now: datetime) -> Monitoring:
    from portal.monitoring import public

    session = db.session
    minimum = current_app.config["PUBLIC_RESULTS_MIN_RESPONSES"]
    by_year = {year: public.best_mentors(session, year, now) for year in public.award_years(session)}
    return Monitoring(public.public_indicators(session, None, now.date(), now, minimum),
                      public.public_questionnaire_results(session, minimum),
                      {year: mentors for year, mentors in by_year.items() if mentors})


@contextmanager
def use_snapshot(snapshot: Snapshot) -> Iterator[Snapshot]:
    """During a build every page reads this one snapshot."""
    current_app.extensions[SNAPSHOT_KEY] = snapshot
    try:
        yield snapshot
    finally:
        current_app.extensions.pop(SNAPSHOT_KEY, None)


def current() -> Snapshot:
    return current_app.extensions.get(SNAPSHOT_KEY) or load()
