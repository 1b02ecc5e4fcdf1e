"""Counters behind the numbers that run per group and year (SF-2026-007, § 12); not domain data."""

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class NumberCounter(db.Model):
    """The last number given of one kind in a group's year.

    Taking a number updates this row, so two writers in the same group and year wait for each
    other (po_meetings.numbering); the row is rolled back with the transaction that took it.
    """

    __tablename__ = "number_counter"

    #: ledningsgruppen
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), primary_key=True)
    #: vad som numreras ("system_error", "paragraph")
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: kalenderår (svensk tid)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: senast givna nummer
    last_value: Mapped[int] = mapped_column(Integer, default=0)
