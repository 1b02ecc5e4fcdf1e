"""Routes for the minutes (being written by the routes work)."""

from flask import abort

from . import bp


@bp.get("/")
def show(group_id, meeting_id):
    """Show the minutes."""
    abort(404)
