"""Routes for the printed kallelse: the print view and the PDF."""

from __future__ import annotations

from flask import g

from .. import pdf
from ..answers import View
from . import bp, kallelse, lookups


@bp.get("/<int:meeting_id>/kallelse")
def kallelse_view(group_id, meeting_id):
    """Show the kallelse as it prints, with a link to its PDF."""
    meeting = lookups.meeting_or_404(meeting_id)
    doc = kallelse.build(meeting, g.membership)
    return View("meetings/kallelse.html", {"group": g.group, "meeting": meeting, "doc": doc}).render()


@bp.get("/<int:meeting_id>/kallelse.pdf")
def kallelse_pdf(group_id, meeting_id):
    """Download the kallelse as a PDF (confidential items left out for those who may not see them)."""
    meeting = lookups.meeting_or_404(meeting_id)
    return pdf.download(kallelse.render_pdf(kallelse.build(meeting, g.membership)))
