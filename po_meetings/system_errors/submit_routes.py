"""Routes of the register's guided form: a new report, the author's draft, the category field and
the look-alike reports while typing, and another occurrence of a report already in the register."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_login import current_user

from .. import answers
from ..answers import View
from ..htmx import render
from ..models import Municipality, ReportStatus, SystemErrorReport
from . import bp, queries, services, views
from .forms import OccurrenceForm

#: Told after an occurrence that reopened a finished report.
REOPENED = "Rapporten var avslutad men har återöppnats som inskickad, så att gruppen tar upp den igen."


def _submitting() -> bool:
    """Return whether the author submits the report (the default) rather than saves a draft."""
    return request.form.get("action", "submit") != "draft"


def _save(form, report: SystemErrorReport | None, submitting: bool):
    """Save the guided form as a draft or a submitted report; return whether it was saved."""
    return answers.attempt(
        services.save_report,
        g.group,
        current_user,
        form.values(),
        report=report,
        submit=submitting,
        form=form,
        field=form.title,
        keep_as="report",
    )


def _saved(report: SystemErrorReport, submitted: bool):
    """Answer a saved report: to "Mina rapporter" once submitted, back to the draft otherwise."""
    if submitted:
        return answers.saved(
            f"Rapporten är inskickad som {report.number}. Gruppen ser den nu.",
            to=url_for("system_errors.mine", group_id=g.group.id),
        )
    return answers.saved(
        "Utkastet är sparat. Bara du ser det tills du skickar in det.",
        to=url_for("system_errors.edit", group_id=g.group.id, number=services.url_number(report)),
    )


def _draft_or_redirect(number: str):
    """Return (the author's draft, None), or (None, a redirect) for a submitted report; 404 if not visible."""
    report = services.get_report(g.group, number, current_user, g.membership)
    if report is None:
        abort(404)
    if report.status != ReportStatus.DRAFT.value or report.reporter_id != current_user.id:
        flash("Rapporten är redan inskickad. Lägg till en kommentar eller en förekomst i stället.", "info")
        return None, redirect(
            url_for("system_errors.show", group_id=g.group.id, number=report.number), code=303
        )
    return report, None


@bp.get("/new")
def new(group_id):
    """Show the guided form for a new system error."""
    return View(views.NEW, views.new_context).render()


@bp.post("/new")
def create(group_id):
    """Save a new report as a draft, or submit it to the group."""
    submitting = _submitting()
    form = views.report_form(submitting=submitting)
    done = _save(form, None, submitting)
    if done:
        return _saved(done.value, submitting)
    return answers.refused(page=View(views.NEW, views.new_context))


@bp.get("/categories")
def categories(group_id):
    """Show the category field with the chosen level's categories (swapped in by htmx)."""
    return render(views.CATEGORIES, views.CATEGORY_FIELD, **views.categories_context())


@bp.get("/similar")
def similar(group_id):
    """Show visible reports of the group that look like the one being typed."""
    return render(views.SIMILAR, views.SIMILAR_LIST, **views.similar_context())


@bp.get("/<number>/edit")
def edit(group_id, number):
    """Show the guided form for the author's draft."""
    report, response = _draft_or_redirect(number)
    if response is not None:
        return response
    return View(views.EDIT, views.edit_context(report)).render()


@bp.post("/<number>/edit")
def update(group_id, number):
    """Save the author's draft again, or submit it."""
    report, response = _draft_or_redirect(number)
    if response is not None:
        return response
    submitting = _submitting()
    form = views.report_form(report, submitting=submitting)
    done = _save(form, report, submitting)
    if done:
        return _saved(done.value, submitting)
    return answers.refused(page=View(views.EDIT, lambda: views.edit_context(report)))


@bp.get("/<number>/occurrences/new")
def new_occurrence(group_id, number):
    """Show the form to add an occurrence to a report."""
    report = views.report_or_404(number)
    return View(views.NEW_OCCURRENCE, views.occurrence_context(report)).render()


@bp.post("/<number>/occurrences")
def add_occurrence(group_id, number):
    """Add another time the error was met; a finished report is reopened."""
    report = views.report_or_404(number)
    form = OccurrenceForm()
    form.set_choices(g.group.municipalities)
    was_finished = report.status_enum in services.FINISHED
    done = answers.attempt(
        services.add_occurrence,
        report,
        current_user,
        form.occurred_on.data,
        municipality=queries.in_group(Municipality, g.group.id, form.municipality_id.data),
        client_count=form.client_count.data,
        note=form.note.data,
        form=form,
        field=form.occurred_on,
        keep_as="occurrence",
    )
    if not done:
        page = View(views.NEW_OCCURRENCE, lambda: views.occurrence_context(queries.load_report(report.id)))
        return answers.refused(page=page)
    response = answers.saved("Förekomsten är tillagd.", to=views.report_url(report, "report-occurrences"))
    if was_finished:
        flash(REOPENED, "info")  # after the saved notice: the page shows the two in this order
    return response
