"""Client statistics: the counts the personliga ombud report to their group each quarter.

Aggregate only, never a client record (DOMAIN.md, "Reporting the ombuds owe the group"). One
:class:`ClientStatistics` row per group and quarter holds the totals; its cells are
:class:`ClientCount` rows (new and closed clients by gender and age group, each gender's total
among them) and :class:`ClientCategoryCount` rows (how clients came into contact, the reasons for
contact) against the group's own :class:`ClientCategory` list. Every row is audited, so the trail
holds each edit's old and new counts; ``version`` counts the edits of a quarter.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, UTCDateTime, utcnow
from .user import User


class Flow(enum.StrEnum):
    """Clients who came or went during the quarter."""

    NEW = "new"
    CLOSED = "closed"


class Gender(enum.StrEnum):
    """The genders of the 2013 form (män, kvinnor) and a third for the rest."""

    WOMEN = "women"
    MEN = "men"
    OTHER = "other"


class CategoryKind(enum.StrEnum):
    """The two category lists a group keeps for its statistics."""

    CONTACT_WAY = "contact_way"
    CONTACT_REASON = "contact_reason"


FLOW_LABELS = {Flow.NEW: "Nya klienter", Flow.CLOSED: "Avslutade klienter"}
GENDER_LABELS = {Gender.WOMEN: "Kvinnor", Gender.MEN: "Män", Gender.OTHER: "Annat eller okänt"}
#: The age groups of the 2013 form, youngest first.
AGE_GROUPS = ("18_29", "30_39", "40_49", "50_59", "60_64", "65_plus")
AGE_LABELS = {
    "18_29": "18–29 år",
    "30_39": "30–39 år",
    "40_49": "40–49 år",
    "50_59": "50–59 år",
    "60_64": "60–64 år",
    "65_plus": "65 år och äldre",
}
#: The age_group of a gender's total for the quarter (what the age cells must add up to).
TOTAL = "total"
CATEGORY_KIND_LABELS = {
    CategoryKind.CONTACT_WAY: "Hur klienterna kom i kontakt",
    CategoryKind.CONTACT_REASON: "Vanligaste orsaker till kontakt",
}
#: The categories a group starts with. The 2013 form asks for the most common reasons for contact
#: without naming them; these follow the ombud's tasks in the same document (vård, stöd och
#: service, rehabilitering, sysselsättning, kontakter med myndigheter) and the bodies of § 5 in
#: SFS 2013:522 for the ways in.
DEFAULT_CATEGORIES = {
    CategoryKind.CONTACT_WAY: (
        "Egen kontakt",
        "Anhörig eller närstående",
        "Socialtjänsten",
        "Psykiatrin",
        "Primärvården",
        "Försäkringskassan",
        "Arbetsförmedlingen",
        "Brukar- eller anhörigorganisation",
        "Annan väg",
    ),
    CategoryKind.CONTACT_REASON: (
        "Vård och behandling",
        "Stöd och service",
        "Rehabilitering",
        "Sysselsättning och arbete",
        "Ekonomi och försörjning",
        "Boende",
        "Kontakter med myndigheter",
        "Annat",
    ),
}


def cell_key(flow: str, gender: str, age_group: str) -> str:
    """Return the name of one new/closed cell (``new_women_18_29``, ``closed_men_total``)."""
    return f"{flow}_{gender}_{age_group}"


#: Every cell of the new and closed tables: (flow, gender, age group or TOTAL).
CELLS = tuple((flow, gender, age) for flow in Flow for gender in Gender for age in (TOTAL, *AGE_GROUPS))


class ClientStatistics(Audited, db.Model):
    """One quarter's client statistics of one group (an edit changes this row, never adds one)."""

    __tablename__ = "client_statistics"
    __table_args__ = (UniqueConstraint("group_id", "year", "quarter"),)
    __audit_label__ = "klientstatistik"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    #: år
    year: Mapped[int] = mapped_column(Integer)
    #: kvartal (1–4)
    quarter: Mapped[int] = mapped_column(Integer)
    #: antal klienter vid kvartalets början
    clients_at_start: Mapped[int] = mapped_column(Integer)
    #: antal klienter vid kvartalets slut
    clients_at_end: Mapped[int] = mapped_column(Integer)
    #: klienter med minderåriga barn som ombudet känner till
    with_minor_children: Mapped[int] = mapped_column(Integer)
    #: varav klienter med hemmaboende barn (även växelvis boende)
    with_children_at_home: Mapped[int] = mapped_column(Integer)
    #: version (1 when entered, one more for each edit; an edit from an older version is refused)
    version: Mapped[int] = mapped_column(Integer)
    #: inrapporterad av
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: senast ändrad av
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __mapper_args__ = {"version_id_col": version}

    counts: Mapped[list[ClientCount]] = relationship(
        back_populates="statistics", cascade="all, delete-orphan", lazy="selectin"
    )
    category_counts: Mapped[list[ClientCategoryCount]] = relationship(
        back_populates="statistics", cascade="all, delete-orphan", lazy="selectin"
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    @property
    def label(self) -> str:
        """Return the quarter in words (``2026 kvartal 3``)."""
        return f"{self.year} kvartal {self.quarter}"

    def cell(self, flow: str, gender: str, age_group: str = TOTAL) -> int:
        """Return one cell of the new or closed table (0 when not entered)."""
        for count in self.counts:
            if (count.flow, count.gender, count.age_group) == (flow, gender, age_group):
                return count.count
        return 0

    def total(self, flow: str) -> int:
        """Return the quarter's new or closed clients, all genders."""
        return sum(self.cell(flow, gender) for gender in Gender)

    @property
    def new_clients(self) -> int:
        """Return the clients who came during the quarter."""
        return self.total(Flow.NEW)

    @property
    def closed_clients(self) -> int:
        """Return the clients whose contact ended during the quarter."""
        return self.total(Flow.CLOSED)

    def category_count(self, category_id: int) -> int:
        """Return the count entered for one category (0 when not entered)."""
        return next((c.count for c in self.category_counts if c.category_id == category_id), 0)

    def __str__(self) -> str:
        return f"Klientstatistik {self.label}"


class ClientCount(Audited, db.Model):
    """One cell of a quarter's new or closed clients: a gender and an age group (or its total)."""

    __tablename__ = "client_count"
    __table_args__ = (UniqueConstraint("statistics_id", "flow", "gender", "age_group"),)
    __audit_label__ = "klientstatistik, antal"

    id: Mapped[int] = mapped_column(primary_key=True)
    statistics_id: Mapped[int] = mapped_column(
        ForeignKey("client_statistics.id", ondelete="CASCADE"), index=True
    )
    #: nya eller avslutade
    flow: Mapped[str] = mapped_column(String(16))
    #: kön
    gender: Mapped[str] = mapped_column(String(16))
    #: åldersgrupp (or "total": the gender's total)
    age_group: Mapped[str] = mapped_column(String(16))
    #: antal
    count: Mapped[int] = mapped_column(Integer)

    statistics: Mapped[ClientStatistics] = relationship(back_populates="counts")

    @property
    def audit_group_id(self) -> int | None:
        """Return the group of the quarter the cell belongs to."""
        return self.statistics.group_id if self.statistics is not None else None

    def __str__(self) -> str:
        # The labels' StrEnum keys equal their plain string values.
        age = "totalt" if self.age_group == TOTAL else AGE_LABELS.get(self.age_group, self.age_group)
        flow = FLOW_LABELS.get(self.flow, self.flow)
        gender = GENDER_LABELS.get(self.gender, self.gender)
        return f"{flow}, {gender.lower()}, {age}"


class ClientCategory(Audited, db.Model):
    """A way into contact or a reason for contact that a group counts its clients by."""

    __tablename__ = "client_category"
    __table_args__ = (UniqueConstraint("group_id", "kind", "name"),)
    __audit_label__ = "statistikkategori"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    #: kontaktväg eller kontaktorsak
    kind: Mapped[str] = mapped_column(String(32))
    #: namn
    name: Mapped[str] = mapped_column(String(200))
    #: ordning
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: används (a category no longer used keeps its old counts)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    def __str__(self) -> str:
        return self.name


class ClientCategoryCount(Audited, db.Model):
    """How many clients of a quarter fall in one category."""

    __tablename__ = "client_category_count"
    __table_args__ = (UniqueConstraint("statistics_id", "category_id"),)
    __audit_label__ = "klientstatistik, kategori"

    id: Mapped[int] = mapped_column(primary_key=True)
    statistics_id: Mapped[int] = mapped_column(
        ForeignKey("client_statistics.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[int] = mapped_column(ForeignKey("client_category.id"), index=True)
    #: antal
    count: Mapped[int] = mapped_column(Integer)

    statistics: Mapped[ClientStatistics] = relationship(back_populates="category_counts")
    #: Loaded with the count: a quarter's form and report read every count's category.
    category: Mapped[ClientCategory] = relationship(lazy="joined")

    @property
    def audit_group_id(self) -> int | None:
        """Return the group of the quarter the count belongs to."""
        return self.statistics.group_id if self.statistics is not None else None

    def __str__(self) -> str:
        return self.category.name if self.category is not None else f"kategori {self.category_id}"
