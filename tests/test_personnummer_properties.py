"""Property tests: a number is caught however it is written, and ordinary numbers pass.

The generators are written independently of po_meetings.personnummer: the check digit, the
plausible birth dates and the ways of writing a number come from the Swedish rules and from
what a reader of the rendered page sees, not from the module's code.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from html import unescape
from urllib.parse import quote, quote_plus

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from po_meetings.markup import render_markdown
from po_meetings.personnummer import contains_personnummer

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TODAY = dt.date.today()
# Plausible birth dates: not in the future, at most 120 years ago (a day's margin each side).
OLDEST = dt.date(TODAY.year - 120, 1, 1) + dt.timedelta(days=366)
NEWEST = TODAY - dt.timedelta(days=1)


def check_digit(nine: str) -> str:
    """Return the Luhn check digit for nine digits."""
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def luhn_ok(ten: str) -> bool:
    """Return True if the tenth digit is the Luhn check digit of the first nine."""
    return check_digit(ten[:9]) == ten[9]


def plausible(year: int, month: int, day: int) -> bool:
    """Return True if the date (day + 60 for samordningsnummer) exists and is a plausible birth date."""
    if day > 60:
        day -= 60
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return False
    return OLDEST - dt.timedelta(days=366) <= born <= TODAY


def is_identity_number(ten: str) -> bool:
    """Return True if ten digits without a century are a personnummer by the rules."""
    yy, month, day = int(ten[:2]), int(ten[2:4]), int(ten[4:6])
    return luhn_ok(ten) and any(plausible(century + yy, month, day) for century in (1900, 2000))


# -- valid numbers in every form ---------------------------------------------------------------

# Between the pairs of the date, and between the date and the serial number.  A full stop or
# colon followed by a space ends a sentence, so ". " and ": " are not among them.
SEPARATORS = [
    "", "", "", " ", "  ", "-", " - ", ".", "/", ":", "_",
    "\u2013", " \u2013 ", "\u2014", "\u2012", "\u2212", "\u2010", "\u2011", "\ufe63", "\uff0d",
    "\u00a0", "\u202f", "\u2009", "\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
]  # fmt: skip
# Between the two pairs of the last four digits: a serial written in pairs, "12 12".
SERIAL_SEPARATORS = ["", "", " ", "\u00a0", "\u202f", "\u00ad", "\u200b", "\u2060", "\ufeff"]
INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
# Zero of each script; NFKC turns some into ASCII, the others are decimal digits.
ZEROS = [0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x1D7CE, 0x1D7EC, 0x0AE6, 0x1040]
# Markdown-escapable separators: a backslash before them disappears on the page.
ESCAPABLE = set("-._+*/:")
CONTEXTS_BEFORE = [
    "",
    "Klient ",
    "Samtal med ",
    "pnr: ",
    "(",
    "Möte 2026-12-07, klient ",
    "Ring 070-123 45 67 om ",
]
CONTEXTS_AFTER = ["", " ringde.", ").", ", tel 08-123 45 67", "\nNästa rad 2026-12-07 14.00."]


def visible(separator: str) -> bool:
    """Return True if a separator surely shows on the page (it is not empty or invisible).

    An underscore may not: Markdown reads it as an emphasis marker when another one follows
    (``200001–01_0008_`` shows as ``200001–01<em>0008</em>``, split after the month only).
    """
    return bool(separator.strip("".join(INVISIBLE) + "_"))


@st.composite
def identity_numbers(draw) -> str:
    """Return the digits of a valid personnummer or samordningsnummer (10 or 12 digits)."""
    born = draw(st.dates(OLDEST, NEWEST))
    coordination = draw(st.booleans())
    day = born.day + (60 if coordination else 0)
    nine = f"{born:%y%m}{day:02d}{draw(st.integers(0, 999)):03d}"
    ten = nine + check_digit(nine)
    return f"{born.year // 100}{ten}" if draw(st.booleans()) else ten


def entity(char: str, style: int) -> str:
    """Return an HTML entity for a character: decimal, hexadecimal or named."""
    named = {"-": "&hyphen;", "\u2212": "&minus;", "\u2013": "&ndash;", "\u2014": "&mdash;", " ": "&nbsp;"}
    if style == 2 and char in named:
        return named[char]
    return f"&#{ord(char)};" if style == 0 else f"&#x{ord(char):X};"


@st.composite
def written_numbers(draw) -> str:
    """Return a valid number as someone might write it, with the decorations a page would hide."""
    digits = draw(identity_numbers())
    pairs = [digits[i : i + 2] for i in range(0, len(digits), 2)]
    # separators[k] sits after pairs[k]; the one before the last two pairs may be a plus.
    serial_break = len(pairs) - 3
    separators = []
    for k in range(len(pairs) - 1):
        if k == len(pairs) - 2:
            separators.append(draw(st.sampled_from(SERIAL_SEPARATORS)))
        elif k == serial_break:
            separators.append(draw(st.sampled_from([*SEPARATORS, "+", "-", "-"])))
        else:
            separators.append(draw(st.sampled_from(SEPARATORS)))
    # A number split anywhere is split between the date and the serial number too.
    if any(visible(separator) for separator in separators) and not visible(separators[serial_break]):
        separators[serial_break] += draw(st.sampled_from(["-", " ", " - ", "\u2013"]))

    # Each token is what is typed for one character: digits may change script or become
    # entities, separators may be escaped or become entities.
    tokens: list[str] = []
    digit_script = draw(st.sampled_from([None, None, *ZEROS]))
    for k, pair in enumerate(pairs):
        for digit in pair:
            if digit_script and draw(st.booleans()):
                tokens.append(chr(digit_script + int(digit)))
            elif draw(st.integers(0, 9)) == 0:
                tokens.append(entity(digit, draw(st.integers(0, 1))))
            else:
                tokens.append(digit)
            if draw(st.integers(0, 11)) == 0:
                tokens.append(draw(st.sampled_from(INVISIBLE)))
        if k < len(separators):
            separator = separators[k]
            if len(separator) == 1 and separator in ESCAPABLE and draw(st.booleans()):
                separator = "\\" + separator
            elif separator.strip() and len(separator) == 1 and draw(st.integers(0, 3)) == 0:
                separator = entity(separator, draw(st.integers(0, 2)))
            tokens.append(separator)

    # Markdown emphasis or a code span around a stretch of the number.
    marker = draw(st.sampled_from([None, None, "*", "**", "`", "_"]))
    if marker:
        digit_positions = [
            i for i, token in enumerate(tokens) if token[:1].isdecimal() or token.startswith("&#")
        ]
        start = draw(st.sampled_from(digit_positions))
        end = draw(st.sampled_from([i for i in digit_positions if i >= start]))
        tokens.insert(end + 1, marker)
        tokens.insert(start, marker)
    return "".join(tokens)


@PROPERTY
@given(
    before=st.sampled_from(CONTEXTS_BEFORE),
    number=written_numbers(),
    after=st.sampled_from(CONTEXTS_AFTER),
)
def test_a_valid_number_is_caught_however_it_is_written(before, number, after):
    assert contains_personnummer(before + number + after)


@PROPERTY
@given(number=written_numbers())
def test_what_the_page_shows_is_caught_too(number):
    # The visible text of the rendered Markdown, as a reader (or a copy from the page) gets it.
    visible = unescape(re.sub(r"<[^>]+>", "", str(render_markdown(f"Klient {number}"))))
    assert contains_personnummer(visible)


@PROPERTY
@given(
    before=st.sampled_from(CONTEXTS_BEFORE),
    number=written_numbers(),
    rounds=st.integers(1, 3),
    plus=st.booleans(),
)
def test_a_valid_number_in_a_url_is_caught_after_decoding(before, number, rounds, plus):
    text = before + number
    for _ in range(rounds):
        text = quote_plus(text) if plus else quote(text)
    assert contains_personnummer(text, from_url=True)


@PROPERTY
@given(digits=identity_numbers())
def test_a_percent_encoded_hyphen_in_free_text_is_caught(digits):
    assert contains_personnummer(f"Se https://example.se/?id={digits[:-4]}%2D{digits[-4:]}")


# -- ordinary numbers pass ---------------------------------------------------------------------


def _digits(draw, count: int) -> str:
    return "".join(str(draw(st.integers(0, 9))) for _ in range(count))


@st.composite
def phone_numbers(draw) -> str:
    """Return a Swedish phone number written with the usual separators."""
    operator = draw(st.sampled_from("02369"))
    mobile = f"7{operator}"
    rest = _digits(draw, 7)
    shapes = [
        f"0{mobile}-{rest[:3]} {rest[3:5]} {rest[5:]}",
        f"0{mobile} {rest[:3]} {rest[3:5]} {rest[5:]}",
        f"0{mobile}-{rest}",
        f"+46 {mobile} {rest[:3]} {rest[3:5]} {rest[5:]}",
        f"+46{mobile}{rest}",
        f"+46 (0){mobile}-{rest[:3]} {rest[3:5]} {rest[5:]}",
        f"08-{rest[:3]} {rest[3:5]} {rest[5:]}",
        f"08-{rest[:3]} {rest[3:6]} {_digits(draw, 2)}",
        f"+46 8 {rest[:3]} {rest[3:6]} {_digits(draw, 2)}",
        f"031-{rest[:2]} {rest[2:4]} {rest[4:6]}",
        f"0{draw(st.integers(11, 99))}-{rest[:3]} {rest[3:5]}",
    ]
    return draw(st.sampled_from(shapes))


@st.composite
def dates_and_times(draw) -> str:
    """Return a date, a time or both, as minutes and agendas write them (any year)."""
    day = draw(st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31)))
    other = day + dt.timedelta(days=draw(st.integers(0, 60)))
    hour, minute = (
        draw(st.integers(0, 23)),
        draw(st.sampled_from([0, 5, 15, 30, 45, draw(st.integers(0, 59))])),
    )
    end_hour = min(hour + draw(st.integers(1, 3)), 23)
    time, end = f"{hour:02d}.{minute:02d}", f"{end_hour:02d}.{minute:02d}"
    month = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
             "oktober", "november", "december"][day.month - 1]  # fmt: skip
    shapes = [
        f"{day}",
        f"{day.day}/{day.month} {day.year}",
        f"{day.day} {month} {day.year}",
        f"{day:%d.%m.%Y}",
        f"{day:%Y%m%d}",
        f"{day} {hour:02d}:{minute:02d}",
        f"{day} {time}",
        f"{day} kl. {time}–{end}",
        f"{day} {time}–{end}",
        f"{day} {time} – {end}",
        f"{day} {hour}–{end_hour}",
        f"{day} {hour:02d}:{minute:02d}:{draw(st.integers(0, 59)):02d}",
        f"{day} – {other}",
        f"{day}–{other}",
        f"{day} {other}",
        f"{day:%y-%m-%d} {hour:02d}:{minute:02d}",
        f"kl. {time}–{end}",
        f"{time}–{end} {hour:02d}.{minute:02d}–{end_hour:02d}.00",
        f"{hour:02d}:{minute:02d}",
    ]
    return draw(st.sampled_from(shapes))


@st.composite
def amounts(draw) -> str:
    """Return an amount of money as it is written in Swedish."""
    value = draw(st.integers(0, 10**10))
    grouped = f"{value:,}".replace(",", " ")
    return draw(
        st.sampled_from(
            [
                f"{grouped} kr",
                f"{grouped},{draw(st.integers(0, 99)):02d} kr",
                f"{value:,}".replace(",", "."),
                f"{grouped}:-",
                f"{value // 1000} tkr",
                f"{grouped} kronor",
            ]
        )
    )


@st.composite
def case_and_order_numbers(draw) -> str:
    """Return a diarienummer, ärendenummer or order number."""
    year = draw(st.integers(1990, 2099))
    shapes = [
        f"Dnr KS {year}/{draw(st.integers(1, 9999))}",
        f"Dnr {year}/{draw(st.integers(1, 9999)):04d}-{draw(st.integers(1, 99)):02d}",
        f"ärende {year}-{draw(st.integers(1, 99999)):05d}",
        f"SF-{year}-{draw(st.integers(1, 999)):03d}",
        f"KS{year}.{draw(st.integers(1, 9999)):04d}",
        f"Order {year}-{draw(st.integers(0, 999999)):06d}",
        f"Beställning nr {draw(st.integers(10000, 999999))}",
        f"PO 4500{_digits(draw, 6)}",
        f"Faktura {draw(st.integers(100000, 99999999))}",
        f"#{draw(st.integers(1, 99999))}",
    ]
    return draw(st.sampled_from(shapes))


@st.composite
def organisation_numbers(draw) -> str:
    """Return an organisationsnummer: the "month" digits are 20 or more, the check digit fits."""
    nine = f"{draw(st.integers(1, 9))}{_digits(draw, 1)}{draw(st.integers(2, 9))}{_digits(draw, 6)}"
    ten = nine + check_digit(nine)
    return draw(st.sampled_from([f"{ten[:6]}-{ten[6:]}", ten, f"16{ten[:6]}-{ten[6:]}", f"16{ten}"]))


@st.composite
def future_reference_numbers(draw) -> str:
    """Return a date-based reference number YYYYMMDD-NNNN dated after today (any check digit)."""
    day = draw(st.dates(TODAY + dt.timedelta(days=2), dt.date(2099, 12, 31)))
    coordination = draw(st.booleans())
    serial = _digits(draw, 3)
    nine = f"{day:%y%m}{day.day + (60 if coordination else 0):02d}{serial}"
    last = check_digit(nine) if draw(st.booleans()) else _digits(draw, 1)
    separator = draw(st.sampled_from(["-", "", " ", "–"]))
    return f"{day:%Y%m}{nine[4:6]}{separator}{serial}{last}"


ordinary_numbers = st.one_of(
    phone_numbers(), dates_and_times(), amounts(), case_and_order_numbers(), organisation_numbers(),
    future_reference_numbers(),
)  # fmt: skip
JOINERS = [", ", " och ", "; ", "\n", ". ", " | ", " "]


@PROPERTY
@given(number=ordinary_numbers)
def test_an_ordinary_number_passes(number):
    assert not contains_personnummer(number)
    assert not contains_personnummer(f"Mötet: {number}.")


@PROPERTY
@given(numbers=st.lists(ordinary_numbers, min_size=2, max_size=6), joiner=st.sampled_from(JOINERS))
def test_a_text_full_of_ordinary_numbers_passes(numbers, joiner):
    text = joiner.join(numbers)
    assert not contains_personnummer(text)
    assert not contains_personnummer(f"* {text}\n* **{numbers[0]}**")


@PROPERTY
@given(number=ordinary_numbers)
def test_an_ordinary_number_in_a_url_passes(number):
    assert not contains_personnummer(quote_plus(number), from_url=True)


# -- mobile numbers written without separators -------------------------------------------------

MOBILE_PREFIXES = ["070", "072", "073", "076", "079"]


@PROPERTY
@given(prefix=st.sampled_from(MOBILE_PREFIXES), rest=st.integers(0, 10**7 - 1))
def test_a_mobile_number_without_separators_is_refused_only_when_it_is_a_personnummer(prefix, rest):
    number = f"{prefix}{rest:07d}"
    # 07 reads as the year 2007 (or 1907): only a real date and a fitting check digit make it one.
    assert contains_personnummer(f"Ring {number}") is is_identity_number(number)
    # Written as usual it always passes.
    assert not contains_personnummer(f"Ring {prefix}-{number[3:6]} {number[6:8]} {number[8:]}")


def test_the_rate_of_refused_mobile_numbers_is_what_the_rule_implies():
    # 070 + MM (0x: months 01-09) + DD (a day, or a day + 60) is a date in 2007; the Luhn digit
    # fits one time in ten.  072, 073, 076 and 079 give months 20-99, never a date.
    real_in_070 = sum(plausible(2007, month, day) for month in range(10) for day in range(100))
    assert real_in_070 == 2 * 273  # January-September, ordinary and samordningsnummer days
    implied_070 = real_in_070 / 1000 / 10
    implied_all = implied_070 / len(MOBILE_PREFIXES)

    rng = random.Random(20261207)
    samples = {
        prefix: [f"{prefix}{rng.randrange(10**7):07d}" for _ in range(4000)] for prefix in MOBILE_PREFIXES
    }
    refused = {prefix: sum(contains_personnummer(n) for n in numbers) for prefix, numbers in samples.items()}
    assert all(refused[prefix] == 0 for prefix in MOBILE_PREFIXES if prefix != "070")
    rate_070 = refused["070"] / 4000
    assert abs(rate_070 - implied_070) < 0.012, (rate_070, implied_070)  # about 5.5 %
    rate_all = sum(refused.values()) / (4000 * len(MOBILE_PREFIXES))
    assert abs(rate_all - implied_all) < 0.004, (rate_all, implied_all)  # about 1.1 %
    assert all(
        contains_personnummer(n) is is_identity_number(n) for numbers in samples.values() for n in numbers
    )
