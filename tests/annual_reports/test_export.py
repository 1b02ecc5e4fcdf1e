"""The yearly report's files from a hand-made content: the PDF is the same bytes for the same
content with its sections in the form's order and small counts as "<5"; the DOCX has the same
headings and the same table values, and is the same bytes too; a draft says so on every page."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import time
from html import unescape

import docx
import pytest
from weasyprint.formatting_structure import boxes

from po_meetings import pdf
from po_meetings.annual_reports import charts, export, outline
from po_meetings.annual_reports.content import Chart, Content, Entered, Table
from po_meetings.models.annual_report import ENTERED_PARTS
from po_meetings.statistics.services import mask_small

from .sample import sample_content

MARKDOWN = (
    "Ombuden har **extern handledning** varje månad.\n\n"
    "- Grupphandledning\n- Enskild handledning\n\n"
    "Läs mer på [kommunens sida](https://mellana.se/po).\n\n"
    '<b onclick="x()">Rå HTML</b> visas som text.'
)


def with_texts(content: Content, **texts: str) -> Content:
    """Return the content with some entered parts written."""
    entered = dataclasses.replace(content.entered, texts=(*content.entered.texts, *texts.items()))
    return dataclasses.replace(content, entered=entered)


def page_texts(html: str) -> list[str]:
    """Return, page by page, all the text WeasyPrint lays out (margin boxes included)."""

    def text_of(box) -> str:
        """Return the text inside a laid-out box."""
        own = [box.text] if isinstance(box, boxes.TextBox) else []
        return " ".join(own + [text_of(child) for child in getattr(box, "children", [])])

    return [text_of(page._page_box) for page in pdf.render_document(html).pages]


def html_headings(html: str) -> list[str]:
    """Return the document's h2 and h3 headings in order."""
    return [
        unescape(re.sub(r"<[^>]+>", "", h)).strip()
        for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", html, re.S)
    ]


def html_table(html: str, caption: str) -> list[list[str]]:
    """Return the cells of the table with a caption, row by row (header row first)."""
    start = html.index(f">{caption}</caption>")
    body = html[start : html.index("</table>", start)]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [
        [unescape(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows
    ]


def expected_rows(table) -> list[list[str]]:
    """Return a figures table as every rendering must show it: few clients "<5", none "–"."""
    header = ["", *table.columns]
    return [header] + [
        [
            row.label,
            *("–" if v is None else mask_small(v) if table.masks_small else str(v) for v in row.values),
        ]
        for row in table.rows
    ]


def docx_of(content: Content) -> docx.document.Document:
    """Return the content's Word document, opened with python-docx."""
    return docx.Document(io.BytesIO(export.docx_of(content)))


def docx_tables(document) -> list[list[list[str]]]:
    """Return every Word table's cells, row by row."""
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def docx_headings(document, levels=("Heading 1", "Heading 2")) -> list[str]:
    """Return the Word document's headings of the given levels, in order."""
    return [p.text for p in document.paragraphs if p.style.name in levels]


def test_the_pdf_is_the_same_bytes_every_time_with_its_sha256_and_file_name(app_ctx):
    content = sample_content(final=True, version=2)
    first, second = export.pdf_of(content), export.pdf_of(sample_content(final=True, version=2))
    assert first.data.startswith(b"%PDF") and first.data == second.data
    assert first.sha256 == hashlib.sha256(first.data).hexdigest() == second.sha256
    assert first.file_name == "verksamhetsredovisning-2025-v2.pdf"
    assert export.pdf_of(sample_content()).file_name == "verksamhetsredovisning-2025-utkast.pdf"
    assert b"CreationDate" not in first.data and b"ModDate" not in first.data  # no time of printing


def test_the_pdf_has_the_form_sections_in_order_charts_and_small_counts_masked(app_ctx):
    content = sample_content()
    html = export.document_html(content)
    headings = html_headings(html)
    assert headings == outline.headings(content)
    # The entered parts come in the 2013 form's order, between the counted ones.
    entered = [heading for _, heading, _ in ENTERED_PARTS]
    assert [h for h in headings if h in entered] == entered
    # Few clients are "<5" in every client table (the raw number is never in its cell); system
    # errors, meetings and decisions are not people and show as they are.
    figures = content.figures
    for table in (figures.errors_by_level, figures.client_totals, figures.closed_by_age, figures.children):
        assert html_table(html, table.caption) == expected_rows(table)
    assert html_table(html, "Systemfel per nivå")[1] == ["Individnivå", "6", "2", "3", "5"]
    assert html_table(html, figures.closed_by_age.caption)[1] == ["18–29 år", "<5", "<5", "<5", "5"]
    # Each chart is drawn (SVG with its title) with its numbers in a table beside it.
    for chart in figures.charts:
        assert f'<title id="{charts.chart_id(chart)}-title">' in html
        assert html_table(html, chart.title)[0] == ["", *(s.name for s in chart.series)]
    assert html_table(html, "Möten och beslut per kvartal")[1] == ["Kv 1", "1", "6"]
    assert html_table(html, "Klienter per kvartal")[1] == ["Kv 1", "54", "7"]
    # The laid-out PDF says it all in that order, "Utkast" on every page.
    pages = page_texts(html)
    text = " ".join(pages)
    positions = [text.index(heading, 0) for heading in headings]
    assert positions == sorted(positions)
    assert all("Utkast – ej slutlig" in page for page in pages) and len(pages) > 1
    assert "enheten för socialpsykiatri" in text  # the entered Markdown, rendered
    assert "<5" in text


def test_a_final_report_says_its_version_and_an_empty_year_says_what_is_missing(app_ctx):
    content = sample_content(final=True, version=3)
    html = export.document_html(content)
    assert "Version 3" in html and "Utkast" not in html
    figures = dataclasses.replace(
        content.figures,
        meetings=(),
        quarters_entered=(),
        handled_errors=(),
        errors_by_level=dataclasses.replace(content.figures.errors_by_level, rows=()),
        charts=(),
    )
    empty = export.document_html(dataclasses.replace(content, figures=figures, entered=Entered()))
    assert "Inga möten hölls under året." in empty
    assert empty.count(outline.NO_STATISTICS) == 2  # contact reasons and the client tables
    assert outline.NO_ERRORS in empty and outline.NO_HANDLED_ERRORS in empty
    assert empty.count(outline.NOT_WRITTEN) == len(ENTERED_PARTS)
    assert html_headings(empty) == outline.headings(content)


def test_the_docx_has_the_same_headings_and_table_values_as_the_pdf(app_ctx):
    content = with_texts(sample_content(), training=MARKDOWN)
    document = docx_of(content)
    html = export.document_html(content)
    assert docx_headings(document) == outline.headings(content) == html_headings(html)
    tables = docx_tables(document)
    figures = content.figures
    for table in (
        figures.contact_reasons,
        figures.contact_ways,
        figures.errors_by_level,
        figures.errors_by_category,
        figures.errors_by_organisation,
        figures.client_totals,
        figures.closed_by_age,
        figures.children,
    ):
        assert expected_rows(table) in tables
        assert html_table(html, table.caption) == expected_rows(table)
    for chart in figures.charts:  # the charts' numbers as tables, as beside the picture
        assert html_table(html, chart.title) in tables
    assert [["År", "Tjänster", "Personer"], ["2025", "1,5", "2"], ["2026 (planerat)", "2", "2"]] in tables
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Redovisning av verksamhet med personligt ombud år 2025" in body
    for error in figures.handled_errors:
        assert f"{error.number} {error.title}" in docx_headings(document, ("Heading 3",))


def test_the_docx_writes_entered_markdown_as_paragraphs_and_lists_never_html(app_ctx):
    document = docx_of(with_texts(sample_content(), training=MARKDOWN))
    paragraphs = document.paragraphs
    texts = [p.text for p in paragraphs]
    start = texts.index("Ombuden har extern handledning varje månad.")
    bold = [r.text for r in paragraphs[start].runs if r.bold]
    assert bold == ["extern handledning"]
    assert [(p.text, p.style.name) for p in paragraphs[start + 1 : start + 3]] == [
        ("Grupphandledning", "List Bullet"),
        ("Enskild handledning", "List Bullet"),
    ]
    assert texts[start + 3] == "Läs mer på kommunens sida (https://mellana.se/po)."
    assert texts[start + 4] == '<b onclick="x()">Rå HTML</b> visas som text.'  # shown, never run
    placement = texts.index("Socialförvaltningen, enheten för socialpsykiatri.")
    assert [r.text for r in paragraphs[placement].runs if r.italic] == ["enheten för socialpsykiatri"]


def test_the_docx_says_draft_or_version_on_every_page_and_is_the_same_bytes(app_ctx, monkeypatch):
    draft = docx_of(sample_content())
    assert "Utkast – ej slutlig" in draft.sections[0].header.paragraphs[0].text
    assert "Utkast – ej slutlig" in "\n".join(p.text for p in draft.paragraphs)
    final = docx_of(sample_content(final=True, version=2))
    assert "Version 2" in final.sections[0].header.paragraphs[0].text
    properties = final.core_properties
    assert properties.author == "Ledningsgruppen för personligt ombud i Mellanå"
    assert properties.created == properties.modified == sample_content().figures.as_of
    assert properties.language == "sv-SE"
    assert (
        export.docx_file_name(sample_content(final=True, version=2)) == "verksamhetsredovisning-2025-v2.docx"
    )
    first = export.docx_of(sample_content(final=True, version=2))
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 86_400 * 3)  # three days later, to the zip's clock
    assert export.docx_of(sample_content(final=True, version=2)) == first


@pytest.mark.parametrize("value, shown", [(0, "<5"), (4, "<5"), (5, "5"), (None, "–")])
def test_a_count_shows_as_the_report_masks_it(app_ctx, value, shown):
    from flask import render_template_string

    assert unescape(render_template_string('{{ "–" if v is none else v|masked }}', v=value)) == shown
    assert Table("Klienter", ("Antal",), (), masks_small=True).shown(value) == shown


@pytest.mark.parametrize("value, shown", [(0, "0"), (4, "4"), (5, "5"), (None, "–")])
def test_counts_that_are_not_of_clients_show_as_they_are(value, shown):
    assert Table("Systemfel per nivå", ("Nya",), (), masks_small=False).shown(value) == shown
    assert Chart("Möten och beslut per kvartal", ("Kv 1",), (), masks_small=False).shown(value) == shown
