"""Configuration: defaults here, then ``PO_MEETINGS_*`` environment variables, then a test dict.

Production is the default mode, so a server started without settings refuses to run with the
development secret key instead of running insecurely. ``make run`` and the tests switch it off.
"""

import os
from datetime import timedelta

DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"


class ConfigError(RuntimeError):
    """Raised when the app is configured unsafely for production."""


DEFAULTS = {
    "PRODUCTION": True,
    "SECRET_KEY": DEV_SECRET_KEY,
    # Filled in by create_app: PO_MEETINGS_DATABASE_URL, then DATABASE_URL, then SQLite in instance/.
    "DATABASE_URL": None,
    # hide_parameters: a database error's message (and so the log) never holds the values of the
    # statement, which are the users' free text. engine_options() keeps it on whatever is set.
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    "IDLE_TIMEOUT_MINUTES": 30,
    "SESSION_COOKIE_NAME": "po_session",
    "SESSION_COOKIE_HTTPONLY": True,
    # None: Secure in production mode, not in development (plain http on 127.0.0.1).
    "SESSION_COOKIE_SECURE": None,
    "REMEMBER_COOKIE_SECURE": None,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # tied to the session, which has its own idle timeout
    "WTF_CSRF_SSL_STRICT": True,
    "WTF_I18N_ENABLED": False,  # use WTForms' own Swedish messages (BaseForm.Meta)
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # Login throttling: failures within the window, per e-mail and per client address.
    "LOGIN_FAILURE_WINDOW_MINUTES": 15,
    "LOGIN_MAX_FAILURES_PER_EMAIL": 5,
    # ... per (client address, e-mail) pair, and per address across every e-mail tried from it.
    "LOGIN_MAX_FAILURES_PER_PAIR": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 100,
    # A browser that has logged in before is known by a signed device cookie this many days: only
    # its own failures count against it (OWASP's device cookies).
    "LOGIN_DEVICE_COOKIE_DAYS": 180,
    # A session ends this long after login however active it is (the idle timeout ends it sooner).
    "SESSION_ABSOLUTE_LIFETIME_HOURS": 12,
    # argon2id parameters (RFC 9106 "second recommended" profile); tests lower them.
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST": 65536,
    "ARGON2_PARALLELISM": 4,
    # Outgoing mail (kallelser and reminders come in later issues).
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": "po-meetings@localhost",
    "MAIL_TIMEOUT": 10,
    # "smtp" sends; "console" only logs (make run uses it, so no mail server is needed locally).
    "MAIL_BACKEND": "smtp",
    # The app's address for links in mail, e.g. "https://po.kommun.se": flask send-reminders runs
    # outside a request and needs it; when set, notifications sent during a request use it too.
    "BASE_URL": None,
    "PAGE_SIZE": 50,
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    "TRUSTED_PROXIES": 0,
}


def normalise_database_url(url: str) -> str:
    """Return a SQLAlchemy URL that uses psycopg 3 for PostgreSQL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def database_url(app) -> str:
    """Pick the database URL from configuration, the environment or the instance folder."""
    url = app.config.get("DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        url = "sqlite:///" + os.path.join(app.instance_path, "po_meetings.sqlite")
    return normalise_database_url(url)


def engine_options(config) -> dict:
    """Return the engine options as configured, with the statement's parameters kept out of errors."""
    return {"pool_pre_ping": True, **(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}), "hide_parameters": True}


def check_production(config) -> None:
    """Refuse to start in production mode with the development key or debug on."""
    if not config["PRODUCTION"] or config.get("TESTING"):
        return
    if config["SECRET_KEY"] in (None, "", DEV_SECRET_KEY) or len(str(config["SECRET_KEY"])) < 32:
        raise ConfigError(
            "PO_MEETINGS_SECRET_KEY must be set to a random value of at least 32 characters "
            "in production (or set PO_MEETINGS_PRODUCTION=false for development)."
        )
    if config.get("DEBUG"):
        raise ConfigError("Debug mode must not be on in production.")
