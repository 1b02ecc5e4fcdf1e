"""One-time form tokens already used: a create form submitted twice saves once (not domain data)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class FormSubmission(db.Model):
    """A create form's one-time token, written in the same transaction as what the form created.

    Only the token's SHA-256 is kept. A second submission of the same rendering finds the row (or,
    when both arrive at once, fails on the unique index) and writes nothing.
    """

    __tablename__ = "form_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the form's token, hex
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: where the first submission's answer went (the page that shows what was saved)
    location: Mapped[str | None] = mapped_column(String(2000))
