"""Detect Swedish personal identity numbers in free text.

Management groups use this tool while ombuds work is carried out under
confidentiality: no free text stored by the application may identify a
client.  A personnummer or samordningsnummer is the most direct identifier
there is, so every free-text field is screened with this module before it is
saved, both in the forms (``NoPersonnummer``) and at the database layer
(``ensure_no_personnummer`` / ``PersonnummerError``).

A candidate is only reported when it has a real calendar date and a correct
Luhn check digit, which keeps ordinary numbers (dates, phone numbers,
amounts, organisationsnummer, case numbers) from being rejected.  A ten-digit
number such as a mobile number ``0701234567`` can still be reported when it
happens to look like a date and its Luhn digit happens to match; such a
string is genuinely indistinguishable from a personnummer, and rejecting it
is the safe choice.

The checked text is never logged, and error messages never repeat it.
"""

from __future__ import annotations

import calendar
import re

from wtforms.validators import ValidationError

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

# A candidate is YYMMDD or YYYYMMDD, an optional separator and four digits
# (three serial digits plus the Luhn digit).  Separators: hyphen, plus (the
# person is 100 or older), space, no-break spaces and the dash look-alikes
# word processors substitute for a hyphen.  The digits may not touch other
# digits.  The pattern sits inside a lookahead so that it matches with zero
# width: finditer then tries every start position, so a candidate that fails
# the checks never hides an overlapping one.  Because of the digit boundaries
# a 12-digit run is only read as YYYYMMDDNNNN and a 10-digit run only as
# YYMMDDNNNN; no shorter window inside a longer run is ever considered.
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

_COORDINATION_OFFSET = 60


def _luhn_ok(digits: str) -> bool:
    """Return True if the last digit is the Luhn check digit of the rest."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _date_ok(years: list[int], month: int, day: int) -> bool:
    """Return True if month/day is a real date in any of the given years."""
    if day > _COORDINATION_OFFSET:
        day -= _COORDINATION_OFFSET
    if not 1 <= month <= 12 or day < 1:
        return False
    return any(day <= calendar.monthrange(year, month)[1] for year in years)


def _is_personnummer(century: str | None, date: str, tail: str) -> bool:
    """Return True if the candidate parts form a valid identity number."""
    yy, month, day = int(date[:2]), int(date[2:4]), int(date[4:6])
    if century is None:
        # Without a century, accept the date if it exists in either century.
        years = [1900 + yy, 2000 + yy]
    else:
        year = int(century + date[:2])
        if not 1800 <= year <= 2099:
            return False
        years = [year]
    return _date_ok(years, month, day) and _luhn_ok(date + tail)


def contains_personnummer(text: str | None) -> bool:
    """Return True if the text contains a personnummer or samordningsnummer."""
    if not text:
        return False
    for match in _CANDIDATE.finditer(text):
        if _is_personnummer(match["century"], match["date"], match["tail"]):
            return True
    return False


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
