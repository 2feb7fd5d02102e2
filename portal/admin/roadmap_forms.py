"""Forms of the roadmap pages: the roadmap, its stages and activities, and the import."""
from __future__ import annotations

from wtforms import BooleanField, DateField, FileField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import URL, NumberRange, Optional

from portal.models import Status
from portal.roadmaps.progress import STORED_STATUSES

from . import choices
from .forms import (
    BaseForm,
    OrganisationChoiceMixin,
    _not_before,
    _publish_at_field,
    _slug_field,
    _zero_if_empty,
    max_len,
    optional_int,
    options,
    required,
    validate_slug_format,
)

class RoadmapForm(OrganisationChoiceMixin, BaseForm):
    markdown_fields = ("description_md",)
    organisation_id = SelectField("Организация", [required()], coerce=optional_int)
    title = StringField("Название", [required(), max_len(400)])
    slug = _slug_field()
    period = StringField("Период", [Optional(), max_len(100)], description="Например: 2023–2024 учебный год")
    year = IntegerField("Год начала", [Optional(), NumberRange(2000, 2100, "Год от 2000 до 2100.")])
    status = SelectField("Статус", choices=options(Status.choices()))
    publish_at = _publish_at_field()
    description_md = TextAreaField("Описание", [Optional(), max_len(20000)])

    validate_slug = validate_slug_format


class StageForm(BaseForm):
    number = StringField("Номер", [Optional(), max_len(20)], description="Как в документе: 1, I, 2.")
    title = StringField("Наименование этапа", [required(), max_len(500)])
    goal = TextAreaField("Задача", [Optional(), max_len(5000)])
    result = TextAreaField("Результат", [Optional(), max_len(5000)])
    position = IntegerField("Порядок", [Optional(), NumberRange(0, 10000)], default=0, filters=[_zero_if_empty])


class ActivityForm(BaseForm):
    stage_id = SelectField("Этап", coerce=optional_int)
    number = StringField("Номер", [Optional(), max_len(20)])
    title = TextAreaField("Мероприятие", [required(), max_len(2000)])
    details = TextAreaField("Содержание деятельности", [Optional(), max_len(10000)])
    deadline_text = StringField("Сроки (как в документе)", [Optional(), max_len(300)],
                                description="Например: «ноябрь 2022», «в течение года», «ежемесячно».")
    deadline_start = DateField("Начало", [Optional()])
    deadline_end = DateField("Окончание", [Optional(), _not_before("deadline_start",
                                                                    "Окончание раньше начала.")])
    responsible = TextAreaField("Ответственные", [Optional(), max_len(2000)])
    expected_result = TextAreaField("Ожидаемый результат", [Optional(), max_len(5000)])
    status = SelectField("Выполнение", choices=options((s.value, s.label) for s in STORED_STATUSES),
                         description="«Просрочено» ставится само, когда срок окончания прошёл.")
    evidence_url = StringField("Подтверждение: ссылка", [Optional(), max_len(500),
                                                        URL(message="Укажите адрес полностью: https://…")])
    evidence_news_id = SelectField("Подтверждение: новость", [Optional()], coerce=optional_int)
    evidence_case_id = SelectField("Подтверждение: кейс", [Optional()], coerce=optional_int)
    position = IntegerField("Порядок", [Optional(), NumberRange(0, 10000)], default=0, filters=[_zero_if_empty])

    def setup_for(self, roadmap) -> None:
        """Choices from the roadmap: its stages, and the news and cases of its organisation."""
        self.stage_id.choices = options((stage.id, str(stage)) for stage in roadmap.stages)
        self.evidence_news_id.choices = options([("", "— нет —")] + choices.news_of(roadmap.organisation_id))
        self.evidence_case_id.choices = options([("", "— нет —")] + choices.cases_of(roadmap.organisation_id))


class RoadmapImportForm(OrganisationChoiceMixin, BaseForm):
    organisation_id = SelectField("Организация", [required()], coerce=optional_int)
    title = StringField("Название", [Optional(), max_len(400)],
                        description="Оставьте пустым, чтобы взять название из документа.")
    file = FileField("Файл .docx, .pdf или .txt")
    text = TextAreaField("Или вставьте таблицу", [Optional(), max_len(2_000_000)],
                         description="Скопируйте таблицу из Word или PDF целиком, с заголовком.")
    year = IntegerField("Год документа", [Optional(), NumberRange(2000, 2100, "Год от 2000 до 2100.")],
                        description="Нужен, если в сроках нет года («до 10 декабря») и в документе его не найти.")
    replace = BooleanField("Заменить этапы и мероприятия этой дорожной карты")
