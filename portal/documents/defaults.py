"""The default template of each kind, made in code with python-docx so that it is reviewed as code: A4, Times New
Roman 14, the organisation's requisites on top, Jinja tags that docxtpl fills. An organisation downloads one,
edits it in Word and uploads it back."""
from __future__ import annotations

import io
from functools import cache

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"


class Sheet:
    """A document being written: paragraphs, tables with a repeated row, a signature."""

    def __init__(self) -> None:
        self.document = Document()
        style = self.document.styles["Normal"]
        style.font.name, style.font.size = FONT, Pt(14)
        style.paragraph_format.space_after = Pt(0)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):  # Cyrillic comes from hAnsi or cs
            fonts.set(qn(attribute), FONT)
        section = self.document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        section.top_margin = section.bottom_margin = Mm(20)

    def requisites(self) -> "Sheet":
        self.line("{{ организация.название }}", bold=True, center=True)
        self.line("{{ организация.реквизиты }}", center=True, size=11)
        self.line("", center=True)
        return self

    def line(self, text: str, *, bold: bool = False, center: bool = False, right: bool = False,
             size: int | None = None, indent: bool = False, before: int = 0) -> "Sheet":
        paragraph = self.document.add_paragraph()
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            paragraph.paragraph_format.first_line_indent = Mm(12.5)
        if before:
            paragraph.paragraph_format.space_before = Pt(before)
        run = paragraph.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        return self

    def text(self, text: str) -> "Sheet":
        return self.line(text, indent=True)

    def title(self, text: str) -> "Sheet":
        return self.line(text, bold=True, center=True, before=12)

    def table(self, headers: list[str], cells: list[str], loop: str, widths: list[int] | None = None) -> "Sheet":
        """A table: the header row, then one row per item of `loop` («пара in пары»)."""
        table = self.document.add_table(rows=4, cols=len(headers))
        table.style = "Table Grid"
        for index, header in enumerate(headers):
            table.rows[0].cells[index].text = header
            table.rows[0].cells[index].paragraphs[0].runs[0].bold = True
            table.rows[2].cells[index].text = cells[index]
        table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
        table.rows[3].cells[0].text = "{%tr endfor %}"
        for row in table.rows:
            for index, cell in enumerate(row.cells):
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(12)
                if widths:
                    cell.width = Mm(widths[index])
        self.line("")
        return self

    def signature(self, left: str, right: str) -> "Sheet":
        return self.line(f"{left}\t\t______________ {right}", before=24)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def order_heading(sheet: Sheet, title: str, number: str = "№ {{ приказ.номер }}",
                  dated: str = "{{ приказ.дата_прописью }}") -> Sheet:
    return (sheet.requisites().title("ПРИКАЗ").line(f"{dated}\t\t\t\t\t{number}", center=True)
            .line("{{ организация.муниципалитет }}", center=True, size=12).title(title))


HEAD = ("{{ организация.должность_руководителя }}", "{{ организация.руководитель }}")


def pairing_order() -> bytes:
    sheet = order_heading(Sheet(), "О закреплении наставнических пар (групп)")
    sheet.text("В соответствии с Положением о наставничестве{% if программа.название %} и программой "
               "наставничества «{{ программа.название }}»{% endif %}, в целях реализации целевой модели "
               "наставничества")
    sheet.line("ПРИКАЗЫВАЮ:", bold=True, before=6)
    sheet.text("1. Закрепить наставнические пары (группы) в следующем составе:")
    sheet.table(["№", "Наставник", "Наставляемые", "Форма наставничества", "Срок"],
                ["{{ пара.номер }}", "{{ пара.наставник }}{% if пара.должность_наставника %}, "
                 "{{ пара.должность_наставника }}{% endif %}", "{{ пара.наставляемые }}", "{{ пара.форма }}",
                 "{{ пара.начало }}{% if пара.окончание %} – {{ пара.окончание }}{% endif %}"],
                "пара in пары", [10, 50, 50, 35, 30])
    sheet.text("2. Наставникам составить индивидуальные планы развития наставляемых и вести журналы встреч.")
    sheet.text("3. Контроль за исполнением приказа оставляю за собой.")
    return sheet.signature(*HEAD).line("С приказом ознакомлены: ____________________", before=12).bytes()


def program_order() -> bytes:
    sheet = order_heading(Sheet(), "Об утверждении программы наставничества и дорожной карты",
                          number="№ ________", dated="«___» ____________ 20__ г.")
    sheet.text("В целях внедрения целевой модели наставничества (распоряжение Минпросвещения России "
               "от 25.12.2019 № Р-145)")
    sheet.line("ПРИКАЗЫВАЮ:", bold=True, before=6)
    sheet.text("1. Утвердить программу наставничества «{{ программа.название }}» (форма наставничества: "
               "{{ программа.форма }}) на срок с {{ программа.начало }}{% if программа.окончание %} по "
               "{{ программа.окончание }}{% endif %}.")
    sheet.text("2. Утвердить дорожную карту «{{ дорожная_карта.название }}»{% if дорожная_карта.период %} на "
               "{{ дорожная_карта.период }}{% endif %} (приложение).")
    sheet.text("3. Контроль за исполнением приказа оставляю за собой.")
    sheet.signature(*HEAD)
    sheet.title("Приложение. Дорожная карта")
    sheet.table(["№", "Этап", "Мероприятие", "Сроки", "Ответственные", "Результат"],
                ["{{ мероприятие.номер }}", "{{ мероприятие.этап }}", "{{ мероприятие.название }}",
                 "{{ мероприятие.сроки }}", "{{ мероприятие.ответственные }}", "{{ мероприятие.результат }}"],
                "мероприятие in мероприятия", [12, 30, 45, 25, 28, 35])
    return sheet.bytes()


def _pair_facts(sheet: Sheet) -> Sheet:
    return (sheet.line("Наставник: {{ наставник.фио }}{% if наставник.должность %}, {{ наставник.должность }}"
                       "{% endif %}")
            .line("Наставляемые: {{ наставляемые_фио }}")
            .line("Форма наставничества: {{ пара.форма }}")
            .line("{% if программа.название %}Программа: {{ программа.название }}{% endif %}")
            .line("Приказ о закреплении: № {{ пара.приказ_номер }} от {{ пара.приказ_дата }}"))


def development_plan() -> bytes:
    sheet = Sheet().requisites().title("ИНДИВИДУАЛЬНЫЙ ПЛАН РАЗВИТИЯ")
    _pair_facts(sheet).line("Срок: {{ пара.начало }}{% if пара.окончание %} – {{ пара.окончание }}{% endif %}")
    sheet.line("")
    sheet.table(["№", "Цель, задача", "Срок", "Отметка о выполнении"],
                ["{{ цель.номер }}", "{{ цель.цель }}", "{{ цель.срок }}", "{{ цель.отметка }}"],
                "цель in цели", [10, 100, 30, 35])
    sheet.line("{% if итоги %}Результаты: {{ итоги }}{% endif %}")
    return (sheet.signature("Наставник", "{{ наставник.фио }}")
            .signature("Наставляемый", "{{ наставляемые_фио }}").bytes())


def mentor_journal() -> bytes:
    sheet = Sheet().requisites().title("ЖУРНАЛ НАСТАВНИКА")
    _pair_facts(sheet).line("Период: {{ период.описание }}").line("")
    sheet.table(["№", "Дата", "Вид встречи", "Содержание"],
                ["{{ встреча.номер }}", "{{ встреча.дата }}", "{{ встреча.вид }}", "{{ встреча.содержание }}"],
                "встреча in встречи", [10, 28, 35, 102])
    sheet.line("Всего встреч: {{ встреч_всего }}")
    return sheet.signature("Наставник", "{{ наставник.фио }}").bytes()


def consent() -> bytes:
    sheet = Sheet().title("СОГЛАСИЕ НА ОБРАБОТКУ ПЕРСОНАЛЬНЫХ ДАННЫХ")
    sheet.text("{% if несовершеннолетний %}Я, {% if представитель %}{{ представитель }}{% else %}"
               "______________________________________{% endif %}, являясь законным представителем "
               "несовершеннолетнего {{ субъект.фио }}, {{ субъект.дата_рождения }} г. р.,{% else %}Я, "
               "{{ субъект.фио }},{% endif %} паспорт серия ______ № ____________ выдан "
               "______________________________________, в соответствии со статьёй 9 Федерального закона "
               "от 27.07.2006 № 152-ФЗ «О персональных данных» даю согласие {{ организация.название }} "
               "({{ организация.адрес }}) на обработку персональных данных{% if несовершеннолетний %} моего "
               "ребёнка{% endif %}: фамилия, имя, отчество; {% if несовершеннолетний %}дата рождения; класс; "
               "{% else %}должность; {% endif %}контактные данные; сведения об участии в программе "
               "наставничества — в целях организации наставничества, ведения реестров наставников и "
               "наставляемых, мониторинга целевой модели наставничества.")
    sheet.text("Согласие действует до его отзыва и может быть отозвано письменным заявлением.")
    sheet.signature("«___» ____________ 20__ г.", "(подпись)")
    sheet.title("СОГЛАСИЕ НА ОБРАБОТКУ ПЕРСОНАЛЬНЫХ ДАННЫХ, РАЗРЕШЁННЫХ ДЛЯ РАСПРОСТРАНЕНИЯ")
    sheet.text("В соответствии со статьёй 10.1 Федерального закона № 152-ФЗ даю согласие "
               "{{ организация.название }} на распространение (публикацию на сайте портала наставничества) "
               "следующих персональных данных{% if несовершеннолетний %} моего ребёнка{% endif %} "
               "{{ субъект.фио }} — отметьте разрешённое:")
    sheet.table(["Персональные данные", "Разрешаю (да / нет)"], ["{{ данные.название }}", ""],
                "данные in публикуемые_данные", [110, 60])
    sheet.line("{% if несовершеннолетний %}Имя несовершеннолетнего на сайте не публикуется, даже при согласии."
               "{% endif %}", size=11)
    sheet.text("Контактные данные не распространяются. Согласие действует до его отзыва.")
    return sheet.signature("«___» ____________ 20__ г.", "(подпись)").bytes()


def curator_report() -> bytes:
    sheet = Sheet().requisites().title("ОТЧЁТ КУРАТОРА О РЕАЛИЗАЦИИ ПРОГРАММЫ НАСТАВНИЧЕСТВА")
    sheet.line("за период {{ период.описание }}", center=True).line("")
    sheet.text("Наставников: {{ показатели.наставников }}; наставляемых: {{ показатели.наставляемых }}; "
               "наставнических пар и групп: {{ показатели.пар }}.")
    sheet.text("Доля обучающихся, вовлечённых в наставничество: {{ показатели.доля_обучающихся }} %; доля "
               "педагогов: {{ показатели.доля_педагогов }} %. Удовлетворённость участников: "
               "{{ показатели.удовлетворённость }} из 10. Опубликовано кейсов: {{ показатели.кейсов }}. "
               "Выполнение дорожной карты: {{ показатели.дорожная_карта }} %.")
    sheet.title("Формы наставничества")
    sheet.table(["Форма", "Наставников", "Наставляемых", "Пар"],
                ["{{ форма.название }}", "{{ форма.наставников }}", "{{ форма.наставляемых }}", "{{ форма.пар }}"],
                "форма in формы")
    sheet.title("Программы: встречи и планы развития")
    sheet.table(["Программа", "Пар", "Встреч за период", "Целей", "Выполнено"],
                ["{{ программа.название }}", "{{ программа.пар }}", "{{ программа.встреч }}",
                 "{{ программа.целей }}", "{{ программа.выполнено }}"], "программа in программы")
    sheet.title("Дорожная карта")
    sheet.table(["Дорожная карта", "Мероприятий", "Выполнено", "Просрочено", "%"],
                ["{{ карта.название }}", "{{ карта.всего }}", "{{ карта.выполнено }}", "{{ карта.просрочено }}",
                 "{{ карта.процент }}"], "карта in дорожные_карты")
    return sheet.signature("Куратор", "").line("{{ сегодня }}").bytes()


def thank_you_letter() -> bytes:
    sheet = Sheet().requisites()
    sheet.line("БЛАГОДАРСТВЕННОЕ ПИСЬМО", bold=True, center=True, size=22, before=24)
    sheet.line("Уважаемый(ая) {{ ФИО }}!", bold=True, center=True, before=12)
    sheet.text("Выражаем Вам искреннюю благодарность за работу наставником {{ Программа }} в {{ Год }} году: за "
               "щедрость, с которой Вы передаёте опыт, за терпение и поддержку наставляемых.")
    sheet.text("Благодаря Вам наставничество в {{ Организация }} становится доброй традицией.")
    sheet.text("Желаем Вам новых профессиональных успехов и благодарных учеников!")
    return sheet.signature("{{ Подписант }}", "").line("{{ Год }} год", right=True).bytes()


MAKERS = {"pairing_order": pairing_order, "program_order": program_order, "development_plan": development_plan,
          "mentor_journal": mentor_journal, "consent": consent, "curator_report": curator_report,
          "thank_you_letter": thank_you_letter}


@cache
def default_template(code: str) -> bytes:
    return MAKERS[code]()
