"""The rest of the demo municipality, generated: the hand-written data set (content/demo/) tells a few stories
in detail; this adds what makes the portal look alive — more schools, a few dozen cases with covers, news and
events across the school year, registries with pairs and journals, roadmaps at different stages, questionnaire
answers. One seed gives the same municipality every time; dates hang on the school year 2026/27, not on today.

Rows are made through the ORM (revisions, Markdown and slugs as on a save), in about a second. Idempotent: a
second run finds the first generated organisation and does nothing.
"""
from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from portal import text
from portal.extensions import db
from portal.media import images, library
from portal.models import (Activity, ActivityStatus, Case, Consent, ConsentKind, Event, EventKind, MediaRole, Meeting,
                           MentoringForm, NewsItem, Organisation, OrganisationKind, Pairing, Person, PersonCategory,
                           Program, Roadmap, Stage, Status, Tag)
from portal.monitoring.questionnaires import from_template, make_response

from . import texts

SEED = 2026
YEAR_START = date(2026, 9, 1)  # the school year the demo lives in
SCHOOLS = [("МБОУ «СОШ № 3»", "Средняя общеобразовательная школа № 3", OrganisationKind.SCHOOL),
           ("МБОУ «СОШ № 7»", "Средняя общеобразовательная школа № 7", OrganisationKind.SCHOOL),
           ("МАОУ «Лицей № 9»", "Лицей № 9", OrganisationKind.SCHOOL),
           ("МБОУ «Каменская ООШ»", "Каменская основная общеобразовательная школа", OrganisationKind.SCHOOL),
           ("МБДОУ «Детский сад № 5 «Солнышко»", "Детский сад № 5 «Солнышко»", OrganisationKind.KINDERGARTEN),
           ("ГАПОУ «Заречный колледж сервиса»", "Заречный колледж сервиса", OrganisationKind.COLLEGE)]
FORMS = [MentoringForm.TEACHER_TEACHER, MentoringForm.PUPIL_PUPIL, MentoringForm.TEACHER_YOUNG_SPECIALIST,
         MentoringForm.STUDENT_PUPIL, MentoringForm.EMPLOYER_STUDENT, MentoringForm.GROUP]
COVERS = [("#1a56b0", "#6fa8ff"), ("#1e6b34", "#8fd19e"), ("#8a3b12", "#f0b27a"), ("#5b2a86", "#c39bd3"),
          ("#0f5e63", "#76d7c4"), ("#7a5c00", "#f7dc6f")]
COVER_ALTS = ["Наставник и наставляемый за одним столом", "Ученики работают над проектом в группе",
              "Молодой учитель у доски, наставник наблюдает", "Студенты колледжа на производственной практике",
              "Участники фестиваля наставничества в актовом зале", "Дошкольники и воспитатель за конструктором"]
CASES_PER_SCHOOL, NEWS, EVENTS = 5, 16, 18


def load_municipality(seed: int = SEED) -> Counter:
    made: Counter = Counter()
    if db.session.scalar(sa.select(Organisation.id).where(Organisation.short_name == SCHOOLS[0][0])):
        return made
    rng = random.Random(seed)
    bodies = texts.Bodies(rng, text.render_markdown, paragraphs=80, lists=20)
    covers = _covers(made)
    existing = {tag.name: tag for tag in db.session.scalars(sa.select(Tag))}
    tags = [existing.get(name) or Tag(name=name) for name in texts.TAGS[:10]]
    organisations = []
    for index, (short, name, kind) in enumerate(SCHOOLS):
        organisation = Organisation(short_name=short, name=f"Муниципальное учреждение «{name}»", kind=kind,
                                    municipality="Заречный муниципальный округ",
                                    address=f"г. Заречный, ул. {rng.choice(texts.STREETS)}, {rng.randint(1, 90)}",
                                    website=f"https://school-{index + 3}.example.org", description_md=
                                    texts.paragraph(rng, (1, 2)))
        organisations.append(organisation)
        db.session.add(organisation)
        made["организации"] += 1
        progress = index / (len(SCHOOLS) - 1)  # from a roadmap just begun to one nearly done
        db.session.add(_roadmap(rng, organisation, progress))
        made["дорожные карты"] += 1
        for number in range(CASES_PER_SCHOOL):
            body, _ = bodies()
            results, _ = bodies((1, 2), with_heading=False)
            status = Status.PUBLISHED if number < CASES_PER_SCHOOL - 1 else rng.choice([Status.DRAFT, Status.REVIEW])
            created = datetime.combine(YEAR_START - timedelta(days=rng.randint(0, 800)), time(10))
            case = Case(organisation=organisation, title=texts.case_title(rng)[:400],
                        mentoring_form=rng.choice(FORMS), summary=texts.sentence(rng), body_md=body,
                        results_md=results, status=status, created_at=created, tags=rng.sample(tags, 2))
            db.session.add(case)
            db.session.flush()
            if rng.random() < 0.8:
                library.attach(case, rng.choice(covers), MediaRole.COVER)
            made["кейсы"] += 1
    db.session.flush()
    made.update(_news_and_events(rng, bodies, organisations, covers))
    names = _Names(rng)
    names.taken |= {" ".join(name.split()[:2]) for name in db.session.scalars(sa.select(Person.full_name))}
    for organisation in organisations:
        made.update(_registry(rng, names, organisation))
    return made


def _covers(made: Counter) -> list:
    result = []
    for number, (colours, alt) in enumerate(zip(COVERS, COVER_ALTS), start=1):
        picture = images.placeholder(960, 540, colours, image_format="jpeg")
        result.append(library.store(f"demo-cover-{number}.jpg", picture, title=f"Обложка {number}: {alt.lower()}",
                                    alt_text=alt, status=Status.PUBLISHED))
        made["изображения"] += 1
    db.session.flush()
    return result


def _roadmap(rng: random.Random, organisation: Organisation, progress: float) -> Roadmap:
    roadmap = Roadmap(organisation=organisation, title=f"Дорожная карта внедрения целевой модели наставничества "
                                                       f"{organisation.short_name}", period="2026–2027 учебный год",
                      year=2026, status=Status.PUBLISHED)
    titles = iter(rng.sample(texts.ACTIVITY_TITLES, 16))
    done_until = YEAR_START + timedelta(days=int(270 * progress))
    for s in range(4):
        stage = Stage(number=f"{s + 1}.", title=texts.STAGE_TITLES[s % len(texts.STAGE_TITLES)], position=(s + 1) * 10,
                      goal=texts.sentence(rng), result=rng.choice(texts.EXPECTED))
        for a in range(4):
            start = YEAR_START + timedelta(days=70 * s + 15 * a)
            end = start + timedelta(days=30)
            status = (ActivityStatus.DONE if end <= done_until else
                      ActivityStatus.IN_PROGRESS if start <= done_until else ActivityStatus.PLANNED)
            stage.activities.append(Activity(
                number=f"{s + 1}.{a + 1}", title=next(titles), position=(a + 1) * 10,
                deadline_text=f"{_month(start)} – {_month(end)} {end.year}", deadline_start=start, deadline_end=end,
                responsible=", ".join(rng.sample(texts.RESPONSIBLE, 2)), expected_result=rng.choice(texts.EXPECTED),
                status=status))
        roadmap.stages.append(stage)
    return roadmap


MONTHS = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь",
          "декабрь"]


def _month(day: date) -> str:
    return MONTHS[day.month - 1]


def _news_and_events(rng: random.Random, bodies, organisations: list, covers: list) -> Counter:
    made: Counter = Counter()
    for number in range(NEWS):
        body, _ = bodies((2, 3))
        item = NewsItem(organisation=rng.choice(organisations + [None]), title=texts.news_title(rng)[:400],
                        published_on=YEAR_START + timedelta(days=number * 17 - 60), summary=texts.sentence(rng),
                        body_md=body, status=Status.PUBLISHED)
        db.session.add(item)
        if number % 3 == 0:
            db.session.flush()
            library.attach(item, rng.choice(covers), MediaRole.COVER)
        made["новости"] += 1
    for number in range(EVENTS):
        starts = datetime.combine(YEAR_START + timedelta(days=number * 16 + rng.randint(0, 6)), time(10 + number % 5))
        description, _ = bodies((1, 2), with_heading=False)
        organisation, title = rng.choice(organisations + [None]), texts.event_title(rng)[:400]
        drawn = rng.choice(list(EventKind))  # drawn as before, so that every later row stays as it was
        db.session.add(Event(organisation=organisation, title=title, kind=_kind_named_in(title) or drawn,
                             starts_at=starts, ends_at=starts + timedelta(hours=2),
                             place=f"г. Заречный, ул. {rng.choice(texts.STREETS)}, {rng.randint(1, 90)}",
                             summary=texts.sentence(rng), description_md=description, status=Status.PUBLISHED))
        made["мероприятия"] += 1
    return made


_KIND_WORDS = {"фестиваль": EventKind.FESTIVAL, "конкурс": EventKind.COMPETITION, "семинар": EventKind.SEMINAR,
               "мастерская": EventKind.SEMINAR, "круглый стол": EventKind.EVENT, "сессия": EventKind.EVENT}


def _kind_named_in(title: str) -> EventKind | None:
    """The kind a title names («Семинар «…»» is a seminar), so that the page does not call it a contest."""
    lowered = title.lower()
    return next((kind for word, kind in _KIND_WORDS.items() if word in lowered), None)


class _Names:
    """People's names, each «Фамилия Имя» once: a pupil («Яковлев Андрей») must never be the start of a published
    adult's name («Яковлев Андрей Сергеевич»), or a test could not tell that no minor is named on the site."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.taken = rng, set()

    def _unique(self, make) -> str:
        while True:
            name = make()
            short = " ".join(name.split()[:2])
            if short not in self.taken:
                self.taken.add(short)
                return name

    def adult(self) -> str:
        return self._unique(lambda: texts.person_name(self.rng))

    def pupil(self) -> str:
        return self._unique(lambda: f"{self.rng.choice(texts.SURNAMES)} {self.rng.choice(texts.MALE_NAMES)}")


def _registry(rng: random.Random, names: _Names, organisation: Organisation) -> Counter:
    """Four mentors (one in three agrees to be published), six mentees (pupils are minors), a program, three
    pairs with journals, and a questionnaire with answers."""
    made: Counter = Counter()
    signed = YEAR_START
    mentors = []
    for number in range(4):
        competencies = rng.sample(texts.COMPETENCIES, 2)
        mentor = Person(organisation=organisation, full_name=names.adult(), category=PersonCategory.TEACHER,
                        position=f"учитель {rng.choice(texts.SUBJECTS)}", joined_on=signed,
                        competencies=", ".join(competencies), tags=", ".join(competencies),
                        mentoring_form=MentoringForm.TEACHER_TEACHER, capacity=rng.choice([2, 3]),
                        availability=rng.choice(["вторник и четверг после уроков", "по средам", "по субботам"]))
        mentor.roles = ["mentor"]
        mentor.consents = [Consent(kind=ConsentKind.PROCESSING, signed_on=signed)]
        if number % 3 == 0:
            mentor.consents.append(Consent(kind=ConsentKind.PUBLICATION, signed_on=signed,
                                           allowed_fields="full_name,position,organisation,competencies"))
        mentors.append(mentor)
    mentees = []
    for number in range(6):
        pupil = number % 2 == 1
        mentee = Person(organisation=organisation, is_minor=pupil,
                        full_name=names.pupil() if pupil else names.adult(),
                        category=PersonCategory.PUPIL if pupil else PersonCategory.TEACHER,
                        position=f"{rng.randint(5, 9)} класс" if pupil else "молодой специалист", joined_on=signed)
        mentee.roles = ["mentee"]
        mentee.consents = [Consent(kind=ConsentKind.PROCESSING, signed_on=signed)]
        mentees.append(mentee)
    # A young teacher who has just come and waits for a mentor: «Подобрать наставника» has someone to suggest.
    newcomer = Person(organisation=organisation, full_name=names.adult(), category=PersonCategory.TEACHER,
                      position="молодой специалист", joined_on=signed + timedelta(days=60),
                      mentoring_form=MentoringForm.TEACHER_TEACHER, tags=", ".join(rng.sample(texts.COMPETENCIES, 2)))
    newcomer.roles = ["mentee"]
    newcomer.consents = [Consent(kind=ConsentKind.PROCESSING, signed_on=signed + timedelta(days=60))]
    mentees.append(newcomer)
    db.session.add_all(mentors + mentees)
    made["участники реестра"] += len(mentors) + len(mentees)
    program = Program(organisation=organisation, title=f"Программа наставничества {organisation.short_name}",
                      mentoring_form=MentoringForm.TEACHER_TEACHER, starts_on=YEAR_START,
                      ends_on=YEAR_START + timedelta(days=300))
    db.session.add(program)
    made["программы"] += 1
    for number in range(3):
        pair_mentees = [mentees[2 * number], mentees[2 * number + 1]]
        pairing = Pairing(organisation=organisation, program=program, mentor=mentors[number], mentees=pair_mentees,
                          mentoring_form=MentoringForm.TEACHER_TEACHER, order_number=f"{30 + number}/О",
                          order_date=YEAR_START, starts_on=YEAR_START)
        db.session.add(pairing)
        db.session.flush()
        for meeting in range(rng.randint(0, 4)):  # a pair without meetings shows on the dashboard as stalled
            db.session.add(Meeting(pairing_id=pairing.id, held_on=YEAR_START + timedelta(days=14 * (meeting + 1)),
                                   notes=texts.sentence(rng)))
        made["наставнические пары"] += 1
    questionnaire = from_template("mentee_satisfaction", organisation.id)
    questionnaire.title = f"Анкета удовлетворённости наставляемых — {organisation.short_name}, 2026"
    questionnaire.opens_on, questionnaire.closes_on = date(2026, 11, 1), date(2026, 12, 20)
    db.session.add(questionnaire)
    db.session.flush()
    for number in range(rng.randint(5, 9)):
        values = {}
        for question in questionnaire.questions:
            if question.kind.value == "scale10":
                values[question.id] = rng.randint(6, 10)
            elif question.kind.value == "single":
                values[question.id] = rng.choice(question.option_list)
            elif question.kind.value == "multiple":
                values[question.id] = rng.sample(question.option_list, 2)
        db.session.add(make_response(questionnaire, values, datetime(2026, 11, 2, 9, number)))
    made["анкеты"] += 1
    return made
