"""Fill the floor's table with the rows of the app's register (same number, same texts).

The app's model is used to read them (its column types); the floor app itself never imports po_meetings.
"""

from __future__ import annotations

from sqlalchemy import create_engine, insert, select, text

from po_meetings.models import SystemErrorReport

from .app import Entry, create_app, create_schema, db, index_entries

COLUMNS = (
    "id",
    "group_id",
    "number_year",
    "number_seq",
    "title",
    "description",
    "causes",
    "consequences",
    "status",
    "level",
    "category",
    "client_count",
    "search_text",
    "submitted_at",
    "created_at",
    "updated_at",
)
BATCH = 5000


def copy_register(app_database_url: str, floor_database_url: str) -> int:
    """Create the floor's schema and copy every report of the app's database into it; return the count."""
    floor = create_app(floor_database_url)
    source = create_engine(app_database_url)
    copied = 0
    with floor.app_context():
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        create_schema()
        with source.connect() as reading, db.engine.begin() as writing:
            report = SystemErrorReport.__table__
            query = select(*(report.c[name] for name in COLUMNS)).order_by(report.c.id)
            result = reading.execute(query.execution_options(stream_results=True))
            while rows := result.mappings().fetchmany(BATCH):
                batch = [dict(row) for row in rows]
                for row in batch:  # the app stores aware UTC moments; the floor naive ones
                    for key in ("submitted_at", "created_at", "updated_at"):
                        if row[key] is not None and getattr(row[key], "tzinfo", None) is not None:
                            row[key] = row[key].replace(tzinfo=None)
                writing.execute(insert(Entry.__table__), batch)
                index_entries(
                    writing,
                    [
                        {"id": r["id"], "title": r["title"], "body": r["search_text"].partition("\n")[2]}
                        for r in batch
                    ],
                )
                copied += len(batch)
            if db.engine.dialect.name == "postgresql":
                writing.execute(text("SELECT setval('entry_id_seq', (SELECT max(id) FROM entry))"))
            writing.execute(text("ANALYZE"))  # the floor's planner knows its table
    source.dispose()
    return copied
