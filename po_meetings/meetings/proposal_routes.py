"""Routes for topic intake and the answers to the kallelse: propose, accept, decline, respond."""

from __future__ import annotations

from flask import g
from flask_login import current_user

from .. import answers
from ..models import Answer
from . import bp, lookups, services, views
from .forms import AnswerForm, ProposalForm, ReasonForm

# -- topic intake ----------------------------------------------------------------------------------


@bp.get("/<int:meeting_id>/proposals/new")
def new_proposal(group_id, meeting_id):
    """Show the form to propose an agenda item."""
    meeting = lookups.meeting_or_404(meeting_id)
    return views.new_proposal_page(meeting, ProposalForm()).render()


@bp.post("/<int:meeting_id>/proposals")
def create_proposal(group_id, meeting_id):
    """Propose an agenda item; it waits for the chair's decision."""
    meeting = lookups.meeting_or_404(meeting_id)
    form = ProposalForm()
    done = answers.attempt(
        services.propose_item,
        meeting,
        current_user,
        form.title.data,
        form.description.data,
        form=form,
        field=form.title,
        once=True,
    )
    if done:
        return answers.saved(
            f"Tack! Ditt förslag ”{done.value.title}” väntar på ordförandens beslut."
            " Du ser här vad som händer med det.",
            to=views.show_url(meeting, "proposals"),
        )
    return answers.refused(page=views.new_proposal_page(meeting, form))


@bp.post("/<int:meeting_id>/proposals/<int:proposal_id>/accept")
def accept_proposal(group_id, meeting_id, proposal_id):
    """Put a proposal on the agenda (the agenda is told to fetch itself again)."""
    meeting = lookups.meeting_or_404(meeting_id)
    proposal = lookups.proposal_or_404(meeting, proposal_id)
    form = views.accept_form(meeting, proposal.id)
    done = answers.attempt(
        services.accept_proposal,
        proposal,
        current_user,
        form=form,
        field=lambda message: form.minutes if "minuter" in message else None,
        keep_as=views.accept_key(proposal.id),
        minutes=form.minutes.data,
        meeting=meeting,
        parent=views.chosen_parent(meeting, form.parent_id.data),
    )
    if not done and (form.minutes.errors or form.parent_id.errors):
        # The form is shown again, open, with the message beside its field.
        return answers.refused(fragment=views.proposals(meeting_id), page=views.page(meeting_id))
    if not done:
        return answers.refused(
            fragment=views.proposals(meeting_id, error=done.message),
            page=answers.back_to(views.show_url(meeting, "proposals")),
            message=done.message,
        )
    notice = f"”{proposal.title}” är tagen på dagordningen.{views.overrun_note(meeting)}"
    return answers.saved(
        notice,
        to=views.show_url(meeting, f"agenda-item-{done.value.id}"),
        fragment=views.proposals(meeting_id, notice=notice),
        events=("agenda-changed",),
    )


@bp.post("/<int:meeting_id>/proposals/<int:proposal_id>/decline")
def decline_proposal(group_id, meeting_id, proposal_id):
    """Decline a proposal with a short reason that the proposer sees."""
    meeting = lookups.meeting_or_404(meeting_id)
    proposal = lookups.proposal_or_404(meeting, proposal_id)
    form = ReasonForm()
    done = answers.attempt(
        services.decline_proposal,
        proposal,
        current_user,
        form.reason.data,
        meeting=meeting,
        form=form,
        field=form.reason,
        keep_as=views.decline_key(proposal_id),
    )
    if done:
        return answers.saved(
            f"”{proposal.title}” är avböjd. Förslagsställaren ser ditt skäl.",
            to=views.show_url(meeting, "proposals"),
            fragment=views.proposals(meeting_id, notice=f"”{proposal.title}” är avböjd."),
        )
    return answers.refused(fragment=views.proposals(meeting_id), page=views.page(meeting_id))


# -- answers to the kallelse -------------------------------------------------------------------------


@bp.post("/<int:meeting_id>/respond")
def respond(group_id, meeting_id):
    """Record the caller's answer to the kallelse: deltar or förhinder."""
    meeting = lookups.meeting_or_404(meeting_id)
    form = AnswerForm()
    done = answers.attempt(
        lambda: services.respond(meeting, g.membership, Answer(form.answer.data)), form=form
    )
    if done:
        notice = f"Ditt svar är sparat: {Answer(form.answer.data).label.lower()}."
        return answers.saved(
            notice,
            to=views.show_url(meeting, "responses"),
            fragment=views.responses(meeting_id, notice=notice),
        )
    error = done.message or "Välj deltar eller förhinder."
    return answers.refused(
        fragment=views.responses(meeting_id, error=error),
        page=answers.back_to(views.show_url(meeting, "responses")),
        message=error,
    )
