"""The user's groups, for the start page and every page's header."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import Group, Membership


def active_memberships(user_id: int) -> list[Membership]:
    """Return a user's active memberships with their groups, by the group's name."""
    return db.session.scalars(
        select(Membership)
        .join(Membership.group)
        .options(contains_eager(Membership.group))
        .where(Membership.user_id == user_id, Membership.ended_at.is_(None))
        .order_by(Group.name)
    ).all()
