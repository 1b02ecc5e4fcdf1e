"""The statistics' reads: a group's quarters and categories, one query each."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import ClientCategory, ClientStatistics


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


def latest(group_id: int, limit: int = 5) -> list[ClientStatistics]:
    """Return the latest entered quarters of a group, the latest first."""
    return list(
        db.session.scalars(
            select(ClientStatistics)
            .where(ClientStatistics.group_id == group_id)
            .order_by(ClientStatistics.year.desc(), ClientStatistics.quarter.desc())
            .limit(limit)
        )
    )


def categories(group_id: int, kind: str, *, active_only: bool = True) -> list[ClientCategory]:
    """Return a group's categories of one kind, in their order."""
    query = select(ClientCategory).where(ClientCategory.group_id == group_id, ClientCategory.kind == kind)
    if active_only:
        query = query.where(ClientCategory.is_active.is_(True))
    return list(db.session.scalars(query.order_by(ClientCategory.position, ClientCategory.id)))
