"""Jinja filters for Swedish dates and times, shown in Europe/Stockholm, and for report counts."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from .dates import local

WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]


def format_date(value: date | datetime | None) -> str:
    """Format as 2025-03-04 (a datetime in Stockholm time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return value.strftime("%Y-%m-%d")


def format_datetime(value: datetime | None) -> str:
    """Format as 2025-03-04 14.05 in Stockholm time."""
    if value is None:
        return ""
    return local(value).strftime("%Y-%m-%d %H.%M")


def format_long(value: date | datetime | None) -> str:
    """Format as 'tisdag 4 mars 2025 kl. 14.05' (the time only for a datetime)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    text = f"{WEEKDAYS[value.weekday()]} {value.day} {MONTHS[value.month - 1]} {value.year}"
    if isinstance(value, datetime):
        text += f" kl. {value:%H.%M}"
    return text


def format_time(value: datetime | None) -> str:
    """Format as 14.05 in Stockholm time."""
    return "" if value is None else local(value).strftime("%H.%M")


def sentences(messages) -> str:
    """Join messages as sentences, adding the full stop that WTForms' own messages lack."""
    return " ".join(m if m.rstrip().endswith((".", "!", "?")) else f"{m}." for m in messages)


#: The one status palette: each status of each kind of thing maps to a tone, and each tone has one
#: look in app.css (``.status--<tone>``). The word is always shown; the colour only supports it.
STATUS_TONES: dict[str, dict[str, str]] = {
    "meeting": {
        "draft": "waiting",
        "called": "active",
        "in_progress": "active",
        "closed": "done",
        "approved": "done",
        "cancelled": "stopped",
    },
    "proposal": {"pending": "waiting", "accepted": "done", "declined": "stopped"},
    "report": {
        "draft": "waiting",
        "submitted": "waiting",
        "taken_up": "active",
        "in_progress": "active",
        "escalated": "escalated",
        "resolved": "done",
        "closed": "neutral",
    },
    "minutes": {"pending": "waiting", "approved": "done"},
}


def status_tone(status: str, kind: str) -> str:
    """Return the tone of a status of a kind of thing (``meeting``, ``proposal``, ``report``, ``minutes``)."""
    return STATUS_TONES[kind].get(status, "neutral")


def anchor(text: str) -> str:
    """Return an ASCII id fragment for a caption or title: "Systemfel per nivå" → "systemfel-per-niva"."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def init_app(app) -> None:
    """Register the date and text filters."""
    # The statistics package imports the meetings', whose notices import this module: the masking
    # rule ("<5") and the report's charts (which use it) are imported when the app is made, not
    # when this module loads.
    from .annual_reports import charts
    from .statistics.services import mask_small

    app.add_template_filter(mask_small, "masked")
    app.add_template_filter(anchor, "anchor")
    app.add_template_filter(charts.svg, "chart_svg")
    app.add_template_filter(charts.chart_id, "chart_id")
    app.add_template_filter(status_tone, "status_tone")
    app.add_template_filter(sentences, "sentences")
    app.add_template_filter(format_time, "time")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_long, "long_date")
