"""Fixed vocabularies of the domain, each value with the Russian label users read."""
from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa


class Labelled(StrEnum):
    """A StrEnum whose members carry a Russian label: ``Member = ("value", "Метка")``."""

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


def column_type(enum: type[Labelled]) -> sa.Enum:
    """Stored as plain text (no PostgreSQL enum type), so adding a value needs no migration."""
    return sa.Enum(enum, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e],
                   validate_strings=True)


class Status(Labelled):
    DRAFT = ("draft", "Черновик")
    REVIEW = ("review", "На проверке")
    PUBLISHED = ("published", "Опубликовано")


class OrganisationKind(Labelled):
    SCHOOL = ("school", "Школа")
    KINDERGARTEN = ("kindergarten", "Детский сад")
    MUSIC_SCHOOL = ("music_school", "Музыкальная школа / школа искусств")
    COLLEGE = ("college", "Колледж / техникум")
    DEPARTMENT = ("department", "Управление образования")
    PARTNER = ("partner", "Партнёр")


class UserRole(Labelled):
    ADMIN = ("admin", "Администратор")
    EDITOR = ("editor", "Редактор (координатор)")
    CURATOR = ("curator", "Куратор организации")


class MentoringForm(Labelled):
    PUPIL_PUPIL = ("pupil_pupil", "Ученик – ученик")
    TEACHER_TEACHER = ("teacher_teacher", "Учитель – учитель")
    STUDENT_PUPIL = ("student_pupil", "Студент – ученик")
    EMPLOYER_PUPIL = ("employer_pupil", "Работодатель – ученик")
    EMPLOYER_STUDENT = ("employer_student", "Работодатель – студент")
    # Forms of the 2022+ system of mentoring for teachers.
    TEACHER_YOUNG_SPECIALIST = ("teacher_young_specialist", "Опытный педагог – молодой специалист")
    GROUP = ("group", "Групповое наставничество")
    REVERSE = ("reverse", "Реверсивное наставничество")
    VIRTUAL = ("virtual", "Виртуальное наставничество")
    SITUATIONAL = ("situational", "Ситуационное наставничество")


class Role(Labelled):
    MENTOR = ("mentor", "Наставник")
    MENTEE = ("mentee", "Наставляемый")


class PersonCategory(Labelled):
    TEACHER = ("teacher", "Педагог")
    PUPIL = ("pupil", "Обучающийся")
    STUDENT = ("student", "Студент")
    EMPLOYER = ("employer", "Представитель работодателя")
    OTHER = ("other", "Другое")


class PairingStatus(Labelled):
    ACTIVE = ("active", "Действует")
    COMPLETED = ("completed", "Завершена")
    TERMINATED = ("terminated", "Расторгнута")


class ActivityStatus(Labelled):
    PLANNED = ("planned", "Запланировано")
    IN_PROGRESS = ("in_progress", "Выполняется")
    DONE = ("done", "Выполнено")
    CANCELLED = ("cancelled", "Отменено")
    # Never stored: computed from the end date and today (portal/roadmaps/progress.py).
    OVERDUE = ("overdue", "Просрочено")


class EventKind(Labelled):
    EVENT = ("event", "Мероприятие")
    COMPETITION = ("competition", "Конкурс")
    FESTIVAL = ("festival", "Фестиваль")
    SEMINAR = ("seminar", "Семинар")


class PageKind(Labelled):
    ABOUT = ("about", "О программе")
    DOCUMENTS = ("documents", "Нормативные документы")
    OTHER = ("other", "Другое")


class ConsentKind(Labelled):
    PROCESSING = ("processing", "На обработку персональных данных")
    PUBLICATION = ("publication", "На распространение (публикацию)")


class Signatory(Labelled):
    PERSON = ("person", "Сам участник")
    REPRESENTATIVE = ("representative", "Законный представитель")


class PublicField(Labelled):
    """Fields a person may allow to be published (ст. 10.1 152-ФЗ). Contacts are never among them."""

    FULL_NAME = ("full_name", "ФИО")
    POSITION = ("position", "Должность")
    ORGANISATION = ("organisation", "Организация")
    PHOTO = ("photo", "Фото")
    COMPETENCIES = ("competencies", "Компетенции")
    ACHIEVEMENTS = ("achievements", "Достижения")


class OrganisationCluster(Labelled):
    """The school's group by educational results, as regional monitoring classifies schools."""

    LOW = ("low", "ШНОР — школа с низкими образовательными результатами")
    MEDIUM = ("medium", "ШСОР — школа со средними образовательными результатами")
    HIGH = ("high", "ШВОР — школа с высокими образовательными результатами")


class QuestionnaireAudience(Labelled):
    MENTORS = ("mentors", "Наставники")
    MENTEES = ("mentees", "Наставляемые")
    ALL = ("all", "Все участники")


class QuestionnaireStage(Labelled):
    ENTRY = ("entry", "Входное анкетирование")
    INTERIM = ("interim", "Промежуточное анкетирование")
    FINAL = ("final", "Итоговое анкетирование")


class QuestionKind(Labelled):
    SCALE5 = ("scale5", "Шкала от 1 до 5")
    SCALE10 = ("scale10", "Шкала от 1 до 10")
    SINGLE = ("single", "Один вариант из списка")
    MULTIPLE = ("multiple", "Несколько вариантов из списка")
    TEXT = ("text", "Свободный ответ")


class MeetingKind(Labelled):
    ORGANISATIONAL = ("organisational", "Организационная")
    TRIAL = ("trial", "Пробная")
    PLANNING = ("planning", "Планирование")
    REGULAR = ("regular", "Регулярная")
    FINAL = ("final", "Заключительная")


class MediaKind(Labelled):
    IMAGE = ("image", "Изображение")
    DOCUMENT = ("document", "Документ")


class DocumentKind(Labelled):
    ORDER = ("order", "Приказ")
    REGULATION = ("regulation", "Положение")
    ROADMAP = ("roadmap", "Дорожная карта")
    TEMPLATE = ("template", "Шаблон")
    REPORT = ("report", "Отчёт")
    OTHER = ("other", "Документ")


class MediaRole(Labelled):
    COVER = ("cover", "Обложка")
    LOGO = ("logo", "Логотип")
    ATTACHMENT = ("attachment", "Вложение")
