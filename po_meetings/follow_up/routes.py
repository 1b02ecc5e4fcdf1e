"""Routes of the follow-up page: open uppdrag and återrapporteringar between meetings."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for

from ..domain import commit_or_error
from ..htmx import render, wants_fragment
from ..meetings.services import local
from ..minutes import services as minutes_services
from ..models import ActionStatus, utcnow
from . import bp, services
from .forms import ActionStatusForm, FollowUpDoneForm

PAGE = "follow_up/index.html"


def _action_prefix(action_id: int) -> str:
    """Return the form prefix of an uppdrag's status form (ids stay unique on the page)."""
    return f"action-{action_id}"


def _follow_up_prefix(follow_up_id: int) -> str:
    """Return the form prefix of an återrapportering's form."""
    return f"follow-up-{follow_up_id}"


def _today():
    """Return today's date in Stockholm (what "försenad" counts from)."""
    return local(utcnow()).date()


def _mine() -> bool:
    """Return whether the caller filters on their own uppdrag ("mina uppdrag")."""
    return request.args.get("visa") == "mina"


def _action_form(action, formdata=None) -> ActionStatusForm | None:
    """Return the status form of an uppdrag the caller may move on, else None."""
    if not services.may_move(action, g.membership):
        return None
    if formdata is None:
        return ActionStatusForm(prefix=_action_prefix(action.id), formdata=None, status=action.status)
    return ActionStatusForm(prefix=_action_prefix(action.id))


def _follow_up_form(follow_up, formdata=None) -> FollowUpDoneForm | None:
    """Return the återrapport form of a row the caller may mark done, else None."""
    if not follow_up.is_open or not services.may_report(follow_up, g.membership):
        return None
    if formdata is None:
        return FollowUpDoneForm(prefix=_follow_up_prefix(follow_up.id), formdata=None)
    return FollowUpDoneForm(prefix=_follow_up_prefix(follow_up.id))


def _page(status: int = 200, action_forms=None, follow_up_forms=None):
    """Render the whole page; forms with errors replace the empty ones of their rows."""
    data = services.page(g.group.id, g.membership, mine=_mine())
    actions = {a.id: _action_form(a) for a in data.actions}
    follow_ups = {f.id: _follow_up_form(f) for f in data.organisation_follow_ups}
    for listed, forms in ((actions, action_forms), (follow_ups, follow_up_forms)):
        for row_id, form in (forms or {}).items():
            if row_id not in listed:  # a row no longer open: its message goes at the top
                for error in (e for f in form for e in f.errors):
                    flash(error, "error")
            listed[row_id] = form
    return render(
        PAGE,
        PAGE,
        status=status,
        group=g.group,
        data=data,
        action_forms=actions,
        follow_up_forms=follow_ups,
        today=data.today,
    )


def _index_url() -> str:
    """Return the follow-up page's URL, keeping the caller's filter."""
    return url_for("follow_up.index", group_id=g.group.id, visa="mina" if _mine() else None)


@bp.get("")
def index(group_id):
    """List the open uppdrag and återrapporteringar, overdue ones marked, and the recently done."""
    return _page()


@bp.post("/actions/<int:action_id>")
def update_action(group_id, action_id):
    """Change an uppdrag's status (its owner or the group's leaders), with a reason to strike it."""
    action = services.get_action(g.group.id, action_id, g.membership)
    if action is None:
        abort(404)
    form = ActionStatusForm(prefix=_action_prefix(action.id))
    notice = None
    if form.validate() and commit_or_error(
        form.status,
        minutes_services.set_action_status,
        action,
        g.membership,
        form.status.data,
        form.reason.data,
    ):
        notice = f"Uppdraget är nu {ActionStatus(action.status).label.lower()}."
    if notice is not None and not wants_fragment():
        flash(notice, "success")
        return redirect(_index_url(), code=303)
    if notice is None and not wants_fragment():
        return _page(422, action_forms={action.id: form})
    # htmx swaps only 2xx answers: the row comes back with its message either way.
    action = services.get_action(g.group.id, action_id, g.membership)
    return render(
        PAGE,
        "follow_up/_action.html",
        group=g.group,
        action=action,
        form=_action_form(action) if notice else form,
        today=_today(),
        notice=notice,
    )


@bp.post("/organisations/<int:follow_up_id>")
def complete_organisation(group_id, follow_up_id):
    """Mark an organisation's återrapportering done (its representative or the group's leaders)."""
    follow_up = services.get_follow_up(g.group.id, follow_up_id, g.membership)
    if follow_up is None:
        abort(404)
    form = FollowUpDoneForm(prefix=_follow_up_prefix(follow_up.id))
    notice = None
    if form.validate() and commit_or_error(
        form.note, minutes_services.mark_follow_up_done, follow_up, g.membership, form.note.data
    ):
        notice = f"Återrapporteringen från {follow_up.organisation.name} är markerad som klar."
    if notice is not None and not wants_fragment():
        flash(notice, "success")
        return redirect(_index_url(), code=303)
    if notice is None and not wants_fragment():
        return _page(422, follow_up_forms={follow_up.id: form})
    # htmx swaps only 2xx answers: the row comes back with its message either way.
    follow_up = services.get_follow_up(g.group.id, follow_up_id, g.membership)
    return render(
        PAGE,
        "follow_up/_follow_up.html",
        group=g.group,
        follow_up=follow_up,
        form=None if notice else form,
        notice=notice,
    )
