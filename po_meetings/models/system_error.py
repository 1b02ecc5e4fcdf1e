"""The systemfel register: reports, their occurrences, escalations, history and followers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import Audited, UTCDateTime, utcnow
from .group import Group, Membership, Municipality
from .meeting import AgendaItem, LabelledEnum, Meeting
from .user import Organisation, User


class Level(LabelledEnum):
    """Where in the system the error lies (seed 002, § 3.2)."""

    CASEWORKER = "caseworker", "Handläggarnivå"
    LOCAL = "local", "Lokal nivå"
    CENTRAL = "central", "Central nivå"


class Category(LabelledEnum):
    """What kind of error, within its level."""

    TREATMENT = "treatment", "Bemötande"
    METHOD = "method", "Metod"
    COMPETENCE = "competence", "Kompetens"
    VALUES = "values", "Värderingar"
    GOVERNANCE = "governance", "Mål och styrning"
    ACCESSIBILITY = "accessibility", "Organisation och tillgänglighet"
    BOUNDARIES = "boundaries", "Gränser"
    LOCAL_RESOURCES = "local_resources", "Resurser och förutsättningar"
    REGULATION = "regulation", "Regelverk"
    CENTRAL_ORGANISATION = "central_organisation", "Organisation"
    CENTRAL_RESOURCES = "central_resources", "Resurser"


#: The fixed taxonomy: every category belongs to exactly one level.
TAXONOMY: dict[Level, tuple[Category, ...]] = {
    Level.CASEWORKER: (Category.TREATMENT, Category.METHOD, Category.COMPETENCE, Category.VALUES),
    Level.LOCAL: (
        Category.GOVERNANCE,
        Category.ACCESSIBILITY,
        Category.BOUNDARIES,
        Category.LOCAL_RESOURCES,
    ),
    Level.CENTRAL: (Category.REGULATION, Category.CENTRAL_ORGANISATION, Category.CENTRAL_RESOURCES),
}


#: What a draft shows for a level or category not chosen yet.
NOT_CHOSEN = "Ej vald"


class ReportStatus(LabelledEnum):
    """Where a report is in its life."""

    DRAFT = "draft", "Utkast"
    SUBMITTED = "submitted", "Inskickad"
    TAKEN_UP = "taken_up", "Upptagen"
    IN_PROGRESS = "in_progress", "Under arbete"
    RESOLVED = "resolved", "Åtgärdad"
    ESCALATED = "escalated", "Eskalerad"
    CLOSED = "closed", "Avslutad utan åtgärd"


class EscalationBody(LabelledEnum):
    """Whom a report is escalated to."""

    POLITICAL_COMMITTEE = "political_committee", "Politisk nämnd"
    REGION = "region", "Regionen"
    COUNTY_BOARD = "county_board", "Länsstyrelsen"
    NATIONAL_BOARD = "national_board", "Socialstyrelsen"
    OTHER = "other", "Annan"


class EventKind(LabelledEnum):
    """What happened to a report, as its history shows it."""

    CREATED = "created", "Utkast skapat"
    SUBMITTED = "submitted", "Inskickad"
    STATUS = "status", "Ny status"
    CLASSIFIED = "classified", "Nivå eller kategori ändrad"
    OWNER = "owner", "Ansvarig ändrad"
    OCCURRENCE = "occurrence", "Ny förekomst"
    REOPENED = "reopened", "Återöppnad"
    ESCALATION = "escalation", "Eskalerad"
    ESCALATION_REPLY = "escalation_reply", "Svar på eskalering"
    CONFIDENTIALITY = "confidentiality", "Sekretess ändrad"
    COMMENT = "comment", "Kommentar"


report_organisation = Table(
    "report_organisation",
    db.metadata,
    Column("report_id", ForeignKey("system_error_report.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), primary_key=True),
)


class ReportLabels:
    """A report's readable number and Swedish labels, read from its plain columns (number_year,
    number_seq, status, level, category): the model's, and the register list's rows' too."""

    __slots__ = ()

    @property
    def number(self) -> str | None:
        """Return the readable number, e.g. SF-2026-007 (None for a draft)."""
        if self.number_seq is None:
            return None
        return f"SF-{self.number_year}-{self.number_seq:03d}"

    @property
    def status_enum(self) -> ReportStatus:
        """Return the status as an enum member."""
        return ReportStatus(self.status)

    @property
    def status_label(self) -> str:
        """Return the Swedish name of the status."""
        return self.status_enum.label

    @property
    def level_label(self) -> str:
        """Return the Swedish name of the level ("Ej vald" in a draft that has none yet)."""
        return Level(self.level).label if self.level else NOT_CHOSEN

    @property
    def category_label(self) -> str:
        """Return the Swedish name of the category ("Ej vald" in a draft that has none yet)."""
        return Category(self.category).label if self.category else NOT_CHOSEN


class SystemErrorReport(ReportLabels, Audited, db.Model):
    """A system error reported to the group: a pattern, never a client."""

    __tablename__ = "system_error_report"
    __table_args__ = (
        UniqueConstraint("group_id", "number_year", "number_seq"),
        # The register's pages read these indexes, not the wide rows (each holds its texts and
        # the search text), so a page costs the same whatever the size of the register:
        # the list by status, newest first, and the reports waiting to be taken up, oldest first;
        Index("ix_system_error_report_group_status_submitted", "group_id", "status", "submitted_at"),
        # the unfiltered list, newest first;
        Index("ix_system_error_report_group_submitted", "group_id", "submitted_at"),
        # the counts per status and level (with what the visibility rule reads: a covering index);
        Index(
            "ix_system_error_report_group_counts",
            "group_id",
            "status",
            "level",
            "reporter_id",
            "is_confidential",
        ),
        # the owner and reporter filters' choices (does a visible report of this person exist?),
        # and the start page's reports a member owns, submitted or whose organisation is to fix:
        # each covers what that page counts and orders by (status, date, the visibility rule; the
        # id, which a SQLite index holds anyway, so that PostgreSQL can read the index alone);
        Index(
            "ix_system_error_report_group_owner",
            "group_id",
            "owner_id",
            "updated_at",
            "status",
            "reporter_id",
            "is_confidential",
        ),
        Index(
            "ix_system_error_report_group_reporter",
            "group_id",
            "reporter_id",
            "status",
            "is_confidential",
            "updated_at",
            "owner_id",
            "fixer_organisation_id",
            "id",
        ),
        Index(
            "ix_system_error_report_group_fixer",
            "group_id",
            "fixer_organisation_id",
            "status",
            "updated_at",
            "owner_id",
            "reporter_id",
            "is_confidential",
            "id",
        ),
        # and the start page's reports past their review date.
        Index("ix_system_error_report_group_review", "group_id", "status", "next_review_on"),
    )
    __audit_label__ = "systemfelsrapport"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    #: år i rapportnumret (SF-2026-007), satt när rapporten skickas in
    number_year: Mapped[int | None] = mapped_column(Integer)
    #: löpnummer inom gruppen och året
    number_seq: Mapped[int | None] = mapped_column(Integer)
    #: rapportör
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: status
    status: Mapped[str] = mapped_column(String(32), default=ReportStatus.DRAFT.value, index=True)
    #: rubrik
    title: Mapped[str] = mapped_column(String(200))
    #: beskrivning: tid, plats, händelse (ingen persons identitet)
    description: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    #: analys av orsaker
    causes: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    #: konsekvenser: vem drabbas och hur
    consequences: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    #: vem kan åtgärda (en organisation i gruppen)
    fixer_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    #: vem kan åtgärda (fritext)
    who_can_fix: Mapped[str | None] = mapped_column(String(300), info={"free_text": True})
    #: förslag till lösning
    proposal: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    #: systemperspektiv
    system_view: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    #: nivå ("" i ett utkast där den inte är vald än: den krävs först när rapporten skickas in)
    level: Mapped[str] = mapped_column(String(32), index=True)
    #: kategori ("" i ett utkast där den inte är vald än)
    category: Mapped[str] = mapped_column(String(32), index=True)
    #: antal berörda klienter
    client_count: Mapped[int | None] = mapped_column(Integer)
    #: sekretess: syns inte för andra ombud och adjungerade
    is_confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    #: ansvarig ledamot
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id"), index=True)
    #: nästa uppföljning
    next_review_on: Mapped[date | None] = mapped_column(Date)
    #: mötet där rapporten togs upp
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))
    #: dagordningspunkten där rapporten togs upp
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    #: vad som gjordes (åtgärdad)
    resolution: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    #: skäl (avslutad utan åtgärd)
    close_reason: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    #: the text the full-text search indexes: title, description, causes, consequences, comments
    search_text: Mapped[str] = mapped_column(Text, default="", info={"free_text": True})
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    group: Mapped[Group] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    fixer_organisation: Mapped[Organisation | None] = relationship(foreign_keys=[fixer_organisation_id])
    affected_organisations: Mapped[list[Organisation]] = relationship(secondary=report_organisation)
    owner: Mapped[Membership | None] = relationship(foreign_keys=[owner_id])
    meeting: Mapped[Meeting | None] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    occurrences: Mapped[list[Occurrence]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Occurrence.occurred_on"
    )
    escalations: Mapped[list[Escalation]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Escalation.sent_on"
    )
    events: Mapped[list[ReportEvent]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportEvent.id"
    )

    def __str__(self) -> str:
        return f"{self.number or 'Utkast'} {self.title}"


class Occurrence(Audited, db.Model):
    """Another time the same system error was met: who, when, where, how many."""

    __tablename__ = "occurrence"
    __audit_label__ = "förekomst"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("system_error_report.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    #: vem
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: när
    occurred_on: Mapped[date] = mapped_column(Date)
    #: i vilken kommun
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    #: antal berörda klienter
    client_count: Mapped[int | None] = mapped_column(Integer)
    #: kort anteckning
    note: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[SystemErrorReport] = relationship(back_populates="occurrences")
    reporter: Mapped[User] = relationship()
    municipality: Mapped[Municipality | None] = relationship()

    def __str__(self) -> str:
        return f"Förekomst {self.occurred_on}"


class Escalation(Audited, db.Model):
    """A report sent on to a body outside the group; a report can be escalated more than once."""

    __tablename__ = "escalation"
    __audit_label__ = "eskalering"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("system_error_report.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    #: till vilken instans
    body: Mapped[str] = mapped_column(String(32))
    #: annan instans (fritext)
    body_other: Mapped[str | None] = mapped_column(String(200), info={"free_text": True})
    #: skickad
    sent_on: Mapped[date] = mapped_column(Date)
    #: hur (brev, e-post, möte …)
    channel: Mapped[str | None] = mapped_column(String(200), info={"free_text": True})
    #: svar väntas senast
    reply_expected_by: Mapped[date | None] = mapped_column(Date)
    #: svar mottaget
    reply_received_on: Mapped[date | None] = mapped_column(Date)
    #: svaret
    reply: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    #: utfall
    outcome: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[SystemErrorReport] = relationship(back_populates="escalations")
    created_by: Mapped[User] = relationship()

    @property
    def body_label(self) -> str:
        """Return whom it went to, in words."""
        if self.body == EscalationBody.OTHER.value and self.body_other:
            return self.body_other
        return EscalationBody(self.body).label

    def __str__(self) -> str:
        return f"Eskalering till {self.body_label}"


class ReportEvent(Audited, db.Model):
    """One dated, attributed step in a report's history; comments are events too."""

    __tablename__ = "report_event"
    __audit_label__ = "händelse i systemfelsrapport"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("system_error_report.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: vad som hände
    kind: Mapped[str] = mapped_column(String(32))
    #: status före och efter
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
    #: kommentar, skäl eller vad som gjordes (Markdown)
    note: Mapped[str | None] = mapped_column(Text, info={"free_text": True})
    #: old and new values of changed fields (level, category, owner …), as labels
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    report: Mapped[SystemErrorReport] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    @property
    def kind_label(self) -> str:
        """Return the Swedish name of what happened."""
        return EventKind(self.kind).label

    def __str__(self) -> str:
        return self.kind_label


class ReportFollower(Audited, db.Model):
    """A user who follows a report."""

    __tablename__ = "report_follower"
    __table_args__ = (
        # what a user follows (the start page, "Dina rapporter"): the key starts with the report
        Index("ix_report_follower_user", "user_id", "report_id"),
    )
    __audit_label__ = "följer systemfelsrapport"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("system_error_report.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("po_group.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Full-text search lives outside the ORM's tables: an FTS5 table on SQLite; on PostgreSQL a
# stored column, search_vector = to_tsvector('swedish', search_text) and the report's group as
# one more lexeme (#g17), that the database keeps (GENERATED … STORED) and that both the GIN index
# and the ranking read, so ranking a hit does not parse its text again and the index finds one
# group's matches by itself. Both are created with the table (and by migrations 0003, 0012, 0013
# and 0015).
SEARCH_TABLE = "system_error_search"
SEARCH_INDEX = "ix_system_error_report_search"
SEARCH_VECTOR = "search_vector"
#: PostgreSQL: the prefix of the report's group lexeme in the search vector (#g17).
GROUP_LEXEME = "#g"
#: SQLite: the stems of each report's title and text, and its group as one token (``grp``, e.g.
#: g17), so that a search matches within the group inside FTS5 and does not grow with the reports of
#: other groups (migration 0013 added it).
SQLITE_SEARCH_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5("
    "title, body, grp, tokenize = 'unicode61 remove_diacritics 0')"
)
POSTGRESQL_SEARCH_DDL = (
    f"ALTER TABLE system_error_report ADD COLUMN IF NOT EXISTS {SEARCH_VECTOR} tsvector "
    "GENERATED ALWAYS AS (to_tsvector('swedish', search_text) "
    f"|| array_to_tsvector(ARRAY['{GROUP_LEXEME}' || group_id::text])) STORED",
    f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX} ON system_error_report USING gin ({SEARCH_VECTOR})",
)

event.listen(SystemErrorReport.__table__, "after_create", DDL(SQLITE_SEARCH_DDL).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_SEARCH_DDL:
    event.listen(
        SystemErrorReport.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql")
    )
event.listen(
    SystemErrorReport.__table__,
    "before_drop",
    DDL(f"DROP TABLE IF EXISTS {SEARCH_TABLE}").execute_if(dialect="sqlite"),
)
