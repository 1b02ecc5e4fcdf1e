"""Start a demo meeting as it was held back then.

When a meeting starts, its standing items write what was on the table into the § (the reports
waiting to be taken up, see :mod:`po_meetings.system_errors.standing`). The demo starts its past
meetings today, when the register already holds the reports of later months, so the § would list
this year's reports in last year's minutes. :func:`start_as_held` starts the meeting through the
service and then writes the reports that were waiting on that day instead: submitted before the
meeting, and still waiting or taken up at that meeting or a later one.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..meetings import services as meetings
from ..meetings.standing import plain
from ..models import Meeting, ReportStatus, SystemErrorReport
from . import services

#: The text the standing item records (system_errors.standing.record_waiting), list and all.
_RECORDED = re.compile(
    r"Systemfel som väntade på att tas upp:\n\n- [^\n]*(?:\n- [^\n]*)*|Inga systemfel väntade på att tas upp\."
)


def start_as_held(meeting: Meeting) -> None:
    """Start a past demo meeting and record the reports that waited at it on its day."""
    meetings.start_meeting(meeting)
    record = _waiting_then(meeting)
    for paragraph in services.minutes_of(meeting).paragraphs:
        if paragraph.body and _RECORDED.search(paragraph.body):
            # Set directly: the § is as the opening wrote it, only with the register of that day.
            paragraph.body = _RECORDED.sub(lambda _match: record, paragraph.body, count=1)


def _waiting_then(meeting: Meeting) -> str:
    """Return the record of the reports waiting when the meeting started (as the opening words it)."""
    taken_up_at = aliased(Meeting)
    reports = db.session.scalars(
        select(SystemErrorReport)
        .outerjoin(taken_up_at, SystemErrorReport.meeting_id == taken_up_at.id)
        .where(
            SystemErrorReport.group_id == meeting.group_id,
            SystemErrorReport.submitted_at < meeting.starts_at,
            (SystemErrorReport.status == ReportStatus.SUBMITTED.value)
            | (taken_up_at.starts_at >= meeting.starts_at),
        )
        .order_by(SystemErrorReport.submitted_at, SystemErrorReport.id)
    ).all()
    if not reports:
        return "Inga systemfel väntade på att tas upp."
    cap = meeting.max_new_system_errors
    lines = ["Systemfel som väntade på att tas upp:", ""]
    for report in reports[:cap]:
        title = "(sekretess)" if report.is_confidential else plain(report.title)
        lines.append(f"- {report.number} {title}")
    if len(reports) > cap:
        lines.append(f"- och {len(reports) - cap} till som väntar i registret")
    return "\n".join(lines)
