"""Every kind of mail: who receives it, its subject, and whether the receiver may turn it off."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    label: str  # what the profile page says
    subject: str  # str.format with the mail's context
    optional: bool  # users may turn it off; mails to applicants answer what they did and are always sent


KINDS: dict[str, Kind] = {
    # To applicants (not users of the portal): the answer to their application.
    "application_received": Kind("Заявка получена", "Заявка «{title}» получена", False),
    "application_accepted": Kind("Заявка принята", "Заявка «{title}» принята", False),
    "application_declined": Kind("Заявка отклонена", "Заявка «{title}» отклонена", False),
    "application_more_info": Kind("Нужны сведения по заявке", "Заявка «{title}»: нужны дополнительные сведения",
                                  False),
    # To curators of the organisation (and editors when it has no curator).
    "new_application": Kind("Новая заявка в моей организации", "Новая заявка «{title}»", True),
    "digest": Kind("Еженедельная сводка: пары без встреч и просроченные мероприятия",
                   "Сводка за неделю: {count}", True),
    # The review workflow (workflow_mail.py): editors, and the author who sent the item to review.
    "review_requested": Kind("Материал отправлен на проверку (для редакторов)", "На проверку: «{title}»", True),
    "returned": Kind("Мой материал возвращён на доработку", "Возвращено на доработку: «{title}»", True),
    "published": Kind("Мой материал опубликован", "Опубликовано: «{title}»", True),
}


def optional_kinds() -> list[tuple[str, Kind]]:
    return [(name, kind) for name, kind in KINDS.items() if kind.optional]
