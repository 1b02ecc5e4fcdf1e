"""What the chair sees before closing the meeting: a summary of the minutes and the last step.

Closing freezes attendance, jäv, decisions, votes and reservations, so the close button first
shows this page (minutes/confirm_close.html): what stops the close, and what may be a slip
(empty §§, §§ without a decision, §§ that were not quorate, presences not given). Closing then
takes a second, explicit press of a button on this page: a real form step, no ``confirm()``.
"""

from __future__ import annotations

from flask import g

from ..answers import View
from ..forms import ConfirmForm
from . import lookups, services

CONFIRM_CLOSE = "minutes/confirm_close.html"


def confirm_close_context(meeting_id: int) -> dict:
    """Return what the closing summary needs, read anew."""
    meeting, minutes = lookups.load(meeting_id)
    summary = services.closing_summary(minutes)
    return {
        "group": meeting.group,
        "meeting": meeting,
        "minutes": minutes,
        "summary": summary,
        "form": ConfirmForm(formdata=None, data={"confirm": "yes"}),
        "sees_confidential": services.sees_confidential(g.membership),
    }


def confirm_close_view(meeting_id: int) -> View:
    """Return the closing summary page, read when the answer is rendered."""
    return View(CONFIRM_CLOSE, lambda: confirm_close_context(meeting_id))
