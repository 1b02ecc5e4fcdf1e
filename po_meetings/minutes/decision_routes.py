"""Routes for the decisions part of a §: decisions, votes, reservations, protokollsanteckningar,
action items and linked system errors.

Every write is one service call: on success the whole § block is rendered again (htmx) or the
browser is sent back to the § on the minutes page (303); on a refusal nothing is saved and the
Swedish message shows beside the form, in the § fragment (htmx) or on the whole page (422).
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from ..domain import DomainError, commit_or_refusal
from ..extensions import db
from ..htmx import wants_fragment
from ..models import Membership, SystemErrorReport
from . import bp, lookups, services
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
from .decision_views import keep, prefix
from .lookups import decision_or_404 as _decision_or_404
from .lookups import minutes_or_404 as _minutes_or_404
from .lookups import paragraph_or_404 as _paragraph_or_404
from .views import page_context, paragraph_context

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


def _in_group(model, object_id):
    """Return a row of this group by id, or None (an id from a select is never trusted)."""
    if not isinstance(object_id, int):
        return None
    obj = db.session.get(model, object_id)
    return obj if obj is not None and obj.group_id == g.group.id else None


# -- answers ---------------------------------------------------------------------------------------


def _show_url(minutes, paragraph_id: int) -> str:
    """Return the minutes page at one §."""
    return url_for(
        "minutes.show",
        group_id=minutes.group_id,
        meeting_id=minutes.meeting_id,
        _anchor=f"paragraph-{paragraph_id}",
    )


def _render(meeting_id: int, paragraph_id: int, status: int = 200):
    """Render the § block again (htmx), or the whole minutes page (with ``status``)."""
    minutes = _minutes_or_404(meeting_id)
    if wants_fragment():
        paragraph = _paragraph_or_404(minutes, paragraph_id)
        html = render_template(
            "minutes/_paragraph.html", **paragraph_context(minutes, paragraph, g.membership)
        )
        # htmx 2 swaps only 2xx answers: a refusal in the fragment is still a 200.
        return html, 200, {"Vary": "HX-Request"}
    context = page_context(minutes.meeting, minutes, g.membership)
    return render_template("minutes/show.html", **context), status, {"Vary": "HX-Request"}


def _done(minutes, paragraph_id: int, notice: str):
    """Answer a saved change: the § again with the notice (htmx), else back to the § (303)."""
    meeting_id = minutes.meeting_id
    if wants_fragment():
        keep(paragraph_id, notice=notice, focus="notice")
        return _render(meeting_id, paragraph_id)
    flash(notice, "success")
    return redirect(_show_url(minutes, paragraph_id), code=303)


def _refused(
    minutes, paragraph_id: int, key: str | None = None, form=None, field=None, message=None, **extra
):
    """Answer a refused change: nothing saved, the message beside its form (or the § alert)."""
    meeting_id = minutes.meeting_id
    db.session.rollback()
    if field is not None and message is not None:
        field.errors = [*field.errors, message]
    focus = None
    if form is not None:
        focus = next((f.id for f in form if f.errors), None)
    extra.setdefault("focus", focus)
    keep(paragraph_id, key, form, error=message if field is None else None, **extra)
    return _render(meeting_id, paragraph_id, status=422)


# -- decisions -------------------------------------------------------------------------------------


@bp.post("/paragraphs/<int:paragraph_id>/decisions")
def create_decision(group_id, meeting_id, paragraph_id):
    """Record a decision in a § (konsensus, or votering with the votes to follow)."""
    minutes = _minutes_or_404(meeting_id)
    paragraph = _paragraph_or_404(minutes, paragraph_id)
    form = DecisionForm(prefix=prefix("new-decision", paragraph.id))
    if not form.validate():
        return _refused(minutes, paragraph.id, "new", form)
    _, error = commit_or_refusal(
        services.add_decision,
        paragraph,
        g.membership,
        form.text.data,
        form.method.data,
        form.needs_organisation_approval.data,
    )
    if error:
        return _refused(minutes, paragraph.id, "new", form, form.text, error)
    notice = "Beslutet är antecknat."
    if form.method.data == "vote":
        notice = "Beslutet är antecknat. Anteckna rösterna i voteringen."
    return _done(minutes, paragraph.id, notice)


@bp.get("/decisions/<int:decision_id>/edit")
def edit_decision(group_id, meeting_id, decision_id):
    """Show a decision's inline edit form (in the § block)."""
    minutes = _minutes_or_404(meeting_id)
    decision = _decision_or_404(minutes, decision_id)
    keep(decision.paragraph_id, editing=decision.id, focus=f"{prefix('decision', decision.id)}-text")
    return _render(meeting_id, decision.paragraph_id)


@bp.post("/decisions/<int:decision_id>")
def update_decision(group_id, meeting_id, decision_id):
    """Change a decision's text or its economic-mandate flag."""
    minutes = _minutes_or_404(meeting_id)
    decision = _decision_or_404(minutes, decision_id)
    paragraph_id = decision.paragraph_id
    form = EditDecisionForm(prefix=prefix("decision", decision.id))
    key = f"edit-{decision.id}"
    if not form.validate():
        return _refused(minutes, paragraph_id, key, form, editing=decision.id)
    _, error = commit_or_refusal(
        services.update_decision,
        decision,
        g.membership,
        form.text.data,
        form.needs_organisation_approval.data,
    )
    if error:
        return _refused(minutes, paragraph_id, key, form, form.text, error, editing=decision.id)
    return _done(minutes, paragraph_id, "Beslutet är ändrat.")


@bp.post("/decisions/<int:decision_id>/delete")
def delete_decision(group_id, meeting_id, decision_id):
    """Remove a decision entered by mistake (while the meeting is under way)."""
    minutes = _minutes_or_404(meeting_id)
    decision = _decision_or_404(minutes, decision_id)
    paragraph_id = decision.paragraph_id
    _, error = commit_or_refusal(services.delete_decision, decision, g.membership)
    if error:
        return _refused(minutes, paragraph_id, f"delete-{decision_id}", message=error)
    return _done(minutes, paragraph_id, "Beslutet är borttaget.")


# -- votes -----------------------------------------------------------------------------------------


@bp.post("/decisions/<int:decision_id>/votes")
def record_votes(group_id, meeting_id, decision_id):
    """Record the votes of a votering at once: all of them are saved, or none."""
    minutes = _minutes_or_404(meeting_id)
    decision = _decision_or_404(minutes, decision_id)
    paragraph_id = decision.paragraph_id
    form = VotesForm()
    chosen = {decision.id: form.chosen(request.form)}
    try:
        votes = form.votes(request.form)
    except DomainError as error:
        return _refused(minutes, paragraph_id, f"votes-{decision_id}", message=str(error), chosen=chosen)
    if form.validate():
        _, error = commit_or_refusal(services.record_votes, decision, g.membership, votes)
    else:
        error = "Formuläret har gått ut. Ladda om sidan och försök igen."
    if error:
        return _refused(
            minutes, paragraph_id, f"votes-{decision_id}", message=error, chosen=chosen, focus="votes-error"
        )
    return _done(minutes, paragraph_id, "Rösterna är antecknade.")


@bp.post("/votes/<int:vote_id>/delete")
def delete_vote(group_id, meeting_id, vote_id):
    """Remove a vote entered by mistake (a reservation on it goes too)."""
    minutes = _minutes_or_404(meeting_id)
    vote = _find_or_404(minutes, _votes, vote_id)
    paragraph_id = vote.decision.paragraph_id
    _, error = commit_or_refusal(services.withdraw_vote, vote, g.membership)
    if error:
        return _refused(minutes, paragraph_id, f"vote-{vote_id}", message=error)
    return _done(minutes, paragraph_id, "Rösten är borttagen.")


# -- reservations ----------------------------------------------------------------------------------


@bp.post("/decisions/<int:decision_id>/reservations")
def create_reservation(group_id, meeting_id, decision_id):
    """Enter a reservation against a decision (the member themself, or the secretary for them)."""
    minutes = _minutes_or_404(meeting_id)
    decision = _decision_or_404(minutes, decision_id)
    paragraph_id = decision.paragraph_id
    form = ReservationForm(prefix=prefix("reservation", decision.id))
    key = f"reservation-{decision.id}"
    if not form.validate():
        return _refused(minutes, paragraph_id, key, form)
    _, error = commit_or_refusal(
        services.reserve, decision, g.membership, form.membership_id.data, form.motivation.data
    )
    if error:
        return _refused(minutes, paragraph_id, key, form, form.membership_id, error)
    return _done(minutes, paragraph_id, "Reservationen är antecknad.")


@bp.post("/reservations/<int:reservation_id>/motivation")
def motivate_reservation(group_id, meeting_id, reservation_id):
    """Add or change a reservation's written motivation (until the minutes are justerade)."""
    minutes = _minutes_or_404(meeting_id)
    reservation = _find_or_404(minutes, _reservations, reservation_id)
    paragraph_id = reservation.decision.paragraph_id
    form = MotivationForm(prefix=prefix("motivation", reservation.id))
    key = f"motivation-{reservation.id}"
    if not form.validate():
        return _refused(minutes, paragraph_id, key, form)
    _, error = commit_or_refusal(services.motivate, reservation, g.membership, form.motivation.data)
    if error:
        return _refused(minutes, paragraph_id, key, form, form.motivation, error)
    return _done(minutes, paragraph_id, "Motiveringen är sparad.")


# -- protokollsanteckningar ------------------------------------------------------------------------


@bp.post("/paragraphs/<int:paragraph_id>/notes")
def create_note(group_id, meeting_id, paragraph_id):
    """Ask for a protokollsanteckning (anyone present), or enter one for someone (the secretary)."""
    minutes = _minutes_or_404(meeting_id)
    paragraph = _paragraph_or_404(minutes, paragraph_id)
    form = NoteForm(prefix=prefix("note", paragraph.id))
    if not form.validate():
        return _refused(minutes, paragraph.id, "note", form)
    membership_id = form.membership_id.data if form.membership_id.data is not None else g.membership.id
    _, error = commit_or_refusal(
        services.request_note, paragraph, g.membership, membership_id, form.text.data
    )
    if error:
        return _refused(minutes, paragraph.id, "note", form, form.text, error)
    if membership_id == g.membership.id and not services.leads(minutes, g.membership):
        notice = "Din begäran om protokollsanteckning väntar på ordföranden."
    else:
        notice = "Protokollsanteckningen är begärd; ordföranden tar ställning."
    return _done(minutes, paragraph.id, notice)


@bp.post("/notes/<int:note_id>/decide")
def decide_note(group_id, meeting_id, note_id):
    """Let a protokollsanteckning into the minutes, or not (the meeting's chair)."""
    minutes = _minutes_or_404(meeting_id)
    note = _find_or_404(minutes, lambda p: p.notes, note_id)
    paragraph_id = note.paragraph_id
    form = NoteVerdictForm()
    if not form.validate():
        return _refused(minutes, paragraph_id, f"note-{note_id}", message="Välj godkänn eller avslå.")
    accept = form.verdict.data == "accept"
    _, error = commit_or_refusal(services.decide_note, note, g.membership, accept)
    if error:
        return _refused(minutes, paragraph_id, f"note-{note_id}", message=error)
    return _done(
        minutes,
        paragraph_id,
        "Protokollsanteckningen är införd." if accept else "Protokollsanteckningen förs inte in.",
    )


# -- action items and system errors ----------------------------------------------------------------


@bp.post("/decisions/<int:decision_id>/actions")
def create_action(group_id, meeting_id, decision_id):
    """Give an uppdrag from a decision: what, who and by when."""
    minutes = _minutes_or_404(meeting_id)
    decision = _decision_or_404(minutes, decision_id)
    paragraph_id = decision.paragraph_id
    form = ActionForm(prefix=prefix("action", decision.id))
    key = f"action-{decision.id}"
    if not form.validate():
        return _refused(minutes, paragraph_id, key, form)
    _, error = commit_or_refusal(
        services.add_action, decision, g.membership, form.title.data, form.owner_id.data, form.due_on.data
    )
    if error:
        field = form.due_on if "slutdatum" in error else form.owner_id if "ansvar" in error else form.title
        return _refused(minutes, paragraph_id, key, form, field, error)
    return _done(minutes, paragraph_id, "Uppdraget är antecknat.")


@bp.post("/decisions/<int:decision_id>/reports")
def link_report(group_id, meeting_id, decision_id):
    """Link a system error to a decision and move it on through the register."""
    minutes = _minutes_or_404(meeting_id)
    decision = _decision_or_404(minutes, decision_id)
    paragraph_id = decision.paragraph_id
    form = ReportLinkForm(prefix=prefix("report", decision.id))
    key = f"report-{decision.id}"
    if not form.validate():
        return _refused(minutes, paragraph_id, key, form)
    report = _in_group(SystemErrorReport, form.report_id.data)
    if report is None:
        return _refused(
            minutes, paragraph_id, key, form, form.report_id, "Välj en rapport i gruppens register."
        )
    effect = form.effect.data
    _, error = commit_or_refusal(
        services.link_report,
        decision,
        g.membership,
        report,
        effect,
        owner=_in_group(Membership, form.owner_id.data) if effect == "set_owner" else None,
        next_review_on=form.next_review_on.data if effect == "set_owner" else None,
        escalation=form.escalation() if effect == "escalate" else None,
    )
    if error:
        return _refused(minutes, paragraph_id, key, form, form.report_id, error)
    return _done(minutes, paragraph_id, "Systemfelet är kopplat till beslutet.")
