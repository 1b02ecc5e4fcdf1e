"""What the follow-up page and its rows show: context builders for the templates."""

from __future__ import annotations

from flask import flash, g, request

from .. import answers
from ..dates import local
from ..models import ActionStatus, utcnow
from . import services
from .forms import ActionStatusForm, FollowUpDoneForm

PAGE = "follow_up/index.html"
ACTION = "follow_up/_action.html"
FOLLOW_UP = "follow_up/_follow_up.html"

#: What the owner is told after moving an uppdrag on (one sentence per status, in agreement).
STATUS_NOTICES = {
    ActionStatus.NOT_STARTED.value: "Uppdraget är markerat som ej påbörjat.",
    ActionStatus.IN_PROGRESS.value: "Uppdraget är påbörjat.",
    ActionStatus.DONE.value: "Uppdraget är klart.",
    ActionStatus.STRUCK.value: "Uppdraget är struket.",
}


def mine() -> bool:
    """Return whether the caller filters on their own uppdrag ("mina uppdrag")."""
    return request.args.get("visa") == "mina"


def today():
    """Return today's date in Stockholm (what "försenad" counts from)."""
    return local(utcnow()).date()


def action_form(action) -> ActionStatusForm | None:
    """Return the status form of an uppdrag the caller may move on (the failed one if kept)."""
    failed = answers.kept(("action", action.id))
    if failed is not None or not services.may_move(action, g.membership):
        return failed
    return ActionStatusForm(prefix=f"action-{action.id}", formdata=None, status=action.status)


def follow_up_form(follow_up) -> FollowUpDoneForm | None:
    """Return the återrapport form of a row the caller may mark done (the failed one if kept)."""
    failed = answers.kept(("follow-up", follow_up.id))
    if failed is not None or not follow_up.is_open or not services.may_report(follow_up, g.membership):
        return failed
    return FollowUpDoneForm(prefix=f"follow-up-{follow_up.id}", formdata=None)


def page_context() -> dict:
    """Return the whole page's context; a kept form whose row is no longer open is told at the top."""
    data = services.page(g.group.id, g.membership, mine=mine())
    listed = {("action", a.id) for a in data.actions} | {
        ("follow-up", f.id) for f in data.organisation_follow_ups
    }
    for key, form in answers.all_kept().items():
        if key not in listed:  # a row no longer open: its message goes at the top
            for error in (e for f in form for e in f.errors):
                flash(error, "error")
    return {
        "group": g.group,
        "data": data,
        "action_forms": {a.id: action_form(a) for a in data.actions},
        "follow_up_forms": {f.id: follow_up_form(f) for f in data.organisation_follow_ups},
        "today": data.today,
    }


def action_context(group_id: int, action_id: int, notice: str | None = None) -> dict:
    """Return the context of one uppdrag's row, read anew after the change."""
    action = services.get_action(group_id, action_id, g.membership)
    return {
        "group": g.group,
        "action": action,
        "form": action_form(action),
        "today": today(),
        "notice": notice,
    }


def follow_up_context(group_id: int, follow_up_id: int, notice: str | None = None) -> dict:
    """Return the context of one återrapportering's row, read anew after the change."""
    follow_up = services.get_follow_up(group_id, follow_up_id, g.membership)
    form = None if notice else follow_up_form(follow_up)
    return {"group": g.group, "follow_up": follow_up, "form": form, "notice": notice}
