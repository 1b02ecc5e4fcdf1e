"""What services raise when a rule of the domain is broken, and how thin routes commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort

from .extensions import db


class DomainError(ValueError):
    """A rule of the domain was broken; the message is Swedish and meant for the user."""


def get_or_404(model, object_id):
    """Return an object by primary key or answer 404."""
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


def commit_or_error(field, action: Callable[..., Any], *args, **kwargs):
    """Run one service call and commit its work; return what it returned.

    When the service refuses (DomainError), roll back so nothing is half-saved, put the
    message beside the form field it concerns and return None.
    """
    try:
        result = action(*args, **kwargs)
    except DomainError as error:
        db.session.rollback()
        field.errors.append(str(error))
        return None
    db.session.commit()
    return result
