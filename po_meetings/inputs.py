"""Bad input refused in one place, the same on SQLite and PostgreSQL.

* **Ids** in URLs (``<int:…>``) are bounded to the range of the database's ``integer`` columns:
  a larger one matches no route and answers 404, before login too (:class:`IdConverter`).
  Integer query arguments such as ``?page=`` go through :func:`int_arg` (404 when out of range).
* **Text** may not hold control characters (NUL and the other C0 and C1 controls; newline,
  carriage return and tab are fine) or the bidi embedding, override and isolate characters
  (U+202A–U+202E, U+2066–U+2069), which make a name or title read differently from what it
  holds. The marks U+200E/U+200F (LRM/RLM) are harmless and allowed. Every form field is checked
  by :class:`po_meetings.forms.BaseForm` (the message sits beside the field), every text column
  at flush by :func:`ensure_safe_text` (a 400 page). The address has no field to show a message
  beside (:func:`check_request`): a path or a posted field *name* with such a character answers
  400; in the query string (a search, ``?next=``, the filters) the characters are removed before
  any view reads it, so a search for ``tolk<NUL>`` is a search for ``tolk`` on both databases
  and an odd filter value is ignored as before.

SQLite stores NUL where PostgreSQL refuses it, and SQLite overflows at 2⁶³ where PostgreSQL's
``integer`` ends at 2³¹ − 1: refusing both here keeps the two databases alike.
"""

from __future__ import annotations

import re

from flask import abort, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

__all__ = [
    "MAX_ID",
    "UNSAFE_TEXT_MESSAGE",
    "IdConverter",
    "UnsafeTextError",
    "ensure_safe_text",
    "has_unsafe_characters",
    "int_arg",
    "is_id",
    "parse_id",
    "remove_unsafe_characters",
    "check_request",
]

#: The largest value of a PostgreSQL ``integer`` (the type of every id column).
MAX_ID = 2**31 - 1
#: The smallest value of a PostgreSQL ``integer``.
MIN_INT = -(2**31)

#: C0 controls but tab, newline and carriage return; DEL and the C1 controls; the bidi
#: embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

#: A whole number as typed in a query string (ASCII digits, an optional sign).
_INTEGER = re.compile(r"[+-]?[0-9]{1,30}")

UNSAFE_TEXT_MESSAGE = (
    "Texten innehöll otillåtna tecken (styrtecken eller tecken som vänder textens riktning). "
    "De syns inte och har tagits bort här: kontrollera texten och spara igen."
)
#: The refusal of a request whose path or posted field names hold such characters.
UNSAFE_REQUEST_MESSAGE = (
    "Adressen eller formuläret innehåller otillåtna tecken (styrtecken eller tecken som vänder "
    "textens riktning). Gå tillbaka och försök igen."
)
#: The refusal of text that reached the database without passing a form.
UNSAFE_STORE_MESSAGE = (
    "Texten innehåller otillåtna tecken (styrtecken eller tecken som vänder textens riktning). "
    "Inget har sparats. Ta bort tecknen och försök igen."
)


class UnsafeTextError(ValueError):
    """Raised when text that is about to be stored holds a control or bidi override character."""

    def __init__(self, message: str = UNSAFE_STORE_MESSAGE) -> None:
        super().__init__(message)
        self.message = message


def has_unsafe_characters(text) -> bool:
    """Return whether a string holds a control character or a bidi override."""
    return isinstance(text, str) and _UNSAFE.search(text) is not None


def remove_unsafe_characters(text: str) -> str:
    """Return the text without its control characters and bidi overrides."""
    return _UNSAFE.sub("", text)


def ensure_safe_text(text) -> None:
    """Raise UnsafeTextError if the text holds a control character or a bidi override."""
    if has_unsafe_characters(text):
        raise UnsafeTextError()


def is_id(value) -> bool:
    """Return whether a value is an int the database's integer columns can hold."""
    return isinstance(value, int) and not isinstance(value, bool) and MIN_INT <= value <= MAX_ID


def _up_to(limit: str) -> str:
    """Return a regex for the decimal numbers 0 … limit (no leading zeros beyond the length)."""
    parts = [f"[0-9]{{1,{len(limit) - 1}}}"]
    for i, digit in enumerate(limit):
        rest = len(limit) - i - 1
        if i == len(limit) - 1:
            parts.append(f"{limit[:i]}[0-{digit}]")
        elif digit != "0":
            low = "1" if i == 0 else "0"
            below = int(digit) - 1
            if below >= int(low):
                span = str(below) if below == int(low) else f"[{low}-{below}]"
                parts.append(f"{limit[:i]}{span}[0-9]{{{rest}}}")
    return "|".join(parts)


class IdConverter(IntegerConverter):
    """The app's ``int`` URL converter: an id beyond the database's integer range matches no route.

    The range is in the pattern itself, so a larger number is not an id at all (404, whatever
    the method; a converter that refused it afterwards would make werkzeug answer 405 when
    another method's rule has the same path). ASCII digits only, at most ten of them.
    """

    regex = f"(?:{_up_to(str(MAX_ID))})"

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


_ID = re.compile(IdConverter.regex)


def parse_id(text) -> int | None:
    """Return the id a string spells (ASCII digits, within the integer range), or None."""
    return int(text) if isinstance(text, str) and _ID.fullmatch(text) else None


def int_arg(name: str, default: int, low: int = 1, high: int = MAX_ID) -> int:
    """Return an integer query argument: the default if missing or not a number, 404 if out of range."""
    raw = request.args.get(name, "").strip()
    if not _INTEGER.fullmatch(raw):
        return default  # missing or not a number: as before, the first page
    value = int(raw)
    if not low <= value <= high:
        abort(404)
    return value


def check_request():
    """Refuse a path or posted field name with unsafe characters (400); clean the query string.

    Posted values are left to the forms, which put the message beside the field (and to the
    check at flush for anything else that would be stored).
    """
    names = [request.path, *(request.form.keys() if request.method == "POST" else ())]
    if any(has_unsafe_characters(name) for name in names):
        raise UnsafeTextError(UNSAFE_REQUEST_MESSAGE)  # errors.py answers 400 with the message
    pairs = list(request.args.items(multi=True))
    if any(has_unsafe_characters(key) or has_unsafe_characters(value) for key, value in pairs):
        request.args = ImmutableMultiDict(
            [(remove_unsafe_characters(key), remove_unsafe_characters(value)) for key, value in pairs]
        )
    return None


def init_app(app) -> None:
    """Bound the ``int`` URL converter and check every request's address (before the blueprints)."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(check_request)
