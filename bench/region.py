"""A synthetic region for the benchmarks: organisations, roadmaps, cases, news, events and registries.

Rows go in by bulk INSERTs (the session events that keep revisions and the admin search index are bypassed:
fine for benchmark data; `search.reindex()` builds the admin index afterwards). Markdown is rendered to HTML
here with portal.text, as a save would. The same seed and scale give the same region.

At scale 1.0 (about 10 000 published pages): 300 organisations, 300 roadmaps of 5 stages × 6 activities,
3 000 cases, 3 500 news items, 1 500 events, 20 000 registry persons (a tenth of the mentors consent to
publication), 600 programs and 6 000 pairings; a twentieth of each content kind more as drafts or on review.
"""
from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from portal import slugs, text
from portal.extensions import db
from portal.monitoring import journals
from portal.models import (Activity, Case, Consent, Event, Meeting, NewsItem, OldSlug, Organisation, Pairing,
                           Person, PersonRole, PlanGoal, Program, Roadmap, Stage, Tag, User)
from portal.models.case import case_tag
from portal.models.registry import pairing_mentee
from portal.models.user import user_organisation

from portal.demo import texts

BASE = {"organisations": 300, "cases": 3000, "news": 3500, "events": 1500, "persons": 20000}
ANCHOR = datetime(2025, 9, 1, 9, 0)  # «today» of the generated content: dates spread around it
FORMS = ["pupil_pupil", "teacher_teacher", "student_pupil", "employer_pupil", "employer_student",
         "teacher_young_specialist", "group", "reverse", "virtual", "situational"]
KINDS = ["school"] * 6 + ["kindergarten"] * 2 + ["music_school", "college", "partner"]
STAGES, ACTIVITIES_PER_STAGE = 5, 6
PASSWORD = "bench-password-2025"
USERS = {"admin": "admin@bench.example.org", "editor": "editor@bench.example.org",
         "curator": "curator@bench.example.org"}
CHUNK = 2000


def counts(scale: float) -> dict[str, int]:
    """Published rows of each kind at this scale (at least one of each)."""
    wanted = {kind: max(1, round(n * scale)) for kind, n in BASE.items()}
    wanted["roadmaps"] = wanted["organisations"]
    return wanted


def _insert(model_or_table: Any, rows: list[dict]) -> None:
    table = getattr(model_or_table, "__table__", model_or_table)
    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(table), rows[start:start + CHUNK])


class _Slugs:
    def __init__(self) -> None:
        self.taken: dict[str, set[str]] = {}

    def __call__(self, kind: str, title: str) -> str:
        taken = self.taken.setdefault(kind, set())
        slug = slugs.unique(slugs.slugify(title), taken)
        taken.add(slug)
        return slug


def _status(rng: random.Random, published: bool) -> str:
    return "published" if published else rng.choice(["draft", "review"])


def _stamp(rng: random.Random, days_back: int = 700) -> datetime:
    return ANCHOR - timedelta(days=rng.randint(0, days_back), minutes=rng.randint(0, 24 * 60))


def generate(scale: float = 1.0, seed: int = 2025, pages_dir: Path | None = None) -> Counter:
    """Fill the (empty, migrated) database of the current app; returns how many rows of each kind."""
    rng = random.Random(seed)
    n = counts(scale)
    slug = _Slugs()
    made: Counter = Counter()
    bodies = texts.Bodies(rng, text.render_markdown)

    # ---- organisations ------------------------------------------------------------------------------------
    orgs = []
    numbers: Counter = Counter()
    for i in range(1, n["organisations"] + 1):
        kind = rng.choice(KINDS)
        town = rng.choice(texts.TOWNS)
        numbers[(kind, town)] += 1
        num = numbers[(kind, town)] + rng.randint(0, 3) * 10
        short, full = {
            "school": (f"МБОУ СОШ № {num} г. {town}", f"Муниципальное бюджетное общеобразовательное учреждение "
                                                     f"«Средняя общеобразовательная школа № {num}» г. {town}"),
            "kindergarten": (f"МБДОУ д/с № {num} г. {town}", f"Муниципальное бюджетное дошкольное образовательное "
                                                            f"учреждение «Детский сад № {num}» г. {town}"),
            "music_school": (f"ДШИ № {num} г. {town}", f"Детская школа искусств № {num} г. {town}"),
            "college": (f"Колледж № {num} г. {town}", f"Государственное бюджетное профессиональное "
                                                      f"образовательное учреждение «Колледж № {num}» г. {town}"),
            "partner": (f"АО «Завод № {num}» г. {town}", f"Акционерное общество «Завод № {num}», г. {town}"),
        }[kind]
        description, description_html = bodies((1, 2), with_heading=False)
        stamp = _stamp(rng)
        orgs.append({"id": i, "name": full, "short_name": short, "kind": kind, "slug": slug("organisation", short),
                     "municipality": f"{rng.choice(texts.DISTRICTS)} район",
                     "address": f"г. {town}, ул. {rng.choice(texts.STREETS)}, д. {rng.randint(1, 120)}",
                     "website": f"https://school{i}.example.org/", "email": f"org{i}@example.org",
                     "phone": f"+7 (3452) {rng.randint(10, 99)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
                     "description_md": description, "description_html": description_html,
                     "created_at": stamp, "updated_at": stamp})
    _insert(Organisation, orgs)
    made["organisations"] = len(orgs)
    org_ids = [o["id"] for o in orgs]

    # ---- roadmaps: one per organisation, 5 stages × 6 activities ----------------------------------------
    roadmaps, stages, activities = [], [], []
    for i, org in enumerate(orgs, start=1):
        title = f"Дорожная карта внедрения целевой модели наставничества {org['short_name']}"
        year = rng.choice([2024, 2025])
        description, description_html = bodies((1, 2), with_heading=False)
        stamp = _stamp(rng, 300)
        roadmaps.append({"id": i, "organisation_id": org["id"], "title": title, "slug": slug("roadmap", title),
                         "period": f"{year}–{year + 1} учебный год", "year": year,
                         "status": _status(rng, rng.random() > 0.03), "description_md": description,
                         "description_html": description_html, "created_at": stamp, "updated_at": stamp})
        titles = iter(rng.sample(texts.ACTIVITY_TITLES, STAGES * ACTIVITIES_PER_STAGE))
        for s in range(STAGES):
            stage_id = len(stages) + 1
            stages.append({"id": stage_id, "roadmap_id": i, "position": (s + 1) * 10, "number": f"{s + 1}.",
                           "title": texts.STAGE_TITLES[s], "goal": texts.sentence(rng),
                           "result": rng.choice(texts.EXPECTED), "created_at": stamp, "updated_at": stamp})
            for a in range(ACTIVITIES_PER_STAGE):
                start = date(year, 9, 1) + timedelta(days=rng.randint(0, 280))
                end = start + timedelta(days=rng.randint(0, 45))
                month = texts.MONTHS[(start.month - 1) % len(texts.MONTHS)]
                activities.append({
                    "id": len(activities) + 1, "stage_id": stage_id, "position": (a + 1) * 10,
                    "number": f"{s + 1}.{a + 1}", "title": next(titles), "details": "",
                    "deadline_text": rng.choice([f"{month} {start.year} г.", f"до {end:%d.%m.%Y}",
                                                 "в течение года", "ежемесячно", f"{start:%d.%m}–{end:%d.%m.%Y}"]),
                    "deadline_start": start, "deadline_end": end,
                    "responsible": ", ".join(rng.sample(texts.RESPONSIBLE, rng.randint(1, 3))),
                    "expected_result": rng.choice(texts.EXPECTED),
                    "status": rng.choice(["planned", "in_progress", "done", "done", "cancelled"]),
                    "created_at": stamp, "updated_at": stamp})
    _insert(Roadmap, roadmaps)
    _insert(Stage, stages)
    _insert(Activity, activities)
    made.update(roadmaps=len(roadmaps), stages=len(stages), activities=len(activities))

    # ---- cases with tags ----------------------------------------------------------------------------------
    _insert(Tag, [{"id": i, "name": name, "slug": slug("tag", name)} for i, name in enumerate(texts.TAGS, 1)])
    cases, links = [], []
    total = n["cases"] + n["cases"] // 20
    for i in range(1, total + 1):
        title = texts.case_title(rng)
        (body, body_html), (results, results_html) = bodies((3, 6)), bodies((1, 2), with_heading=False)
        stamp = _stamp(rng)
        cases.append({"id": i, "organisation_id": rng.choice(org_ids), "title": title, "slug": slug("case", title),
                      "mentoring_form": rng.choice(FORMS), "summary": texts.sentence(rng),
                      "status": _status(rng, i <= n["cases"]), "body_md": body, "body_html": body_html,
                      "results_md": results, "results_html": results_html, "created_at": stamp, "updated_at": stamp})
        links += [{"case_id": i, "tag_id": t} for t in rng.sample(range(1, len(texts.TAGS) + 1), rng.randint(1, 4))]
    _insert(Case, cases)
    _insert(case_tag, links)
    made["cases"] = len(cases)

    # ---- news and events ----------------------------------------------------------------------------------
    news = []
    for i in range(1, n["news"] + n["news"] // 20 + 1):
        title = texts.news_title(rng)
        body, body_html = bodies((1, 3), with_heading=False)
        stamp = _stamp(rng)
        news.append({"id": i, "organisation_id": None if rng.random() < 0.1 else rng.choice(org_ids),
                     "title": title, "slug": slug("news", title), "published_on": stamp.date(),
                     "summary": texts.sentence(rng), "status": _status(rng, i <= n["news"]), "body_md": body,
                     "body_html": body_html, "created_at": stamp, "updated_at": stamp})
    _insert(NewsItem, news)
    events = []
    for i in range(1, n["events"] + n["events"] // 20 + 1):
        title = texts.event_title(rng)
        body, body_html = bodies((1, 2), with_heading=False)
        starts = ANCHOR + timedelta(days=rng.randint(-400, 300), hours=rng.randint(0, 8))
        stamp = min(_stamp(rng, 200), starts)
        events.append({"id": i, "organisation_id": None if rng.random() < 0.2 else rng.choice(org_ids),
                       "title": title, "slug": slug("event", title),
                       "kind": rng.choice(["event", "competition", "festival", "seminar"]),
                       "starts_at": starts, "ends_at": starts + timedelta(hours=rng.choice([2, 3, 8, 30])),
                       "place": f"г. {rng.choice(texts.TOWNS)}, ул. {rng.choice(texts.STREETS)}, "
                                f"д. {rng.randint(1, 90)}",
                       "summary": texts.sentence(rng), "status": _status(rng, i <= n["events"]),
                       "description_md": body, "description_html": body_html, "created_at": stamp,
                       "updated_at": stamp})
    _insert(Event, events)
    made.update(news=len(news), events=len(events))

    # A few renamed items: their old addresses become redirect pages.
    old = [{"kind": "case", "slug": f"staryy-adres-keysa-{i}", "target_id": i, "created_at": ANCHOR}
           for i in range(1, max(2, n["cases"] // 300) + 1)]
    _insert(OldSlug, old)

    # ---- registries: persons, consents, programs, pairings ------------------------------------------------
    persons, roles, consents = [], [], []
    mentors_of: dict[int, list[int]] = {org: [] for org in org_ids}
    mentees_of: dict[int, list[int]] = {org: [] for org in org_ids}
    for i in range(1, n["persons"] + 1):
        org = rng.choice(org_ids)
        mentor = rng.random() < 0.4
        pupil = not mentor and rng.random() < 0.6
        stamp = _stamp(rng)
        persons.append({"id": i, "organisation_id": org, "full_name": texts.person_name(rng),
                        "category": "pupil" if pupil else rng.choice(["teacher", "teacher", "student", "employer"]),
                        "is_minor": pupil, "position": f"учитель {rng.choice(texts.SUBJECTS)}" if not pupil
                        else f"{rng.randint(5, 11)} класс", "email": f"person{i}@example.org",
                        "phone": f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-00",
                        "competencies": ", ".join(rng.sample(texts.COMPETENCIES, 2)) if mentor else "",
                        "achievements": texts.sentence(rng) if mentor and rng.random() < 0.5 else "",
                        "mentoring_form": rng.choice(FORMS), "joined_on": stamp.date(),
                        "created_at": stamp, "updated_at": stamp})
        roles.append({"person_id": i, "role": "mentor" if mentor else "mentee"})
        (mentors_of if mentor else mentees_of)[org].append(i)
        if not pupil:
            consents.append({"person_id": i, "kind": "processing", "signed_on": stamp.date(), "document": "",
                             "signed_by": "person", "allowed_fields": "", "created_at": stamp, "updated_at": stamp})
        if mentor and rng.random() < 0.1:
            consents.append({"person_id": i, "kind": "publication", "signed_on": stamp.date(),
                             "document": f"Согласие № {i}", "signed_by": "person",
                             "allowed_fields": "full_name,position,organisation,competencies,achievements",
                             "created_at": stamp, "updated_at": stamp})
    _insert(Person, persons)
    _insert(PersonRole, roles)
    _insert(Consent, consents)
    made.update(persons=len(persons), consents=len(consents))

    programs = []
    for org in orgs:
        for form in rng.sample(FORMS, 2):
            title = f"Программа наставничества «{rng.choice(texts.COMPETENCIES).capitalize()}» {org['short_name']}"
            description = texts.paragraph(rng)
            programs.append({"id": len(programs) + 1, "organisation_id": org["id"], "title": title,
                             "slug": slug("program", title), "mentoring_form": form,
                             "description_md": description, "description_html": text.render_markdown(description),
                             "starts_on": date(2024, 9, 1), "ends_on": date(2026, 5, 31),
                             "created_at": ANCHOR, "updated_at": ANCHOR})
    _insert(Program, programs)
    pairings, pair_links = [], []
    programs_of = {org: [p for p in programs if p["organisation_id"] == org] for org in org_ids}
    for org in org_ids:
        mentees = list(mentees_of[org])
        rng.shuffle(mentees)
        for mentor in mentors_of[org]:
            if not mentees or rng.random() < 0.25:
                continue
            program = rng.choice(programs_of[org])
            pid = len(pairings) + 1
            started = ANCHOR.date() - timedelta(days=rng.randint(0, 700))
            pairings.append({"id": pid, "organisation_id": org, "program_id": program["id"], "mentor_id": mentor,
                             "mentoring_form": program["mentoring_form"],
                             "order_number": f"{rng.randint(1, 250)}/{rng.choice(['А', 'О', 'ОД'])}",
                             "order_date": started, "starts_on": started, "ends_on": None,
                             "status": rng.choice(["active"] * 4 + ["completed"]), "result": "",
                             "created_at": ANCHOR, "updated_at": ANCHOR})
            for _ in range(rng.randint(1, 2)):
                if mentees:
                    pair_links.append({"pairing_id": pid, "person_id": mentees.pop()})
    _insert(Pairing, pairings)
    _insert(pairing_mentee, pair_links)
    made.update(programs=len(programs), pairings=len(pairings))
    made.update(_journals(random.Random(seed + 1), pairings))  # its own stream: the rows above stay as they were

    # ---- users: one of each role (scrypt once per user) ---------------------------------------------------
    for uid, (role, email) in enumerate(USERS.items(), start=1):
        _insert(User, [{"id": uid, "email": email, "name": role.capitalize(), "role": role, "active": True,
                        "password_hash": generate_password_hash(PASSWORD), "created_at": ANCHOR,
                        "updated_at": ANCHOR}])
    _insert(user_organisation, [{"user_id": 3, "organisation_id": org_ids[0]}])
    _follow_sequences()
    db.session.commit()
    # The planner's statistics, as a region's database has them: PostgreSQL's autovacuum gathers them within a
    # minute of a bulk load, the portal's nightly job on SQLite (jobs.py). Measured without them, PostgreSQL
    # planned the dashboard's lists for empty tables (87 ms for one editor instead of 41).
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")

    if pages_dir is not None:  # the site's content pages (about, documents), through the models as `portal init`
        from portal import demo

        made["pages"] = demo.load_pages(pages_dir)
    return made


def _journals(rng: random.Random, pairings: list[dict]) -> Counter:
    """The pairings' journals as a region keeps them: a meeting every one to three weeks from the start (one in ten
    active pairings stopped meeting a while ago, which the dashboard lists), and a development plan of three to
    eight goals, most of those past their deadline done. The dashboard reads all of them on every view."""
    meetings, goals = [], []
    kinds = ["regular"] * 8 + ["planning", "trial"]
    for pairing in pairings:
        started, end = pairing["starts_on"], ANCHOR.date()
        if pairing["status"] == "active" and rng.random() < 0.1:
            end -= timedelta(days=rng.randint(30, 120))
        held = started + timedelta(days=rng.randint(0, 10))
        while held <= end:
            meetings.append({"pairing_id": pairing["id"], "held_on": held, "kind": rng.choice(kinds),
                             "notes": "Разобрали план на неделю." if rng.random() < 0.3 else "",
                             "created_at": ANCHOR, "updated_at": ANCHOR})
            held += timedelta(days=rng.randint(7, 21))
        for position in range(rng.randint(3, 8)):
            deadline = started + timedelta(days=rng.randint(30, 400))
            goals.append({"pairing_id": pairing["id"], "position": (position + 1) * 10,
                          "title": f"{rng.choice(texts.COMPETENCIES).capitalize()}: освоить и применить",
                          "deadline": deadline, "done": deadline < end and rng.random() < 0.8,
                          "created_at": ANCHOR, "updated_at": ANCHOR})
    connection = db.session.connection()  # past the session: its statement hook would date the pairings per chunk
    for start in range(0, len(meetings), CHUNK):
        connection.execute(sa.insert(Meeting.__table__), meetings[start:start + CHUNK])
    journals.refresh_last_meetings(db.session)  # once, for all of them
    _insert(PlanGoal, goals)
    return Counter(meetings=len(meetings), plan_goals=len(goals))


def _follow_sequences() -> None:
    """On PostgreSQL, each table's id sequence goes on after the ids inserted here by hand (else the first row an
    editor adds would take id 1 and fail)."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and isinstance(table.c.id.type, sa.Integer) and table.c.id.primary_key:
            db.session.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                                       f"coalesce((SELECT max(id) FROM \"{table.name}\"), 0) + 1, false)"))


def published_counts() -> dict[str, int]:
    """Published rows of each kind in the current database."""
    from portal.models.vocabulary import Status

    result = {}
    for name, model in (("roadmaps", Roadmap), ("cases", Case), ("news", NewsItem), ("events", Event)):
        result[name] = db.session.scalar(sa.select(sa.func.count()).select_from(model)
                                         .where(model.status == Status.PUBLISHED))
    return result
