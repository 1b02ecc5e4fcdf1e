"""The system errors of a yearly report, counted from the register's history as of one moment.

A report counts from its submission (drafts never). Its status at a moment is the ``to_status``
of its last status-changing event at or before that moment (submitted when there is none), so
a report moved on after the report's date is counted as it stood then. Over the year:

- *new*: submitted during the year (up to the report's date);
- *carried over*: submitted before the year and still open when it began (or opened again
  during the year after being finished before it);
- *closed*: new or carried over and finished (resolved or closed without action) at the
  report's date;
- *open on 31 December*: new or carried over and not finished then. An escalated report waits
  for a body outside the group, so it counts as open until the group resolves or closes it.

So new + carried over = closed + open for every row of the level table. Level and category are
read as they were at the report's date (a later reclassification is undone from its history);
a report counts once for every organisation it names (the affected ones and the one that can
fix it). Confidential reports are counted, but what the yearly report says of how they were
handled shows neither title nor text: the report leaves the group.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import selectinload

from ..dates import local
from ..extensions import db
from ..models import (
    TAXONOMY,
    Category,
    EventKind,
    Level,
    ReportEvent,
    ReportStatus,
    SystemErrorReport,
)
from .content import HandledError, Row, Table

S = ReportStatus
#: The statuses in which the group is done with a report.
FINISHED = frozenset({S.RESOLVED.value, S.CLOSED.value})
#: The statuses that put a report among those handled during the year.
HANDLED = frozenset({S.RESOLVED.value, S.ESCALATED.value})
ERROR_COLUMNS = ("Nya under året", "Från tidigare år", "Avslutade under året", "Öppna 31 december")
NO_ORGANISATION = "Ingen organisation angiven"
CONFIDENTIAL_TITLE = "Sekretessbelagd rapport"
TOTAL_LABEL = "Totalt"

_LEVELS_BY_LABEL = {level.label: level.value for level in Level}
_CATEGORIES_BY_LABEL = {category.label: category.value for category in Category}


@dataclass(frozen=True)
class CountedError:
    """One report as the yearly report counts it."""

    report: SystemErrorReport
    level: str
    category: str
    status: str
    is_new: bool
    is_carried_over: bool
    is_confidential: bool
    organisations: tuple[str, ...]

    @property
    def is_closed(self) -> bool:
        """Return whether the group had finished with it at the report's date."""
        return self.status in FINISHED

    @property
    def values(self) -> tuple[int, int, int, int]:
        """Return its contribution to a row: new, carried over, closed, open."""
        return (
            int(self.is_new),
            int(self.is_carried_over),
            int(self.is_closed),
            int(not self.is_closed),
        )


@dataclass(frozen=True)
class ErrorFigures:
    """What the system errors add to a yearly report."""

    counted: tuple[CountedError, ...]
    by_level: Table
    by_category: Table
    by_organisation: Table
    handled: tuple[HandledError, ...]


def _events_to(report: SystemErrorReport, moment: datetime) -> list[ReportEvent]:
    """Return the report's events at or before a moment, in the order they happened."""
    events = [e for e in report.events if e.occurred_at <= moment]
    return sorted(events, key=lambda e: (e.occurred_at, e.id))


def status_at(report: SystemErrorReport, moment: datetime) -> str | None:
    """Return the report's status at a moment (None if it was not yet submitted)."""
    if report.submitted_at is None or report.submitted_at > moment:
        return None
    status = S.SUBMITTED.value
    for event in _events_to(report, moment):
        if event.to_status:
            status = event.to_status
    return S.SUBMITTED.value if status == S.DRAFT.value else status


def _later_events(report: SystemErrorReport, moment: datetime, kind: EventKind) -> list[ReportEvent]:
    """Return the report's events of one kind after a moment, the first first."""
    events = [e for e in report.events if e.kind == kind.value and e.occurred_at > moment]
    return sorted(events, key=lambda e: (e.occurred_at, e.id))


def _classification_at(report: SystemErrorReport, moment: datetime) -> tuple[str, str]:
    """Return the level and category the report had at a moment (a later change undone)."""
    level, category = report.level, report.category
    later = _later_events(report, moment, EventKind.CLASSIFIED)
    if later:
        details = later[0].details or {}
        old_level = (details.get("nivå") or [None])[0]
        old_category = (details.get("kategori") or [None])[0]
        level = _LEVELS_BY_LABEL.get(old_level, level)
        category = _CATEGORIES_BY_LABEL.get(old_category, category)
    return level, category


def _confidential_at(report: SystemErrorReport, moment: datetime) -> bool:
    """Return whether the report is kept within the group: confidential then or now."""
    if report.is_confidential:
        return True
    later = _later_events(report, moment, EventKind.CONFIDENTIALITY)
    return bool(later) and (later[0].details or {}).get("sekretess") == "nej"


def _organisations(report: SystemErrorReport) -> tuple[str, ...]:
    """Return the names of the organisations the report names, each once, by name."""
    names = {o.name for o in report.affected_organisations}
    if report.fixer_organisation is not None:
        names.add(report.fixer_organisation.name)
    return tuple(sorted(names))


def load_reports(group_id: int, year_start: datetime, cut: datetime) -> list[SystemErrorReport]:
    """Return the group's reports that can count in a year, their history loaded with them.

    Left out in SQL: drafts, reports submitted after the cut, and reports finished before the
    year that have no event since (their status cannot have changed during the year).
    """
    since = exists().where(
        ReportEvent.report_id == SystemErrorReport.id, ReportEvent.occurred_at >= year_start
    )
    query = (
        select(SystemErrorReport)
        .where(
            SystemErrorReport.group_id == group_id,
            SystemErrorReport.submitted_at.is_not(None),
            SystemErrorReport.submitted_at <= cut,
            or_(
                SystemErrorReport.submitted_at >= year_start,
                SystemErrorReport.status.not_in(tuple(FINISHED)),
                since,
            ),
        )
        .options(
            selectinload(SystemErrorReport.events),
            selectinload(SystemErrorReport.escalations),
            selectinload(SystemErrorReport.affected_organisations),
            selectinload(SystemErrorReport.fixer_organisation),
            selectinload(SystemErrorReport.meeting),
        )
        .order_by(SystemErrorReport.number_year, SystemErrorReport.number_seq, SystemErrorReport.id)
    )
    return list(db.session.scalars(query))


def count_report(report: SystemErrorReport, year_start: datetime, cut: datetime) -> CountedError | None:
    """Return how a report counts in the year, or None when it does not."""
    status = status_at(report, cut)
    if status is None:
        return None
    is_new = report.submitted_at >= year_start
    is_carried_over = False
    if not is_new:
        at_start = status_at(report, year_start)
        reopened = any(
            e.to_status and e.to_status not in FINISHED and e.occurred_at >= year_start
            for e in _events_to(report, cut)
        )
        is_carried_over = at_start not in FINISHED or reopened
        if not is_carried_over:
            return None
    level, category = _classification_at(report, cut)
    return CountedError(
        report=report,
        level=level,
        category=category,
        status=status,
        is_new=is_new,
        is_carried_over=is_carried_over,
        is_confidential=_confidential_at(report, cut),
        organisations=_organisations(report),
    )


def _sum(errors) -> tuple[int, ...]:
    """Return the four columns summed over some counted reports."""
    totals = [0, 0, 0, 0]
    for error in errors:
        for index, value in enumerate(error.values):
            totals[index] += value
    return tuple(totals)


def _tables(counted: list[CountedError], day: str) -> tuple[Table, Table, Table]:
    """Return the tables by level, by category and by organisation."""
    columns = (*ERROR_COLUMNS[:3], f"Öppna {day}")
    if not counted:
        empty = ()
        return (
            Table("Systemfel per nivå", columns, empty, masks_small=False),
            Table("Systemfel per kategori", columns, empty, masks_small=False),
            Table("Systemfel per organisation", columns, empty, masks_small=False),
        )
    by_level = [Row(level.label, _sum(e for e in counted if e.level == level.value)) for level in Level]
    by_level.append(Row(TOTAL_LABEL, _sum(counted)))
    by_category = []
    for level in Level:
        for category in TAXONOMY[level]:
            errors = [e for e in counted if e.category == category.value]
            if errors:
                by_category.append(Row(category.label, _sum(errors)))
    names = sorted({name for e in counted for name in e.organisations})
    by_organisation = [Row(name, _sum(e for e in counted if name in e.organisations)) for name in names]
    unnamed = [e for e in counted if not e.organisations]
    if unnamed:
        by_organisation.append(Row(NO_ORGANISATION, _sum(unnamed)))
    return (
        Table("Systemfel per nivå", columns, tuple(by_level), masks_small=False),
        Table("Systemfel per kategori", columns, tuple(by_category), masks_small=False),
        Table("Systemfel per organisation", columns, tuple(by_organisation), masks_small=False),
    )


def _day(moment: datetime) -> str:
    return local(moment).date().isoformat()


def _plain(text: str | None) -> str:
    """Return a note on one line (the yearly report lists the history line by line)."""
    return " ".join((text or "").split())


def _with_note(line: str, note: str | None) -> str:
    note = _plain(note)
    return f"{line}: {note}" if note else line


def _local_lines(report: SystemErrorReport, cut: datetime) -> tuple[str, ...]:
    """Return the dated lines of what the group did with the report, up to the cut."""
    lines = []
    for event in _events_to(report, cut):
        day = _day(event.occurred_at)
        if event.kind == EventKind.SUBMITTED.value:
            lines.append(f"{day} Rapporterad till ledningsgruppen")
        elif event.kind == EventKind.OWNER.value:
            owner = ((event.details or {}).get("ansvarig") or [None, None])[-1]
            if owner:
                lines.append(f"{day} Ansvarig ledamot: {owner}")
        elif event.kind == EventKind.REOPENED.value:
            lines.append(_with_note(f"{day} Återöppnad", event.note))
        elif event.kind == EventKind.STATUS.value and event.to_status != S.ESCALATED.value:
            lines.append(_status_line(report, event, day))
    return tuple(lines)


def _status_line(report: SystemErrorReport, event: ReportEvent, day: str) -> str:
    """Return one status change as a line of the history."""
    if event.to_status == S.TAKEN_UP.value:
        meeting = report.meeting
        if meeting is not None and local(meeting.starts_at).date() <= local(event.occurred_at).date():
            return f"{day} Upptagen på ledningsgruppens möte {_day(meeting.starts_at)}"
        return f"{day} Upptagen av ledningsgruppen"
    label = S(event.to_status).label if event.to_status in S._value2member_map_ else event.to_status
    return _with_note(f"{day} {label}", event.note)


def _regional_lines(report: SystemErrorReport, cut_day: date) -> tuple[str, ...]:
    """Return the dated lines of the report's escalations and the replies, up to the cut."""
    lines = []
    for escalation in sorted(report.escalations, key=lambda e: (e.sent_on, e.id)):
        if escalation.sent_on > cut_day:
            continue
        line = f"{escalation.sent_on.isoformat()} Eskalerad till {escalation.body_label}"
        if escalation.channel:
            line += f" ({_plain(escalation.channel)})"
        replied = escalation.reply_received_on is not None and escalation.reply_received_on <= cut_day
        if not replied and escalation.reply_expected_by is not None:
            line += f", svar väntas senast {escalation.reply_expected_by.isoformat()}"
        lines.append(line)
        if replied:
            reply = f"{escalation.reply_received_on.isoformat()} Svar från {escalation.body_label}"
            lines.append(_with_note(reply, escalation.reply))
            if _plain(escalation.outcome):
                lines.append(
                    f"{escalation.reply_received_on.isoformat()} Utfall: {_plain(escalation.outcome)}"
                )
    return tuple(lines)


def _resolution(report: SystemErrorReport, status: str, cut: datetime) -> str | None:
    """Return what was done, as the report's last resolution up to the cut said it."""
    if status != S.RESOLVED.value:
        return None
    notes = [e.note for e in _events_to(report, cut) if e.to_status == S.RESOLVED.value and e.note]
    return (notes[-1] if notes else report.resolution) or None


def _handled(error: CountedError, year_start: datetime, cut: datetime) -> HandledError | None:
    """Return how a report resolved or escalated during the year was dealt with (None otherwise)."""
    report = error.report
    moves = [
        e
        for e in _events_to(report, cut)
        if e.kind == EventKind.STATUS.value and e.to_status in HANDLED and e.occurred_at >= year_start
    ]
    if not moves:
        return None
    level = Level(error.level).label if error.level in Level._value2member_map_ else error.level
    category = Category(error.category).label if error.category in Category._value2member_map_ else ""
    status = S(error.status).label
    if error.is_confidential:
        return HandledError(
            number=report.number or "",
            title=CONFIDENTIAL_TITLE,
            level=level,
            category=category,
            status=status,
            organisations=(),
            local=(),
            regional=(),
        )
    return HandledError(
        number=report.number or "",
        title=report.title,
        level=level,
        category=category,
        status=status,
        organisations=error.organisations,
        local=_local_lines(report, cut),
        regional=_regional_lines(report, local(cut).date()),
        resolution=_resolution(report, error.status, cut),
    )


def compute_errors(group_id: int, year_start: datetime, cut: datetime, day: str) -> ErrorFigures:
    """Return the system errors of a group's year up to the cut (``day`` names the cut in the
    last column: "31 december", or the report's date when earlier)."""
    reports = load_reports(group_id, year_start, cut) if year_start <= cut else []
    counted = [error for error in (count_report(r, year_start, cut) for r in reports) if error is not None]
    by_level, by_category, by_organisation = _tables(counted, day)
    handled = tuple(h for h in (_handled(e, year_start, cut) for e in counted) if h is not None)
    return ErrorFigures(tuple(counted), by_level, by_category, by_organisation, handled)


def per_level(counted: tuple[CountedError, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Return the open and the closed reports per level (in Level order), for the chart."""
    open_, closed = Counter(), Counter()
    for error in counted:
        (closed if error.is_closed else open_)[error.level] += 1
    return tuple(open_[level.value] for level in Level), tuple(closed[level.value] for level in Level)
