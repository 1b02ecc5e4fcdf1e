"""Tell a member of a change: at once by mail, in the next digest, or not at all, as they chose.

A notification's subject and body are made by the caller from numbers, dates, labels and the
app's own words, never from free text in the records (an uppdrag's text, a report's title): the
mail leaves the app, the records stay in it.

Only a change a person makes in the app is news: outside a request (``flask seed-demo``, bulk
loads, other system commands) and inside ``quiet()`` (the demo seeding, wherever it runs)
``notify`` records nothing, so seeding never fills the outbox.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from flask import current_app, has_request_context, render_template, request, url_for

from .. import mail
from ..domain import DomainError
from ..extensions import db
from ..models import Notification, NotifyFrequency, User
from . import clock

#: The refusal of a frequency that is not one of the four.
INVALID_FREQUENCY = "Välj ett av alternativen."

#: True inside ``quiet()``: changes made then are nobody's news.
_quiet: ContextVar[bool] = ContextVar("notifications_quiet", default=False)

F = TypeVar("F", bound=Callable)


def frequency_of(user: User) -> NotifyFrequency:
    """Return how often the member wants to hear of changes (at once for an unknown value)."""
    try:
        return NotifyFrequency(user.notify_frequency)
    except ValueError:
        return NotifyFrequency.IMMEDIATE


def set_notify_frequency(user: User, value: str | None) -> User:
    """Choose at once, a daily or weekly digest, or none; refuse anything else."""
    try:
        frequency = NotifyFrequency(value)
    except ValueError:
        raise DomainError(INVALID_FREQUENCY) from None
    user.notify_frequency = frequency.value
    db.session.flush()
    return user


def absolute(path: str | None) -> str | None:
    """Return a link inside the app as a full URL for a mail.

    ``BASE_URL`` (``PO_MEETINGS_BASE_URL``) wins when it is set, so a forged Host header never
    makes the links; without it, a request's own host (as the kallelse's links).
    """
    if not path:
        return None
    base = current_app.config.get("BASE_URL")
    if not base:
        base = request.host_url if has_request_context() else "http://localhost"
    return base.rstrip("/") + path


@contextmanager
def quiet() -> Iterator[None]:
    """Record no notifications inside the block (seeding demo data, even within a request)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def quietly(function: F) -> F:
    """Decorate a function so that it runs inside ``quiet()``."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with quiet():
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def active() -> bool:
    """Return whether notifications are recorded now: in a request, a change a person made
    (not inside ``quiet()``)."""
    return has_request_context() and not _quiet.get()


def path_for(endpoint: str, **values) -> str | None:
    """Return a path inside the app for a notification's link (None outside a request, where
    ``notify`` records nothing anyway)."""
    return url_for(endpoint, **values) if has_request_context() else None


def account_link() -> str:
    """Return the full URL of the account page, where the member changes the frequency."""
    if has_request_context():
        return absolute(url_for("auth.account"))
    return absolute("/account")


def notify(
    user: User | None,
    group_id: int | None,
    kind: str,
    subject: str,
    body: str = "",
    link: str | None = None,
) -> Notification | None:
    """Record that ``user`` should hear of a change (in the caller's transaction).

    At once: the mail is queued in the outbox now. Daily or weekly: it waits for the digest of
    ``flask send-reminders``. None (or a disabled account): nothing is recorded.
    """
    if user is None or user.is_disabled or not active():
        return None
    frequency = frequency_of(user)
    if frequency == NotifyFrequency.NONE:
        return None
    moment = clock.now()
    notification = Notification(
        user_id=user.id,
        group_id=group_id,
        kind=kind,
        subject=subject[:300],
        body=body,
        link=link,
        created_at=moment,
    )
    db.session.add(notification)
    if frequency == NotifyFrequency.IMMEDIATE:
        text = render_template(
            "mail/notification.txt",
            user=user,
            subject=subject,
            body=body,
            link=absolute(link),
            account_link=account_link(),
        )
        mail.queue(user.email, subject, text, group_id)
        notification.mailed_at = moment
    return notification


def notify_each(
    users, group_id: int | None, kind: str, subject: str, body: str = "", link: str | None = None, *, but=None
) -> int:
    """Notify each user once (duplicates and ``but``, the one who made the change, left out);
    return how many were notified."""
    seen: set[int] = set()
    told = 0
    skip = getattr(but, "id", but)
    for user in users:
        if user is None or user.id in seen or user.id == skip:
            continue
        seen.add(user.id)
        told += notify(user, group_id, kind, subject, body, link) is not None
    return told
