"""How far a roadmap has come: the status an activity shows today, and the roadmap's figures."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.models import Activity, ActivityStatus, Roadmap

FINISHED = (ActivityStatus.DONE, ActivityStatus.CANCELLED)
STORED_STATUSES = [s for s in ActivityStatus if s != ActivityStatus.OVERDUE]


def effective_status(activity: Activity, today: date) -> ActivityStatus:
    """Overdue is not stored: an unfinished activity whose end date has passed is overdue."""
    if activity.status not in FINISHED and activity.deadline_end is not None and activity.deadline_end < today:
        return ActivityStatus.OVERDUE
    return ActivityStatus(activity.status)


@dataclass(frozen=True)
class Progress:
    total: int
    done: int
    overdue: int
    in_progress: int

    @property
    def percent(self) -> int:
        """Share of activities done, cancelled ones left out of the count."""
        return round(100 * self.done / self.total) if self.total else 0


def progress(roadmap: Roadmap, today: date) -> Progress:
    statuses = [effective_status(a, today) for stage in roadmap.stages for a in stage.activities
                if a.status != ActivityStatus.CANCELLED]
    return Progress(
        total=len(statuses),
        done=statuses.count(ActivityStatus.DONE),
        overdue=statuses.count(ActivityStatus.OVERDUE),
        in_progress=statuses.count(ActivityStatus.IN_PROGRESS),
    )
