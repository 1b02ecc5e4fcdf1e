"""The migrations build the schema the models describe, and can be undone to the base."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from po_meetings import create_app
from po_meetings.extensions import db

from .conftest import _test_config


def include_name(name, type_, parent_names):
    """Leave out the hand-made full-text search objects, as migrations/env.py does."""
    return not (name or "").startswith(("system_error_search", "ix_system_error_report_search"))


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


def test_downgrade_to_base_removes_everything(fresh_app):
    upgrade()
    downgrade(revision="base")
    assert _tables() <= {"alembic_version"}


def test_upgrade_again_after_downgrade(fresh_app):
    upgrade()
    downgrade(revision="base")
    upgrade()
    assert set(db.metadata.tables) <= _tables()
