"""Benchmark (not a test): the documents of a program with 200 pairings (issue #24).

    .venv/bin/python -m bench.documents [--pairings 200]

Builds a fresh SQLite database in a temporary folder: one school with its head and roadmap (5 stages × 6
activities), a program of N pairings (a mentor and two mentees each, the mentees minors with birth dates and no
consent, five plan goals and eight meetings per pairing, four orders), then times «Пакет документов программы»
(program order, pairing orders, every plan, every journal, every consent form) and prints the seconds.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path


def build_program(pairings: int):
    from portal.extensions import db
    from portal.models import (Activity, Meeting, MentoringForm, Organisation, OrganisationKind, Pairing, Person,
                               PersonCategory, PlanGoal, Program, Roadmap, Stage)

    school = Organisation(name="Муниципальное бюджетное общеобразовательное учреждение «СОШ № 7»",
                          short_name="МБОУ «СОШ № 7»", kind=OrganisationKind.SCHOOL, address="ул. Мира, 7",
                          phone="+7 800 555-07-07", email="school7@example.org", head_position="Директор",
                          head_name="Иванова Елена Петровна")
    roadmap = Roadmap(organisation=school, title="Дорожная карта 2026–2027", period="2026–2027 учебный год",
                      year=2026)
    for s in range(1, 6):
        stage = Stage(number=f"{s}.", title=f"Этап {s}", position=s)
        stage.activities = [Activity(number=f"{s}.{a}", title=f"Мероприятие {s}.{a}", deadline_text="октябрь 2026",
                                     responsible="Куратор", expected_result="Проведено", position=a)
                            for a in range(1, 7)]
        roadmap.stages.append(stage)
    program = Program(organisation=school, title="Программа «Ученик – ученик»",
                      mentoring_form=MentoringForm.PUPIL_PUPIL, starts_on=date(2026, 10, 1), ends_on=date(2027, 5, 31))
    db.session.add_all([school, roadmap, program])
    for i in range(pairings):
        mentor = Person(organisation=school, full_name=f"Наставник Номер {i}", category=PersonCategory.TEACHER,
                        position="учитель")
        mentor.roles = ["mentor"]
        mentees = []
        for j in range(2):
            mentee = Person(organisation=school, full_name=f"Наставляемый {i}-{j}", category=PersonCategory.PUPIL,
                            is_minor=True, birth_date=date(2014, 1, 1) + timedelta(days=i + j), position="5 класс")
            mentee.roles = ["mentee"]
            mentees.append(mentee)
        pairing = Pairing(organisation=school, program=program, mentor=mentor, mentees=mentees,
                          mentoring_form=MentoringForm.PUPIL_PUPIL, order_number=f"{100 + i % 4}/О",
                          order_date=date(2026, 10, 1 + i % 4), starts_on=date(2026, 10, 1))
        db.session.add(pairing)
        db.session.flush()
        db.session.add_all([PlanGoal(pairing_id=pairing.id, position=g, title=f"Цель {g}",
                                     deadline=date(2026, 11, g), done=g % 2 == 0) for g in range(1, 6)])
        db.session.add_all([Meeting(pairing_id=pairing.id, held_on=date(2026, 10, 1) + timedelta(weeks=w),
                                    notes=f"Встреча {w}") for w in range(8)])
    db.session.commit()
    return program


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairings", type=int, default=200)
    arguments = parser.parse_args()
    from portal import create_app
    from portal.documents.kinds import Options
    from portal.documents.make import as_zip, program_package
    from portal.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.db'}", "INSTANCE_PATH": folder,
                          "SECRET_KEY": "bench"})
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            program = build_program(arguments.pairings)
            print(f"Данные: {arguments.pairings} пар за {time.perf_counter() - started:.1f} с")
            from datetime import datetime

            started = time.perf_counter()
            files, missing = program_package(db.session, program, Options(now=datetime(2026, 12, 1, 12)))
            archive = as_zip(files)
            db.session.commit()
            seconds = time.perf_counter() - started
            print(f"Пакет документов программы: {len(files)} документов, {len(archive) / 1e6:.1f} МБ, "
                  f"{seconds:.1f} с ({1000 * seconds / max(len(files), 1):.0f} мс на документ); "
                  f"не хватает данных: {len(missing)}")
            db.engine.dispose()


if __name__ == "__main__":
    main()
