"""Routes for the printed protokoll: the print view, the PDF and the protokollsutdrag."""

from __future__ import annotations

from flask import abort, g, request

from .. import pdf as pdf_files
from ..answers import View
from . import bp, document, services
from .lookups import minutes_or_404 as _minutes_or_404


def _audience() -> document.Audience:
    """Return the version the caller gets: ``?version=public`` for members, always public for others."""
    return document.audience_for(g.membership, request.args.get("version"))


@bp.get("/print")
def print_view(group_id, meeting_id):
    """Show the protokoll as it prints, with the checksum of its PDF."""
    minutes = _minutes_or_404(meeting_id)
    audience = _audience()
    rendered = document.protokoll_pdf(minutes, audience)
    context = {
        "doc": document.build(minutes, audience),
        "meeting": minutes.meeting,
        "minutes": minutes,
        "rendered": rendered,
        "may_choose": services.sees_confidential(g.membership),
        "extracts": [
            p
            for p in services.visible_paragraphs(minutes, g.membership)
            if audience == document.Audience.FULL or not p.is_secret
        ],
    }
    return View("minutes/print.html", context).render()


@bp.get("/protokoll.pdf")
def pdf(group_id, meeting_id):
    """Download the protokoll as a PDF (the version the caller may read)."""
    minutes = _minutes_or_404(meeting_id)
    return pdf_files.download(document.protokoll_pdf(minutes, _audience()))


@bp.get("/paragraphs/<int:paragraph_id>/utdrag.pdf")
def extract_pdf(group_id, meeting_id, paragraph_id):
    """Download a protokollsutdrag of one § (404 for a confidential § the caller may not see)."""
    minutes = _minutes_or_404(meeting_id)
    paragraph = document.extract_paragraph(minutes, paragraph_id, g.membership)
    if paragraph is None:
        abort(404)
    return pdf_files.download(document.extract_pdf(minutes, paragraph))
