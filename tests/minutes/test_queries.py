"""The lists the minutes page reads besides the minutes (po_meetings/minutes/queries.py)."""

from __future__ import annotations

from sqlalchemy import select

from po_meetings.extensions import db
from po_meetings.minutes import queries
from po_meetings.models import ReportStatus, SystemErrorReport


def _label(report) -> str:
    """Return the report's option in the link form (ReportLinkForm.set_choices)."""
    return f"{report.number} {report.title} ({report.status_label.lower()})"


def test_the_link_form_offers_open_reports_first_then_done_ones_newest_first(app, demo):
    with app.app_context():
        reports = db.session.scalars(
            select(SystemErrorReport).where(
                SystemErrorReport.group_id == demo.group_id,
                SystemErrorReport.status != ReportStatus.DRAFT.value,
            )
        ).all()
        done = set(queries.DONE_REPORT_STATUSES)
        expected = [
            (r.id, _label(r))
            for r in sorted(reports, key=lambda r: (r.status in done, -r.number_year, -r.number_seq))
        ]
        open_count = sum(1 for r in reports if r.status not in done)
        assert 1 < open_count < len(expected), "the demo has open and done reports"
        for limit in (1, open_count, open_count + 1, len(expected) + 5):
            offered = queries.reports_to_link(demo.group_id, limit)
            assert [(r.id, _label(r)) for r in offered] == expected[:limit], limit
