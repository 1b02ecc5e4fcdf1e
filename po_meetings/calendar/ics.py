"""iCalendar (RFC 5545) for meetings: times in UTC, never any agenda text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from flask import url_for
from icalendar import Calendar, Event, vDuration

from ..models import Meeting, MeetingStatus, utcnow

PRODID = "-//po_meetings//SV"

#: The iCalendar STATUS of each meeting status: a draft is tentative, a cancelled one cancelled.
EVENT_STATUS = {
    MeetingStatus.DRAFT: "TENTATIVE",
    MeetingStatus.CALLED: "CONFIRMED",
    MeetingStatus.IN_PROGRESS: "CONFIRMED",
    MeetingStatus.CLOSED: "CONFIRMED",
    MeetingStatus.APPROVED: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
}


def meeting_uid(meeting: Meeting) -> str:
    """Return the meeting's UID, stable for its whole life so clients update one event."""
    return f"meeting-{meeting.id}@po-meetings"


def location(meeting: Meeting) -> str | None:
    """Return where the meeting is: the place, the video link, or both."""
    if meeting.place and meeting.video_link:
        return f"{meeting.place} (video: {meeting.video_link})"
    return meeting.place or meeting.video_link


def event(meeting: Meeting, stamp) -> Event:
    """Return the VEVENT of one meeting.

    Times are UTC (``...Z``): the client shows them in its own zone, so daylight-saving
    changes need no VTIMEZONE. The description only links to the meeting page, because the
    agenda may be confidential and calendars are shared and synced to phones.
    """
    link = url_for("meetings.show", group_id=meeting.group_id, meeting_id=meeting.id, _external=True)
    vevent = Event()
    vevent.add("uid", meeting_uid(meeting))
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", meeting.starts_at)
    vevent.add("dtend", meeting.ends_at)
    vevent.add("summary", f"{meeting.title} – {meeting.group.name}")
    where = location(meeting)
    if where:
        vevent.add("location", where)
    vevent.add("url", link)
    vevent.add("description", f"Dagordning och kallelse: {link}")
    vevent.add("sequence", meeting.notice_count or 0)
    vevent.add("status", EVENT_STATUS[meeting.status_enum])
    return vevent


def calendar_bytes(meetings: Iterable[Meeting], name: str, refresh: timedelta | None = None) -> bytes:
    """Return an iCalendar file with one event per meeting; ``refresh`` hints how often to poll."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Stockholm")
    if refresh is not None:
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(refresh))
    stamp = utcnow().replace(microsecond=0)
    for meeting in meetings:
        calendar.add_component(event(meeting, stamp))
    return calendar.to_ical()
