"""The start page and what every page's header needs."""

from flask import Blueprint, g
from flask_login import current_user

from . import queries

bp = Blueprint("main", __name__)


def my_memberships():
    """Return the current user's active memberships with their groups, loaded once per request."""
    if not current_user.is_authenticated:
        return []
    if "my_memberships" not in g:
        g.my_memberships = queries.active_memberships(current_user.id)
    return g.my_memberships


@bp.app_context_processor
def navigation():
    """Give every template the user's groups for the header."""
    return {"my_memberships": my_memberships}


from . import routes  # noqa: E402,F401
