"""Lists the minutes page reads besides the minutes themselves."""

from __future__ import annotations

from sqlalchemy import case, select

from ..extensions import db
from ..models import ReportStatus, SystemErrorReport

#: Report statuses that count as done when the link form orders its list.
DONE_REPORT_STATUSES = (ReportStatus.RESOLVED.value, ReportStatus.CLOSED.value)


def reports_to_link(group_id: int, limit: int) -> list[SystemErrorReport]:
    """Return the group's submitted reports a decision can be linked to: open ones first, newest first."""
    done = case((SystemErrorReport.status.in_(DONE_REPORT_STATUSES), 1), else_=0)
    return db.session.scalars(
        select(SystemErrorReport)
        .where(
            SystemErrorReport.group_id == group_id,
            SystemErrorReport.status != ReportStatus.DRAFT.value,
        )
        .order_by(done, SystemErrorReport.number_year.desc(), SystemErrorReport.number_seq.desc())
        .limit(limit)
    ).all()
