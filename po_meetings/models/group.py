"""A ledningsgrupp, the municipalities it serves, and its memberships."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, UTCDateTime, utcnow
from .user import Organisation, User


class Role(enum.StrEnum):
    """A person's role in one group."""

    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    MEMBER = "member"
    SUBSTITUTE = "substitute"
    CO_OPTED = "co_opted"
    OMBUD = "ombud"

    @property
    def label(self) -> str:
        """Return the Swedish name of the role."""
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CHAIR: "Ordförande",
    Role.VICE_CHAIR: "Vice ordförande",
    Role.MEMBER: "Ledamot",
    Role.SUBSTITUTE: "Ersättare",
    Role.CO_OPTED: "Adjungerad",
    Role.OMBUD: "Personligt ombud",
}

#: Roles that hold an ordinary seat: they take part in decisions and can have a substitute.
ORDINARY_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER})
#: Roles that lead the group: prepare agendas, manage members and templates.
LEADING_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR})


class Group(Audited, db.Model):
    """A ledningsgrupp for one personligt ombud service."""

    __tablename__ = "po_group"
    __audit_label__ = "ledningsgrupp"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: namn
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: mötets längd i minuter (förval för nya möten)
    default_meeting_minutes: Mapped[int] = mapped_column(Integer, default=120)
    #: uppdrag och arbetsformer (Markdown), e.g. the mandate and rules of procedure in brief
    mandate: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    #: sekretess som förval: what the group discusses is confidential until it decides otherwise
    is_confidential_by_default: Mapped[bool] = mapped_column(Boolean, default=True)
    #: ordföranden har utslagsröst vid lika röstetal (annars faller förslaget)
    chair_has_casting_vote: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    municipalities: Mapped[list[Municipality]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="Municipality.name"
    )
    memberships: Mapped[list[Membership]] = relationship(back_populates="group", cascade="all, delete-orphan")

    @property
    def audit_group_id(self) -> int | None:
        """Return the group's own id."""
        return self.id

    @property
    def municipality_names(self) -> list[str]:
        """Return the names of the municipalities the group serves."""
        return [m.name for m in self.municipalities]

    def __str__(self) -> str:
        return self.name


class Municipality(Audited, db.Model):
    """A municipality served by a group (several often share one PO service)."""

    __tablename__ = "municipality"
    __table_args__ = (UniqueConstraint("group_id", "name"),)
    __audit_label__ = "kommun"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    #: kommunens namn
    name: Mapped[str] = mapped_column(String(100))

    group: Mapped[Group] = relationship(back_populates="municipalities")

    def __str__(self) -> str:
        return self.name


class Membership(Audited, db.Model):
    """A person's role in one group. Ended memberships are kept for the record."""

    __tablename__ = "membership"
    __audit_label__ = "medlemskap"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: roll
    role: Mapped[str] = mapped_column(String(32))
    #: organisation som personen representerar i gruppen
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    #: ersättare för (ordinarie ledamot)
    substitute_for_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id"))
    #: ersättare för (organisation)
    substitute_for_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: avslutad
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    group: Mapped[Group] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    organisation: Mapped[Organisation | None] = relationship(foreign_keys=[organisation_id])
    substitute_for: Mapped[Membership | None] = relationship(
        remote_side=[id], foreign_keys=[substitute_for_id]
    )
    substitute_for_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[substitute_for_organisation_id]
    )

    @property
    def role_enum(self) -> Role:
        """Return the role as an enum member."""
        return Role(self.role)

    @property
    def role_label(self) -> str:
        """Return the Swedish name of the role."""
        return self.role_enum.label

    @property
    def is_active(self) -> bool:
        """Return whether the membership is current."""
        return self.ended_at is None

    @property
    def is_leading(self) -> bool:
        """Return whether this role may lead the group (chair or vice chair)."""
        return self.role_enum in LEADING_ROLES

    @property
    def stands_in_for(self) -> str | None:
        """Return whom a substitute stands in for, in words."""
        if self.substitute_for is not None:
            return self.substitute_for.user.name
        if self.substitute_for_organisation is not None:
            return self.substitute_for_organisation.name
        return None

    def __str__(self) -> str:
        return f"{self.user.name} ({self.role_label})"
