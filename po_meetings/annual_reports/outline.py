"""The yearly report's outline: its sections and parts in the order of the 2013 form.

The PDF (``templates/annual_reports/document.html``) and the DOCX (:mod:`.docx_document`) walk
the same :data:`SECTIONS`, so both say the same things under the same headings in the same order;
the headings of the sections and of the entered parts are the page's (``views.SECTIONS`` and
``models.annual_report.ENTERED_PARTS``). A leaf module: it imports no route, view or service.

Also here, shared by both: the words the report uses for what it counts (the meetings held, the
quarters of statistics behind the client tables, the ombud posts) and where each chart goes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..filters import format_long
from ..models.annual_report import ENTERED_PARTS
from .content import Chart, Content, Figures, Table
from .posts import format_posts

#: The entered parts' headings and what the form asks, by column.
ENTERED = {column: (heading, question) for column, heading, question in ENTERED_PARTS}

#: Where each chart goes: the first section whose word its title holds (as the page places them).
CHART_SECTIONS = (("systemfel", "errors"), ("möte", "organisation"), ("klient", "clients"))

NOT_WRITTEN = "Ej ifyllt."
NOT_WRITTEN_SHORT = "Ej ifyllt"
NO_STATISTICS = "Ingen klientstatistik är inrapporterad för året."
NO_ERRORS = "Inga systemfel rapporterades under året."
NO_HANDLED_ERRORS = "Inga systemfel åtgärdades eller eskalerades under året."
NO_MEMBERS = "Gruppen hade inga medlemmar vid årets slut."
NO_WAYS = "Gruppen har inga dagordningsmallar eller möten att beskriva arbetsformerna med."


@dataclass(frozen=True)
class Part:
    """One part of a section: an entered text (``kind`` "entered", ``key`` its column) or something
    counted (``kind`` names what; ``key`` the Figures tables it shows, space-separated)."""

    kind: str
    key: str = ""
    #: the part's heading ("{year}" stands for the report's year; empty: no heading of its own)
    heading: str = ""
    #: whether the section's charts follow this part (as the page places them)
    charts: bool = False

    def heading_for(self, year: int) -> str:
        """Return the part's heading for a year."""
        return self.heading.format(year=year)


@dataclass(frozen=True)
class Section:
    """A section of the report (h2), its parts (h3) in order."""

    id: str
    heading: str
    parts: tuple[Part, ...]


def _entered(column: str) -> Part:
    """Return an entered part under its heading from the model."""
    return Part("entered", column, ENTERED[column][0])


SECTIONS: tuple[Section, ...] = (
    Section("ombud", "Antal personliga ombud", (Part("staff"),)),
    Section(
        "organisation",
        "Organisation och ledning",
        (
            _entered("placement"),
            Part("members", heading="Ledningsgruppen 31 december {year}"),
            Part("ways_of_working", heading="Arbetsformer"),
            _entered("mandate"),
            Part("meetings", heading="Ledningsgruppsmöten under {year}", charts=True),
            _entered("quality_work"),
            _entered("supervision"),
            _entered("training"),
        ),
    ),
    Section(
        "activity",
        "Verksamhet",
        (
            _entered("changes_this_year"),
            _entered("changes_planned"),
            Part("tables", "contact_reasons contact_ways", "De vanligaste orsakerna till kontakt"),
            _entered("contact_tendencies"),
            _entered("special_groups"),
            _entered("guidelines"),
            _entered("priority_rules"),
        ),
    ),
    Section(
        "errors",
        "Systemfel",
        (
            _entered("system_error_work"),
            Part(
                "tables",
                "errors_by_level errors_by_category errors_by_organisation",
                "Rapporterade systemfel",
                charts=True,
            ),
            Part("handled_errors", heading="Hur systemfelen har åtgärdats lokalt och regionalt"),
        ),
    ),
    Section(
        "clients",
        "Klienter",
        (Part("tables", "client_totals closed_by_age children", charts=True),),
    ),
)
#: The section for charts no other section claims (shown only when there is one).
OTHER_CHARTS = Section("other", "Diagram", (Part("charts", charts=True),))


def headings(content: Content) -> list[str]:
    """Return the report's section and part headings in order (what a reader's outline shows)."""
    result = []
    year = content.figures.year
    for section in sections(content):
        result.append(section.heading)
        result.extend(part.heading_for(year) for part in section.parts if part.heading)
    return result


def sections(content: Content) -> tuple[Section, ...]:
    """Return the sections to show: all of the form's, and "Diagram" when a chart has no place."""
    if charts_in(content.figures, OTHER_CHARTS.id):
        return (*SECTIONS, OTHER_CHARTS)
    return SECTIONS


def charts_in(figures: Figures, section_id: str) -> tuple[Chart, ...]:
    """Return the charts a section shows, in the figures' order."""
    return tuple(chart for chart in figures.charts if chart_section(chart) == section_id)


def chart_section(chart: Chart) -> str:
    """Return the id of the section that shows a chart ("other" when no word of its title matches)."""
    title = chart.title.lower()
    return next((section for word, section in CHART_SECTIONS if word in title), OTHER_CHARTS.id)


def tables(figures: Figures, part: Part) -> tuple[Table, ...]:
    """Return the Figures tables a "tables" part shows."""
    return tuple(getattr(figures, name) for name in part.key.split())


def title(content: Content) -> str:
    """Return the report's title, as the 2013 form heads it."""
    return f"Redovisning av verksamhet med personligt ombud år {content.figures.year}"


def state_line(content: Content) -> str:
    """Return "Version N" for a final report, "Utkast" for a draft (every page of the PDF says it)."""
    return f"Version {content.version}" if content.is_final else "Utkast – ej slutlig"


def staff_caption(content: Content) -> str:
    """Return the caption of the ombud table."""
    year = content.figures.year
    return f"Personliga ombud {year} och planerat {year + 1}"


#: the ombud table's column headings
STAFF_COLUMNS = ("År", "Tjänster", "Personer")


def staff_rows(content: Content) -> tuple[tuple[str, str, str], ...]:
    """Return the ombud posts and persons, this year and planned: (year, posts, persons).

    Entered numbers about the ombuds, not counts of clients: never masked.
    """
    entered, year = content.entered, content.figures.year

    def posts(value: int | None) -> str:
        """Return posts as "1,5", or that they are not written."""
        return NOT_WRITTEN_SHORT if value is None else format_posts(value)

    def persons(value: int | None) -> str:
        """Return a number of persons, or that it is not written."""
        return NOT_WRITTEN_SHORT if value is None else str(value)

    return (
        (str(year), posts(entered.posts_this_year), persons(entered.persons_this_year)),
        (f"{year + 1} (planerat)", posts(entered.posts_planned), persons(entered.persons_planned)),
    )


def meetings_line(figures: Figures) -> str:
    """Return how many meetings the group held in the year, in a sentence."""
    count = figures.meeting_count
    if count == 0:
        return "Inga möten hölls under året."
    return f"Gruppen höll {count} {'möte' if count == 1 else 'möten'} under året."


def has_counts(table: Table) -> bool:
    """Return whether a table counts anything (a row with a number above zero)."""
    return any(value for row in table.rows for value in row.values)


def errors_reported(figures: Figures) -> bool:
    """Return whether any system error is counted for the year."""
    return has_counts(figures.errors_by_level)


def statistics_note(figures: Figures) -> str | None:
    """Return what the client figures rest on when not every quarter was entered (None when all were)."""
    entered = figures.quarters_entered
    if not entered:
        return NO_STATISTICS
    if len(entered) < 4:
        return f"Räknat från kvartal {', '.join(str(q) for q in entered)}: övriga kvartal av året är inte inrapporterade."
    return None


def as_of_line(content: Content) -> str:
    """Return the moment the numbers are counted as of, in Swedish (Stockholm time)."""
    return f"Siffrorna är räknade per {format_long(content.figures.as_of)}."
