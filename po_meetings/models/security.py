"""Records that protect the login and the sessions, not domain data (so not audited)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class LoginFailure(db.Model):
    """A login attempt that has not succeeded: a failure, or one whose password is being checked.

    Kept for the throttling window. An attempt is written (and committed) before it is counted,
    so that simultaneous attempts see each other; a successful login deletes its own row.
    """

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the e-mail tried, lower case (may not belong to any account)
    email: Mapped[str] = mapped_column(String(254), index=True)
    #: the client address
    remote_addr: Mapped[str] = mapped_column(String(64), index=True)
    #: the known device (the id in its signed device cookie) the attempt came from, if any
    device: Mapped[str | None] = mapped_column(String(64), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class UserSession(db.Model):
    """One login of one user: the server side of a session cookie, which can end before the cookie.

    The cookie holds a random token; only its SHA-256 is stored here, so a copy of this table
    opens no session.
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 (hex) of the token in the signed session cookie
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: when the user logged in (the absolute lifetime counts from here)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: the last request seen, to the minute (the idle timeout counts from here)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when the session was ended on the server (None: still open unless idle or too old)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: why: logout, password, password_reset, disabled, idle, expired, replaced
    ended_reason: Mapped[str | None] = mapped_column(String(32))
