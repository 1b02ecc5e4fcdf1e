"""Demo data for the systemfel register: about 35 reports of the Mellanå group.

Every report goes through the services, so the history, the followers and the search index
are what a real user would have left; only the dates are moved back afterwards, so that the
reports spread over this year and the last (a report's number year is its submission year).
The reports are in :mod:`.demo_reports` (those still waiting to be taken up, more than a
meeting's cap, also in :mod:`.demo_waiting`), the drafts and the names they share in
:mod:`.demo_data`; ``flask seed-bulk``'s large data set for benchmarks is made in :mod:`.bulk`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update

from ..extensions import db
from ..models import (
    Group,
    Meeting,
    Organisation,
    ReportEvent,
    ReportStatus,
    SystemErrorReport,
    User,
    utcnow,
)
from . import services
from .bulk import seed_bulk
from .demo_data import CONFIDENTIAL_TITLE, DRAFT_TITLE, DRAFTS, ESCALATED_TITLE, OMBUD
from .demo_reports import REPORTS
from .demo_waiting import WAITING, WAITING_TITLE

#: What other code takes from here: the seeding, and the titles the tests look reports up by.
__all__ = [
    "CONFIDENTIAL_TITLE",
    "DRAFT_TITLE",
    "ESCALATED_TITLE",
    "WAITING_TITLE",
    "seed_bulk",
    "seed_system_errors",
]

S = ReportStatus


def _moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def seed_system_errors(group: Group, users: dict[str, User]) -> None:
    """Add the demo reports, drafts, occurrences, escalations and comments to the group."""
    today = utcnow().date()
    organisations = {o.name: o for o in db.session.scalars(select(Organisation))}
    members = {m.user.email: m for m in group.memberships}
    municipalities = {m.name: m for m in group.municipalities}
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.group_id == group.id, Meeting.starts_at < utcnow())
        .order_by(Meeting.starts_at)
    ).all()
    chair = users["ordforande@demo.se"]
    stamps: list[dict] = []  # the history's real dates, written with one statement at the end

    for spec in sorted(REPORTS + WAITING, key=lambda s: -s["days"]):
        reporter = users[spec["reporter"]]
        submitted_on = today - timedelta(days=spec["days"])
        report = services.save_report(
            group, reporter, _values(spec, organisations), submit=True, now=_moment(submitted_on, 9)
        )
        report.created_at = report.submitted_at
        clock = _Clock(report, stamps)
        clock.stamp(submitted_on)
        for who, days, place, count, note in spec.get("occurrences", ()):
            services.add_occurrence(
                report, users[who], today - timedelta(days=days), municipalities[place], count, note
            )
            clock.stamp(today - timedelta(days=days))
        if spec.get("confidential"):
            services.set_confidential(report, chair, True)
            clock.stamp(submitted_on + timedelta(days=1))
        _move_on(report, spec, today, submitted_on, meetings, members, chair, clock)
        for who, comment in spec.get("comments", ()):
            services.add_comment(report, users[who], comment)
            clock.stamp(min(today, clock.last + timedelta(days=3)))
        if "reopen" in spec:
            who, days, place, count, note = spec["reopen"]
            services.add_occurrence(
                report, users[who], today - timedelta(days=days), municipalities[place], count, note
            )
            clock.stamp(today - timedelta(days=days))

    for spec in DRAFTS:
        report = services.save_report(group, users[OMBUD], _values(spec, organisations))
        report.created_at = _moment(today - timedelta(days=3))
    db.session.flush()
    # One executemany instead of an UPDATE per event keeps seed_demo fast (the tests run it often).
    db.session.execute(update(ReportEvent), stamps)


def _values(spec: dict, organisations: dict) -> dict:
    """Return the guided form's answers of a report spec."""
    fixer = spec.get("fixer")
    return {
        "title": spec["title"],
        "description": spec.get("description"),
        "causes": spec.get("causes"),
        "consequences": spec.get("consequences"),
        "system_view": spec.get("system_view"),
        "proposal": spec.get("proposal"),
        "who_can_fix": spec.get("who_can_fix"),
        "fixer_organisation_id": organisations[fixer].id if fixer else None,
        "affected_organisation_ids": [organisations[name].id for name in spec.get("affected", ())],
        "level": spec["level"],
        "category": spec["category"],
        "client_count": spec.get("clients"),
    }


class _Clock:
    """Note the day each of a report's new history events 'happened' (written in one go later)."""

    def __init__(self, report: SystemErrorReport, stamps: list[dict]) -> None:
        self.report = report
        self.stamps = stamps
        self.done = 0
        self.last: date = date.min

    def stamp(self, day: date) -> None:
        day = max(day, self.last)
        for offset, event in enumerate(self.report.events[self.done :]):
            self.stamps.append({"id": event.id, "occurred_at": _moment(day, 10) + timedelta(minutes=offset)})
        self.done = len(self.report.events)
        self.last = day


def _move_on(report, spec, today, submitted_on, meetings, members, chair, clock) -> None:
    """Take the report through the statuses its spec asks for."""
    status = spec["status"]
    if status == S.SUBMITTED:
        return
    if status == S.CLOSED and "owner" not in spec:
        services.change_status(report, chair, S.CLOSED, spec["close_reason"])
        clock.stamp(min(today, submitted_on + timedelta(days=30)))
        return
    meeting = next((m for m in meetings if m.starts_at.date() > submitted_on), meetings[-1])
    item = next((i for i in meeting.items if i.title == "Systemfrågor"), None)
    services.change_status(report, chair, S.TAKEN_UP, meeting=meeting, agenda_item=item)
    clock.stamp(max(meeting.starts_at.date(), submitted_on))
    if status == S.TAKEN_UP:
        return
    owner = members.get(spec["owner"])
    if owner is None or not services.sees_all(owner):
        owner = members[spec.get("owner_fallback", "ordforande@demo.se")]
    review = today + timedelta(days=spec.get("review", 30))
    services.change_status(report, chair, S.IN_PROGRESS, owner=owner, next_review_on=review)
    clock.stamp(clock.last)
    if status == S.IN_PROGRESS:
        return
    actor = owner.user
    if status == S.RESOLVED:
        services.change_status(report, actor, S.RESOLVED, spec["resolution"])
        clock.stamp(min(today, clock.last + timedelta(days=30)))
        return
    for index, esc in enumerate(spec.get("escalations", ())):
        sent_on = today - timedelta(days=esc["days"])
        expected = sent_on + timedelta(days=esc["reply_expected"]) if "reply_expected" in esc else None
        values = {
            "body": esc["body"].value,
            "sent_on": sent_on,
            "channel": esc.get("channel"),
            "reply_expected_by": expected,
        }
        services.change_status(report, actor, S.ESCALATED, escalation=values)
        clock.stamp(sent_on)
        if "reply" in esc:
            record = report.escalations[index]
            services.record_reply(
                record, actor, sent_on + timedelta(days=esc["reply_days"]), esc["reply"], esc.get("outcome")
            )
            clock.stamp(sent_on + timedelta(days=esc["reply_days"]))
