"""Routes of the decision log: every decision of the group, filtered a page at a time, and its CSV."""

from __future__ import annotations

from datetime import date

from .. import csv_export
from ..htmx import render
from ..inputs import int_arg
from . import bp, views


@bp.get("/decisions")
def index(group_id):
    """List the group's decisions with how they were taken and how their follow-up stands."""
    return render(views.INDEX, views.LIST, **views.list_context(int_arg("page", 1)))


@bp.get("/decisions.csv")
def export(group_id):
    """Download the log as filtered (every page) as CSV for Excel."""
    return csv_export.download(views.export_csv(), f"decisions-{date.today().isoformat()}.csv")
