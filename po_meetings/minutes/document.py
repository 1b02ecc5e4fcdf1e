"""The printed protokoll: what a reader of the minutes sees, as HTML for print and as PDF.

:func:`build` turns loaded minutes (``services.minutes_of``) into a :class:`Protokoll` for one
:class:`Audience`: the full version for members, or the public one, where a confidential §
that has not been released is only the line "§ N – sekretess" (no title, text, decisions or
guests). Ombuds and co-opted members only ever get the public version (:func:`audience_for`).

The same HTML feeds the browser's print view and the PDF; it holds only data from the minutes
(no "printed at" times, no tokens), so the same minutes give the same PDF, byte for byte.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import render_template

from .. import pdf
from ..models import (
    ORDINARY_ROLES,
    ApprovalVerdict,
    Attendance,
    Decision,
    DecisionResult,
    Membership,
    Minutes,
    NoteStatus,
    Paragraph,
    Presence,
    Role,
    VoteChoice,
)
from . import services

#: The generic start of a group's name, left out of file names ("…i Mellanå" → "mellana").
GENERIC_NAME = re.compile(
    r"^ledningsgrupp(en)?\s+(för\s+)?(personligt?\s+ombud\s+)?(i|för)?\s*", re.IGNORECASE
)


class Audience(enum.StrEnum):
    """Who a protokoll is printed for."""

    #: every §, confidential ones included (members only)
    FULL = "full"
    #: confidential §§ that are not released become "§ N – sekretess" (ombuds, co-opted, others)
    PUBLIC = "public"


def audience_for(by: Membership | None, requested: str | None = None) -> Audience:
    """Return the version a member gets: members choose, ombuds and co-opted always get public."""
    if not services.sees_confidential(by):
        return Audience.PUBLIC
    return Audience.PUBLIC if requested == Audience.PUBLIC.value else Audience.FULL


# -- the data of the document -----------------------------------------------------------------


@dataclass
class Person:
    """A name as the protokoll prints it, with organisation and a note ("för …", "från § 13")."""

    name: str
    organisation: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def line(self) -> str:
        """Return "Namn, Organisation (note; note)"."""
        text = ", ".join(part for part in (self.name, self.organisation) if part)
        return f"{text} ({'; '.join(self.notes)})" if self.notes else text


@dataclass
class VoteRow:
    """One voter's line in a vote table."""

    name: str
    organisation: str | None
    choice: str

    @property
    def is_yes(self) -> bool:
        """Return whether the voter said ja."""
        return self.choice == VoteChoice.YES.value

    @property
    def is_no(self) -> bool:
        """Return whether the voter said nej."""
        return self.choice == VoteChoice.NO.value

    @property
    def is_abstain(self) -> bool:
        """Return whether the voter abstained."""
        return self.choice == VoteChoice.ABSTAIN.value


@dataclass
class DecisionEntry:
    """A decision as printed: text, how it was taken, votes, reservations, uppdrag, återrapportering."""

    decision: Decision
    votes: list[VoteRow]
    tally: dict[str, int]
    reservations: list[tuple[Person, str | None]]
    actions: list[tuple[str, Person, date | None]]
    organisations: list[str]
    reports: list[tuple[str, str | None]]

    @property
    def is_vote(self) -> bool:
        """Return whether the decision was taken by votering."""
        return self.decision.is_vote

    @property
    def is_adopted(self) -> bool:
        """Return whether the proposal was adopted."""
        return self.decision.result == DecisionResult.ADOPTED.value


@dataclass
class ParagraphEntry:
    """A § as printed; ``paragraph`` is None when it is hidden ("§ N – sekretess")."""

    number: int
    paragraph: Paragraph | None
    decisions: list[DecisionEntry] = field(default_factory=list)
    recused: list[Person] = field(default_factory=list)
    notes: list[tuple[Person, str]] = field(default_factory=list)
    guests: list[Person] = field(default_factory=list)

    @property
    def label(self) -> str:
        """Return "§ N"."""
        return f"§ {self.number}"

    @property
    def is_hidden(self) -> bool:
        """Return whether only "§ N – sekretess" is printed."""
        return self.paragraph is None


@dataclass
class Signature:
    """A line of the justering block: who, in what capacity, and when they justerade."""

    heading: str
    person: Person
    role: str | None
    approved_at: datetime | None
    needs_approval: bool


@dataclass
class Protokoll:
    """Everything the printed protokoll (or an utdrag of it) shows."""

    minutes: Minutes
    audience: Audience
    group_name: str
    meeting_title: str
    starts_at: datetime
    ends_at: datetime
    place: str | None
    paragraphs: list[ParagraphEntry]
    members: list[Person]
    serving: list[Person]
    substitutes: list[Person]
    co_opted: list[Person]
    ombuds: list[Person]
    guests: list[tuple[str, Person]]
    apologies: list[Person]
    absent: list[Person]
    chair: Person | None
    secretary: Person | None
    adjusters: list[Person]
    signatures: list[Signature]
    corrections: list
    is_extract: bool = False

    @property
    def is_draft(self) -> bool:
        """Return whether the minutes are not justerade yet (every page says so)."""
        return not self.minutes.is_approved

    @property
    def day(self) -> date:
        """Return the meeting's date in Stockholm."""
        return self.starts_at.astimezone(services.STOCKHOLM).date()

    @property
    def paragraph_range(self) -> str:
        """Return "§§ 12–18" (or "§ 12") for the §§ printed."""
        numbers = [p.number for p in self.paragraphs]
        if not numbers:
            return ""
        low, high = min(numbers), max(numbers)
        return f"§ {low}" if low == high else f"§§ {low}–{high}"

    @property
    def title(self) -> str:
        """Return the document's title (the PDF's title too)."""
        day = _day(self.starts_at)
        if self.is_extract:
            return f"Utdrag ur protokoll {day} {self.paragraphs[0].label}, {self.group_name}"
        return f"Protokoll {day}, {self.group_name}"


def _day(value: datetime) -> str:
    """Return a meeting's date as 2026-10-21 in Stockholm."""
    return value.astimezone(services.STOCKHOLM).strftime("%Y-%m-%d")


def _organisation(membership: Membership) -> str | None:
    """Return the organisation a member represents in the group."""
    organisation = membership.organisation
    return organisation.name if organisation is not None else None


def _person(membership: Membership, *notes: str) -> Person:
    """Return a member as the protokoll names them."""
    return Person(membership.user.name, _organisation(membership), [n for n in notes if n])


def _name_key(row: Attendance) -> str:
    """Sort attendance rows by name."""
    return row.membership.user.name


def _time_notes(row: Attendance) -> list[str]:
    """Return "från § 13" and "till och med § 16" for a late arrival or an early leave."""
    notes = []
    if row.arrived_at is not None:
        notes.append(f"från {row.arrived_at.label}")
    if row.left_after is not None:
        notes.append(f"till och med {row.left_after.label}")
    return notes


def _decision_entry(decision: Decision) -> DecisionEntry:
    """Return a decision with its votes, reservations and uppdrag, in print order."""
    votes = sorted(
        (VoteRow(v.membership.user.name, _organisation(v.membership), v.choice) for v in decision.votes),
        key=lambda row: row.name,
    )
    reservations = [(_person(r.membership), r.motivation) for r in decision.reservations]
    actions = [(a.title, _person(a.owner), a.due_on) for a in decision.actions]
    organisations = sorted(f.organisation.name for f in decision.follow_ups)
    reports = [(link.report.number, link.effect) for link in decision.report_links]
    return DecisionEntry(
        decision=decision,
        votes=votes,
        tally=decision.tally(),
        reservations=reservations,
        actions=actions,
        organisations=organisations if decision.needs_organisation_approval else [],
        reports=reports,
    )


def _paragraph_entry(paragraph: Paragraph, audience: Audience) -> ParagraphEntry:
    """Return a § as printed for the audience: hidden when secret in the public version."""
    if audience == Audience.PUBLIC and paragraph.is_secret:
        return ParagraphEntry(number=paragraph.number, paragraph=None)
    return ParagraphEntry(
        number=paragraph.number,
        paragraph=paragraph,
        decisions=[_decision_entry(d) for d in paragraph.decisions],
        recused=sorted((_person(r.membership) for r in paragraph.recusals), key=lambda p: p.name),
        notes=[
            (_person(n.membership), n.text) for n in paragraph.notes if n.status == NoteStatus.ACCEPTED.value
        ],
        guests=[Person(g.name, g.description) for g in paragraph.guests],
    )


def _signatures(minutes: Minutes) -> list[Signature]:
    """Return the justering block: the secretary, then the chair and the justerare with their times."""
    approvals = services.current_approvals(minutes)

    def approved_at(membership: Membership) -> datetime | None:
        """Return when the member justerade the current revision, if they did."""
        approval = approvals.get(membership.id)
        if approval is None or approval.verdict != ApprovalVerdict.APPROVED.value:
            return None
        return approval.created_at

    signatures = []
    if minutes.secretary is not None:
        signatures.append(
            Signature(
                "Vid protokollet", _person(minutes.secretary), "sekreterare", None, needs_approval=False
            )
        )
    if minutes.chair is not None:
        signatures.append(
            Signature("Justeras", _person(minutes.chair), "ordförande", approved_at(minutes.chair), True)
        )
    for adjuster in minutes.adjusters:
        signatures.append(Signature("", _person(adjuster), "justerare", approved_at(adjuster), True))
    return signatures


def build(minutes: Minutes, audience: Audience, only: Paragraph | None = None) -> Protokoll:
    """Return the protokoll (or, with ``only``, the utdrag of one §) as the audience may read it.

    ``minutes`` must come from :func:`services.minutes_of`: nothing here queries per row.
    """
    meeting = minutes.meeting
    chosen = [only] if only is not None else list(minutes.paragraphs)
    paragraphs = [_paragraph_entry(p, audience) for p in sorted(chosen, key=lambda p: p.position)]
    members, serving, substitutes, co_opted, ombuds, apologies, absent = [], [], [], [], [], [], []
    for row in sorted(minutes.attendances, key=_name_key):
        membership = row.membership
        role = membership.role_enum
        if row.presence == Presence.APOLOGIES.value:
            apologies.append(_person(membership))
            continue
        if row.presence != Presence.PRESENT.value:
            absent.append(_person(membership))
            continue
        notes = _time_notes(row)
        if role in ORDINARY_ROLES:
            capacity = {Role.CHAIR: "ordförande", Role.VICE_CHAIR: "vice ordförande"}.get(role)
            if membership.id == minutes.chair_id:
                capacity = "mötets ordförande" if role != Role.CHAIR else "ordförande"
            members.append(_person(membership, capacity or "", *notes))
        elif role == Role.SUBSTITUTE and row.serving_for is not None:
            serving.append(_person(membership, f"för {row.serving_for.user.name}", *notes))
        elif role == Role.SUBSTITUTE:
            substitutes.append(_person(membership, *notes))
        elif role == Role.CO_OPTED:
            co_opted.append(_person(membership, *notes))
        else:
            ombuds.append(_person(membership, *notes))
    guests = [(entry.label, guest) for entry in paragraphs for guest in entry.guests]
    shown = {entry.paragraph.id for entry in paragraphs if entry.paragraph is not None}
    corrections = [
        c for c in minutes.corrections if (c.paragraph_id is None and only is None) or c.paragraph_id in shown
    ]
    return Protokoll(
        minutes=minutes,
        audience=audience,
        group_name=meeting.group.name,
        meeting_title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        place=meeting.place,
        paragraphs=paragraphs,
        members=members,
        serving=serving,
        substitutes=substitutes,
        co_opted=co_opted,
        ombuds=ombuds,
        guests=guests,
        apologies=apologies,
        absent=absent,
        chair=_person(minutes.chair) if minutes.chair else None,
        secretary=_person(minutes.secretary) if minutes.secretary else None,
        adjusters=[_person(m) for m in minutes.adjusters],
        signatures=_signatures(minutes),
        corrections=corrections,
        is_extract=only is not None,
    )


def extract_paragraph(minutes: Minutes, paragraph_id: int, by: Membership | None) -> Paragraph | None:
    """Return the § of an utdrag if the member may see it (a secret § is None for ombuds)."""
    return services.get_paragraph(minutes, paragraph_id, by)


# -- HTML and PDF ------------------------------------------------------------------------------


def render_html(doc: Protokoll) -> str:
    """Return the standalone HTML document (protokoll or utdrag) that becomes the PDF."""
    template = "minutes/document/utdrag.html" if doc.is_extract else "minutes/document/protokoll.html"
    return render_template(template, doc=doc, stylesheet=pdf.stylesheet())


def protokoll_html(minutes: Minutes, audience: Audience) -> str:
    """Return the HTML of the protokoll for the audience, exactly as it feeds the PDF."""
    return render_html(build(minutes, audience))


def extract_html(minutes: Minutes, paragraph: Paragraph) -> str:
    """Return the HTML of a protokollsutdrag (one §), exactly as it feeds the PDF.

    The caller has checked that the member may see the § (:func:`extract_paragraph`).
    """
    return render_html(build(minutes, Audience.FULL, only=paragraph))


def _render_pdf(doc: Protokoll, name: str) -> pdf.Rendered:
    """Render a protokoll or utdrag as a PDF."""
    return pdf.render(render_html(doc), title=doc.title, file_name=name)


def protokoll_pdf(minutes: Minutes, audience: Audience) -> pdf.Rendered:
    """Render the protokoll for the audience as a PDF."""
    return _render_pdf(build(minutes, audience), file_name(minutes, audience))


def extract_pdf(minutes: Minutes, paragraph: Paragraph) -> pdf.Rendered:
    """Render the utdrag of one § as a PDF (the caller has checked the member may see it)."""
    doc = build(minutes, Audience.FULL, only=paragraph)
    return _render_pdf(doc, file_name(minutes, Audience.FULL, paragraph))


def slug(text: str) -> str:
    """Return an ASCII file-name slug: "Ledningsgruppen … i Mellanå" → "mellana"."""
    short = GENERIC_NAME.sub("", text.strip()) or text
    ascii_text = unicodedata.normalize("NFKD", short).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:40].rstrip("-") or "grupp"


def file_name(minutes: Minutes, audience: Audience, paragraph: Paragraph | None = None) -> str:
    """Return the PDF's file name, e.g. protokoll-2026-10-21-mellana.pdf."""
    meeting = minutes.meeting
    stem = f"{_day(meeting.starts_at)}-{slug(meeting.group.name)}"
    if paragraph is not None:
        return f"utdrag-{stem}-paragraf-{paragraph.number}.pdf"
    suffix = "-utan-sekretess" if audience == Audience.PUBLIC else ""
    return f"protokoll-{stem}{suffix}.pdf"
