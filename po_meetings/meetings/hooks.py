"""What other areas do when a meeting changes: registered from above, called from below.

The minutes sit above the meetings (they import the meeting's services), so a meeting that
starts cannot import the minutes to open them. Instead the minutes register here, as the
standing-item providers register in :mod:`po_meetings.meetings.standing`.
"""

from __future__ import annotations

from collections.abc import Callable

from ..models import Meeting

MeetingHook = Callable[[Meeting], object]

#: Called, in order, when a meeting goes to pågår (the minutes open).
ON_START: list[MeetingHook] = []


def on_start(function: MeetingHook) -> MeetingHook:
    """Register a function to run when a meeting starts."""
    if function not in ON_START:
        ON_START.append(function)
    return function


def meeting_started(meeting: Meeting) -> None:
    """Run what the other areas do when a meeting starts."""
    if not ON_START:  # the minutes area was not loaded: starting would lose the minutes
        raise RuntimeError("No area handles a meeting's start; import po_meetings.minutes.")
    for function in ON_START:
        function(meeting)
