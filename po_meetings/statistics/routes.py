"""Routes of the client statistics: the quarters list and one quarter's entry page."""

from __future__ import annotations

from flask import g, url_for

from .. import answers
from ..answers import View
from . import bp, services, views
from .services import CountsRefused


@bp.get("")
def index(group_id):
    """List the quarters, entered or missing, the latest first."""
    return View(views.PAGE, views.page_context).render()


@bp.get("/<int:year>/<int:quarter>")
def edit(group_id, year, quarter):
    """Show a quarter's entry form, filled in if it has been entered."""
    return View(views.ENTRY, lambda: views.entry_context(year, quarter)).render()


@bp.post("/<int:year>/<int:quarter>")
def save(group_id, year, quarter):
    """Enter or edit a quarter's statistics (an ombud, the chair or the vice chair)."""
    form = views.posted_form()
    done = answers.attempt(
        lambda: services.save_quarter(
            g.group.id, g.membership, year, quarter, form.counts(), version=form.posted_version()
        ),
        form=form,
        keep_as=views.FORM_KEY,
        once=True,
    )
    if done:
        statistics = done.value
        verb = "sparad" if statistics.version == 1 else "ändrad"
        notice = f"Klientstatistiken för kvartal {quarter} {year} är {verb}."
        return answers.saved(notice, to=url_for("statistics.index", group_id=group_id), reload=True)
    if isinstance(done.error, CountsRefused):
        # Each wrong cell gets its own message; the summary stays at the top of the form.
        for cell, message in done.error.problems:
            field = form.field_of(cell)
            if field is not None:
                field.errors = [*field.errors, message]
    entry = View(views.ENTRY, lambda: views.entry_context(year, quarter))
    fragment = View(views.ENTRY_FORM, lambda: views.entry_context(year, quarter))
    return answers.refused(fragment=fragment, page=entry)
