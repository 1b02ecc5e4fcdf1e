"""Counts, lists and lookups for the administrator's pages (names and sizes, never group content)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Group, Membership, Organisation, User


def counts() -> dict[str, int]:
    """Return how many accounts (and disabled ones), groups and organisations there are."""
    return {
        "users": db.session.scalar(select(func.count(User.id))),
        "disabled": db.session.scalar(select(func.count(User.id)).where(User.is_disabled)),
        "groups": db.session.scalar(select(func.count(Group.id))),
        "organisations": db.session.scalar(select(func.count(Organisation.id))),
    }


def groups() -> list[Group]:
    """Return every group by name, with its municipalities and members' accounts."""
    return db.session.scalars(
        select(Group)
        .order_by(Group.name)
        .options(
            selectinload(Group.municipalities),
            selectinload(Group.memberships).selectinload(Membership.user),
        )
    ).all()


def memberships_of(user: User) -> list[Membership]:
    """Return a user's active memberships with their groups (names only, no content)."""
    return db.session.scalars(
        select(Membership)
        .where(Membership.user_id == user.id, Membership.ended_at.is_(None))
        .options(selectinload(Membership.group))
    ).all()


def organisation(organisation_id) -> Organisation | None:
    """Return the organisation chosen in a form, or None."""
    return db.session.get(Organisation, organisation_id) if organisation_id else None
