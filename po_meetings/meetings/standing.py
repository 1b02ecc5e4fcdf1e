"""Standing agenda items that fill themselves from the group's records.

Each kind has a provider that returns what its fragment ``meetings/standing/_<kind>.html``
shows. The minutes, decisions and system-error issues replace the providers' empty parts with
their records; the mechanism and the fragments stay.
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


@provider(StandingKind.FOLLOW_UP)
def follow_up(meeting: Meeting, membership: Membership | None) -> dict:
    """Every open action item and återrapportering from earlier meetings, overdue ones marked;
    those in confidential §§ are left out for ombuds and co-opted members."""
    from ..minutes import services as minutes_services

    open_rows = minutes_services.open_follow_ups(meeting.group_id, membership, before=meeting.starts_at)
    return {
        "actions": open_rows.actions,
        "organisation_follow_ups": open_rows.organisation_follow_ups,
        "today": open_rows.today,
    }


@provider(StandingKind.NEW_SYSTEM_ERRORS)
def new_system_errors(meeting: Meeting, membership: Membership | None) -> dict:
    """System errors submitted since the last meeting and not yet taken up: the oldest first,
    up to the meeting's cap; the rest are listed as waiting for a later meeting."""
    from ..system_errors import services as register

    reports = register.new_since_last_meeting(meeting, membership)
    cap = meeting.max_new_system_errors
    return {"reports": reports[:cap], "waiting": reports[cap:], "cap": cap}


@provider(StandingKind.CLIENT_STATISTICS)
def client_statistics(meeting: Meeting, membership: Membership | None) -> dict:
    """The latest aggregate client statistics from the ombuds."""
    return {"statistics": None}


def fill(meeting: Meeting, membership: Membership | None, items) -> dict[str, dict]:
    """Return the context of every standing kind on the agenda, each computed once."""
    kinds = {item.standing_kind for item in items if item.standing_kind}
    return {kind: PROVIDERS[StandingKind(kind)](meeting, membership) for kind in kinds}
