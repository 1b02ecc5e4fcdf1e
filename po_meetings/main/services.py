"""The start page's own rules: remembering visits, and answering a kallelse from the start page."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, select
from sqlalchemy.dialects import postgresql, sqlite

from ..domain import DomainError
from ..extensions import db
from ..meetings import services as meeting_services
from ..models import Answer, Meeting, MeetingResponse, Membership, StartPageVisit, utcnow

#: A visit within this long of the last one is the same visit (reloads, coming back from a page).
SAME_VISIT = timedelta(hours=1)

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def record_visit(user_id: int, now: datetime | None = None) -> datetime | None:
    """Note a visit to the start page and return the visit before it (None on the first).

    One ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (as ``po_meetings.numbering`` takes its
    numbers): a visit more than an hour after the stored one moves it to ``previous_visit_at``;
    a visit within the hour changes nothing. Two tabs loading at once both land on the same row.
    It runs in a transaction of its own that begins with the write, so that a GET request, which
    only reads otherwise, never upgrades a read to a write on SQLite (see po_meetings.database).
    """
    now = now or utcnow()
    cutoff = now - SAME_VISIT
    table = StartPageVisit.__table__
    stale = table.c.visited_at < cutoff
    with db.engine.begin() as connection:
        insert = _INSERTS[connection.dialect.name](table)
        statement = (
            insert.values(user_id=user_id, visited_at=now, previous_visit_at=None)
            .on_conflict_do_update(
                index_elements=[table.c.user_id],
                set_={
                    "previous_visit_at": case((stale, table.c.visited_at), else_=table.c.previous_visit_at),
                    "visited_at": case((stale, insert.excluded.visited_at), else_=table.c.visited_at),
                },
            )
            .returning(table.c.previous_visit_at)
        )
        return connection.execute(statement).scalar_one()


def previous_visit(user_id: int) -> datetime | None:
    """Return the visit before the last one (what "since your last visit" counts from), if any."""
    return db.session.scalar(
        select(StartPageVisit.previous_visit_at).where(StartPageVisit.user_id == user_id)
    )


def answer_call(
    meeting: Meeting, by: Membership, answer: str | None, for_membership_id: int | str | None
) -> MeetingResponse:
    """Answer a kallelse from the start page: only for oneself, deltar or förhinder."""
    if for_membership_id is not None and for_membership_id != by.id:
        raise DomainError("Du kan bara svara på kallelsen för dig själv.")
    try:
        choice = Answer(answer)
    except ValueError:
        raise DomainError("Välj deltar eller förhinder.") from None
    return meeting_services.respond(meeting, by, choice)
