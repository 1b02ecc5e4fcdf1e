"""Demo: last year's report was marked final once and opened again for a correction.

So a newcomer finds both sides of a report's life: the draft being corrected (version 2, the
parts still to write) and version 1 as it was frozen, readable with its PDF's checksum. Runs
after :func:`po_meetings.annual_reports.demo.seed_annual_report`, through the same services as
the pages.
"""

from __future__ import annotations

from ..models import Group, Role
from . import services

REASON = (
    "Redovisningen markerades som slutlig för tidigt: riktlinjerna, prioriteringsordningen och de "
    "planerade förändringarna saknas."
)


def seed_first_version(group: Group) -> None:
    """Mark last year's demo report final (version 1) as the chair, then open it for a correction."""
    report = services.find(group.id, services.current_year() - 1)
    if report is None:
        return
    chair = next(m for m in group.memberships if m.role == Role.CHAIR.value and m.ended_at is None)
    services.finalise(report, chair)
    services.correct(report, chair, REASON)
