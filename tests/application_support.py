"""A valid application form and the app settings for tests of applications and mail."""
from __future__ import annotations

from portal.registries.application_form import CONSENT_VERSION

ORIGIN = {"Origin": "http://localhost"}  # what a browser sends when the site's page posts the form


def mentor_form(org_id: int, **changes) -> dict:
    form = {"organisation": str(org_id), "category": "teacher", "full_name": "Иванова Мария Петровна",
            "position": "учитель математики", "email": "ivanova@example.org", "phone": "+7 900 123-45-67",
            "mentoring_form": "teacher_teacher", "tags": "математика, подготовка к ЕГЭ", "capacity": "3",
            "about": "Стаж 20 лет.", "availability": "вторник после 15:00", "consent": "yes",
            "consent_version": CONSENT_VERSION, "publication_consent": "yes"}
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def mentee_form(org_id: int, **changes) -> dict:
    form = {"organisation": str(org_id), "category": "pupil", "full_name": "Петров Коля",
            "representative_name": "Петрова Анна Сергеевна", "position": "7 «Б»", "email": "parent@example.org",
            "mentoring_form": "teacher_teacher", "tags": "математика", "consent": "yes", "parent_consent": "yes",
            "consent_version": CONSENT_VERSION}
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}
