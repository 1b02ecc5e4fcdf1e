"""Swedish time: the group works in Europe/Stockholm, the database stores UTC.

A leaf module (it imports nothing of the app's), so that models, services of every area,
numbering and the template filters can all import it without a circle.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(value: datetime) -> datetime:
    """Return an aware (UTC) time as Stockholm time."""
    return value.astimezone(STOCKHOLM)


def local_datetime(day: date, clock: time) -> datetime:
    """Return the UTC time of a date and clock time in Stockholm."""
    return datetime.combine(day, clock, tzinfo=STOCKHOLM).astimezone(UTC)


def local_year(moment: datetime) -> int:
    """Return the calendar year in Sweden at a moment."""
    return local(moment).year
