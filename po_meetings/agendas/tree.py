"""Ordering and numbering of agenda items, shared by templates and meetings.

An agenda is two levels deep: numbered items (1, 2, 3…) with lettered sub-items (a, b, c…).
Items are kept in ``position`` order among their siblings.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..domain import DomainError


@dataclass
class Numbered:
    """An item with its number, planned start and sub-items, ready for a page."""

    item: object
    number: str
    children: list[Numbered] = field(default_factory=list)
    starts_at: datetime | None = None


def siblings(items, parent_id) -> list:
    """Return the items under one parent (None: the top level) in order."""
    return sorted((i for i in items if i.parent_id == parent_id), key=lambda i: (i.position, i.id or 0))


def next_position(items, parent_id) -> int:
    """Return the position after the last sibling."""
    existing = [i.position for i in items if i.parent_id == parent_id]
    return max(existing, default=-1) + 1


def move(item, items, direction: str) -> None:
    """Swap an item with its neighbour above ("up") or below ("down")."""
    if direction not in ("up", "down"):
        raise DomainError("Ange upp eller ned.")
    row = siblings(items, item.parent_id)
    index = row.index(item)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(row):
        raise DomainError("Punkten står redan först." if direction == "up" else "Punkten står redan sist.")
    for position, sibling in enumerate(row):
        sibling.position = position  # repair gaps and ties before swapping
    row[index].position, row[other].position = row[other].position, row[index].position


#: The title of the closing main item that new business goes before ("Övrigt", "Övriga frågor").
OTHER_BUSINESS = "övrig"


def place_before_other_business(item, items) -> None:
    """Move a new main item up before the agenda's *Övrigt* (or leave it last if there is none)."""
    row = siblings(items, None)
    other = next(
        (i for i in row if i is not item and i.title.strip().lower().startswith(OTHER_BUSINESS)), None
    )
    if other is None:
        return
    row.remove(item)
    row.insert(row.index(other), item)
    for position, sibling in enumerate(row):
        sibling.position = position


def total_minutes(items) -> int:
    """Return the time of the top-level items, which carry the time boxes."""
    return sum(i.minutes or 0 for i in items if i.parent_id is None)


def numbered(items, start: datetime | None = None) -> list[Numbered]:
    """Number the items (1, 2… with a, b… below) and give each top-level item its planned start."""
    result = []
    clock = start
    for n, item in enumerate(siblings(items, None), start=1):
        children = [Numbered(child, f"{n}{_letter(k)}") for k, child in enumerate(siblings(items, item.id))]
        result.append(Numbered(item, str(n), children, clock))
        if clock is not None:
            clock = clock + timedelta(minutes=item.minutes or 0)
    return result


def _letter(index: int) -> str:
    """Return a, b, … z, then aa, ab …"""
    letters = string.ascii_lowercase
    return letters[index] if index < 26 else letters[index // 26 - 1] + letters[index % 26]


def check_minutes(minutes: int | None, limit: int, required: bool) -> None:
    """Refuse a time box of zero or less, or longer than the meeting."""
    if minutes is None:
        if required:
            raise DomainError("Ange tiden i minuter.")
        return
    if minutes <= 0:
        raise DomainError("Tiden ska vara minst 1 minut.")
    if minutes > limit:
        raise DomainError(f"Tiden kan inte vara längre än mötet ({limit} minuter).")


def clean_title(title: str | None) -> str:
    """Return a trimmed title, refusing an empty one."""
    title = " ".join((title or "").split())
    if not title:
        raise DomainError("Ange en rubrik.")
    if len(title) > 200:
        raise DomainError("Rubriken får vara högst 200 tecken.")
    return title
