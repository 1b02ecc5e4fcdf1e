"""Standing agenda items that fill themselves from the group's records.

Each kind has a provider that returns what its fragment ``meetings/standing/_<kind>.html``
shows. The areas above the meetings register their own providers with :func:`provider`
(``po_meetings/minutes/standing.py``: follow-up; ``po_meetings/system_errors/standing.py``: new
system errors), so this module never imports them.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from ..extensions import db
from ..models import Meeting, Membership, Minutes, StandingKind
from . import services

Provider = Callable[[Meeting, Membership | None], dict]
PROVIDERS: dict[StandingKind, Provider] = {}


def provider(kind: StandingKind):
    """Register the function that fills one kind of standing item."""

    def register(function: Provider) -> Provider:
        PROVIDERS[kind] = function
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


@provider(StandingKind.CLIENT_STATISTICS)
def client_statistics(meeting: Meeting, membership: Membership | None) -> dict:
    """The latest aggregate client statistics from the ombuds."""
    return {"statistics": None}


def fill(meeting: Meeting, membership: Membership | None, items) -> dict[str, dict]:
    """Return the context of every standing kind on the agenda, each computed once."""
    kinds = {item.standing_kind for item in items if item.standing_kind}
    return {kind: PROVIDERS[StandingKind(kind)](meeting, membership) for kind in kinds}
