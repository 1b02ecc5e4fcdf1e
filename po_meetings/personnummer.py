"""Detect Swedish personal identity numbers in free text, as typed and as a reader sees it.

Management groups use this tool while ombuds work is carried out under confidentiality: no
free text stored by the application may identify a client.  A personnummer or
samordningsnummer is the most direct identifier there is, so every free-text field is screened
with this module before it is saved, both in the forms (``NoPersonnummer``) and at the database
layer (``ensure_no_personnummer`` / ``PersonnummerError``, run at every flush on every text
column).

What is checked
---------------

A text is refused when a number shows up in any of three readings of it:

1. **as typed**: ten or twelve digits that touch no other digit, with at most one separator
   (hyphen, plus, space, no-break space, a dash look-alike) before the last four;
2. **normalised**: HTML entities decoded, Unicode NFKC, digits of every script mapped to
   ``0-9``, invisible characters (soft hyphen, zero-width characters, bidi marks, combining
   marks, control characters) removed, and so are Markdown's markers ``\\ * ` ~``, every dash
   read as ``-`` and every horizontal space as a space.  Digit groups joined by short runs of
   separators (spaces, dashes, ``/ _ +``, and ``.`` or ``:`` unless a space follows; at most
   five characters, never a line break or a comma) form a *chain*, and a number may be spread
   over a chain (``12 12 12-12 12``, ``19 12 12 12 - 1212``, ``1212*12*-1212``,
   ``121212&#45;1212``);
3. **as rendered**: when the text holds a character Markdown or HTML could change
   (``\\ * _ ` & < [``) and at least ten digits, it is rendered with
   :func:`po_meetings.markup.render_markdown`, tags are dropped (inline tags join their
   neighbours, block tags break the line), entities are decoded, and the visible text is
   normalised and checked as in 2.  This catches what only the page puts together, such as a
   link's text next to the digits after it (``[1212](https://…)12-1212``).

Percent-encoding (``%2D``) is decoded before the checks, repeatedly (``%252D``), a few rounds at
most: in free text because links end up in pages and the CSV export, and with ``from_url=True``
for text taken from a URL (then ``+`` is read as a space, as in a query string).

The grouping rule, and what keeps it from over-matching
-------------------------------------------------------

Inside a chain a candidate is a run of whole digit groups with ten or twelve digits, where

* every break between groups falls after an even number of digits: the groups are the natural
  pairs (century, year, month, day, serial, check), so ``070-123 45 67`` (``070|123``) and
  ``1 234 567`` never form a candidate;
* a number split anywhere is split between the date and the serial number too, so
  ``Order 2005-015421`` (``2005|015421``) is not read as ``200501-5421``;
* the break inside the last four digits, if any, is whitespace only: ``12 12`` is a serial
  written in pairs, while ``14.00``, ``14:05`` and ``14–15`` are times, so
  ``2026-12-07 14:05`` and ``2026-12-07 14–15`` pass;
* a candidate that does not span its whole chain begins and ends at a break that contains
  whitespace.  ``2025-03-04 – 2025-03-10`` therefore only offers ``2025-03-04`` and
  ``2025-03-10`` (eight digits each), never ``2025-03-04–2025`` or ``03-04 – 2025-03``;
* underscores alone are no break at all for these rules (in ``1_2_1212-1212`` they are
  emphasis markers left literal), but may stand between the date and the serial number (``121212_1212``).

Everything else is left to the real checks below: a run of digits in the right shape that is
not a personnummer passes them nine times in ten or more (the Luhn digit alone fits one time
in ten), and the property tests generate phone numbers, dates, times, amounts, case, order and
organisation numbers, alone and run together, without one being refused.  What remains
refused is genuinely indistinguishable: a compact date followed by four digits
(``20181025 2047``), or a date and a four-digit time without a separator (``2026-12-07 1400``)
when the check digit happens to fit.

Plausible birth date
--------------------

The date part is YYMMDD (or CCYYMMDD), the day plus 60 for a samordningsnummer, and the last
digit is the Luhn check digit over the ten-digit form.  The full date must exist, must not lie
in the future (one day of slack for the time zone) and must lie within the last 120 years.  A
twelve-digit number carries its century.  For a ten-digit number the century is the one that
makes the date plausible.  For ``-`` that is what the Swedish rule (born within the last 100
years) gives whenever any reading is plausible, so the rule needs no code of its own; a ``+``
(100 or older) is not held to its rule, because a ``+`` typed by mistake for a younger person
still shows a readable personnummer.  Reference numbers dated in the future
(``20271231-0042``) and organisationsnummer (month digits 20 or more) therefore pass.

Mobile numbers written without separators
-----------------------------------------

``07xxxxxxxx`` read as YYMMDD-NNNN is a date in 2007 (``070`` numbers only: ``072``, ``073``,
``076`` and ``079`` give months 20–99).  Someone born in 2007 is a young adult (18 or 19 in
2026), exactly the age at which a client may come to a personligt ombud, so such a number is refused when its date is
real and its Luhn digit fits: it is indistinguishable from that person's personnummer.  That
is about one 070 number in twenty and about one mobile number in a hundred (the property tests
check the rate); written as usual (``070-123 45 67``) a phone number always passes.

The checked text is never logged, and error messages never repeat it.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import re
import unicodedata
from datetime import date, timedelta
from functools import lru_cache
from urllib.parse import unquote, unquote_plus

from wtforms.validators import ValidationError

from .markup import render_markdown

__all__ = [
    "DEFAULT_MESSAGE",
    "NoPersonnummer",
    "PersonnummerError",
    "contains_personnummer",
    "ensure_no_personnummer",
]

DEFAULT_MESSAGE = (
    "Texten verkar innehålla ett personnummer eller samordningsnummer. "
    "Ta bort det – uppgifter som kan identifiera en person får inte sparas här."
)

#: Oldest plausible birth date, in years before today.
MAX_AGE_YEARS = 120

# As typed: a candidate is YYMMDD or YYYYMMDD, an optional separator and four digits (three
# serial digits plus the Luhn digit).  The digits may not touch other digits.  The pattern sits
# inside a lookahead so that it matches with zero width: finditer then tries every start
# position, so a candidate that fails the checks never hides an overlapping one.
_CANDIDATE = re.compile(
    r"""
    (?<![0-9])                  # no digit just before
    (?=
      (?P<century>[0-9]{2})?    # optional century: 12-digit form
      (?P<date>[0-9]{6})        # YYMMDD (day + 60 for samordningsnummer)
      [-+\u2010\u2011\u2013\u2212\ \u00a0\u202f]?
      (?P<tail>[0-9]{4})        # serial number and check digit
      (?![0-9])                 # no digit just after
    )
    """,
    re.VERBOSE,
)

# Normalised text: digit groups joined by short runs of separator noise.  Line breaks, commas
# and letters end a chain.
# A full stop or colon followed by a space ends a sentence or a label, not a pair of digits.
_SEPARATOR = r"(?:[ \t\-/_+]|[.:](?![ \t]))"
_CHAIN = re.compile(rf"[0-9]+(?:{_SEPARATOR}{{1,5}}[0-9]+)*")
_GROUP = re.compile(r"[0-9]+")

# Characters Markdown or HTML may remove or turn into something else; only then is it worth
# rendering the text to see what a reader sees.
_MARKUP = re.compile(r"[\\*_`&<\[]")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
_INLINE_TAGS = frozenset({"a", "strong", "em", "del", "code", "b", "i", "span"})

_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_URL_DECODING_ROUNDS = 3

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# ASCII control characters other than tab and line breaks are invisible: drop them.  So are
# Markdown's markers (escapes, emphasis, code): rendered they vanish, and where they stay
# literal a reader still reads the digits on either side as one number.  An underscore is
# both a separator (121212_1212) and an emphasis marker (1_2_1212-1212); see _layout_ok.
_DROPPED = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\\*`~]+")
_SIX_DIGITS = re.compile(r"[0-9]{6}")

_LINE_BREAKS = frozenset("\x85\u2028\u2029")
_DASHES = frozenset("\u2212\u2796\u02d7\u2043\ufe63\uff0d")
_LOOK_ALIKES = {"\u2044": "/", "\u2215": "/", "\u2236": ":", "\u00b7": ".", "\u2024": "."}

_COORDINATION_OFFSET = 60

_CACHE_FROM_LENGTH = 200
_CACHE_SIZE = 1024
_RESULTS: dict[tuple[bytes, bool, date], bool] = {}


@lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    """Return what a non-ASCII character counts as when looking for numbers."""
    if char.isdecimal():
        return str(unicodedata.decimal(char))
    if char in _LINE_BREAKS:
        return "\n"
    if char.isspace():
        return " "
    category = unicodedata.category(char)
    if category == "Pd" or char in _DASHES:
        return "-"
    if category in ("Cf", "Mn", "Me", "Cc"):
        return ""  # invisible: soft hyphen, zero-width characters, bidi marks, combining marks
    return _LOOK_ALIKES.get(char, char)


def _normalise(text: str) -> str:
    """Return the text with entities decoded and every digit, dash and space in ASCII."""
    if "&" in text:
        text = html.unescape(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        text = _NON_ASCII.sub(lambda match: _fold(match.group()), text)
    return _DROPPED.sub("", text)


def _digit_count(text: str) -> int:
    """Return how many ASCII digits the text holds."""
    return sum(map(text.count, "0123456789"))


def _visible_text(text: str) -> str:
    """Return the text a reader sees once the Markdown is rendered and sanitised."""
    rendered = str(render_markdown(text))

    def replace(match: re.Match) -> str:
        return "" if match.group(2).lower() in _INLINE_TAGS else "\n"

    return html.unescape(_TAG.sub(replace, rendered))


def _luhn_ok(digits: str) -> bool:
    """Return True if the last digit is the Luhn check digit of the rest."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _plausible_birth_date(year: int, month: int, day: int, today: date) -> bool:
    """Return True if the date exists, is not in the future and is at most 120 years ago."""
    if day > _COORDINATION_OFFSET:
        day -= _COORDINATION_OFFSET
    if not 1 <= month <= 12 or day < 1 or day > calendar.monthrange(year, month)[1]:
        return False
    latest = today + timedelta(days=1)  # the server's day may be behind Sweden's
    earliest = (today.year - MAX_AGE_YEARS, today.month, today.day)
    return earliest <= (year, month, day) <= (latest.year, latest.month, latest.day)


def _is_personnummer(century: str | None, date_part: str, tail: str) -> bool:
    """Return True if the parts form a valid identity number with a plausible birth date."""
    if not _luhn_ok(date_part + tail):
        return False
    yy, month, day = int(date_part[:2]), int(date_part[2:4]), int(date_part[4:6])
    today = date.today()
    if century is not None:
        return _plausible_birth_date(int(century) * 100 + yy, month, day, today)
    first = (today.year - MAX_AGE_YEARS) // 100
    return any(
        _plausible_birth_date(hundreds * 100 + yy, month, day, today)
        for hundreds in range(first, today.year // 100 + 1)
    )


def _is_number(digits: str) -> bool:
    """Return True if ten or twelve digits are a valid identity number."""
    if len(digits) == 12:
        return _is_personnummer(digits[:2], digits[2:8], digits[8:])
    return _is_personnummer(None, digits[:6], digits[6:])


def _breaks_chain(separator: str) -> bool:
    """Return True if a candidate may start or end at this separator (it holds whitespace)."""
    return " " in separator or "\t" in separator


def _layout_ok(length: int, breaks: list[tuple[int, str]]) -> bool:
    """Return True if the breaks inside a candidate fall where a personnummer may be split."""
    # A break of underscores alone may be an emphasis marker left literal (1_2_1212-1212):
    # it counts as the break between date and serial number but breaks no other rule.
    hard = [(offset, separator) for offset, separator in breaks if separator.strip("_")]
    if hard and all(offset != length - 4 for offset, _ in breaks):
        return False  # split somewhere, but not between the date and the serial number
    for offset, separator in hard:
        if offset % 2:
            return False  # only between the natural pairs
        if offset == length - 2 and separator.strip(" \t_"):
            return False  # 14.00, 14:05, 14–15: a time, not a serial written in pairs
    return True


def _chain_has_number(chain: str) -> bool:
    """Return True if a chain of digit groups holds a number spread over its groups."""
    groups = [(m.start(), m.end()) for m in _GROUP.finditer(chain)]
    texts = [chain[start:end] for start, end in groups]
    separators = [chain[groups[k][1] : groups[k + 1][0]] for k in range(len(groups) - 1)]
    last = len(groups) - 1
    for first in range(len(groups)):
        if first > 0 and not _breaks_chain(separators[first - 1]):
            continue
        digits, breaks = "", []
        for k in range(first, len(groups)):
            if k > first:
                breaks.append((len(digits), separators[k - 1]))
            digits += texts[k]
            if len(digits) > 12:
                break
            if (
                len(digits) in (10, 12)
                and (k == last or _breaks_chain(separators[k]))
                and _layout_ok(len(digits), breaks)
                and _is_number(digits)
            ):
                return True
    return False


def _typed_has_number(text: str) -> bool:
    """Return True if the text holds a number written with at most one separator."""
    if not _SIX_DIGITS.search(text):
        return False
    return any(
        _is_personnummer(match["century"], match["date"], match["tail"])
        for match in _CANDIDATE.finditer(text)
    )


def _normalised_has_number(text: str) -> bool:
    """Return True if normalised text holds a number, typed plainly or spread over a chain."""
    if _digit_count(text) < 10:
        return False
    if _typed_has_number(text):
        return True
    return any(
        _digit_count(match.group()) >= 10 and _chain_has_number(match.group())
        for match in _CHAIN.finditer(text)
    )


def _has_number(text: str) -> bool:
    """Return True if the text shows a number as typed, normalised or rendered."""
    if _typed_has_number(text):
        return True
    normalised = _normalise(text)
    if _digit_count(normalised) < 10:
        return False  # rendering only removes characters and decodes entities, never adds digits
    if _normalised_has_number(normalised):
        return True
    return bool(_MARKUP.search(text)) and _normalised_has_number(_normalise(_visible_text(text)))


def _decodings(text: str, from_url: bool) -> list[str]:
    """Return the text and its percent-decodings, repeated until stable (a few rounds)."""
    texts = [text]
    decode = unquote_plus if from_url else unquote
    while len(texts) <= _URL_DECODING_ROUNDS and (
        _PERCENT.search(texts[-1]) or (from_url and "+" in texts[-1])
    ):
        decoded = decode(texts[-1])
        if decoded == texts[-1]:
            break
        texts.append(decoded)
    return texts


def contains_personnummer(text: str | None, *, from_url: bool = False) -> bool:
    """Return True if the text contains a personnummer or samordningsnummer.

    Pass ``from_url=True`` for text taken from a URL (a search), so that ``+`` reads as a space.
    """
    if not text:
        return False
    if len(text) < _CACHE_FROM_LENGTH:
        return any(_has_number(variant) for variant in _decodings(text, from_url))
    # A long text is checked by the form, the service and again at every flush of its row:
    # remember the answer under the text's digest (never the text) for the day.
    key = (hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest(), from_url, date.today())
    found = _RESULTS.get(key)
    if found is None:
        found = any(_has_number(variant) for variant in _decodings(text, from_url))
        if len(_RESULTS) >= _CACHE_SIZE:
            _RESULTS.clear()
        _RESULTS[key] = found
    return found


class PersonnummerError(ValueError):
    """Raised when text that is about to be stored contains an identity number."""

    def __init__(self, message: str = DEFAULT_MESSAGE) -> None:
        super().__init__(message)
        self.message = message


def ensure_no_personnummer(text: str | None) -> None:
    """Raise PersonnummerError if the text contains an identity number."""
    if contains_personnummer(text):
        raise PersonnummerError()


class NoPersonnummer:
    """WTForms validator rejecting text that contains an identity number."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message or DEFAULT_MESSAGE

    def __call__(self, form, field) -> None:
        """Raise ValidationError if the field's text contains an identity number."""
        data = field.data
        if isinstance(data, str) and contains_personnummer(data):
            # The refused text must not come back in the re-rendered form either.
            field.data = ""
            field.raw_data = [""]
            raise ValidationError(self.message)
