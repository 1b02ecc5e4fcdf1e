"""Rules for meetings, their agendas, proposals and answers. Functions flush, never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..agendas import tree
from ..dates import STOCKHOLM, local, local_datetime  # noqa: F401  (local and local_datetime are used through this module)
from ..domain import DomainError, clean_text, refuse_personnummer
from ..extensions import db
from ..models import (
    LEADING_ROLES,
    AgendaItem,
    AgendaTemplate,
    Answer,
    Group,
    ItemType,
    Meeting,
    MeetingKind,
    MeetingResponse,
    MeetingStatus,
    Membership,
    Proposal,
    ProposalStatus,
    Role,
    StandingKind,
    User,
    utcnow,
)
from . import hooks, notices

#: The allowed status moves: from → {to}. One function, change_status, checks every move.
TRANSITIONS: dict[MeetingStatus, set[MeetingStatus]] = {
    MeetingStatus.DRAFT: {MeetingStatus.CALLED, MeetingStatus.CANCELLED},
    MeetingStatus.CALLED: {MeetingStatus.DRAFT, MeetingStatus.IN_PROGRESS, MeetingStatus.CANCELLED},
    MeetingStatus.IN_PROGRESS: {MeetingStatus.CLOSED},
    MeetingStatus.CLOSED: {MeetingStatus.APPROVED},
    MeetingStatus.APPROVED: set(),
    MeetingStatus.CANCELLED: set(),
}

#: Statuses in which the agenda can still be changed.
#: Once the meeting is under way, the minutes take over: new matters become §§ there.
EDITABLE = {MeetingStatus.DRAFT, MeetingStatus.CALLED}
#: Roles that do not see confidential items.
RESTRICTED_ROLES = {Role.OMBUD, Role.CO_OPTED}


# -- finding meetings ---------------------------------------------------------------------


def get_meeting(group: Group, meeting_id: int, membership: Membership | None, agenda=True) -> Meeting | None:
    """Return a meeting of this group that the member may see (drafts only for the leaders).

    The agenda comes with it, presenters included, so a page shows it without a query per item;
    ``agenda=False`` for a page that does not show it (the minutes: their §§ are their own).
    """
    query = select(Meeting).where(Meeting.id == meeting_id)
    presenters = selectinload(Meeting.items).joinedload(AgendaItem.presenter).joinedload(Membership.user)
    meeting = db.session.scalar(query.options(presenters) if agenda else query)
    if meeting is None or meeting.group_id != group.id:
        return None
    if meeting.is_draft and not is_leader(membership):
        return None
    return meeting


def is_leader(membership: Membership | None) -> bool:
    """Return whether a membership may prepare agendas."""
    return membership is not None and membership.role_enum in LEADING_ROLES


def sees_confidential(membership: Membership | None) -> bool:
    """Return whether a member sees confidential items (ombuds and co-opted members do not)."""
    return membership is not None and membership.role_enum not in RESTRICTED_ROLES


def meetings_of(group: Group, membership: Membership | None) -> tuple[list[Meeting], list[Meeting]]:
    """Return the group's coming and past meetings that the member may see."""
    query = select(Meeting).where(Meeting.group_id == group.id).order_by(Meeting.starts_at)
    if not is_leader(membership):
        query = query.where(Meeting.status != MeetingStatus.DRAFT.value)
    meetings = db.session.scalars(query).all()
    now = utcnow()
    coming = [m for m in meetings if m.ends_at > now]
    past = sorted((m for m in meetings if m.ends_at <= now), key=lambda m: m.starts_at, reverse=True)
    return coming, past


def visible_items(meeting: Meeting, membership: Membership | None) -> list[AgendaItem]:
    """Return the agenda items the member may see; confidential ones are left out for ombuds."""
    items = meeting.items
    if sees_confidential(membership):
        return list(items)
    hidden = {i.id for i in items if i.is_confidential}
    return [i for i in items if i.id not in hidden and i.parent_id not in hidden]


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """Return the group's last held meeting before this one."""
    return db.session.scalar(
        select(Meeting)
        .where(
            Meeting.group_id == meeting.group_id,
            Meeting.starts_at < meeting.starts_at,
            Meeting.status.in_(
                [
                    MeetingStatus.CLOSED.value,
                    MeetingStatus.APPROVED.value,
                    MeetingStatus.CALLED.value,
                    MeetingStatus.IN_PROGRESS.value,
                ]
            ),
        )
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )


# -- creating and changing meetings -------------------------------------------------------


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    """Refuse a meeting that ends before it starts or lasts longer than a day."""
    if ends_at <= starts_at:
        raise DomainError("Mötet måste sluta efter att det börjar.")
    if (ends_at - starts_at).total_seconds() > 12 * 3600:
        raise DomainError("Ett möte kan vara högst 12 timmar.")


def _check_video_link(link: str | None) -> str | None:
    """Return a web link for a video meeting, refusing anything but http(s)."""
    link = clean_text(link, 500, "Länken")
    if link is not None and not link.lower().startswith(("https://", "http://")):
        raise DomainError("Länken till videomötet ska börja med https://")
    return link


def create_meeting(
    group: Group,
    template: AgendaTemplate | None,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str | None = None,
    video_link: str | None = None,
    kind: MeetingKind | None = None,
) -> Meeting:
    """Create a meeting in draft, with a copy of the template's agenda (copied, not linked)."""
    if template is not None and template.group_id != group.id:
        raise DomainError("Mallen hör inte till gruppen.")
    refuse_personnummer(title, place, video_link)
    _check_times(starts_at, ends_at)
    place = clean_text(place, 200, "Platsen")
    video_link = _check_video_link(video_link)
    if place is None and video_link is None:
        raise DomainError("Ange en plats, en länk till videomötet eller båda.")
    if kind is None:
        kind = MeetingKind(template.kind) if template is not None else MeetingKind.OPERATIVE
    meeting = Meeting(
        group_id=group.id,
        template_id=template.id if template else None,
        title=tree.clean_title(title or MeetingKind(kind).label),
        kind=MeetingKind(kind).value,
        status=MeetingStatus.DRAFT.value,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        video_link=video_link,
        max_new_system_errors=template.max_new_system_errors if template else 5,
    )
    db.session.add(meeting)
    if template is not None:
        copies = {}
        for source in sorted(template.items, key=lambda i: (i.parent_id is not None, i.position)):
            copy = AgendaItem(
                meeting=meeting,
                group_id=group.id,
                parent=copies.get(source.parent_id),
                position=source.position,
                title=source.title,
                item_type=source.item_type,
                description=source.guidance,
                minutes=source.minutes,
                standing_kind=source.standing_kind,
                is_confidential=False,
            )
            db.session.add(copy)
            copies[source.id] = copy
    db.session.flush()
    return meeting


def update_meeting(
    meeting: Meeting,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    place: str | None,
    video_link: str | None,
) -> Meeting:
    """Change a meeting's title, time and place."""
    ensure_editable(meeting)
    refuse_personnummer(title, place, video_link)
    _check_times(starts_at, ends_at)
    place = clean_text(place, 200, "Platsen")
    video_link = _check_video_link(video_link)
    if place is None and video_link is None:
        raise DomainError("Ange en plats, en länk till videomötet eller båda.")
    meeting.title = tree.clean_title(title)
    meeting.starts_at = starts_at
    meeting.ends_at = ends_at
    meeting.place = place
    meeting.video_link = video_link
    db.session.flush()
    return meeting


def change_status(meeting: Meeting, to: MeetingStatus) -> Meeting:
    """Move a meeting to a new status if the move is allowed."""
    current = meeting.status_enum
    if to not in TRANSITIONS[current]:
        raise DomainError(
            f"Mötet har status {current.label.lower()} och kan inte få status {to.label.lower()}."
        )
    meeting.status = to.value
    db.session.flush()
    return meeting


def publish_agenda(meeting: Meeting, notify: bool = True) -> Meeting:
    """Publish the agenda: the meeting is kallad and every member gets a kallelse."""
    if not meeting.items:
        raise DomainError("Dagordningen är tom. Lägg till minst en punkt innan du kallar.")
    if meeting.is_past:
        raise DomainError("Mötet har redan varit och kan inte kallas till.")
    change_status(meeting, MeetingStatus.CALLED)
    meeting.published_at = utcnow()
    meeting.notice_count = (meeting.notice_count or 0) + 1
    if notify:
        notices.queue_kallelse(meeting)
    db.session.flush()
    return meeting


def unpublish_agenda(meeting: Meeting) -> Meeting:
    """Take a kallad meeting back to draft; publishing again sends a new kallelse."""
    return change_status(meeting, MeetingStatus.DRAFT)


def cancel_meeting(meeting: Meeting, reason: str) -> Meeting:
    """Cancel a meeting (kept, marked inställt, with a reason); members are told if it was kallad."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Ange varför mötet ställs in.")
    refuse_personnummer(reason)
    was_called = meeting.status_enum == MeetingStatus.CALLED
    change_status(meeting, MeetingStatus.CANCELLED)
    meeting.cancel_reason = reason
    if was_called:
        meeting.notice_count = (meeting.notice_count or 0) + 1
        notices.queue_cancellation(meeting)
    db.session.flush()
    return meeting


def planned_later(meeting: Meeting) -> bool:
    """Return whether the meeting is planned for a later day than today (Stockholm time)."""
    return local(meeting.starts_at).date() > local(utcnow()).date()


def start_meeting(meeting: Meeting, early: bool = False) -> Meeting:
    """Open the meeting (pågår) and its minutes: one § per agenda item, attendance from the answers.

    ``early``: the chair has confirmed holding, today, a meeting planned for a later day (the
    start route asks first, see :func:`planned_later`); its date and time then become the actual
    ones, its length kept, so the minutes (and their § year) never say it was held on the planned
    day. Code that seeds or replays meetings starts them as planned.
    """
    if early and meeting.status_enum == MeetingStatus.CALLED and planned_later(meeting):
        length = meeting.ends_at - meeting.starts_at
        meeting.starts_at = utcnow().replace(second=0, microsecond=0)
        meeting.ends_at = meeting.starts_at + length
    change_status(meeting, MeetingStatus.IN_PROGRESS)
    hooks.meeting_started(meeting)  # the minutes open (registered by po_meetings.minutes)
    return meeting


def close_meeting(meeting: Meeting) -> Meeting:
    """Move the meeting to avslutad without the minutes' checks (the minutes' close() runs them)."""
    return change_status(meeting, MeetingStatus.CLOSED)


# -- the agenda ----------------------------------------------------------------------------


def agenda_locked(meeting: Meeting) -> str | None:
    """Return why the agenda can no longer be changed (started, closed, cancelled), or None."""
    if meeting.status_enum == MeetingStatus.IN_PROGRESS:
        return "Mötet pågår: lägg till nya ärenden som paragrafer i protokollet."
    if meeting.status_enum not in EDITABLE:
        return f"Mötet är {meeting.status_label.lower()}: dagordningen kan inte längre ändras."
    return None


def ensure_editable(meeting: Meeting) -> None:
    """Refuse changes to the agenda of a meeting that has started, closed, or was cancelled."""
    locked = agenda_locked(meeting)
    if locked:
        raise DomainError(locked)


def get_item(meeting: Meeting, item_id: int) -> AgendaItem | None:
    """Return an item of this meeting, or None."""
    item = db.session.get(AgendaItem, item_id)
    return item if item is not None and item.meeting_id == meeting.id else None


def _check_item(meeting: Meeting, parent, minutes, presenter, standing_kind) -> None:
    """Refuse an item that breaks the agenda's rules."""
    if parent is not None:
        if parent.meeting_id != meeting.id:
            raise DomainError("Underpunkten måste höra till en punkt på samma dagordning.")
        if parent.parent_id is not None:
            raise DomainError("En underpunkt kan inte ha egna underpunkter.")
    tree.check_minutes(minutes, meeting.length_minutes, required=parent is None)
    if presenter is not None and (presenter.group_id != meeting.group_id or not presenter.is_active):
        raise DomainError("Föredraganden ska vara med i gruppen.")
    if standing_kind is not None:
        StandingKind(standing_kind)


def add_item(
    meeting: Meeting,
    title: str,
    minutes: int | None = None,
    parent: AgendaItem | None = None,
    item_type: ItemType = ItemType.INFORMATION,
    presenter: Membership | None = None,
    description: str | None = None,
    is_confidential: bool = False,
    standing_kind: StandingKind | None = None,
) -> AgendaItem:
    """Add an item (or sub-item) at the end of the agenda."""
    ensure_editable(meeting)
    title = tree.clean_title(title)
    refuse_personnummer(title, description)
    _check_item(meeting, parent, minutes, presenter, standing_kind)
    item = AgendaItem(
        meeting=meeting,
        group_id=meeting.group_id,
        parent=parent,
        position=tree.next_position(meeting.items, parent.id if parent else None),
        title=title,
        minutes=minutes,
        item_type=ItemType(item_type).value,
        presenter=presenter,
        description=(description or "").strip() or None,
        is_confidential=bool(is_confidential),
        standing_kind=StandingKind(standing_kind).value if standing_kind else None,
    )
    db.session.add(item)
    db.session.flush()
    return item


def update_item(
    item: AgendaItem,
    title: str,
    minutes: int | None,
    item_type: ItemType,
    presenter: Membership | None,
    description: str | None,
    is_confidential: bool,
) -> AgendaItem:
    """Change an agenda item."""
    meeting = item.meeting
    ensure_editable(meeting)
    item.title = tree.clean_title(title)
    refuse_personnummer(title, description)
    _check_item(meeting, item.parent, minutes, presenter, None)
    item.minutes = minutes
    item.item_type = ItemType(item_type).value
    item.presenter = presenter
    item.description = (description or "").strip() or None
    item.is_confidential = bool(is_confidential)
    db.session.flush()
    return item


def move_item(item: AgendaItem, direction: str) -> AgendaItem:
    """Move an item up or down among its siblings."""
    ensure_editable(item.meeting)
    tree.move(item, item.meeting.items, direction)
    db.session.flush()
    return item


def delete_item(item: AgendaItem) -> None:
    """Delete an item and its sub-items; a proposal it came from keeps its record."""
    meeting = item.meeting
    ensure_editable(meeting)
    removed = [item, *tree.siblings(meeting.items, item.id)]
    for proposal in db.session.scalars(
        select(Proposal).where(Proposal.agenda_item_id.in_([i.id for i in removed]))
    ):
        proposal.agenda_item = None
    for doomed in removed:
        meeting.items.remove(doomed)
    db.session.flush()


def overrun_minutes(meeting: Meeting) -> int:
    """Return how many minutes the agenda runs over the meeting (0 if it fits)."""
    return max(0, tree.total_minutes(meeting.items) - meeting.length_minutes)


# -- topic intake ----------------------------------------------------------------------------


def propose_item(meeting: Meeting, proposer: User, title: str, description: str | None) -> Proposal:
    """Propose an item for a coming meeting; it waits in the backlog for the chair."""
    if meeting.is_past or meeting.status_enum not in {MeetingStatus.DRAFT, MeetingStatus.CALLED}:
        raise DomainError("Det går bara att föreslå punkter till kommande möten.")
    refuse_personnummer(title, description)
    proposal = Proposal(
        meeting=meeting,
        group_id=meeting.group_id,
        proposer=proposer,
        title=tree.clean_title(title),
        description=(description or "").strip() or None,
        status=ProposalStatus.PENDING.value,
    )
    db.session.add(proposal)
    db.session.flush()
    return proposal


def _backlog(meeting: Meeting):
    """Return the condition for a meeting's backlog: its own proposals and, while its agenda is
    being prepared, the undecided ones of the group's earlier meetings that are over (held,
    cancelled or past): a proposal waits for the chair's decision whichever meeting it was for."""
    own = Proposal.meeting_id == meeting.id
    if meeting.status_enum not in EDITABLE:
        return own
    over = Meeting.status.not_in([s.value for s in EDITABLE]) | (Meeting.ends_at <= utcnow())
    earlier = select(Meeting.id).where(Meeting.group_id == meeting.group_id, over)
    earlier = earlier.where(Meeting.starts_at < meeting.starts_at).scalar_subquery()
    return own | ((Proposal.status == ProposalStatus.PENDING.value) & Proposal.meeting_id.in_(earlier))


def proposals_for(meeting: Meeting, membership: Membership | None, user: User) -> list[Proposal]:
    """Return the proposals the user may see: all for members, their own for ombuds and co-opted;
    pending ones of earlier meetings come along while the agenda is being prepared."""
    query = (
        select(Proposal)
        .where(_backlog(meeting))
        .options(
            selectinload(Proposal.proposer),
            selectinload(Proposal.decided_by),
            joinedload(Proposal.meeting),
        )
        .order_by(Proposal.created_at, Proposal.id)
    )
    if not sees_confidential(membership):
        query = query.where(Proposal.proposer_id == user.id)
    return db.session.scalars(query).all()


def get_proposal(meeting: Meeting, proposal_id: int) -> Proposal | None:
    """Return a proposal in this meeting's backlog (its own, or one carried from before), or None."""
    return db.session.scalar(select(Proposal).where(Proposal.id == proposal_id, _backlog(meeting)))


def _pending(proposal: Proposal) -> None:
    """Refuse a decision on a proposal that has already been decided."""
    if proposal.status != ProposalStatus.PENDING.value:
        raise DomainError(f"Förslaget är redan {ProposalStatus(proposal.status).label.lower()}.")


def accept_proposal(
    proposal: Proposal,
    actor: User,
    minutes: int | None = None,
    meeting: Meeting | None = None,
    parent: AgendaItem | None = None,
) -> AgendaItem:
    """Put a proposal on the agenda of ``meeting`` (by default the one it was made for): as a
    sub-item of ``parent``, or as a main item of its own placed before *Övrigt*, which needs a
    time box (``minutes``; the chair is asked for it). A proposal carried from an earlier meeting
    moves to the meeting that takes it up."""
    _pending(proposal)
    meeting = meeting or proposal.meeting
    if parent is None and minutes is None:
        raise DomainError("Ange hur många minuter punkten får på dagordningen.")
    item = add_item(
        meeting,
        proposal.title,
        minutes=minutes,
        parent=parent,
        item_type=ItemType.DISCUSSION,
        description=proposal.description,
        is_confidential=False,
    )
    if parent is None:
        tree.place_before_other_business(item, meeting.items)
    proposal.status = ProposalStatus.ACCEPTED.value
    proposal.meeting = meeting
    proposal.agenda_item = item
    proposal.decided_by = actor
    proposal.decided_at = utcnow()
    db.session.flush()
    notices.proposal_decided(proposal, actor)
    return item


def decline_proposal(
    proposal: Proposal, actor: User, reason: str, meeting: Meeting | None = None
) -> Proposal:
    """Decline a proposal with a short reason that the proposer sees (at ``meeting``, by default
    the one it was made for; a carried proposal moves there, where the proposer sees the reason)."""
    _pending(proposal)
    meeting = meeting or proposal.meeting
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Skriv kort varför förslaget avböjs; förslagsställaren ser det.")
    if len(reason) > 1000:
        raise DomainError("Skälet får vara högst 1000 tecken.")
    refuse_personnummer(reason)
    proposal.status = ProposalStatus.DECLINED.value
    proposal.meeting = meeting
    proposal.decline_reason = reason
    proposal.decided_by = actor
    proposal.decided_at = utcnow()
    db.session.flush()
    notices.proposal_decided(proposal, actor)
    return proposal


# -- answers to the kallelse -------------------------------------------------------------------


def respond(meeting: Meeting, membership: Membership, answer: Answer) -> MeetingResponse:
    """Record a member's answer (deltar or förhinder), replacing an earlier one."""
    if meeting.status_enum not in {MeetingStatus.CALLED, MeetingStatus.DRAFT} or meeting.is_past:
        raise DomainError("Det går bara att svara på kallelsen till ett kommande möte.")
    if membership.group_id != meeting.group_id or not membership.is_active:
        raise DomainError("Bara gruppens medlemmar kan svara på kallelsen.")
    response = db.session.scalar(
        select(MeetingResponse).where(
            MeetingResponse.meeting_id == meeting.id, MeetingResponse.membership_id == membership.id
        )
    )
    if response is None:
        response = MeetingResponse(meeting=meeting, group_id=meeting.group_id, membership=membership)
        db.session.add(response)
    response.answer = Answer(answer).value
    response.answered_at = utcnow()
    db.session.flush()
    return response


def responses_of(meeting: Meeting) -> dict[int, MeetingResponse]:
    """Return the answers to a meeting's kallelse by membership id."""
    rows = db.session.scalars(select(MeetingResponse).where(MeetingResponse.meeting_id == meeting.id))
    return {r.membership_id: r for r in rows}


def stands_in_for(substitute: Membership, membership: Membership) -> bool:
    """Return whether an active substitute stands in for a member (personally or for their organisation)."""
    return (
        substitute.role == Role.SUBSTITUTE.value
        and substitute.is_active
        and substitute.id != membership.id
        and (
            substitute.substitute_for_id == membership.id
            or (
                substitute.substitute_for_organisation_id is not None
                and substitute.substitute_for_organisation_id == membership.organisation_id
            )
        )
    )


def substitutes_for(membership: Membership) -> list[Membership]:
    """Return who stands in for a member: their own substitutes, or their organisation's."""
    query = select(Membership).where(
        Membership.group_id == membership.group_id,
        Membership.ended_at.is_(None),
        Membership.role == Role.SUBSTITUTE.value,
    )
    rows = db.session.scalars(query.options(selectinload(Membership.user))).all()
    return [m for m in rows if stands_in_for(m, membership)]
