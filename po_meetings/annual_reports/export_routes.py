"""Routes of the yearly report's files: the PDF and the Word document, of the report or a final version.

The report's own URLs give its current content (the draft as counted now from its date, or the
latest final version); a version's URLs give that version's frozen content, the same bytes on
every download (its PDF's SHA-256 is the one stored when it was made final).
"""

from __future__ import annotations

from flask import abort, g

from .. import pdf as pdf_files
from ..models import AnnualReport, AnnualReportVersion
from . import bp, export, services


def _report_or_404(year: int) -> AnnualReport:
    """Return the group's report of a year, or answer 404."""
    report = services.find(g.group.id, year)
    if report is None:
        abort(404)
    return report


def _version_or_404(year: int, number: int) -> AnnualReportVersion:
    """Return a final version of the group's report of a year, or answer 404."""
    version = services.version_of(_report_or_404(year), number)
    if version is None:
        abort(404)
    return version


@bp.get("/<int:year>.pdf")
def pdf(group_id, year):
    """Download the report of a year as a PDF (the draft, or the latest final version)."""
    content = services.content_of(_report_or_404(year))
    return pdf_files.download(export.pdf_of(content))


@bp.get("/<int:year>.docx")
def docx(group_id, year):
    """Download the report of a year as a Word document (the draft, or the latest final version)."""
    return export.download_docx(services.content_of(_report_or_404(year)))


@bp.get("/<int:year>/versions/<int:number>.pdf")
def version_pdf(group_id, year, number):
    """Download a final version as a PDF: the same bytes as when it was made final."""
    content = services.content_of_version(_version_or_404(year, number))
    return pdf_files.download(export.pdf_of(content))


@bp.get("/<int:year>/versions/<int:number>.docx")
def version_docx(group_id, year, number):
    """Download a final version as a Word document."""
    return export.download_docx(services.content_of_version(_version_or_404(year, number)))
