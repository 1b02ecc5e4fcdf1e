"""The migrations build the schema the models describe, and can be undone to the base."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text

from po_meetings import create_app
from po_meetings.demo import seed_demo
from po_meetings.extensions import db
from po_meetings.models import AgendaItem, Decision, Paragraph, SystemErrorReport
from po_meetings.stemming import stems

from .conftest import _test_config


def include_name(name, type_, parent_names):
    """Leave out the hand-made full-text search objects, as migrations/env.py does."""
    return not (name or "").startswith(
        (
            "system_error_search",
            "ix_system_error_report_search",
            "search_index",
            "ix_search_",
            "search_vector",
        )
    )


@pytest.fixture
def fresh_app(postgres, tmp_sqlite_url):
    """Return an app on a new, empty database of the backend under test."""
    url = postgres.create_database("po_migrations") if postgres is not None else tmp_sqlite_url
    app = create_app(_test_config(url))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def test_upgrade_from_empty_matches_the_models(fresh_app):
    upgrade()
    assert set(db.metadata.tables) <= _tables()
    with db.engine.connect() as connection:
        # The full-text search table/index are made by hand in migrations, outside the models.
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations disagree; run `flask db migrate`: {diff}"


def test_the_full_text_search_object_is_made(fresh_app):
    upgrade()
    if db.engine.dialect.name == "sqlite":
        assert "system_error_search" in _tables()
    else:
        indexes = {i["name"] for i in inspect(db.engine).get_indexes("system_error_report")}
        assert "ix_system_error_report_search" in indexes
        # The GIN index and the ranking read a stored tsvector, not the text parsed again.
        assert "(search_vector)" in _search_index_definition()
        downgrade(revision="0011")
        assert "to_tsvector('swedish'::regconfig, search_text)" in _search_index_definition()
        assert "search_vector" not in {
            c["name"] for c in inspect(db.engine).get_columns("system_error_report")
        }


def _search_index_definition() -> str:
    """Return how PostgreSQL defines the register's search index."""
    with db.engine.connect() as connection:
        return connection.scalar(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_system_error_report_search'")
        )


def test_downgrade_to_base_removes_everything(fresh_app):
    upgrade()
    downgrade(revision="base")
    assert _tables() <= {"alembic_version"}


def test_upgrade_again_after_downgrade(fresh_app):
    upgrade()
    downgrade(revision="base")
    upgrade()
    assert set(db.metadata.tables) <= _tables()


def _reports_in_two_groups() -> list:
    """Seed the demo and submit a report in its other group; return every report's (id, group)."""
    from po_meetings.demo import OTHER_GROUP_NAME
    from po_meetings.models import Group, User
    from po_meetings.system_errors import services

    seed_demo()
    other = db.session.scalar(select(Group).where(Group.name == OTHER_GROUP_NAME))
    chair = db.session.scalar(select(User).where(User.email == "ordforande.norrsjo@demo.se"))
    values = {
        "title": "Ombud utan tolk i Norrsjö",
        "description": "Ombudet fick ingen tolk till mötet med Försäkringskassan.",
        "causes": "Tolkbokningen är stängd.",
        "consequences": "Mötet ställdes in.",
        "system_view": "Rätten till tolk tillgodosågs inte.",
        "level": "local",
        "category": "local_resources",
    }
    services.save_report(other, chair, values, submit=True)
    db.session.commit()
    reports = db.session.execute(select(SystemErrorReport.id, SystemErrorReport.group_id)).all()
    assert len({group_id for _, group_id in reports}) == 2
    return reports


def _each_group_finds_its_own(groups) -> None:
    """Assert that a search of each group finds that group's reports only ("ombud" is in both)."""
    from po_meetings.system_errors import search

    for group_id in groups:
        found = set(
            db.session.scalars(
                search.matching(select(SystemErrorReport.group_id), search.terms_of("ombud"), group_id)
            )
        )
        assert found == {group_id}


def test_0013_puts_each_reports_group_into_the_sqlite_index_and_searches_within_it(fresh_app):
    """On SQLite, 0013 remakes the register's index with each report's group (its stems kept);
    downgrading remakes it without; a search of one group never matches another group's report."""
    upgrade()
    reports = _reports_in_two_groups()
    groups = {group_id for _, group_id in reports}
    db.session.remove()  # the migrations drop indexes: no transaction of ours may hold the table
    if db.engine.dialect.name != "sqlite":
        downgrade(revision="0012")  # nothing to undo on PostgreSQL
        upgrade()
        return
    before = db.session.execute(text("SELECT rowid, title, body, grp FROM system_error_search")).all()
    assert sorted((rowid, grp) for rowid, _, _, grp in before) == sorted((i, f"g{g}") for i, g in reports)
    db.session.remove()
    downgrade(revision="0012")
    columns = db.session.execute(text("SELECT * FROM system_error_search LIMIT 1")).keys()
    assert list(columns) == ["title", "body"]
    db.session.remove()
    upgrade()
    after = db.session.execute(text("SELECT rowid, title, body, grp FROM system_error_search")).all()
    assert sorted(after) == sorted(before)
    _each_group_finds_its_own(groups)


def test_0015_puts_each_reports_group_into_the_postgresql_vector_and_searches_within_it(fresh_app):
    """On PostgreSQL, 0015 makes the stored search vector again with each report's group as a
    lexeme; downgrading makes it without; a search of one group never matches another's report."""
    upgrade()
    reports = _reports_in_two_groups()
    groups = {group_id for _, group_id in reports}
    db.session.remove()  # the migration drops a column: no transaction of ours may hold the table
    if db.engine.dialect.name != "postgresql":
        downgrade(revision="0014")  # nothing to undo on SQLite
        upgrade()
        _each_group_finds_its_own(groups)
        return

    def group_lexemes() -> list:
        rows = db.session.execute(
            text(
                "SELECT id, array(SELECT lexeme FROM unnest(search_vector) WHERE lexeme LIKE '#g%') "
                "FROM system_error_report"
            )
        ).all()
        db.session.remove()
        return sorted((report_id, tuple(lexemes)) for report_id, lexemes in rows)

    assert group_lexemes() == sorted((i, (f"#g{g}",)) for i, g in reports)
    assert "(search_vector)" in _search_index_definition()
    downgrade(revision="0014")
    assert all(lexemes == () for _, lexemes in group_lexemes())
    upgrade()
    assert group_lexemes() == sorted((i, (f"#g{g}",)) for i, g in reports)
    assert "(search_vector)" in _search_index_definition()
    _each_group_finds_its_own(groups)


def _register_body(report_id: int) -> str:
    """Return what the SQLite register index holds as a report's text."""
    return db.session.scalar(
        text("SELECT body FROM system_error_search WHERE rowid = :id"), {"id": report_id}
    )


def test_0008_indexes_the_rows_that_exist_and_0007_puts_the_plain_text_back(fresh_app):
    """Upgrading to 0008 fills the search index of existing decisions, §§ and agenda items and
    stems the register's index (SQLite), or makes the GIN indexes (PostgreSQL); downgrading undoes it."""
    upgrade()
    seed_demo()
    db.session.commit()
    report = db.session.scalar(select(SystemErrorReport).where(SystemErrorReport.description.is_not(None)))
    report_id, body = report.id, report.search_text.partition("\n")[2]
    paragraph = db.session.scalar(select(Paragraph).where(Paragraph.body.is_not(None)).limit(1))
    paragraph_id, paragraph_body = paragraph.id, paragraph.body
    sqlite = db.engine.dialect.name == "sqlite"
    db.session.remove()
    downgrade(revision="0007")
    if sqlite:
        assert "search_index" not in _tables()
        assert _register_body(report_id) == body
    else:
        assert not any(
            i["name"].startswith("ix_search_") for i in inspect(db.engine).get_indexes("paragraph")
        )
    db.session.remove()
    upgrade()
    if sqlite:
        assert _register_body(report_id) == stems(body) != body
        rows = sum(db.session.scalar(select(func.count(m.id))) for m in (Decision, Paragraph, AgendaItem))
        assert db.session.scalar(text("SELECT count(*) FROM search_index")) == rows > 0
        indexed = db.session.scalar(
            text("SELECT body FROM search_index WHERE kind = 2 AND ref_id = :id"), {"id": paragraph_id}
        )
        assert indexed == stems(paragraph_body)
    else:
        for table in ("decision", "paragraph", "agenda_item"):
            assert f"ix_search_{table}" in {i["name"] for i in inspect(db.engine).get_indexes(table)}
