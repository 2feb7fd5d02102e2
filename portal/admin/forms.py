"""Forms of the admin (Flask-WTF: CSRF on every form). Every message a user reads is in Russian.

Choices that depend on who is logged in (organisations, persons, programs) are filled by ``setup(user)``.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DateTimeLocalField, EmailField, IntegerField, PasswordField, SelectChoice,
                     SelectField, SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, URL, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal import slugs, text
from portal.accounts import MIN_PASSWORD, password_problems
from portal.registries.tags import normalise_tags
from portal.models import (ConsentKind, EventKind, MentoringForm, OrganisationCluster, OrganisationKind, PageKind,
                           PairingStatus, PersonCategory, PublicField, Role, Signatory, Status, UserRole)

from . import choices, select_widget


def required():
    return InputRequired(message="Заполните это поле.")


def max_len(n: int):
    return Length(max=n, message=f"Не длиннее {n} символов.")


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms options."""
    return [SelectChoice(value, label) for value, label in pairs]


def _zero_if_empty(value):
    return 0 if value is None else value


def optional_int(value):
    return None if value in (None, "", "None") else int(value)


class BaseForm(FlaskForm):
    class Meta:
        locales = ["ru"]  # WTForms' built-in Russian messages for what we do not word ourselves

        def bind_field(self, form, unbound_field, options):
            # Every field drops control characters (pasted from Word or PDF) and ends its lines as the database does.
            filters = [text.strip_control_characters, text.normalise_newlines, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, filters=filters, **options)

        render_field = select_widget.render_field  # <select> fields rendered faster, the same markup

    markdown_fields: tuple[str, ...] = ()

    def setup(self, user) -> None:
        """Fill the choices that depend on the user."""


class OrganisationChoiceMixin:
    """An ``organisation_id`` select limited to the organisations the user may work with."""

    organisation_optional = False

    def setup(self, user) -> None:
        pairs = choices.organisations(user)
        if self.organisation_optional and choices.may_leave_organisation_empty(user):
            pairs = [("", "— все организации (муниципальный уровень) —")] + pairs
        self.organisation_id.choices = options(pairs)


def _publish_at_field():
    return DateTimeLocalField("Опубликовать не раньше", [Optional()], format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                              description="Необязательно. Со статусом «Опубликовано» запись появится на сайте при первой "
                                          "публикации после этого времени (местное время).")


def _slug_field():
    return StringField(
        "Адрес на сайте",
        [Optional(), max_len(slugs.MAX_LENGTH)],
        description="Латиница, цифры и дефисы. Оставьте пустым, чтобы получить адрес из названия.",
        filters=[lambda v: v.strip().lower() if v else v],
    )


def validate_slug_format(form, field):
    if field.data and not slugs.is_valid(field.data):
        raise ValidationError("Только строчные латинские буквы, цифры и дефисы, например: luchshiy-tandem-2023.")
    if field.data in slugs.RESERVED:
        raise ValidationError(f"Адрес «{field.data}» занят разделом сайта, выберите другой.")


def _not_before(start_field: str, message: str):
    def check(form, field):
        start = getattr(form, start_field).data
        if field.data and start and field.data < start:
            raise ValidationError(message)
    return check


class OrganisationForm(BaseForm):
    markdown_fields = ("description_md",)
    name = StringField("Полное наименование", [required(), max_len(300)])
    short_name = StringField("Краткое наименование", [required(), max_len(120)])
    slug = _slug_field()
    kind = SelectField("Тип", choices=options(OrganisationKind.choices()))
    municipality = StringField("Муниципалитет", [Optional(), max_len(200)])
    address = StringField("Адрес", [Optional(), max_len(300)])
    website = StringField("Сайт", [Optional(), max_len(300), URL(message="Укажите адрес сайта полностью: https://…")])
    email = EmailField("Электронная почта", [Optional(), max_len(200), Email(message="Неверный адрес почты.")])
    phone = StringField("Телефон", [Optional(), max_len(60)])
    head_position = StringField("Должность руководителя", [Optional(), max_len(200)],
                                description="Для приказов: «Директор», «Заведующий».")
    head_name = StringField("ФИО руководителя", [Optional(), max_len(300)], description="Подписывает приказы.")
    description_md = TextAreaField("Описание", [Optional(), max_len(20000)])
    pupils_count = IntegerField("Число обучающихся", [Optional(), NumberRange(0, 100_000)],
                                description="Для показателей мониторинга: доля обучающихся, вовлечённых в наставничество.")
    teachers_count = IntegerField("Число педагогов", [Optional(), NumberRange(0, 10_000)],
                                  description="Для показателей мониторинга: доля педагогов, вовлечённых в наставничество.")
    cluster = SelectField("Группа по образовательным результатам", [Optional()],
                          choices=options([("", "— не указана —")] + OrganisationCluster.choices()),
                          coerce=lambda v: OrganisationCluster(v) if v else None,
                          description="Фильтр в показателях мониторинга.")

    validate_slug = validate_slug_format


class CaseForm(OrganisationChoiceMixin, BaseForm):
    markdown_fields = ("body_md", "results_md")
    organisation_id = SelectField("Организация", [required()], coerce=optional_int)
    title = StringField("Название", [required(), max_len(400)])
    slug = _slug_field()
    mentoring_form = SelectField("Форма наставничества", choices=options(MentoringForm.choices()))
    tags_text = StringField("Теги", [Optional(), max_len(500)], description="Через запятую.")
    summary = TextAreaField("Кратко", [Optional(), max_len(1000)])
    body_md = TextAreaField("Описание практики", [Optional(), max_len(100000)])
    results_md = TextAreaField("Результаты", [Optional(), max_len(50000)])
    status = SelectField("Статус", choices=options(Status.choices()))
    publish_at = _publish_at_field()

    validate_slug = validate_slug_format

    def validate_tags_text(self, field):
        if any(len(tag) > 80 for tag in split_tags(field.data)):
            raise ValidationError("Тег не длиннее 80 символов.")


def split_tags(text: str | None) -> list[str]:
    seen: dict[str, str] = {}
    for raw in (text or "").split(","):
        tag = " ".join(raw.split())
        if tag and tag.lower() not in seen:
            seen[tag.lower()] = tag
    return list(seen.values())


class RussianSelectMultipleField(SelectMultipleField):
    """WTForms has no Russian for «'5' is not a valid choice for this field»."""

    def pre_validate(self, form):
        values = {choice.value for choice in self.choices or []}
        if self.data and any(value not in values for value in self.data):
            raise ValidationError("Выбран недоступный вариант: обновите страницу и выберите снова.")


class MultiCheckboxField(RussianSelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PersonForm(OrganisationChoiceMixin, BaseForm):
    organisation_id = SelectField("Организация", [required()], coerce=optional_int)
    full_name = StringField("ФИО", [required(), max_len(300)])
    roles = MultiCheckboxField("Роль", [InputRequired("Отметьте роль: наставник, наставляемый или обе.")],
                               choices=options(Role.choices()))
    category = SelectField("Категория", choices=options(PersonCategory.choices()))
    is_minor = BooleanField("Несовершеннолетний")
    position = StringField("Должность, класс или группа", [Optional(), max_len(300)])
    email = EmailField("Электронная почта", [Optional(), max_len(200), Email(message="Неверный адрес почты.")])
    phone = StringField("Телефон", [Optional(), max_len(60)])
    competencies = TextAreaField("Компетенции", [Optional(), max_len(5000)])
    tags = StringField("Теги для подбора (компетенции или запрос)", [Optional(), max_len(1000)], filters=[normalise_tags],
                       description="Через запятую: математика, подготовка к ЕГЭ. По ним подбираются пары.")
    capacity = IntegerField("Наставляемых одновременно", [Optional(), NumberRange(1, 30)], default=1, filters=[lambda v: v or 1])
    availability = StringField("Когда удобно встречаться", [Optional(), max_len(300)])
    achievements = TextAreaField("Достижения", [Optional(), max_len(5000)])
    mentoring_form = SelectField("Форма наставничества", [Optional()],
                                 choices=options([("", "— не указана —")] + MentoringForm.choices()),
                                 coerce=lambda v: MentoringForm(v) if v else None)
    joined_on = DateField("Дата вхождения в программу", [Optional()])
    birth_date = DateField("Дата рождения", [Optional()],
                           description="Нужна только для бланка согласия несовершеннолетнего; на сайт не попадает.")


class ConsentForm(BaseForm):
    kind = SelectField("Согласие", choices=options(ConsentKind.choices()))
    signed_on = DateField("Дата подписания", [required()])
    document = StringField("Где хранится бланк", [Optional(), max_len(200)],
                           description="Например: папка «Согласия 2026», лист 12.")
    signed_by = SelectField("Кто подписал", choices=options(Signatory.choices()),
                            description="За несовершеннолетнего подписывает законный представитель.")
    representative_name = StringField("ФИО законного представителя", [Optional(), max_len(300)])
    allowed_fields = MultiCheckboxField("Что разрешено публиковать", choices=options(PublicField.choices()),
                                        description="Только для согласия на распространение. Контакты публиковать нельзя.")

    def validate_allowed_fields(self, field):
        if self.kind.data == ConsentKind.PUBLICATION and not field.data:
            raise ValidationError("Отметьте, что разрешено публиковать.")

    def validate_representative_name(self, field):
        if self.signed_by.data == Signatory.REPRESENTATIVE and not field.data:
            raise ValidationError("Укажите ФИО законного представителя.")


class ProgramForm(OrganisationChoiceMixin, BaseForm):
    markdown_fields = ("description_md",)
    organisation_id = SelectField("Организация", [required()], coerce=optional_int)
    title = StringField("Название программы", [required(), max_len(400)])
    slug = _slug_field()
    mentoring_form = SelectField("Форма наставничества", choices=options(MentoringForm.choices()))
    starts_on = DateField("Начало", [Optional()])
    ends_on = DateField("Окончание", [Optional(), _not_before("starts_on", "Окончание раньше начала.")])
    description_md = TextAreaField("Описание", [Optional(), max_len(50000)])
    network_organisation_ids = RussianSelectMultipleField(
        "Сетевая программа: организации-участники", coerce=int,
        description="Для сетевого наставничества: наставники и наставляемые пар программы могут быть из этих "
                    "организаций. Несколько — с нажатой клавишей Ctrl (⌘ на Mac).")

    validate_slug = validate_slug_format

    def setup(self, user) -> None:
        super().setup(user)
        self.network_organisation_ids.choices = options(choices.all_organisations())


class PairingForm(OrganisationChoiceMixin, BaseForm):
    organisation_id = SelectField("Организация", [required()], coerce=optional_int)
    program_id = SelectField("Программа", [Optional()], coerce=optional_int)
    mentor_id = SelectField("Наставник", [required()], coerce=optional_int)
    mentee_ids = RussianSelectMultipleField("Наставляемые", [InputRequired("Выберите хотя бы одного наставляемого.")],
                                     coerce=int, description="Несколько — с нажатой клавишей Ctrl (⌘ на Mac).")
    mentoring_form = SelectField("Форма наставничества", choices=options(MentoringForm.choices()))
    order_number = StringField("Номер приказа о закреплении", [Optional(), max_len(60)])
    order_date = DateField("Дата приказа", [Optional()])
    starts_on = DateField("Начало", [Optional()])
    ends_on = DateField("Окончание", [Optional(), _not_before("starts_on", "Окончание раньше начала.")])
    status = SelectField("Состояние", choices=options(PairingStatus.choices()))
    result = TextAreaField("Результаты работы пары", [Optional(), max_len(5000)])
    case_id = SelectField("Кейс о работе пары", [Optional()], coerce=optional_int)

    def setup(self, user) -> None:
        super().setup(user)
        self.program_id.choices = options([("", "— без программы —")] + choices.programs(user))
        self.mentor_id.choices = options([("", "— выберите наставника —")] + choices.persons(user, Role.MENTOR))
        self.mentee_ids.choices = options(choices.persons(user, Role.MENTEE))
        self.case_id.choices = options([("", "— нет —")] + choices.cases_for(user))

    def keep_members(self, pairing) -> None:
        """The pairing's own mentor and mentees stay offered even if their role or organisation changed
        since: otherwise the next save would drop them without a word. A network pairing's people of another
        organisation are offered without their names («Наставляемый из …»)."""
        from flask_login import current_user

        from portal.registries.network import person_label

        present = {int(choice.value) for choice in self.mentee_ids.choices}
        self.mentee_ids.choices += options((p.id, person_label(current_user, p, Role.MENTEE))
                                           for p in pairing.mentees if p.id not in present)
        if pairing.mentor is not None and pairing.mentor_id not in {c.value for c in self.mentor_id.choices}:
            self.mentor_id.choices += options([(pairing.mentor_id,
                                                person_label(current_user, pairing.mentor, Role.MENTOR))])

    def validate_mentee_ids(self, field):
        if field.errors:
            return
        if self.mentor_id.data in (field.data or []):
            raise ValidationError("Наставник не может быть своим наставляемым.")
        if not choices.persons_belong_to(field.data or [], self._organisations()):
            raise ValidationError("Наставляемые должны быть из той же организации, что и пара, или из организаций "
                                  "её сетевой программы.")

    def validate_mentor_id(self, field):
        if field.errors or not field.data:
            return
        if not choices.mentor_may_serve(field.data, self._organisations()):
            raise ValidationError("Наставник должен быть из той же организации, из организации-партнёра или из "
                                  "организации сетевой программы пары.")

    def validate_program_id(self, field):
        if field.errors:
            return  # not one of the offered programs: said already, and no query with a stray id
        if field.data and not choices.program_belongs_to(field.data, self.organisation_id.data):
            raise ValidationError("Программа принадлежит другой организации.")

    def _organisations(self) -> set:
        """The pairing's organisation, and those of its network program (when the program is a valid one)."""
        program = self.program_id.data if not self.program_id.errors else None
        return choices.pairing_organisations(self.organisation_id.data, program)


class NewsItemForm(OrganisationChoiceMixin, BaseForm):
    organisation_optional = True
    markdown_fields = ("body_md",)
    organisation_id = SelectField("Организация", coerce=optional_int)
    title = StringField("Заголовок", [required(), max_len(400)])
    slug = _slug_field()
    published_on = DateField("Дата", [required()])
    summary = TextAreaField("Анонс", [Optional(), max_len(1000)])
    body_md = TextAreaField("Текст", [Optional(), max_len(100000)])
    status = SelectField("Статус", choices=options(Status.choices()))
    publish_at = _publish_at_field()

    validate_slug = validate_slug_format


class EventForm(OrganisationChoiceMixin, BaseForm):
    organisation_optional = True
    markdown_fields = ("description_md",)
    organisation_id = SelectField("Организация", coerce=optional_int)
    title = StringField("Название", [required(), max_len(400)])
    slug = _slug_field()
    kind = SelectField("Тип", choices=options(EventKind.choices()))
    starts_at = DateTimeLocalField("Начало", [required()], format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])
    ends_at = DateTimeLocalField("Окончание", [Optional(), _not_before("starts_at", "Окончание раньше начала.")],
                                 format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])
    place = StringField("Место", [Optional(), max_len(300)])
    summary = TextAreaField("Анонс", [Optional(), max_len(1000)])
    description_md = TextAreaField("Описание", [Optional(), max_len(100000)])
    status = SelectField("Статус", choices=options(Status.choices()))
    publish_at = _publish_at_field()

    validate_slug = validate_slug_format


class PageForm(BaseForm):
    markdown_fields = ("body_md",)
    title = StringField("Заголовок", [required(), max_len(300)])
    slug = _slug_field()
    kind = SelectField("Раздел", choices=options(PageKind.choices()))
    position = IntegerField("Порядок в меню", [Optional(), NumberRange(0, 1000)], default=0,
                            filters=[_zero_if_empty])
    summary = TextAreaField("Кратко", [Optional(), max_len(1000)])
    body_md = TextAreaField("Текст", [Optional(), max_len(200000)])
    status = SelectField("Статус", choices=options(Status.choices()))
    publish_at = _publish_at_field()

    validate_slug = validate_slug_format


class UserForm(BaseForm):
    email = EmailField("Электронная почта (логин)", [required(), max_len(200), Email(message="Неверный адрес почты.")],
                       filters=[lambda v: v.strip().lower() if v else v])
    name = StringField("Имя", [Optional(), max_len(200)])
    role = SelectField("Роль", choices=options(UserRole.choices()))
    organisation_ids = RussianSelectMultipleField("Организации куратора", coerce=int)
    active = BooleanField("Может входить", default=True)
    password = PasswordField("Пароль", [Optional()],
                             description=f"Не короче {MIN_PASSWORD} символов, не только цифры и не адрес почты. "
                                         "При редактировании оставьте пустым, чтобы не менять.")

    def setup(self, user) -> None:
        self.organisation_ids.choices = options(choices.organisations(user))

    def validate_password(self, field):
        # The same rules as `portal user create` (portal.accounts), with the e-mail typed in this form.
        if problems := password_problems(field.data, self.email.data or ""):
            raise ValidationError(" ".join(problems))

    def validate_organisation_ids(self, field):
        if self.role.data == UserRole.CURATOR and not field.data:
            raise ValidationError("Куратору нужна хотя бы одна организация.")


class LoginForm(BaseForm):
    email = EmailField("Электронная почта", [required()], filters=[lambda v: v.strip().lower() if v else v])
    password = PasswordField("Пароль", [required()])
    remember = BooleanField("Запомнить меня")
