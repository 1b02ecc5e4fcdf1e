"""Routes of the client statistics: the quarters list and one quarter's entry page."""

from __future__ import annotations

from flask import g, url_for

from .. import answers
from ..answers import View
from . import bp, services, views
from .forms import CategoriesForm
from .services import CategoriesRefused, CountsRefused


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


@bp.get("/categories")
def categories(group_id):
    """Show the group's categories: how clients came into contact and the reasons for contact."""
    return View(views.CATEGORIES, views.categories_context).render()


@bp.post("/categories")
def update_categories(group_id):
    """Save the group's categories (the chair or vice chair)."""
    form = CategoriesForm()
    done = answers.attempt(
        services.set_all_categories,
        g.group.id,
        g.membership,
        form.lines(form.contact_ways.data),
        form.lines(form.contact_reasons.data),
        form=form,
        keep_as="categories",
    )
    if done:
        notice = "Kategorierna är sparade."
        return answers.saved(notice, to=url_for("statistics.categories", group_id=group_id))
    if isinstance(done.error, CategoriesRefused):
        # The refusal goes beside the list it concerns instead of at the top.
        field = form.contact_ways if done.error.kind == "contact_way" else form.contact_reasons
        form.form_errors.remove(done.message)
        field.errors = [*field.errors, done.message]
    return answers.refused(page=View(views.CATEGORIES, views.categories_context))
