"""The rules of the client statistics: who reports, which quarter, and that the cells add up.

A quarter's counts are checked as a whole (:func:`check_counts`); every wrong cell is named in
the refusal (:class:`CountsRefused`) so the form can put each message beside its cell. One row
per group and quarter: a second entry is an edit of the first, and two first entries sent at
once save one and refuse the other (:func:`save_quarter`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..dates import local
from ..domain import DomainError, refuse_personnummer
from ..extensions import db
from ..models import (
    AGE_GROUPS,
    CategoryKind,
    ClientCategory,
    ClientCategoryCount,
    ClientCount,
    ClientStatistics,
    Flow,
    Gender,
    Membership,
    Role,
    utcnow,
)
from ..models.statistics import (
    CATEGORY_KIND_LABELS,
    CELLS,
    DEFAULT_CATEGORIES,
    FLOW_LABELS,
    GENDER_LABELS,
    TOTAL,
    cell_key,
)
from . import queries

#: Who may enter a quarter's statistics: the group's ombuds, its chair and vice chair.
ENTERING_ROLES = frozenset({Role.OMBUD, Role.CHAIR, Role.VICE_CHAIR})
#: Counts below this show as "<5" in everything that leaves the group.
SMALL_COUNT = 5
FIRST_YEAR = 2000
LAST_YEAR = 2100

NEGATIVE_MESSAGE = "Antalet kan inte vara negativt."
NOT_ALLOWED_MESSAGE = (
    "Bara gruppens personliga ombud, ordförande och vice ordförande kan rapportera klientstatistik."
)
FUTURE_MESSAGE = (
    "Kvartalet har inte börjat ännu. Statistik rapporteras för ett pågående eller avslutat kvartal."
)
CHANGED_MESSAGE = (
    "Statistiken för kvartalet har ändrats av någon annan sedan du öppnade sidan. "
    "Ladda om sidan, kontrollera siffrorna och spara igen."
)
RACE_MESSAGE = (
    "Någon annan rapporterade statistiken för kvartalet samtidigt. "
    "Ladda om sidan, kontrollera siffrorna och spara igen."
)


def mask_small(n: int | None) -> str:
    """Return a count as it may leave the group: "<5" below five, else the number.

    For the yearly report, exports and mails; the group's own screens show the numbers.
    """
    if n is None:
        return ""
    return f"<{SMALL_COUNT}" if n < SMALL_COUNT else str(n)


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter."""

    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> Quarter:
        """Return the quarter a day falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def starts_on(self) -> date:
        """Return the quarter's first day."""
        return date(self.year, 3 * (self.number - 1) + 1, 1)

    @property
    def previous(self) -> Quarter:
        """Return the quarter before."""
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @property
    def a_year_earlier(self) -> Quarter:
        """Return the same quarter a year earlier."""
        return Quarter(self.year - 1, self.number)

    @property
    def label(self) -> str:
        """Return the quarter in words (``kvartal 3 2026``)."""
        return f"kvartal {self.number} {self.year}"


def today() -> date:
    """Return today's date in Stockholm (which quarter has begun counts from it)."""
    return local(utcnow()).date()


@dataclass
class Counts:
    """What an ombud enters for a quarter: plain numbers, no client record."""

    clients_at_start: int = 0
    clients_at_end: int = 0
    with_minor_children: int = 0
    with_children_at_home: int = 0
    #: The new and closed cells by :func:`cell_key` (each gender's total and its age groups).
    cells: dict[str, int] = field(default_factory=dict)
    #: Clients by the way they came into contact, by category name.
    contact_ways: dict[str, int] = field(default_factory=dict)
    #: Clients by reason for contact, by category name.
    contact_reasons: dict[str, int] = field(default_factory=dict)

    def cell(self, flow: str, gender: str, age_group: str = TOTAL) -> int:
        """Return one new/closed cell (0 when left empty)."""
        return self.cells.get(cell_key(flow, gender, age_group)) or 0

    def total(self, flow: str) -> int:
        """Return the new or closed clients of every gender."""
        return sum(self.cell(flow, gender) for gender in Gender)

    @classmethod
    def of(cls, statistics: ClientStatistics) -> Counts:
        """Return the counts a saved quarter holds (to fill its form for an edit)."""
        return cls(
            clients_at_start=statistics.clients_at_start,
            clients_at_end=statistics.clients_at_end,
            with_minor_children=statistics.with_minor_children,
            with_children_at_home=statistics.with_children_at_home,
            cells={cell_key(c.flow, c.gender, c.age_group): c.count for c in statistics.counts},
            contact_ways={
                c.category.name: c.count
                for c in statistics.category_counts
                if c.category.kind == CategoryKind.CONTACT_WAY
            },
            contact_reasons={
                c.category.name: c.count
                for c in statistics.category_counts
                if c.category.kind == CategoryKind.CONTACT_REASON
            },
        )


def category_cell(kind: str, name: str) -> str:
    """Return how a refusal names a category's cell (the form maps it to its field)."""
    return f"{kind}:{name}"


class CountsRefused(DomainError):
    """Counts that do not add up: every wrong cell with its message, the first as the summary."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        count = len(problems)
        summary = (
            "En ruta är fel; rätta den och spara igen."
            if count == 1
            else f"{count} rutor är fel; rätta dem och spara igen."
        )
        super().__init__(summary)


def check_counts(counts: Counts) -> list[tuple[str, str]]:
    """Return every wrong cell of a quarter as (cell, Swedish message); empty when all add up."""
    problems: list[tuple[str, str]] = []
    scalars = {
        "clients_at_start": counts.clients_at_start,
        "clients_at_end": counts.clients_at_end,
        "with_minor_children": counts.with_minor_children,
        "with_children_at_home": counts.with_children_at_home,
    }
    for name, value in scalars.items():
        if value < 0:
            problems.append((name, NEGATIVE_MESSAGE))
    for flow, gender, age in CELLS:
        if counts.cell(flow, gender, age) < 0:
            problems.append((cell_key(flow, gender, age), NEGATIVE_MESSAGE))
    for kind, values in (
        (CategoryKind.CONTACT_WAY, counts.contact_ways),
        (CategoryKind.CONTACT_REASON, counts.contact_reasons),
    ):
        for name, value in values.items():
            if (value or 0) < 0:
                problems.append((category_cell(kind, name), NEGATIVE_MESSAGE))
    if problems:
        return problems  # the sums of negative numbers would only add noise
    for flow in Flow:
        for gender in Gender:
            total = counts.cell(flow, gender)
            ages = sum(counts.cell(flow, gender, age) for age in AGE_GROUPS)
            if ages != total:
                what = f"{FLOW_LABELS[flow].lower()}, {GENDER_LABELS[gender].lower()}"
                problems.append(
                    (
                        cell_key(flow, gender, TOTAL),
                        f"Åldersgrupperna ({what}) summerar till {ages}, men totalen är {total}.",
                    )
                )
    new, closed = counts.total(Flow.NEW), counts.total(Flow.CLOSED)
    expected = counts.clients_at_start + new - closed
    if counts.clients_at_end != expected:
        problems.append(
            (
                "clients_at_end",
                f"Antalet vid kvartalets slut ska vara {expected} (vid början {counts.clients_at_start} "
                f"+ nya {new} − avslutade {closed}), inte {counts.clients_at_end}.",
            )
        )
    if counts.with_children_at_home > counts.with_minor_children:
        problems.append(
            (
                "with_children_at_home",
                "Klienter med hemmaboende barn kan inte vara fler än klienter med minderåriga barn "
                f"({counts.with_minor_children}).",
            )
        )
    return problems


def may_enter(membership: Membership | None) -> bool:
    """Return whether a member may enter the group's statistics (ombud, chair, vice chair)."""
    return membership is not None and membership.is_active and membership.role_enum in ENTERING_ROLES


def check_quarter(year: int, quarter: int, on: date | None = None) -> Quarter:
    """Return the quarter if statistics may be entered for it: a real one that has begun."""
    if not FIRST_YEAR <= year <= LAST_YEAR or not 1 <= quarter <= 4:
        raise DomainError("Välj ett kvartal (1–4) mellan år 2000 och 2100.")
    chosen = Quarter(year, quarter)
    if chosen.starts_on > (on or today()):
        raise DomainError(FUTURE_MESSAGE)
    return chosen


def category_names(group_id: int, kind: str) -> list[str]:
    """Return the names of a group's categories in use (the defaults before the first entry)."""
    categories = queries.categories(group_id, kind, active_only=False)
    if not categories:
        return list(DEFAULT_CATEGORIES[CategoryKind(kind)])
    return [c.name for c in categories if c.is_active]


def ensure_categories(group_id: int) -> dict[str, dict[str, ClientCategory]]:
    """Give a group the default categories of each kind it has none of; return them by name."""
    result: dict[str, dict[str, ClientCategory]] = {}
    for kind in CategoryKind:
        categories = queries.categories(group_id, kind, active_only=False)
        if not categories:
            try:
                with db.session.begin_nested():
                    for position, name in enumerate(DEFAULT_CATEGORIES[kind]):
                        db.session.add(
                            ClientCategory(group_id=group_id, kind=kind.value, name=name, position=position)
                        )
            except IntegrityError:
                pass  # another first entry made them at the same moment: use theirs
            categories = queries.categories(group_id, kind, active_only=False)
        result[kind.value] = {c.name: c for c in categories}
    return result


def save_quarter(
    group_id: int,
    by: Membership | None,
    year: int,
    quarter: int,
    counts: Counts,
    *,
    version: int | None = None,
    on: date | None = None,
) -> ClientStatistics:
    """Enter or edit one quarter's statistics of a group.

    ``version`` is the version the form was filled from (0 for a quarter not yet entered): when
    the quarter has been saved since, the save is refused instead of overwriting what someone
    else entered. None saves over whatever is there.
    """
    if not may_enter(by) or by.group_id != group_id:
        raise DomainError(NOT_ALLOWED_MESSAGE)
    check_quarter(year, quarter, on)
    problems = check_counts(counts)
    if problems:
        raise CountsRefused(problems)
    categories = ensure_categories(group_id)
    for kind, values in (
        (CategoryKind.CONTACT_WAY, counts.contact_ways),
        (CategoryKind.CONTACT_REASON, counts.contact_reasons),
    ):
        unknown = sorted(set(values) - set(categories[kind.value]))
        if unknown:
            raise DomainError(f"Kategorin ”{unknown[0]}” finns inte längre. Ladda om sidan och spara igen.")
    statistics = queries.quarter(group_id, year, quarter)
    current = statistics.version if statistics is not None else 0
    if version is not None and version != current:
        raise DomainError(CHANGED_MESSAGE)
    if statistics is None:
        statistics = _insert(group_id, by, year, quarter, counts)
    else:
        # Always an UPDATE of the quarter's row, so its version moves on (version_id_col).
        statistics.updated_by_id = by.user_id
        statistics.updated_at = utcnow()
    _fill(statistics, counts, categories)
    try:
        db.session.flush()
    except StaleDataError:
        # Another edit of the quarter committed between this one's read and its write.
        raise DomainError(CHANGED_MESSAGE) from None
    return statistics


def _insert(group_id: int, by: Membership, year: int, quarter: int, counts: Counts) -> ClientStatistics:
    """Add a quarter's row; a second first entry sent at the same moment is refused, not doubled."""
    statistics = ClientStatistics(
        group_id=group_id,
        year=year,
        quarter=quarter,
        clients_at_start=counts.clients_at_start,
        clients_at_end=counts.clients_at_end,
        with_minor_children=counts.with_minor_children,
        with_children_at_home=counts.with_children_at_home,
        created_by_id=by.user_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(statistics)
    except IntegrityError:
        raise DomainError(RACE_MESSAGE) from None
    return statistics


def _fill(
    statistics: ClientStatistics, counts: Counts, categories: dict[str, dict[str, ClientCategory]]
) -> None:
    """Write the counts into the quarter's row and cells, changing only what differs."""
    statistics.clients_at_start = counts.clients_at_start
    statistics.clients_at_end = counts.clients_at_end
    statistics.with_minor_children = counts.with_minor_children
    statistics.with_children_at_home = counts.with_children_at_home
    cells = {(c.flow, c.gender, c.age_group): c for c in statistics.counts}
    for flow, gender, age in CELLS:
        value = counts.cell(flow, gender, age)
        cell = cells.get((flow, gender, age))
        if cell is None:
            statistics.counts.append(ClientCount(flow=flow, gender=gender, age_group=age, count=value))
        elif cell.count != value:
            cell.count = value
    existing = {c.category_id: c for c in statistics.category_counts}
    for kind, values in (
        (CategoryKind.CONTACT_WAY, counts.contact_ways),
        (CategoryKind.CONTACT_REASON, counts.contact_reasons),
    ):
        for name, category in categories[kind.value].items():
            if not category.is_active and name not in values:
                continue
            value = values.get(name) or 0
            row = existing.get(category.id)
            if row is None:
                statistics.category_counts.append(ClientCategoryCount(category=category, count=value))
            elif row.count != value:
                row.count = value


class CategoriesRefused(DomainError):
    """A list of categories that cannot be kept; ``kind`` names the list it concerns."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        super().__init__(message)


def set_all_categories(group_id: int, by: Membership | None, ways: list[str], reasons: list[str]) -> None:
    """Set both of a group's category lists at once (the settings page saves them together)."""
    set_categories(group_id, by, CategoryKind.CONTACT_WAY.value, ways)
    set_categories(group_id, by, CategoryKind.CONTACT_REASON.value, reasons)


#: The most categories of one kind a group keeps (the form shows a cell for each).
MAX_CATEGORIES = 30


def set_categories(group_id: int, by: Membership | None, kind: str, names: list[str]) -> list[ClientCategory]:
    """Set a group's categories of one kind, in order (the chair or vice chair).

    A category left out is no longer used but kept, with the counts entered for it; one named
    again is used again.
    """
    if by is None or not by.is_active or not by.is_leading or by.group_id != group_id:
        raise DomainError("Bara gruppens ordförande och vice ordförande kan ändra kategorierna.")
    try:
        refuse_personnummer(*names)
    except DomainError as error:
        raise CategoriesRefused(kind, str(error)) from None
    cleaned = [" ".join(name.split()) for name in names]
    cleaned = [name for name in cleaned if name]
    what = CATEGORY_KIND_LABELS[CategoryKind(kind)]
    if not cleaned:
        raise CategoriesRefused(kind, f"Ange minst en kategori för ”{what.lower()}”.")
    if len(cleaned) > MAX_CATEGORIES:
        raise CategoriesRefused(kind, f"Högst {MAX_CATEGORIES} kategorier.")
    if any(len(name) > 200 for name in cleaned):
        raise CategoriesRefused(kind, "En kategori får vara högst 200 tecken.")
    seen: set[str] = set()
    for name in cleaned:
        if name.casefold() in seen:
            raise CategoriesRefused(kind, f"Kategorin ”{name}” står två gånger.")
        seen.add(name.casefold())
    existing = {c.name.casefold(): c for c in queries.categories(group_id, kind, active_only=False)}
    if not existing:
        ensure_categories(group_id)
        existing = {c.name.casefold(): c for c in queries.categories(group_id, kind, active_only=False)}
    wanted = {name.casefold(): position for position, name in enumerate(cleaned)}
    for key, category in existing.items():
        if key not in wanted:
            category.is_active = False
    for name in cleaned:
        category = existing.get(name.casefold())
        if category is None:
            category = ClientCategory(group_id=group_id, kind=kind, name=name)
            db.session.add(category)
        category.name = name
        category.position = wanted[name.casefold()]
        category.is_active = True
    db.session.flush()
    return queries.categories(group_id, kind)
