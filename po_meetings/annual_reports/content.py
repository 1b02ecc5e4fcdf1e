"""What a yearly report says: the figures drawn from the records and the parts the group writes.

Plain frozen dataclasses, so the same content feeds the page, the PDF, the DOCX and the charts,
and a final version freezes it as JSON (:func:`dump`) and reads it back unchanged (:func:`load`).
Counts are the real numbers here; whatever shows the report masks the small ones ("<5") with
``statistics.services.mask_small``.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime


def shown(value: int | None, masks_small: bool) -> str:
    """Return a count as the report shows it: "–" for none, "<5" for a small count of clients."""
    if value is None:
        return "–"
    if not masks_small:
        return str(value)
    from ..statistics.services import mask_small  # the statistics import the meetings: import late

    return mask_small(value)


@dataclass(frozen=True)
class Member:
    """A member of the group on 31 December (or on the report's date when earlier)."""

    name: str
    role: str
    organisation: str


@dataclass(frozen=True)
class HeldMeeting:
    """A meeting held during the year."""

    day: date
    title: str
    kind: str


@dataclass(frozen=True)
class Row:
    """One row of a table: its label and one count per column (None where the column does not apply)."""

    label: str
    values: tuple[int | None, ...]


@dataclass(frozen=True)
class Table:
    """A table of counts, with a caption for screen readers and the PDF."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    #: whether the counts are of clients, shown as "<5" below five wherever the report goes
    #: (meetings, decisions and system errors are not people and are shown as they are)
    masks_small: bool = True

    @property
    def is_empty(self) -> bool:
        """Return whether the table has no rows."""
        return not self.rows

    def shown(self, value: int | None) -> str:
        """Return a cell as the report shows it: "–" where none applies, "<5" for few clients."""
        return shown(value, self.masks_small)


@dataclass(frozen=True)
class Series:
    """One line or set of bars in a chart: its name and one value per point."""

    name: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class Chart:
    """A chart drawn on the server (SVG) with the same numbers as a table beside it."""

    title: str
    #: the labels along the x axis (quarters, months, levels)
    points: tuple[str, ...]
    series: tuple[Series, ...]
    #: "bar" (grouped bars) or "stacked" (stacked bars)
    kind: str = "bar"
    #: whether the counts are of clients (small ones shown as "<5"), as for :class:`Table`
    masks_small: bool = True

    def shown(self, value: int | None) -> str:
        """Return a value as the chart's table shows it (see :meth:`Table.shown`)."""
        return shown(value, self.masks_small)


@dataclass(frozen=True)
class HandledError:
    """A system error resolved or escalated during the year and how it was dealt with."""

    number: str
    title: str
    level: str
    category: str
    #: its status on 31 December (or the report's date when earlier), in Swedish
    status: str
    organisations: tuple[str, ...]
    #: what happened locally: dated lines from its history (taken up, owner, decisions, resolution)
    local: tuple[str, ...]
    #: what happened regionally or nationally: dated lines from its escalations and replies
    regional: tuple[str, ...]
    resolution: str | None = None


@dataclass(frozen=True)
class Figures:
    """Everything the app counts for a group's yearly report, as of one moment."""

    year: int
    as_of: datetime
    group_name: str
    municipalities: tuple[str, ...]
    #: the group's members on 31 December (ended memberships left out)
    members: tuple[Member, ...]
    #: the group's ways of working: its agenda templates and meeting rhythm, in words
    ways_of_working: tuple[str, ...]
    meetings: tuple[HeldMeeting, ...]
    #: the most common reasons for contact and the ways in, summed over the year's quarters
    contact_reasons: Table
    contact_ways: Table
    #: system errors counted by level, by category and by organisation
    #: (columns: new this year, carried over, closed, open on 31 December)
    errors_by_level: Table
    errors_by_category: Table
    errors_by_organisation: Table
    #: every system error resolved or escalated during the year
    handled_errors: tuple[HandledError, ...]
    #: the client tables of the 2013 form (columns: Kvinnor, Män, Annat eller okänt, Totalt)
    client_totals: Table
    closed_by_age: Table
    children: Table
    #: the quarters entered for the year (1–4); an empty tuple says no statistics were entered
    quarters_entered: tuple[int, ...]
    #: charts: system errors per level and status over the year, meetings and decisions per
    #: quarter, clients per quarter
    charts: tuple[Chart, ...] = field(default=())

    @property
    def meeting_count(self) -> int:
        """Return how many meetings the group held in the year."""
        return len(self.meetings)


@dataclass(frozen=True)
class Entered:
    """The parts the chair or vice chair writes (Markdown), keyed by the model's column names."""

    posts_this_year: int | None = None
    persons_this_year: int | None = None
    posts_planned: int | None = None
    persons_planned: int | None = None
    texts: tuple[tuple[str, str], ...] = ()

    def text(self, column: str) -> str:
        """Return one entered part's Markdown ('' when not written)."""
        return dict(self.texts).get(column, "")


@dataclass(frozen=True)
class Content:
    """A whole report: the figures and the entered parts, with its version and state."""

    figures: Figures
    entered: Entered
    #: 1, 2, … (the version being written, or the frozen version's number)
    version: int
    is_final: bool


def dump(value) -> object:
    """Return ``value`` (a dataclass, tuple, date …) as JSON-ready data."""
    if dataclasses.is_dataclass(value):
        return {f.name: dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [dump(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def load(cls, data):
    """Return the ``cls`` that :func:`dump` turned into ``data``."""
    return _load(cls, data)


def _load(kind, data):
    if data is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return _load(inner[0], data)
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_load(args[0], item) for item in data)
        return tuple(_load(arg, item) for arg, item in zip(args, data, strict=True))
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(**{f.name: _load(hints[f.name], data[f.name]) for f in dataclasses.fields(kind)})
    if kind is datetime:
        return datetime.fromisoformat(data)
    if kind is date:
        return date.fromisoformat(data)
    return data
