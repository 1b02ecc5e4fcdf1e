"""What a decision sets going: uppdrag, återrapportering, linked system errors; and what of it
is still open when the next meeting comes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ...dates import STOCKHOLM
from ...domain import DomainError, clean_text, refuse_personnummer
from ...extensions import db
from ...models import (
    LEADING_ROLES,
    ActionItem,
    ActionStatus,
    Decision,
    DecisionReport,
    Meeting,
    Membership,
    Minutes,
    OrganisationFollowUp,
    Paragraph,
    ReportStatus,
    SystemErrorReport,
    utcnow,
)
from ...system_errors import services as register
from .. import notices
from .rules import (
    SEAT_ROLES,
    _local_day,
    _member_of,
    _require_not_immediately_approved,
    _require_writer,
    _touch,
    sees_confidential,
)

# -- action items, återrapportering, system errors ---------------------------------------------------


#: What a decision can do to a linked system error, through the register's own services.
REPORT_EFFECTS = {
    "link": "Kopplad till beslutet",
    "take_up": "Tagen upp",
    "set_owner": "Ansvarig utsedd",
    "escalate": "Eskalerad",
}


def add_action(
    decision: Decision, by: Membership, title: str, owner_id: int | None, due_on: date | None
) -> ActionItem:
    """Give an uppdrag from a decision: what, who (a member) and by when."""
    minutes = decision.paragraph.minutes
    _require_writer(minutes, by)
    _require_not_immediately_approved(decision.paragraph)
    title = clean_text(title, 300, "Uppdraget")
    if not title:
        raise DomainError("Skriv vad som ska göras.")
    refuse_personnummer(title)
    if owner_id is None:
        raise DomainError("Välj vem som ansvarar för uppdraget.")
    owner = _member_of(minutes, owner_id, "Den ansvariga")
    if owner.role_enum not in SEAT_ROLES:
        raise DomainError("Den ansvariga ska vara ledamot eller ersättare i gruppen.")
    if due_on is not None and due_on < _local_day(minutes):
        raise DomainError("Uppdraget kan inte ha ett slutdatum före mötet.")
    action = ActionItem(
        decision=decision,
        group_id=decision.group_id,
        title=title,
        owner=owner,
        due_on=due_on,
        status=ActionStatus.NOT_STARTED.value,
    )
    db.session.add(action)
    _touch(minutes)
    db.session.flush()
    notices.action_assigned(action, by)
    return action


def set_action_status(
    action: ActionItem, by: Membership, status: ActionStatus | str, reason: str | None = None
) -> ActionItem:
    """Move an uppdrag on: its owner or the group's leaders; striking it needs a reason."""
    leader = by.group_id == action.group_id and by.role_enum in LEADING_ROLES
    if by.id != action.owner_id and not leader:
        raise DomainError("Bara den ansvariga eller ordföranden kan ändra uppdragets status.")
    try:
        status = ActionStatus(status)
    except ValueError:
        raise DomainError("Välj en status för uppdraget.") from None
    reason = clean_text(reason, 2000, "Skälet")
    refuse_personnummer(reason)
    if status == ActionStatus.STRUCK and not reason:
        raise DomainError("Skriv varför uppdraget stryks.")
    if status.value == action.status:
        raise DomainError(f"Uppdraget är redan {status.label.lower()}.")
    action.status = status.value
    action.struck_reason = reason if status == ActionStatus.STRUCK else None
    action.updated_at = utcnow()
    action.updated_by_id = by.user_id
    db.session.flush()
    return action


def mark_follow_up_done(
    follow_up: OrganisationFollowUp, by: Membership, note: str | None
) -> OrganisationFollowUp:
    """Mark an organisation's återrapportering done: its representative, or the group's leaders."""
    in_group = by.group_id == follow_up.group_id
    represents = in_group and by.role_enum in SEAT_ROLES and by.organisation_id == follow_up.organisation_id
    if not represents and not (in_group and by.role_enum in LEADING_ROLES):
        raise DomainError(f"Bara den som företräder {follow_up.organisation.name} kan återrapportera.")
    if not follow_up.is_open:
        raise DomainError("Organisationen har redan återrapporterat.")
    note = clean_text(note, 5000, "Återrapporten")
    refuse_personnummer(note)
    follow_up.note = note
    follow_up.done_at = utcnow()
    follow_up.done_by_id = by.user_id
    db.session.flush()
    return follow_up


def link_report(
    decision: Decision,
    by: Membership,
    report: SystemErrorReport,
    effect: str = "link",
    *,
    owner: Membership | None = None,
    next_review_on: date | None = None,
    escalation: dict | None = None,
) -> DecisionReport:
    """Link a decision to a system error and move the report on through the register's services."""

    minutes = decision.paragraph.minutes
    _require_writer(minutes, by)
    if report.group_id != decision.group_id or report.status == ReportStatus.DRAFT.value:
        raise DomainError("Rapporten finns inte i gruppens register.")
    if effect not in REPORT_EFFECTS:
        raise DomainError("Välj vad beslutet gör med rapporten.")
    if any(link.report_id == report.id for link in decision.report_links):
        raise DomainError(f"Beslutet är redan kopplat till {report.number}.")
    actor = by.user
    meeting = minutes.meeting
    paragraph = decision.paragraph
    if effect == "take_up":
        register.change_status(
            report, actor, ReportStatus.TAKEN_UP, meeting=meeting, agenda_item=paragraph.agenda_item
        )
    elif effect == "set_owner":
        if report.status_enum in {ReportStatus.SUBMITTED, ReportStatus.TAKEN_UP}:
            register.change_status(
                report, actor, ReportStatus.IN_PROGRESS, owner=owner, next_review_on=next_review_on
            )
        else:
            register.set_owner(report, actor, owner, next_review_on)
    elif effect == "escalate":
        if report.status == ReportStatus.ESCALATED.value:
            register.escalate(report, actor, **(escalation or {}))
        else:
            register.change_status(report, actor, ReportStatus.ESCALATED, escalation=escalation)
    link = DecisionReport(
        decision=decision, group_id=decision.group_id, report=report, effect=REPORT_EFFECTS[effect]
    )
    db.session.add(link)
    _touch(minutes)
    db.session.flush()
    return link


# -- feeding the next meeting ------------------------------------------------------------------------


@dataclass
class OpenFollowUps:
    """Open action items and återrapporteringar from earlier meetings."""

    actions: list[ActionItem]
    organisation_follow_ups: list[OrganisationFollowUp]
    today: date


def open_follow_ups(group_id: int, by: Membership | None, before=None) -> OpenFollowUps:
    """Return every open action item and återrapportering of the group's earlier meetings, oldest
    due first; those in §§ the member may not see are left out."""
    query = (
        select(ActionItem)
        .join(Decision, ActionItem.decision_id == Decision.id)
        .join(Paragraph, Decision.paragraph_id == Paragraph.id)
        .join(Minutes, Paragraph.minutes_id == Minutes.id)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .where(
            ActionItem.group_id == group_id,
            ActionItem.status.in_([ActionStatus.NOT_STARTED.value, ActionStatus.IN_PROGRESS.value]),
        )
        .options(
            joinedload(ActionItem.owner).joinedload(Membership.user),
            joinedload(ActionItem.decision).joinedload(Decision.paragraph).joinedload(Paragraph.minutes),
        )
    )
    follow_query = (
        select(OrganisationFollowUp)
        .join(Decision, OrganisationFollowUp.decision_id == Decision.id)
        .join(Paragraph, Decision.paragraph_id == Paragraph.id)
        .join(Minutes, Paragraph.minutes_id == Minutes.id)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .where(OrganisationFollowUp.group_id == group_id, OrganisationFollowUp.done_at.is_(None))
        .options(
            joinedload(OrganisationFollowUp.organisation),
            joinedload(OrganisationFollowUp.decision)
            .joinedload(Decision.paragraph)
            .joinedload(Paragraph.minutes),
        )
    )
    if before is not None:
        query = query.where(Meeting.starts_at < before)
        follow_query = follow_query.where(Meeting.starts_at < before)
    if not sees_confidential(by):
        secret = Paragraph.is_confidential.is_(True) & Paragraph.released_at.is_(None)
        query = query.where(~secret)
        follow_query = follow_query.where(~secret)
    actions = db.session.scalars(query).all()
    follow_ups = db.session.scalars(follow_query).all()
    far = date.max
    actions = sorted(actions, key=lambda a: (a.due_on or far, a.id))
    follow_ups = sorted(follow_ups, key=lambda f: (f.decision_id, f.organisation.name))
    today = utcnow().astimezone(STOCKHOLM).date()
    return OpenFollowUps(actions=list(actions), organisation_follow_ups=list(follow_ups), today=today)


def paragraph_count(group_id: int, year: int) -> int:
    """Return how many §§ the group's minutes of a year hold."""
    return db.session.scalar(
        select(func.count(Paragraph.id)).where(Paragraph.group_id == group_id, Paragraph.year == year)
    )
