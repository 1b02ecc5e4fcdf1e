"""The login check under throttling, with the count and the check atomic.

This is the one flow in the app that commits in the middle, because it must: an attempt is
written and committed *before* it is counted, so that simultaneous attempts see each other and
no burst gets more password checks than the limit (see ``services.attempt_wait_seconds``). The
password is checked outside any transaction, so no lock is held during the slow hash. What a
successful login changes (the failures it clears, the session it opens) is left to the route
to commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..extensions import db
from ..models import User
from . import services
from .devices import DeviceCookie


@dataclass(frozen=True)
class Outcome:
    """The result of a login attempt."""

    #: the user, if the password was right and the account may log in
    user: User | None = None
    #: seconds to wait before trying again (the attempt was refused unchecked), or 0
    wait: int = 0
    #: the password was right but the account is disabled
    disabled: bool = False
    #: the known device the attempt came from, to keep in the renewed device cookie
    device: str | None = None


def check_login(email: str, password: str, remote_addr: str, cookie: DeviceCookie | None) -> Outcome:
    """Record, count and, within the limits, check a login attempt."""
    account = services.find_account(email)
    device = (
        cookie.device if cookie is not None and account is not None and cookie.user_id == account.id else None
    )
    attempt = services.record_attempt(email, remote_addr, device)
    db.session.commit()
    wait = services.attempt_wait_seconds(attempt)
    if wait:
        services.forget_attempt(attempt)
        db.session.commit()
        return Outcome(wait=wait)
    db.session.commit()  # end the transaction: no lock is held while the password is hashed
    if not services.password_matches(account, password):
        return Outcome()  # the attempt's row stays: it is a failure
    if account.is_disabled:
        return Outcome(disabled=True)
    return Outcome(user=services.finish_login(attempt, account, password), device=device)
