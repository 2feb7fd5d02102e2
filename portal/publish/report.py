"""What a build did: the report shown by `portal build` and on the admin's publishing page."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class BuildReport:
    started_at: float
    finished_at: float | None = None
    ok: bool = True
    busy: bool = False  # refused because another build was running
    error: str | None = None
    details: str | None = None  # the traceback, for the administrator
    pages_total: int = 0
    pages_rendered: int = 0
    pages_skipped: int = 0
    pages_removed: int = 0
    redirects: int = 0
    indexed_pages: int = 0
    search_bundles: int = 0  # Pagefind bundles of the site's search, and how many this build indexed again
    search_bundles_reindexed: int = 0
    search_pages_reindexed: int = 0
    warnings: list[str] = field(default_factory=list)
    rendered_paths: list[str] = field(default_factory=list)
    state: dict | None = None  # the pages' fingerprints, kept until the build is in place
    # Seconds of each step (copy, load, plan, render, search_index, swap): where a slow build spends its time.
    phases: dict[str, float] = field(default_factory=dict)
    uploaded: str = ""  # what the sync to PUBLISH_BUCKET did, in Russian
    # The snapshot parts loaded again into the one the last build kept (portal/site/content_reuse.py); None: the
    # content was loaded whole.
    content_reloaded: list[str] | None = None

    def fail(self, message: str, details: str | None = None) -> None:
        self.ok = False
        self.error = message
        self.details = details

    @property
    def seconds(self) -> float:
        return round((self.finished_at or self.started_at) - self.started_at, 2)

    def summary(self) -> str:
        """Russian lines for a person: what was published, or why not."""
        if not self.ok:
            return (f"Публикация не удалась: {self.error}\n"
                    "Опубликованный сайт не изменился.")
        lines = [f"Сайт опубликован за {self.seconds:.1f} с."]
        if not (self.pages_rendered or self.pages_removed or self.search_pages_reindexed):
            # A save publishes by itself: a click on «Опубликовать» right after it finds nothing left to do.
            lines.append("Изменений с прошлой публикации нет: всё уже на сайте.")
        lines += [
            f"Страниц: {self.pages_total}; отрисовано заново: {self.pages_rendered}; без изменений: "
            f"{self.pages_skipped}; удалено: {self.pages_removed}; переадресаций: {self.redirects}.",
            f"В поиске страниц: {self.indexed_pages}; проиндексировано заново: {self.search_pages_reindexed}.",
        ]
        if self.uploaded:
            lines.append(self.uploaded)
        lines += [f"Предупреждение: {w}" for w in self.warnings]
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps(asdict(self) | {"seconds": self.seconds, "state": None}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "BuildReport":
        data = json.loads(text)
        data.pop("seconds", None)
        return cls(**data)
