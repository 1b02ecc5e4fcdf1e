"""Passwords, authentication, login throttling and ending sessions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g
from sqlalchemy import and_, delete, func, or_, select, type_coerce

from ..domain import DomainError
from ..extensions import db
from ..models import LoginFailure, User, UserSession, UTCDateTime
from ..personnummer import contains_personnummer
from . import clock, sessions


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


@dataclass(frozen=True)
class Account:
    """What a login needs to know of an account, as plain values (they outlive a commit)."""

    id: int
    password_hash: str
    is_disabled: bool


@dataclass(frozen=True)
class LoginAttempt:
    """A login attempt, recorded before it is counted."""

    id: int
    email: str
    remote_addr: str
    #: the known device the attempt comes from (its device cookie is this account's), if any
    device: str | None


def find_account(email: str) -> Account | None:
    """Return the id, password hash and state of the account with this e-mail, if any."""
    row = db.session.execute(
        select(User.id, User.password_hash, User.is_disabled).where(User.email == normalise_email(email))
    ).first()
    return Account(*row) if row else None


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def _limits() -> dict[str, int]:
    """Return the failure limits within the window: per pair, per address, per e-mail."""
    config = current_app.config
    return {
        # one client guessing at one account: the (address, e-mail) pair, or one known device
        "pair": config["LOGIN_MAX_FAILURES_PER_PAIR"],
        # a higher cap per address, so that a NAT or a proxy does not lock out everyone behind it
        "address": config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
        # guessing at one account from many addresses
        "email": config["LOGIN_MAX_FAILURES_PER_EMAIL"],
    }


def record_attempt(email: str, remote_addr: str, device: str | None) -> LoginAttempt:
    """Record a login attempt before its password is checked (commit it, then count)."""
    row = LoginFailure(
        email=normalise_email(email)[:254],
        remote_addr=remote_addr[:64],
        device=device,
        occurred_at=clock.now(),
    )
    db.session.add(row)
    db.session.flush()
    return LoginAttempt(id=row.id, email=row.email, remote_addr=row.remote_addr, device=device)


def attempt_wait_seconds(attempt: LoginAttempt) -> int:
    """Return how long the client must wait before this attempt may check a password (0: go ahead).

    Counts every attempt in the window that the database shows, the caller's own (committed)
    row included, and those of simultaneous attempts: of attempts racing each other, the one
    whose row committed k-th sees at least k rows, so no more than the limit get through.
    An attempt from a known device counts only that device's failures; any other counts the
    failures of unknown clients per (address, e-mail) pair, per address and per e-mail. Nothing
    is permanent: the oldest failure ages out of the sliding window and the client may try again.
    """
    limits = _limits()
    since = clock.now() - _window()
    recent = LoginFailure.occurred_at >= since

    def oldest(condition):
        return type_coerce(func.min(LoginFailure.occurred_at).filter(condition), UTCDateTime)

    if attempt.device is not None:
        mine = LoginFailure.device == attempt.device
        count, first = db.session.execute(select(func.count(), oldest(mine)).where(recent, mine)).one()
        blocking = [first] if count > limits["pair"] else []
    else:
        by_pair = and_(LoginFailure.email == attempt.email, LoginFailure.remote_addr == attempt.remote_addr)
        by_address = LoginFailure.remote_addr == attempt.remote_addr
        by_email = LoginFailure.email == attempt.email
        row = db.session.execute(
            select(
                func.count().filter(by_pair),
                oldest(by_pair),
                func.count().filter(by_address),
                oldest(by_address),
                func.count().filter(by_email),
                oldest(by_email),
            ).where(recent, LoginFailure.device.is_(None), or_(by_address, by_email))
        ).one()
        counts = {"pair": (row[0], row[1]), "address": (row[2], row[3]), "email": (row[4], row[5])}
        blocking = [first for key, (count, first) in counts.items() if count > limits[key]]
    if not blocking:
        return 0
    # The earliest moment the count can fall below the limit: the oldest failure ages out.
    ends = min(_aware(first) for first in blocking) + _window()
    return max(1, math.ceil((ends - clock.now()).total_seconds()))


def _aware(value) -> datetime:
    """Return an aggregated timestamp as an aware UTC datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def forget_attempt(attempt: LoginAttempt) -> None:
    """Delete an attempt that was refused before any password was checked."""
    db.session.execute(
        delete(LoginFailure).where(LoginFailure.id == attempt.id).execution_options(synchronize_session=False)
    )


def password_matches(account: Account | None, password: str) -> bool:
    """Check a password against an account's hash; no account costs the same time as a wrong one."""
    if account is None:
        _dummy_verify(password)
        return False
    try:
        return hasher().verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def finish_login(attempt: LoginAttempt, account: Account, password: str) -> User:
    """After the right password: forget this attempt and the client's failures, return the user.

    Deleted: the attempt's own row, the failures of its (address, e-mail) pair and of its known
    device, and every failure older than the window. An outdated password hash is upgraded.
    """
    user = db.session.get(User, account.id)
    if hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    cleared = [
        LoginFailure.id == attempt.id,
        and_(
            LoginFailure.email == attempt.email,
            LoginFailure.remote_addr == attempt.remote_addr,
            LoginFailure.device.is_(None),
        ),
        LoginFailure.occurred_at < clock.now() - _window(),
    ]
    if attempt.device is not None:
        cleared.append(LoginFailure.device == attempt.device)
    db.session.execute(delete(LoginFailure).where(or_(*cleared)).execution_options(synchronize_session=False))
    db.session.flush()
    return user


def is_safe_next(target: str | None) -> bool:
    """Return whether a ``next`` target is a same-site path that may be shown and followed.

    Refused: other sites (a scheme, two slashes, or a backslash, which browsers read as a
    slash), control characters and spaces (browsers drop tabs and newlines, so slash, tab, slash
    becomes two slashes), and any target that holds a personnummer, typed or URL-encoded: it
    must not be repeated in a page or a Location header.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(char) < 0x21 or ord(char) == 0x7F for char in target):
        return False
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return False
    return not contains_personnummer(target, from_url=True)


def change_password(user: User, current: str, new: str, keep: UserSession | None = None) -> None:
    """Change a user's own password and end their other sessions (``keep`` goes on)."""
    if not check_password(user, current):
        raise DomainError("Nuvarande lösenord stämmer inte.")
    set_password(user, new, keep=keep, reason=sessions.PASSWORD)


def set_password(
    user: User, new: str, keep: UserSession | None = None, reason: str = sessions.PASSWORD_RESET
) -> None:
    """Set a new password and end every session of the user but ``keep``."""
    user.password_hash = hash_password(new)
    user.session_epoch = (user.session_epoch or 0) + 1
    sessions.end_all(user, reason, keep=keep)
    db.session.flush()


def end_user_sessions(user: User, reason: str = sessions.DISABLED) -> None:
    """End every session of a user (the account is disabled): they are logged out at once."""
    sessions.end_all(user, reason)


def load_user(session_id: str) -> User | None:
    """Load the user of this request's session, or None if the session is not valid.

    ``session_id`` is Flask-Login's ``"<id>:<epoch>"``; the session must also have an open row
    (po_meetings.auth.sessions) that is not idle, not too old and belongs to this user. Why a
    session was refused is kept for the request (``refused_session_reason``).
    """
    g.pop("_po_session_refused", None)
    try:
        user_id, epoch = (int(part) for part in session_id.split(":"))
    except (ValueError, AttributeError):
        user_id, epoch = None, None
    record = sessions.current_record()  # loads the session's user too: the get() below needs no query
    user = db.session.get(User, user_id) if user_id is not None else None
    reason = sessions.problem(record, user)
    if reason is None and user.session_epoch != epoch:
        reason = sessions.UNKNOWN
    if reason is not None:
        g._po_session_refused = reason
        return None
    return user


def refused_session_reason() -> str | None:
    """Return why this request's session was refused by :func:`load_user`, if it was."""
    return g.get("_po_session_refused")
