"""What the meeting pages and their parts show: context builders and the views routes answer with.

The meeting page has three parts that answer htmx on their own: the agenda (``#agenda``), the
answers to the kallelse (``#responses``) and the proposals (``#proposals``). A failed form is
kept under one of the keys below (``answers.kept``), so the part or the page shows it again.
"""

from __future__ import annotations

from flask import abort, g, url_for
from flask_login import current_user

from .. import answers
from ..agendas import services as agenda_services
from ..agendas import tree
from ..answers import View
from ..forms import ConfirmForm
from ..groups import services as group_services
from ..models import Answer, ItemType, MeetingKind, MeetingStatus, utcnow
from . import lookups, services, standing
from .forms import (
    AcceptProposalForm,
    AgendaItemForm,
    EditMeetingForm,
    NewAgendaItemForm,
    NewMeetingForm,
    ReasonForm,
)

PAGE = "meetings/show.html"
AGENDA = "meetings/_agenda.html"
RESPONSES = "meetings/_responses.html"
PROPOSALS = "meetings/_proposals.html"
ITEM_PAGE = "meetings/item.html"
ITEM = "meetings/_agenda_item.html"
EDIT_ITEM_PAGE = "meetings/edit_item.html"
EDIT_ITEM = "meetings/_agenda_item_form.html"
NEW_PAGE = "meetings/new.html"
EDIT_PAGE = "meetings/edit.html"
CONFIRM_START_PAGE = "meetings/confirm_start.html"
NEW_PROPOSAL_PAGE = "meetings/new_proposal.html"

# The add-item form and each inline edit form get their own prefix, so that several forms on the
# meeting page never share an element id (labels and error messages point at ids).
NEW_ITEM_PREFIX = "new"

#: Where a failed form is kept: the add-item form and the cancel form (one of each on the page).
NEW_ITEM = "new-item"
CANCEL = "cancel"


def edit_prefix(item_id: int) -> str:
    """Return the form prefix of an item's inline edit form."""
    return f"item-{item_id}"


def edit_key(item_id: int) -> tuple:
    """Return the key a failed inline edit of an item is kept under."""
    return ("item", item_id)


def decline_key(proposal_id: int) -> tuple:
    """Return the key a failed decline of a proposal is kept under."""
    return ("decline", proposal_id)


def accept_key(proposal_id: int) -> tuple:
    """Return the key a failed acceptance of a proposal is kept under."""
    return ("accept", proposal_id)


def show_url(meeting, anchor: str | None = None) -> str:
    """Return the URL of the meeting page, optionally at one of its parts."""
    return url_for("meetings.show", group_id=meeting.group_id, meeting_id=meeting.id, _anchor=anchor)


def is_leader() -> bool:
    """Return whether the caller prepares the group's agendas."""
    return services.is_leader(g.membership)


def accepts_proposals(meeting) -> bool:
    """Return whether items can still be proposed for the meeting."""
    return not meeting.is_past and meeting.status_enum in {MeetingStatus.DRAFT, MeetingStatus.CALLED}


def accepts_answers(meeting) -> bool:
    """Return whether members can still answer the kallelse."""
    return not meeting.is_past and meeting.status_enum in {MeetingStatus.DRAFT, MeetingStatus.CALLED}


def members():
    """Return the group's active members, by role and name (loaded once per request)."""
    if "meeting_members" not in g:
        g.meeting_members = group_services.sort_members(group_services.active_memberships(g.group))
    return g.meeting_members


# -- forms -----------------------------------------------------------------------------------------


def new_meeting_form(**kwargs) -> NewMeetingForm:
    """Build the new-meeting form with the group's templates to choose from."""
    templates = agenda_services.templates_of(g.group)
    operative = [t for t in templates if t.kind == MeetingKind.OPERATIVE.value]
    kwargs.setdefault("template_id", (operative or templates)[0].id if templates else None)
    form = NewMeetingForm(**kwargs)
    form.set_choices(templates)
    form.templates = templates
    return form


def edit_meeting_form(meeting) -> EditMeetingForm:
    """Build the form for a meeting's details, filled in Stockholm time."""
    starts, ends = services.local(meeting.starts_at), services.local(meeting.ends_at)
    return EditMeetingForm(
        title=meeting.title,
        day=starts.date(),
        starts=starts.time(),
        ends=ends.time(),
        place=meeting.place,
        video_link=meeting.video_link,
    )


def item_form(form_class, meeting, **kwargs):
    """Build an agenda item form with its presenter (and placement) choices."""
    form = form_class(**kwargs)
    form.set_choices(members())
    if isinstance(form, NewAgendaItemForm):
        form.set_parents(tree.numbered(meeting.items))
    return form


def new_item_form(meeting, **kwargs) -> NewAgendaItemForm:
    """Build the form that adds an item (or a sub-item) to the agenda."""
    return item_form(NewAgendaItemForm, meeting, prefix=NEW_ITEM_PREFIX, **kwargs)


def edit_item_form(meeting, item, **kwargs) -> AgendaItemForm:
    """Build an item's inline edit form, filled from the item unless the request holds one."""
    return item_form(AgendaItemForm, meeting, obj=item, prefix=edit_prefix(item.id), **kwargs)


def item_values(form: AgendaItemForm) -> dict:
    """Turn a validated item form into service arguments."""
    presenter = None
    if form.presenter_id.data is not None:
        presenter = group_services.get_membership(g.group, form.presenter_id.data)
    return {
        "title": form.title.data,
        "minutes": form.minutes.data,
        "item_type": ItemType(form.item_type.data),
        "presenter": presenter,
        "description": form.description.data,
        "is_confidential": form.is_confidential.data,
    }


def accept_form(meeting, proposal_id: int, **kwargs) -> AcceptProposalForm:
    """Build the form that puts a proposal on the agenda: where, and for how long."""
    form = AcceptProposalForm(prefix=f"accept-{proposal_id}", **kwargs)
    form.set_parents(tree.numbered(meeting.items))
    return form


def chosen_parent(meeting, item_id):
    """Return the main item a proposal goes under (None: a main item of its own)."""
    if item_id is None:
        return None
    return next((i for i in meeting.items if i.id == item_id and i.parent_id is None), None)


def overrun_note(meeting) -> str:
    """Return a sentence saying how far the agenda now runs over the meeting's time, if it does."""
    over = services.overrun_minutes(meeting)
    return f" Dagordningen är nu {over} min längre än mötet." if over else ""


# -- the parts of the meeting page -------------------------------------------------------------


def numbered_agenda(meeting, visible) -> list[tree.Numbered]:
    """Number the whole agenda, then keep what the caller may see.

    Numbers and planned times come from the full agenda, so "punkt 5 kl. 14.10" means the same
    for an ombud as for the chair; a hidden confidential item only leaves a gap.
    """
    visible_ids = {i.id for i in visible}
    entries = [e for e in tree.numbered(meeting.items, meeting.starts_at) if e.item.id in visible_ids]
    for entry in entries:
        entry.children = [c for c in entry.children if c.item.id in visible_ids]
    for row in [entries, *(e.children for e in entries)]:
        for index, entry in enumerate(row):
            entry.is_first = index == 0
            entry.is_last = index == len(row) - 1
    return entries


def find_entry(entries, item_id: int):
    """Return the numbered entry of an item (top level or sub-item)."""
    for entry in entries:
        if entry.item.id == item_id:
            return entry
        for child in entry.children:
            if child.item.id == item_id:
                return child
    abort(404)


def agenda_context(meeting, focus=None, notice=None, error=None) -> dict:
    """Return what the agenda part of the page shows (a failed add-item form if one is kept)."""
    visible = services.visible_items(meeting, g.membership)
    can_edit = is_leader() and meeting.status_enum in services.EDITABLE
    form = None
    if can_edit:
        form = answers.kept(NEW_ITEM, lambda: new_item_form(meeting, formdata=None))
    return {
        "group": g.group,
        "meeting": meeting,
        "agenda": numbered_agenda(meeting, visible),
        "standing": standing.fill(meeting, g.membership, visible),
        "sections": standing.sections(meeting, g.membership),
        "sees_confidential": services.sees_confidential(g.membership),
        "total_minutes": tree.total_minutes(meeting.items),
        "overrun": services.overrun_minutes(meeting),
        "can_edit": can_edit,
        "item_form": form,
        "focus": focus,
        "notice": notice,
        "agenda_error": error,
    }


def item_context(meeting, item, focus=None) -> dict:
    """Return what one item's own page or fragment shows."""
    context = agenda_context(meeting, focus=focus)
    return {"entry": find_entry(context["agenda"], item.id), **context}


def edit_item_context(meeting, item) -> dict:
    """Return what an item's inline edit form shows (the failed one if kept)."""
    context = item_context(meeting, item)
    context["form"] = answers.kept(edit_key(item.id), lambda: edit_item_form(meeting, item))
    return context


def responses_context(meeting, notice=None, error=None) -> dict:
    """Return what the answers part shows: the caller's answer and, for leaders, everyone's."""
    responses = services.responses_of(meeting)
    mine = responses.get(g.membership.id) if g.membership is not None else None
    substitutes = []
    if mine is not None and mine.answer == Answer.APOLOGIES.value:
        substitutes = services.substitutes_for(g.membership)
    everyone = None
    if is_leader():
        group_members = members()
        everyone = [
            (m, responses.get(m.id), [s for s in group_members if services.stands_in_for(s, m)])
            for m in group_members
        ]
    return {
        "group": g.group,
        "meeting": meeting,
        "my_response": mine,
        "my_substitutes": substitutes,
        "answers": everyone,
        "answer_counts": {
            "attending": sum(1 for r in responses.values() if r.answer == Answer.ATTENDING.value),
            "apologies": sum(1 for r in responses.values() if r.answer == Answer.APOLOGIES.value),
            "none": len(everyone) - len(responses) if everyone is not None else None,
        },
        "accepts_answers": accepts_answers(meeting),
        "Answer": Answer,
        "responses_notice": notice,
        "responses_error": error,
    }


def proposals_context(meeting, notice=None, error=None) -> dict:
    """Return what the proposals part shows (ombuds and co-opted members see only their own)."""
    numbers = {}
    for entry in tree.numbered(meeting.items):
        numbers[entry.item.id] = entry.number
        numbers.update({c.item.id: c.number for c in entry.children})
    return {
        "group": g.group,
        "meeting": meeting,
        "proposals": services.proposals_for(meeting, g.membership, current_user),
        "item_numbers": numbers,
        "accepts_proposals": accepts_proposals(meeting),
        "sees_all_proposals": services.sees_confidential(g.membership),
        "can_decide": is_leader() and meeting.status_enum in services.EDITABLE,
        "failed_decline": lambda proposal_id: answers.kept(decline_key(proposal_id)),
        "accept_form": lambda proposal_id: answers.kept(
            accept_key(proposal_id), lambda: accept_form(meeting, proposal_id, formdata=None)
        ),
        "proposals_error": error,
        "proposals_notice": notice,
    }


def page_context(meeting, **agenda) -> dict:
    """Return everything the full meeting page shows."""
    context = agenda_context(meeting, **agenda)
    context.update(responses_context(meeting))
    context.update(proposals_context(meeting))
    context["cancel_form"] = answers.kept(CANCEL, lambda: ReasonForm(formdata=None))
    context["transitions"] = services.TRANSITIONS[meeting.status_enum] if is_leader() else set()
    context["MeetingStatus"] = MeetingStatus
    return context


# -- the views the routes answer with (each reads the meeting anew, after the change) -------------


def page(meeting_id: int, **agenda) -> View:
    """The whole meeting page."""
    return View(PAGE, lambda: page_context(lookups.meeting_or_404(meeting_id), **agenda))


def agenda(meeting_id: int, *, focus=None, notice=None, error=None) -> View:
    """The agenda, in place of ``#agenda`` whichever of its elements asked.

    Every agenda write answers with the whole agenda: numbers, planned times and the total all
    move together.
    """
    return View(
        AGENDA,
        lambda: agenda_context(lookups.meeting_or_404(meeting_id), focus=focus, notice=notice, error=error),
        retarget="#agenda",
    )


def edit_item_page(meeting_id: int, item_id: int) -> View:
    """An item's edit form as a page of its own (without htmx)."""
    return View(EDIT_ITEM_PAGE, lambda: _edit_item_context(meeting_id, item_id))


def edit_item(meeting_id: int, item_id: int) -> View:
    """An item's edit form, in place of the item."""
    return View(EDIT_ITEM, lambda: _edit_item_context(meeting_id, item_id))


def _edit_item_context(meeting_id: int, item_id: int) -> dict:
    """Return an item's edit form context, read anew."""
    meeting = lookups.meeting_or_404(meeting_id)
    return edit_item_context(meeting, lookups.item_or_404(meeting, item_id))


def responses(meeting_id: int, notice=None, error=None) -> View:
    """The answers to the kallelse."""
    return View(
        RESPONSES, lambda: responses_context(lookups.meeting_or_404(meeting_id), notice=notice, error=error)
    )


def proposals(meeting_id: int, notice=None, error=None) -> View:
    """The proposals for the meeting."""
    return View(
        PROPOSALS, lambda: proposals_context(lookups.meeting_or_404(meeting_id), notice=notice, error=error)
    )


def new_page(form) -> View:
    """The new-meeting page with its form."""
    return View(NEW_PAGE, {"group": g.group, "form": form})


def confirm_start_page(meeting) -> View:
    """The step before starting a meeting planned for a later day: start it today, or go back."""
    return View(
        CONFIRM_START_PAGE,
        lambda: {
            "group": g.group,
            "meeting": meeting,
            "planned": services.local(meeting.starts_at),
            "today": services.local(utcnow()),
            "form": ConfirmForm(formdata=None, data={"confirm": "yes"}),
        },
    )


def edit_page(meeting, form) -> View:
    """The page for a meeting's title, time and place."""
    return View(EDIT_PAGE, lambda: {"group": g.group, "meeting": meeting, "form": form})


def new_proposal_page(meeting, form) -> View:
    """The page to propose an agenda item."""
    return View(
        NEW_PROPOSAL_PAGE,
        lambda: {
            "group": g.group,
            "meeting": meeting,
            "form": form,
            "accepts_proposals": accepts_proposals(meeting),
        },
    )
