"""The start page ("Min sida"): what the user owes and what waits for them, in all their groups."""

from __future__ import annotations

from flask import abort, g, url_for
from flask_login import current_user

from .. import answers
from ..answers import View
from ..follow_up import services as follow_up_services
from ..follow_up import views as follow_up_views
from ..meetings import lookups as meeting_lookups
from ..minutes import services as minutes_services
from ..models import Answer
from . import bp, services, views
from .forms import ActionStepForm, CallAnswerForm


@bp.get("/")
def index():
    """Show the user's uppdrag, reports, justeringar, next meetings and, for leaders, an overview."""
    since = services.record_visit(current_user.id)
    return View(views.PAGE, lambda: views.page_context(since)).render()


def _first_error(form) -> str | None:
    """Return the first message of a failed form (the buttons have no field to show it beside)."""
    return next((e for f in form for e in f.errors), None) or next(iter(form.form_errors), None)


@bp.post("/groups/<int:group_id>/start/actions/<int:action_id>")
def update_action(group_id, action_id):
    """Mark one of the user's uppdrag påbörjad or klar from the start page (the row comes back)."""
    action = follow_up_services.get_action(g.group.id, action_id, g.membership)
    if action is None:
        abort(404)
    form = ActionStepForm()
    done = answers.attempt(
        minutes_services.set_action_status,
        action,
        g.membership,
        form.status.data,
        None,
        form=form,
        field=form.status,
    )
    if done:
        notice = follow_up_views.STATUS_NOTICES[action.status]
        row = View(views.ACTION, lambda: views.action_context(group_id, action_id, notice=notice))
        return answers.saved(
            notice, to=url_for("main.index", _anchor=f"start-action-{action_id}"), fragment=row
        )
    error = _first_error(form) or done.message
    row = View(views.ACTION, lambda: views.action_context(group_id, action_id, error=error))
    return answers.refused(fragment=row, page=View(views.PAGE, views.refused_page_context), message=error)


@bp.post("/groups/<int:group_id>/start/meetings/<int:meeting_id>/answer")
def respond(group_id, meeting_id):
    """Answer the kallelse to the group's next meeting from the start page (the box comes back)."""
    meeting = meeting_lookups.meeting_or_404(meeting_id)
    form = CallAnswerForm()
    done = answers.attempt(
        services.answer_call,
        meeting,
        g.membership,
        form.answer.data,
        form.whose(),
        form=form,
        field=form.answer,
    )
    if done:
        notice = f"Ditt svar är sparat: {Answer(form.answer.data).label.lower()}."
        box = View(views.MEETING, lambda: views.meeting_context(meeting, notice=notice))
        return answers.saved(
            notice, to=url_for("main.index", _anchor=f"start-meeting-{meeting_id}"), fragment=box
        )
    error = _first_error(form) or done.message
    box = View(views.MEETING, lambda: views.meeting_context(meeting, error=error))
    return answers.refused(fragment=box, page=View(views.PAGE, views.refused_page_context), message=error)
