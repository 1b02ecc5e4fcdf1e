"""How a write answers: one protocol for every route of every area.

A write route parses its input, then

1. runs one service call with :func:`attempt`: the form is validated, the service runs and the
   work is committed — or everything is rolled back, the Swedish message goes beside the field it
   concerns, and the failed form is kept (:func:`keep`) so that the page or fragment shows it
   again with its messages;
2. answers with :func:`saved` (htmx: the updated fragment; plain: flash + 303 to the page) or
   :func:`refused` (htmx: the fragment with its messages as 200, because htmx 2 does not swap
   4xx answers; plain: the whole page as 422).

Example (a whole route)::

    @bp.post("/actions/<int:action_id>")
    def update_action(group_id, action_id):
        action = services.get_action_or_404(g.group.id, action_id, g.membership)
        form = ActionStatusForm(prefix=f"action-{action.id}")
        done = answers.attempt(services.set_status, action, form.status.data, form=form, field=form.status,
                               keep_as=("action", action.id))
        row = View("follow_up/_action.html", lambda: views.action_context(action.id))
        if done:
            return answers.saved("Uppdraget är sparat.", to=url_for(...), fragment=row)
        return answers.refused(fragment=row, page=View(PAGE, views.page_context))

Templates and view builders ask :func:`kept` for a form: they get the failed one when the
request was refused, else a fresh one.

A create route passes ``attempt(..., once=True)``: its form is then idempotent against double
submission: :func:`attempt` claims the form's one-time token in the write's own transaction, and a
repeat writes nothing and goes where the first answer went (:mod:`po_meetings.form_tokens`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from flask import abort, flash, g, make_response, redirect
from flask.wrappers import Response
from sqlalchemy.exc import IntegrityError

from . import form_tokens
from .domain import DomainError, commit_or_refusal
from .extensions import db
from .htmx import redirect_to, refresh, respond, retarget, trigger, vary, wants_fragment

__all__ = [
    "Attempt",
    "View",
    "all_kept",
    "attempt",
    "back_to",
    "keep",
    "kept",
    "page_or_fragment",
    "refused",
    "saved",
]


@dataclass
class Attempt:
    """The outcome of one write: whether it was saved, what the service returned, the refusal."""

    ok: bool
    value: Any = None
    message: str | None = None
    #: The service's refusal itself, for a route that answers one kind its own way (an edit conflict).
    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.ok


@dataclass
class View:
    """A template and its context, built only when the answer needs it.

    ``retarget`` names the element htmx swaps instead of the one the request named (for a part
    that must come back whole whichever of its elements asked, e.g. a renumbered agenda).
    """

    template: str
    context: dict | Callable[[], dict] = field(default_factory=dict)
    retarget: str | None = None

    def render(self, status: int = 200) -> Response:
        """Render the template with its context."""
        context = self.context() if callable(self.context) else self.context
        response = respond(self.template, status, **context)
        return retarget(response, self.retarget) if self.retarget else response


def page_or_fragment(page: View | Callable[[], Response], fragment: View) -> Response:
    """Answer a GET: the fragment for a plain htmx request, else the whole page.

    For a page whose fragment needs less than the page (``htmx.render`` when both take the same
    context); only the one answered is built. ``page`` may instead be a callable that answers
    (e.g. a redirect to the page that holds the fragment).
    """
    if wants_fragment():
        return fragment.render()
    return page.render() if isinstance(page, View) else vary(page())


def back_to(url: str) -> Callable[[int], Response]:
    """Return a ``page`` for :func:`refused` that goes back to ``url`` (303) instead of a page.

    For a refused button with no form to show again (a status change, a move): the refusal's
    ``message`` is flashed there.
    """
    return lambda _status: redirect(url, code=303)


def _kept_forms() -> dict:
    """Return this request's failed forms, by key."""
    if "kept_forms" not in g:
        g.kept_forms = {}
    return g.kept_forms


def keep(key: Hashable, form) -> None:
    """Keep a failed form for this request, so the page or fragment shows it with its messages."""
    if key is not None and form is not None:
        _kept_forms()[key] = form


def kept(key: Hashable, default: Callable[[], Any] | None = None):
    """Return the failed form kept under ``key``, else ``default()`` (a fresh form), else None."""
    form = _kept_forms().get(key)
    if form is None and default is not None:
        return default()
    return form


def all_kept() -> dict:
    """Return every form kept in this request, by key."""
    return dict(_kept_forms())


def attempt(
    action: Callable[..., Any] | None,
    *args,
    form=None,
    field=None,
    keep_as: Hashable | None = None,
    once: bool = False,
    **kwargs,
) -> Attempt:
    """Validate ``form`` (if any), run one service call and commit its work.

    When the form does not validate or the service refuses (``DomainError``), nothing is
    half-saved: the session is rolled back, the refusal's message goes beside ``field`` (or among
    the form's own errors), and the form is kept under ``keep_as`` for the re-rendered page.
    ``field`` may also be a function of the message that picks the field (for a service whose
    refusals concern different fields).

    ``once`` (every route that creates something) guards the write with the form's one-time token:
    a repeat of a saved submission writes nothing and is answered at once (an HTTP exception that
    carries the answer: to where the first answer went), whatever the route would do next.
    """
    token = form_tokens.posted() if once else None
    if token is not None:
        first = form_tokens.earlier(token)
        if first is not None:
            db.session.rollback()
            abort(form_tokens.repeat_answer(first))
    if form is not None and not form.validate():
        db.session.rollback()
        keep(keep_as, form)
        return Attempt(False)
    if action is None:
        return Attempt(True)
    if token is not None:
        action = _claiming(token, action)
    try:
        value, refusal = commit_or_refusal(action, *args, **kwargs)
    except IntegrityError:
        # Sent twice at once: the other submission claimed the token first and has committed.
        db.session.rollback()
        first = form_tokens.earlier(token) if token is not None else None
        if first is None:
            raise
        abort(form_tokens.repeat_answer(first))
    if refusal is None:
        return Attempt(True, value)
    message = str(refusal)
    if field is not None and not hasattr(field, "errors"):
        field = field(message)
    if field is not None:
        field.errors = [*field.errors, message]
    elif form is not None:
        form.form_errors.append(message)
    keep(keep_as, form)
    return Attempt(False, message=message, error=refusal)


def _claiming(token: str, action: Callable[..., Any]) -> Callable[..., Any]:
    """Return ``action`` preceded by claiming the token, so both commit or roll back together."""

    def claimed(*args, **kwargs):
        form_tokens.claim(token)
        return action(*args, **kwargs)

    return claimed


def saved(
    notice: str | None,
    *,
    to: str,
    fragment: View | None = None,
    events: tuple[str, ...] = (),
    reload: bool = False,
) -> Response:
    """Answer a saved change: the updated fragment for htmx, else flash ``notice`` and 303 to ``to``.

    ``events`` tell other regions of the page to refresh themselves (htmx.trigger); ``reload``
    makes htmx load the page ``to`` anew (for a change that reaches every part of it).
    A create form's repeat will go to ``to`` as well (:func:`form_tokens.remember`).
    """
    form_tokens.remember(to)
    if wants_fragment() and reload:
        if notice:
            flash(notice, "success")
        response = vary(make_response("", 200))
        return redirect_to(response, to) if to else refresh(response)
    if wants_fragment() and fragment is not None:
        response = fragment.render(200)
        return trigger(response, *events) if events else response
    if notice:
        flash(notice, "success")
    return vary(redirect(to, code=303))


def refused(
    *,
    fragment: View | None = None,
    page: View | Callable[[int], Response],
    message: str | None = None,
    status: int = 422,
):
    """Answer a refused change: the fragment with its messages for htmx (200), else the page as 422.

    ``message`` is for a refusal that belongs to no field: the page shows it at the top (the
    fragment shows it from its own context). ``status`` is the page's when 422 does not say it:
    409 for a state (a save over a newer version, locked minutes), 403 for a refused role.
    """
    db.session.rollback()
    if wants_fragment() and fragment is not None:
        return fragment.render(200)
    if message:
        flash(message, "error")
    if isinstance(page, View):
        return page.render(status)
    return vary(page(status))
