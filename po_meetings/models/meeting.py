"""Agenda templates (typagenda), meetings, their agendas, proposals and attendance answers."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, UTCDateTime, utcnow
from .group import Group, Membership
from .user import User


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry their Swedish label: ``NAME = "value", "Etikett"``."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """Return (value, label) pairs for a select."""
        return [(member.value, member.label) for member in cls]


class MeetingKind(LabelledEnum):
    """Operative meetings (about two hours) and development meetings (a full day)."""

    OPERATIVE = "operative", "Operativt möte"
    DEVELOPMENT = "development", "Utvecklingsmöte"


class ItemType(LabelledEnum):
    """What an agenda item is for."""

    DECISION = "decision", "Beslut"
    INFORMATION = "information", "Information"
    DISCUSSION = "discussion", "Diskussion"


class StandingKind(LabelledEnum):
    """Standing items that fill themselves from the group's records."""

    PREVIOUS_MINUTES = "previous_minutes", "Föregående protokoll"
    FOLLOW_UP = "follow_up", "Uppföljning av beslut"
    NEW_SYSTEM_ERRORS = "new_system_errors", "Systemfel som väntar på att tas upp"
    CLIENT_STATISTICS = "client_statistics", "Klientstatistik"


class MeetingStatus(LabelledEnum):
    """Where a meeting is in its life."""

    DRAFT = "draft", "Utkast"
    CALLED = "called", "Kallad"
    IN_PROGRESS = "in_progress", "Pågår"
    CLOSED = "closed", "Avslutad"
    APPROVED = "approved", "Justerad"
    CANCELLED = "cancelled", "Inställt"


class ProposalStatus(LabelledEnum):
    """What became of a proposed agenda item."""

    PENDING = "pending", "Väntar"
    ACCEPTED = "accepted", "Tagen på dagordningen"
    DECLINED = "declined", "Avböjd"


class Answer(LabelledEnum):
    """A member's answer to a kallelse."""

    ATTENDING = "attending", "Deltar"
    APOLOGIES = "apologies", "Förhinder"


class AgendaTemplate(Audited, db.Model):
    """A group's typagenda: sections with items, copied into each new meeting."""

    __tablename__ = "agenda_template"
    __audit_label__ = "dagordningsmall"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    #: mallens namn
    name: Mapped[str] = mapped_column(String(200))
    #: mötestyp
    kind: Mapped[str] = mapped_column(String(32), default=MeetingKind.OPERATIVE.value)
    #: mötets längd i minuter
    meeting_minutes: Mapped[int] = mapped_column(Integer, default=120)
    #: högst antal nya systemfel per möte
    max_new_system_errors: Mapped[int] = mapped_column(Integer, default=5)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[Group] = relationship()
    items: Mapped[list[TemplateItem]] = relationship(
        back_populates="template", cascade="all, delete-orphan", order_by="TemplateItem.position"
    )

    @property
    def kind_label(self) -> str:
        """Return the Swedish name of the meeting kind."""
        return MeetingKind(self.kind).label

    def __str__(self) -> str:
        return self.name


class ItemMixin:
    """What template items and agenda items share: title, time box, order and sub-items."""

    @property
    def item_type_label(self) -> str:
        """Return the Swedish name of the item type."""
        return ItemType(self.item_type).label

    @property
    def standing_label(self) -> str | None:
        """Return the Swedish name of the standing item kind, if any."""
        return StandingKind(self.standing_kind).label if self.standing_kind else None

    def __str__(self) -> str:
        return self.title


class TemplateItem(ItemMixin, Audited, db.Model):
    """A section or sub-item of an agenda template."""

    __tablename__ = "template_item"
    __audit_label__ = "mallpunkt"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("agenda_template.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    #: huvudpunkt för en underpunkt
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("template_item.id"), index=True)
    #: ordning bland syskonen
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: rubrik
    title: Mapped[str] = mapped_column(String(200))
    #: vägledning (Markdown)
    guidance: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    #: tid i minuter
    minutes: Mapped[int | None] = mapped_column(Integer)
    #: typ av punkt
    item_type: Mapped[str] = mapped_column(String(32), default=ItemType.INFORMATION.value)
    #: stående punkt som fylls från gruppens register
    standing_kind: Mapped[str | None] = mapped_column(String(32))

    template: Mapped[AgendaTemplate] = relationship(back_populates="items")
    parent: Mapped[TemplateItem | None] = relationship(remote_side=[id])


class Meeting(Audited, db.Model):
    """A meeting of the group, with its own copy of the agenda."""

    __tablename__ = "meeting"
    __audit_label__ = "möte"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    #: mallen mötet skapades från (kopierad, inte länkad)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_template.id", ondelete="SET NULL"))
    #: rubrik
    title: Mapped[str] = mapped_column(String(200))
    #: mötestyp
    kind: Mapped[str] = mapped_column(String(32), default=MeetingKind.OPERATIVE.value)
    #: status
    status: Mapped[str] = mapped_column(String(32), default=MeetingStatus.DRAFT.value, index=True)
    #: börjar (UTC)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: slutar (UTC)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: plats
    place: Mapped[str | None] = mapped_column(String(200))
    #: länk till videomöte
    video_link: Mapped[str | None] = mapped_column(String(500))
    #: högst antal nya systemfel på dagordningen
    max_new_system_errors: Mapped[int] = mapped_column(Integer, default=5)
    #: skäl till att mötet ställts in
    cancel_reason: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    #: när dagordningen senast publicerades
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: how many kallelser have gone out (the calendar's SEQUENCE)
    notice_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[Group] = relationship()
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )

    @property
    def status_enum(self) -> MeetingStatus:
        """Return the status as an enum member."""
        return MeetingStatus(self.status)

    @property
    def status_label(self) -> str:
        """Return the Swedish name of the status."""
        return self.status_enum.label

    @property
    def kind_label(self) -> str:
        """Return the Swedish name of the meeting kind."""
        return MeetingKind(self.kind).label

    @property
    def length_minutes(self) -> int:
        """Return the meeting's length in minutes."""
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_draft(self) -> bool:
        """Return whether only the chair and vice chair see the meeting."""
        return self.status == MeetingStatus.DRAFT

    @property
    def is_past(self) -> bool:
        """Return whether the meeting has ended."""
        return self.ends_at <= utcnow()

    def __str__(self) -> str:
        return f"{self.title} {self.starts_at:%Y-%m-%d}"


class AgendaItem(ItemMixin, Audited, db.Model):
    """An item (or sub-item) on a meeting's agenda."""

    __tablename__ = "agenda_item"
    __audit_label__ = "dagordningspunkt"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    #: huvudpunkt för en underpunkt
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    #: ordning bland syskonen
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: rubrik
    title: Mapped[str] = mapped_column(String(200))
    #: typ av punkt (beslut, information, diskussion)
    item_type: Mapped[str] = mapped_column(String(32), default=ItemType.INFORMATION.value)
    #: föredragande
    presenter_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id"))
    #: beskrivning (Markdown)
    description: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    #: tid i minuter
    minutes: Mapped[int | None] = mapped_column(Integer)
    #: stående punkt som fylls från gruppens register
    standing_kind: Mapped[str | None] = mapped_column(String(32))
    #: sekretess: visas inte för ombud och adjungerade
    is_confidential: Mapped[bool] = mapped_column(Boolean, default=False)

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    parent: Mapped[AgendaItem | None] = relationship(remote_side=[id])
    presenter: Mapped[Membership | None] = relationship()


class Proposal(Audited, db.Model):
    """A proposed agenda item from a member or ombud, waiting in the meeting's backlog."""

    __tablename__ = "proposal"
    __audit_label__ = "förslag till punkt"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    #: förslagsställare
    proposer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: rubrik
    title: Mapped[str] = mapped_column(String(200))
    #: beskrivning (Markdown)
    description: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    #: status
    status: Mapped[str] = mapped_column(String(32), default=ProposalStatus.PENDING.value)
    #: skäl till att förslaget avböjdes (förslagsställaren ser det)
    decline_reason: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    #: punkten förslaget blev
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    #: vem som beslutade om förslaget
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    proposer: Mapped[User] = relationship(foreign_keys=[proposer_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    agenda_item: Mapped[AgendaItem | None] = relationship()

    @property
    def status_label(self) -> str:
        """Return the Swedish name of the status."""
        return ProposalStatus(self.status).label

    def __str__(self) -> str:
        return self.title


class MeetingResponse(Audited, db.Model):
    """A member's answer to the kallelse: deltar or förhinder."""

    __tablename__ = "meeting_response"
    __table_args__ = (UniqueConstraint("meeting_id", "membership_id"),)
    __audit_label__ = "svar på kallelse"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id"), index=True)
    #: svar
    answer: Mapped[str] = mapped_column(String(32))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    membership: Mapped[Membership] = relationship()

    @property
    def answer_label(self) -> str:
        """Return the Swedish word for the answer."""
        return Answer(self.answer).label

    def __str__(self) -> str:
        return f"{self.answer_label}"


class OutgoingMail(db.Model):
    """A mail waiting to be sent or sent: written with the change that causes it, sent after commit.

    Not domain data, so not audited; it never holds agenda text.
    """

    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("po_group.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
