"""The standing agenda item *klientstatistik*: the latest quarter against the one before and the
same quarter a year earlier."""

from __future__ import annotations

from dataclasses import dataclass

from ..dates import local
from ..meetings.standing import plain, provider, record
from ..models import Meeting, Membership, StandingKind
from . import queries
from .queries import QuarterTotals
from .services import Quarter, mask_small

#: The rows of the comparison: (label, how to read it off a quarter).
ROWS = (
    ("Klienter vid kvartalets början", lambda s: s.clients_at_start),
    ("Nya klienter", lambda s: s.new_clients),
    ("Avslutade klienter", lambda s: s.closed_clients),
    ("Klienter vid kvartalets slut", lambda s: s.clients_at_end),
    ("Klienter med minderåriga barn", lambda s: s.with_minor_children),
    ("varav med hemmaboende barn", lambda s: s.with_children_at_home),
)


@dataclass
class Comparison:
    """The latest quarter entered by a day, the quarter before and the same quarter a year earlier."""

    latest: QuarterTotals
    previous: QuarterTotals | None
    year_earlier: QuarterTotals | None

    @property
    def rows(self) -> list[tuple[str, int, int | None, int | None]]:
        """Return (label, latest, previous, a year earlier) per row; None where not entered."""
        return [
            (
                label,
                value(self.latest),
                None if self.previous is None else value(self.previous),
                None if self.year_earlier is None else value(self.year_earlier),
            )
            for label, value in ROWS
        ]


def comparison(group_id: int, meeting: Meeting) -> Comparison | None:
    """Return the comparison as of a meeting's day (quarters begun by then), or None if none."""
    up_to = Quarter.of(local(meeting.starts_at).date())
    totals = queries.latest_totals(group_id, up_to.year, up_to.number)
    if not totals:
        return None
    entered = {Quarter(t.year, t.quarter): t for t in totals}
    latest = Quarter(totals[0].year, totals[0].quarter)
    return Comparison(totals[0], entered.get(latest.previous), entered.get(latest.a_year_earlier))


@provider(StandingKind.CLIENT_STATISTICS)
def client_statistics(meeting: Meeting, membership: Membership | None) -> dict:
    """The latest quarter's statistics against the one before and the same quarter a year earlier."""
    return {"statistics": comparison(meeting.group_id, meeting)}


@record(StandingKind.CLIENT_STATISTICS)
def record_client_statistics(meeting: Meeting, by: Membership | None) -> str:
    """The latest quarter's totals as the meeting found them, for the § (counts below five as
    "<5": the protokoll may be read outside the group)."""
    data = comparison(meeting.group_id, meeting)
    if data is None:
        return "Ingen klientstatistik var inrapporterad."
    latest = data.latest
    lines = [f"Klientstatistik för kvartal {latest.quarter} {latest.year}:", ""]
    for label, value, _previous, _earlier in data.rows:
        lines.append(f"- {label}: {plain(mask_small(value))}")
    return "\n".join(lines)
