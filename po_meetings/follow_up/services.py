"""Finding the group's action items and återrapporteringar for the follow-up page.

The rules for changing them (who may, what a status needs) are the minutes' own:
:func:`po_meetings.minutes.services.set_action_status` and ``mark_follow_up_done``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..minutes import services as minutes_services
from ..models import (
    ActionItem,
    ActionStatus,
    Decision,
    Membership,
    OrganisationFollowUp,
    Paragraph,
    utcnow,
)

#: How far back the page's "recently done" list reaches.
RECENT_DAYS = 60
#: How many recently done rows the page lists at most.
RECENT_LIMIT = 10


@dataclass
class FollowUpPage:
    """What the follow-up page lists."""

    actions: list[ActionItem]
    organisation_follow_ups: list[OrganisationFollowUp]
    done_actions: list[ActionItem]
    done_follow_ups: list[OrganisationFollowUp]
    today: object
    mine: bool


def _visible(paragraph: Paragraph, by: Membership | None) -> bool:
    """Return whether the member may see what a § decided."""
    return minutes_services.sees_confidential(by) or not paragraph.is_secret


def get_action(group_id: int, action_id: int, by: Membership | None) -> ActionItem | None:
    """Return an action item of the group in a § the member may see, or None."""
    action = db.session.get(ActionItem, action_id)
    if action is None or action.group_id != group_id or not _visible(action.decision.paragraph, by):
        return None
    return action


def get_follow_up(group_id: int, follow_up_id: int, by: Membership | None) -> OrganisationFollowUp | None:
    """Return an återrapportering of the group in a § the member may see, or None."""
    follow_up = db.session.get(OrganisationFollowUp, follow_up_id)
    if follow_up is None or follow_up.group_id != group_id or not _visible(follow_up.decision.paragraph, by):
        return None
    return follow_up


def _is_mine(row, by: Membership | None) -> bool:
    """Return whether an uppdrag is the member's own, or an återrapportering their organisation's."""
    if by is None:
        return False
    if isinstance(row, ActionItem):
        return row.owner_id == by.id
    return by.organisation_id is not None and row.organisation_id == by.organisation_id


def page(group_id: int, by: Membership | None, mine: bool = False) -> FollowUpPage:
    """Return the open uppdrag and återrapporteringar (all, or the member's own) and the recently done."""
    open_rows = minutes_services.open_follow_ups(group_id, by)
    since = utcnow() - timedelta(days=RECENT_DAYS)
    secret = Paragraph.is_confidential.is_(True) & Paragraph.released_at.is_(None)
    done_actions = (
        select(ActionItem)
        .join(Decision, ActionItem.decision_id == Decision.id)
        .join(Paragraph, Decision.paragraph_id == Paragraph.id)
        .where(
            ActionItem.group_id == group_id,
            ActionItem.status.in_([ActionStatus.DONE.value, ActionStatus.STRUCK.value]),
            ActionItem.updated_at >= since,
        )
        .options(
            selectinload(ActionItem.owner).selectinload(Membership.user),
            selectinload(ActionItem.decision).selectinload(Decision.paragraph),
        )
        .order_by(ActionItem.updated_at.desc(), ActionItem.id.desc())
        .limit(RECENT_LIMIT)
    )
    done_follow_ups = (
        select(OrganisationFollowUp)
        .join(Decision, OrganisationFollowUp.decision_id == Decision.id)
        .join(Paragraph, Decision.paragraph_id == Paragraph.id)
        .where(OrganisationFollowUp.group_id == group_id, OrganisationFollowUp.done_at >= since)
        .options(
            selectinload(OrganisationFollowUp.organisation),
            selectinload(OrganisationFollowUp.decision).selectinload(Decision.paragraph),
        )
        .order_by(OrganisationFollowUp.done_at.desc(), OrganisationFollowUp.id.desc())
        .limit(RECENT_LIMIT)
    )
    if not minutes_services.sees_confidential(by):
        done_actions = done_actions.where(~secret)
        done_follow_ups = done_follow_ups.where(~secret)
    actions = open_rows.actions
    follow_ups = open_rows.organisation_follow_ups
    if mine:
        actions = [a for a in actions if _is_mine(a, by)]
        follow_ups = [f for f in follow_ups if _is_mine(f, by)]
    return FollowUpPage(
        actions=actions,
        organisation_follow_ups=follow_ups,
        done_actions=list(db.session.scalars(done_actions)),
        done_follow_ups=list(db.session.scalars(done_follow_ups)),
        today=open_rows.today,
        mine=mine,
    )


def may_move(action: ActionItem, by: Membership | None) -> bool:
    """Return whether the member may change an uppdrag's status (its owner or the group's leaders)."""
    return by is not None and (by.id == action.owner_id or by.is_leading)


def may_report(follow_up: OrganisationFollowUp, by: Membership | None) -> bool:
    """Return whether the member may mark an återrapportering done (its organisation's
    representative or the group's leaders)."""
    if by is None or by.role_enum not in minutes_services.SEAT_ROLES:
        return False
    return by.is_leading or (
        by.organisation_id is not None and by.organisation_id == follow_up.organisation_id
    )
