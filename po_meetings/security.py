"""Response headers, and sessions that end (logout, idle, too old, disabled): checks on every request."""

from __future__ import annotations

from flask import current_app, flash, make_response, redirect, request, session, url_for
from flask_login import current_user, logout_user

from .auth import services as auth_services
from .auth import sessions
from .extensions import htmx
from .htmx import redirect_to

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def add_security_headers(response):
    """Add the security headers to every response."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static":
        # Pages can hold confidential group content: no shared or back-button caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


#: Endpoints that do not use the session: static files, and the calendar feed (its token is the key).
SESSIONLESS_ENDPOINTS = frozenset({"static", "calendar.feed"})
#: Endpoints where a session that has ended is simply forgotten: the user is logging in anew.
LOGIN_ENDPOINTS = frozenset({"auth.login_form", "auth.login"})

#: What the user is told when their session has ended, by reason (po_meetings.auth.sessions).
ENDED_MESSAGES = {
    sessions.DISABLED: ("Ditt konto är avstängt. Kontakta systemadministratören.", "error"),
    sessions.IDLE: ("Du har loggats ut eftersom du varit inaktiv en stund. Logga in igen.", "info"),
    sessions.EXPIRED: (
        "Du har loggats ut eftersom en inloggning gäller högst {hours} timmar. Logga in igen.",
        "info",
    ),
}
#: For any other reason (logged out elsewhere, password changed, an unknown cookie).
ENDED_MESSAGE = ("Din inloggning har avslutats. Logga in igen.", "info")


def _flash_ended(reason: str) -> None:
    """Tell the user why their session has ended."""
    message, category = ENDED_MESSAGES.get(reason, ENDED_MESSAGE)
    flash(message.format(hours=current_app.config["SESSION_ABSOLUTE_LIFETIME_HOURS"]), category)


def _ended_answer(reason: str):
    """Send a request whose session has ended to the login page: reads come back after login."""
    _flash_ended(reason)
    if request.method in ("GET", "HEAD"):
        target = request.full_path.rstrip("?")
        if not auth_services.is_safe_next(target):
            target = request.path if auth_services.is_safe_next(request.path) else None
        login_url = url_for("auth.login_form", next=target)
    else:
        login_url = url_for("auth.login_form")  # a write is refused: it is not repeated
    if htmx:
        # An htmx request would swap the login page into a fragment: load it as a whole page.
        return redirect_to(make_response("", 401), login_url)
    return redirect(login_url, code=302 if request.method in ("GET", "HEAD") else 303)


def enforce_session_rules(app):
    """Return a before_request hook that ends sessions that are over and keeps the others alive.

    The user is loaded (po_meetings.auth.services.load_user) only if the session's server-side
    row is open, not idle, not past its absolute lifetime and the account is not disabled;
    otherwise the row is ended, the cookie session cleared, and the request refused with a
    redirect to the login page. A valid session has its last-seen time written, at most once a
    minute.
    """

    def check_session():
        """End a session that is over before the request goes further; note activity on the others."""
        if request.endpoint in SESSIONLESS_ENDPOINTS:
            return None
        if current_user.is_authenticated:
            record = sessions.current_record()
            if record is not None:
                sessions.touch(record)
            return None
        reason = auth_services.refused_session_reason()
        if reason is None:
            return None  # no session: an anonymous visitor
        sessions.end_current_quietly(reason)
        logout_user()
        session.clear()
        if request.endpoint in LOGIN_ENDPOINTS:
            if request.method == "GET":
                _flash_ended(reason)
            return None
        return _ended_answer(reason)

    return check_session


def init_app(app) -> None:
    """Register the per-request security checks and headers."""
    app.before_request(enforce_session_rules(app))
    app.after_request(add_security_headers)
