"""Who may move a publishable item where: draft → review → published, and back to draft.

A curator writes and submits for review (draft ↔ review) and keeps a published item published while editing
it; an editor or admin publishes, unpublishes, or returns an item to its author with a comment.
"""
from __future__ import annotations

from portal import permissions
from portal.models import Status


def status_choices(user, current: Status | None) -> list[Status]:
    if permissions.is_staff(user):
        return list(Status)
    allowed = [Status.DRAFT, Status.REVIEW]
    if current == Status.PUBLISHED:
        allowed.append(Status.PUBLISHED)  # editing a published item does not unpublish it
    return allowed


def may_review(user) -> bool:
    """Publish an item waiting for review, or return it with a comment."""
    return permissions.is_staff(user)


def submit(item) -> None:
    item.status = Status.REVIEW
    item.review_comment = ""


def publish(item) -> None:
    item.status = Status.PUBLISHED
    item.review_comment = ""


def send_back(item, comment: str) -> None:
    item.status = Status.DRAFT
    item.review_comment = comment.strip()


def unpublish(item) -> None:
    """Off the site, back to a draft (an editor's decision: no comment owed)."""
    item.status = Status.DRAFT
