"""The statistics' reads: a group's quarters, their totals and its categories, one query each."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import ClientCategory, ClientCount, ClientStatistics, Flow
from ..models.statistics import TOTAL


def quarter(group_id: int, year: int, quarter: int) -> ClientStatistics | None:
    """Return one quarter's statistics of a group, or None when not entered."""
    return db.session.scalar(
        select(ClientStatistics).where(
            ClientStatistics.group_id == group_id,
            ClientStatistics.year == year,
            ClientStatistics.quarter == quarter,
        )
    )


def quarters(group_id: int) -> list[ClientStatistics]:
    """Return every entered quarter of a group, the latest first (their cells loaded with them)."""
    return list(
        db.session.scalars(
            select(ClientStatistics)
            .where(ClientStatistics.group_id == group_id)
            .order_by(ClientStatistics.year.desc(), ClientStatistics.quarter.desc())
        )
    )


def categories(group_id: int, kind: str, *, active_only: bool = True) -> list[ClientCategory]:
    """Return a group's categories of one kind, in their order."""
    query = select(ClientCategory).where(ClientCategory.group_id == group_id, ClientCategory.kind == kind)
    if active_only:
        query = query.where(ClientCategory.is_active.is_(True))
    return list(db.session.scalars(query.order_by(ClientCategory.position, ClientCategory.id)))


@dataclass(frozen=True)
class QuarterTotals:
    """A quarter's totals, without its cells (what the agenda's comparison shows)."""

    year: int
    quarter: int
    clients_at_start: int
    clients_at_end: int
    with_minor_children: int
    with_children_at_home: int
    new_clients: int
    closed_clients: int


def _flow_total(flow: str):
    """Return a quarter's new or closed clients as a correlated subquery (the genders' totals)."""
    return (
        select(func.coalesce(func.sum(ClientCount.count), 0))
        .where(
            ClientCount.statistics_id == ClientStatistics.id,
            ClientCount.flow == flow,
            ClientCount.age_group == TOTAL,
        )
        .scalar_subquery()
    )


def latest_totals(group_id: int, up_to_year: int, up_to_quarter: int, limit: int = 5) -> list[QuarterTotals]:
    """Return the totals of a group's latest quarters up to one quarter, the latest first, in one
    query (five reach back to the same quarter a year earlier)."""
    position = ClientStatistics.year * 4 + ClientStatistics.quarter
    rows = db.session.execute(
        select(
            ClientStatistics.year,
            ClientStatistics.quarter,
            ClientStatistics.clients_at_start,
            ClientStatistics.clients_at_end,
            ClientStatistics.with_minor_children,
            ClientStatistics.with_children_at_home,
            _flow_total(Flow.NEW.value),
            _flow_total(Flow.CLOSED.value),
        )
        .where(ClientStatistics.group_id == group_id, position <= up_to_year * 4 + up_to_quarter)
        .order_by(ClientStatistics.year.desc(), ClientStatistics.quarter.desc())
        .limit(limit)
    )
    return [QuarterTotals(*row) for row in rows]
