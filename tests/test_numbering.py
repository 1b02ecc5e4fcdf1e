"""Numbers per group, kind and year (po_meetings/numbering.py), without HTTP.

The races themselves are tried against a real server in tests/test_concurrency.py.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select

from po_meetings import create_app, numbering
from po_meetings.extensions import db
from po_meetings.models import Group, NumberCounter, Paragraph, SystemErrorReport, User
from po_meetings.system_errors import services as report_services

from .conftest import _test_config
from .support import snapshot

SE, PARAGRAPH = numbering.SYSTEM_ERROR, numbering.PARAGRAPH
YEAR = 2040  # no demo data in it

VALUES = {
    "title": "Kallelser till utskrivningssamtal kommer för sent",
    "description": "Ombuden får kallelsen samma dag som samtalet.",
    "causes": "Kallelsen skickas med post.",
    "consequences": "Klienten hinner inte förbereda sig.",
    "system_view": "Samordningen mellan region och kommun brister.",
    "level": "caseworker",
    "category": "treatment",
}


def _counter(group_id: int, kind: str, year: int) -> int | None:
    return db.session.scalar(
        select(NumberCounter.last_value).where(
            NumberCounter.group_id == group_id, NumberCounter.kind == kind, NumberCounter.year == year
        )
    )


def _submit(demo, now=None) -> SystemErrorReport:
    ombud = db.session.scalar(select(User).where(User.email == "ombud@demo.se"))
    group = db.session.get(Group, demo.group_id)
    return report_services.save_report(group, ombud, VALUES, submit=True, now=now)


# -- taking numbers --------------------------------------------------------------------------------


def test_numbers_run_from_one_per_group_kind_and_year(app_ctx, demo):
    here, there = demo.group_id, demo.other_group_id
    assert [numbering.next_number(here, SE, YEAR) for _ in range(3)] == [1, 2, 3]
    assert numbering.next_number(there, SE, YEAR) == 1  # another group
    assert numbering.next_number(here, PARAGRAPH, YEAR) == 1  # another kind
    assert numbering.next_number(here, SE, YEAR + 1) == 1  # another year
    assert numbering.next_number(here, SE, YEAR) == 4
    db.session.commit()
    assert _counter(here, SE, YEAR) == 4 and _counter(there, SE, YEAR) == 1


def test_a_rolled_back_number_is_given_again(app_ctx, demo):
    assert numbering.next_number(demo.group_id, SE, YEAR) == 1
    db.session.commit()
    assert numbering.next_number(demo.group_id, SE, YEAR) == 2
    db.session.rollback()  # the report that took 2 was never saved
    assert numbering.next_number(demo.group_id, SE, YEAR) == 2
    db.session.commit()
    assert _counter(demo.group_id, SE, YEAR) == 2


def test_a_block_of_numbers_and_the_lock_that_takes_none(app_ctx, demo):
    assert numbering.reserve(demo.group_id, SE, YEAR, 10) == 1
    assert numbering.next_number(demo.group_id, SE, YEAR) == 11
    assert numbering.lock(demo.group_id, SE, YEAR) == 11  # waits its turn, takes nothing
    assert numbering.lock(demo.group_id, PARAGRAPH, YEAR) == 0  # made at nought
    numbering.record(demo.group_id, PARAGRAPH, YEAR, 7)
    assert numbering.next_number(demo.group_id, PARAGRAPH, YEAR) == 8


# -- the Swedish calendar year ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "year"),
    [
        (datetime(2026, 12, 31, 22, 59, tzinfo=UTC), 2026),  # 23.59 in Stockholm
        (datetime(2026, 12, 31, 23, 0, tzinfo=UTC), 2027),  # midnight in Stockholm
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), 2027),
        (datetime(2027, 1, 1, 0, 30, tzinfo=UTC), 2027),
    ],
)
def test_the_year_is_the_swedish_calendar_year(moment, year):
    assert numbering.swedish_year(moment) == year


def test_a_report_sent_after_midnight_on_new_years_eve_gets_the_new_year(app_ctx, demo, monkeypatch):
    # 00.30 on 1 January 2027 in Stockholm, 23.30 on New Year's Eve in UTC.
    monkeypatch.setattr(report_services, "utcnow", lambda: datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    first, second = _submit(demo), _submit(demo)
    assert (first.number, second.number) == ("SF-2027-001", "SF-2027-002")
    assert first.submitted_at == datetime(2026, 12, 31, 23, 30, tzinfo=UTC)


def test_report_numbers_go_on_after_the_demo_reports(app_ctx, demo):
    year = numbering.swedish_year()
    taken = db.session.scalar(
        select(func.max(SystemErrorReport.number_seq)).where(
            SystemErrorReport.group_id == demo.group_id, SystemErrorReport.number_year == year
        )
    )
    assert _counter(demo.group_id, SE, year) == taken
    assert _submit(demo).number_seq == taken + 1


def test_the_paragraph_counter_holds_the_years_last_paragraph(app_ctx, demo):
    years = db.session.execute(
        select(Paragraph.year, func.max(Paragraph.number))
        .where(Paragraph.group_id == demo.group_id)
        .group_by(Paragraph.year)
    ).all()
    assert years
    for year, last in years:
        assert _counter(demo.group_id, PARAGRAPH, year) == last


# -- an upgraded database --------------------------------------------------------------------------


@pytest.fixture
def migrated_app(postgres, tmp_sqlite_url):
    """Return an app on a new database built by the migrations."""
    url = postgres.create_database("po_numbering") if postgres is not None else tmp_sqlite_url
    app = create_app(_test_config(url))
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_an_upgraded_database_numbers_on_from_its_reports_and_paragraphs(demo, _demo_snapshot, migrated_app):
    # The demo data in a database from before the counters (revision 0004 drops them).
    with db.engine.begin() as connection:
        snapshot.restore(connection, _demo_snapshot.rows)
    downgrade(revision="0004")
    upgrade()

    reports = db.session.execute(
        select(
            SystemErrorReport.group_id, SystemErrorReport.number_year, func.max(SystemErrorReport.number_seq)
        )
        .where(SystemErrorReport.number_year.is_not(None))
        .group_by(SystemErrorReport.group_id, SystemErrorReport.number_year)
    ).all()
    paragraphs = db.session.execute(
        select(Paragraph.group_id, Paragraph.year, func.max(Paragraph.number)).group_by(
            Paragraph.group_id, Paragraph.year
        )
    ).all()
    expected = {(g, SE, y): n for g, y, n in reports} | {(g, PARAGRAPH, y): n for g, y, n in paragraphs}
    counters = db.session.scalars(select(NumberCounter)).all()
    assert {(c.group_id, c.kind, c.year): c.last_value for c in counters} == expected
    year = numbering.swedish_year()
    assert (demo.group_id, SE, year) in expected
    assert _submit(demo).number_seq == expected[demo.group_id, SE, year] + 1
    db.session.rollback()
