"""What services raise when a rule of the domain is broken, and how thin routes commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort

from .extensions import db
from .personnummer import DEFAULT_MESSAGE, contains_personnummer


class DomainError(ValueError):
    """A rule of the domain was broken; the message is Swedish and meant for the user."""


def refuse_personnummer(*texts: str | None) -> None:
    """Refuse text with a personnummer as a broken rule, so the user gets the message beside
    the field (the database guard would stop it too, but only as a whole-page error)."""
    if any(contains_personnummer(text) for text in texts):
        raise DomainError(DEFAULT_MESSAGE)


def clean_text(value: str | None, limit: int, what: str) -> str | None:
    """Return trimmed optional text, refusing it when too long."""
    value = (value or "").strip() or None
    if value is not None and len(value) > limit:
        raise DomainError(f"{what} får vara högst {limit} tecken.")
    return value


def get_or_404(model, object_id):
    """Return an object by primary key or answer 404."""
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def commit_or_refusal(action: Callable[..., Any], *args, **kwargs) -> tuple[Any, DomainError | None]:
    """Run one service call and commit its work; return (what it returned, None).

    When the service refuses (DomainError), roll back so nothing is half-saved and return
    (None, the refusal).
    """
    try:
        result = action(*args, **kwargs)
    except DomainError as error:
        db.session.rollback()
        return None, error
    db.session.commit()
    return result, None
