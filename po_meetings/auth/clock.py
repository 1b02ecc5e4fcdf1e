"""The clock that sessions and login throttling read: one place for tests to move time."""

from __future__ import annotations

from datetime import datetime

from ..models import utcnow


def now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return utcnow()
