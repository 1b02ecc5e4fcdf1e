"""What the statistics pages show: context builders for the templates."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g

from .. import answers
from ..domain import DomainError
from ..models import AGE_GROUPS, CategoryKind, ClientStatistics, Flow, Gender
from ..models.statistics import AGE_LABELS, CATEGORY_KIND_LABELS, FLOW_LABELS, GENDER_LABELS, TOTAL, cell_key
from . import queries, services
from .forms import CategoriesForm, StatisticsForm, statistics_form
from .services import Counts, Quarter

PAGE = "statistics/index.html"
CATEGORIES = "statistics/categories.html"
ENTRY = "statistics/entry.html"
ENTRY_FORM = "statistics/_entry_form.html"

#: The key a failed entry form is kept under (one form per page).
FORM_KEY = "statistics"


@dataclass
class QuarterRow:
    """One quarter of the list: entered (its statistics) or missing."""

    quarter: Quarter
    statistics: ClientStatistics | None
    is_current: bool


def quarter_rows(group_id: int) -> list[QuarterRow]:
    """Return the quarters from last year's first (or the first entered) to this one, latest first."""
    current = Quarter.of(services.today())
    entered = {Quarter(s.year, s.quarter): s for s in queries.quarters(group_id)}
    first = min([Quarter(current.year - 1, 1), *entered])
    rows = []
    quarter = current
    while quarter >= first:
        rows.append(QuarterRow(quarter, entered.get(quarter), quarter == current))
        quarter = quarter.previous
    return rows


def page_context() -> dict:
    """Return the quarters list's context."""
    rows = quarter_rows(g.group.id)
    return {
        "group": g.group,
        "rows": rows,
        "any_entered": any(r.statistics is not None for r in rows),
        "may_enter": services.may_enter(g.membership),
    }


def categories_form() -> CategoriesForm:
    """Return the categories form: the failed one if kept, else the group's lists as they are."""
    kept = answers.kept("categories")
    if kept is not None:
        return kept
    return CategoriesForm(
        formdata=None,
        contact_ways="\n".join(services.category_names(g.group.id, CategoryKind.CONTACT_WAY)),
        contact_reasons="\n".join(services.category_names(g.group.id, CategoryKind.CONTACT_REASON)),
    )


def categories_context() -> dict:
    """Return the categories page's context."""
    return {"group": g.group, "form": categories_form()}


def entry_form(statistics: ClientStatistics | None) -> StatisticsForm:
    """Return a quarter's form: the failed one if kept, else filled from what is saved (or empty)."""
    kept = answers.kept(FORM_KEY)
    if kept is not None:
        return kept
    ways = services.category_names(g.group.id, CategoryKind.CONTACT_WAY)
    reasons = services.category_names(g.group.id, CategoryKind.CONTACT_REASON)
    counts = Counts.of(statistics) if statistics is not None else None
    data: dict = {"version": str(statistics.version if statistics is not None else 0)}
    if counts is not None:
        data.update(
            clients_at_start=counts.clients_at_start,
            clients_at_end=counts.clients_at_end,
            with_minor_children=counts.with_minor_children,
            with_children_at_home=counts.with_children_at_home,
            **counts.cells,
        )
    form = statistics_form(ways, reasons, formdata=None, data=data)
    if counts is not None:
        for kind, name, category in form.category_fields:
            values = counts.contact_ways if kind == CategoryKind.CONTACT_WAY else counts.contact_reasons
            form[name].data = values.get(category)
    return form


def posted_form() -> StatisticsForm:
    """Return the form as posted, with a cell for each of the group's categories."""
    return statistics_form(
        services.category_names(g.group.id, CategoryKind.CONTACT_WAY),
        services.category_names(g.group.id, CategoryKind.CONTACT_REASON),
    )


def entry_context(year: int, quarter: int) -> dict:
    """Return the entry page's context: the form, or why the quarter cannot be entered."""
    refusal = None
    try:
        chosen = services.check_quarter(year, quarter)
    except DomainError as error:
        chosen, refusal = Quarter(year, quarter), str(error)
    statistics = queries.quarter(g.group.id, year, quarter)
    form = None if refusal else entry_form(statistics)
    return {
        "group": g.group,
        "quarter": chosen,
        "statistics": statistics,
        "refusal": refusal,
        "form": form,
        "flows": [(flow, FLOW_LABELS[flow]) for flow in Flow],
        "genders": [(gender, GENDER_LABELS[gender]) for gender in Gender],
        "ages": [(TOTAL, "Totalt"), *((age, AGE_LABELS[age]) for age in AGE_GROUPS)],
        "cell_key": cell_key,
        "category_kinds": [
            (CategoryKind.CONTACT_WAY.value, CATEGORY_KIND_LABELS[CategoryKind.CONTACT_WAY]),
            (CategoryKind.CONTACT_REASON.value, CATEGORY_KIND_LABELS[CategoryKind.CONTACT_REASON]),
        ],
    }
