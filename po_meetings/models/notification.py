"""Notifications to members, the daily reminder log and start-page visits; not domain data.

A notification is written with the change that causes it (an uppdrag assigned, a proposal
accepted, a report's status changed). It is mailed at once through the outbox or gathered into
the member's daily or weekly digest, as the member has chosen on the account page. Its text is
made by the app from numbers, dates and labels, never from free text in the records.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class NotifyFrequency(enum.StrEnum):
    """How often a member wants to be told of changes."""

    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"
    NONE = "none"

    @property
    def label(self) -> str:
        """Return the Swedish name of the choice."""
        return NOTIFY_FREQUENCY_LABELS[self]


NOTIFY_FREQUENCY_LABELS = {
    NotifyFrequency.IMMEDIATE: "Direkt, ett mejl per händelse",
    NotifyFrequency.DAILY: "En sammanfattning per dag",
    NotifyFrequency.WEEKLY: "En sammanfattning per vecka (måndag)",
    NotifyFrequency.NONE: "Inga aviseringar",
}


class Notification(db.Model):
    """One thing a member should hear about, mailed at once or in the next digest."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("po_group.id"), index=True)
    #: what happened ("action_assigned", "proposal_decided", "report_changed", …)
    kind: Mapped[str] = mapped_column(String(32))
    #: one line made by the app (numbers, dates, labels; never free text from the records)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    #: a path inside the app ("/groups/1/system-errors/SF-2026-003")
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: when it left in a mail (at once or in a digest); None while it waits
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class ReminderSent(db.Model):
    """That a member's reminder digest of one day was sent, so a second run that day sends none."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("user_id", "sent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: the Swedish calendar day of the run
    sent_on: Mapped[date] = mapped_column(Date)
    #: how many things the digest held
    items: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StartPageVisit(db.Model):
    """When a member last opened the start page, so it can show what changed since."""

    __tablename__ = "start_page_visit"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True, autoincrement=False)
    #: this visit (updated at most once an hour)
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the visit before: "what changed since my last visit" is measured from here
    previous_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
