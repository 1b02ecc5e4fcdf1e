"""The start page and what every page's header needs."""

from flask import Blueprint

from .. import permissions

bp = Blueprint("main", __name__)


def my_memberships():
    """Return the current user's active memberships with their groups, loaded once per request."""
    return permissions.my_memberships()


@bp.app_context_processor
def navigation():
    """Give every template the user's groups for the header."""
    return {"my_memberships": my_memberships}


from . import routes  # noqa: E402,F401
