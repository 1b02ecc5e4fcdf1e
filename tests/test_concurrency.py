"""Numbers under real concurrency: 16 people at once against gunicorn with 4 workers.

Every report submitted and every § added must be answered as usual (never a 500, nothing lost),
and the numbers must come out unique and gapless per group and year, on both databases. The
server runs in a subprocess on its own copy of the demo data (tests/support/live_server.py).
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import click
import pytest
from flask_migrate import stamp
from sqlalchemy import func, select

from po_meetings import create_app, numbering
from po_meetings.extensions import db
from po_meetings.models import Group, Membership, Minutes, NumberCounter, Paragraph, SystemErrorReport, User

from .conftest import DEMO_PASSWORD, _test_config
from .support import snapshot
from .support.live_server import Browser, Response, live_server

CLIENTS = 16
REPORTS = 200  # half submitted at once, half saved as a draft first
PARAGRAPHS_EACH = 4
#: How long the 16 creators keep submitting in the time-bounded test.
CREATE_SECONDS = 6


@pytest.fixture
def live(demo, _demo_snapshot, postgres, tmp_path):
    """Serve a copy of the demo data under gunicorn; yield the server, the demo ids and an app
    context on that copy for looking at the outcome."""
    if postgres is not None:
        url = postgres.create_database("po_live")
    else:
        url = "sqlite:///" + str(tmp_path / "live.sqlite")
    app = create_app(_test_config(url))
    with app.app_context():
        db.create_all()
        with db.engine.begin() as connection:
            snapshot.restore(connection, _demo_snapshot.rows)
        stamp()  # the schema is the latest revision's
        db.session.remove()
        db.engine.dispose()  # the server's workers are the only users while it runs
        try:
            with live_server(url, workers=4) as server:
                yield SimpleNamespace(server=server, demo=demo)
        finally:
            db.session.remove()
            db.engine.dispose()


def _run_clients(work, count: int = CLIENTS) -> list[tuple[str, Response]]:
    """Run ``work(i, start)`` in ``count`` threads at once; return every answer they collected.

    Each client logs in first and then calls ``start()``, so that the writes all begin together.
    """
    barrier = threading.Barrier(count)

    def start():
        barrier.wait(timeout=120)

    def client(i):
        try:
            return work(i, start)
        except BaseException:
            barrier.abort()
            raise

    with ThreadPoolExecutor(count) as pool:
        results = list(pool.map(client, range(count)))
    return [answer for answers in results for answer in answers]


def _unexpected(answers, expected) -> list:
    """Return the answers that are not the action's usual success redirect."""
    return [
        (action, r.status, r.location, r.text[:300])
        for action, r in answers
        if not (r.status == 303 and re.search(expected[action], r.location))
    ]


def _gapless_per_year(pairs) -> dict[int, list[int]]:
    """Return the years whose numbers are not exactly 1..N, with those numbers."""
    by_year: dict[int, list[int]] = {}
    for year, number in pairs:
        by_year.setdefault(year, []).append(number)
    return {y: sorted(ns) for y, ns in by_year.items() if sorted(ns) != list(range(1, len(ns) + 1))}


# -- system-error reports --------------------------------------------------------------------------


def _report_form(demo, title: str, action: str) -> dict:
    psychiatry = str(demo.organisations["Region Mellanland, psykiatrin"])
    return {
        "title": title,
        "description": "Vid flera utskrivningar i veckan saknades planeringen som ska följa med.",
        "causes": "Två journalsystem som inte talar med varandra.",
        "consequences": "Klienterna står utan stöd de första dagarna hemma.",
        "fixer_organisation_id": psychiatry,
        "who_can_fix": "Verksamhetscheferna",
        "proposal": "En gemensam checklista vid utskrivning.",
        "system_view": "Samordningen mellan region och kommun brister.",
        "affected_organisation_ids": [psychiatry],
        "level": "caseworker",
        "category": "treatment",
        "client_count": "2",
        "action": action,
    }


def test_200_reports_from_16_people_at_once_get_unique_gapless_numbers(live):
    demo, server = live.demo, live.server
    group_id = demo.group_id
    base = f"/groups/{group_id}/system-errors"
    reporters = sorted(
        db.session.scalars(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.group_id == group_id, Membership.ended_at.is_(None))
        )
    )
    db.session.remove()
    titles = [f"Samtidig rapport {n:03d}" for n in range(REPORTS)]

    def work(i, start):
        browser = Browser(server.url)
        browser.login(reporters[i % len(reporters)], DEMO_PASSWORD)
        token = browser.csrf_token(f"{base}/new")
        start()
        answers = []
        for n in range(i, REPORTS, CLIENTS):
            if n % 2 == 0:  # straight in
                answers.append(
                    ("submit", browser.post(f"{base}/new", _report_form(demo, titles[n], "submit"), token))
                )
                continue
            draft = browser.post(f"{base}/new", _report_form(demo, titles[n], "draft"), token)
            answers.append(("draft", draft))
            saved = re.search(r"/system-errors/(U-\d+)/edit$", draft.location)
            if saved:
                edit = f"{base}/{saved.group(1)}/edit"
                answers.append(("submit", browser.post(edit, _report_form(demo, titles[n], "submit"), token)))
        return answers

    answers = _run_clients(work)

    assert [r.status for _, r in answers if r.status >= 500] == [], server.log()
    expected = {"submit": rf"{base}/mine$", "draft": rf"{base}/U-\d+/edit$"}
    assert _unexpected(answers, expected) == [], server.log()
    assert Counter(action for action, _ in answers) == {"submit": REPORTS, "draft": REPORTS // 2}

    reports = db.session.scalars(
        select(SystemErrorReport).where(SystemErrorReport.group_id == group_id)
    ).all()
    mine = [r for r in reports if r.title.startswith("Samtidig rapport")]
    assert sorted(r.title for r in mine) == titles  # every one saved, once
    assert all(r.status == "submitted" and r.number for r in mine)
    numbers = [(r.number_year, r.number_seq) for r in reports if r.number_seq is not None]
    assert len(numbers) == len(set(numbers))
    assert _gapless_per_year(numbers) == {}
    year = numbering.swedish_year()
    assert {r.number_year for r in mine} == {year}
    counter = db.session.get(NumberCounter, (group_id, numbering.SYSTEM_ERROR, year))
    assert counter.last_value == max(seq for y, seq in numbers if y == year)


def test_16_creators_for_a_few_seconds_lose_nothing(live):
    """16 people submit reports as fast as they can for a bounded time: every one is answered as
    usual, every one is stored once, and the numbers stay unique and gapless."""
    demo, server = live.demo, live.server
    base = f"/groups/{demo.group_id}/system-errors"
    reporters = sorted(
        db.session.scalars(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.group_id == demo.group_id, Membership.ended_at.is_(None))
        )
    )
    db.session.remove()

    def work(i, start):
        browser = Browser(server.url)
        browser.login(reporters[i % len(reporters)], DEMO_PASSWORD)
        token = browser.csrf_token(f"{base}/new")
        start()
        deadline, answers, n = time.monotonic() + CREATE_SECONDS, [], 0
        while time.monotonic() < deadline:
            title = f"Tidsatt rapport {i:02d}-{n:04d}"
            answers.append((title, browser.post(f"{base}/new", _report_form(demo, title, "submit"), token)))
            n += 1
        return answers

    answers = _run_clients(work)

    assert [(t, r.status, r.text[:300]) for t, r in answers if r.status != 303] == [], server.log()
    assert all(r.location.endswith(f"{base}/mine") for _, r in answers)
    reports = db.session.scalars(
        select(SystemErrorReport).where(SystemErrorReport.group_id == demo.group_id)
    ).all()
    stored = sorted(r.title for r in reports if r.title.startswith("Tidsatt rapport"))
    assert stored == sorted(t for t, _ in answers)  # each answered one stored, once
    numbers = [(r.number_year, r.number_seq) for r in reports if r.number_seq is not None]
    assert len(numbers) == len(set(numbers))
    assert _gapless_per_year(numbers) == {}


# -- §§ of the minutes -----------------------------------------------------------------------------


def test_paragraphs_added_by_16_writers_at_once_get_unique_gapless_numbers(live):
    demo, server = live.demo, live.server
    meeting_url = f"/groups/{demo.group_id}/meetings/{demo.meeting_id}"
    minutes_url = f"{meeting_url}/minutes"
    chair, secretary = "ordforande@demo.se", "ledamot@demo.se"

    # The chair starts the meeting and makes the ledamot secretary: both write the minutes.
    browser = Browser(server.url)
    browser.login(chair, DEMO_PASSWORD)
    assert browser.post_form(f"{meeting_url}/start", {"confirm": "yes"}, form_page=meeting_url).status == 303
    # The one attendance form: everyone's row as saved, the chair and the secretary present.
    minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == demo.meeting_id))
    writers, attendance = {demo.membership(chair), demo.membership(secretary)}, {}
    for row in minutes.attendances:
        prefix = f"attendance-{row.membership_id}"
        attendance |= {
            f"{prefix}-presence": "present" if row.membership_id in writers else row.presence,
            f"{prefix}-serving_for_id": "" if row.serving_for_id is None else str(row.serving_for_id),
            f"{prefix}-arrived_at_id": "" if row.arrived_at_id is None else str(row.arrived_at_id),
            f"{prefix}-left_after_id": "" if row.left_after_id is None else str(row.left_after_id),
        }
    db.session.remove()  # the server's workers write next
    response = browser.post_form(f"{minutes_url}/attendance", attendance, minutes_url + "/")
    assert response.status == 303, response.text[:500]
    officers = {
        "officers-chair_id": str(demo.membership(chair)),
        "officers-secretary_id": str(demo.membership(secretary)),
        "officers-adjuster_id": "",
        "officers-second_adjuster_id": "",
    }
    assert browser.post_form(f"{minutes_url}/officers", officers, minutes_url + "/").status == 303
    titles = [f"Samtidig paragraf {n:02d}" for n in range(CLIENTS * PARAGRAPHS_EACH)]

    def work(i, start):
        writer = Browser(server.url)
        writer.login(chair if i % 2 else secretary, DEMO_PASSWORD)
        token = writer.csrf_token(minutes_url + "/")
        start()
        return [
            ("add", writer.post(f"{minutes_url}/paragraphs", {"new-paragraph-title": titles[n]}, token))
            for n in range(i, len(titles), CLIENTS)
        ]

    answers = _run_clients(work)

    assert [r.status for _, r in answers if r.status >= 500] == [], server.log()
    assert _unexpected(answers, {"add": rf"{minutes_url}/#paragraph-\d+$"}) == [], server.log()

    minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == demo.meeting_id))
    mine = db.session.scalars(select(Paragraph).where(Paragraph.minutes_id == minutes.id)).all()
    assert sorted(p.title for p in mine if p.title.startswith("Samtidig")) == titles  # each once
    by_position = sorted(mine, key=lambda p: p.position)
    assert [p.position for p in by_position] == list(range(1, len(mine) + 1))
    assert [p.number for p in by_position] == sorted(p.number for p in mine)  # in order
    group_paragraphs = db.session.execute(
        select(Paragraph.year, Paragraph.number).where(Paragraph.group_id == demo.group_id)
    ).all()
    assert len(group_paragraphs) == len(set(group_paragraphs))
    assert _gapless_per_year(group_paragraphs) == {}
    year = mine[0].year
    last = db.session.scalar(
        select(func.max(Paragraph.number)).where(Paragraph.group_id == demo.group_id, Paragraph.year == year)
    )
    assert db.session.get(NumberCounter, (demo.group_id, numbering.PARAGRAPH, year)).last_value == last


# -- SQLite's transactions (po_meetings/database.py), without a server -------------------------------


@pytest.fixture
def sqlite_only(backend):
    if backend != "sqlite":
        pytest.skip("SQLite's own transaction handling")


def test_how_transactions_begin_on_sqlite(app):
    from po_meetings.database import begin_statement

    assert begin_statement() is None  # outside requests and commands: the driver's default
    with app.test_request_context("/", method="GET"):
        assert begin_statement() == "BEGIN"  # readers never wait for the writer
    for method in ("POST", "PUT", "DELETE"):
        with app.test_request_context("/", method=method):
            assert begin_statement() == "BEGIN IMMEDIATE"
    with click.Context(click.Command("seed-demo"), info_name="seed-demo"):
        assert begin_statement() == "BEGIN IMMEDIATE"
    with click.Context(click.Command("shell"), info_name="shell"):
        assert begin_statement() is None  # a shell left open must not hold the write lock


def _in_threads(*steps):
    """Run each step in its own thread; return the exceptions they raised."""
    errors = []

    def run(step):
        try:
            step()
        except Exception as error:  # reported by the test
            errors.append(error)

    threads = [threading.Thread(target=run, args=(step,)) for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_writing_requests_that_read_first_take_turns(sqlite_only, app, demo):
    """Two requests read a value and write it back increased, at the same time: the second waits
    for the first, so neither update is lost (the driver's default would lose one) and neither is
    refused (a plain BEGIN would fail the first's write with "database is locked", its snapshot
    gone stale when the second committed)."""
    group_id, key, read = demo.group_id, (demo.group_id, "test", 2040), threading.Event()
    with app.app_context():
        numbering.lock(group_id, "test", 2040)
        db.session.commit()

    def increase(pause: float):
        with app.test_request_context("/", method="POST"):
            value = db.session.get(NumberCounter, key).last_value
            read.set()
            time.sleep(pause)  # the other request runs meanwhile
            numbering.record(group_id, "test", 2040, value + 1)
            db.session.commit()

    def second():
        read.wait(10)
        increase(0)

    assert _in_threads(lambda: increase(0.5), second) == []
    with app.app_context():
        assert db.session.get(NumberCounter, key).last_value == 2


def test_readers_do_not_wait_for_a_writer(app, demo):
    group_id, written, done = demo.group_id, threading.Event(), threading.Event()
    waited = []

    def writer():
        with app.test_request_context("/", method="POST"):
            numbering.next_number(group_id, "test", 2040)  # holds the write lock
            written.set()
            done.wait(10)
            db.session.commit()

    def reader():
        written.wait(10)
        with app.test_request_context("/", method="GET"):
            started = time.monotonic()
            assert db.session.get(Group, group_id) is not None
            waited.append(time.monotonic() - started)
        done.set()

    assert _in_threads(writer, reader) == []
    assert waited and waited[0] < 2


def test_a_savepoint_rolls_back_alone_in_a_request(app, demo):
    with app.test_request_context("/", method="POST"):
        numbering.next_number(demo.group_id, "test", 2040)
        savepoint = db.session.begin_nested()
        numbering.next_number(demo.group_id, "test", 2040)
        savepoint.rollback()
        db.session.commit()
    with app.test_request_context("/", method="POST"):
        numbering.next_number(demo.group_id, "test", 2040)
        db.session.rollback()  # the whole transaction, with what it took
    with app.app_context():
        assert db.session.get(NumberCounter, (demo.group_id, "test", 2040)).last_value == 1


def test_every_sqlite_connection_has_wal_and_a_busy_timeout(sqlite_only, app):
    from po_meetings.database import BUSY_TIMEOUT_MS

    with app.app_context():
        connections = [db.engine.raw_connection() for _ in range(3)]  # three of the pool's
        try:
            for connection in connections:
                cursor = connection.cursor()
                assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
                assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
                cursor.close()
        finally:
            for connection in connections:
                connection.close()
