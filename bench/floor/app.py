"""The floor app: bare Flask, Flask-SQLAlchemy and Jinja, no login, one table shaped like
``system_error_report``, and the register's pages in their plainest form.

Measured with the same gunicorn settings as the app, every figure of ``make bench`` reads as a
ratio to what Flask, SQLAlchemy and the database cost anyway. The search uses SQLite's FTS5 (no
stemming) or, on PostgreSQL, a GIN index on ``to_tsvector('swedish', search_text)``.

    FLOOR_DATABASE_URL=sqlite:////tmp/floor.sqlite gunicorn 'bench.floor.app:create_app()'
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, abort, redirect, render_template, request, url_for
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Index, Integer, String, Text, column, func, select, table, text
from sqlalchemy.orm import Mapped, mapped_column

db = SQLAlchemy()

PAGE_SIZE = 50
STATUSES = ("submitted", "taken_up", "in_progress", "resolved", "escalated", "closed")
LEVELS = ("caseworker", "local", "central")
SEARCH_TABLE = "entry_search"
SQLITE_SEARCH_DDL = f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5(title, body)"
POSTGRESQL_SEARCH_DDL = (
    "CREATE INDEX IF NOT EXISTS ix_entry_search ON entry USING gin (to_tsvector('swedish', search_text))"
)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Entry(db.Model):
    """One report: the columns of system_error_report that its pages show or filter on."""

    __tablename__ = "entry"
    # What its pages ask for: a group's entries by status, newest first (and all of them).
    __table_args__ = (
        Index("ix_entry_group_status_submitted", "group_id", "status", "submitted_at", "id"),
        Index("ix_entry_group_submitted", "group_id", "submitted_at", "id"),
        Index("ix_entry_number", "group_id", "number_year", "number_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(Integer)
    number_year: Mapped[int | None] = mapped_column(Integer)
    number_seq: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    causes: Mapped[str | None] = mapped_column(Text)
    consequences: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    client_count: Mapped[int | None] = mapped_column(Integer)
    search_text: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def number(self) -> str:
        return f"SF-{self.number_year}-{self.number_seq:03d}" if self.number_seq else "Utkast"


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def create_schema() -> None:
    """Create the table and its search index (in an app context)."""
    db.create_all()
    with db.engine.begin() as connection:
        connection.execute(text(SQLITE_SEARCH_DDL if is_sqlite() else POSTGRESQL_SEARCH_DDL))


def index_entries(connection, rows: list[dict]) -> None:
    """Add rows (id, title, body) to the SQLite search table; PostgreSQL indexes by itself."""
    if rows and connection.dialect.name == "sqlite":
        connection.execute(
            text(f"INSERT INTO {SEARCH_TABLE} (rowid, title, body) VALUES (:id, :title, :body)"), rows
        )


def _search(query, words: list[str]):
    """Restrict and order a select of entries by a search: prefix terms, best match first."""
    if is_sqlite():
        match = " ".join(f'"{w}"*' for w in words)
        fts = table(SEARCH_TABLE, column("rowid"), column("rank"))
        return (
            query.join(fts, fts.c.rowid == Entry.id)
            .where(text(f"{SEARCH_TABLE} MATCH :match").bindparams(match=match))
            .order_by(fts.c.rank)
        )
    tsquery = func.to_tsquery("swedish", " & ".join(f"{w}:*" for w in words))
    vector = func.to_tsvector("swedish", Entry.search_text)
    return query.where(vector.op("@@")(tsquery)).order_by(func.ts_rank(vector, tsquery).desc())


def create_app(database_url: str | None = None) -> Flask:
    """Create the floor app on ``database_url`` (else FLOOR_DATABASE_URL)."""
    app = Flask(__name__, template_folder=str(Path(__file__).parent / "templates"))
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url or os.environ["FLOOR_DATABASE_URL"]
    app.config["FLOOR_GROUP_ID"] = int(os.environ.get("FLOOR_GROUP_ID", "1"))
    db.init_app(app)

    @app.get("/")
    def start():
        """The newest entries of the group and its counts per status."""
        group_id = app.config["FLOOR_GROUP_ID"]
        newest = db.session.scalars(
            select(Entry).where(Entry.group_id == group_id).order_by(Entry.submitted_at.desc()).limit(10)
        ).all()
        counts = db.session.execute(
            select(Entry.status, func.count()).where(Entry.group_id == group_id).group_by(Entry.status)
        ).all()
        return render_template("start.html", newest=newest, counts=counts)

    @app.get("/entries")
    def entries():
        """The group's entries, filtered by status and level, searched, 50 a page."""
        group_id = app.config["FLOOR_GROUP_ID"]
        query = select(Entry).where(Entry.group_id == group_id, Entry.status != "draft")
        status, level = request.args.get("status"), request.args.get("level")
        if status in STATUSES:
            query = query.where(Entry.status == status)
        if level in LEVELS:
            query = query.where(Entry.level == level)
        words = [w.lower() for w in (request.args.get("q") or "").split() if w.isalnum()][:12]
        if words:
            query = _search(query, words)
        else:
            query = query.order_by(Entry.submitted_at.desc(), Entry.id.desc())
        page = db.paginate(query, per_page=PAGE_SIZE, error_out=False, max_per_page=PAGE_SIZE)
        return render_template("entries.html", page=page, status=status, q=" ".join(words))

    @app.get("/entries/<int:entry_id>")
    def entry(entry_id: int):
        found = db.session.get(Entry, entry_id)
        if found is None:
            abort(404)
        return render_template("entry.html", entry=found)

    @app.get("/entries/new")
    def new():
        return render_template("new.html")

    @app.post("/entries/new")
    def create():
        """Save a new entry with the next number of the year, and index it."""
        form = request.form
        title = (form.get("title") or "").strip()[:200]
        if not title or form.get("level") not in LEVELS:
            return render_template("new.html", error="Ange rubrik och nivå."), 422
        now = utcnow()
        group_id = app.config["FLOOR_GROUP_ID"]
        last = db.session.scalar(
            select(func.max(Entry.number_seq)).where(
                Entry.group_id == group_id, Entry.number_year == now.year
            )
        )
        texts = [form.get(name) or "" for name in ("description", "causes", "consequences")]
        created = Entry(
            group_id=group_id,
            number_year=now.year,
            number_seq=(last or 0) + 1,
            title=title,
            description=texts[0],
            causes=texts[1],
            consequences=texts[2],
            status="submitted",
            level=form["level"],
            category=form.get("category") or "",
            client_count=int(form["client_count"]) if (form.get("client_count") or "").isdigit() else None,
            search_text="\n".join([title, *texts]),
            submitted_at=now,
        )
        db.session.add(created)
        db.session.flush()
        index_entries(db.session.connection(), [{"id": created.id, "title": title, "body": "\n".join(texts)}])
        db.session.commit()
        return redirect(url_for("entry", entry_id=created.id), code=303)

    return app
