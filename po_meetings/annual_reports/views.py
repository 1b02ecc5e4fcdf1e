"""What the yearly report's pages show: context builders for the templates."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, g

from .. import answers
from ..answers import View
from ..models import AnnualReport, AnnualReportVersion
from ..models.annual_report import ENTERED_PARTS
from . import services
from .content import Chart, Content, Table
from .forms import CorrectionForm, EnteredForm, FinaliseForm, YearForm
from .posts import format_posts

INDEX = "annual_reports/index.html"
REPORT = "annual_reports/report.html"
EDIT = "annual_reports/edit.html"
EDIT_FORM = "annual_reports/_entered_form.html"
CONFIRM_FINALISE = "annual_reports/confirm_finalise.html"
VERSION = "annual_reports/version.html"
MISSING = "annual_reports/missing.html"

#: The keys failed forms are kept under (one of each kind per page).
YEAR_FORM = "annual_report_year"
ENTERED_FORM = "annual_report_entered"
CORRECTION_FORM = "annual_report_correction"

#: The export endpoints (export_routes.py): linked once they exist.
EXPORTS = (
    "annual_reports.pdf",
    "annual_reports.docx",
    "annual_reports.version_pdf",
    "annual_reports.version_docx",
)

#: Where each chart goes: the first section whose word its title holds (the rest end the report).
CHART_SECTIONS = (("systemfel", "errors"), ("möte", "organisation"), ("klient", "clients"))

#: The report's sections in the order of the 2013 form: (id, heading, the entered parts in it).
SECTIONS = (
    ("ombud", "Antal personliga ombud", ()),
    (
        "organisation",
        "Organisation och ledning",
        ("placement", "mandate", "quality_work", "supervision", "training"),
    ),
    (
        "activity",
        "Verksamhet",
        (
            "changes_this_year",
            "changes_planned",
            "contact_tendencies",
            "special_groups",
            "guidelines",
            "priority_rules",
        ),
    ),
    ("errors", "Systemfel", ("system_error_work",)),
)
PARTS = {column: (heading, question) for column, heading, question in ENTERED_PARTS}


@dataclass(frozen=True)
class Part:
    """One entered part as the page shows it: its heading, what the form asks and the text."""

    column: str
    heading: str
    question: str
    text: str


def parts(content: Content) -> dict[str, Part]:
    """Return the report's entered parts by column."""
    return {
        column: Part(column, heading, question, content.entered.text(column))
        for column, (heading, question) in PARTS.items()
    }


def charts_by_section(charts: tuple[Chart, ...]) -> dict[str, list[Chart]]:
    """Return the charts by the section that shows them ("other" for one no section claims)."""
    placed: dict[str, list[Chart]] = {}
    for chart in charts:
        title = chart.title.lower()
        section = next((s for word, s in CHART_SECTIONS if word in title), "other")
        placed.setdefault(section, []).append(chart)
    return placed


def has_counts(table: Table) -> bool:
    """Return whether a table counts anything (a row with a number above zero)."""
    return any(value for row in table.rows for value in row.values)


def has_exports() -> bool:
    """Return whether the PDF and DOCX downloads exist."""
    return all(endpoint in current_app.view_functions for endpoint in EXPORTS)


def report_or_404(year: int) -> AnnualReport:
    """Return the group's report of a year, or answer 404."""
    report = services.find(g.group.id, year)
    if report is None:
        abort(404)
    return report


def content_context(content: Content) -> dict:
    """Return what the report's sections need to show a content."""
    return {
        "content": content,
        "figures": content.figures,
        "entered": content.entered,
        "parts": parts(content),
        "sections": SECTIONS,
        "charts": charts_by_section(content.figures.charts),
        "errors_reported": has_counts(content.figures.errors_by_level),
        "format_posts": format_posts,
    }


# -- the list of years --------------------------------------------------------------------------------


def year_form() -> YearForm:
    """Return the form of a new year: the failed one if kept, else last year."""
    return answers.kept(
        YEAR_FORM, lambda: YearForm(formdata=None, data={"year": services.current_year() - 1})
    )


def index_context() -> dict:
    """Return the list of the group's reports and the form to draft one."""
    reports = services.reports_of(g.group.id)
    return {
        "group": g.group,
        "reports": reports,
        "latest": {r.id: services.latest_version(r) for r in reports},
        "form": year_form(),
        "may_edit": services.may_edit(g.membership),
        "first_year": services.FIRST_YEAR,
        "current_year": services.current_year(),
    }


def index_page() -> View:
    """Return the list of years, read when the answer is rendered."""
    return View(INDEX, index_context)


def missing_page(year: int) -> View:
    """Return the page that says a year has no report, with the way to draft it."""
    return View(
        MISSING, lambda: {"group": g.group, "year": year, "may_edit": services.may_edit(g.membership)}
    )


# -- one report ---------------------------------------------------------------------------------------


def correction_form() -> CorrectionForm:
    """Return the correction form: the failed one if kept, else empty."""
    return answers.kept(CORRECTION_FORM, lambda: CorrectionForm(formdata=None))


def report_context(year: int) -> dict:
    """Return the report page's context: the content as of its date (or frozen), its versions."""
    report = report_or_404(year)
    content = services.content_of(report)
    latest = services.latest_version(report)
    return {
        "group": g.group,
        "report": report,
        "latest": latest,
        "versions": list(reversed(report.versions)),
        "may_edit": services.may_edit(g.membership),
        "correction_form": correction_form(),
        "has_exports": has_exports(),
        **content_context(content),
    }


def report_page(year: int) -> View:
    """Return the report page, read when the answer is rendered."""
    return View(REPORT, lambda: report_context(year))


def entered_form(report: AnnualReport) -> EnteredForm:
    """Return the entered parts' form: the failed one if kept, else filled from the report."""
    kept = answers.kept(ENTERED_FORM)
    if kept is not None:
        return kept
    data: dict = {
        "lock_version": str(report.lock_version),
        "posts_this_year": format_posts(report.posts_this_year),
        "posts_planned": format_posts(report.posts_planned),
        "persons_this_year": report.persons_this_year,
        "persons_planned": report.persons_planned,
    }
    data.update({column: getattr(report, column) or "" for column in PARTS})
    return EnteredForm(formdata=None, data=data)


def edit_context(year: int) -> dict:
    """Return the edit page's context: the form, or why the report cannot be edited."""
    report = report_or_404(year)
    return {
        "group": g.group,
        "report": report,
        "form": entered_form(report),
        "sections": SECTIONS,
        "parts": PARTS,
        "refusal": services.FINAL_MESSAGE if report.is_final else None,
    }


def edit_page(year: int) -> View:
    """Return the edit page."""
    return View(EDIT, lambda: edit_context(year))


def edit_fragment(year: int) -> View:
    """Return the edit form alone (an htmx save that was refused)."""
    return View(EDIT_FORM, lambda: edit_context(year))


def confirm_finalise_context(year: int) -> dict:
    """Return what the chair reads before marking the report final."""
    report = report_or_404(year)
    content = services.content_of(report)
    missing = [PARTS[column][0] for column in PARTS if not content.entered.text(column)]
    numbers = (
        content.entered.posts_this_year,
        content.entered.persons_this_year,
        content.entered.posts_planned,
        content.entered.persons_planned,
    )
    return {
        "group": g.group,
        "report": report,
        "content": content,
        "missing": missing,
        "numbers_missing": any(n is None for n in numbers),
        "form": FinaliseForm(
            formdata=None, data={"confirm": "yes", "lock_version": str(report.lock_version)}
        ),
    }


def confirm_finalise_page(year: int) -> View:
    """Return the confirmation page of marking the report final."""
    return View(CONFIRM_FINALISE, lambda: confirm_finalise_context(year))


# -- an earlier version -------------------------------------------------------------------------------


def version_context(year: int, number: int) -> dict:
    """Return a final version's page: its frozen content, and what replaced it."""
    report = report_or_404(year)
    version: AnnualReportVersion | None = services.version_of(report, number)
    if version is None:
        abort(404)
    later = [v for v in report.versions if v.number > number]
    return {
        "group": g.group,
        "report": report,
        "version": version,
        "replaced_by": later[0] if later else None,
        "in_correction": not later and report.version_number > number,
        "has_exports": has_exports(),
        **content_context(services.content_of_version(version)),
    }


def version_page(year: int, number: int) -> View:
    """Return a final version's page."""
    return View(VERSION, lambda: version_context(year, number))
