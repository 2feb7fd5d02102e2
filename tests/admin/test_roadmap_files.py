"""Importing roadmaps in the admin (preview, correct, save all or nothing) and downloading them."""
from __future__ import annotations

import io

import sqlalchemy as sa
from docx import Document
from icalendar import Calendar

from portal.extensions import db
from tests_support import sample_path
from portal.models import Activity, Roadmap, Stage

PASTE = "\n".join([
    "Дорожная карта МБОУ «СОШ № 7» на 2024 – 2025 учебный год",
    "№\tМероприятие\tСроки\tОтветственные",
    "1.\tПодготовительный этап\t\t",
    "1.1\tПриказ о внедрении целевой модели\tсентябрь\tДиректор",
    "1.2\tАнкетирование наставляемых\tдо 31 ноября\tКуратор",
])


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_preview_shows_stages_activities_and_warnings_without_saving(world, curator_client):
    before = count(Activity)
    response = curator_client.post("/admin/roadmaps/import", data={
        "organisation_id": world.org_a.id, "text": PASTE, "preview": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Подготовительный этап" in html and "Анкетирование наставляемых" in html
    assert "этапов: 1, мероприятий: 2" in html
    assert "1 сентября 2024" in html  # «сентябрь» of the school year 2024–2025
    assert "Строка 5:" in html and "31 ноября" in html  # the warning beside its row
    assert "МБОУ «СОШ № 7»" in html
    assert "Анкетирование наставляемых" in html.split("<textarea", 1)[1]  # the text stays for corrections
    assert count(Activity) == before


def test_save_creates_a_draft_roadmap_in_one_go(world, curator_client):
    response = curator_client.post("/admin/roadmaps/import", data={
        "organisation_id": world.org_a.id, "text": PASTE, "save": "1"})
    assert response.status_code == 302
    roadmap = db.session.scalar(sa.select(Roadmap).where(Roadmap.title.like("Дорожная карта МБОУ «СОШ № 7»%")))
    assert response.headers["Location"].endswith(f"/admin/roadmaps/{roadmap.id}/edit")
    assert roadmap.organisation_id == world.org_a.id and roadmap.status == "draft"
    assert roadmap.period == "2024–2025 учебный год"
    [stage] = roadmap.stages
    assert [a.number for a in stage.activities] == ["1.1", "1.2"]
    assert stage.activities[0].deadline_start.isoformat() == "2024-09-01"
    assert stage.activities[1].deadline_text == "до 31 ноября" and stage.activities[1].deadline_end is None


def test_upload_docx_fills_the_text_area_and_saves(world, curator_client):
    document = Document()
    document.add_paragraph("Дорожная карта на 2023 год")
    grid = document.add_table(rows=3, cols=3)
    for r, cells in enumerate([["Этап", "Мероприятия", "Сроки"], ["1. Старт", "Приказ", "май 2023"],
                               ["", "Совещание", "июнь 2023"]]):
        for c, text in enumerate(cells):
            grid.cell(r, c).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    response = curator_client.post("/admin/roadmaps/import", data={
        "organisation_id": world.org_a.id, "title": "Карта из Word", "preview": "1",
        "file": (io.BytesIO(buffer.getvalue()), "карта.docx")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert "1. Старт\tПриказ\tмай 2023" in html
    response = curator_client.post("/admin/roadmaps/import", data={
        "organisation_id": world.org_a.id, "title": "Карта из Word", "save": "1",
        "file": (io.BytesIO(buffer.getvalue()), "карта.docx")}, content_type="multipart/form-data")
    assert response.status_code == 302
    roadmap = db.session.scalar(sa.select(Roadmap).where(Roadmap.title == "Карта из Word"))
    assert [a.title for a in roadmap.stages[0].activities] == ["Приказ", "Совещание"]


def test_a_sample_roadmap_imports_whole(world, editor_client):
    text = sample_path("002").read_text(encoding="utf-8")
    response = editor_client.post("/admin/roadmaps/import", data={
        "organisation_id": world.org_b.id, "text": text, "save": "1"})
    assert response.status_code == 302
    roadmap = db.session.scalar(sa.select(Roadmap).where(Roadmap.organisation_id == world.org_b.id,
                                                         Roadmap.title.like("ДОРОЖНАЯ КАРТА%")))
    assert len(roadmap.stages) == 7 and sum(len(s.activities) for s in roadmap.stages) == 9
    people = roadmap.stages[4].activities[0].responsible
    assert people == "Куратор Латипов А.М; Наставник Баирханова А.Ю; Эпиева Л.А; Директор Гамзатов Б.М"


def test_nothing_is_saved_from_a_table_without_header(world, curator_client):
    before = (count(Roadmap), count(Stage))
    response = curator_client.post("/admin/roadmaps/import", data={
        "organisation_id": world.org_a.id, "text": "просто\tтекст\nбез\tзаголовка", "save": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Не найден заголовок таблицы" in html
    assert (count(Roadmap), count(Stage)) == before


def upload(client, world, data: bytes, name: str, action: str = "preview", **fields):
    return client.post("/admin/roadmaps/import", data={
        "organisation_id": world.org_a.id, action: "1", "file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data")


def test_binary_upload_is_refused_with_a_message(world, curator_client):
    response = upload(curator_client, world, b"\x00\x01\x02" * 100, "scan.txt", "save")
    assert "двоичные данные" in response.get_data(as_text=True)
    # Named .pdf, the same bytes are a broken PDF (issue 23: PDFs are read now).
    response = upload(curator_client, world, b"\x00\x01\x02" * 100, "scan.pdf", "save")
    assert "Не удалось открыть PDF" in response.get_data(as_text=True)


PDF_ROWS = [["№", "Мероприятия", "Сроки", "Ответственные"],
            ["1. Подготовительный этап"],
            ["1.1", "Приказ о внедрении целевой модели", "сентябрь 2024", "Директор"],
            ["1.2", "Анкетирование наставляемых", "", "Куратор"]]


def roadmap_pdf() -> bytes:
    """A ruled table whose deadline cell is drawn over the rows of 1.1 and 1.2 (a merge the PDF shows)."""
    from pathlib import Path

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(TTFont("DejaVu", str(Path(__file__).resolve().parents[1] / "data" / "fonts" /
                                                 "DejaVuSans.ttf")))
    style = ParagraphStyle("cell", fontName="DejaVu", fontSize=9, leading=11)
    data = [[Paragraph(c, style) if c else "" for c in row] + [""] * (4 - len(row)) for row in PDF_ROWS]
    table = Table(data, colWidths=[40, 250, 100, 120])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)), ("SPAN", (0, 1), (-1, 1)),
                               ("SPAN", (2, 2), (2, 3))]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build([Paragraph("Дорожная карта МБОУ «СОШ № 7» на 2024 – 2025 учебный год", style),
                                     table])
    return buffer.getvalue()


def test_upload_pdf_previews_marks_the_merged_cell_and_saves(world, curator_client):
    data = roadmap_pdf()
    html = upload(curator_client, world, data, "карта.pdf").get_data(as_text=True)
    assert "этапов: 1, мероприятий: 2" in html
    assert "1.1\tПриказ о внедрении целевой модели\tсентябрь 2024\tДиректор" in html  # text to correct
    assert 'class="unsure"' in html and "объединённая ячейка: срок взят из строки выше" in html
    assert "ячеек, в которых разбор не уверен: 2" in html  # the stage row without cells, the merged deadline
    response = upload(curator_client, world, data, "карта.pdf", "save", title="Карта из PDF")
    assert response.status_code == 302
    roadmap = db.session.scalar(sa.select(Roadmap).where(Roadmap.title == "Карта из PDF"))
    assert [(a.number, a.deadline_text) for a in roadmap.stages[0].activities] == [
        ("1.1", "сентябрь 2024"), ("1.2", "сентябрь 2024")]


def test_pasted_empty_deadline_is_marked_for_checking(world, curator_client):
    text = PASTE.replace("до 31 ноября", "")
    html = curator_client.post("/admin/roadmaps/import", data={
        "organisation_id": world.org_a.id, "text": text, "preview": "1"}).get_data(as_text=True)
    assert "Проверьте: ячейка пуста; выше — «сентябрь»" in html
    assert "Строка 5: Срок не указан" in html


def test_old_word_and_opendocument_files_are_refused_with_how_to_save_as_docx(world, curator_client):
    import zipfile

    odt = io.BytesIO()
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    for data, name, kind in [(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "карта.doc", "Word 97–2003"),
                             (odt.getvalue(), "карта.odt", "OpenDocument")]:
        before = count(Roadmap)
        html = upload(curator_client, world, data, name, "save").get_data(as_text=True)
        assert kind in html and "Документ Word (.docx)" in html, name
        assert count(Roadmap) == before


def test_empty_import_asks_for_a_file_or_text(world, curator_client):
    html = curator_client.post("/admin/roadmaps/import", data={
        "organisation_id": world.org_a.id, "preview": "1"}).get_data(as_text=True)
    assert "Загрузите файл или вставьте таблицу." in html


def test_reimport_asks_before_replacing_and_then_replaces(world, curator_client):
    roadmap = world.rows[("roadmaps", "a")]
    roadmap_id = roadmap.id
    response = curator_client.post(f"/admin/roadmaps/{roadmap_id}/import", data={"text": PASTE, "save": "1"})
    assert "Отметьте, что этапы и мероприятия этой дорожной карты нужно заменить" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [s.title for s in db.session.get(Roadmap, roadmap_id).stages] == ["Этап A"]

    response = curator_client.post(f"/admin/roadmaps/{roadmap_id}/import",
                                   data={"text": PASTE, "save": "1", "replace": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [s.title for s in db.session.get(Roadmap, roadmap_id).stages] == ["Подготовительный этап"]
    assert count(Activity) == 1 + 2  # roadmap B keeps its activity; A's old one is gone


def test_curator_cannot_import_into_another_organisation(world, curator_client):
    roadmap_b = world.rows[("roadmaps", "b")]
    assert curator_client.post(f"/admin/roadmaps/{roadmap_b.id}/import",
                               data={"text": PASTE, "save": "1", "replace": "y"}).status_code == 404
    response = curator_client.post("/admin/roadmaps/import", data={
        "organisation_id": world.org_b.id, "text": PASTE, "save": "1"})
    assert "Неверный вариант" in response.get_data(as_text=True)


def test_exports_download_with_the_right_types(world, curator_client):
    activity = world.rows[("activities", "a")]
    activity.deadline_start, activity.deadline_end = activity.deadline_end, None
    from datetime import date
    activity.deadline_start, activity.deadline_end = date(2025, 11, 1), date(2025, 11, 30)
    db.session.commit()
    roadmap = world.rows[("roadmaps", "a")]
    docx = curator_client.get(f"/admin/roadmaps/{roadmap.id}/export.docx")
    assert docx.status_code == 200 and docx.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in docx.headers["Content-Disposition"]
    text = "\n".join(cell.text for row in Document(io.BytesIO(docx.data)).tables[0].rows for cell in row.cells)
    assert "Мероприятие A" in text
    ics = curator_client.get(f"/admin/roadmaps/{roadmap.id}/export.ics")
    assert ics.mimetype == "text/calendar"
    events = Calendar.from_ical(ics.data).walk("VEVENT")
    assert len(events) == 1 and str(events[0]["SUMMARY"]) == "1.1 Мероприятие A"


def test_stage_and_activity_move_up_and_down(world, curator_client):
    roadmap = world.rows[("roadmaps", "a")]
    stage = world.rows[("stages", "a")]
    second = Stage(roadmap_id=roadmap.id, title="Второй этап", position=20)
    extra = Activity(stage_id=stage.id, title="Второе мероприятие", position=20)
    db.session.add_all([second, extra])
    db.session.commit()
    curator_client.post(f"/admin/stages/{second.id}/move", data={"direction": "up"})
    curator_client.post(f"/admin/activities/{extra.id}/move", data={"direction": "up"})
    db.session.expire_all()
    roadmap = db.session.get(Roadmap, roadmap.id)
    assert [s.title for s in roadmap.stages] == ["Второй этап", "Этап A"]
    assert [a.title for a in db.session.get(Stage, stage.id).activities] == ["Второе мероприятие", "Мероприятие A"]
    curator_client.post(f"/admin/stages/{second.id}/move", data={"direction": "up"})  # already first: stays
    db.session.expire_all()
    assert db.session.get(Roadmap, roadmap.id).stages[0].title == "Второй этап"


def test_activity_evidence_and_moving_to_another_stage(world, curator_client):
    roadmap = world.rows[("roadmaps", "a")]
    other = Stage(roadmap_id=roadmap.id, title="Другой этап", position=20)
    db.session.add(other)
    db.session.commit()
    activity = world.rows[("activities", "a")]
    news = world.rows[("news", "a")]
    response = curator_client.post(f"/admin/activities/{activity.id}/edit", data={
        "stage_id": other.id, "number": "2.1", "title": "Мероприятие A", "status": "done",
        "evidence_news_id": news.id, "evidence_url": "https://school.example.org/report"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Activity, activity.id)
    assert (saved.stage_id, saved.evidence_news_id, saved.evidence_url) == (
        other.id, news.id, "https://school.example.org/report")
    html = curator_client.get(f"/admin/roadmaps/{roadmap.id}/edit").get_data(as_text=True)
    assert "подтверждение:" in html and f"/admin/news/{news.id}/edit" in html


def test_activity_evidence_cannot_point_at_another_organisations_news_or_stage(world, curator_client):
    activity = world.rows[("activities", "a")]
    response = curator_client.post(f"/admin/activities/{activity.id}/edit", data={
        "stage_id": world.rows[("stages", "b")].id, "title": "Мероприятие A", "status": "done",
        "evidence_news_id": world.rows[("news", "b")].id})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.count("Неверный вариант") == 2


def test_overdue_cannot_be_chosen_by_hand(world, curator_client):
    activity = world.rows[("activities", "a")]
    html = curator_client.get(f"/admin/activities/{activity.id}/edit").get_data(as_text=True)
    assert 'value="overdue"' not in html
    response = curator_client.post(f"/admin/activities/{activity.id}/edit", data={
        "stage_id": activity.stage_id, "title": "Мероприятие A", "status": "overdue"})
    assert "Неверный вариант" in response.get_data(as_text=True)


def test_uploaded_text_keeps_its_lines_so_warnings_point_at_them(world, curator_client):
    data = PASTE.encode("cp1251")
    html = curator_client.post("/admin/roadmaps/import", data={
        "organisation_id": world.org_a.id, "preview": "1", "file": (io.BytesIO(data), "карта.txt")},
        content_type="multipart/form-data").get_data(as_text=True)
    textarea = html.split("<textarea", 1)[1].split("</textarea>", 1)[0]
    assert textarea.split(">", 1)[1].strip().splitlines()[4] == "1.2\tАнкетирование наставляемых\tдо 31 ноября\tКуратор"
    assert "Строка 5:" in html
