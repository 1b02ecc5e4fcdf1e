"""Demo client statistics: every quarter of last year and this year's completed quarters, entered
by the demo ombud through the same service as the form, each adding up."""

from __future__ import annotations

from ..models import AGE_GROUPS, CategoryKind, Flow, Gender, Group, Role
from ..models.statistics import DEFAULT_CATEGORIES, TOTAL, cell_key
from .services import Counts, Quarter, save_quarter, today

#: Clients at the start of last year's first quarter.
FIRST_START = 38
#: Per quarter in turn: new (women, men, other) and closed (women, men, other).
FLOWS = (
    ((6, 4, 1), (3, 2, 0)),
    ((5, 5, 0), (4, 3, 1)),
    ((3, 2, 0), (5, 4, 0)),
    ((7, 5, 1), (4, 2, 0)),
    ((6, 3, 0), (3, 4, 1)),
    ((4, 6, 1), (5, 3, 0)),
    ((5, 4, 0), (4, 4, 0)),
)
#: How a gender's total spreads over the age groups (18–29 first), as a share in tenths.
AGE_SHARES = (2, 3, 2, 2, 1, 0)


def _ages(total: int, turn: int) -> list[int]:
    """Spread a total over the age groups: by the shares, the rest in a group that turns."""
    cells = [total * share // 10 for share in AGE_SHARES]
    cells[turn % 5] += total - sum(cells)
    return cells


def _counts(start: int, turn: int) -> Counts:
    """Return one quarter's demo counts, starting from ``start`` clients."""
    new, closed = FLOWS[turn % len(FLOWS)]
    cells: dict[str, int] = {}
    for flow, totals in ((Flow.NEW, new), (Flow.CLOSED, closed)):
        for gender, total in zip(Gender, totals, strict=True):
            cells[cell_key(flow, gender, TOTAL)] = total
            for age, value in zip(AGE_GROUPS, _ages(total, turn + len(cells)), strict=True):
                cells[cell_key(flow, gender, age)] = value
    end = start + sum(new) - sum(closed)
    minor = 9 + turn % 3
    ways = DEFAULT_CATEGORIES[CategoryKind.CONTACT_WAY]
    reasons = DEFAULT_CATEGORIES[CategoryKind.CONTACT_REASON]
    return Counts(
        clients_at_start=start,
        clients_at_end=end,
        with_minor_children=minor,
        with_children_at_home=minor - 3,
        cells=cells,
        contact_ways={name: (sum(new) + i + turn) % 5 for i, name in enumerate(ways)},
        contact_reasons={name: (end + 3 * i + turn) % 14 for i, name in enumerate(reasons)},
    )


def seed_statistics(group: Group) -> None:
    """Enter last year's four quarters and this year's completed ones, by the group's ombud."""
    ombud = next(m for m in group.memberships if m.role == Role.OMBUD.value and m.is_active)
    current = Quarter.of(today())
    quarter = Quarter(current.year - 1, 1)
    start, turn = FIRST_START, 0
    while quarter < current:
        counts = _counts(start, turn)
        save_quarter(group.id, ombud, quarter.year, quarter.number, counts)
        start, turn = counts.clients_at_end, turn + 1
        quarter = Quarter(quarter.year + quarter.number // 4, quarter.number % 4 + 1)
