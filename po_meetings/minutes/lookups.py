"""Finding the minutes and their parts from a URL: what the caller may not see is 404."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import abort, g

from ..domain import DomainError
from ..extensions import db
from ..meetings import services as meeting_services
from . import services


def load(meeting_id: int):
    """Return the meeting of this group (that the caller may see) and its minutes, or answer 404."""
    meeting = meeting_services.get_meeting(g.group, meeting_id, g.membership, agenda=False)
    minutes = services.minutes_of(meeting) if meeting is not None else None
    if minutes is None:
        abort(404)
    return meeting, minutes


def minutes_or_404(meeting_id: int):
    """Return the minutes of a meeting of this group that the caller may see, or answer 404."""
    return load(meeting_id)[1]


def paragraph_or_404(minutes, paragraph_id: int):
    """Return a § the caller may see (confidential §§ are 404 for ombuds and co-opted members)."""
    paragraph = services.get_paragraph(minutes, paragraph_id, g.membership)
    if paragraph is None:
        abort(404)
    return paragraph


def decision_or_404(minutes, decision_id: int):
    """Return a decision in a § the caller may see, or answer 404."""
    decision = services.get_decision(minutes, decision_id, g.membership)
    if decision is None:
        abort(404)
    return decision


def find_or_404(minutes, collect: Callable[[object], Iterable], object_id: int):
    """Return (its §, the object) with this id among what ``collect(paragraph)`` gives for the §§
    the caller may see, or answer 404."""
    for paragraph in services.visible_paragraphs(minutes, g.membership):
        for obj in collect(paragraph):
            if obj.id == object_id:
                return paragraph, obj
    abort(404)


def in_group(model, object_id):
    """Return a row of this group by id, or None (an id from a select is never trusted)."""
    if not isinstance(object_id, int):
        return None
    obj = db.session.get(model, object_id)
    return obj if obj is not None and obj.group_id == g.group.id else None


def chosen(model, object_id, refusal: str):
    """Return the row of this group a form's select names, or refuse with ``refusal`` (the choice
    is then shown again beside its field)."""
    obj = in_group(model, object_id)
    if obj is None:
        raise DomainError(refusal)
    return obj
