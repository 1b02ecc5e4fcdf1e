"""Page or fragment: the one place that reads htmx's request headers."""

from flask import make_response, render_template

from .extensions import htmx


def wants_fragment() -> bool:
    """Return whether this request should get a fragment rather than a full page."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(page: str, fragment: str, /, status: int = 200, **context):
    """Render the fragment for a plain htmx request, the full page otherwise."""
    template = fragment if wants_fragment() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
