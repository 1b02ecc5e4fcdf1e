"""Routes of the yearly report: the years, one report, its entered parts, final versions."""

from __future__ import annotations

from flask import g, url_for

from .. import answers
from ..answers import View
from ..filters import format_datetime
from . import bp, services, views
from .forms import CorrectionForm, EnteredForm, FinaliseForm, YearForm
from .services import EnteredRefused, StaleReport


def _report_url(year: int, anchor: str | None = None) -> str:
    """Return the URL of the group's report of a year."""
    return url_for("annual_reports.show", group_id=g.group.id, year=year, _anchor=anchor)


@bp.get("")
def index(group_id):
    """List the group's reports by year, with the form to draft a new one."""
    return views.index_page().render()


@bp.post("")
def create(group_id):
    """Draft the report of a year (the chair or vice chair); an existing year's report opens as it is."""
    form = YearForm()
    done = answers.attempt(
        services.draft,
        g.group.id,
        g.membership,
        form.year.data,
        form=form,
        field=form.year,
        keep_as=views.YEAR_FORM,
        once=True,
    )
    if done:
        report = done.value
        notice = f"Verksamhetsredovisningen för {report.year} är öppnad."
        return answers.saved(notice, to=_report_url(report.year))
    return answers.refused(page=views.index_page())


@bp.get("/<int:year>")
def show(group_id, year):
    """Show a year's report: its numbers as of its date and the parts the group has written."""
    if services.find(g.group.id, year) is None:
        return views.missing_page(year).render(404)
    return views.report_page(year).render()


@bp.get("/<int:year>/edit")
def edit(group_id, year):
    """Show the form of the parts the group writes, in the order of the report."""
    return views.edit_page(year).render()


@bp.post("/<int:year>/edit")
def update(group_id, year):
    """Save the parts the group writes (the chair or vice chair); a refusal keeps the text."""
    report = views.report_or_404(year)
    form = EnteredForm()
    done = answers.attempt(
        services.save_entered,
        report,
        g.membership,
        form.values(),
        form.posted_lock(),
        form=form,
        keep_as=views.ENTERED_FORM,
    )
    if done:
        return answers.saved("Redovisningen är sparad.", to=_report_url(year), reload=True)
    status = 422
    if isinstance(done.error, EnteredRefused):
        # The refusal goes beside the field it concerns instead of at the top.
        form.form_errors.remove(done.message)
        form[done.error.column].errors = [*form[done.error.column].errors, done.message]
    elif isinstance(done.error, StaleReport):
        # Saved by someone else meanwhile: the text stays in the form, and a second press saves it.
        form.lock_version.data = str(services.find(g.group.id, year).lock_version)
        status = 409
    elif done.error is not None:
        status = 409
    return answers.refused(fragment=views.edit_fragment(year), page=views.edit_page(year), status=status)


@bp.post("/<int:year>/refresh")
def refresh(group_id, year):
    """Count the report's numbers anew, as of now or the end of its year (a draft only)."""
    report = views.report_or_404(year)
    done = answers.attempt(services.refresh, report, g.membership)
    if done:
        notice = f"Siffrorna är räknade på nytt, per {format_datetime(done.value.as_of)}."
        return answers.saved(notice, to=_report_url(year))
    return answers.refused(page=answers.back_to(_report_url(year)), message=done.message, status=409)


@bp.get("/<int:year>/finalise")
def confirm_finalise(group_id, year):
    """Show what marking the report final does, with the button that does it."""
    return views.confirm_finalise_page(year).render()


@bp.post("/<int:year>/finalise")
def finalise(group_id, year):
    """Mark the report final: its content is frozen as a version. Asks first (a page of its own)."""
    report = views.report_or_404(year)
    form = FinaliseForm()
    if not form.confirmed():
        return views.confirm_finalise_page(year).render()
    done = answers.attempt(services.finalise, report, g.membership, form.posted_lock(), once=True)
    if done:
        notice = f"Redovisningen är slutlig, version {done.value.number}."
        return answers.saved(notice, to=_report_url(year))
    return answers.refused(page=answers.back_to(_report_url(year)), message=done.message, status=409)


@bp.post("/<int:year>/correct")
def correct(group_id, year):
    """Open a final report again for a correction, with the reason (the next version)."""
    report = views.report_or_404(year)
    form = CorrectionForm()
    done = answers.attempt(
        services.correct,
        report,
        g.membership,
        form.reason.data,
        form=form,
        field=form.reason,
        keep_as=views.CORRECTION_FORM,
        once=True,
    )
    if done:
        notice = (
            f"Redovisningen är öppnad för rättelse. Ändringarna blir version {done.value.version_number}."
        )
        return answers.saved(notice, to=_report_url(year))
    if not report.is_final:  # nothing to correct: the reason's field is not on the page
        return answers.refused(page=answers.back_to(_report_url(year)), message=done.message, status=409)
    return answers.refused(page=View(views.REPORT, lambda: views.report_context(year)))


@bp.get("/<int:year>/versions/<int:number>")
def version(group_id, year, number):
    """Show a final version as it was frozen, and which version replaced it."""
    return views.version_page(year, number).render()
