"""The audit trail: one row per committed insert, update or delete of domain data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .user import User

ACTION_LABELS = {"insert": "skapad", "update": "ändrad", "delete": "borttagen"}

#: Stored in place of free text and secrets: the trail says that they changed, not to what.
REDACTED = "(ändrad text)"


class AuditEvent(db.Model):
    """Who changed what, when. Written by the session listeners; never updated or deleted."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: tidpunkt (UTC)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: vem (empty for system commands such as seeding)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: vilken grupp
    group_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: objekttyp (table name)
    object_type: Mapped[str] = mapped_column(String(64))
    #: objektets id
    object_id: Mapped[int] = mapped_column(Integer)
    #: a readable name of the object at the time
    object_label: Mapped[str] = mapped_column(String(300))
    #: insert, update or delete
    action: Mapped[str] = mapped_column(String(16))
    #: {field: [old, new]}; free text as REDACTED
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()

    @property
    def action_label(self) -> str:
        """Return the Swedish word for the action."""
        return ACTION_LABELS.get(self.action, self.action)
