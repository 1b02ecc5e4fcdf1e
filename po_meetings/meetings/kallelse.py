"""The kallelse as a document: the print view and the PDF, with the same content.

A kallelse is what a member takes to the meeting: the group, the meeting's time and place, who
is called, and the agenda with each item's number, planned time, time box, type and presenter.
It has no controls. The document is built for the caller: an ombud's kallelse leaves out the
confidential items, as the meeting page does (numbers and times still come from the whole
agenda, so "punkt 5 kl. 14.10" means the same on every copy).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import render_template

from .. import pdf
from ..agendas import tree
from ..dates import local
from ..groups import services as group_services
from ..models import Meeting, Membership
from . import services
from .views import numbered_agenda


@dataclass
class Called:
    """One called member: name, organisation and role."""

    name: str
    organisation: str | None
    role: str


@dataclass
class Kallelse:
    """Everything a printed kallelse shows."""

    meeting: Meeting
    group_name: str
    agenda: list[tree.Numbered]
    called: list[Called]
    total_minutes: int
    leaves_out_confidential: bool

    @property
    def title(self) -> str:
        """Return the document title, e.g. "Kallelse – Ledningsgruppsmöte 2026-12-09"."""
        return f"Kallelse – {self.meeting.title}"

    @property
    def day(self) -> date:
        """Return the meeting's day in Stockholm."""
        return local(self.meeting.starts_at).date()

    @property
    def is_draft(self) -> bool:
        """Return whether the kallelse has not been sent yet."""
        return self.meeting.is_draft


def build(meeting: Meeting, membership: Membership | None) -> Kallelse:
    """Return the kallelse of the meeting as the member may read it."""
    visible = services.visible_items(meeting, membership)
    members = group_services.sort_members(group_services.active_memberships(meeting.group))
    called = [
        Called(m.user.name, m.organisation.name if m.organisation else None, m.role_label) for m in members
    ]
    return Kallelse(
        meeting=meeting,
        group_name=meeting.group.name,
        agenda=numbered_agenda(meeting, visible),
        called=called,
        total_minutes=tree.total_minutes(meeting.items),
        leaves_out_confidential=len(visible) < len(meeting.items),
    )


def render_html(doc: Kallelse) -> str:
    """Return the standalone HTML document that becomes the PDF."""
    return render_template("meetings/kallelse/document.html", doc=doc, stylesheet=pdf.stylesheet())


def file_name(meeting: Meeting) -> str:
    """Return the PDF's file name, e.g. kallelse-2026-12-09.pdf."""
    return f"kallelse-{local(meeting.starts_at).date().isoformat()}-{meeting.id}.pdf"


def render_pdf(doc: Kallelse) -> pdf.Rendered:
    """Render the kallelse as a PDF (the same agenda gives the same bytes)."""
    return pdf.render(render_html(doc), title=doc.title, file_name=file_name(doc.meeting))
