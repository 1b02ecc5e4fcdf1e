"""Routes of the group search."""

from __future__ import annotations

from ..htmx import render
from ..inputs import int_arg
from . import bp, views


@bp.get("")
def index(group_id):
    """Search the group's decisions, §§, agenda items and system errors; results by kind."""
    return render(views.PAGE, views.RESULTS, **views.page_context(int_arg("page", 1)))
