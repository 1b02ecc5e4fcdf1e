"""Records that protect the login, not domain data (so not audited)."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class LoginFailure(db.Model):
    """A failed login, kept for a short window to throttle guessing."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the e-mail tried, lower case (may not belong to any account)
    email: Mapped[str] = mapped_column(String(254), index=True)
    #: the client address
    remote_addr: Mapped[str] = mapped_column(String(64), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
