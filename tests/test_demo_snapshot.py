"""The ``demo`` fixture restores a snapshot of the seeded demo data: the same rows every time."""

from __future__ import annotations

from sqlalchemy import func, select, text

from po_meetings.extensions import db
from po_meetings.models import AuditEvent, Organisation, OrganisationKind, User

from .conftest import _empty_tables
from .support import snapshot


def _rows(connection, table) -> list[dict]:
    """Return a table's rows as dicts, ordered by primary key."""
    ordered = select(table).order_by(*table.primary_key.columns)
    return [dict(row) for row in connection.execute(ordered).mappings()]


def test_restored_rows_are_the_seeded_rows(app, demo, _demo_snapshot):
    """Every table (audit trail and search index included) holds exactly the seeded rows."""
    seeded = _demo_snapshot.rows
    assert {table.name for table, _ in seeded.tables} == {t.name for t in db.metadata.sorted_tables}
    with app.app_context(), db.engine.connect() as connection:
        for table, rows in seeded.tables:
            key = [c.name for c in table.primary_key.columns]
            expected = sorted((dict(row) for row in rows), key=lambda row: [row[k] for k in key])
            assert _rows(connection, table) == expected, table.name
        assert _rows(connection, AuditEvent.__table__), "seeding leaves an audit trail"
        for virtual in seeded.virtual_tables:
            restored = connection.execute(text(f'SELECT rowid, * FROM "{virtual.name}" ORDER BY rowid'))
            assert tuple(tuple(row) for row in restored) == virtual.rows
            assert virtual.rows, f"{virtual.name} is filled by the seeding"


def test_new_rows_after_a_restore_get_new_ids_and_are_audited(app_ctx, demo):
    """A row created after the restore gets the next free id, and its audit row is appended."""
    from po_meetings.admin.services import create_organisation

    highest = db.session.scalar(select(func.max(Organisation.id)))
    audit_rows = db.session.scalar(select(func.count(AuditEvent.id)))
    organisation = create_organisation("Försäkringskassan, Mellanå", OrganisationKind.SOCIAL_INSURANCE)
    db.session.commit()
    assert organisation.id == highest + 1
    assert db.session.scalar(select(func.count(AuditEvent.id))) == audit_rows + 1


def test_changes_by_one_test_never_reach_the_next_restore(app_ctx, demo, _demo_snapshot):
    """What a test changes is gone after the next restore: the snapshot itself is never changed."""
    user = db.session.get(User, demo.users["ledamot@demo.se"])
    original = user.name
    user.name = "Ändrat namn"
    db.session.commit()
    demo.users["ledamot@demo.se"] = -1

    db.session.remove()
    _empty_tables()
    again = _demo_snapshot.load()
    assert again.users["ledamot@demo.se"] == db.session.get(User, again.users["ledamot@demo.se"]).id
    assert db.session.get(User, again.users["ledamot@demo.se"]).name == original
    assert again.membership("ledamot@demo.se") == demo.memberships[(demo.group_id, "ledamot@demo.se")]


def test_the_snapshot_covers_the_sqlite_search_index(app, demo, _demo_snapshot, backend):
    """On SQLite every virtual table (the FTS5 index) is captured; PostgreSQL needs none."""
    with app.app_context(), db.engine.connect() as connection:
        names = snapshot.sqlite_virtual_tables(connection) if backend == "sqlite" else []
    assert [v.name for v in _demo_snapshot.rows.virtual_tables] == names
    if backend == "sqlite":
        assert "system_error_search" in names
