"""The register's standing agenda item: the system errors the group has yet to take up."""

from __future__ import annotations

from ..meetings.standing import provider
from ..models import Meeting, Membership, StandingKind
from . import services


@provider(StandingKind.NEW_SYSTEM_ERRORS)
def new_system_errors(meeting: Meeting, membership: Membership | None) -> dict:
    """System errors submitted since the last meeting and not yet taken up: the oldest first,
    up to the meeting's cap; the rest are listed as waiting for a later meeting."""
    reports = services.new_since_last_meeting(meeting, membership)
    cap = meeting.max_new_system_errors
    return {"reports": reports[:cap], "waiting": reports[cap:], "cap": cap}
