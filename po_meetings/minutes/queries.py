"""Lists the minutes page reads besides the minutes themselves."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import ReportStatus, SystemErrorReport
from ..models.system_error import ReportLabels

#: Report statuses that count as done when the link form orders its list.
DONE_REPORT_STATUSES = (ReportStatus.RESOLVED.value, ReportStatus.CLOSED.value)


@dataclass(frozen=True, slots=True)
class LinkChoice(ReportLabels):
    """A report the link form offers, read as plain values (its number, title and status)."""

    id: int
    number_year: int | None
    number_seq: int | None
    title: str
    status: str


def _choices(group_id: int, statuses, exclude: bool, limit: int) -> list[LinkChoice]:
    """Return up to ``limit`` of the group's reports in (or, ``exclude``, not in) ``statuses``,
    newest first: a walk backwards along the (group, year, number) index."""
    R = SystemErrorReport
    status = R.status.not_in(statuses) if exclude else R.status.in_(statuses)
    query = (
        select(R.id, R.number_year, R.number_seq, R.title, R.status)
        .where(R.group_id == group_id, status)
        .order_by(R.number_year.desc(), R.number_seq.desc())
        .limit(limit)
    )
    return [LinkChoice(*row) for row in db.session.execute(query)]


def reports_to_link(group_id: int, limit: int) -> list[LinkChoice]:
    """Return the group's submitted reports a decision can be linked to: open ones first, newest first.

    The open ones and, if they are fewer than ``limit``, the done ones are two index walks; one
    ``ORDER BY`` over both would sort every report of the group (~50 ms at 20,000 reports).
    """
    reports = _choices(group_id, (ReportStatus.DRAFT.value, *DONE_REPORT_STATUSES), True, limit)
    if len(reports) < limit:
        reports += _choices(group_id, DONE_REPORT_STATUSES, False, limit - len(reports))
    return reports
