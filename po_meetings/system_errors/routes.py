"""Routes of the systemfel register's lists: the filtered and searched list, its CSV export and
"Mina rapporter". One report's page is in report_routes.py, the guided form in submit_routes.py."""

from __future__ import annotations

from datetime import date

from .. import csv_export
from ..answers import View
from ..htmx import render
from ..inputs import int_arg
from . import bp, views


@bp.get("")
def index(group_id):
    """List the group's reports, filtered, searched, sorted and a page at a time."""
    return render(views.INDEX, views.LIST, **views.list_context(int_arg("page", 1)))


@bp.get("/export.csv")
def export(group_id):
    """Download the current list (same filters, every page) as CSV for Excel."""
    return csv_export.download(views.export_csv(), f"systemfel-{date.today().isoformat()}.csv")


@bp.get("/mine")
def mine(group_id):
    """Show the member's own reports and drafts, and those they follow, with their last event."""
    return View(views.MINE, views.mine_context).render()
