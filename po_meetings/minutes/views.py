"""What the minutes page and its parts show: context builders for the templates.

The page (minutes/show.html) includes every part's fragment, and an htmx answer is one of those
fragments alone: the officers, the attendance, the §§, one §, justering, rättelser. Each part's
context comes from one builder here, used by both, so the page and the fragment show the same.
A refused form is kept with :func:`answers.keep` under its part's key (``OFFICERS_KEY``,
``ATTENDANCE_KEY``, ``paragraph_key`` …): the builder finds it with :func:`answers.kept` and shows it
again with its messages.

Builders that take a ``meeting_id`` read the minutes anew (after a change they show what was
saved); the page costs the same few queries however many §§, decisions and attendance rows it has.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import g

from .. import answers
from ..answers import View
from ..meetings import services as meeting_services
from ..models import LEADING_ROLES, ORDINARY_ROLES, MeetingStatus, Presence, Role
from . import lookups, services, standing
from .decision_views import decision_context
from .forms import (
    AttendanceForm,
    AttendanceListForm,
    CorrectionForm,
    GuestForm,
    JusteraForm,
    NewParagraphForm,
    OfficersForm,
    ParagraphForm,
    RecusalForm,
    WithdrawJusteringForm,
)

PAGE = "minutes/show.html"
OFFICERS = "minutes/_officers.html"
ATTENDANCE = "minutes/_attendance.html"
PARAGRAPHS = "minutes/_paragraphs.html"
PARAGRAPH = "minutes/_paragraph.html"
PARAGRAPH_FORM = "minutes/_paragraph_form.html"
PARAGRAPH_CONFLICT = "minutes/_paragraph_conflict.html"
JUSTERING = "minutes/_justering.html"
CORRECTIONS = "minutes/_corrections.html"

#: Keys of the kept forms of the page's parts (those of one §: see :func:`paragraph_key`).
OFFICERS_KEY = "officers"
ATTENDANCE_KEY = "attendance"
WITHDRAW_KEY = "withdraw-justering"
NEW_PARAGRAPH_KEY = "new-paragraph"
JUSTERING_KEY = "justering"
CORRECTION_KEY = "correction"

#: Order of the attendance list: the chair first, ombuds last.
ROLE_ORDER = (Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER, Role.SUBSTITUTE, Role.CO_OPTED, Role.OMBUD)


def paragraph_key(paragraph_id: int, name: str) -> tuple:
    """Return the key of a kept form of one §: ``text``, ``conflict``, ``guest``, ``recusal``, or
    one of its decisions part (``new``, ``edit-<decision id>``, ``votes-<decision id>`` …)."""
    return ("paragraph", paragraph_id, name)


def _kept_in(paragraph_id: int) -> dict:
    """Return the forms kept for one § in this request, by name."""
    return {
        key[2]: form
        for key, form in answers.all_kept().items()
        if isinstance(key, tuple) and len(key) == 3 and key[:2] == ("paragraph", paragraph_id)
    }


def _errors(form, field: str) -> str | None:
    """Return a kept form's messages for one field as one line, or None."""
    if form is None:
        return None
    return " ".join(getattr(form, field).errors) or None


# -- small questions the templates ask ------------------------------------------------------------


def is_under_way(minutes) -> bool:
    """Return whether the meeting is still under way (attendance, jäv and guests can change)."""
    return minutes.closed_at is None and not minutes.is_approved


def _by_role(memberships) -> list:
    """Order memberships by role (chair first), then name."""
    return sorted(memberships, key=lambda m: (ROLE_ORDER.index(m.role_enum), m.user.name))


def _attending(minutes) -> list:
    """Return the memberships on the attendance list, by role and name."""
    return _by_role(row.membership for row in minutes.attendances)


def edit_refusal(minutes, paragraph, by) -> str | None:
    """Return why the member may not open a §'s text for editing, or None."""
    if minutes.is_approved:
        return services.LOCKED
    if not services.can_write(minutes, by):
        return "Bara mötets sekreterare och ordförande kan ändra protokollet."
    if paragraph.approved_at_meeting:
        return f"{paragraph.label} är omedelbart justerad och kan inte ändras."
    return None


# -- one § ---------------------------------------------------------------------------------------


def guest_form(paragraph, formdata=None) -> GuestForm:
    """Build the add-guest form of a § (its own prefix keeps ids unique on the page)."""
    return GuestForm(prefix=f"guest-{paragraph.id}", formdata=formdata)


def recusal_form(minutes, paragraph, formdata=None) -> RecusalForm:
    """Build the jäv form of a §, offering the voters present at the § (not those already jäviga)."""
    form = RecusalForm(prefix=f"recusal-{paragraph.id}", formdata=formdata)
    form.set_choices(_by_role(services.recusal_candidates(paragraph)))
    return form


def paragraph_form(paragraph, formdata=None, **data) -> ParagraphForm:
    """Build the inline edit form of a §, filled from the § unless data is given."""
    data.setdefault("title", paragraph.title)
    data.setdefault("body", paragraph.body or "")
    data.setdefault("version", paragraph.version)
    return ParagraphForm(prefix=f"paragraph-{paragraph.id}", formdata=formdata, data=data)


def keep_conflict(paragraph, form: ParagraphForm, mine: str | None) -> None:
    """Keep the form of a save over a newer version: the newer version, with the writer's title
    and text in it, so nothing typed is lost (the § then shows both texts)."""
    again = paragraph_form(paragraph, title=form.title.data, body=mine or "")
    answers.keep(paragraph_key(paragraph.id, "conflict"), again)


def paragraph_template(paragraph_id: int, edit_text: bool = False) -> str:
    """Return how a § shows: its conflict view, its edit form (opened or refused), or the § itself."""
    if answers.kept(paragraph_key(paragraph_id, "conflict")) is not None:
        return PARAGRAPH_CONFLICT
    if edit_text or answers.kept(paragraph_key(paragraph_id, "text")) is not None:
        return PARAGRAPH_FORM
    return PARAGRAPH


def _paragraph(
    minutes,
    paragraph,
    by,
    *,
    notice: str | None = None,
    error: str | None = None,
    edit_text: bool = False,
    decision_notice: str | None = None,
    decision_error: str | None = None,
    edit_decision: int | None = None,
) -> dict:
    """Return everything a § needs (minutes/_paragraph.html, or its edit form or conflict view).

    ``notice`` and ``error`` show at the top of the §, ``decision_notice`` and ``decision_error`` in
    its decisions part; ``edit_text`` opens the §'s edit form, ``edit_decision`` a decision's.
    """
    kept = _kept_in(paragraph.id)
    conflict, text = kept.pop("conflict", None), kept.pop("text", None)
    guest, recusal = kept.pop("guest", None), kept.pop("recusal", None)
    writer = services.can_write(minutes, by)
    under_way = is_under_way(minutes)
    form = conflict or text
    if form is None and edit_text:
        form = paragraph_form(paragraph)
    part = services.participation(paragraph)
    context = {
        "template": paragraph_template(paragraph.id, edit_text),
        "group": minutes.meeting.group,
        "meeting": minutes.meeting,
        "minutes": minutes,
        "paragraph": paragraph,
        "part": part,
        "membership": by,
        "can_write": writer,
        "leads": services.leads(minutes, by),
        "under_way": under_way,
        "guest_form": guest or (guest_form(paragraph) if writer and under_way else None),
        "recusal_form": recusal or (recusal_form(minutes, paragraph) if writer and under_way else None),
        "paragraph_error": error,
        "paragraph_notice": notice,
        "form": form,
        "mine": conflict.body.data if conflict is not None else None,
    }
    context.update(
        decision_context(
            minutes,
            paragraph,
            by,
            kept,
            notice=decision_notice,
            error=decision_error,
            editing=edit_decision,
            part=part,
        )
    )
    return context


def paragraph_context(meeting_id: int, paragraph_id: int, **answer) -> dict:
    """Return one §'s context, read anew (``answer``: see :func:`_paragraph`)."""
    _, minutes = lookups.load(meeting_id)
    paragraph = lookups.paragraph_or_404(minutes, paragraph_id)
    return _paragraph(minutes, paragraph, g.membership, **answer)


def paragraph_view(meeting_id: int, paragraph_id: int, **answer) -> View:
    """Return one § as its own fragment, read when the answer is rendered."""
    template = paragraph_template(paragraph_id, answer.get("edit_text", False))
    return View(template, lambda: paragraph_context(meeting_id, paragraph_id, **answer))


# -- attendance ----------------------------------------------------------------------------------


def row_for(minutes, membership):
    """Return a member's attendance row, or an ej angivet stand-in for one who joined after the start."""
    for row in minutes.attendances:
        if row.membership_id == membership.id:
            return row
    return SimpleNamespace(
        membership=membership,
        membership_id=membership.id,
        presence=Presence.UNKNOWN.value,
        presence_label=Presence.UNKNOWN.label,
        serving_for=None,
        serving_for_id=None,
        arrived_at=None,
        left_after=None,
        arrived_at_id=None,
        left_after_id=None,
    )


def attendance_form(minutes, row, formdata=None) -> AttendanceForm:
    """Build the form of one attendance row, offering whom a substitute may serve for."""
    data = {
        "presence": row.presence,
        "serving_for_id": row.serving_for_id,
        "arrived_at_id": row.arrived_at_id,
        "left_after_id": row.left_after_id,
    }
    form = AttendanceForm(prefix=f"attendance-{row.membership_id}", formdata=formdata, data=data)
    ordinary = []
    if row.membership.role_enum == Role.SUBSTITUTE:
        ordinary = [
            m
            for m in _attending(minutes)
            if m.role_enum in ORDINARY_ROLES and meeting_services.stands_in_for(row.membership, m)
        ]
    form.set_choices(ordinary, minutes.paragraphs)
    form.serves = bool(ordinary)
    return form


def attendance_list_form(minutes, memberships, formdata=None) -> AttendanceListForm:
    """Build the one attendance form: a row form per person, filled from the attendance (or ``formdata``)."""
    rows = {m.id: attendance_form(minutes, row_for(minutes, m), formdata=formdata) for m in memberships}
    return AttendanceListForm(rows=rows, formdata=formdata)


def attendance_entries(form: AttendanceListForm) -> list:
    """Return the service's entries from a validated attendance list form."""
    return [
        services.AttendanceEntry(
            membership_id,
            row.presence.data,
            row.serving_for_id.data if row.serves else None,
            row.arrived_at_id.data,
            row.left_after_id.data,
        )
        for membership_id, row in form.rows.items()
    ]


def place_attendance_refusal(form: AttendanceListForm, error) -> None:
    """Put a refused entry's message beside its person's row (else it stays at the top of the form)."""
    row = form.rows.get(getattr(error, "membership_id", None))
    if row is not None and str(error) in form.form_errors:
        form.form_errors.remove(str(error))
        row.presence.errors = [*row.presence.errors, str(error)]


def _attendance_row(minutes, membership, by, form_of=None) -> dict:
    """Return what minutes/_attendance_row.html needs for one person (a kept form with its message).

    ``form_of`` is the attendance list form kept after a refused save: its row for this person.
    """
    row = row_for(minutes, membership)
    editable = services.can_write(minutes, by) and is_under_way(minutes)
    kept = form_of.rows.get(membership.id) if form_of is not None else None
    form = kept
    if editable and form is None:
        form = attendance_form(minutes, row)
    return {
        "group": minutes.meeting.group,
        "meeting": minutes.meeting,
        "minutes": minutes,
        "row": row,
        "form": form if editable else None,
        "row_error": _errors(kept, "presence"),
        "sees_confidential": services.sees_confidential(by),
    }


def attendance_people(minutes, members=()) -> list:
    """Return everyone on the attendance list (and members who joined since), the chair first."""
    memberships = {row.membership_id: row.membership for row in minutes.attendances}
    for membership in members:
        memberships.setdefault(membership.id, membership)
    return _by_role(memberships.values())


def attendance_rows(minutes, by, members=()) -> list[dict]:
    """Return every member's attendance row context, the chair first and ombuds last."""
    kept = answers.kept(ATTENDANCE_KEY)
    return [_attendance_row(minutes, m, by, form_of=kept) for m in attendance_people(minutes, members)]


def _attendance(minutes, by, members, notice=None) -> dict:
    """Return what minutes/_attendance.html needs: the rows, and whether they make one form."""
    kept = answers.kept(ATTENDANCE_KEY)
    rows = attendance_rows(minutes, by, members)
    editable = services.can_write(minutes, by) and is_under_way(minutes)
    unknown = sum(1 for context in rows if context["row"].presence == Presence.UNKNOWN.value)
    return {
        "group": minutes.meeting.group,
        "meeting": minutes.meeting,
        "minutes": minutes,
        "attendance": rows,
        "attendance_editable": editable,
        "attendance_notice": notice,
        "attendance_errors": list(kept.form_errors) if kept is not None else [],
        "attendance_unknown": unknown,
        "sees_confidential": services.sees_confidential(by),
    }


def attendance_context(meeting_id: int, notice: str | None = None) -> dict:
    """Return the attendance part's context, read anew; after a save the quorum of every § comes
    along, for htmx to swap in out of band."""
    _, minutes = lookups.load(meeting_id)
    context = _attendance(minutes, g.membership, services.current_members(minutes.meeting), notice)
    if notice:
        context["quorum_lines"] = quorum_lines(minutes, g.membership)
    return context


def quorum_lines(minutes, by) -> list:
    """Return (paragraph, participation) for every § the member sees (for refreshing the quorum)."""
    return [(p, services.participation(p)) for p in services.visible_paragraphs(minutes, by)]


# -- officers, justering, rättelser ------------------------------------------------------------------


def officers_form(minutes, members, formdata=None) -> OfficersForm:
    """Build the officers form, filled with the meeting's current chair, secretary and justerare."""
    data = {
        "chair_id": minutes.chair_id,
        "secretary_id": minutes.secretary_id,
        "adjuster_id": minutes.adjuster_id,
        "second_adjuster_id": minutes.second_adjuster_id,
    }
    form = OfficersForm(prefix="officers", formdata=formdata, data=data)
    ordered = _by_role(members)
    form.set_choices(
        [m for m in ordered if m.role_enum in ORDINARY_ROLES],
        [m for m in ordered if m.role_enum in services.SEAT_ROLES],
    )
    return form


OFFICER_NAMES = {
    "chair_id": "Mötesordföranden",
    "secretary_id": "Sekreteraren",
    "adjuster_id": "Justeraren",
    "second_adjuster_id": "Andra justeraren",
}


def keep_refused_officers(form: OfficersForm, refused: dict[str, str], notice: str | None = None) -> None:
    """Put each refused officer's message beside its own field and keep the form for the answer,
    with the notice of what was saved (the whole page shows it too, not only the htmx part)."""
    for name, message in refused.items():
        getattr(form, name).errors = [*getattr(form, name).errors, message]
    form.saved_notice = notice
    answers.keep(OFFICERS_KEY, form)


def officers_saved_notice(saved: list[str]) -> str | None:
    """Return what a partly refused save of the officers did save, or None."""
    names = [OFFICER_NAMES[name] for name in services.OFFICER_FIELDS if name in saved]
    if not names:
        return None
    names = [names[0], *(name.lower() for name in names[1:])]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]
    return f"{listed} är sparad{'e' if len(names) > 1 else ''}. Rätta det som står vid fälten nedan."


def _officers(minutes, by, members, notice=None) -> dict:
    """Return what minutes/_officers.html needs; a refusal without the form shows at the top."""
    editable = services.leads(minutes, by) and is_under_way(minutes)
    kept = answers.kept(OFFICERS_KEY)
    form = kept
    if editable and form is None:
        form = officers_form(minutes, members)
    return {
        "group": minutes.meeting.group,
        "meeting": minutes.meeting,
        "minutes": minutes,
        "officers_form": form if editable else None,
        "officers_notice": notice or getattr(kept, "saved_notice", None),
        "officers_error": _errors(kept, "chair_id") if not editable else None,
    }


def officers_context(meeting_id: int, notice: str | None = None) -> dict:
    """Return the officers' context, read anew."""
    _, minutes = lookups.load(meeting_id)
    return _officers(minutes, g.membership, services.current_members(minutes.meeting), notice)


def _justering(minutes, by, notice=None) -> dict:
    """Return what minutes/_justering.html needs: approvers and their answers to this revision."""
    latest = services.current_approvals(minutes)
    approver = services.can_approve(minutes, by) and minutes.closed_at is not None and not minutes.is_approved
    kept = answers.kept(JUSTERING_KEY)
    mine = latest.get(by.id) if by is not None else None
    done = mine if mine is not None and mine.verdict == "approved" else None
    form = kept
    if approver and form is None and done is None:
        form = JusteraForm(prefix="justering", formdata=None)
    withdraw_kept = withdraw = answers.kept(WITHDRAW_KEY)
    if approver and withdraw is None and done is not None:
        withdraw = WithdrawJusteringForm(prefix="withdraw", formdata=None)
    shows_withdraw = approver and done is not None
    return {
        "my_approval": done,
        "withdraw_form": withdraw if shows_withdraw else None,
        "group": minutes.meeting.group,
        "meeting": minutes.meeting,
        "minutes": minutes,
        "approvers": [(m, latest.get(m.id)) for m in services.approvers(minutes)],
        "justera_form": form if approver and done is None else None,
        "can_close": services.leads(minutes, by)
        and minutes.meeting.status == MeetingStatus.IN_PROGRESS.value,
        "justering_notice": notice,
        "justering_error": (_errors(kept, "comment") if not approver or done is not None else None)
        or (_errors(withdraw_kept, "reason") if not shows_withdraw else None),
        "withdrawn": [a for a in minutes.approvals if a.verdict == "withdrawn"],
        "returned": [a for a in minutes.approvals if a.verdict == "returned"],
    }


def justering_context(meeting_id: int, notice: str | None = None) -> dict:
    """Return the justering part's context, read anew."""
    _, minutes = lookups.load(meeting_id)
    return _justering(minutes, g.membership, notice)


def _corrections(minutes, by, notice=None) -> dict:
    """Return what minutes/_corrections.html needs (leaders add rättelser to justerade minutes)."""
    visible = services.visible_paragraphs(minutes, by)
    visible_ids = {p.id for p in visible}
    may_correct = minutes.is_approved and by is not None and by.role_enum in LEADING_ROLES
    kept = answers.kept(CORRECTION_KEY)
    form = kept
    if may_correct and form is None:
        form = CorrectionForm(prefix="correction", formdata=None)
    if form is not None:
        form.set_choices(visible)
    return {
        "group": minutes.meeting.group,
        "meeting": minutes.meeting,
        "minutes": minutes,
        "corrections": [
            c for c in minutes.corrections if c.paragraph_id is None or c.paragraph_id in visible_ids
        ],
        "correction_form": form if may_correct else None,
        "corrections_notice": notice,
        "corrections_error": _errors(kept, "text") if not may_correct else None,
    }


def corrections_context(meeting_id: int, notice: str | None = None) -> dict:
    """Return the rättelser part's context, read anew."""
    _, minutes = lookups.load(meeting_id)
    return _corrections(minutes, g.membership, notice)


# -- the §§ and the page -----------------------------------------------------------------------------


def _paragraph_blocks(minutes, by, at: int | None = None, **answer) -> list[dict]:
    """Return the §§ in order, each with its context; a § the member may not see comes with only
    ``paragraph`` and no ``template`` (a placeholder). ``answer`` is for the § ``at``."""
    visible = {p.id for p in services.visible_paragraphs(minutes, by)}
    return [
        _paragraph(minutes, p, by, **(answer if p.id == at else {}))
        if p.id in visible
        else {"paragraph": p, "template": None}
        for p in minutes.paragraphs
    ]


def _paragraphs(meeting, minutes, by, notice=None, at=None, **answer) -> dict:
    """Return what minutes/_paragraphs.html needs: the §§ and the add-§ form."""
    addable = services.can_write(minutes, by) and is_under_way(minutes)
    kept = answers.kept(NEW_PARAGRAPH_KEY)
    form = kept
    if addable and form is None:
        form = NewParagraphForm(prefix="new-paragraph", formdata=None)
    return {
        "group": meeting.group,
        "meeting": meeting,
        "minutes": minutes,
        "membership": by,
        "can_write": services.can_write(minutes, by),
        "leads": services.leads(minutes, by),
        "under_way": is_under_way(minutes),
        "paragraph_blocks": _paragraph_blocks(minutes, by, at, **answer),
        "new_paragraph_form": form if addable else None,
        "tabled": standing.tabled_matters(meeting, by, minutes) if addable else None,
        "paragraphs_notice": notice,
        "paragraphs_error": _errors(kept, "title") if not addable else None,
    }


def paragraphs_context(meeting_id: int, notice: str | None = None) -> dict:
    """Return the §§ part's context, read anew."""
    meeting, minutes = lookups.load(meeting_id)
    return _paragraphs(meeting, minutes, g.membership, notice)


def page_context(meeting_id: int, *, at: int | None = None, **answer) -> dict:
    """Return everything minutes/show.html needs, read anew.

    ``at`` is the § this answer is about and ``answer`` what it shows there (an error, an open
    edit form: see :func:`_paragraph`); kept forms show in their own parts.
    """
    meeting, minutes = lookups.load(meeting_id)
    by = g.membership
    members = services.current_members(meeting)
    context = _attendance(minutes, by, members)
    context.update(_paragraphs(meeting, minutes, by, at=at, **answer))
    context.update(_officers(minutes, by, members))
    context.update(_justering(minutes, by))
    context.update(_corrections(minutes, by))
    return context


def page_view(meeting_id: int, **answer) -> View:
    """Return the whole minutes page, read when the answer is rendered."""
    return View(PAGE, lambda: page_context(meeting_id, **answer))
