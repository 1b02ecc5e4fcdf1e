"""The yearly report as files: a PDF (WeasyPrint) and an editable Word document (python-docx).

Both are made from a :class:`~.content.Content` alone, never from the database, so a final
version's frozen content gives the same files on every download: the PDF byte for byte (its
SHA-256 is the version's stored checksum), the DOCX too (see :mod:`.docx_document`). They show
the page's sections in the page's order (:mod:`.outline`) with the page's numbers, every count of
the tables and charts below five as "<5".
"""

from __future__ import annotations

from flask import Response, make_response, render_template

from .. import pdf
from . import docx_document, outline
from .content import Content

DOCUMENT = "annual_reports/document.html"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def file_stem(content: Content) -> str:
    """Return the files' name without suffix: verksamhetsredovisning-2025-v1 (or …-2025-utkast)."""
    state = f"v{content.version}" if content.is_final else "utkast"
    return f"verksamhetsredovisning-{content.figures.year}-{state}"


def document_html(content: Content) -> str:
    """Return the standalone HTML document that becomes the PDF."""
    figures = content.figures
    return render_template(
        DOCUMENT,
        content=content,
        figures=figures,
        entered=content.entered,
        outline=outline,
        sections=outline.sections(content),
        title=outline.title(content),
        state_line=outline.state_line(content),
        stylesheet=pdf.stylesheet(),
    )


def pdf_of(content: Content) -> pdf.Rendered:
    """Render the report as a PDF: equal content gives equal bytes (no date of printing in it)."""
    title = f"{outline.title(content)}, {content.figures.group_name}"
    return pdf.render(document_html(content), title=title, file_name=f"{file_stem(content)}.pdf")


def docx_of(content: Content) -> bytes:
    """Return the report as a Word document (DOCX): equal content gives equal bytes."""
    return docx_document.build(content)


def docx_file_name(content: Content) -> str:
    """Return the Word document's file name."""
    return f"{file_stem(content)}.docx"


def download_docx(content: Content) -> Response:
    """Return the report's Word document as a download."""
    response = make_response(docx_of(content))
    response.headers["Content-Type"] = DOCX_TYPE
    response.headers["Content-Disposition"] = f'attachment; filename="{docx_file_name(content)}"'
    return response
