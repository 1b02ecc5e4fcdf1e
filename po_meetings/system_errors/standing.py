"""The register's standing agenda item: the system errors the group has yet to take up."""

from __future__ import annotations

from ..meetings.standing import plain, provider, record
from ..models import Meeting, Membership, ReportStatus, StandingKind
from . import queries

#: The register's filters that list exactly the reports still waiting, oldest first (the
#: query string of the agenda's link; see forms.ReportFilterForm and queries.apply_filters).
WAITING_FILTERS = {"status": ReportStatus.SUBMITTED.value, "sort": "oldest"}


@provider(StandingKind.NEW_SYSTEM_ERRORS)
def new_system_errors(meeting: Meeting, membership: Membership | None) -> dict:
    """Every system error the group has not yet taken up, whenever it was submitted: the oldest
    up to the meeting's cap listed, the rest counted and linked to the register."""
    cap = meeting.max_new_system_errors
    reports, total = queries.waiting_to_be_taken_up(meeting, membership, cap)
    return {
        "reports": reports,
        "total": total,
        "waiting": total - len(reports),
        "cap": cap,
        "register_filters": WAITING_FILTERS,
    }


@record(StandingKind.NEW_SYSTEM_ERRORS)
def record_waiting(meeting: Meeting, by: Membership | None) -> str:
    """The reports on the table when the meeting started, by number, for the § (a confidential
    report by its number only, since the § may be read without sekretess)."""
    reports, total = queries.waiting_to_be_taken_up(meeting, by, meeting.max_new_system_errors)
    if not total:
        return "Inga systemfel väntade på att tas upp."
    lines = ["Systemfel som väntade på att tas upp:", ""]
    for report in reports:
        title = "(sekretess)" if report.is_confidential else plain(report.title)
        lines.append(f"- {report.number} {title}")
    if total > len(reports):
        lines.append(f"- och {total - len(reports)} till som väntar i registret")
    return "\n".join(lines)
