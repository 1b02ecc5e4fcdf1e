"""The start page's queries: a fixed number of SQL statements whatever the number of rows or groups."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, update

from po_meetings.extensions import db
from po_meetings.models import (
    EventKind,
    Group,
    Membership,
    ReportEvent,
    ReportFollower,
    Role,
    StartPageVisit,
    SystemErrorReport,
    utcnow,
)

#: What the start page may take at most, all kinds and groups together (login and session included).
BUDGET = 30


@contextmanager
def counted(app):
    """Collect the SQL statements run inside the block."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def start_page_statements(app, client) -> list[str]:
    with counted(app) as statements:
        response = client.get("/")
        assert response.status_code == 200
    return statements


def age_the_visit(app, user_id: int) -> None:
    """Move the stored visit two hours back, so the next one counts from it (changes are shown)."""
    with app.app_context():
        db.session.execute(
            update(StartPageVisit)
            .where(StartPageVisit.user_id == user_id)
            .values(visited_at=utcnow() - timedelta(hours=2))
        )
        db.session.commit()


def add_followed_reports(app, world, count: int) -> None:
    """Let the member follow ``count`` more reports, each with a new comment by someone else."""
    with app.app_context():
        for n in range(count):
            report = SystemErrorReport(
                group_id=world.group_id,
                number_year=2020,
                number_seq=100 + n,
                reporter_id=world.users["ombud"],
                status="submitted",
                title=f"Följd rapport {n}",
                level="local",
                category="accessibility",
                submitted_at=utcnow(),
                search_text="",
            )
            db.session.add(report)
            db.session.flush()
            db.session.add(
                ReportFollower(report_id=report.id, user_id=world.users["member"], group_id=world.group_id)
            )
            db.session.add(
                ReportEvent(
                    report_id=report.id,
                    group_id=world.group_id,
                    actor_id=world.users["chair"],
                    kind=EventKind.COMMENT.value,
                    occurred_at=utcnow() - timedelta(minutes=5),
                )
            )
        db.session.commit()


def add_groups(app, world, count: int) -> None:
    """Make the member a member (and chair) of ``count`` more groups."""
    with app.app_context():
        for n in range(count):
            group = Group(name=f"Extragrupp {n}")
            db.session.add(group)
            db.session.flush()
            role = Role.CHAIR if n % 2 else Role.MEMBER
            db.session.add(Membership(group=group, user_id=world.users["member"], role=role.value))
        db.session.commit()


def test_the_start_page_makes_as_many_queries_for_many_rows_and_groups_as_for_few(app, client, world, login):
    login("member")
    client.get("/")  # the first visit
    age_the_visit(app, world.users["member"])
    few = start_page_statements(app, client)
    assert len(few) <= BUDGET, few

    world.add_actions(app, 12)
    add_followed_reports(app, world, 12)
    add_groups(app, world, 4)
    age_the_visit(app, world.users["member"])
    many = start_page_statements(app, client)
    # Two of the new groups are led by the member, so their overview appears: its queries are
    # one per kind for all led groups together.
    overview_queries = 3  # the owners, the organisations, and the five counts in one statement
    assert len(many) <= len(few) + overview_queries, many
    html = client.get("/").text
    assert "Alla dina 15 öppna uppdrag" in html  # 3 + 12, listed up to the limit, the rest linked
    # Eight reports listed (the owned one first, then the newest changed), the rest counted and linked.
    assert html.count("Sedan ditt förra besök:") == 7
    assert "(15 systemfel som rör dig)" in html


def test_the_chairs_overview_takes_the_same_queries_for_one_group_or_several(app, client, world, login):
    login("chair")
    one = start_page_statements(app, client)
    with app.app_context():
        for n in range(3):
            group = Group(name=f"Ledd grupp {n}")
            db.session.add(group)
            db.session.flush()
            db.session.add(Membership(group=group, user_id=world.users["chair"], role=Role.CHAIR.value))
        db.session.commit()
    several = start_page_statements(app, client)
    assert len(several) == len(one), (one, several)


def test_each_led_groups_overview_counts_its_own_rows_only(app, world):
    from po_meetings.main import queries
    from po_meetings.main.views import today

    with app.app_context():
        db.session.add(
            SystemErrorReport(
                group_id=world.other_group_id,
                number_year=2026,
                number_seq=1,
                reporter_id=world.users["outsider"],
                status="submitted",
                title="Väntar i den andra gruppen",
                level="local",
                category="accessibility",
                search_text="Väntar i den andra gruppen",
                submitted_at=utcnow(),
            )
        )
        db.session.commit()
        result = queries.overviews([world.group_id, world.other_group_id], today(), utcnow())
        mine, other = result[world.group_id], result[world.other_group_id]
        # Two reports wait to be taken up here, one there; one decision has open uppdrag here;
        # the minutes of March wait for justering here.
        assert (mine.waiting_reports, other.waiting_reports) == (2, 1)
        assert (mine.open_decisions, other.open_decisions) == (1, 0)
        assert (mine.unapproved_minutes, other.unapproved_minutes) == (1, 0)
        assert (mine.open_actions, other.open_actions) == (4, 0)
