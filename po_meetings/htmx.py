"""Page or fragment: the one place that reads and writes htmx's headers.

A request gets a fragment when htmx asked for it and it is neither boosted nor a history
restore; everything else gets the full page. Every answer that can differ by that says so with
``Vary: HX-Request``. Routes never touch an ``HX-*`` header themselves: they use the helpers here
(``trigger``, ``refresh``, ``retarget``, ``redirect_to``) on the response they return.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import make_response, render_template
from flask.wrappers import Response

from .extensions import htmx


def wants_fragment() -> bool:
    """Return whether this request should get a fragment rather than a full page."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def vary(response: Response) -> Response:
    """Mark an answer as depending on whether htmx asked for it."""
    response.vary.add("HX-Request")
    return response


def respond(template: str, /, status: int = 200, **context) -> Response:
    """Render one template as the answer, marked as varying by ``HX-Request``."""
    return vary(make_response(render_template(template, **context), status))


def render(page: str, fragment: str, /, status: int = 200, **context) -> Response:
    """Render the fragment for a plain htmx request, the full page otherwise."""
    return respond(fragment if wants_fragment() else page, status, **context)


def trigger(response: Response, *events: str) -> Response:
    """Tell other regions of the page that something changed (``HX-Trigger``)."""
    existing = [e for e in response.headers.get("HX-Trigger", "").split(",") if e.strip()]
    response.headers["HX-Trigger"] = ", ".join([*existing, *events])
    return response


def refresh(response: Response) -> Response:
    """Make htmx reload the whole page (after a change that reaches every part of it)."""
    response.headers["HX-Refresh"] = "true"
    return response


def redirect_to(response: Response, url: str) -> Response:
    """Make htmx go to another URL with a full page load (``HX-Redirect``).

    Going to the page the browser already shows (perhaps at another anchor) would only move the
    anchor, so htmx is then told to reload as well (``HX-Refresh``).
    """
    response.headers["HX-Redirect"] = url
    current = htmx.current_url if htmx else None
    if current and urlsplit(url)[2:4] == urlsplit(current)[2:4]:
        refresh(response)
    return response


def retarget(response: Response, selector: str, swap: str = "outerHTML") -> Response:
    """Swap the answer into another element than the one the request named."""
    response.headers["HX-Retarget"] = selector
    response.headers["HX-Reswap"] = swap
    return response
