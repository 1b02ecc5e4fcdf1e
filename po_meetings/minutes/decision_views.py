"""View helpers for the decisions part of a § (decisions, votes, reservations, notes, actions, reports).

The § block (minutes/_paragraph.html) is shown by the page and answered alone by every route that
changes a §; this module gives it one key, ``decision_part``, so its variables never clash with the
rest of the § context. A refused form is kept (``answers.keep``) under the §'s key and its name
(``new``, ``edit-<decision id>``, ``votes-<decision id>`` …, see ``views.paragraph_key``);
:func:`decision_context` shows it again in its place, so the same state shows whether the answer is
the § fragment (htmx) or the whole page (no JavaScript).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import g

from ..models import MinutesNote, NoteStatus
from ..system_errors import services as register
from . import queries, services
from .decision_forms import (
    VOTE_CHOICES,
    ActionForm,
    DecisionForm,
    EditDecisionForm,
    MotivationForm,
    NoteForm,
    ReportLinkForm,
    ReservationForm,
)

#: How many of the group's reports the link form offers (open ones first, newest first).
REPORT_CHOICES_LIMIT = 200


@dataclass
class DecisionRow:
    """One decision as the § shows it, with the forms the viewer may use on it."""

    decision: object
    tally: dict
    votes_left: list = field(default_factory=list)
    chosen: dict = field(default_factory=dict)
    votes_error: list = field(default_factory=list)
    edit_form: object = None
    reservation_form: object = None
    motivation_forms: dict = field(default_factory=dict)
    action_form: object = None
    report_form: object = None
    reports: list = field(default_factory=list)


@dataclass
class DecisionPart:
    """Everything _decisions.html and _notes.html need for one §."""

    paragraph: object
    is_open: bool
    can_write: bool
    leads: bool
    can_vote: bool
    voters: list
    recused: list
    rows: list
    notes: list
    new_form: object = None
    note_form: object = None
    note_for_others: bool = False
    notice: str | None = None
    alert: list = field(default_factory=list)
    focus: str | None = None
    sees_report_titles: bool = False
    vote_choices: list = field(default_factory=lambda: VOTE_CHOICES)


# -- forms ---------------------------------------------------------------------------------------


def prefix(kind: str, object_id: int) -> str:
    """Return the form prefix of one form on the page (ids stay unique across §§ and decisions)."""
    return f"{kind}-{object_id}"


# -- who may reserve, who is present -----------------------------------------------------------------


def may_reserve(decision, part) -> list:
    """Return the voters who voted against the outcome and have not reserved yet."""
    if not decision.is_vote:
        return []
    reserved = {r.membership_id for r in decision.reservations}
    return [m for m in part.voters if m.id not in reserved and services.voted_against(decision, m.id)]


def present_members(minutes, paragraph) -> list:
    """Return everyone in the room for the § (co-opted members and ombuds included), by name."""
    rows = [r for r in minutes.attendances if services.present_at(r, paragraph)]
    return [r.membership for r in sorted(rows, key=lambda r: r.membership.user.name)]


def seat_members(minutes) -> list:
    """Return the group's members and substitutes (who can own an uppdrag or a report), by name."""
    members = [
        r.membership
        for r in minutes.attendances
        if r.membership.role_enum in services.SEAT_ROLES and r.membership.is_active
    ]
    return sorted(members, key=lambda m: m.user.name)


def group_reports(group_id: int) -> list:
    """Return the group's submitted reports for the link form: open ones first (one query a request)."""
    cache = g.setdefault("decision_reports", {})
    if group_id not in cache:
        cache[group_id] = queries.reports_to_link(group_id, REPORT_CHOICES_LIMIT)
    return cache[group_id]


def visible_notes(paragraph, by, can_write: bool, leads: bool) -> list[MinutesNote]:
    """Return the notes the member sees: accepted ones; requested or declined ones only to the
    minutes' writers and to the person who asked."""
    notes = []
    for note in paragraph.notes:
        if note.status == NoteStatus.ACCEPTED.value or can_write or leads:
            notes.append(note)
        elif by is not None and note.membership_id == by.id:
            notes.append(note)
    return notes


# -- the context ---------------------------------------------------------------------------------


class _Kept:
    """The forms kept for one § in this request, by name: each is taken where it shows; what is
    left over did not show (the minutes closed, the decision went), and its messages go to the
    §'s alert, so a refusal is never silent."""

    def __init__(self, forms: dict) -> None:
        self.forms = dict(forms)
        self.focus: str | None = None

    def __contains__(self, name: str) -> bool:
        return name in self.forms

    def take(self, name: str, fresh=None):
        """Return the kept form of this name (its first field with a message takes focus), else
        ``fresh()``, else None."""
        form = self.forms.pop(name, None)
        if form is None:
            return fresh() if fresh is not None else None
        if self.focus is None:
            self.focus = next((f.id for f in form if f.errors), None)
        return form

    def messages(self) -> list[str]:
        """Return the messages of the forms that did not show."""
        return [error for form in self.forms.values() for errors in form.errors.values() for error in errors]


def _row(minutes, paragraph, decision, by, part, kept: _Kept, editing, flags) -> DecisionRow:
    """Return one decision with the forms the member may use on it."""
    can_write, is_open, final = flags
    row = DecisionRow(decision=decision, tally=decision.tally())
    did = decision.id
    if can_write and not final and (editing == did or f"edit-{did}" in kept):
        row.edit_form = kept.take(
            f"edit-{did}",
            lambda: EditDecisionForm(
                formdata=None,
                prefix=prefix("decision", did),
                text=decision.text,
                needs_organisation_approval=decision.needs_organisation_approval,
            ),
        )
    if decision.is_vote and can_write and is_open and not final:
        voted = {v.membership_id for v in decision.votes}
        row.votes_left = [m for m in part.voters if m.id not in voted]
        if row.votes_left and f"votes-{did}" in kept:
            votes = kept.take(f"votes-{did}")
            row.chosen = votes.chosen()
            row.votes_error = list(votes.form_errors)
            kept.focus = "votes-error"
    if decision.is_vote and is_open and by is not None:
        eligible = may_reserve(decision, part)
        if not can_write:
            eligible = [m for m in eligible if m.id == by.id]
        if eligible or f"reservation-{did}" in kept:
            row.reservation_form = kept.take(
                f"reservation-{did}",
                lambda: ReservationForm(formdata=None, prefix=prefix("reservation", did)),
            )
            row.reservation_form.set_choices(eligible)
    if not minutes.is_approved and by is not None:
        for reservation in decision.reservations:
            if reservation.membership_id == by.id or can_write:
                rid = reservation.id
                row.motivation_forms[rid] = kept.take(
                    f"motivation-{rid}",
                    lambda r=reservation: MotivationForm(
                        formdata=None, prefix=prefix("motivation", r.id), motivation=r.motivation
                    ),
                )
    if can_write and not final:
        row.action_form = kept.take(
            f"action-{did}", lambda: ActionForm(formdata=None, prefix=prefix("action", did))
        )
        row.action_form.set_choices(seat_members(minutes))
        linked = {link.report_id for link in decision.report_links}
        row.reports = [r for r in group_reports(minutes.group_id) if r.id not in linked]
        row.report_form = kept.take(
            f"report-{did}", lambda: ReportLinkForm(formdata=None, prefix=prefix("report", did))
        )
        row.report_form.set_choices(row.reports, seat_members(minutes))
    return row


def decision_context(
    minutes,
    paragraph,
    by,
    kept: dict,
    *,
    notice: str | None = None,
    error: str | None = None,
    editing: int | None = None,
    part=None,
) -> dict:
    """Return the template variables the decisions part of one § needs (merged into the § context).

    ``kept`` holds the §'s kept forms by name; ``notice`` is a saved change's (it takes focus),
    ``error`` a refusal that belongs to no form, ``editing`` the decision whose edit form is open;
    ``part`` is the §'s participation if the caller has it already.
    Everything comes from what :func:`services.minutes_of` loaded; only the writer's report list
    costs one query per request.
    """
    forms = _Kept(kept)
    can_write = services.can_write(minutes, by)
    leads = services.leads(minutes, by) and not minutes.is_approved
    is_open = minutes.closed_at is None and not minutes.is_approved
    final = paragraph.approved_at_meeting
    if part is None:
        part = services.participation(paragraph)
    flags = (can_write, is_open, final)
    rows = [_row(minutes, paragraph, d, by, part, forms, editing, flags) for d in paragraph.decisions]
    context = DecisionPart(
        paragraph=paragraph,
        is_open=is_open,
        can_write=can_write,
        leads=leads,
        can_vote=can_write and is_open and not final,
        voters=part.voters,
        recused=part.recused,
        rows=rows,
        notes=visible_notes(paragraph, by, can_write, leads),
        notice=notice,
        sees_report_titles=register.sees_all(by),
    )
    if can_write and is_open and not final:
        context.new_form = forms.take(
            "new", lambda: DecisionForm(formdata=None, prefix=prefix("new-decision", paragraph.id))
        )
    present = present_members(minutes, paragraph)
    if is_open and by is not None and (can_write or any(m.id == by.id for m in present)):
        context.note_form = forms.take(
            "note",
            lambda: NoteForm(formdata=None, prefix=prefix("note", paragraph.id), membership_id=by.id),
        )
        context.note_for_others = can_write
        context.note_form.set_choices(present if can_write else [m for m in present if m.id == by.id])
    if error:
        context.alert.append(error)
    context.alert.extend(forms.messages())
    if notice:
        context.focus = "notice"
    elif editing is not None and forms.focus is None:
        context.focus = f"{prefix('decision', editing)}-text"
    else:
        context.focus = forms.focus
    return {"decision_part": context}
