"""Error pages in Swedish, as a page or an htmx fragment."""

import sqlite3
import traceback

from flask import current_app, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InternalError, OperationalError
from werkzeug.exceptions import HTTPException

from .extensions import db, htmx
from .inputs import UnsafeTextError
from .personnummer import PersonnummerError

MESSAGES = {
    400: ("Felaktig begäran", "Begäran kunde inte tolkas. Gå tillbaka och försök igen."),
    403: ("Åtkomst nekad", "Du har inte behörighet att göra detta."),
    404: ("Sidan finns inte", "Sidan du söker finns inte, eller så har du inte tillgång till den."),
    405: ("Metoden är inte tillåten", "Sidan kan inte användas på det sättet."),
    413: ("För mycket data", "Det du skickade var för stort."),
    429: (
        "För många försök",
        "För många misslyckade inloggningar. Vänta en stund och försök sedan igen.",
    ),
    500: ("Något gick fel", "Ett oväntat fel inträffade. Inget har sparats. Försök igen om en stund."),
    503: (
        "Databasen går bara att läsa",
        "Databasen går just nu bara att läsa, så inget kan sparas – inte heller en inloggning. "
        "Det du ville göra är inte gjort. Försök igen om en stund.",
    ),
}

#: Seconds a client is asked to wait when the database can only be read.
READ_ONLY_RETRY_AFTER = 120


def render_error(status: int, message: str | None = None, headers: dict | None = None):
    """Render the Swedish error page (or fragment) for a status code."""
    title, text = MESSAGES.get(status, MESSAGES[500 if status >= 500 else 400])
    template = "errors/_error.html" if htmx and not htmx.boosted else "errors/error.html"
    body = render_template(template, status=status, title=title, text=message or text)
    return body, status, headers or {}


def handle_csrf(error: CSRFError):
    """Explain an expired or missing CSRF token in Swedish."""
    return render_error(
        400,
        "Formuläret har gått ut eller saknar säkerhetstoken. Ladda om sidan och försök igen.",
    )


def handle_personnummer(error: PersonnummerError):
    """Refuse text that reached the database guard with a personnummer; nothing is stored."""
    db.session.rollback()
    return render_error(400, error.message)


def handle_unsafe_text(error: UnsafeTextError):
    """Refuse text that reached the database with control or bidi override characters."""
    db.session.rollback()
    return render_error(400, error.message)


def handle_http(error: HTTPException):
    """Render any HTTP error in Swedish."""
    status = error.code or 500
    headers = {}
    if status == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if status == 429 and getattr(error, "retry_after", None):
        headers["Retry-After"] = str(error.retry_after)
    return render_error(status, headers=headers)


def is_read_only_database(error: BaseException) -> bool:
    """Tell whether a database error means that the database can only be read just now.

    SQLite: SQLITE_READONLY ("attempt to write a readonly database": a read-only file or mount);
    PostgreSQL: ReadOnlySqlTransaction, SQLSTATE 25006 (default_transaction_read_only, a standby).
    """
    original = getattr(error, "orig", None) or error
    if isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None)
        if code is None:
            return "readonly database" in str(original)
        return code & 0xFF == sqlite3.SQLITE_READONLY  # the primary code of any extended one
    return getattr(original, "sqlstate", None) == "25006"


def handle_database_error(error: Exception):
    """Answer 503 with Retry-After when the database can only be read; other errors go on as before."""
    if not is_read_only_database(error):
        if current_app.testing or current_app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error
        return handle_unexpected(error)
    db.session.rollback()
    return render_error(503, headers={"Retry-After": str(READ_ONLY_RETRY_AFTER)})


def describe_error(error: BaseException) -> str:
    """Describe an error for the log without any of the users' text.

    Exception messages are left out: a database error quotes the row or key that failed
    (PostgreSQL's DETAIL, the statement's parameters) and ``int()`` quotes what it could not
    read. What is logged: the chain of exception types, the database's error code and
    constraint, the SQL statement (its placeholders, never the values) and the traceback's frames.
    """
    lines, seen, current = [], set(), error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = f"{type(current).__module__}.{type(current).__qualname__}"
        diag = getattr(current, "diag", None)
        code = getattr(current, "sqlstate", None) or getattr(current, "sqlite_errorname", None)
        constraint = getattr(diag, "constraint_name", None)
        facts = [kind, code and f"code={code}", constraint and f"constraint={constraint}"]
        lines.append(" ".join(filter(None, facts)))
        current = current.__cause__ or current.__context__
    statement = getattr(error, "statement", None)
    if statement:
        lines.append(f"SQL: {statement[:2000]}")
    lines += [line.rstrip() for line in traceback.format_tb(error.__traceback__)]
    return "\n".join(lines)


def handle_unexpected(error: Exception):
    """Roll back and show a calm 500 page; log the error without the users' text."""
    db.session.rollback()
    rule = request.url_rule.rule if request.url_rule else "(no route)"
    current_app.logger.error("unhandled error on %s %s\n%s", request.method, rule, describe_error(error))
    return render_error(500)


def init_app(app) -> None:
    """Register the error handlers."""
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(PersonnummerError, handle_personnummer)
    app.register_error_handler(UnsafeTextError, handle_unsafe_text)
    app.register_error_handler(HTTPException, handle_http)
    # Always, also in tests: a read-only database is an answer (503), not a crash.
    # sqlite3's own error too, for one raised where SQLAlchemy does not wrap it (a BEGIN listener).
    for database_error in (OperationalError, InternalError, sqlite3.OperationalError):
        app.register_error_handler(database_error, handle_database_error)
    if not app.config.get("PROPAGATE_EXCEPTIONS") and not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
