"""Template context for the minutes page and for one § of it.

``paragraph_context`` is the contract every route that re-renders ``minutes/_paragraph.html``
uses (the decisions routes too); ``page_context`` builds the whole page. Both work from what
:func:`services.minutes_of` loaded, so the page costs the same few queries however many §§,
decisions and attendance rows it has.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import render_template
from markupsafe import Markup

from ..groups import services as group_services
from ..meetings.services import stands_in_for
from ..models import LEADING_ROLES, ORDINARY_ROLES, MeetingStatus, Presence, Role
from . import services
from .decision_views import decision_context
from .forms import (
    AttendanceForm,
    CorrectionForm,
    GuestForm,
    JusteraForm,
    NewParagraphForm,
    OfficersForm,
    ParagraphForm,
    RecusalForm,
)

#: Order of the attendance list: the chair first, ombuds last.
ROLE_ORDER = (Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER, Role.SUBSTITUTE, Role.CO_OPTED, Role.OMBUD)


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


# -- one § ---------------------------------------------------------------------------------------


def guest_form(paragraph, formdata=None) -> GuestForm:
    """Build the add-guest form of a § (its own prefix keeps ids unique on the page)."""
    return GuestForm(prefix=f"guest-{paragraph.id}", formdata=formdata)


def recusal_form(minutes, paragraph, formdata=None) -> RecusalForm:
    """Build the jäv form of a §, offering everyone but ombuds and those already jäviga."""
    form = RecusalForm(prefix=f"recusal-{paragraph.id}", formdata=formdata)
    recused = {r.membership_id for r in paragraph.recusals}
    form.set_choices([m for m in _attending(minutes) if m.role_enum != Role.OMBUD and m.id not in recused])
    return form


def paragraph_form(paragraph, formdata=None, **data) -> ParagraphForm:
    """Build the inline edit form of a §, filled from the § unless data is given."""
    data.setdefault("title", paragraph.title)
    data.setdefault("body", paragraph.body or "")
    data.setdefault("version", paragraph.version)
    return ParagraphForm(prefix=f"paragraph-{paragraph.id}", formdata=formdata, data=data)


def paragraph_context(minutes, paragraph, by, **extra) -> dict:
    """Return everything minutes/_paragraph.html needs for one § (decisions and notes included).

    ``extra`` overrides a value, e.g. a form with errors or a message for the §.
    """
    writer = services.can_write(minutes, by)
    under_way = is_under_way(minutes)
    context = {
        "group": minutes.meeting.group,
        "meeting": minutes.meeting,
        "minutes": minutes,
        "paragraph": paragraph,
        "part": services.participation(paragraph),
        "membership": by,
        "can_write": writer,
        "is_chair": services.is_chair(minutes, by),
        "leads": services.leads(minutes, by),
        "under_way": under_way,
        "guest_form": guest_form(paragraph) if writer and under_way else None,
        "recusal_form": recusal_form(minutes, paragraph) if writer and under_way else None,
        "paragraph_error": None,
        "paragraph_notice": None,
    }
    context.update(decision_context(minutes, paragraph, by))
    context.update(extra)
    return context


def render_paragraph(minutes, paragraph, by, template: str = "minutes/_paragraph.html", **extra) -> Markup:
    """Render one § block (or its edit form, or its conflict view) to HTML."""
    return Markup(render_template(template, **paragraph_context(minutes, paragraph, by, **extra)))


# -- attendance ----------------------------------------------------------------------------------


def row_for(minutes, membership):
    """Return a member's attendance row, or an absent stand-in for one who joined after the start."""
    for row in minutes.attendances:
        if row.membership_id == membership.id:
            return row
    return SimpleNamespace(
        membership=membership,
        membership_id=membership.id,
        presence=Presence.ABSENT.value,
        presence_label=Presence.ABSENT.label,
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
            if m.role_enum in ORDINARY_ROLES and stands_in_for(row.membership, m)
        ]
    form.set_choices(ordinary, minutes.paragraphs)
    form.serves = bool(ordinary)
    return form


def attendance_row_context(minutes, membership, by, form=None, error=None, notice=None) -> dict:
    """Return what minutes/_attendance_row.html needs for one person."""
    row = row_for(minutes, membership)
    editable = services.can_write(minutes, by) and is_under_way(minutes)
    if editable and form is None:
        form = attendance_form(minutes, row)
    return {
        "group": minutes.meeting.group,
        "meeting": minutes.meeting,
        "minutes": minutes,
        "row": row,
        "form": form if editable else None,
        "row_error": error,
        "row_notice": notice,
        "sees_confidential": services.sees_confidential(by),
    }


def attendance_rows(minutes, by, members=None, forms=None, errors=None) -> list[dict]:
    """Return every member's attendance row context, the chair first and ombuds last.

    ``forms`` and ``errors`` (by membership id) put a refused row's form and message in place.
    """
    forms, errors = forms or {}, errors or {}
    memberships = {row.membership_id: row.membership for row in minutes.attendances}
    for membership in members or ():
        memberships.setdefault(membership.id, membership)
    return [
        attendance_row_context(minutes, m, by, form=forms.get(m.id), error=errors.get(m.id))
        for m in _by_role(memberships.values())
    ]


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


def officers_context(minutes, by, members, form=None, notice=None, error=None) -> dict:
    """Return what minutes/_officers.html needs."""
    editable = services.leads(minutes, by) and is_under_way(minutes)
    if editable and form is None:
        form = officers_form(minutes, members)
    return {
        "group": minutes.meeting.group,
        "meeting": minutes.meeting,
        "minutes": minutes,
        "officers_form": form if editable else None,
        "officers_notice": notice,
        "officers_error": error if not editable else None,
    }


def justering_context(minutes, by, form=None, notice=None, error=None) -> dict:
    """Return what minutes/_justering.html needs: approvers and their answers to this revision."""
    latest = services.current_approvals(minutes)
    approver = services.can_approve(minutes, by) and minutes.closed_at is not None and not minutes.is_approved
    if approver and form is None:
        form = JusteraForm(prefix="justering", formdata=None)
    return {
        "group": minutes.meeting.group,
        "meeting": minutes.meeting,
        "minutes": minutes,
        "approvers": [(m, latest.get(m.id)) for m in services.approvers(minutes)],
        "justera_form": form if approver else None,
        "can_close": services.leads(minutes, by)
        and minutes.meeting.status == MeetingStatus.IN_PROGRESS.value,
        "justering_notice": notice,
        "justering_error": error if not approver else None,
        "returned": [a for a in minutes.approvals if a.verdict == "returned"],
    }


def corrections_context(minutes, by, form=None, notice=None, error=None) -> dict:
    """Return what minutes/_corrections.html needs (leaders add rättelser to justerade minutes)."""
    visible = services.visible_paragraphs(minutes, by)
    visible_ids = {p.id for p in visible}
    may_correct = minutes.is_approved and by is not None and by.role_enum in LEADING_ROLES
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
        "corrections_error": error if not may_correct else None,
    }


def new_paragraph_context(minutes, by, form=None, notice=None, error=None) -> dict:
    """Return what minutes/_paragraphs.html needs besides the §§: the add-§ form."""
    addable = services.can_write(minutes, by) and is_under_way(minutes)
    if addable and form is None:
        form = NewParagraphForm(prefix="new-paragraph", formdata=None)
    return {
        "new_paragraph_form": form if addable else None,
        "paragraphs_notice": notice,
        "paragraphs_error": error if not addable else None,
    }


# -- the page ------------------------------------------------------------------------------------


def paragraph_blocks(minutes, by, blocks=None) -> list:
    """Return the §§ in order as (paragraph, html); a hidden § comes with html None (a placeholder)."""
    blocks = blocks or {}
    visible = {p.id for p in services.visible_paragraphs(minutes, by)}
    result = []
    for paragraph in minutes.paragraphs:
        if paragraph.id not in visible:
            result.append((paragraph, None))
        elif paragraph.id in blocks:
            result.append((paragraph, blocks[paragraph.id]))
        else:
            result.append((paragraph, render_paragraph(minutes, paragraph, by)))
    return result


def page_context(meeting, minutes, by, *, blocks=None, **parts) -> dict:
    """Return everything minutes/show.html needs.

    ``blocks`` replaces a § by other HTML (its edit form or conflict view); ``parts`` override
    one part's context, e.g. ``officers=dict(form=...)``.
    """
    members = group_services.active_memberships(meeting.group)
    context = {
        "group": meeting.group,
        "meeting": meeting,
        "minutes": minutes,
        "membership": by,
        "can_write": services.can_write(minutes, by),
        "leads": services.leads(minutes, by),
        "under_way": is_under_way(minutes),
        "sees_confidential": services.sees_confidential(by),
        "attendance": attendance_rows(minutes, by, members, **parts.get("attendance", {})),
        "paragraph_blocks": paragraph_blocks(minutes, by, blocks),
    }
    context.update(officers_context(minutes, by, members, **parts.get("officers", {})))
    context.update(justering_context(minutes, by, **parts.get("justering", {})))
    context.update(corrections_context(minutes, by, **parts.get("corrections", {})))
    context.update(new_paragraph_context(minutes, by, **parts.get("paragraphs", {})))
    return context


__all__ = [
    "attendance_form",
    "attendance_row_context",
    "guest_form",
    "page_context",
    "paragraph_context",
    "paragraph_form",
    "recusal_form",
    "render_paragraph",
]
