"""The daily run of ``flask send-reminders``: one digest per person, at most once a day.

A person's digest holds what waits for them: their uppdrag due within a week or overdue, the
notifications that wait for a digest (every day for a daily digest, on Mondays for a weekly one),
and, for a group's chair, what the group has let slip: minutes not justerade 14 days after the
meeting, system errors waiting to be taken up or past their review date, escalations whose reply
is overdue. Nothing in it is free text from the records: numbers, dates, labels and links only.

Who has had the day's digest is a ``ReminderSent`` row per (person, Swedish date), inserted
before the mail is queued in the same transaction: a second run that day, or one that overlaps,
meets the unique constraint and sends that person nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from flask import render_template, url_for
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import mail
from ..dates import local, local_datetime
from ..extensions import db
from ..filters import format_date, format_long
from ..models import (
    ActionItem,
    ActionStatus,
    Decision,
    Escalation,
    EscalationBody,
    Group,
    Meeting,
    Membership,
    Minutes,
    Notification,
    NotifyFrequency,
    Paragraph,
    ReminderSent,
    ReportStatus,
    Role,
    SystemErrorReport,
    User,
)
from . import clock
from .services import absolute, account_link

#: How far ahead an uppdrag's due date makes it worth a reminder.
DUE_WITHIN = timedelta(days=7)
#: How long after the meeting minutes may wait for justering before the chair hears of it.
JUSTERING_GRACE = timedelta(days=14)
#: At most this many report numbers in one line; the rest are counted.
MAX_NUMBERS = 10
#: Statuses in which a report is being worked on and has a review date to keep.
UNDER_REVIEW = (ReportStatus.TAKEN_UP.value, ReportStatus.IN_PROGRESS.value, ReportStatus.ESCALATED.value)
#: Statuses in which the group is done with a report.
FINISHED = (ReportStatus.RESOLVED.value, ReportStatus.CLOSED.value, ReportStatus.DRAFT.value)

CADENCE = {
    NotifyFrequency.IMMEDIATE: "Händelser får du direkt; påminnelserna kommer samlade en gång om dagen.",
    NotifyFrequency.DAILY: "Du får en sammanfattning per dag.",
    NotifyFrequency.WEEKLY: "Du får en sammanfattning per vecka, på måndagar.",
}


@dataclass
class Line:
    """One thing in a digest, with a link to it."""

    text: str
    link: str | None = None


@dataclass
class Part:
    """A heading and its lines."""

    heading: str
    lines: list[Line] = field(default_factory=list)
    #: one link for all the lines (the member's own uppdrag)
    link: str | None = None


@dataclass
class Section:
    """What one group has for the person (``group_name`` None: not tied to a group)."""

    group_name: str | None
    parts: list[Part] = field(default_factory=list)

    def part(self, heading: str) -> Part:
        """Return the part with this heading, added at the end if new."""
        for part in self.parts:
            if part.heading == heading:
                return part
        self.parts.append(Part(heading))
        return self.parts[-1]


@dataclass
class Digest:
    """One person's digest of the day."""

    user: User
    sections: dict[int | None, Section] = field(default_factory=dict)
    notification_ids: list[int] = field(default_factory=list)
    items: int = 0

    def add(self, group_id: int | None, group_name: str | None, heading: str, line: Line) -> Part:
        """Add a line under a heading of a group's section; return the part."""
        section = self.sections.get(group_id)
        if section is None:
            section = self.sections[group_id] = Section(group_name)
        part = section.part(heading)
        part.lines.append(line)
        self.items += 1
        return part


@dataclass
class Run:
    """What a run did: digests queued, and people who had had theirs that day already."""

    day: date
    sent: int = 0
    already: int = 0
    recipients: list[str] = field(default_factory=list)


def due_frequencies(day: date) -> tuple[str, ...]:
    """Return the frequencies whose digest goes out on ``day`` (weekly only on Mondays)."""
    due = [NotifyFrequency.IMMEDIATE.value, NotifyFrequency.DAILY.value]
    if day.weekday() == 0:
        due.append(NotifyFrequency.WEEKLY.value)
    return tuple(due)


# -- what waits for whom ------------------------------------------------------------------------------

ACTIONS = "Dina uppdrag"
NEWS = "Sedan förra sammanfattningen"
CHAIR = "Att följa upp som ordförande"


def _add_notifications(digests: dict[int, Digest], names: dict[int, str]) -> None:
    """Add the notifications that wait for a digest."""
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.user_id.in_(digests), Notification.mailed_at.is_(None))
        .order_by(Notification.created_at, Notification.id)
    )
    for note in rows:
        digest = digests[note.user_id]
        text = f"{format_date(note.created_at)}: {note.subject}"
        digest.add(note.group_id, names.get(note.group_id), NEWS, Line(text, absolute(note.link)))
        digest.notification_ids.append(note.id)


def _add_actions(digests: dict[int, Digest], names: dict[int, str], day: date) -> None:
    """Add each person's open uppdrag due within a week or overdue (secret §§ without their number)."""
    rows = db.session.scalars(
        select(ActionItem)
        .join(Membership, ActionItem.owner_id == Membership.id)
        .where(
            Membership.user_id.in_(digests),
            Membership.ended_at.is_(None),
            ActionItem.status.in_([ActionStatus.NOT_STARTED.value, ActionStatus.IN_PROGRESS.value]),
            ActionItem.due_on.is_not(None),
            ActionItem.due_on <= day + DUE_WITHIN,
        )
        .options(
            joinedload(ActionItem.owner),
            joinedload(ActionItem.decision)
            .joinedload(Decision.paragraph)
            .joinedload(Paragraph.minutes)
            .joinedload(Minutes.meeting),
        )
        .order_by(ActionItem.due_on, ActionItem.id)
    )
    for action in rows:
        paragraph = action.decision.paragraph
        held = format_date(paragraph.minutes.meeting.starts_at)
        what = (
            f"sekretessbelagt uppdrag från mötet {held}"
            if paragraph.is_secret
            else f"uppdrag från {paragraph.label}, mötet {held}"
        )
        when = (
            f"Försenat, skulle vara klart {format_date(action.due_on)}"
            if action.due_on < day
            else f"Klart senast {format_date(action.due_on)}"
        )
        digest = digests[action.owner.user_id]
        part = digest.add(action.group_id, names.get(action.group_id), ACTIONS, Line(f"{when}: {what}"))
        part.link = absolute(url_for("follow_up.index", group_id=action.group_id, visa="mina"))


def _numbers(reports: list[SystemErrorReport]) -> str:
    """Return report numbers as a list, the ones past MAX_NUMBERS counted."""
    shown = ", ".join(r.number for r in reports[:MAX_NUMBERS])
    rest = len(reports) - MAX_NUMBERS
    return f"{shown} och {rest} till" if rest > 0 else shown


def _chair_lines(group_ids: list[int], day: date) -> dict[int, list[Line]]:
    """Return, per group, what its chair should follow up (a handful of queries for all groups)."""
    lines: dict[int, list[Line]] = defaultdict(list)
    if not group_ids:
        return lines
    # Meetings held on day - 14 or before: started before midnight (Swedish time) of the day after.
    late = local_datetime(day - JUSTERING_GRACE + timedelta(days=1), time.min)
    minutes = db.session.scalars(
        select(Minutes)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .where(Minutes.group_id.in_(group_ids), Minutes.approved_at.is_(None), Meeting.starts_at < late)
        .options(joinedload(Minutes.meeting))
        .order_by(Meeting.starts_at)
    )
    for record in minutes:
        meeting = record.meeting
        days = (day - local(meeting.starts_at).date()).days
        text = f"Protokollet från mötet {format_date(meeting.starts_at)} är inte justerat, {days} dagar efter mötet"
        link = url_for("minutes.show", group_id=meeting.group_id, meeting_id=meeting.id)
        lines[record.group_id].append(Line(text, absolute(link)))

    waiting = db.session.execute(
        select(SystemErrorReport.group_id, func.count(SystemErrorReport.id))
        .where(
            SystemErrorReport.group_id.in_(group_ids),
            SystemErrorReport.status == ReportStatus.SUBMITTED.value,
        )
        .group_by(SystemErrorReport.group_id)
    )
    for group_id, count in waiting:
        text = (
            f"{count} systemfel väntar på att tas upp" if count > 1 else "1 systemfel väntar på att tas upp"
        )
        link = url_for(
            "system_errors.index", group_id=group_id, status=ReportStatus.SUBMITTED.value, sort="oldest"
        )
        lines[group_id].append(Line(text, absolute(link)))

    overdue: dict[int, list[SystemErrorReport]] = defaultdict(list)
    for report in db.session.scalars(
        select(SystemErrorReport)
        .where(
            SystemErrorReport.group_id.in_(group_ids),
            SystemErrorReport.status.in_(UNDER_REVIEW),
            SystemErrorReport.next_review_on < day,
        )
        .order_by(SystemErrorReport.next_review_on, SystemErrorReport.id)
    ):
        overdue[report.group_id].append(report)
    for group_id, reports in overdue.items():
        count = len(reports)
        text = f"{count} systemfel har passerat sitt uppföljningsdatum: {_numbers(reports)}"
        lines[group_id].append(Line(text, absolute(url_for("system_errors.index", group_id=group_id))))

    escalations = db.session.scalars(
        select(Escalation)
        .join(SystemErrorReport, Escalation.report_id == SystemErrorReport.id)
        .where(
            Escalation.group_id.in_(group_ids),
            Escalation.reply_received_on.is_(None),
            Escalation.reply_expected_by < day,
            SystemErrorReport.status.not_in(FINISHED),
        )
        .options(joinedload(Escalation.report))
        .order_by(Escalation.reply_expected_by, Escalation.id)
    )
    shown: dict[int, int] = defaultdict(int)
    for escalation in escalations:
        shown[escalation.group_id] += 1
        if shown[escalation.group_id] > MAX_NUMBERS:
            continue
        report = escalation.report
        # The body's label, never the free text of an "annan" body.
        body = EscalationBody(escalation.body).label
        text = (
            f"Svaret på eskaleringen av {report.number} ({body.lower()}) skulle ha kommit "
            f"{format_date(escalation.reply_expected_by)}"
        )
        link = url_for("system_errors.show", group_id=report.group_id, number=report.number)
        lines[escalation.group_id].append(Line(text, absolute(link)))
    return lines


def _add_chair_items(digests: dict[int, Digest], names: dict[int, str], day: date) -> None:
    """Add to each chair's digest what their group has let slip."""
    chairs = db.session.execute(
        select(Membership.user_id, Membership.group_id).where(
            Membership.user_id.in_(digests),
            Membership.role == Role.CHAIR.value,
            Membership.ended_at.is_(None),
        )
    ).all()
    lines = _chair_lines(sorted({group_id for _user, group_id in chairs}), day)
    for user_id, group_id in chairs:
        for line in lines.get(group_id, ()):
            digests[user_id].add(group_id, names.get(group_id), CHAIR, line)


def gather(day: date) -> list[Digest]:
    """Return the day's digests of everyone whose digest is due and holds something."""
    users = db.session.scalars(
        select(User)
        .where(User.is_disabled.is_(False), User.notify_frequency.in_(due_frequencies(day)))
        .order_by(User.id)
    ).all()
    if not users:
        return []
    digests = {user.id: Digest(user) for user in users}
    names = dict(db.session.execute(select(Group.id, Group.name)).all())
    _add_actions(digests, names, day)
    _add_chair_items(digests, names, day)
    _add_notifications(digests, names)
    return [digest for digest in digests.values() if digest.items]


# -- sending -------------------------------------------------------------------------------------------


def _mail_text(digest: Digest, day: date) -> str:
    """Render the digest's mail."""
    frequency = NotifyFrequency(digest.user.notify_frequency)
    sections = sorted(digest.sections.values(), key=lambda s: (s.group_name is None, s.group_name or ""))
    order = {ACTIONS: 0, CHAIR: 1, NEWS: 2}
    for section in sections:
        section.parts.sort(key=lambda part: order.get(part.heading, 3))
    return render_template(
        "mail/digest.txt",
        user=digest.user,
        today=day,
        sections=sections,
        cadence=CADENCE[frequency],
        account_link=account_link(),
    )


def send_reminders(day: date | None = None) -> Run:
    """Queue the day's digests, one per person, and record each; commits per person.

    Run it inside a request context (``flask send-reminders`` makes one from ``BASE_URL``) so
    that the links can be built.
    """
    day = day or clock.today()
    run = Run(day)
    digests = gather(day)
    already = set(
        db.session.scalars(
            select(ReminderSent.user_id).where(
                ReminderSent.sent_on == day, ReminderSent.user_id.in_([d.user.id for d in digests])
            )
        )
    )
    prepared = [
        (d.user.id, d.user.email, d.items, d.notification_ids, _mail_text(d, day))
        for d in digests
        if d.user.id not in already
    ]
    run.already = len(digests) - len(prepared)
    subject = f"Sammanfattning från PO-ledningsgrupp: {format_long(day)}"
    for user_id, email, items, notification_ids, text in prepared:
        try:
            with db.session.begin_nested():
                db.session.add(
                    ReminderSent(user_id=user_id, sent_on=day, items=items, created_at=clock.now())
                )
                db.session.flush()
        except IntegrityError:
            # Another run got there first: the person has had today's digest.
            db.session.rollback()
            run.already += 1
            continue
        mail.queue(email, subject, text)
        if notification_ids:
            db.session.execute(
                update(Notification)
                .where(Notification.id.in_(notification_ids))
                .values(mailed_at=clock.now())
            )
        db.session.commit()
        run.sent += 1
        run.recipients.append(email)
    return run
