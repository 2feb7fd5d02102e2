"""Limits for zip-based files (docx, xlsx, odt, zip), checked from the archive's directory before any member is
inflated or parsed. The only guard against a small upload that inflates to gigabytes: every reader of an
uploaded office file (media sniffing, registry and answer import, letter templates, roadmap import) calls it.
"""
from __future__ import annotations

import io
import zipfile

MB = 1024 * 1024
MAX_MEMBERS = 2_000
MAX_MEMBER_SIZE = 32 * MB  # one part inflated (a sheet, a document body, shared strings)
MAX_TOTAL_SIZE = 96 * MB  # all parts inflated
MAX_RATIO = 100  # inflated size per compressed byte, for parts over RATIO_FROM
RATIO_FROM = 1 * MB


class ArchiveTooLarge(ValueError):
    """The archive would inflate past a limit; the message (in Russian) names it."""


def check_archive(source: bytes | zipfile.ZipFile, *, max_member_size: int = MAX_MEMBER_SIZE) -> None:
    """Refuse an archive whose directory declares too many parts, too large parts, or a bomb's compression ratio.

    A file that is not a zip at all passes (its reader says what it is); zip's own reader stops a member that
    inflates past the size its directory declares, so the declared sizes are what needs checking.
    """
    if isinstance(source, zipfile.ZipFile):
        _check(source.infolist(), max_member_size)
        return
    try:
        with zipfile.ZipFile(io.BytesIO(source)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    _check(members, max_member_size)


def _check(members: list[zipfile.ZipInfo], max_member_size: int) -> None:
    if len(members) > MAX_MEMBERS:
        raise ArchiveTooLarge(f"В файле {len(members):_} частей, а можно не больше {MAX_MEMBERS:_}: "
                              "похоже, это не обычный документ.".replace("_", " "))
    total = 0
    for member in members:
        size = member.file_size
        if size > max_member_size:
            raise ArchiveTooLarge(f"Часть файла «{member.filename[:80]}» после распаковки занимает {size // MB} МБ, "
                                  f"а можно не больше {max_member_size // MB} МБ. Уменьшите документ или "
                                  "разделите его на несколько.")
        if size > RATIO_FROM and size > MAX_RATIO * max(member.compress_size, 1):
            raise ArchiveTooLarge(f"Часть файла «{member.filename[:80]}» сжата более чем в {MAX_RATIO} раз: так "
                                  "выглядят файлы-«бомбы», такой документ не принимается.")
        total += size
        if total > MAX_TOTAL_SIZE:
            raise ArchiveTooLarge(f"После распаковки файл занимает больше {MAX_TOTAL_SIZE // MB} МБ, а можно не "
                                  f"больше {MAX_TOTAL_SIZE // MB} МБ. Уменьшите документ или разделите его.")
