"""Device cookies: a browser where a user has logged in before is not locked out by others.

After a successful login the browser gets a long-lived cookie, signed with the app's secret key,
that names the user and a random device id (OWASP's "device cookies" scheme against lockout).
An attempt that presents it for the same account is counted only against that device's own
failures, so that guessing by others (the same NAT, a proxy, a botnet trying the account) does
not lock the owner out of a browser they have used before.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app, request
from flask.wrappers import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE_NAME = "po_device"
_SALT = "po-meetings-device-cookie"


@dataclass(frozen=True)
class DeviceCookie:
    """What a valid device cookie says: whose device it is, and the device's id."""

    user_id: int
    device: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def _max_age() -> int:
    """Return how long a device stays known without a login from it, in seconds."""
    return int(current_app.config["LOGIN_DEVICE_COOKIE_DAYS"]) * 24 * 3600


def presented() -> DeviceCookie | None:
    """Return the valid device cookie this request carries, if any."""
    value = request.cookies.get(COOKIE_NAME)
    if not value:
        return None
    try:
        data = _serializer().loads(value, max_age=_max_age())
    except BadSignature:  # also an expired signature
        return None
    if not isinstance(data, dict):
        return None
    user_id, device = data.get("u"), data.get("d")
    if type(user_id) is not int or not isinstance(device, str) or not 0 < len(device) <= 64:
        return None
    return DeviceCookie(user_id, device)


def remember(response: Response, user_id: int, device: str | None = None) -> Response:
    """Set (or renew) the device cookie of a user who has just logged in."""
    value = _serializer().dumps({"u": user_id, "d": device or secrets.token_urlsafe(16)})
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=_max_age(),
        path="/",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        httponly=True,
        samesite="Lax",
    )
    return response
