"""Finding a meeting and its parts from a URL: what the caller may not see is 404."""

from __future__ import annotations

from flask import abort, g

from . import services


def meeting_or_404(meeting_id: int):
    """Return a meeting of the current group that the caller may see, or answer 404."""
    meeting = services.get_meeting(g.group, meeting_id, g.membership)
    if meeting is None:
        abort(404)
    return meeting


def item_or_404(meeting, item_id: int):
    """Return an item of the meeting that the caller may see (404 for hidden confidential items)."""
    item = services.get_item(meeting, item_id)
    if item is None or item not in services.visible_items(meeting, g.membership):
        abort(404)
    return item


def proposal_or_404(meeting, proposal_id: int):
    """Return a proposal for the meeting, or answer 404."""
    proposal = services.get_proposal(meeting, proposal_id)
    if proposal is None:
        abort(404)
    return proposal
