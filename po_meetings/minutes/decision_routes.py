"""Routes for the decisions part of a §: decisions, votes, reservations, protokollsanteckningar,
action items and linked system errors.

Every write is one service call (``answers.attempt``): saved, the whole § block comes back with
the notice (htmx) or the browser goes back to the § on the minutes page (303); refused, nothing is
saved and the Swedish message shows beside its form, in the § (htmx) or on the whole page (422).
"""

from __future__ import annotations

from flask import g, url_for

from .. import answers
from ..models import Membership, SystemErrorReport
from . import bp, lookups, services, views
from .decision_forms import (
    ActionForm,
    DecisionForm,
    EditDecisionForm,
    MotivationForm,
    NoteForm,
    NoteVerdictForm,
    ReportLinkForm,
    ReservationForm,
    VotesForm,
)
from .decision_views import prefix

# -- lookups ---------------------------------------------------------------------------------------


def _find_or_404(minutes, collect, object_id: int):
    """Return the object with this id among what ``collect(paragraph)`` gives for the visible §§."""
    return lookups.find_or_404(minutes, collect, object_id)[1]


def _votes(paragraph):
    """Return every vote in a §."""
    return [v for d in paragraph.decisions for v in d.votes]


def _reservations(paragraph):
    """Return every reservation in a §."""
    return [r for d in paragraph.decisions for r in d.reservations]


# -- answers ---------------------------------------------------------------------------------------


def _answer(done: answers.Attempt, meeting_id: int, paragraph_id: int, notice: str, error: str | None = None):
    """Answer a change to a §'s decisions part: the § with the notice, or with the refusal.

    A refused form shows again where it was (it is kept); ``error`` is a refusal without a form,
    for the §'s alert.
    """
    if done:
        url = url_for(
            "minutes.show", group_id=g.group.id, meeting_id=meeting_id, _anchor=f"paragraph-{paragraph_id}"
        )
        fragment = views.paragraph_view(meeting_id, paragraph_id, decision_notice=notice)
        return answers.saved(notice, to=url, fragment=fragment)
    return answers.refused(
        fragment=views.paragraph_view(meeting_id, paragraph_id, decision_error=error),
        page=views.page_view(meeting_id, at=paragraph_id, decision_error=error),
    )


# -- decisions -------------------------------------------------------------------------------------


@bp.post("/paragraphs/<int:paragraph_id>/decisions")
def create_decision(group_id, meeting_id, paragraph_id):
    """Record a decision in a § (konsensus, or votering with the votes to follow)."""
    minutes = lookups.minutes_or_404(meeting_id)
    paragraph = lookups.paragraph_or_404(minutes, paragraph_id)
    form = DecisionForm(prefix=prefix("new-decision", paragraph.id))
    done = answers.attempt(
        services.add_decision,
        paragraph,
        g.membership,
        form.text.data,
        form.method.data,
        form.needs_organisation_approval.data,
        form=form,
        field=form.text,
        keep_as=views.paragraph_key(paragraph.id, "new"),
        once=True,
    )
    notice = "Beslutet är antecknat."
    if form.method.data == "vote":
        notice = "Beslutet är antecknat. Anteckna rösterna i voteringen."
    return _answer(done, meeting_id, paragraph_id, notice)


@bp.get("/decisions/<int:decision_id>/edit")
def edit_decision(group_id, meeting_id, decision_id):
    """Show a decision's inline edit form (in the § block)."""
    minutes = lookups.minutes_or_404(meeting_id)
    decision = lookups.decision_or_404(minutes, decision_id)
    paragraph_id = decision.paragraph_id
    return answers.page_or_fragment(
        page=views.page_view(meeting_id, at=paragraph_id, edit_decision=decision.id),
        fragment=views.paragraph_view(meeting_id, paragraph_id, edit_decision=decision.id),
    )


@bp.post("/decisions/<int:decision_id>")
def update_decision(group_id, meeting_id, decision_id):
    """Change a decision's text or its economic-mandate flag."""
    minutes = lookups.minutes_or_404(meeting_id)
    decision = lookups.decision_or_404(minutes, decision_id)
    paragraph_id = decision.paragraph_id
    form = EditDecisionForm(prefix=prefix("decision", decision.id))
    done = answers.attempt(
        services.update_decision,
        decision,
        g.membership,
        form.text.data,
        form.needs_organisation_approval.data,
        form=form,
        field=form.text,
        keep_as=views.paragraph_key(paragraph_id, f"edit-{decision.id}"),
    )
    return _answer(done, meeting_id, paragraph_id, "Beslutet är ändrat.")


@bp.post("/decisions/<int:decision_id>/delete")
def delete_decision(group_id, meeting_id, decision_id):
    """Remove a decision entered by mistake (while the meeting is under way)."""
    minutes = lookups.minutes_or_404(meeting_id)
    decision = lookups.decision_or_404(minutes, decision_id)
    paragraph_id = decision.paragraph_id
    done = answers.attempt(services.delete_decision, decision, g.membership)
    return _answer(done, meeting_id, paragraph_id, "Beslutet är borttaget.", done.message)


# -- votes -----------------------------------------------------------------------------------------


@bp.post("/decisions/<int:decision_id>/votes")
def record_votes(group_id, meeting_id, decision_id):
    """Record the votes of a votering at once: all of them are saved, or none."""
    minutes = lookups.minutes_or_404(meeting_id)
    decision = lookups.decision_or_404(minutes, decision_id)
    paragraph_id = decision.paragraph_id
    form = VotesForm()
    done = answers.attempt(
        lambda: services.record_votes(decision, g.membership, form.votes()),
        form=form,
        keep_as=views.paragraph_key(paragraph_id, f"votes-{decision.id}"),
    )
    return _answer(done, meeting_id, paragraph_id, "Rösterna är antecknade.")


@bp.post("/votes/<int:vote_id>/delete")
def delete_vote(group_id, meeting_id, vote_id):
    """Remove a vote entered by mistake (a reservation on it goes too)."""
    minutes = lookups.minutes_or_404(meeting_id)
    vote = _find_or_404(minutes, _votes, vote_id)
    paragraph_id = vote.decision.paragraph_id
    done = answers.attempt(services.withdraw_vote, vote, g.membership)
    return _answer(done, meeting_id, paragraph_id, "Rösten är borttagen.", done.message)


# -- reservations ----------------------------------------------------------------------------------


@bp.post("/decisions/<int:decision_id>/reservations")
def create_reservation(group_id, meeting_id, decision_id):
    """Enter a reservation against a decision (the member themself, or the secretary for them)."""
    minutes = lookups.minutes_or_404(meeting_id)
    decision = lookups.decision_or_404(minutes, decision_id)
    paragraph_id = decision.paragraph_id
    form = ReservationForm(prefix=prefix("reservation", decision.id))
    done = answers.attempt(
        services.reserve,
        decision,
        g.membership,
        form.membership_id.data,
        form.motivation.data,
        form=form,
        field=form.membership_id,
        keep_as=views.paragraph_key(paragraph_id, f"reservation-{decision.id}"),
        once=True,
    )
    return _answer(done, meeting_id, paragraph_id, "Reservationen är antecknad.")


@bp.post("/reservations/<int:reservation_id>/motivation")
def motivate_reservation(group_id, meeting_id, reservation_id):
    """Add or change a reservation's written motivation (until the minutes are justerade)."""
    minutes = lookups.minutes_or_404(meeting_id)
    reservation = _find_or_404(minutes, _reservations, reservation_id)
    paragraph_id = reservation.decision.paragraph_id
    form = MotivationForm(prefix=prefix("motivation", reservation.id))
    done = answers.attempt(
        services.motivate,
        reservation,
        g.membership,
        form.motivation.data,
        form=form,
        field=form.motivation,
        keep_as=views.paragraph_key(paragraph_id, f"motivation-{reservation.id}"),
    )
    return _answer(done, meeting_id, paragraph_id, "Motiveringen är sparad.")


# -- protokollsanteckningar ------------------------------------------------------------------------


@bp.post("/paragraphs/<int:paragraph_id>/notes")
def create_note(group_id, meeting_id, paragraph_id):
    """Ask for a protokollsanteckning (anyone present), or enter one for someone (the secretary)."""
    minutes = lookups.minutes_or_404(meeting_id)
    paragraph = lookups.paragraph_or_404(minutes, paragraph_id)
    form = NoteForm(prefix=prefix("note", paragraph.id))
    membership_id = form.membership_id.data if form.membership_id.data is not None else g.membership.id
    done = answers.attempt(
        services.request_note,
        paragraph,
        g.membership,
        membership_id,
        form.text.data,
        form=form,
        field=form.text,
        keep_as=views.paragraph_key(paragraph.id, "note"),
        once=True,
    )
    if membership_id == g.membership.id and not services.leads(minutes, g.membership):
        notice = "Din begäran om protokollsanteckning väntar på ordföranden."
    else:
        notice = "Protokollsanteckningen är begärd; ordföranden tar ställning."
    return _answer(done, meeting_id, paragraph_id, notice)


@bp.post("/notes/<int:note_id>/decide")
def decide_note(group_id, meeting_id, note_id):
    """Let a protokollsanteckning into the minutes, or not (the meeting's chair)."""
    minutes = lookups.minutes_or_404(meeting_id)
    note = _find_or_404(minutes, lambda p: p.notes, note_id)
    paragraph_id = note.paragraph_id
    form = NoteVerdictForm()
    accept = form.verdict.data == "accept"
    done = answers.attempt(
        services.decide_note,
        note,
        g.membership,
        accept,
        form=form,
        keep_as=views.paragraph_key(paragraph_id, f"verdict-{note_id}"),
    )
    notice = "Protokollsanteckningen är införd." if accept else "Protokollsanteckningen förs inte in."
    return _answer(done, meeting_id, paragraph_id, notice)


# -- action items and system errors ----------------------------------------------------------------


@bp.post("/decisions/<int:decision_id>/actions")
def create_action(group_id, meeting_id, decision_id):
    """Give an uppdrag from a decision: what, who and by when."""
    minutes = lookups.minutes_or_404(meeting_id)
    decision = lookups.decision_or_404(minutes, decision_id)
    paragraph_id = decision.paragraph_id
    form = ActionForm(prefix=prefix("action", decision.id))
    done = answers.attempt(
        services.add_action,
        decision,
        g.membership,
        form.title.data,
        form.owner_id.data,
        form.due_on.data,
        form=form,
        field=form.field_for,
        keep_as=views.paragraph_key(paragraph_id, f"action-{decision.id}"),
        once=True,
    )
    return _answer(done, meeting_id, paragraph_id, "Uppdraget är antecknat.")


@bp.post("/decisions/<int:decision_id>/reports")
def link_report(group_id, meeting_id, decision_id):
    """Link a system error to a decision and move it on through the register."""
    minutes = lookups.minutes_or_404(meeting_id)
    decision = lookups.decision_or_404(minutes, decision_id)
    paragraph_id = decision.paragraph_id
    form = ReportLinkForm(prefix=prefix("report", decision.id))
    effect = form.effect.data
    done = answers.attempt(
        # The report is looked up once the form is valid: one not in the register goes beside its field.
        lambda: services.link_report(
            decision,
            g.membership,
            lookups.chosen(SystemErrorReport, form.report_id.data, "Välj en rapport i gruppens register."),
            effect,
            owner=lookups.in_group(Membership, form.owner_id.data) if effect == "set_owner" else None,
            next_review_on=form.next_review_on.data if effect == "set_owner" else None,
            escalation=form.escalation() if effect == "escalate" else None,
        ),
        form=form,
        field=form.report_id,
        keep_as=views.paragraph_key(paragraph_id, f"report-{decision.id}"),
        once=True,
    )
    return _answer(done, meeting_id, paragraph_id, "Systemfelet är kopplat till beslutet.")
