"""Passwords, authentication and login throttling."""

from __future__ import annotations

import math
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import delete, func, or_, select

from ..domain import DomainError
from ..extensions import db
from ..models import LoginFailure, User, utcnow


@lru_cache(maxsize=4)
def _hasher_for(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    """Return an argon2id hasher for the given cost parameters."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hasher() -> PasswordHasher:
    """Return the configured argon2id hasher."""
    config = current_app.config
    return _hasher_for(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    """Return the argon2id hash of a password."""
    return hasher().hash(password)


def check_password(user: User, password: str) -> bool:
    """Check a password against the user's hash, upgrading the hash if its cost is outdated."""
    try:
        hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


def normalise_email(email: str) -> str:
    """Return an e-mail address trimmed and in lower case, as stored."""
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    """Return the account with this e-mail address, if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """Return the user whose e-mail and password match, or None.

    A missing account costs the same hashing time as a wrong password, so that timing does
    not reveal which addresses have accounts.
    """
    user = find_user_by_email(email)
    if user is None:
        _dummy_verify(password)
        return None
    return user if check_password(user, password) else None


def _dummy_verify(password: str) -> None:
    """Spend the time a real verification would take."""
    try:
        hasher().verify(_dummy_hash(), password)
    except VerificationError:
        pass


def _dummy_hash() -> str:
    """Return a hash to verify against when no account matches."""
    config = current_app.config
    key = "_po_dummy_hash"
    if key not in config:
        config[key] = hash_password("no-account-has-this-password")
    return config[key]


def login_wait_seconds(email: str, remote_addr: str) -> int:
    """Return how long a client must wait before the next login attempt (0: go ahead).

    Failures are counted per e-mail and per client address within a sliding window, so there
    is never a permanent lockout: the oldest failure ages out and the client may try again.
    """
    config = current_app.config
    window = timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"])
    since = utcnow() - window
    email = normalise_email(email)
    rows = db.session.execute(
        select(
            func.count().filter(LoginFailure.email == email),
            func.min(LoginFailure.occurred_at).filter(LoginFailure.email == email),
            func.count().filter(LoginFailure.remote_addr == remote_addr),
            func.min(LoginFailure.occurred_at).filter(LoginFailure.remote_addr == remote_addr),
        ).where(
            LoginFailure.occurred_at >= since,
            or_(LoginFailure.email == email, LoginFailure.remote_addr == remote_addr),
        )
    ).one()
    by_email, first_email, by_addr, first_addr = rows
    oldest = None
    if by_email >= config["LOGIN_MAX_FAILURES_PER_EMAIL"]:
        oldest = first_email
    if by_addr >= config["LOGIN_MAX_FAILURES_PER_IP"]:
        oldest = min(filter(None, [oldest, first_addr]))
    if oldest is None:
        return 0
    from ..models.base import UTCDateTime

    oldest = UTCDateTime().process_result_value(oldest, db.engine.dialect)
    return max(1, math.ceil((oldest + window - utcnow()).total_seconds()))


def record_login_failure(email: str, remote_addr: str) -> None:
    """Remember a failed login and forget failures older than the window."""
    window = timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
    db.session.execute(delete(LoginFailure).where(LoginFailure.occurred_at < utcnow() - window))
    db.session.add(LoginFailure(email=normalise_email(email)[:254], remote_addr=remote_addr[:64]))
    db.session.flush()


def clear_login_failures(email: str) -> None:
    """Forget the failures for an e-mail after a successful login."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == normalise_email(email)))


def change_password(user: User, current: str, new: str) -> None:
    """Change a user's own password and end their other sessions."""
    if not check_password(user, current):
        raise DomainError("Nuvarande lösenord stämmer inte.")
    set_password(user, new)


def set_password(user: User, new: str) -> None:
    """Set a new password and end every existing session of the user."""
    user.password_hash = hash_password(new)
    user.session_epoch = (user.session_epoch or 0) + 1
    db.session.flush()


def load_user(session_id: str) -> User | None:
    """Load the user for a session id ``"<id>:<epoch>"``; a stale epoch is no session."""
    try:
        user_id, epoch = (int(part) for part in session_id.split(":"))
    except (ValueError, AttributeError):
        return None
    user = db.session.get(User, user_id)
    if user is None or user.session_epoch != epoch:
        return None
    return user
