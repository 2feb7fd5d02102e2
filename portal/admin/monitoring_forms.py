"""Forms of monitoring: questionnaires and questions, pairing journals, recognition and letters."""
from __future__ import annotations

from datetime import date

from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional, ValidationError

from portal.models import MeetingKind, QuestionKind, QuestionnaireAudience, QuestionnaireStage
from portal.models.monitoring import CHOICE_KINDS
from portal.monitoring.letters import DEFAULT_TEXT, PLACEHOLDERS, unknown_placeholders
from portal.monitoring.questionnaires import TEMPLATES

from . import choices
from .forms import (
    BaseForm,
    MultiCheckboxField,
    OrganisationChoiceMixin,
    _not_before,
    max_len,
    optional_int,
    options,
    required,
)

MAX_OPTIONS, MAX_OPTION_LENGTH = 50, 300


class QuestionnaireForm(OrganisationChoiceMixin, BaseForm):
    organisation_optional = True
    organisation_id = SelectField("Организация", coerce=optional_int)
    program_id = SelectField("Программа", [Optional()], coerce=optional_int,
                             description="Необязательно: анкета участников одной программы наставничества.")
    title = StringField("Название", [required(), max_len(400)])
    intro = TextAreaField("Вступление", [Optional(), max_len(3000)],
                          description="Что увидит участник над вопросами: зачем анкета и что она анонимная.")
    audience = SelectField("Кто отвечает", choices=options(QuestionnaireAudience.choices()))
    stage = SelectField("Этап", choices=options(QuestionnaireStage.choices()))
    opens_on = DateField("Принимать ответы с", [Optional()])
    closes_on = DateField("Принимать ответы по", [Optional(), _not_before("opens_on", "Окончание раньше начала.")],
                          description="Включительно. После этой даты ссылка покажет, что приём ответов завершён.")
    publish_results = BooleanField("Показывать итоги на сайте",
                                   description="Только сводные цифры и только когда ответов достаточно для "
                                               "анонимности; свободные ответы на сайт не попадают никогда.")

    def setup(self, user) -> None:
        super().setup(user)
        self.program_id.choices = options([("", "— без программы —")] + choices.programs(user))

    def validate_program_id(self, field):
        if field.errors or not field.data:
            return
        if not choices.program_belongs_to(field.data, self.organisation_id.data):
            raise ValidationError("Программа принадлежит другой организации.")


class TemplateForm(OrganisationChoiceMixin, BaseForm):
    organisation_optional = True
    template = SelectField("Шаблон", choices=options((key, t.title) for key, t in TEMPLATES.items()))
    organisation_id = SelectField("Организация", coerce=optional_int)


class QuestionForm(BaseForm):
    text = TextAreaField("Вопрос", [required(), max_len(1000)])
    kind = SelectField("Тип ответа", choices=options(QuestionKind.choices()))
    required = BooleanField("Обязательный вопрос", default=True)
    options = TextAreaField("Варианты ответа", [Optional(), max_len(MAX_OPTIONS * (MAX_OPTION_LENGTH + 1))],
                            description="Для выбора из списка: каждый вариант с новой строки.")
    position = IntegerField("Порядок", [Optional(), NumberRange(0, 100_000)],
                            description="Вопросы идут по возрастанию. Пусто — в конец анкеты.")

    def validate_options(self, field):
        if self.kind.data not in CHOICE_KINDS:
            return
        lines = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
        if len(lines) < 2:
            raise ValidationError("Для выбора из списка нужно хотя бы два варианта, каждый с новой строки.")
        if len(lines) > MAX_OPTIONS:
            raise ValidationError(f"Не больше {MAX_OPTIONS} вариантов.")
        if any(len(line) > MAX_OPTION_LENGTH for line in lines):
            raise ValidationError(f"Вариант не длиннее {MAX_OPTION_LENGTH} символов.")
        if len({line.casefold() for line in lines}) != len(lines):
            raise ValidationError("Варианты повторяются: оставьте каждый один раз.")


class MeetingForm(BaseForm):
    held_on = DateField("Дата встречи", [required()])
    kind = SelectField("Вид встречи", choices=options(MeetingKind.choices()))
    notes = TextAreaField("Заметки", [Optional(), max_len(5000)],
                          description="Что обсуждали, о чём договорились. Без лишних персональных данных.")

    def validate_held_on(self, field):
        if field.data and not date(2000, 1, 1) <= field.data <= date(2100, 12, 31):
            raise ValidationError("Проверьте год.")


class GoalForm(BaseForm):
    title = TextAreaField("Цель или задача плана", [required(), max_len(500)])
    deadline = DateField("Срок", [Optional()])
    done = BooleanField("Выполнено")


class AwardForm(BaseForm):
    year = IntegerField("Год", [required(), NumberRange(2000, 2100, "Год от 2000 до 2100.")])
    title = StringField("Звание", [Optional(), max_len(200)], default="Лучший наставник года")


class LettersForm(BaseForm):
    person_ids = MultiCheckboxField("Кому", coerce=int)
    year = IntegerField("Год", [required(), NumberRange(2000, 2100, "Год от 2000 до 2100.")])
    signatory = StringField("Подписант", [required(), max_len(300)],
                            description="Должность и ФИО, например: Начальник управления образования И. С. Ковалёва.")
    text = TextAreaField("Текст письма", [required(), max_len(5000)], default=DEFAULT_TEXT,
                         description="Подстановки: " + ", ".join(PLACEHOLDERS) + ".")

    def validate_text(self, field):
        unknown = unknown_placeholders(field.data or "")
        if unknown:
            raise ValidationError("Неизвестные подстановки: " + ", ".join(unknown) + ". Можно: "
                                  + ", ".join(PLACEHOLDERS) + ".")

    def validate_person_ids(self, field):
        if not field.errors and not field.data:
            raise ValidationError("Отметьте хотя бы одного наставника.")
