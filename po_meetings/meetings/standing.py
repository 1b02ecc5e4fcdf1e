"""Standing agenda items that fill themselves from the group's records.

Each kind has a provider that returns what its fragment ``meetings/standing/_<kind>.html``
shows. The areas above the meetings register their own providers with :func:`provider`
(``po_meetings/minutes/standing.py``: follow-up; ``po_meetings/system_errors/standing.py``: the
system errors waiting to be taken up; ``po_meetings/statistics/standing.py``: the client
statistics), so this module never imports them.

A *section* is the same for a block that every agenda shows, whatever items its template has
(the tabled matters, registered by the minutes): its provider returns what the fragment
``meetings/_<name>.html`` shows, or None when the meeting has nothing of it to show.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from ..dates import local
from ..extensions import db
from ..models import Meeting, Membership, Minutes, StandingKind
from . import services

Provider = Callable[[Meeting, Membership | None], dict]
#: What the protokoll records of a standing item when the meeting starts: Markdown, or None.
Record = Callable[[Meeting, Membership | None], str | None]
RECORDS: dict[StandingKind, Record] = {}
PROVIDERS: dict[StandingKind, Provider] = {}
Section = Callable[[Meeting, Membership | None], dict | None]
#: Blocks under every agenda, by name (shown with ``meetings/_<name>.html``), in registration order.
SECTIONS: dict[str, Section] = {}


def provider(kind: StandingKind):
    """Register the function that fills one kind of standing item."""

    def register(function: Provider) -> Provider:
        PROVIDERS[kind] = function
        return function

    return register


def record(kind: StandingKind):
    """Register the function that writes one kind of standing item into its § (what was on the
    table, so the protokoll records it; the secretary may edit it like any other text)."""

    def register(function: Record) -> Record:
        RECORDS[kind] = function
        return function

    return register


def recorded(meeting: Meeting, kind: str | None, by: Membership | None) -> str | None:
    """Return the Markdown a standing item of ``kind`` puts into its §, or None."""
    if not kind or StandingKind(kind) not in RECORDS:
        return None
    return RECORDS[StandingKind(kind)](meeting, by)


#: Characters that would turn a title into Markdown markup in a §.
_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|"})


def plain(text: str) -> str:
    """Return ``text`` escaped so that Markdown shows it as it is."""
    return text.translate(_MARKDOWN_SPECIAL)


def section(name: str):
    """Register the function that fills one block shown under every agenda."""

    def register(function: Section) -> Section:
        SECTIONS[name] = function
        return function

    return register


@provider(StandingKind.PREVIOUS_MINUTES)
def previous_minutes(meeting: Meeting, membership: Membership | None) -> dict:
    """The previous meeting and its minutes: justerade (when) or still to be approved."""
    previous = services.previous_meeting(meeting)
    minutes = None
    if previous is not None:
        minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == previous.id))
    return {"previous": previous, "minutes": minutes}


@record(StandingKind.PREVIOUS_MINUTES)
def record_previous_minutes(meeting: Meeting, by: Membership | None) -> str | None:
    """The previous meeting's protokoll as the meeting found it: justerat or not yet."""
    data = previous_minutes(meeting, by)
    previous, minutes = data["previous"], data["minutes"]
    if previous is None:
        return None
    day = local(previous.starts_at).date().isoformat()
    if minutes is None:
        return f"Föregående möte {day} har inget protokoll."
    if minutes.approved_at is not None:
        return f"Protokollet från mötet {day} är justerat {local(minutes.approved_at).date().isoformat()}."
    return f"Protokollet från mötet {day} är ännu inte justerat."


def fill(meeting: Meeting, membership: Membership | None, items) -> dict[str, dict]:
    """Return the context of every standing kind on the agenda, each computed once."""
    kinds = {item.standing_kind for item in items if item.standing_kind}
    return {kind: PROVIDERS[StandingKind(kind)](meeting, membership) for kind in kinds}


def sections(meeting: Meeting, membership: Membership | None) -> dict[str, dict]:
    """Return the context of every registered block that has something to show, by name."""
    filled = {name: function(meeting, membership) for name, function in SECTIONS.items()}
    return {name: data for name, data in filled.items() if data is not None}
