"""Routes of the follow-up page: open uppdrag and återrapporteringar between meetings."""

from __future__ import annotations

from flask import abort, g, url_for

from .. import answers
from ..answers import View
from ..minutes import services as minutes_services
from . import bp, services, views
from .forms import ActionStatusForm, FollowUpDoneForm


def _index_url() -> str:
    """Return the follow-up page's URL, keeping the caller's filter."""
    return url_for("follow_up.index", group_id=g.group.id, visa="mina" if views.mine() else None)


@bp.get("")
def index(group_id):
    """List the open uppdrag and återrapporteringar, overdue ones marked, and the recently done."""
    return View(views.PAGE, views.page_context).render()


@bp.post("/actions/<int:action_id>")
def update_action(group_id, action_id):
    """Change an uppdrag's status (its owner or the group's leaders), with a reason to strike it."""
    action = services.get_action(g.group.id, action_id, g.membership)
    if action is None:
        abort(404)
    form = ActionStatusForm(prefix=f"action-{action.id}")
    done = answers.attempt(
        minutes_services.set_action_status,
        action,
        g.membership,
        form.status.data,
        form.reason.data,
        form=form,
        field=form.status,
        keep_as=("action", action.id),
    )
    if done:
        notice = views.STATUS_NOTICES[action.status]
        row = View(views.ACTION, lambda: views.action_context(group_id, action_id, notice))
        return answers.saved(notice, to=_index_url(), fragment=row)
    row = View(views.ACTION, lambda: views.action_context(group_id, action_id))
    return answers.refused(fragment=row, page=View(views.PAGE, views.page_context))


@bp.post("/organisations/<int:follow_up_id>")
def complete_organisation(group_id, follow_up_id):
    """Mark an organisation's återrapportering done (its representative or the group's leaders)."""
    follow_up = services.get_follow_up(g.group.id, follow_up_id, g.membership)
    if follow_up is None:
        abort(404)
    form = FollowUpDoneForm(prefix=f"follow-up-{follow_up.id}")
    done = answers.attempt(
        minutes_services.mark_follow_up_done,
        follow_up,
        g.membership,
        form.note.data,
        form=form,
        field=form.note,
        keep_as=("follow-up", follow_up.id),
    )
    if done:
        notice = f"Återrapporteringen från {follow_up.organisation.name} är markerad som klar."
        row = View(views.FOLLOW_UP, lambda: views.follow_up_context(group_id, follow_up_id, notice))
        return answers.saved(notice, to=_index_url(), fragment=row)
    row = View(views.FOLLOW_UP, lambda: views.follow_up_context(group_id, follow_up_id))
    return answers.refused(fragment=row, page=View(views.PAGE, views.page_context))
