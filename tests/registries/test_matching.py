"""Ranking of mentors for a mentee: the pure rules on plain records, then a seeded registry through the admin:
the obvious match first, form and capacity respected, one click pairs, a full mentor only with a warning."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.models import (Consent, ConsentKind, MentoringForm, Pairing, PairingStatus, Person, PersonCategory,
                           Program)
from portal.registries.matching import Candidate, Need, rank

TT = MentoringForm.TEACHER_TEACHER


def candidate(mentor_id, tags, *, form=TT, capacity=2, load=0, org=1, name=None):
    return Candidate(mentor_id, name or f"Наставник {mentor_id}", org, f"Школа {org}", form, tuple(tags), capacity,
                     load)


def test_the_obvious_match_comes_first_with_its_reasons():
    need = Need(TT, ("математика", "подготовка к ЕГЭ"), organisation_id=1)
    ranked = rank(need, [candidate(1, ["русский язык"]), candidate(2, ["Математика", "подготовка к ЕГЭ"], capacity=3,
                                                                    load=2), candidate(3, ["математика"])])
    assert [s.candidate.mentor_id for s in ranked] == [2, 3, 1]
    assert ranked[0].summary.startswith("совпадают: математика, подготовка к ЕГЭ; ")
    assert "свободно 1 из 3 мест" in ranked[0].summary and "та же организация" in ranked[0].summary
    assert ranked[2].common == [] and "нет совпадений с запросом" in ranked[2].summary


def test_another_form_is_left_out_and_an_unstated_form_is_kept_lower():
    need = Need(TT, ("математика",), organisation_id=1)
    ranked = rank(need, [candidate(1, ["математика"], form=MentoringForm.PUPIL_PUPIL),
                         candidate(2, ["математика"], form=None), candidate(3, ["математика"])])
    assert [s.candidate.mentor_id for s in ranked] == [3, 2]
    assert "форма наставника не указана" in ranked[1].summary


def test_a_full_mentor_comes_last_with_a_warning_however_good_the_match():
    need = Need(TT, ("математика", "олимпиады", "ЕГЭ"), organisation_id=1)
    ranked = rank(need, [candidate(1, ["математика", "олимпиады", "ЕГЭ"], capacity=2, load=2),
                         candidate(2, ["физика"], capacity=1, load=0)])
    assert [s.candidate.mentor_id for s in ranked] == [2, 1]
    assert ranked[1].over_capacity and "мест нет: занято 2 из 2" in ranked[1].summary
    assert not ranked[0].over_capacity


def test_own_organisation_before_a_partner_before_others():
    need = Need(TT, ("математика",), organisation_id=1, partner_ids=frozenset({2}))
    ranked = rank(need, [candidate(3, ["математика"], org=3), candidate(2, ["математика"], org=2),
                         candidate(1, ["математика"], org=1)])
    assert [s.candidate.mentor_id for s in ranked] == [1, 2, 3]
    assert "организация-партнёр: Школа 2" in ranked[1].summary


def test_short_tags_do_not_match_inside_words():
    need = Need(TT, ("ия",), organisation_id=1)
    assert rank(need, [candidate(1, ["математика"])])[0].common == []
    need = Need(TT, ("математика",), organisation_id=1)
    assert rank(need, [candidate(1, ["математика 5–9 классы"])])[0].common == ["математика"]


def _person(org, name, roles, tags, form=TT, capacity=1):
    person = Person(organisation=org, full_name=name, category=PersonCategory.TEACHER, tags=tags,
                    mentoring_form=form, capacity=capacity)
    person.roles = roles
    person.consents = [Consent(kind=ConsentKind.PROCESSING, signed_on=date(2026, 9, 1))]
    db.session.add(person)
    return person


def seed(world):
    """A school's registry: three mentors of the teachers' form, one of another form, one young teacher."""
    org = world.org_a
    maths = _person(org, "Математикова Анна", ["mentor"], "математика, подготовка к ЕГЭ", capacity=2)
    full = _person(org, "Занятова Ольга", ["mentor"], "математика, подготовка к ЕГЭ, олимпиады", capacity=1)
    _person(org, "Словесникова Ирина", ["mentor"], "русский язык")
    _person(org, "Ученикова Света", ["mentor"], "математика", form=MentoringForm.PUPIL_PUPIL)
    busy_mentee = _person(org, "Занятый Пётр", ["mentee"], "")
    db.session.add(Pairing(organisation=org, mentor=full, mentees=[busy_mentee], mentoring_form=TT,
                           status=PairingStatus.ACTIVE))
    mentee = _person(org, "Молодой Иван", ["mentee"], "математика, подготовка к ЕГЭ")
    db.session.commit()
    return mentee, maths, full


def test_the_mentees_page_ranks_a_seeded_registry(world, curator_client):
    mentee, maths, full = seed(world)
    page = curator_client.get(f"/admin/persons/{mentee.id}/matches").get_data(as_text=True)
    order = [page.index(name) for name in ("Математикова Анна", "Словесникова Ирина", "Занятова Ольга")]
    assert order == sorted(order)
    assert "Ученикова Света" not in page  # another form
    assert "совпадают: математика, подготовка к ЕГЭ; та же форма: Учитель – учитель; свободно 2 из 2 мест" in page
    assert "мест нет: занято 1 из 1" in page and "Знаю, что мест нет" in page


def test_one_click_pairs_and_a_full_mentor_needs_the_warning_ticked(world, curator_client):
    mentee, maths, full = seed(world)
    response = curator_client.post(f"/admin/persons/{mentee.id}/pair", data={"mentor_id": full.id},
                                   follow_redirects=True)
    assert "У наставника нет свободных мест" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pairing).where(Pairing.mentor_id == full.id)) == 1
    response = curator_client.post(f"/admin/persons/{mentee.id}/pair", data={"mentor_id": maths.id})
    assert response.status_code == 302 and "/admin/pairings/" in response.location
    pairing = db.session.scalar(sa.select(Pairing).where(Pairing.mentor_id == maths.id))
    assert [m.id for m in pairing.mentees] == [mentee.id] and pairing.mentoring_form == TT
    assert pairing.organisation_id == world.org_a.id and pairing.order_number == ""
    response = curator_client.post(f"/admin/persons/{mentee.id}/pair",
                                   data={"mentor_id": full.id, "over_capacity": "yes"})
    assert response.status_code == 302  # ticked: the curator knows


def test_another_organisations_mentor_cannot_be_paired_by_id(world, login_as):
    mentee, maths, _full = seed(world)
    other = world.rows[("persons", "b")]
    assert login_as("curator_a").post(f"/admin/persons/{mentee.id}/pair", data={"mentor_id": other.id}).status_code \
        == 404
    assert login_as("curator_b").get(f"/admin/persons/{mentee.id}/matches").status_code == 404


def test_a_programs_unpaired_mentees_get_suggestions(world, curator_client):
    mentee, maths, _full = seed(world)
    program = Program(organisation=world.org_a, title="Молодые педагоги", mentoring_form=TT)
    db.session.add(program)
    db.session.commit()
    page = curator_client.get(f"/admin/programs/{program.id}/matches").get_data(as_text=True)
    assert "Молодой Иван" in page and "Математикова Анна" in page
    assert "Занятый Пётр" not in page  # paired already
    curator_client.post(f"/admin/persons/{mentee.id}/pair", data={"mentor_id": maths.id, "program_id": program.id})
    assert db.session.scalar(sa.select(Pairing.program_id).where(Pairing.mentor_id == maths.id)) == program.id
