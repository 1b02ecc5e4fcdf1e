"""Routes of the register's guided form: a new report, the author's draft, the category field and
the look-alike reports while typing, and another occurrence of a report already in the register."""

from __future__ import annotations

from functools import partial

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


#: The button value of "Lägg till en förekomst" of a look-alike report in the guided form.
OCCURRENCE_ACTION = "occurrence:"
#: Told when the text typed cannot be kept as a draft because it has no title yet.
TITLE_TO_KEEP = (
    "Ange en kort rubrik, så sparas det du har skrivit som utkast innan du lägger till förekomsten."
)


def _submitting() -> bool:
    """Return whether the author submits the report (the default) rather than saves a draft."""
    action = request.form.get("action", "submit")
    return action != "draft" and not action.startswith(OCCURRENCE_ACTION)


def _occurrence_of() -> str | None:
    """Return the number of the look-alike report the author adds an occurrence to instead, if any."""
    action = request.form.get("action", "")
    return action.removeprefix(OCCURRENCE_ACTION) if action.startswith(OCCURRENCE_ACTION) else None


def _on_to_occurrence(number: str, report: SystemErrorReport | None, page: str, context):
    """Keep what was typed as the author's draft, then go on to an occurrence of the look-alike
    report ``number`` with the description as its note (prefilled from the draft, editable)."""
    target = services.get_report(g.group, number, current_user, g.membership)
    if target is None or target.status == ReportStatus.DRAFT.value:
        abort(404)
    to = url_for("system_errors.new_occurrence", group_id=g.group.id, number=target.number)
    form = views.report_form(report)
    if report is None and not views.anything_typed(form):
        return answers.saved(None, to=to, reload=True)  # nothing to keep
    done = _save(form, report, submitting=False)
    if not done:
        if not (form.title.data or "").strip():
            form.title.errors = [TITLE_TO_KEEP]
        return _refused(page, context)
    return answers.saved(
        "Det du skrev är sparat som utkast. Bara du ser det tills du skickar in det.",
        to=f"{to}?draft={services.url_number(done.value)}",
        reload=True,
    )


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
        once=report is None,  # a new report (draft or submitted) is saved once; a draft's edits are not
    )


def _saved(report: SystemErrorReport, submitted: bool):
    """Answer a saved report: to "Mina rapporter" once submitted, back to the draft otherwise
    (htmx loads that page anew, as a plain browser does after the 303)."""
    if submitted:
        return answers.saved(
            f"Rapporten är inskickad som {report.number}. Gruppen ser den nu.",
            to=url_for("system_errors.mine", group_id=g.group.id),
            reload=True,
        )
    return answers.saved(
        "Utkastet är sparat. Bara du ser det tills du skickar in det.",
        to=url_for("system_errors.edit", group_id=g.group.id, number=services.url_number(report)),
        reload=True,
    )


def _refused(page: str, context):
    """Answer a refused guided form: the form with its messages (htmx), else the whole page (422)."""
    return answers.refused(fragment=View(views.REPORT_FORM, context), page=View(page, context))


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
    """Save a new report as a draft, or submit it to the group (or keep it as a draft and go on
    to an occurrence of a look-alike report)."""
    number = _occurrence_of()
    if number is not None:
        return _on_to_occurrence(number, None, views.NEW, views.new_context)
    submitting = _submitting()
    form = views.report_form(submitting=submitting)
    done = _save(form, None, submitting)
    if done:
        return _saved(done.value, submitting)
    return _refused(views.NEW, views.new_context)


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
    """Save the author's draft again, or submit it (or save it and go on to an occurrence of a
    look-alike report)."""
    report, response = _draft_or_redirect(number)
    if response is not None:
        return response
    context = partial(views.edit_context, report)
    occurrence_of = _occurrence_of()
    if occurrence_of is not None:
        return _on_to_occurrence(occurrence_of, report, views.EDIT, context)
    submitting = _submitting()
    form = views.report_form(report, submitting=submitting)
    done = _save(form, report, submitting)
    if done:
        return _saved(done.value, submitting)
    return _refused(views.EDIT, context)


@bp.get("/<number>/occurrences/new")
def new_occurrence(group_id, number):
    """Show the form to add an occurrence to a report (its note prefilled from the author's
    draft when the guided form sent the author here)."""
    report = views.report_or_404(number)
    return View(views.NEW_OCCURRENCE, views.occurrence_context(report, views.own_draft())).render()


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
        once=True,
    )
    if not done:

        def context():
            return views.occurrence_context(queries.load_report(report.id), views.own_draft())

        return answers.refused(
            fragment=View(views.OCCURRENCE_FORM, context), page=View(views.NEW_OCCURRENCE, context)
        )
    # htmx loads the report page anew (the form's page is done), like a plain browser after the 303.
    response = answers.saved(
        "Förekomsten är tillagd.", to=views.report_url(report, "report-occurrences"), reload=True
    )
    if was_finished:
        flash(REOPENED, "info")  # after the saved notice: the page shows the two in this order
    return response
