"""Response headers, idle timeout and disabled accounts: checks that run on every request."""

from __future__ import annotations

import time

from flask import flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

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


def enforce_session_rules(app):
    """Return a before_request hook for idle timeout and disabled accounts."""
    idle_seconds = app.config["IDLE_TIMEOUT_MINUTES"] * 60

    def check_session():
        """Log out a disabled user or an idle session before the request goes further."""
        # A disabled user is not "authenticated" to Flask-Login (is_active is False), but is
        # still not anonymous: their session must be ended, not merely ignored.
        if request.endpoint in SESSIONLESS_ENDPOINTS or current_user.is_anonymous:
            return None
        now = int(time.time())
        last_seen = session.get("last_seen", now)
        if not current_user.is_active:
            logout_user()
            session.clear()
            flash("Ditt konto är avstängt. Kontakta systemadministratören.", "error")
            return redirect(url_for("auth.login_form"))
        if now - last_seen > idle_seconds:
            logout_user()
            session.clear()
            flash("Du har loggats ut eftersom du varit inaktiv en stund. Logga in igen.", "info")
            return redirect(url_for("auth.login_form", next=request.full_path.rstrip("?")))
        session["last_seen"] = now
        session.permanent = True
        return None

    return check_session


def init_app(app) -> None:
    """Register the per-request security checks and headers."""
    app.before_request(enforce_session_rules(app))
    app.after_request(add_security_headers)
