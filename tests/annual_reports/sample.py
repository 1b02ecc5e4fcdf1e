"""A filled-in report content for tests of what shows a report (page, PDF, DOCX, charts).

Built by hand, not from the database, so a test of the rendering does not depend on drafting.
Its counts include small ones (below five) and large ones so masking can be checked.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from po_meetings.annual_reports.content import (
    Chart,
    Content,
    Entered,
    Figures,
    HandledError,
    HeldMeeting,
    Member,
    Row,
    Series,
    Table,
)

ERROR_COLUMNS = ("Nya under året", "Från tidigare år", "Avslutade under året", "Öppna 31 december")
GENDER_COLUMNS = ("Kvinnor", "Män", "Annat eller okänt", "Totalt")
QUARTERS = ("Kv 1", "Kv 2", "Kv 3", "Kv 4")


def sample_figures(year: int = 2025) -> Figures:
    """Return a year's figures with every section filled."""
    return Figures(
        year=year,
        as_of=datetime(year, 12, 31, 22, 59, tzinfo=UTC),
        group_name="Ledningsgruppen för personligt ombud i Mellanå",
        municipalities=("Mellanå", "Östby"),
        members=(
            Member("Anna Ordförande", "Ordförande", "Mellanå kommun"),
            Member("Bertil Ledamot", "Ledamot", "Region Mellanå, psykiatrin"),
            Member("Cecilia Ledamot", "Ledamot", "Försäkringskassan"),
        ),
        ways_of_working=(
            "Dagordningsmall: Operativt möte (120 minuter)",
            "Mötesrytm: ungefär var sjätte vecka",
        ),
        meetings=(
            HeldMeeting(date(year, 2, 12), "Ledningsgruppsmöte", "Operativt möte"),
            HeldMeeting(date(year, 5, 7), "Ledningsgruppsmöte", "Operativt möte"),
            HeldMeeting(date(year, 9, 17), "Utvecklingsdag", "Utvecklingsdag"),
        ),
        contact_reasons=Table(
            "Vanligaste orsaker till kontakt",
            ("Antal",),
            (Row("Ekonomi och försörjning", (41,)), Row("Boende", (23,)), Row("Annat", (3,))),
        ),
        contact_ways=Table(
            "Hur klienterna kom i kontakt",
            ("Antal",),
            (Row("Egen kontakt", (30,)), Row("Psykiatrin", (12,)), Row("Annan väg", (2,))),
        ),
        errors_by_level=Table(
            "Systemfel per nivå",
            ERROR_COLUMNS,
            (
                Row("Individnivå", (6, 2, 3, 5)),
                Row("Lokal nivå", (9, 4, 7, 6)),
                Row("Central nivå", (2, 1, 0, 3)),
            ),
            masks_small=False,
        ),
        errors_by_category=Table(
            "Systemfel per kategori",
            ERROR_COLUMNS,
            (Row("Resurser", (7, 3, 4, 6)), Row("Digitalisering", (10, 4, 6, 8))),
            masks_small=False,
        ),
        errors_by_organisation=Table(
            "Systemfel per organisation",
            ERROR_COLUMNS,
            (Row("Försäkringskassan", (8, 2, 5, 5)), Row("Mellanå kommun", (9, 5, 5, 9))),
            masks_small=False,
        ),
        handled_errors=(
            HandledError(
                number=f"SF-{year}-0003",
                title="Krav på BankID för att boka tid",
                level="Lokal nivå",
                category="Digitalisering",
                status="Åtgärdad",
                organisations=("Mellanå kommun",),
                local=(
                    f"{year}-02-12 Upptagen på mötet",
                    f"{year}-04-02 Åtgärdad: tid kan bokas per telefon",
                ),
                regional=(),
                resolution="Tid kan nu bokas per telefon.",
            ),
            HandledError(
                number=f"SF-{year}-0007",
                title="Lång väntan på beslut om sjukpenning",
                level="Central nivå",
                category="Resurser",
                status="Eskalerad",
                organisations=("Försäkringskassan",),
                local=(f"{year}-05-07 Upptagen på mötet",),
                regional=(
                    f"{year}-06-01 Eskalerad till Samverkansorganet i länet (svar väntas {year}-09-01)",
                ),
            ),
        ),
        client_totals=Table(
            "Klienter",
            GENDER_COLUMNS,
            (
                Row(f"Klienter 31 december {year - 1}", (None, None, None, 52)),
                Row(f"Klienter 31 december {year}", (None, None, None, 57)),
                Row(f"Nya klienter {year}", (14, 11, 2, 27)),
                Row(f"Avslutade klienter {year}", (12, 9, 1, 22)),
            ),
        ),
        closed_by_age=Table(
            f"Klienter som avslutats under {year}, per åldersgrupp",
            GENDER_COLUMNS,
            (
                Row("18–29 år", (3, 2, 0, 5)),
                Row("30–39 år", (4, 3, 1, 8)),
                Row("40–49 år", (2, 2, 0, 4)),
                Row("50–59 år", (2, 1, 0, 3)),
                Row("60–64 år", (1, 1, 0, 2)),
                Row("65 år och äldre", (0, 0, 0, 0)),
            ),
        ),
        children=Table(
            "Klienter med barn",
            ("Antal",),
            (
                Row("Klienter med minderåriga barn som PO har vetskap om", (11,)),
                Row("Varav antal klienter med hemmaboende barn (även växelvis boende)", (4,)),
            ),
        ),
        quarters_entered=(1, 2, 3, 4),
        charts=(
            Chart(
                "Systemfel per nivå och status 31 december",
                ("Individnivå", "Lokal nivå", "Central nivå"),
                (Series("Öppna", (5, 6, 3)), Series("Avslutade", (3, 7, 0))),
                kind="stacked",
                masks_small=False,
            ),
            Chart(
                "Möten och beslut per kvartal",
                QUARTERS,
                (Series("Möten", (1, 1, 1, 0)), Series("Beslut", (6, 9, 4, 0))),
                masks_small=False,
            ),
            Chart(
                "Klienter per kvartal",
                QUARTERS,
                (Series("Klienter vid kvartalets slut", (54, 55, 58, 57)), Series("Nya", (7, 6, 8, 6))),
            ),
        ),
    )


def sample_content(year: int = 2025, *, final: bool = False, version: int = 1) -> Content:
    """Return a whole report: the sample figures and some entered parts (others left empty)."""
    entered = Entered(
        posts_this_year=150,
        persons_this_year=2,
        posts_planned=200,
        persons_planned=2,
        texts=(
            ("placement", "Socialförvaltningen, *enheten för socialpsykiatri*."),
            ("supervision", "Extern handledning en gång i månaden."),
            ("system_error_work", "Ombuden rapporterar inför varje möte; gruppen tar upp varje rapport."),
        ),
    )
    return Content(figures=sample_figures(year), entered=entered, version=version, is_final=final)
