"""One-time form tokens: a create form sent twice saves once, and the repeat answers as the first.

Pressing Enter twice, a burst of clicks or a page sent again would otherwise save the same thing
twice (two occurrences of one system error, two §§). Every form carries a fresh token: the
``csrf()`` macro renders it beside the CSRF token, so no template has to remember it. For a
create route (``answers.attempt(..., once=True)``) :func:`answers.attempt` claims the token in the same transaction as the write: its SHA-256 goes into ``form_submission``,
whose unique index lets exactly one submission through.

A repeat finds the row (or, sent while the first is still being written, fails on the unique
index once the first commits), writes nothing and goes where the first answer went
(:func:`remember`, called by ``answers.saved``; sent at the same moment, it waits a little for
that answer), with a notice that it was saved once. A form
posted without a token (an old page, a script) is checked as before, without this guard.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask import flash, g, has_request_context, make_response, redirect, request, url_for
from flask.wrappers import Response
from flask_login import current_user
from sqlalchemy import delete, select

from .extensions import db
from .htmx import redirect_to, refresh, vary, wants_fragment
from .models import FormSubmission, utcnow

#: The name of the hidden field (not prefixed: one per form, whatever the form's prefix).
FIELD = "form_token"
#: How long a used token is remembered: a page left open longer than this saves again.
KEEP = timedelta(days=7)
#: How long a repeat sent at the same moment as the first waits for the first one's answer (seconds).
WAIT = 3.0
#: What a repeated submission says.
REPEATED = "Det här är redan sparat. Formuläret skickades mer än en gång men sparades bara en gång."
_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_token() -> str:
    """Return a fresh token for one rendering of a form."""
    return secrets.token_urlsafe(24)


def posted() -> str | None:
    """Return the token this request's form carries, or None (none sent, or not one of ours)."""
    if not has_request_context() or request.method != "POST":
        return None
    token = request.form.get(FIELD, "")
    return token if _SHAPE.fullmatch(token) else None


def _digest(token: str) -> str:
    """Return the stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def earlier(token: str) -> FormSubmission | None:
    """Return the submission that already used this token, if any."""
    return db.session.scalar(select(FormSubmission).where(FormSubmission.token_hash == _digest(token)))


def _user_id() -> int | None:
    """Return the signed-in user's id, if any."""
    return current_user.id if current_user and current_user.is_authenticated else None


def claim(token: str) -> None:
    """Record the token as used, in the transaction of the write it guards.

    A second claim of the same token fails at the flush (IntegrityError) once the first commits.
    The user's tokens older than :data:`KEEP` go at the same time, so the table stays small.
    """
    user_id = _user_id()
    if user_id is not None:
        db.session.execute(
            delete(FormSubmission).where(
                FormSubmission.user_id == user_id, FormSubmission.created_at < utcnow() - KEEP
            )
        )
    db.session.add(FormSubmission(token_hash=_digest(token), user_id=user_id, created_at=utcnow()))
    db.session.flush()
    g.form_token = token


def remember(location: str) -> None:
    """Record where the answer to this request's claimed token went, for a repeat to go there too."""
    token = g.pop("form_token", None)
    if token is None or not location:
        return
    submission = earlier(token)
    if submission is not None:
        submission.location = location[:2000]
        db.session.commit()


def _same_site(url: str | None) -> str | None:
    """Return a URL of this site (the referring page), or None."""
    if not url:
        return None
    parts = urlsplit(url)
    return url if parts.netloc in ("", request.host) and parts.scheme in ("", "http", "https") else None


def _first_location(submission: FormSubmission) -> str | None:
    """Return where the first submission's answer went, waiting a moment for a first submission
    that has committed its write but not yet its answer (both sent at the same moment)."""
    deadline = time.monotonic() + WAIT
    while True:
        location = submission.location
        # End the read's transaction before waiting: a POST's transaction holds SQLite's write lock
        # (BEGIN IMMEDIATE), which the first submission needs to store its answer; the next read,
        # a new transaction, sees that answer.
        db.session.rollback()
        if location is not None or time.monotonic() >= deadline:
            return location
        time.sleep(0.05)


def repeat_answer(submission: FormSubmission) -> Response:
    """Answer a repeated submission: nothing new is written; go where the first answer went."""
    location = _first_location(submission) or _same_site(request.referrer)
    flash(REPEATED, "success")
    if wants_fragment():
        response = vary(make_response("", 200))
        return redirect_to(response, location) if location else refresh(response)
    return vary(redirect(location or url_for("main.index"), code=303))


def init_app(app) -> None:
    """Let templates render a fresh token (the ``csrf()`` macro does, in every form)."""
    app.jinja_env.globals["form_token"] = new_token
