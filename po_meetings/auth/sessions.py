"""Server-side sessions: every login is a UserSession row that can end before its cookie does.

The signed session cookie holds a random token (``session["sid"]``); the row holds its SHA-256.
A session is valid while its row is not ended, was seen within the idle timeout
(``IDLE_TIMEOUT_MINUTES``) and was created within the absolute lifetime
(``SESSION_ABSOLUTE_LIFETIME_HOURS``, 12 by default), however active it is. Logout ends the row,
a password change ends the user's other rows, disabling the account ends them all; a copied
cookie then opens nothing.

Functions here flush, never commit, except :func:`touch`, which writes the last-seen time in a
transaction of its own at most once a minute.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, g, session
from flask_login import login_user
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from ..extensions import db
from ..models import User, UserSession
from . import clock

#: The key of the session token in the signed session cookie.
TOKEN_KEY = "sid"
#: The last-seen time is written at most this often, so that reading pages rarely writes.
TOUCH_INTERVAL = timedelta(minutes=1)
#: Rows of sessions created longer ago than this are deleted at the next login.
KEEP_ENDED = timedelta(days=30)

#: Why a session is over (ended_reason, or found at the check).
LOGOUT = "logout"
PASSWORD = "password"
PASSWORD_RESET = "password_reset"
DISABLED = "disabled"
IDLE = "idle"
EXPIRED = "expired"
REPLACED = "replaced"
UNKNOWN = "unknown"


def token_hash(token: str) -> str:
    """Return the SHA-256 (hex) of a session token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def idle_timeout() -> timedelta:
    """Return how long a session may go without a request."""
    return timedelta(minutes=current_app.config["IDLE_TIMEOUT_MINUTES"])


def absolute_lifetime() -> timedelta:
    """Return how long a session may last from login, however active."""
    return timedelta(hours=current_app.config["SESSION_ABSOLUTE_LIFETIME_HOURS"])


def current_record() -> UserSession | None:
    """Return the row of the session cookie of this request, if it names one (cached per request)."""
    if "_po_session_record" not in g:
        token = session.get(TOKEN_KEY)
        record = None
        if isinstance(token, str) and token:
            # The user comes in the same query, so load_user finds them in the session's identity
            # map; the identity map holds objects weakly, so the request keeps a reference.
            row = db.session.execute(
                select(UserSession, User)
                .join(User, User.id == UserSession.user_id)
                .where(UserSession.token_hash == token_hash(token))
            ).first()
            if row is not None:
                record, g._po_session_user = row
        g._po_session_record = record
    return g._po_session_record


def problem(record: UserSession | None, user: User | None) -> str | None:
    """Return why the session cannot be used for this user, or None if it can."""
    if user is None or record is None or record.user_id != user.id:
        return UNKNOWN
    if record.ended_at is not None:
        return record.ended_reason or UNKNOWN
    if user.is_disabled:
        return DISABLED
    now = clock.now()
    if now - record.created_at >= absolute_lifetime():
        return EXPIRED
    if now - record.last_seen_at > idle_timeout():
        return IDLE
    return None


def start(user: User) -> str:
    """Open a new session row for a user who has just logged in and return its token.

    The session of the request, if it had a valid row, is ended: a login always starts afresh.
    Install the token with :func:`install` after the commit.
    """
    now = clock.now()
    old = current_record()
    if old is not None and old.ended_at is None:
        end(old, REPLACED)
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(token_hash=token_hash(token), user_id=user.id, created_at=now, last_seen_at=now)
    )
    _prune(now)
    db.session.flush()
    return token


def rotate(record: UserSession) -> str:
    """Give the current session a new token (same row, same lifetime) and return it.

    A copy of the cookie taken before stops working; install the token after the commit.
    """
    token = secrets.token_urlsafe(32)
    record.token_hash = token_hash(token)
    db.session.flush()
    return token


def install(user: User, token: str) -> None:
    """Replace the whole cookie session with one that holds the token and the user."""
    session.clear()
    session[TOKEN_KEY] = token
    session.permanent = True
    login_user(user)


def end(record: UserSession, reason: str) -> None:
    """End one session row now."""
    if record.ended_at is None:
        record.ended_at = clock.now()
        record.ended_reason = reason
        db.session.flush()


def end_all(user: User, reason: str, keep: UserSession | None = None) -> None:
    """End every open session of a user, except ``keep``."""
    statement = (
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=clock.now(), ended_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    db.session.execute(statement)
    db.session.flush()


def touch(record: UserSession) -> None:
    """Write the last-seen time of a session, at most once a minute, in a transaction of its own.

    The request's transaction is ended first, so that on SQLite the update is the first statement
    of its transaction (no stale read snapshot to upgrade). If the database cannot be written
    (read-only), reading goes on: the session then only times out sooner.
    """
    now = clock.now()
    if now - record.last_seen_at < TOUCH_INTERVAL:
        return
    record_id = record.id
    try:
        db.session.commit()
        db.session.execute(
            update(UserSession)
            .where(UserSession.id == record_id, UserSession.ended_at.is_(None))
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except DBAPIError:
        db.session.rollback()
        current_app.logger.warning("could not record the last request of a session")


def end_current_quietly(reason: str) -> None:
    """End the row of this request's session (idle, too old, disabled) if the database allows."""
    record = current_record()
    if reason not in (IDLE, EXPIRED, DISABLED) or record is None or record.ended_at is not None:
        return
    record_id = record.id  # read before the commit expires the row
    try:
        db.session.commit()
        db.session.execute(
            update(UserSession)
            .where(UserSession.id == record_id, UserSession.ended_at.is_(None))
            .values(ended_at=clock.now(), ended_reason=reason)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except DBAPIError:
        db.session.rollback()
        current_app.logger.warning("could not record the end of a session")


def _prune(now) -> None:
    """Forget session rows created long ago (they ended at the latest with the absolute lifetime)."""
    keep = max(KEEP_ENDED, absolute_lifetime() + timedelta(days=1))
    db.session.execute(
        delete(UserSession)
        .where(UserSession.created_at < now - keep)
        .execution_options(synchronize_session=False)
    )
