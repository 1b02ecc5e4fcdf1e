"""Notifications about a report: its reporter and followers hear that it moved on, by its number.

Never its title or texts (they are free text and may be confidential): the number, the new
status, level or reply date, and a link. Whoever made the change is not told of it, and a
confidential report is told only to those who may see it.
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Membership, Occurrence, ReportFollower, Role, SystemErrorReport, User
from ..notifications import services as notifications

#: Roles that see confidential reports (as services.FULL_VIEW_ROLES, which imports this module).
_FULL_VIEW = {Role.CHAIR.value, Role.VICE_CHAIR.value, Role.MEMBER.value, Role.SUBSTITUTE.value}


def _audience(report: SystemErrorReport) -> list[User]:
    """Return the reporter and the followers who are still in the group and may see the report."""
    followers = select(ReportFollower.user_id).where(ReportFollower.report_id == report.id)
    memberships = db.session.scalars(
        select(Membership).where(
            Membership.group_id == report.group_id,
            Membership.ended_at.is_(None),
            (Membership.user_id == report.reporter_id) | Membership.user_id.in_(followers),
        )
    ).all()
    if report.is_confidential:
        own_occurrences = set(
            db.session.scalars(select(Occurrence.reporter_id).where(Occurrence.report_id == report.id))
        )
        memberships = [
            m
            for m in memberships
            if m.role in _FULL_VIEW or m.user_id == report.reporter_id or m.user_id in own_occurrences
        ]
    return [m.user for m in sorted(memberships, key=lambda m: m.user_id)]


def report_changed(report: SystemErrorReport, actor: User | None, what: str) -> int:
    """Tell the report's reporter and followers (not ``actor``) what changed; return how many."""
    if report.number is None or not notifications.active():  # a draft is its author's alone
        return 0
    subject = f"{report.number}: {what}"
    body = f"Systemfelsrapporten {report.number} i {report.group.name} har ändrats: {what}."
    link = notifications.path_for("system_errors.show", group_id=report.group_id, number=report.number)
    return notifications.notify_each(
        _audience(report), report.group_id, "report_changed", subject, body, link, but=actor
    )
