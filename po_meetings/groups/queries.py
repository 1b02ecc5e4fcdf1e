"""Lists and lookups the group pages need beyond the group's own services."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Organisation


def organisations() -> list[Organisation]:
    """Return every organisation, by name."""
    return db.session.scalars(select(Organisation).order_by(Organisation.name)).all()


def by_id(model, object_id):
    """Return the object for an id chosen in a form, or None."""
    return db.session.get(model, object_id) if object_id is not None else None
