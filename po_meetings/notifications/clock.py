"""The clock that notifications and reminders read: one place for tests to freeze time."""

from __future__ import annotations

from datetime import date, datetime

from ..dates import local
from ..models import utcnow


def now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return utcnow()


def today() -> date:
    """Return today's date in Sweden."""
    return local(now()).date()
