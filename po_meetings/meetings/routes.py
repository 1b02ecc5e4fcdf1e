"""Routes for meetings: the meeting page and its agenda, topic intake, answers and the kallelse."""

from __future__ import annotations

from flask import abort, flash, g, make_response, redirect, render_template, url_for
from flask_login import current_user

from .. import mail
from ..agendas import services as agenda_services
from ..agendas import tree
from ..domain import DomainError, commit_or_error
from ..extensions import db
from ..groups import services as group_services
from ..htmx import render, wants_fragment
from ..models import Answer, ItemType, MeetingKind, MeetingStatus
from . import bp, services, standing
from .forms import (
    AgendaItemForm,
    AnswerForm,
    EditMeetingForm,
    MoveForm,
    NewAgendaItemForm,
    NewMeetingForm,
    ProposalForm,
    ReasonForm,
)

# The add-item form and each inline edit form get their own prefix, so that several forms on the
# meeting page never share an element id (labels and error messages point at ids).
NEW_ITEM_PREFIX = "new"


def _edit_prefix(item_id: int) -> str:
    """Return the form prefix of an item's inline edit form."""
    return f"item-{item_id}"


# -- lookups ---------------------------------------------------------------------------------


def _meeting_or_404(meeting_id: int):
    """Return a meeting of the current group that the caller may see, or answer 404."""
    meeting = services.get_meeting(g.group, meeting_id, g.membership)
    if meeting is None:
        abort(404)
    return meeting


def _item_or_404(meeting, item_id: int):
    """Return an item of the meeting that the caller may see (404 for hidden confidential items)."""
    item = services.get_item(meeting, item_id)
    if item is None or item not in services.visible_items(meeting, g.membership):
        abort(404)
    return item


def _proposal_or_404(meeting, proposal_id: int):
    """Return a proposal for the meeting, or answer 404."""
    proposal = services.get_proposal(meeting, proposal_id)
    if proposal is None:
        abort(404)
    return proposal


def _members():
    """Return the group's active members, by role and name (loaded once per request)."""
    if "meeting_members" not in g:
        g.meeting_members = group_services.sort_members(group_services.active_memberships(g.group))
    return g.meeting_members


def _show_url(meeting, anchor: str | None = None) -> str:
    """Return the URL of the meeting page, optionally at one of its parts."""
    return url_for("meetings.show", group_id=meeting.group_id, meeting_id=meeting.id, _anchor=anchor)


def _is_leader() -> bool:
    """Return whether the caller prepares the group's agendas."""
    return services.is_leader(g.membership)


def _accepts_proposals(meeting) -> bool:
    """Return whether items can still be proposed for the meeting."""
    return not meeting.is_past and meeting.status_enum in {MeetingStatus.DRAFT, MeetingStatus.CALLED}


def _accepts_answers(meeting) -> bool:
    """Return whether members can still answer the kallelse."""
    return not meeting.is_past and meeting.status_enum in {MeetingStatus.DRAFT, MeetingStatus.CALLED}


# -- the parts of the meeting page -------------------------------------------------------------


def _numbered_agenda(meeting, visible) -> list[tree.Numbered]:
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


def _find_entry(entries, item_id: int):
    """Return the numbered entry of an item (top level or sub-item)."""
    for entry in entries:
        if entry.item.id == item_id:
            return entry
        for child in entry.children:
            if child.item.id == item_id:
                return child
    abort(404)


def _item_form(form_class, meeting, **kwargs):
    """Build an agenda item form with its presenter (and placement) choices."""
    form = form_class(**kwargs)
    form.set_choices(_members())
    if isinstance(form, NewAgendaItemForm):
        form.set_parents(tree.numbered(meeting.items))
    return form


def _agenda_context(meeting, item_form=None, focus=None, notice=None, error=None) -> dict:
    """Return what the agenda part of the page shows."""
    visible = services.visible_items(meeting, g.membership)
    can_edit = _is_leader() and meeting.status_enum in services.EDITABLE
    if can_edit and item_form is None:
        item_form = _item_form(NewAgendaItemForm, meeting, prefix=NEW_ITEM_PREFIX, formdata=None)
    return {
        "group": g.group,
        "meeting": meeting,
        "agenda": _numbered_agenda(meeting, visible),
        "standing": standing.fill(meeting, g.membership, visible),
        "sees_confidential": services.sees_confidential(g.membership),
        "total_minutes": tree.total_minutes(meeting.items),
        "overrun": services.overrun_minutes(meeting),
        "can_edit": can_edit,
        "item_form": item_form,
        "focus": focus,
        "notice": notice,
        "agenda_error": error,
    }


def _responses_context(meeting, notice=None, error=None) -> dict:
    """Return what the answers part shows: the caller's answer and, for leaders, everyone's."""
    responses = services.responses_of(meeting)
    mine = responses.get(g.membership.id) if g.membership is not None else None
    substitutes = []
    if mine is not None and mine.answer == Answer.APOLOGIES.value:
        substitutes = services.substitutes_for(g.membership)
    answers = None
    if _is_leader():
        members = _members()
        answers = [
            (m, responses.get(m.id), [s for s in members if services.stands_in_for(s, m)]) for m in members
        ]
    return {
        "group": g.group,
        "meeting": meeting,
        "my_response": mine,
        "my_substitutes": substitutes,
        "answers": answers,
        "answer_counts": {
            "attending": sum(1 for r in responses.values() if r.answer == Answer.ATTENDING.value),
            "apologies": sum(1 for r in responses.values() if r.answer == Answer.APOLOGIES.value),
            "none": len(answers) - len(responses) if answers is not None else None,
        },
        "accepts_answers": _accepts_answers(meeting),
        "Answer": Answer,
        "responses_notice": notice,
        "responses_error": error,
    }


def _proposals_context(meeting, decline_for=None, decline_form=None, error=None, notice=None) -> dict:
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
        "accepts_proposals": _accepts_proposals(meeting),
        "sees_all_proposals": services.sees_confidential(g.membership),
        "can_decide": _is_leader() and meeting.status_enum in services.EDITABLE,
        "decline_for": decline_for,
        "decline_form": decline_form,
        "proposals_error": error,
        "proposals_notice": notice,
    }


def _page_context(meeting, cancel_form=None, **agenda) -> dict:
    """Return everything the full meeting page shows."""
    context = _agenda_context(meeting, **agenda)
    context.update(_responses_context(meeting))
    context.update(_proposals_context(meeting))
    context["cancel_form"] = cancel_form or ReasonForm(formdata=None)
    context["transitions"] = services.TRANSITIONS[meeting.status_enum] if _is_leader() else set()
    context["MeetingStatus"] = MeetingStatus
    return context


def _show(meeting, status: int = 200, cancel_form=None, **agenda):
    """Render the meeting page, or only its agenda for htmx.

    Every agenda write answers with the whole agenda, whichever element asked: numbers, planned
    times and the total all move together. HX-Retarget makes htmx put it in place of #agenda
    even when the request came from one item's form.
    """
    if wants_fragment():
        response = render(
            "meetings/show.html", "meetings/_agenda.html", status=status, **_agenda_context(meeting, **agenda)
        )
        response.headers["HX-Retarget"] = "#agenda"
        response.headers["HX-Reswap"] = "outerHTML"
        return response
    context = _page_context(meeting, cancel_form=cancel_form, **agenda)
    return render("meetings/show.html", "meetings/_agenda.html", status=status, **context)


def _agenda_refused(meeting, message: str):
    """Answer a refused agenda change: the agenda with the message for htmx, a flash otherwise."""
    db.session.rollback()
    if wants_fragment():
        return _show(_meeting_or_404(meeting.id), error=message)
    flash(message, "error")
    return redirect(_show_url(meeting, "agenda"), code=303)


def _locked(meeting):
    """Return a refusal if the agenda can no longer be changed, else None."""
    try:
        services.ensure_editable(meeting)
    except DomainError as error:
        return _agenda_refused(meeting, str(error))
    return None


# -- the meetings list and a meeting's details -------------------------------------------------


@bp.get("/")
def index(group_id):
    """List the group's coming and past meetings."""
    coming, past = services.meetings_of(g.group, g.membership)
    return render_template("meetings/index.html", group=g.group, coming=coming, past=past)


def _new_meeting_form(**kwargs) -> NewMeetingForm:
    """Build the new-meeting form with the group's templates to choose from."""
    templates = agenda_services.templates_of(g.group)
    operative = [t for t in templates if t.kind == MeetingKind.OPERATIVE.value]
    kwargs.setdefault("template_id", (operative or templates)[0].id if templates else None)
    form = NewMeetingForm(**kwargs)
    form.set_choices(templates)
    form.templates = templates
    return form


@bp.get("/new")
def new(group_id):
    """Show the form for a new meeting."""
    return render_template("meetings/new.html", group=g.group, form=_new_meeting_form())


@bp.post("/")
def create(group_id):
    """Create a meeting in draft with a copy of the chosen template's agenda."""
    form = _new_meeting_form()
    if form.validate():
        template = None
        if form.template_id.data is not None:
            template = agenda_services.get_template(g.group, form.template_id.data)
            if template is None:
                abort(404)
        length = template.meeting_minutes if template else g.group.default_meeting_minutes
        meeting = commit_or_error(
            form.ends,
            services.create_meeting,
            g.group,
            template,
            form.title.data,
            services.local_datetime(form.day.data, form.starts.data),
            services.local_datetime(form.day.data, form.end_clock(length)),
            place=form.place.data,
            video_link=form.video_link.data,
            kind=MeetingKind(form.kind.data) if form.kind.data else None,
        )
        if meeting is not None:
            flash(
                "Mötet är skapat som utkast. Bara du och vice ordföranden ser det tills du kallar.", "success"
            )
            return redirect(_show_url(meeting), code=303)
    return render_template("meetings/new.html", group=g.group, form=form), 422


@bp.get("/<int:meeting_id>")
def show(group_id, meeting_id):
    """Show the meeting page (for htmx: its agenda, refreshed when another part changes it)."""
    return _show(_meeting_or_404(meeting_id))


def _edit_meeting_form(meeting) -> EditMeetingForm:
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


@bp.get("/<int:meeting_id>/edit")
def edit(group_id, meeting_id):
    """Show the form for a meeting's title, time and place."""
    meeting = _meeting_or_404(meeting_id)
    refused = _locked(meeting)
    if refused is not None:
        return refused
    return render_template(
        "meetings/edit.html", group=g.group, meeting=meeting, form=_edit_meeting_form(meeting)
    )


@bp.post("/<int:meeting_id>")
def update(group_id, meeting_id):
    """Change a meeting's title, time and place."""
    meeting = _meeting_or_404(meeting_id)
    refused = _locked(meeting)
    if refused is not None:
        return refused
    form = _edit_meeting_form(meeting)
    if form.validate():
        saved = commit_or_error(
            form.ends,
            services.update_meeting,
            meeting,
            form.title.data,
            services.local_datetime(form.day.data, form.starts.data),
            services.local_datetime(form.day.data, form.end_clock(meeting.length_minutes)),
            form.place.data,
            form.video_link.data,
        )
        if saved is not None:
            message = "Mötet är ändrat."
            if meeting.status_enum == MeetingStatus.CALLED:
                message += (
                    " Inget nytt utskick har gått ut: ta tillbaka mötet till utkast och publicera igen"
                    " för att skicka en ändrad kallelse."
                )
            flash(message, "success")
            return redirect(_show_url(meeting), code=303)
    return render_template("meetings/edit.html", group=g.group, meeting=meeting, form=form), 422


# -- the lifecycle: publish (kallelse), back to draft, cancel, start, close ----------------------


def _change(meeting_id: int, action, success: str, then: str | None = None):
    """Run one status change and go to the meeting page (or ``then``), with the outcome as a message."""
    meeting = _meeting_or_404(meeting_id)
    try:
        action(meeting)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        if then is not None and meeting.status_enum == MeetingStatus.IN_PROGRESS:
            # A refused close is fixed on the minutes page (choose the secretary, decide a note...).
            return redirect(url_for(then, group_id=meeting.group_id, meeting_id=meeting.id), code=303)
        return redirect(_show_url(meeting), code=303)
    db.session.commit()
    flash(success, "success")
    if then is not None:
        return redirect(url_for(then, group_id=meeting.group_id, meeting_id=meeting.id), code=303)
    return redirect(_show_url(meeting), code=303)


def _delivery_message(sent: int, failed: int, what: str) -> tuple[str, str]:
    """Say in Swedish how the mail went: (message, flash category)."""
    if failed:
        return (
            f"E-postservern svarar inte just nu, så {what} kunde inte skickas ({failed} st)."
            " De ligger kvar i utkorgen och skickas igen senare.",
            "error",
        )
    if sent == 1:
        return f"1 person har fått {what} med e-post.", "success"
    return f"{sent} personer har fått {what} med e-post.", "success"


@bp.post("/<int:meeting_id>/publish")
def publish(group_id, meeting_id):
    """Publish the agenda: the meeting is kallad and everyone gets the kallelse by mail."""
    meeting = _meeting_or_404(meeting_id)
    try:
        services.publish_agenda(meeting)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(_show_url(meeting), code=303)
    changed = meeting.notice_count > 1
    db.session.commit()
    sent, failed = mail.deliver_pending()
    flash("Dagordningen är publicerad och mötet är kallat.", "success")
    flash(*_delivery_message(sent, failed, "den ändrade kallelsen" if changed else "kallelsen"))
    return redirect(_show_url(meeting), code=303)


@bp.post("/<int:meeting_id>/unpublish")
def unpublish(group_id, meeting_id):
    """Take a kallad meeting back to draft."""
    return _change(
        meeting_id,
        services.unpublish_agenda,
        "Mötet är ett utkast igen och syns bara för dig och vice ordföranden."
        " När du publicerar igen får alla en ändrad kallelse.",
    )


@bp.post("/<int:meeting_id>/cancel")
def cancel(group_id, meeting_id):
    """Cancel the meeting with a reason; if it was kallad, everyone is told by mail."""
    meeting = _meeting_or_404(meeting_id)
    form = ReasonForm()
    if not form.validate():
        return _show(meeting, status=422, cancel_form=form)
    try:
        services.cancel_meeting(meeting, form.reason.data)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(_show_url(meeting), code=303)
    db.session.commit()
    flash("Mötet är inställt.", "success")
    sent, failed = mail.deliver_pending()
    if sent or failed:
        flash(*_delivery_message(sent, failed, "beskedet om det inställda mötet"))
    return redirect(_show_url(meeting), code=303)


@bp.post("/<int:meeting_id>/start")
def start(group_id, meeting_id):
    """Open the meeting and its minutes (one § per agenda item)."""
    return _change(meeting_id, services.start_meeting, "Mötet pågår. Protokollet är öppnat.", "minutes.show")


@bp.post("/<int:meeting_id>/close")
def close(group_id, meeting_id):
    """Close the meeting: the minutes freeze and go to the chair and the justerare for justering."""
    from ..minutes import notices as minutes_notices
    from ..minutes import services as minutes_services

    def close_and_tell(meeting):
        minutes = minutes_services.close(meeting, g.membership)
        minutes_notices.queue_for_justering(minutes)

    response = _change(
        meeting_id, close_and_tell, "Mötet är avslutat. Protokollet går till justering.", "minutes.show"
    )
    sent, failed = mail.deliver_pending()
    if sent or failed:
        flash(*_delivery_message(sent, failed, "besked om justeringen"))
    return response


# -- the agenda ----------------------------------------------------------------------------------


def _item_values(form: AgendaItemForm) -> dict:
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


@bp.post("/<int:meeting_id>/items")
def create_item(group_id, meeting_id):
    """Add an item (or a sub-item) to the agenda."""
    meeting = _meeting_or_404(meeting_id)
    refused = _locked(meeting)
    if refused is not None:
        return refused
    form = _item_form(NewAgendaItemForm, meeting, prefix=NEW_ITEM_PREFIX)
    if form.validate():
        parent = None
        if form.parent_id.data is not None:
            parent = services.get_item(meeting, form.parent_id.data)
        item = commit_or_error(form.minutes, services.add_item, meeting, parent=parent, **_item_values(form))
        if item is not None:
            if not wants_fragment():
                flash(f"Punkten ”{item.title}” är tillagd.", "success")
                return redirect(_show_url(meeting, f"agenda-item-{item.id}"), code=303)
            meeting = _meeting_or_404(meeting_id)
            return _show(meeting, notice=f"Punkten ”{item.title}” är tillagd.", focus=(None, "add"))
        meeting = _meeting_or_404(meeting_id)
    # htmx 2 does not swap 4xx responses: the agenda with the form's errors comes back as 200.
    return _show(meeting, status=200 if wants_fragment() else 422, item_form=form)


@bp.get("/<int:meeting_id>/items/<int:item_id>")
def show_item(group_id, meeting_id, item_id):
    """Show one agenda item (for htmx: the item in the agenda, e.g. when an edit is cancelled)."""
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    context = _agenda_context(meeting, focus=(item.id, "edit"))
    return render(
        "meetings/item.html",
        "meetings/_agenda_item.html",
        entry=_find_entry(context["agenda"], item.id),
        **context,
    )


def _edit_item_page(meeting, item, form, status: int = 200):
    """Render the inline edit form of an item (a page of its own without htmx)."""
    context = _agenda_context(meeting)
    return render(
        "meetings/edit_item.html",
        "meetings/_agenda_item_form.html",
        status=status,
        entry=_find_entry(context["agenda"], item.id),
        form=form,
        **context,
    )


@bp.get("/<int:meeting_id>/items/<int:item_id>/edit")
def edit_item(group_id, meeting_id, item_id):
    """Show the form to change an item (inline in the agenda for htmx)."""
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    refused = _locked(meeting)
    if refused is not None:
        return refused
    return _edit_item_page(
        meeting, item, _item_form(AgendaItemForm, meeting, obj=item, prefix=_edit_prefix(item.id))
    )


@bp.post("/<int:meeting_id>/items/<int:item_id>")
def update_item(group_id, meeting_id, item_id):
    """Change an agenda item."""
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    refused = _locked(meeting)
    if refused is not None:
        return refused
    form = _item_form(AgendaItemForm, meeting, obj=item, prefix=_edit_prefix(item.id))
    if form.validate() and commit_or_error(form.minutes, services.update_item, item, **_item_values(form)):
        if wants_fragment():
            return _show(_meeting_or_404(meeting_id), focus=(item_id, "edit"))
        flash(f"Punkten ”{item.title}” är sparad.", "success")
        return redirect(_show_url(meeting, f"agenda-item-{item_id}"), code=303)
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    # htmx 2 does not swap 4xx responses, so the inline form with errors comes back as 200.
    return _edit_item_page(meeting, item, form, status=200 if wants_fragment() else 422)


@bp.post("/<int:meeting_id>/items/<int:item_id>/move")
def move_item(group_id, meeting_id, item_id):
    """Move an item up or down among its siblings."""
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    form = MoveForm()
    if not form.validate():
        return _agenda_refused(meeting, "Ange om punkten ska flyttas upp eller ned.")
    try:
        services.move_item(item, form.direction.data)
    except DomainError as error:
        return _agenda_refused(meeting, str(error))
    db.session.commit()
    if wants_fragment():
        return _show(_meeting_or_404(meeting_id), focus=(item_id, form.direction.data))
    return redirect(_show_url(meeting, f"agenda-item-{item_id}"), code=303)


@bp.post("/<int:meeting_id>/items/<int:item_id>/delete")
def delete_item(group_id, meeting_id, item_id):
    """Delete an item and its sub-items."""
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    title = item.title
    try:
        services.delete_item(item)
    except DomainError as error:
        return _agenda_refused(meeting, str(error))
    db.session.commit()
    message = f"Punkten ”{title}” är borttagen."
    if wants_fragment():
        return _show(_meeting_or_404(meeting_id), notice=message)
    flash(message, "success")
    return redirect(_show_url(meeting, "agenda"), code=303)


# -- topic intake ----------------------------------------------------------------------------------


@bp.get("/<int:meeting_id>/proposals/new")
def new_proposal(group_id, meeting_id):
    """Show the form to propose an agenda item."""
    meeting = _meeting_or_404(meeting_id)
    return render_template(
        "meetings/new_proposal.html",
        group=g.group,
        meeting=meeting,
        form=ProposalForm(),
        accepts_proposals=_accepts_proposals(meeting),
    )


@bp.post("/<int:meeting_id>/proposals")
def create_proposal(group_id, meeting_id):
    """Propose an agenda item; it waits for the chair's decision."""
    meeting = _meeting_or_404(meeting_id)
    form = ProposalForm()
    if form.validate():
        proposal = commit_or_error(
            form.title, services.propose_item, meeting, current_user, form.title.data, form.description.data
        )
        if proposal is not None:
            flash(
                f"Tack! Ditt förslag ”{proposal.title}” väntar på ordförandens beslut. Du ser här vad som händer med det.",
                "success",
            )
            return redirect(_show_url(meeting, "proposals"), code=303)
    return (
        render_template(
            "meetings/new_proposal.html",
            group=g.group,
            meeting=meeting,
            form=form,
            accepts_proposals=_accepts_proposals(meeting),
        ),
        422,
    )


def _proposals_answer(meeting, status: int = 200, changed_agenda: bool = False, **context):
    """Answer a decision on a proposal: the proposals part for htmx, the page otherwise."""
    if wants_fragment():
        response = render(
            "meetings/show.html",
            "meetings/_proposals.html",
            status=status,
            **_proposals_context(meeting, **context),
        )
        if changed_agenda:
            # The agenda listens for this event and fetches itself again.
            response.headers["HX-Trigger"] = "agenda-changed"
        return response
    page = _page_context(meeting)
    page.update(_proposals_context(meeting, **context))
    return render("meetings/show.html", "meetings/_proposals.html", status=status, **page)


@bp.post("/<int:meeting_id>/proposals/<int:proposal_id>/accept")
def accept_proposal(group_id, meeting_id, proposal_id):
    """Put a proposal on the agenda."""
    meeting = _meeting_or_404(meeting_id)
    proposal = _proposal_or_404(meeting, proposal_id)
    try:
        item = services.accept_proposal(proposal, current_user)
    except DomainError as error:
        db.session.rollback()
        if wants_fragment():
            return _proposals_answer(_meeting_or_404(meeting_id), error=str(error))
        flash(str(error), "error")
        return redirect(_show_url(meeting, "proposals"), code=303)
    db.session.commit()
    if wants_fragment():
        return _proposals_answer(
            _meeting_or_404(meeting_id),
            changed_agenda=True,
            notice=f"”{proposal.title}” är tagen på dagordningen.",
        )
    flash(f"”{proposal.title}” är tagen på dagordningen.", "success")
    return redirect(_show_url(meeting, f"agenda-item-{item.id}"), code=303)


@bp.post("/<int:meeting_id>/proposals/<int:proposal_id>/decline")
def decline_proposal(group_id, meeting_id, proposal_id):
    """Decline a proposal with a short reason that the proposer sees."""
    meeting = _meeting_or_404(meeting_id)
    proposal = _proposal_or_404(meeting, proposal_id)
    form = ReasonForm()
    if form.validate() and commit_or_error(
        form.reason, services.decline_proposal, proposal, current_user, form.reason.data
    ):
        if wants_fragment():
            return _proposals_answer(_meeting_or_404(meeting_id), notice=f"”{proposal.title}” är avböjd.")
        flash(f"”{proposal.title}” är avböjd. Förslagsställaren ser ditt skäl.", "success")
        return redirect(_show_url(meeting, "proposals"), code=303)
    meeting = _meeting_or_404(meeting_id)
    return _proposals_answer(
        meeting,
        status=200 if wants_fragment() else 422,
        decline_for=proposal_id,
        decline_form=form,
    )


# -- answers to the kallelse and the calendar file ---------------------------------------------------


@bp.post("/<int:meeting_id>/respond")
def respond(group_id, meeting_id):
    """Record the caller's answer to the kallelse: deltar or förhinder."""
    meeting = _meeting_or_404(meeting_id)
    form = AnswerForm()
    error = None
    if not form.validate():
        error = "Välj deltar eller förhinder."
    else:
        try:
            services.respond(meeting, g.membership, Answer(form.answer.data))
        except DomainError as refused:
            db.session.rollback()
            error = str(refused)
        else:
            db.session.commit()
    notice = None
    if error is None:
        notice = f"Ditt svar är sparat: {Answer(form.answer.data).label.lower()}."
    if wants_fragment():
        return render(
            "meetings/show.html",
            "meetings/_responses.html",
            **_responses_context(meeting, notice=notice, error=error),
        )
    flash(error or notice, "error" if error else "success")
    return redirect(_show_url(meeting, "responses"), code=303)


@bp.get("/<int:meeting_id>.ics")
def ics(group_id, meeting_id):
    """Download the meeting as an iCalendar file."""
    from ..calendar.ics import calendar_bytes

    meeting = _meeting_or_404(meeting_id)
    response = make_response(calendar_bytes([meeting], g.group.name))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    day = services.local(meeting.starts_at).strftime("%Y-%m-%d")
    response.headers["Content-Disposition"] = f'attachment; filename="mote-{day}.ics"'
    return response
