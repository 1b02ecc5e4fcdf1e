"""Tests for po_meetings.personnummer."""

import datetime as dt
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import Form, TextAreaField

from po_meetings import permissions
from po_meetings.personnummer import (
    DEFAULT_MESSAGE,
    NoPersonnummer,
    PersonnummerError,
    contains_personnummer,
    ensure_no_personnummer,
)

SEPARATORS = ["-", "+", " ", "", "\u00a0", "\u2013"]
TODAY = dt.date.today()
# Plausible birth dates: not in the future, at most 120 years ago (a day's margin each side).
OLDEST = dt.date(TODAY.year - 120, 1, 1) + dt.timedelta(days=366)
NEWEST = TODAY - dt.timedelta(days=1)
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
    date=st.dates(OLDEST, NEWEST),
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
    date=st.dates(OLDEST, NEWEST),
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


def test_twelve_digit_year_must_be_a_plausible_birth_year():
    # Luhn over 121212121 is 2: only the century differs.
    assert contains_personnummer("19121212-1212")
    assert contains_personnummer("20121212-1212")
    assert not contains_personnummer("18121212-1212")  # over 120 years ago
    assert not contains_personnummer("17121212-1212")
    assert not contains_personnummer("21121212-1212")  # in the future


def twelve(date: dt.date, serial: int = 42, coordination: bool = False) -> str:
    """Return a valid twelve-digit number for the date, with a hyphen."""
    return render(date, serial, coordination, twelve=True, sep="-")


def test_birth_date_must_not_be_in_the_future():
    assert contains_personnummer(twelve(TODAY - dt.timedelta(days=1)))
    assert not contains_personnummer(twelve(TODAY + dt.timedelta(days=2)))
    assert not contains_personnummer(twelve(TODAY + dt.timedelta(days=400), coordination=True))
    # A reference number dated next year is not a personnummer.
    assert not contains_personnummer(f"Ärende {twelve(dt.date(TODAY.year + 1, 3, 4))}")


def test_birth_date_must_be_at_most_120_years_ago():
    assert contains_personnummer(twelve(dt.date(TODAY.year - 119, 6, 15)))
    assert not contains_personnummer(twelve(dt.date(TODAY.year - 121, 6, 15)))
    assert not contains_personnummer(twelve(dt.date(1899, 12, 31)))


def test_ten_digits_take_the_century_that_makes_a_plausible_date():
    # 811218: only 1981 is in the past; 121212: 1912 and 2012 both are.
    assert contains_personnummer("811218-9876")
    assert contains_personnummer("811218+9876")  # a plus written by mistake still shows the number
    # Next year's date in a ten-digit reference is read as a century earlier, like the Swedish rule.
    ten = render(dt.date(TODAY.year + 1 - 100, 1, 15), 7, False, twelve=False, sep="-")
    assert contains_personnummer(ten)


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


# 121212-1212 written the ways that got past the guard before: each shows a personnummer on the
# page (Markdown rendered, entities decoded) or to anyone reading the text.
SHOWN_AS_A_NUMBER = [
    "Klient 121212\\-1212",
    "Klient 121212 \\- 1212",
    "1212*12*-1212",
    "**121212**-1212",
    "*121212*-*1212*",
    "`121212-1212`",
    "`1212`12-1212",
    "[1212](https://example.se)12-1212",
    "121212&#45;1212",
    "121212&#x2D;1212",
    "121212&minus;1212",
    "121212&ndash;1212",
    "&#49;21212-1212",
    "&#x31;&#x32;1212-1212",
    "`121212&#45;1212`",
    "121212 - 1212",
    "121212  1212",
    "121212 – 1212",
    "121212.1212",
    "121212/1212",
    "121212:1212",
    "121212_1212",
    "1212_12_-1212",
    "121212\u20141212",  # em dash
    "121212\u20121212",  # figure dash
    "121212\u22121212",  # minus sign
    "121212\u20101212",  # hyphen
    "121212\u00ad1212",  # soft hyphen
    "121212\u200b1212",
    "121212\u200c-1212",
    "121212\u200d1212",
    "1212\u206012-1212",
    "\ufeff121212-1212",
    "12\u200b12\u200b12\u200b12\u200b12",
    "12 12 12-12 12",
    "12 12 12 - 12 12",
    "12.12.12-1212",
    "19 12 12 12 - 1212",
    "1912 12 12-1212",
    "1912-12-12-1212",
    "19121212 - 1212",
    "\uff11\uff12\uff11\uff12\uff11\uff12-\uff11\uff12\uff11\uff12",  # full-width
    "\u0661\u0662\u0661\u0662\u0661\u0662-\u0661\u0662\u0661\u0662",  # Arabic-Indic
    "\u06f1\u06f2\u06f1\u06f2\u06f1\u06f2-\u06f1\u06f2\u06f1\u06f2",  # Extended Arabic-Indic
    "\u0967\u0968\u0967\u0968\u0967\u0968-\u0967\u0968\u0967\u0968",  # Devanagari
    "\U0001d7cf\U0001d7d0\U0001d7cf\U0001d7d0\U0001d7cf\U0001d7d0-1212",  # mathematical bold
    "121212\uff0d1212",  # full-width hyphen
    "121212%2D1212",
    "https://example.se/?pnr=121212%252D1212",
    "Möte 2026-12-07 121212 - 1212",
    "Ring 070-123 45 67, klient 12 12 12-12 12.",
]


@pytest.mark.parametrize("text", SHOWN_AS_A_NUMBER)
def test_a_number_a_reader_sees_is_caught_however_it_is_typed(text):
    assert contains_personnummer(text)
    with pytest.raises(PersonnummerError):
        ensure_no_personnummer(text)
    form = NotesForm(MultiDict({"notes": text}))
    assert not form.validate()
    assert form.notes.errors == [DEFAULT_MESSAGE]
    assert form.notes.data == ""


@pytest.mark.parametrize(
    "text",
    [
        "121212%2D1212",
        "121212%252D1212",
        "121212%25252D1212",
        "121212+-+1212",
        "19+12+12+12+-+1212",
        "%EF%BC%91%EF%BC%92%EF%BC%91%EF%BC%92%EF%BC%91%EF%BC%92-1212",  # full-width, encoded
    ],
)
def test_a_number_in_a_url_is_caught_after_decoding(text):
    assert contains_personnummer(text, from_url=True)


@pytest.mark.parametrize(
    "text",
    [
        "Mötet 2025-03-04 14:05–15:30 i sal 2.",
        "2026-12-07 14.00",
        "2026-12-07 14:05:30",
        "2026-12-07 14–15",
        "2025-03-04 – 2025-03-10",
        "2025-03-04–2025-03-10",
        "07.12.2026 14.00",
        "7/12 2026",
        "Kl. 09.15–10.30 11.15–12.30",
        "070-123 45 67",
        "070 123 45 67",
        "070-1234567",
        "+46 70 123 45 67",
        "+46701234567",
        "08-123 456 78",
        "08-123 45 67",
        "Dnr KS 2026/1234",
        "Dnr 2005/1234-12",
        "Order 2005-015421",
        "ärende 2026-00123",
        "556036-0793",
        "16556036-0793",
        "20991231-0040",  # a reference number dated in the future
        "1 234 567 kr",
        "12 500 000",
        "1.234.567,50",
        "Tabell:\n12\n12\n12\n12\n12",
        "| 121212 | 1212 |\n|---|---|\n| 1 | 2 |",
        "Summa 12,12,12,12,12",
        "Se punkt 36. 02.02.2000 var dagen.",
        "https://example.se/?page=2&sort=1212",
        "Ökning 12%",
    ],
)
def test_ordinary_numbers_still_pass(text):
    assert not contains_personnummer(text)
    assert not contains_personnummer(text, from_url=True)


@pytest.mark.parametrize(
    "query",
    [
        "BankID 121212%2D1212",  # typed or pasted as "%2D": the browser sends %252D
        "121212%252D1212",
        "BankID 1212*12*-1212",
        "12 12 12 - 12 12",
        "\uff11\uff12\uff11\uff12\uff11\uff12-\uff11\uff12\uff11\uff12",
    ],
)
def test_a_search_holding_a_number_in_any_form_is_refused_and_not_echoed(client, auth, demo, caplog, query):
    auth.login_as(permissions.OMBUD)
    response = client.get(f"/groups/{demo.group_id}/system-errors", query_string={"q": query})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sökningen gjordes inte." in html
    assert query not in html and "1212" not in html and "\uff11" not in html
    assert "1212" not in caplog.text


def test_a_search_for_an_ordinary_number_still_runs(client, auth, demo):
    auth.login_as(permissions.OMBUD)
    response = client.get(
        f"/groups/{demo.group_id}/system-errors", query_string={"q": "070-123 45 67 2026-12-07"}
    )
    assert response.status_code == 200
    assert "Sökningen gjordes inte." not in response.get_data(as_text=True)
