"""The minutes' standing agenda item: what the group decided and has not yet followed up."""

from __future__ import annotations

from ..meetings.standing import provider
from ..models import Meeting, Membership, StandingKind
from . import services


@provider(StandingKind.FOLLOW_UP)
def follow_up(meeting: Meeting, membership: Membership | None) -> dict:
    """Every open action item and återrapportering from earlier meetings, overdue ones marked;
    those in confidential §§ are left out for ombuds and co-opted members."""
    open_rows = services.open_follow_ups(meeting.group_id, membership, before=meeting.starts_at)
    return {
        "actions": open_rows.actions,
        "organisation_follow_ups": open_rows.organisation_follow_ups,
        "today": open_rows.today,
    }
