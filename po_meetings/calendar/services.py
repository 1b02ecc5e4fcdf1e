"""Private calendar feeds: a secret token per user, stored only as its SHA-256 hash.

Functions flush, never commit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import LEADING_ROLES, Meeting, MeetingStatus, Membership, User, utcnow

#: How far back the feed reaches: a year of past meetings is enough to look things up.
FEED_HISTORY = timedelta(days=365)
#: token_urlsafe(32) gives 43 characters; anything far from that is not a token of ours.
TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest of a token, as stored in ``User.calendar_token_hash``."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user: User) -> str:
    """Give the user a new feed token, replacing (and so revoking) any earlier one; return it.

    Only the hash is stored, so the token can be shown once and never again.
    """
    token = secrets.token_urlsafe(TOKEN_BYTES)
    user.calendar_token_hash = hash_token(token)
    db.session.flush()
    return token


def revoke_token(user: User) -> bool:
    """Remove the user's feed token; return whether there was one."""
    had_token = user.calendar_token_hash is not None
    user.calendar_token_hash = None
    db.session.flush()
    return had_token


def user_for_token(token: str) -> User | None:
    """Return the active user whose feed token this is, or None.

    The database is searched by the token's hash, so how long a lookup takes says nothing
    about the token itself; the final comparison is constant-time as well.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    digest = hash_token(token)
    user = db.session.scalar(select(User).where(User.calendar_token_hash == digest))
    if user is None or user.is_disabled or not hmac.compare_digest(user.calendar_token_hash, digest):
        return None
    return user


def feed_meetings(user: User) -> list[Meeting]:
    """Return the meetings in a user's feed, from a year back onward.

    Meetings of the groups the user is an active member of; drafts only in the groups the user
    leads; cancelled meetings stay in, so that clients mark them cancelled.
    """
    member_of = select(Membership.group_id).where(
        Membership.user_id == user.id, Membership.ended_at.is_(None)
    )
    leads = member_of.where(Membership.role.in_([role.value for role in LEADING_ROLES]))
    return db.session.scalars(
        select(Meeting)
        .where(
            Meeting.group_id.in_(member_of),
            or_(Meeting.status != MeetingStatus.DRAFT.value, Meeting.group_id.in_(leads)),
            Meeting.ends_at >= utcnow() - FEED_HISTORY,
        )
        .options(selectinload(Meeting.group))
        .order_by(Meeting.starts_at)
    ).all()
