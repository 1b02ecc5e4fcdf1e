"""Closing the meeting, justering, and rättelser of justerade minutes."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...domain import DomainError, clean_text, refuse_personnummer
from ...extensions import db
from ...meetings import services as meeting_services
from ...models import (
    Approval,
    ApprovalVerdict,
    Correction,
    DecisionResult,
    Meeting,
    MeetingStatus,
    Membership,
    Minutes,
    NoteStatus,
    Paragraph,
    Presence,
    utcnow,
)
from .. import notices
from .finding import minutes_of
from .quorum import participation
from .rules import LOCKED, _paragraph_of, _require_leader, _require_open, can_approve, leads


@dataclass
class ClosingSummary:
    """What the chair sees before closing: what stops the close, and what deserves a second look."""

    #: reasons the meeting cannot close yet (each one a sentence)
    blocking: list[str] = field(default_factory=list)
    #: §§ with neither text nor a decision
    empty: list[Paragraph] = field(default_factory=list)
    #: §§ with text but without a decision
    undecided: list[Paragraph] = field(default_factory=list)
    #: §§ that were not quorate (with a decision: the decision may not stand)
    not_quorate: list[Paragraph] = field(default_factory=list)
    #: voteringar without votes
    pending_votes: list[Paragraph] = field(default_factory=list)
    #: the names of those whose presence is still ej angivet
    unknown_presence: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> bool:
        """Return whether anything deserves a second look."""
        return bool(self.empty or self.undecided or self.not_quorate or self.unknown_presence)


def closing_summary(minutes: Minutes) -> ClosingSummary:
    """Return what closing the meeting would freeze that may be wrong, and what stops it."""
    summary = ClosingSummary()
    if minutes.secretary_id is None:
        summary.blocking.append("Välj mötets sekreterare.")
    if not minutes.adjusters:
        summary.blocking.append("Välj minst en justerare.")
    for paragraph in minutes.paragraphs:
        if paragraph.is_tabled:
            continue
        has_text = bool((paragraph.body or "").strip())
        if not paragraph.decisions:
            (summary.undecided if has_text else summary.empty).append(paragraph)
        elif not participation(paragraph).is_quorate:
            summary.not_quorate.append(paragraph)
        if any(d.result == DecisionResult.PENDING.value for d in paragraph.decisions):
            summary.pending_votes.append(paragraph)
            summary.blocking.append(f"Voteringen i {paragraph.label} saknar röster.")
        if any(n.status == NoteStatus.REQUESTED.value for n in paragraph.notes):
            summary.blocking.append(f"Ta ställning till protokollsanteckningen i {paragraph.label}.")
    summary.unknown_presence = sorted(
        row.membership.user.name for row in minutes.attendances if row.presence == Presence.UNKNOWN.value
    )
    return summary


def close(meeting: Meeting, by: Membership, notify: bool = True) -> Minutes:
    """Close the meeting: attendance, votes and reservations freeze; the draft goes to justering,
    and the chair and the justerare are told by mail (``notify``)."""

    if meeting.status_enum == MeetingStatus.APPROVED:
        raise DomainError(LOCKED)
    if meeting.status_enum != MeetingStatus.IN_PROGRESS:
        meeting_services.change_status(meeting, MeetingStatus.CLOSED)  # raises the status message
    minutes = minutes_of(meeting)
    if minutes is None:
        raise DomainError("Mötet har inget protokoll att avsluta.")
    _require_open(minutes)
    _require_leader(minutes, by)
    if minutes.secretary_id is None:
        raise DomainError("Välj mötets sekreterare innan mötet avslutas.")
    if not minutes.adjusters:
        raise DomainError("Välj minst en justerare innan mötet avslutas.")
    for paragraph in minutes.paragraphs:
        for decision in paragraph.decisions:
            if decision.result == DecisionResult.PENDING.value:
                raise DomainError(f"Voteringen i {paragraph.label} saknar röster.")
        for note in paragraph.notes:
            if note.status == NoteStatus.REQUESTED.value:
                raise DomainError(f"Ta ställning till protokollsanteckningen i {paragraph.label} först.")
    meeting_services.change_status(meeting, MeetingStatus.CLOSED)
    minutes.closed_at = utcnow()
    if notify:
        notices.queue_for_justering(minutes)
    db.session.flush()
    return minutes


def approvers(minutes: Minutes) -> list[Membership]:
    """Return who must justera: the meeting's chair and every justerare."""
    return [m for m in (minutes.chair, *minutes.adjusters) if m is not None]


def current_approvals(minutes: Minutes) -> dict[int, Approval]:
    """Return each approver's latest answer to the current revision, by membership id."""
    latest: dict[int, Approval] = {}
    for approval in minutes.approvals:
        if approval.revision == minutes.revision:
            latest[approval.membership_id] = approval
    return latest


def justera(
    minutes: Minutes, by: Membership, approve: bool, comment: str | None = None, notify: bool = True
) -> Approval:
    """Approve the minutes draft, or send it back with comments; when the chair and every
    justerare have approved the same revision, the minutes are justerade and locked.

    With ``notify`` the mail it calls for is queued: the group when the minutes are justerade,
    the secretary when they are sent back."""
    meeting = minutes.meeting
    if minutes.is_approved:
        raise DomainError("Protokollet är redan justerat.")
    if minutes.closed_at is None:
        raise DomainError("Protokollet kan justeras först när mötet är avslutat.")
    if not can_approve(minutes, by):
        raise DomainError("Bara mötets ordförande och justerare kan justera protokollet.")
    comment = clean_text(comment, 10_000, "Synpunkterna")
    refuse_personnummer(comment)
    if not approve and not comment:
        raise DomainError("Skriv vad som behöver ändras.")
    mine = current_approvals(minutes).get(by.id)
    if mine is not None and mine.verdict == ApprovalVerdict.APPROVED.value:
        if approve:
            raise DomainError("Du har redan justerat den här versionen av protokollet.")
        raise DomainError(
            "Du har redan justerat protokollet. Ta tillbaka din justering, med ett skäl, om något behöver ändras."
        )
    approval = Approval(
        minutes=minutes,
        group_id=minutes.group_id,
        membership=by,
        verdict=(ApprovalVerdict.APPROVED if approve else ApprovalVerdict.RETURNED).value,
        comment=comment,
        revision=minutes.revision,
        created_at=utcnow(),
    )
    db.session.add(approval)  # Approval(minutes=...) is already in minutes.approvals
    db.session.flush()
    latest = current_approvals(minutes)
    if all(
        latest.get(m.id) is not None and latest[m.id].verdict == ApprovalVerdict.APPROVED.value
        for m in approvers(minutes)
    ):
        minutes.approved_at = utcnow()
        meeting_services.change_status(meeting, MeetingStatus.APPROVED)
        db.session.flush()
    if notify and minutes.is_approved:
        notices.queue_approved(minutes)
    elif notify and not approve:
        notices.queue_returned(minutes, approval)
    return approval


def withdraw_justering(minutes: Minutes, by: Membership, reason: str | None) -> Approval:
    """Take back one's own justering of the current version, with a reason (until the minutes are
    justerade): an explicit act, never a side effect of sending the minutes back."""
    if minutes.is_approved:
        raise DomainError("Protokollet är redan justerat och låst; gör en rättelse i stället.")
    if not can_approve(minutes, by):
        raise DomainError("Bara mötets ordförande och justerare kan justera protokollet.")
    mine = current_approvals(minutes).get(by.id)
    if mine is None or mine.verdict != ApprovalVerdict.APPROVED.value:
        raise DomainError("Du har ingen justering av den här versionen att ta tillbaka.")
    reason = clean_text(reason, 10_000, "Skälet")
    if not reason:
        raise DomainError("Skriv varför du tar tillbaka din justering.")
    refuse_personnummer(reason)
    approval = Approval(
        minutes=minutes,
        group_id=minutes.group_id,
        membership=by,
        verdict=ApprovalVerdict.WITHDRAWN.value,
        comment=reason,
        revision=minutes.revision,
        created_at=utcnow(),
    )
    db.session.add(approval)
    db.session.flush()
    return approval


def add_correction(
    minutes: Minutes, by: Membership, paragraph_id: int | None, text: str, reason: str
) -> Correction:
    """Correct justerade minutes: a new rättelse entry with who, when and why; nothing is rewritten."""
    if not minutes.is_approved:
        raise DomainError("Protokollet är inte justerat ännu; ändra texten direkt.")
    if not leads(minutes, by):
        raise DomainError("Bara ordföranden kan rätta ett justerat protokoll.")
    paragraph = _paragraph_of(minutes, paragraph_id)
    text = clean_text(text, 10_000, "Rättelsen")
    reason = clean_text(reason, 2000, "Skälet")
    if not text:
        raise DomainError("Skriv rättelsen.")
    if not reason:
        raise DomainError("Skriv varför protokollet rättas.")
    refuse_personnummer(text, reason)
    correction = Correction(
        minutes=minutes,
        group_id=minutes.group_id,
        paragraph=paragraph,
        text=text,
        reason=reason,
        created_by_id=by.user_id,
        created_at=utcnow(),
    )
    db.session.add(correction)  # Correction(minutes=...) is already in minutes.corrections
    db.session.flush()
    return correction
