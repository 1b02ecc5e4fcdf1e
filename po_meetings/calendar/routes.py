"""The private calendar feed: authenticated by the secret token in its URL, not by a session."""

from datetime import timedelta

from flask import Response, abort

from . import bp, ics, services

CALENDAR_NAME = "Mina möten – PO-ledningsgrupp"


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    """Serve a user's meetings as an iCalendar feed; an unknown or revoked token is 404."""
    user = services.user_for_token(token)
    if user is None:
        abort(404)
    body = ics.calendar_bytes(services.feed_meetings(user), CALENDAR_NAME, refresh=timedelta(hours=1))
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
