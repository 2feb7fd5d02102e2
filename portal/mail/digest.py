"""The curators' weekly digest: pairs without meetings, overdue goals of development plans and overdue roadmap
activities of their organisations — one mail a week instead of one per item, and none when there is nothing.

Pairs are named by number only: their labels hold the names of mentees, who may be minors.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from portal.clock import local_now
from portal.extensions import db
from portal.filters import plural
from portal.models import Activity, ActivityStatus, Roadmap, Stage, User, UserRole
from portal.monitoring import journals
from portal.roadmaps.progress import effective_status

from .outbox import queue_mail

LIMIT = 30


@dataclass
class Digest:
    quiet: list[int]  # pairing numbers
    goals: list[int]  # pairing numbers with overdue goals
    activities: list[str]  # «Дорожная карта: 2.1 Мероприятие»

    @property
    def count(self) -> int:
        return len(self.quiet) + len(self.goals) + len(self.activities)


def digest_for(user: User) -> Digest:
    today = local_now().date()
    weeks = current_app.config["MEETING_GAP_WEEKS"]
    quiet = [row.pairing_id for row in journals.quiet_pairings(db.session, user, weeks, today)]
    goals = sorted({goal.pairing_id for goal in journals.overdue_goals(db.session, user, today)})
    org_ids = [org.id for org in user.organisations]
    activities = []
    rows = db.session.scalars(  # the end date in SQL, the rule itself in progress.py
        sa.select(Activity).join(Stage).join(Roadmap)
        .where(Roadmap.organisation_id.in_(org_ids or [-1]), Activity.deadline_end < today,
               Activity.status.not_in((ActivityStatus.DONE, ActivityStatus.CANCELLED)))
        .order_by(Activity.deadline_end, Activity.id).limit(LIMIT))
    for activity in rows:
        if effective_status(activity, today) == ActivityStatus.OVERDUE:
            activities.append(f"{activity.stage.roadmap.title}: {activity}")
    return Digest(quiet[:LIMIT], goals[:LIMIT], activities[:LIMIT])


def send_digests() -> int:
    """Queue a digest to each active curator who has something in it (the caller commits); how many."""
    sent = 0
    curators = db.session.scalars(sa.select(User).where(User.role == UserRole.CURATOR, User.active.is_(True)))
    for user in curators:
        digest = digest_for(user)
        if not digest.count:
            continue
        weeks = current_app.config["MEETING_GAP_WEEKS"]
        if queue_mail("digest", user.email, user=user, link="/admin/", digest=digest, weeks=weeks,
                      count=plural(digest.count, "пункт", "пункта", "пунктов"),
                      reason="вы куратор организации; сводку можно отключить в «Мои уведомления»"):
            sent += 1
    return sent
