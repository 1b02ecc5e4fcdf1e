"""Tests for po_meetings.personnummer."""

import datetime as dt
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import Form, TextAreaField

from po_meetings.personnummer import (
    DEFAULT_MESSAGE,
    NoPersonnummer,
    PersonnummerError,
    contains_personnummer,
    ensure_no_personnummer,
)

SEPARATORS = ["-", "+", " ", "", "\u00a0", "\u2013"]
NON_DIGITS = string.ascii_letters + "åäöÅÄÖé .,:;!?()/\n-"


def check_digit(nine: str) -> str:
    """Return the Luhn check digit for nine digits (independent of the module)."""
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def render(date: dt.date, serial: int, coordination: bool, twelve: bool, sep: str, check=None) -> str:
    """Render a number; check overrides the computed check digit."""
    day = date.day + (60 if coordination else 0)
    yymmdd = f"{date:%y%m}{day:02d}"
    nine = yymmdd + f"{serial:03d}"
    last = check_digit(nine) if check is None else check
    head = f"{date.year // 100}{yymmdd}" if twelve else yymmdd
    return f"{head}{sep}{serial:03d}{last}"


numbers = st.builds(
    render,
    date=st.dates(dt.date(1900, 1, 1), dt.date(2025, 12, 31)),
    serial=st.integers(0, 999),
    coordination=st.booleans(),
    twelve=st.booleans(),
    sep=st.sampled_from(SEPARATORS),
)
# Surrounding text may contain digits, but never right next to the number.
prefixes = st.builds(
    lambda body, last: body + last,
    st.text(NON_DIGITS + string.digits, max_size=30),
    st.sampled_from(NON_DIGITS),
) | st.just("")
suffixes = st.builds(
    lambda first, body: first + body,
    st.sampled_from(NON_DIGITS),
    st.text(NON_DIGITS + string.digits, max_size=30),
) | st.just("")


def test_check_digit_helper_matches_hand_computation():
    # 811218987: weights 2,1,2,1,... give 16->7,1,2,2,2,8,18->9,8,14->5 = 44 -> 6
    assert check_digit("811218987") == "6"
    # 121212121: nine products of 2 = 18 -> 2
    assert check_digit("121212121") == "2"


@settings(max_examples=300, deadline=None)
@given(prefix=prefixes, number=numbers, suffix=suffixes)
def test_valid_numbers_in_text_are_caught(prefix, number, suffix):
    assert contains_personnummer(prefix + number + suffix)


@settings(max_examples=200, deadline=None)
@given(
    date=st.dates(dt.date(1900, 1, 1), dt.date(2025, 12, 31)),
    serial=st.integers(0, 999),
    coordination=st.booleans(),
    twelve=st.booleans(),
    sep=st.sampled_from(SEPARATORS),
    offset=st.integers(1, 9),
)
def test_wrong_check_digit_is_not_caught(date, serial, coordination, twelve, sep, offset):
    good = render(date, serial, coordination, twelve, sep)
    bad = render(date, serial, coordination, twelve, sep, check=str((int(good[-1]) + offset) % 10))
    assert contains_personnummer(good)
    assert not contains_personnummer(bad)


@pytest.mark.parametrize(
    "nine",
    [
        "811318987",  # month 13
        "810018987",  # month 00
        "811232987",  # day 32
        "811200987",  # day 00
        "810230987",  # 30 February
        "811292987",  # samordningsnummer day 92 (32 + 60)
        "230229987",  # 29 February: neither 1923 nor 2023 is a leap year
        "212000135",  # organisationsnummer: "month" 20
    ],
)
def test_invalid_dates_are_not_caught_despite_correct_luhn(nine):
    number = nine[:6] + "-" + nine[6:] + check_digit(nine)
    assert not contains_personnummer(number)
    assert not contains_personnummer(number.replace("-", ""))


def test_leap_day_century_rules():
    nine = "000229123"
    ten = nine + check_digit(nine)
    assert contains_personnummer(ten)  # 2000 is a leap year
    assert contains_personnummer("20" + ten)
    assert not contains_personnummer("19" + ten)  # 1900 is not
    assert contains_personnummer("20" + ten[:6] + "-" + ten[6:])


def test_twelve_digit_year_must_be_1800_to_2099():
    assert contains_personnummer("18121212-1212")
    assert not contains_personnummer("17121212-1212")
    assert not contains_personnummer("21121212-1212")


@pytest.mark.parametrize(
    "text, expected",
    [
        # Luhn over 121212121 is 2 (see helper test), so all these are valid.
        ("19121212-1212", True),
        ("121212-1212", True),
        ("121212+1212", True),
        ("201212121212", True),
        ("121212-1213", False),
        ("811218-9876", True),  # check digit 6, computed by hand above
        ("8112189876", True),
        ("19811218 9876", True),
        ("198112189876", True),
        ("811218\u00a09876", True),
        ("811218\u20139876", True),
        ("pnr:8112189876.", True),
        ("Klienten (811218-9876) ringde.", True),
        # 811278: day 18 + 60; the tens digit 1 -> 7 sits at weight 2, so its
        # contribution goes 2 -> 14 -> 5 (+3): sum 47, check digit 3.
        ("811278-9873", True),
        ("811278-9876", False),
        # Part of a longer run of digits.
        ("98112189876", False),
        ("81121898761", False),
        ("1234198112189876", False),
    ],
)
def test_known_examples(text, expected):
    assert contains_personnummer(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "Mötet hölls 2025-03-04.",
        "2025-03-04 14:05",
        "Ring 070-123 45 67 eller 08-123 456 78.",
        "+46 70 123 45 67",
        # Looks like 2007-01-23 + serial 456, but the Luhn digit would be 9,
        # not 7. A mobile number whose Luhn digit happens to fit IS caught:
        # it is indistinguishable from a personnummer.
        "0701234567",
        "Budget 1 234 567 kr",
        "12 500 000",
        "3 500,50 kr",
        "Organisationsnummer 212000-1355",
        "556036-0793",
        "Postadress 123 45 Stockholm",
        "Året 2025",
        "Dnr 2025/1234",
        "Ärende SF-2026-007",
        "Kl. 14:05–15:30",
        "",
        None,
    ],
)
def test_ordinary_text_passes(text):
    assert not contains_personnummer(text)
    ensure_no_personnummer(text)


def test_ambiguous_phone_number_with_valid_luhn_is_caught():
    assert contains_personnummer("0701234569")


def test_ensure_no_personnummer_raises():
    with pytest.raises(PersonnummerError) as excinfo:
        ensure_no_personnummer("Klient 19811218-9876")
    assert isinstance(excinfo.value, ValueError)
    assert str(excinfo.value) == DEFAULT_MESSAGE
    assert excinfo.value.message == DEFAULT_MESSAGE


class NotesForm(Form):
    notes = TextAreaField("Anteckningar", validators=[NoPersonnummer()])


class CustomForm(Form):
    notes = TextAreaField("Anteckningar", validators=[NoPersonnummer(message="Nej.")])


def test_validator_rejects_number_without_repeating_it():
    form = NotesForm(MultiDict({"notes": "Samtal med 811218-9876 om arbetsmiljön."}))
    assert not form.validate()
    assert form.notes.errors == [DEFAULT_MESSAGE]
    assert not any(ch.isdigit() for ch in form.notes.errors[0])
    # The refused text is dropped, so a re-rendered form does not show it again.
    assert "811218" not in form.notes()


def test_validator_custom_message():
    form = CustomForm(MultiDict({"notes": "8112189876"}))
    assert not form.validate()
    assert form.notes.errors == ["Nej."]


@pytest.mark.parametrize("data", ["Mötet 2025-03-04 kl. 14:05, dnr 2025/1234.", "", None])
def test_validator_accepts_clean_empty_and_none(data):
    form = NotesForm(data={"notes": data})
    assert form.notes.data == data
    assert form.validate()
    assert form.notes.errors == []
