"""The start page and what every page's header needs."""

from flask import Blueprint, g
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

bp = Blueprint("main", __name__)


def my_memberships():
    """Return the current user's active memberships with their groups, loaded once per request."""
    if not current_user.is_authenticated:
        return []
    if "my_memberships" not in g:
        from ..extensions import db
        from ..models import Group, Membership

        g.my_memberships = db.session.scalars(
            select(Membership)
            .join(Membership.group)
            .options(contains_eager(Membership.group))
            .where(Membership.user_id == current_user.id, Membership.ended_at.is_(None))
            .order_by(Group.name)
        ).all()
    return g.my_memberships


@bp.app_context_processor
def navigation():
    """Give every template the user's groups for the header."""
    return {"my_memberships": my_memberships}


from . import routes  # noqa: E402,F401
