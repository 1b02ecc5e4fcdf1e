"""Minutes (protokoll): paragraphs, attendance, decisions, votes, reservations, justering.

A meeting's minutes open when the meeting starts (pågår). Each § is a :class:`Paragraph`;
its decisions record how they were taken (konsensus or votering with named votes). Closing the
meeting freezes attendance, votes and reservations; justering by the meeting's chair and
justerare locks the minutes; later changes are :class:`Correction` entries (rättelser).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, UTCDateTime, utcnow
from .group import Membership
from .meeting import AgendaItem, LabelledEnum, Meeting
from .system_error import SystemErrorReport
from .user import Organisation, User


class Presence(LabelledEnum):
    """A person's presence at the meeting."""

    PRESENT = "present", "Närvarande"
    APOLOGIES = "apologies", "Förhinder"
    ABSENT = "absent", "Frånvarande"
    #: nobody has said yet (no answer to the kallelse): not counted as absent
    UNKNOWN = "unknown", "Ej angivet"


class DecisionMethod(LabelledEnum):
    """How a decision was taken."""

    CONSENSUS = "consensus", "Konsensus (enhälligt)"
    VOTE = "vote", "Votering"


class VoteChoice(LabelledEnum):
    """A voter's answer in a votering."""

    YES = "yes", "Ja"
    NO = "no", "Nej"
    ABSTAIN = "abstain", "Avstår"


class DecisionResult(LabelledEnum):
    """What a decision came to."""

    ADOPTED = "adopted", "Förslaget bifölls"
    REJECTED = "rejected", "Förslaget avslogs"
    PENDING = "pending", "Votering pågår"


class NoteStatus(LabelledEnum):
    """Whether the chair has let a protokollsanteckning into the minutes."""

    REQUESTED = "requested", "Begärd"
    ACCEPTED = "accepted", "Antecknad"
    DECLINED = "declined", "Ej antecknad"


class ActionStatus(LabelledEnum):
    """Where an action item (uppdrag) stands."""

    NOT_STARTED = "not_started", "Ej påbörjad"
    IN_PROGRESS = "in_progress", "Pågår"
    DONE = "done", "Klar"
    STRUCK = "struck", "Struken"


class ApprovalVerdict(LabelledEnum):
    """A justerare's or the chair's answer to the minutes draft."""

    APPROVED = "approved", "Justerat"
    RETURNED = "returned", "Återsänt med synpunkter"
    #: a justering taken back by the one who gave it (with a reason)
    WITHDRAWN = "withdrawn", "Justeringen återtagen"


class Minutes(Audited, db.Model):
    """The minutes of one meeting, with the meeting's own chair, secretary and justerare."""

    __tablename__ = "minutes"
    __audit_label__ = "protokoll"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), unique=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    #: mötesordförande (gruppens ordförande eller vice ordförande)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id"))
    #: sekreterare för mötet
    secretary_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id"))
    #: justerare
    adjuster_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id"))
    #: andra justerare
    second_adjuster_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id"))
    #: bumped by every change after closing, so earlier justeringar no longer count
    revision: Mapped[int] = mapped_column(Integer, default=1)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(backref=db.backref("minutes", uselist=False))
    chair: Mapped[Membership | None] = relationship(foreign_keys=[chair_id])
    secretary: Mapped[Membership | None] = relationship(foreign_keys=[secretary_id])
    adjuster: Mapped[Membership | None] = relationship(foreign_keys=[adjuster_id])
    second_adjuster: Mapped[Membership | None] = relationship(foreign_keys=[second_adjuster_id])
    paragraphs: Mapped[list[Paragraph]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="Paragraph.position"
    )
    attendances: Mapped[list[Attendance]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan"
    )
    approvals: Mapped[list[Approval]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="Approval.id"
    )
    corrections: Mapped[list[Correction]] = relationship(
        back_populates="minutes", cascade="all, delete-orphan", order_by="Correction.id"
    )

    @property
    def adjusters(self) -> list[Membership]:
        """Return the meeting's justerare (one or two)."""
        return [m for m in (self.adjuster, self.second_adjuster) if m is not None]

    @property
    def is_approved(self) -> bool:
        """Return whether the minutes are justerade (locked)."""
        return self.approved_at is not None

    def __str__(self) -> str:
        return f"Protokoll {self.meeting}"


class Paragraph(Audited, db.Model):
    """A § of the minutes, made from an agenda item; its text is written by the secretary.

    ``version`` is SQLAlchemy's optimistic lock: a save over a newer version fails.
    """

    __tablename__ = "paragraph"
    __audit_label__ = "paragraf"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    #: dagordningspunkten paragrafen kommer från
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    #: ordning i protokollet
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: år för paragrafnumret
    year: Mapped[int] = mapped_column(Integer)
    #: paragrafnummer (löper per grupp och kalenderår)
    number: Mapped[int] = mapped_column(Integer)
    #: rubrik
    title: Mapped[str] = mapped_column(String(200))
    #: protokollstext (Markdown)
    body: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    #: sekretess: visas inte för ombud och adjungerade
    is_confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    #: när sekretessen hävdes
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: omedelbart justerad
    approved_at_meeting: Mapped[bool] = mapped_column(Boolean, default=False)
    #: bordlagd: ärendet tas upp igen på ett senare möte
    tabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    tabled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: den bordlagda paragraf som denna tar upp igen
    resumes_id: Mapped[int | None] = mapped_column(
        ForeignKey("paragraph.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    __mapper_args__ = {"version_id_col": version}

    minutes: Mapped[Minutes] = relationship(back_populates="paragraphs")
    agenda_item: Mapped[AgendaItem | None] = relationship()
    released_by: Mapped[User | None] = relationship(foreign_keys=[released_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    tabled_by: Mapped[User | None] = relationship(foreign_keys=[tabled_by_id])
    resumes: Mapped[Paragraph | None] = relationship(remote_side=[id], foreign_keys=[resumes_id])
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="paragraph", cascade="all, delete-orphan", order_by="Decision.position"
    )
    recusals: Mapped[list[Recusal]] = relationship(back_populates="paragraph", cascade="all, delete-orphan")
    guests: Mapped[list[Guest]] = relationship(
        back_populates="paragraph", cascade="all, delete-orphan", order_by="Guest.id"
    )
    notes: Mapped[list[MinutesNote]] = relationship(
        back_populates="paragraph", cascade="all, delete-orphan", order_by="MinutesNote.id"
    )

    @property
    def is_secret(self) -> bool:
        """Return whether the § is confidential now (marked and not released)."""
        return self.is_confidential and self.released_at is None

    @property
    def is_tabled(self) -> bool:
        """Return whether the meeting tabled the § (bordlade ärendet)."""
        return self.tabled_at is not None

    @property
    def label(self) -> str:
        """Return "§ N"."""
        return f"§ {self.number}"

    def __str__(self) -> str:
        return f"§ {self.number} {self.title}"


class Attendance(Audited, db.Model):
    """Who was at the meeting: presence, a substitute serving for whom, late arrival, early leave."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("minutes_id", "membership_id"),)
    __audit_label__ = "närvaro"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    #: närvaro
    presence: Mapped[str] = mapped_column(String(32), default=Presence.ABSENT.value)
    #: tjänstgörande ersättare för (en ordinarie ledamot)
    serving_for_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id"))
    #: kom till mötet vid (paragraf)
    arrived_at_id: Mapped[int | None] = mapped_column(ForeignKey("paragraph.id", ondelete="SET NULL"))
    #: lämnade mötet efter (paragraf)
    left_after_id: Mapped[int | None] = mapped_column(ForeignKey("paragraph.id", ondelete="SET NULL"))

    minutes: Mapped[Minutes] = relationship(back_populates="attendances")
    membership: Mapped[Membership] = relationship(foreign_keys=[membership_id])
    serving_for: Mapped[Membership | None] = relationship(foreign_keys=[serving_for_id])
    arrived_at: Mapped[Paragraph | None] = relationship(foreign_keys=[arrived_at_id])
    left_after: Mapped[Paragraph | None] = relationship(foreign_keys=[left_after_id])

    @property
    def presence_label(self) -> str:
        """Return the Swedish word for the presence."""
        return Presence(self.presence).label

    def __str__(self) -> str:
        return self.presence_label


class Guest(Audited, db.Model):
    """Someone else present at one § (a guest manager, a speaker)."""

    __tablename__ = "paragraph_guest"
    __audit_label__ = "övrig närvarande"

    id: Mapped[int] = mapped_column(primary_key=True)
    paragraph_id: Mapped[int] = mapped_column(ForeignKey("paragraph.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    #: namn
    name: Mapped[str] = mapped_column(String(200))
    #: titel eller organisation
    description: Mapped[str | None] = mapped_column(String(200))

    paragraph: Mapped[Paragraph] = relationship(back_populates="guests")

    def __str__(self) -> str:
        return self.name


class Recusal(Audited, db.Model):
    """Jäv: a member takes no part in one §."""

    __tablename__ = "recusal"
    __table_args__ = (UniqueConstraint("paragraph_id", "membership_id"),)
    __audit_label__ = "jäv"

    id: Mapped[int] = mapped_column(primary_key=True)
    paragraph_id: Mapped[int] = mapped_column(ForeignKey("paragraph.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    #: jävsgrund
    ground: Mapped[str | None] = mapped_column(String(500), info={"free_text": True})

    paragraph: Mapped[Paragraph] = relationship(back_populates="recusals")
    membership: Mapped[Membership] = relationship()

    def __str__(self) -> str:
        return f"Jäv {self.membership.user.name}"


class Decision(Audited, db.Model):
    """A decision in a §: its att-clauses and how it was taken."""

    __tablename__ = "decision"
    __audit_label__ = "beslut"

    id: Mapped[int] = mapped_column(primary_key=True)
    paragraph_id: Mapped[int] = mapped_column(ForeignKey("paragraph.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: beslutstext (att-satser, Markdown)
    text: Mapped[str] = mapped_column(Text, info={"free_text": True})
    #: beslutsform
    method: Mapped[str] = mapped_column(String(32), default=DecisionMethod.CONSENSUS.value)
    #: utfall
    result: Mapped[str] = mapped_column(String(32), default=DecisionResult.ADOPTED.value)
    #: ordförandens utslagsröst avgjorde
    casting_vote_used: Mapped[bool] = mapped_column(Boolean, default=False)
    #: utan ekonomiskt mandat: återrapportering till varje organisation
    needs_organisation_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    paragraph: Mapped[Paragraph] = relationship(back_populates="decisions")
    created_by: Mapped[User | None] = relationship()
    votes: Mapped[list[Vote]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="Vote.id"
    )
    reservations: Mapped[list[Reservation]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="Reservation.id"
    )
    actions: Mapped[list[ActionItem]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="ActionItem.id"
    )
    follow_ups: Mapped[list[OrganisationFollowUp]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="OrganisationFollowUp.id"
    )
    report_links: Mapped[list[DecisionReport]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="DecisionReport.id"
    )

    @property
    def method_label(self) -> str:
        """Return the Swedish name of the decision method."""
        return DecisionMethod(self.method).label

    @property
    def result_label(self) -> str:
        """Return the Swedish word for the result."""
        return DecisionResult(self.result).label

    @property
    def is_vote(self) -> bool:
        """Return whether the decision was taken by votering."""
        return self.method == DecisionMethod.VOTE.value

    def tally(self) -> dict[str, int]:
        """Return the number of ja, nej and avstår votes."""
        counts = {choice.value: 0 for choice in VoteChoice}
        for vote in self.votes:
            counts[vote.choice] += 1
        return counts

    def __str__(self) -> str:
        return f"Beslut {self.id}"


class Vote(Audited, db.Model):
    """One voter's ja, nej or avstår in a votering."""

    __tablename__ = "vote"
    __table_args__ = (UniqueConstraint("decision_id", "membership_id"),)
    __audit_label__ = "röst"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    #: röst
    choice: Mapped[str] = mapped_column(String(16))

    decision: Mapped[Decision] = relationship(back_populates="votes")
    membership: Mapped[Membership] = relationship()

    @property
    def choice_label(self) -> str:
        """Return the Swedish word for the vote."""
        return VoteChoice(self.choice).label

    def __str__(self) -> str:
        return self.choice_label


class Reservation(Audited, db.Model):
    """A reservation against a decision, announced at the meeting, motivated until justering."""

    __tablename__ = "reservation"
    __table_args__ = (UniqueConstraint("decision_id", "membership_id"),)
    __audit_label__ = "reservation"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    #: skriftlig motivering
    motivation: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    announced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    motivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    decision: Mapped[Decision] = relationship(back_populates="reservations")
    membership: Mapped[Membership] = relationship()

    def __str__(self) -> str:
        return f"Reservation {self.membership.user.name}"


class MinutesNote(Audited, db.Model):
    """A protokollsanteckning asked for by a participant; the chair lets it into the minutes."""

    __tablename__ = "minutes_note"
    __audit_label__ = "protokollsanteckning"

    id: Mapped[int] = mapped_column(primary_key=True)
    paragraph_id: Mapped[int] = mapped_column(ForeignKey("paragraph.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    #: anteckningens text
    text: Mapped[str] = mapped_column(Text, info={"free_text": True})
    #: status
    status: Mapped[str] = mapped_column(String(32), default=NoteStatus.REQUESTED.value)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    paragraph: Mapped[Paragraph] = relationship(back_populates="notes")
    membership: Mapped[Membership] = relationship()
    decided_by: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        """Return the Swedish word for the status."""
        return NoteStatus(self.status).label

    def __str__(self) -> str:
        return f"Protokollsanteckning {self.membership.user.name}"


class ActionItem(Audited, db.Model):
    """An uppdrag from a decision: what, who, by when, and how it stands."""

    __tablename__ = "action_item"
    __audit_label__ = "uppdrag"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    #: vad
    title: Mapped[str] = mapped_column(String(300), info={"free_text": True})
    #: ansvarig (en medlem)
    owner_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    #: klart senast
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    #: status
    status: Mapped[str] = mapped_column(String(32), default=ActionStatus.NOT_STARTED.value, index=True)
    #: skäl till att uppdraget ströks
    struck_reason: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    decision: Mapped[Decision] = relationship(back_populates="actions")
    owner: Mapped[Membership] = relationship()
    updated_by: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        """Return the Swedish word for the status."""
        return ActionStatus(self.status).label

    @property
    def is_open(self) -> bool:
        """Return whether the action still needs doing."""
        return self.status in (ActionStatus.NOT_STARTED.value, ActionStatus.IN_PROGRESS.value)

    def is_overdue(self, today: date) -> bool:
        """Return whether an open action is past its due date."""
        return self.is_open and self.due_on is not None and self.due_on < today

    def __str__(self) -> str:
        return self.title


class OrganisationFollowUp(Audited, db.Model):
    """Återrapportering: a decision without economic mandate goes back to one member organisation."""

    __tablename__ = "organisation_follow_up"
    __table_args__ = (UniqueConstraint("decision_id", "organisation_id"),)
    __audit_label__ = "återrapportering"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    #: vad organisationen svarade
    note: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    decision: Mapped[Decision] = relationship(back_populates="follow_ups")
    organisation: Mapped[Organisation] = relationship()
    done_by: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        """Return whether the organisation has not yet reported back."""
        return self.done_at is None

    def __str__(self) -> str:
        return f"Återrapportering {self.organisation.name}"


class DecisionReport(Audited, db.Model):
    """A link from a decision to a system error it concerns."""

    __tablename__ = "decision_report"
    __table_args__ = (UniqueConstraint("decision_id", "report_id"),)
    __audit_label__ = "beslut om systemfel"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("system_error_report.id"), index=True)
    #: vad beslutet gjorde med rapporten (tagen upp, ägare satt, eskalerad)
    effect: Mapped[str | None] = mapped_column(String(200))

    decision: Mapped[Decision] = relationship(back_populates="report_links")
    report: Mapped[SystemErrorReport] = relationship()

    def __str__(self) -> str:
        return f"Beslut {self.decision_id} – {self.report_id}"


class Approval(Audited, db.Model):
    """A justering (or a return with comments) by the chair or a justerare, of one revision."""

    __tablename__ = "approval"
    __audit_label__ = "justering"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    #: svar
    verdict: Mapped[str] = mapped_column(String(32))
    #: synpunkter
    comment: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    #: protokollets version som justerades
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    minutes: Mapped[Minutes] = relationship(back_populates="approvals")
    membership: Mapped[Membership] = relationship()

    @property
    def verdict_label(self) -> str:
        """Return the Swedish words for the verdict."""
        return ApprovalVerdict(self.verdict).label

    def __str__(self) -> str:
        return self.verdict_label


class Correction(Audited, db.Model):
    """A rättelse to justerade minutes: what is corrected, by whom, when and why."""

    __tablename__ = "correction"
    __audit_label__ = "rättelse"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    #: paragrafen rättelsen gäller
    paragraph_id: Mapped[int | None] = mapped_column(ForeignKey("paragraph.id"))
    #: rättelsen (Markdown)
    text: Mapped[str] = mapped_column(Text, info={"free_text": True})
    #: varför
    reason: Mapped[str] = mapped_column(Text, info={"free_text": True})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    minutes: Mapped[Minutes] = relationship(back_populates="corrections")
    paragraph: Mapped[Paragraph | None] = relationship()
    created_by: Mapped[User] = relationship()

    def __str__(self) -> str:
        return f"Rättelse {self.id}"
