"""The yearly report to Länsstyrelsen (SFS 2013:522 § 10; the form in ``seeds/003_…``).

One :class:`AnnualReport` per group and year holds what the group writes itself (the *entered*
parts, Markdown) and the moment its numbers are drawn as of (``as_of``): everything the app
counts for the report is computed from the records' history up to that moment, so a record
changed later does not change a drafted report. Marking the report final freezes the whole
content, numbers and text, into an :class:`AnnualReportVersion`; a correction opens the report
again and the next finalisation adds version 2, while version 1 stays readable.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, UTCDateTime, utcnow
from .meeting import LabelledEnum
from .user import User


class ReportState(LabelledEnum):
    """Where a yearly report stands."""

    DRAFT = "draft", "Utkast"
    FINAL = "final", "Slutlig"


#: The entered parts in the order of the 2013 form: (column, heading, what the form asks).
ENTERED_PARTS: tuple[tuple[str, str, str], ...] = (
    (
        "placement",
        "Var i organisationen är verksamheten placerad?",
        "Nämnd, förvaltning och enhet där ombuden är anställda.",
    ),
    (
        "mandate",
        "Ledningsgruppens mandat",
        "Vilket mandat har deltagarna? (Medlemmar, mallar och möten fylls i från registret.)",
    ),
    (
        "quality_work",
        "Hur arbetar ni för att säkerställa kvaliteten i verksamheten?",
        "Uppföljning, dokumentation, brukarinflytande.",
    ),
    ("supervision", "Handledning för PO", "Form och omfattning av ombudens handledning."),
    ("training", "Kompetensutveckling under året", "Utbildningar och konferenser ombuden har gått."),
    ("changes_this_year", "Verksamhetsförändringar under året", "Har någon förändring skett?"),
    ("changes_planned", "Planerade förändringar nästa år", "Planeras någon förändring av verksamheten?"),
    (
        "contact_tendencies",
        "Tendenser och förändringar i orsakerna till kontakt",
        "Ser ni några tendenser eller förändringar? (Orsakerna räknas från statistiken.)",
    ),
    ("special_groups", "Särskilda grupper som uppmärksammats", "Har någon särskild grupp uppmärksammats?"),
    (
        "guidelines",
        "Bedömningsgrunder och riktlinjer",
        "Finns bedömningsgrunder eller riktlinjer för om och när en person ska få PO?",
    ),
    ("priority_rules", "Prioriteringsordning vid kö", "Finns en prioriteringsordning vid kö?"),
    (
        "system_error_work",
        "Arbetet med systemfel",
        "Beskriv hur gruppen arbetar med systemfel. (Rapporterna och hur de hanterats fylls i från registret.)",
    ),
)
ENTERED_COLUMNS = tuple(column for column, _, _ in ENTERED_PARTS)


class AnnualReport(Audited, db.Model):
    """A group's yearly report for one year: the entered parts and the moment its numbers are drawn."""

    __tablename__ = "annual_report"
    __table_args__ = (UniqueConstraint("group_id", "year"),)
    __audit_label__ = "verksamhetsredovisning"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    #: redovisningsår
    year: Mapped[int] = mapped_column(Integer)
    #: utkast eller slutlig
    state: Mapped[str] = mapped_column(String(16), default=ReportState.DRAFT.value)
    #: siffrorna räknade per (the history up to this moment; moved on only by "Hämta siffrorna på nytt")
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)
    #: antal tjänster som personligt ombud i år, i hundradelar (150 = 1,5 tjänster)
    posts_this_year: Mapped[int | None] = mapped_column(Integer)
    #: antal personer som arbetat som personligt ombud i år
    persons_this_year: Mapped[int | None] = mapped_column(Integer)
    #: planerat antal tjänster nästa år, i hundradelar
    posts_planned: Mapped[int | None] = mapped_column(Integer)
    #: planerat antal personer nästa år
    persons_planned: Mapped[int | None] = mapped_column(Integer)
    placement: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    mandate: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    quality_work: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    supervision: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    training: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    changes_this_year: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    changes_planned: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    contact_tendencies: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    special_groups: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    guidelines: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    priority_rules: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    system_error_work: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    #: why the report was opened again after being final (moved into the next version when it is final)
    correction_reason: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    #: the version being written: 1 until the first finalisation, then one more per correction
    version_number: Mapped[int] = mapped_column(Integer, default=1)
    #: optimistic lock: an edit from an older form is refused, never lost
    lock_version: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __mapper_args__ = {"version_id_col": lock_version}

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    versions: Mapped[list[AnnualReportVersion]] = relationship(
        back_populates="report", order_by="AnnualReportVersion.number", cascade="all, delete-orphan"
    )

    @property
    def is_final(self) -> bool:
        """Return whether the report is locked as final."""
        return self.state == ReportState.FINAL

    @property
    def state_label(self) -> str:
        """Return the state in Swedish."""
        return ReportState(self.state).label

    def __str__(self) -> str:
        return f"Verksamhetsredovisning {self.year}"


class AnnualReportVersion(Audited, db.Model):
    """A final version of a yearly report: its whole content frozen, with the PDF's checksum."""

    __tablename__ = "annual_report_version"
    __table_args__ = (UniqueConstraint("report_id", "number"),)
    __audit_label__ = "verksamhetsredovisning, version"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("annual_report.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    #: versionsnummer (1, 2, …)
    number: Mapped[int] = mapped_column(Integer)
    #: the frozen content (po_meetings.annual_reports.content.dump of the figures and the entered parts);
    #: kept out of the audit trail like any free text (the entered parts are in it)
    content: Mapped[dict] = mapped_column(JSON, info={"free_text": True})
    #: SHA-256 of the version's PDF (the same bytes on every download)
    checksum: Mapped[str] = mapped_column(String(64))
    #: varför en ny version gjordes (empty for version 1)
    correction_reason: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    finalised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[AnnualReport] = relationship(back_populates="versions")
    finalised_by: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return f"Version {self.number}"
