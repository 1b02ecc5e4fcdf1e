"""The yearly report as an editable Word document (DOCX), built with python-docx from a Content.

The same sections, headings and numbers as the page and the PDF (:mod:`.outline`): headings as
Word headings (section → Heading 1, part → Heading 2), the tables of counts and the charts'
figures as Word tables with small counts as "<5", the entered Markdown as paragraphs, bullet and
numbered lists with bold, italic and links kept (rendered by ``markup.render_markdown`` first, so
no raw HTML ever reaches the file). Every page's header names the group and says "Utkast" on a
draft or "Version N" on a final report.

The same content gives the same bytes: the core properties are set from the content (created and
modified = the report's date, author = the group), and the package is written again with every
zip entry dated the report's date (python-docx itself stamps entries with the current time).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC
from html.parser import HTMLParser

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from .. import markup
from ..dates import local
from ..filters import format_date, format_long
from . import outline
from .content import Chart, Content, Figures, HandledError, Table

LANGUAGE = "sv-SE"
#: the oldest date a zip entry can hold
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def build(content: Content) -> bytes:
    """Return the report as DOCX bytes (equal content, equal bytes)."""
    document = Document()
    _set_properties(document, content)
    _set_language(document)
    _set_header(document, content)
    _front_matter(document, content)
    for section in outline.sections(content):
        document.add_heading(section.heading, level=1)
        for part in section.parts:
            heading = part.heading_for(content.figures.year)
            if heading:
                document.add_heading(heading, level=2)
            _part(document, content, section.id, part)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue(), content)


def _set_properties(document: DocxDocument, content: Content) -> None:
    """Set the core properties from the content alone (no time of saving)."""
    figures = content.figures
    properties = document.core_properties
    moment = figures.as_of.astimezone(UTC).replace(tzinfo=None)
    properties.title = outline.title(content)
    properties.subject = figures.group_name
    properties.author = figures.group_name
    properties.last_modified_by = figures.group_name
    properties.comments = outline.state_line(content)
    properties.keywords = "personligt ombud; verksamhetsredovisning"
    properties.category = ""
    properties.language = LANGUAGE
    properties.revision = content.version
    properties.created = moment
    properties.modified = moment
    properties.last_printed = moment


def _set_language(document: DocxDocument) -> None:
    """Mark the text as Swedish (spelling and hyphenation in Word)."""
    run_properties = document.styles["Normal"].element.get_or_add_rPr()
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), LANGUAGE)
    run_properties.append(language)


def _set_header(document: DocxDocument, content: Content) -> None:
    """Put the group and "Utkast – ej slutlig" or "Version N" on every page."""
    header = document.sections[0].header
    paragraph = header.paragraphs[0]
    paragraph.text = f"{content.figures.group_name} · {outline.state_line(content)}"


def _front_matter(document: DocxDocument, content: Content) -> None:
    """Write the title, the group, the state and the facts before the first section."""
    figures = content.figures
    document.add_paragraph(figures.group_name)
    document.add_heading(outline.title(content), level=0)
    if content.is_final:
        document.add_paragraph().add_run(f"Version {content.version}").bold = True
    else:
        paragraph = document.add_paragraph()
        paragraph.add_run("Utkast – ej slutlig.").bold = True
        paragraph.add_run(" Redovisningen är inte markerad som slutlig och kan ännu ändras.")
    if figures.municipalities:
        label = "Kommun" if len(figures.municipalities) == 1 else "Kommuner"
        _fact(document, label, ", ".join(figures.municipalities))
    _fact(document, "Redovisningsår", str(figures.year))
    _fact(document, "Siffrorna", f"räknade per {format_long(figures.as_of)}")
    document.add_paragraph("Färre än 5 klienter redovisas som ”<5”.")


def _fact(document: DocxDocument, label: str, value: str) -> None:
    """Write "Label: value" with the label in bold."""
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(value)


def _part(document: DocxDocument, content: Content, section_id: str, part: outline.Part) -> None:
    """Write one part of a section, as the PDF shows it."""
    figures = content.figures
    if part.kind == "entered":
        text = content.entered.text(part.key)
        if text:
            _markdown(document, text)
        else:
            document.add_paragraph(outline.NOT_WRITTEN)
    elif part.kind == "staff":
        rows = [(year, posts, persons) for year, posts, persons in outline.staff_rows(content)]
        _word_table(document, outline.staff_caption(content), outline.STAFF_COLUMNS, rows, row_headers=True)
    elif part.kind == "members":
        if figures.members:
            rows = [(m.name, m.role, m.organisation or "–") for m in figures.members]
            _word_table(document, None, ("Namn", "Roll", "Organisation"), rows)
        else:
            document.add_paragraph(outline.NO_MEMBERS)
    elif part.kind == "ways_of_working":
        _lines(document, figures.ways_of_working, outline.NO_WAYS)
    elif part.kind == "meetings":
        document.add_paragraph(outline.meetings_line(figures))
        for meeting in figures.meetings:
            kind = f" ({meeting.kind})" if meeting.kind and meeting.kind != meeting.title else ""
            document.add_paragraph(f"{format_date(meeting.day)} {meeting.title}{kind}", style="List Bullet")
        _charts(document, figures, section_id)
    elif part.kind == "tables":
        _tables(document, figures, section_id, part)
    elif part.kind == "handled_errors":
        if figures.handled_errors:
            for error in figures.handled_errors:
                _handled_error(document, error)
        else:
            document.add_paragraph(outline.NO_HANDLED_ERRORS)
    elif part.kind == "charts":
        _charts(document, figures, section_id)


def _tables(document: DocxDocument, figures: Figures, section_id: str, part: outline.Part) -> None:
    """Write a part's tables of counts (or why there are none), then the section's charts."""
    statistics = section_id in ("activity", "clients")
    if statistics and not figures.quarters_entered:
        document.add_paragraph(outline.NO_STATISTICS)
        return
    if section_id == "errors" and not outline.errors_reported(figures):
        document.add_paragraph(outline.NO_ERRORS)
        return
    note = outline.statistics_note(figures) if statistics else None
    if note:
        document.add_paragraph(note)
    for table in outline.tables(figures, part):
        _figures_table(document, table)
    if part.charts:
        _charts(document, figures, section_id)


def _lines(document: DocxDocument, lines: tuple[str, ...], empty: str) -> None:
    """Write lines as a bulleted list, or the empty text."""
    if not lines:
        document.add_paragraph(empty)
    for line in lines:
        document.add_paragraph(line, style="List Bullet")


def _handled_error(document: DocxDocument, error: HandledError) -> None:
    """Write how one system error was dealt with locally and regionally."""
    document.add_heading(f"{error.number} {error.title}", level=3)
    facts = [error.level, error.category, error.status]
    if error.organisations:
        facts.append(", ".join(error.organisations))
    document.add_paragraph(" · ".join(facts))
    for label, lines in (("Lokalt", error.local), ("Regionalt och nationellt", error.regional)):
        if lines:
            document.add_paragraph().add_run(label).bold = True
            for line in lines:
                document.add_paragraph(line, style="List Bullet")
    if error.resolution:
        paragraph = document.add_paragraph()
        paragraph.add_run("Åtgärd: ").bold = True
        paragraph.add_run(error.resolution)


def _charts(document: DocxDocument, figures: Figures, section_id: str) -> None:
    """Write the figures of a section's charts as tables (Word gets the numbers, not the pictures)."""
    for chart in outline.charts_in(figures, section_id):
        _chart_table(document, chart)


def _figures_table(document: DocxDocument, table: Table) -> None:
    """Write a table of counts with its caption, small counts masked."""
    if table.is_empty:
        _caption(document, table.caption)
        document.add_paragraph("Inga uppgifter.")
        return
    rows = [(row.label, *(table.shown(v) for v in row.values)) for row in table.rows]
    _word_table(document, table.caption, ("", *table.columns), rows, row_headers=True)


def _chart_table(document: DocxDocument, chart: Chart) -> None:
    """Write a chart's figures as a table: its points as rows, its series as columns."""
    if not chart.points or not chart.series:
        _caption(document, chart.title)
        document.add_paragraph("Inga uppgifter.")
        return
    rows = [
        (point, *(chart.shown(s.values[p] if p < len(s.values) else 0) for s in chart.series))
        for p, point in enumerate(chart.points)
    ]
    _word_table(document, chart.title, ("", *(s.name for s in chart.series)), rows, row_headers=True)


def _caption(document: DocxDocument, text: str) -> None:
    """Write a table's caption above it."""
    document.add_paragraph(text, style="Caption")


def _word_table(
    document: DocxDocument,
    caption: str | None,
    columns: tuple[str, ...],
    rows: list[tuple[str, ...]],
    *,
    row_headers: bool = False,
) -> None:
    """Write a Word table: a bold header row repeated on every page, then the rows."""
    if caption:
        _caption(document, caption)
    table = document.add_table(rows=1 + len(rows), cols=len(columns))
    table.style = "Table Grid"
    header = table.rows[0]
    _repeat_header(header)
    for cell, text in zip(header.cells, columns, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for row, values in zip(table.rows[1:], rows, strict=True):
        for index, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            cell.paragraphs[0].add_run(text).bold = row_headers and index == 0
    document.add_paragraph()


def _repeat_header(row) -> None:
    """Mark a table's first row as its header (repeated on every page, read as headers)."""
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


# -- Markdown → paragraphs ---------------------------------------------------------------------


def _markdown(document: DocxDocument, text: str) -> None:
    """Write entered Markdown as Word paragraphs and lists (via the app's sanitised HTML)."""
    writer = _HtmlWriter(document)
    writer.feed(str(markup.render_markdown(text)))
    writer.close()


_BLOCKS = {"p", "h3", "h4", "h5", "h6", "li", "pre", "tr", "blockquote"}
_SPACE = re.compile(r"\s+")


class _HtmlWriter(HTMLParser):
    """Turn the sanitised HTML of entered Markdown (``markup.ALLOWED_TAGS``) into Word paragraphs."""

    def __init__(self, document: DocxDocument) -> None:
        """Start writing at the end of the document."""
        super().__init__(convert_charrefs=True)
        self.document = document
        self.paragraph: Paragraph | None = None
        self.lists: list[str] = []
        self.bold = self.italic = self.code = self.pre = self.quote = 0
        self.link: str | None = None
        self.link_text = ""
        self.first_cell = False

    def _new(self, style: str | None = None) -> Paragraph:
        """Start a paragraph in a style (Normal when None)."""
        self.paragraph = self.document.add_paragraph(style=style)
        return self.paragraph

    def handle_starttag(self, tag: str, attrs) -> None:
        """Open a block or a kind of formatting."""
        if tag in ("ul", "ol"):
            self.lists.append(tag)
        elif tag == "li":
            depth = min(len(self.lists), 3)
            kind = "List Number" if self.lists and self.lists[-1] == "ol" else "List Bullet"
            self._new(kind if depth <= 1 else f"{kind} {depth}")
        elif tag == "p":
            # A loose list's item holds a <p>: it writes into the item's own (still empty) paragraph.
            if self.paragraph is None or self.paragraph.text:
                self._new("Quote" if self.quote else None)
        elif tag in ("h3", "h4", "h5", "h6"):
            self._new(f"Heading {tag[1]}")
        elif tag == "pre":
            self.pre += 1
            self._new()
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "tr":
            self._new()
            self.first_cell = True
        elif tag in ("td", "th"):
            if not self.first_cell:
                self._text(" | ")
            self.first_cell = False
            self.bold += tag == "th"
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "code":
            self.code += 1
        elif tag == "a":
            self.link = dict(attrs).get("href")
            self.link_text = ""
        elif tag == "br" and self.paragraph is not None:
            self.paragraph.add_run().add_break()

    def handle_endtag(self, tag: str) -> None:
        """Close a block or a kind of formatting."""
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.paragraph = None
        elif tag in _BLOCKS:
            if tag == "pre":
                self.pre -= 1
            if tag == "blockquote":
                self.quote -= 1
            self.paragraph = None
        elif tag == "th":
            self.bold -= 1
        elif tag in ("strong", "b"):
            self.bold -= 1
        elif tag in ("em", "i"):
            self.italic -= 1
        elif tag == "code":
            self.code -= 1
        elif tag == "a":
            if self.link and self.link.strip() != self.link_text.strip():
                self._text(f" ({self.link})")
            self.link = None

    def handle_data(self, data: str) -> None:
        """Write text into the open paragraph (whitespace collapsed, as HTML shows it)."""
        if not self.pre:
            data = _SPACE.sub(" ", data)
            if self.paragraph is None or not self.paragraph.text:
                data = data.lstrip()
        if not data:
            return
        if self.link is not None:
            self.link_text += data
        self._text(data)

    def _text(self, data: str) -> None:
        """Add a run with the current formatting, opening a paragraph if none is open."""
        paragraph = self.paragraph or self._new("Quote" if self.quote else None)
        lines = data.split("\n") if self.pre else [data]
        for number, line in enumerate(lines):
            if number:
                paragraph.add_run().add_break()  # a code block keeps its lines
            run = paragraph.add_run(line)
            run.bold = bool(self.bold) or None
            run.italic = bool(self.italic) or None
            if self.code or self.pre:
                run.font.name = "Courier New"
                run.font.size = Pt(10)


def _fixed_zip(data: bytes, content: Content) -> bytes:
    """Return the DOCX package again with every entry dated the report's date (not now)."""
    moment = local(content.figures.as_of)
    stamp = max(ZIP_EPOCH, (moment.year, moment.month, moment.day, moment.hour, moment.minute, 0))
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(entry.filename))
    return buffer.getvalue()
