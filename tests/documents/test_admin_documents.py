"""The documents in the admin: pages per object, rights (404 for another organisation), the missing-data list,
the audit log, templates uploaded, checked and preferred over the default; and the CLI."""
from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
import sqlalchemy as sa
from docx import Document

from documents_support import rows, text
from portal.cli import main
from portal.extensions import db
from portal.models import AuditEntry, DocumentTemplate, Pairing, PlanGoal

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_with(*paragraphs: str) -> bytes:
    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def ready(pairing: Pairing) -> Pairing:
    """The world's pairing with what its documents need."""
    pairing.order_date = date(2025, 9, 1)
    pairing.organisation.head_name, pairing.organisation.head_position = "Петрова О. Н.", "Директор"
    db.session.add_all([PlanGoal(pairing_id=pairing.id, position=1, title="Освоиться в школе",
                                 deadline=date(2025, 10, 1), done=True),
                        PlanGoal(pairing_id=pairing.id, position=2, title="Выступить на конференции",
                                 deadline=date(2026, 3, 1), done=False)])
    db.session.commit()
    return pairing


def upload(client, kind: str, data: bytes, organisation_id="", filename="шаблон.docx"):
    return client.post("/admin/documents/templates/upload", data={
        "kind": kind, "organisation_id": str(organisation_id), "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data", follow_redirects=True)


@pytest.mark.parametrize("target", ["program", "pairing", "person", "organisation"])
def test_a_curator_of_another_organisation_gets_404(world, curator_client, target):
    crud = {"program": "programs", "pairing": "pairings", "person": "persons", "organisation": "organisations"}
    other = world.rows[(crud[target], "b")]
    assert curator_client.get(f"/admin/documents/{crud[target]}/{other.id}/").status_code == 404
    kind = {"program": "program_order", "pairing": "development_plan", "person": "consent",
            "organisation": "curator_report"}[target]
    assert curator_client.get(f"/admin/documents/{crud[target]}/{other.id}/?kind={kind}").status_code == 404
    own = world.rows[(crud[target], "a")]
    assert curator_client.get(f"/admin/documents/{crud[target]}/{own.id}/").status_code == 200
    assert curator_client.get(f"/admin/documents/programs/{world.rows[('programs', 'b')].id}/package").status_code \
        == 404


def test_the_pairing_page_links_its_documents_and_lists_what_is_missing(world, curator_client):
    pairing = world.rows[("pairings", "a")]
    edit = curator_client.get(f"/admin/pairings/{pairing.id}/edit").get_data(as_text=True)
    assert f'href="/admin/documents/pairings/{pairing.id}/"' in edit and ">Документы<" in edit
    page = curator_client.get(f"/admin/documents/pairings/{pairing.id}/").get_data(as_text=True)
    assert "Приказ о закреплении наставнических пар (групп)" in page
    assert "нет даты приказа о закреплении" in page and f'href="/admin/pairings/{pairing.id}/edit"' in page
    assert f'href="/admin/pairings/{pairing.id}/goals/new"' in page  # the plan has no goals yet
    response = curator_client.get(f"/admin/documents/pairings/{pairing.id}/?kind=development_plan")
    assert response.mimetype == "text/html" and "нет ни одной цели" in response.get_data(as_text=True)


def test_a_document_is_downloaded_and_written_to_the_audit_log(world, curator_client):
    pairing = ready(world.rows[("pairings", "a")])
    response = curator_client.get(f"/admin/documents/pairings/{pairing.id}/?kind=development_plan")
    assert response.status_code == 200 and response.mimetype == DOCX
    assert rows(response.data) == [["1", "Освоиться в школе", "01.10.2025", "выполнено"],
                                   ["2", "Выступить на конференции", "01.03.2026", "в работе"]]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "document"))
    assert (entry.user_email, entry.object_kind, entry.object_id) == ("curator-a@example.org", "pairing", pairing.id)
    assert entry.details == "Индивидуальный план развития: 1 файл(ов)"  # no personal data beyond the object's reference
    order = curator_client.get(f"/admin/documents/pairings/{pairing.id}/?kind=pairing_order")
    assert rows(order.data)[0][1:3] == ["Наставник A", "Наставляемый A"]


def test_the_program_package_is_a_zip_of_what_can_be_made(world, curator_client):
    pairing = ready(world.rows[("pairings", "a")])
    pairing.mentees[0].birth_date = date(2012, 5, 1)
    db.session.commit()
    response = curator_client.get(f"/admin/documents/programs/{pairing.program_id}/package")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = sorted(zipfile.ZipFile(io.BytesIO(response.data)).namelist())
    assert names == [f"Планы развития/Индивидуальный план развития — пара {pairing.id}.docx",
                     "Приказы/Приказ о закреплении пар № A-1 от 01.09.2025.docx",
                     "Согласия/Согласие на обработку ПДн — Наставляемый A.docx"]


def test_a_network_pairing_shows_the_other_sides_people_without_names(world, login_as):
    pairing = ready(world.rows[("pairings", "a")])
    pairing.mentees = [world.rows[("pairings", "b")].mentees[0]]  # a mentee of school B: a network pairing
    db.session.commit()
    response = login_as("curator_b").get(f"/admin/documents/pairings/{pairing.id}/?kind=development_plan")
    assert response.status_code == 200
    body = text(response.data)
    assert "Наставник: Наставник из Школа A" in body and "Наставляемые: Наставляемый B" in body
    assert "Наставник A" not in body


def test_a_custom_template_with_a_loop_is_checked_and_preferred(world, curator_client, editor_client):
    pairing = ready(world.rows[("pairings", "a")])
    custom = docx_with("План школы: {{ организация.краткое_название }}", "{%p for цель in цели %}",
                       "{{ цель.номер }}) {{ цель.цель }} — до {{ цель.срок }}", "{%p endfor %}")
    page = upload(curator_client, "development_plan", custom, world.org_a.id).get_data(as_text=True)
    assert "загружен и проверен" in page
    body = text(curator_client.get(f"/admin/documents/pairings/{pairing.id}/?kind=development_plan").data)
    assert body == ("План школы: Школа A\n1) Освоиться в школе — до 01.10.2025\n"
                    "2) Выступить на конференции — до 01.03.2026")
    preview = curator_client.get(f"/admin/documents/templates/{db.session.scalar(sa.select(DocumentTemplate.id))}"
                                 "/preview")
    assert "1) Освоиться в школе" in text(preview.data)  # previewed with the organisation's data
    # The municipality's template serves school B, whose curators have none of their own.
    municipal = docx_with("Муниципальный бланк: {{ организация.название }}")
    assert "загружен и проверен" in upload(editor_client, "development_plan", municipal).get_data(as_text=True)
    other = ready(world.rows[("pairings", "b")])
    assert text(editor_client.get(f"/admin/documents/pairings/{other.id}/?kind=development_plan").data) == \
        "Муниципальный бланк: Школа B полностью"
    assert text(editor_client.get(f"/admin/documents/pairings/{pairing.id}/?kind=development_plan").data).startswith(
        "План школы")
    # A curator uploads neither for the municipality nor for another organisation.
    assert upload(curator_client, "development_plan", custom).status_code == 404
    assert upload(curator_client, "development_plan", custom, world.org_b.id).status_code == 404


@pytest.mark.parametrize(("paragraphs", "message"), [
    (("{% for цель in цели %}{{ цель.цель }}",), "не закрыт блок"),
    (("{{ организация.название }} {{ фамилия }} {{ инн }}",), "неизвестные подстановки: инн, фамилия"),
    (("{{ организация.инн }}",), "неизвестная подстановка: «инн»"),
    (("{{ организация.название }",), "Ошибка в разметке шаблона"),
    (("{{ организация.__class__.__mro__ }}",), "недопустимым"),  # Jinja's sandbox
    (("{{ организация.название * 100000000 }}",), "недопустимым"),  # no inflating a string on the server
    (("{{ организация.название|center(100000000) }}",), "No filter named"),
    (("Просто текст без подстановок",), "нет ни одной подстановки"),
])
def test_a_broken_template_is_refused_with_a_message_naming_the_problem(world, curator_client, paragraphs, message):
    page = upload(curator_client, "development_plan", docx_with(*paragraphs), world.org_a.id).get_data(as_text=True)
    assert "не принят" in page and message in page.replace("&#34;", '"').replace("&#39;", "'")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DocumentTemplate)) == 0


def test_not_a_docx_and_a_zip_bomb_are_refused_before_parsing(world, curator_client):
    page = upload(curator_client, "consent", b"%PDF-1.4 not word", world.org_a.id).get_data(as_text=True)
    assert "Шаблон должен быть документом Word (.docx)" in page
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (30 * 1024 * 1024))
    assert len(bomb.getvalue()) < 100_000
    page = upload(curator_client, "consent", bomb.getvalue(), world.org_a.id).get_data(as_text=True)
    assert "слишком велик в распакованном виде" in page


def test_a_letter_template_with_the_old_placeholders_keeps_working(world, curator_client):
    mentor = world.rows[("persons", "a")]
    world.org_a.head_name, world.org_a.head_position = "Петрова О. Н.", "Директор"
    db.session.commit()
    old = docx_with("Уважаемый(ая) {ФИО}!", "Спасибо от {Организация}, {Год}. {Подписант}")
    assert "загружен и проверен" in upload(curator_client, "thank_you_letter", old, world.org_a.id).get_data(
        as_text=True)
    body = text(curator_client.get(f"/admin/documents/persons/{mentor.id}/?kind=thank_you_letter&year=2026").data)
    assert body == "Уважаемый(ая) Наставник A!\nСпасибо от Школа A, 2026. Директор Петрова О. Н."


def test_the_templates_page_documents_the_placeholders_and_serves_the_defaults(world, curator_client):
    page = curator_client.get("/admin/documents/templates/").get_data(as_text=True)
    assert "{{ организация.название }}" in page and "{%tr for пара in пары %}" in page
    assert "Муниципалитет (для всех организаций)" not in page  # a curator manages their organisation's only
    default = curator_client.get("/admin/documents/templates/default?kind=pairing_order")
    assert default.mimetype == DOCX and "{{ приказ.номер }}" in text(default.data) + str(
        Document(io.BytesIO(default.data)).tables[0].rows[2].cells[2].text)


def run(app, *args):
    return app.test_cli_runner().invoke(main, list(args), catch_exceptions=False)


def test_cli_lists_the_kinds_and_makes_a_document(app, world, tmp_path):
    listed = run(app, "documents", "kinds")
    assert listed.exit_code == 0 and "pairing_order\tПриказ о закреплении наставнических пар (групп)" in listed.output
    assert len(listed.output.splitlines()) == 7
    pairing = world.rows[("pairings", "a")]
    missing = run(app, "documents", "make", "pairing_order", "--id", str(pairing.id), "--for", "pairing",
                  "-o", str(tmp_path / "order.docx"))
    assert missing.exit_code == 1 and "нет даты приказа о закреплении" in missing.output
    assert not (tmp_path / "order.docx").exists()
    ready(db.session.get(Pairing, pairing.id))
    made = run(app, "documents", "make", "pairing_order", "--id", str(pairing.id), "--for", "pairing",
               "-o", str(tmp_path / "order.docx"))
    assert made.exit_code == 0, made.output
    assert rows((tmp_path / "order.docx").read_bytes())[0][:3] == ["1", "Наставник A", "Наставляемый A"]
    unknown = run(app, "documents", "make", "development_plan", "--id", "99999", "-o", str(tmp_path / "x.docx"))
    assert unknown.exit_code == 1 and "нет объекта «наставническая пара» с номером 99999" in unknown.output
    assert run(app, "documents", "make", "passport", "--id", "1", "-o", str(tmp_path / "x.docx")).exit_code == 1
    assert run(app, "documents", "make", "--help").exit_code == 0
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "document"))
    assert (entry.object_kind, entry.object_id, entry.details) == ("pairing", pairing.id, "Приказ о закреплении наставнических пар (групп): 1 файл(ов)")
    assert entry.user_email.startswith("командная строка (")




def test_the_letters_page_fills_an_old_style_template_through_the_documents(world, curator_client):
    mentor = world.rows[("persons", "a")]
    form = {"person_ids": [mentor.id], "year": "2026", "signatory": "Директор А. А. Петрова", "text": "Спасибо!"}
    template = Document()
    paragraph = template.add_paragraph("Награждается ")
    paragraph.add_run("{Ф").bold = True  # Word splits a placeholder over runs after editing
    paragraph.add_run("ИО}, {Организация}, {Год}. {Подписант} & Co")
    buffer = io.BytesIO()
    template.save(buffer)
    response = curator_client.post("/admin/recognition/letters", data=form | {
        "template": (io.BytesIO(buffer.getvalue()), "бланк.docx")}, content_type="multipart/form-data")
    assert text(response.data) == "Награждается Наставник A, Школа A, 2026. Директор А. А. Петрова & Co"
    unknown = curator_client.post("/admin/recognition/letters", data=form | {
        "template": (io.BytesIO(docx_with("Уважаемый {Имя}!")), "бланк.docx")}, content_type="multipart/form-data")
    assert "В шаблоне неизвестные подстановки: {Имя}" in unknown.get_data(as_text=True)
    # A letter template stored on the templates page replaces the typed text.
    upload(curator_client, "thank_you_letter", docx_with("Бланк школы: {{ ФИО }}"), world.org_a.id)
    stored = curator_client.post("/admin/recognition/letters", data=form)
    assert text(stored.data) == "Бланк школы: Наставник A"


def test_the_program_page_makes_the_order_for_chosen_pairings(world, curator_client):
    pairing = ready(world.rows[("pairings", "a")])
    page = curator_client.get(f"/admin/documents/programs/{pairing.program_id}/").get_data(as_text=True)
    assert f'name="pairing" value="{pairing.id}"' in page and "Пакет документов программы (.zip)" in page
    chosen = curator_client.get(f"/admin/documents/programs/{pairing.program_id}/?kind=pairing_order"
                                f"&pairing={pairing.id}")
    assert chosen.mimetype == DOCX and len(rows(chosen.data)) == 1
    none = curator_client.get(f"/admin/documents/programs/{pairing.program_id}/?kind=pairing_order&pairing=999")
    assert "нет наставнических пар" in none.get_data(as_text=True)


def test_a_programs_documents_page_offers_chosen_pairings_once_and_has_a_plain_title(world, curator_client):
    import re

    program = world.rows[("programs", "a")]
    html = curator_client.get(f"/admin/documents/programs/{program.id}/").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and title.startswith("Документы: ")
    assert html.count('id="chosen-title"') == 1
