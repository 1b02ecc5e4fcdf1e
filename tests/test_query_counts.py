"""The benchmarked pages make as many SQL statements with 50 rows as with 5 (bench/PROFILE.md).

Each page is counted twice: after adding 5 rows of what it shows (reports, §§ with decisions),
then after adding 45 more. A page whose count grows loads something per row.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bench.profile_pages import report_form
from po_meetings import permissions
from po_meetings.extensions import db
from po_meetings.models import Decision, DecisionResult, Group, Minutes, Paragraph, SystemErrorReport
from po_meetings.system_errors.bulk import seed_bulk

from .support.query_count import counting_queries


def _add_reports(app, demo, count: int, seed: int) -> None:
    """Add realistic submitted reports (with occurrences, escalations, history) to the demo group."""
    with app.app_context():
        seed_bulk(db.session.get(Group, demo.group_id), count, seed=seed)
        db.session.commit()


def _count(app, client, method: str, url: str, **kwargs) -> tuple[int, str]:
    """Return how many statements a request made, and its answer's text."""
    with app.app_context():
        engine = db.engine
    with counting_queries(engine) as statements:
        response = getattr(client, method)(url, **kwargs)
    assert response.status_code in (200, 303), (url, response.status_code)
    return len(statements), response.get_data(as_text=True)


def _newest_report(app, group_id: int) -> str:
    with app.app_context():
        report = db.session.scalars(
            select(SystemErrorReport)
            .where(SystemErrorReport.group_id == group_id, SystemErrorReport.number_seq.is_not(None))
            .order_by(SystemErrorReport.id.desc())
        ).first()
        return report.number


REGISTER_PAGES = {
    "list by status": "{base}?status=submitted",
    "list unfiltered": "{base}",
    "search": "{base}?q=tolk",
    "group search": "/groups/{group}/search?q=tolk",
    "start page": "/",
    "meeting page": "/groups/{group}/meetings/{meeting}",
}


@pytest.mark.parametrize("page", REGISTER_PAGES)
def test_a_register_page_makes_as_many_queries_with_50_reports_as_with_5(app, client, auth, demo, page):
    auth.login_as(permissions.CHAIR)
    base = f"/groups/{demo.group_id}/system-errors"
    url = REGISTER_PAGES[page].format(base=base, group=demo.group_id, meeting=demo.meeting_id)
    _add_reports(app, demo, 5, seed=1)
    few, _ = _count(app, client, "get", url)
    _add_reports(app, demo, 45, seed=2)
    many, _ = _count(app, client, "get", url)
    assert many <= few, f"{page}: {few} statements with 5 reports, {many} with 50"


#: Statements of one report's page and of a create POST (bench/PROFILE.md, round 2). A bulk
#: report is taken up at a past meeting, so its page also loads that meeting and agenda item.
REPORT_BUDGET = 11
CREATE_BUDGET = 13


def test_one_report_makes_as_many_queries_with_a_long_history(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    _add_reports(app, demo, 5, seed=1)
    url = f"/groups/{demo.group_id}/system-errors/{_newest_report(app, demo.group_id)}"
    few, _ = _count(app, client, "get", url)
    for n in range(45):  # comments: 45 more events in its history
        assert client.post(f"{url}/comments", data={"text": f"Kommentar {n}"}).status_code in (200, 303)
    many, html = _count(app, client, "get", url)
    assert "Kommentar 44" in html
    assert many <= few
    # Found and loaded with what the page shows in one go (not found, then loaded again).
    assert few <= REPORT_BUDGET, few


def test_submitting_a_report_makes_as_many_queries_in_a_bigger_register(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    url = f"/groups/{demo.group_id}/system-errors/new"
    _add_reports(app, demo, 5, seed=1)
    few, _ = _count(app, client, "post", url, data=report_form(1))
    _add_reports(app, demo, 45, seed=2)
    many, _ = _count(app, client, "post", url, data=report_form(2))
    assert many <= few
    # The new report is inserted whole (number, search text) and followed without asking first
    # whether its reporter follows it: 18 statements before round 2 of issue 15.
    assert few <= CREATE_BUDGET, few


def _add_paragraphs(app, demo, count: int, start: int) -> int:
    """Add §§, each with a decision, to the minutes of a demo meeting; return the meeting's id."""
    with app.app_context():
        paragraph = db.session.scalars(
            select(Paragraph).join(Minutes).where(Minutes.group_id == demo.group_id).order_by(Paragraph.id)
        ).first()
        for n in range(start, start + count):
            added = Paragraph(
                minutes_id=paragraph.minutes_id,
                group_id=demo.group_id,
                position=500 + n,
                year=paragraph.year,
                number=5000 + n,
                title=f"Räknad paragraf {n}",
                body="Ärendet föredrogs.",
            )
            added.decisions.append(
                Decision(
                    group_id=demo.group_id,
                    position=1,
                    text=f"att lägga paragraf {n} till handlingarna",
                    method="acclamation",
                    result=DecisionResult.ADOPTED.value,
                )
            )
            db.session.add(added)
        db.session.commit()
        return paragraph.minutes.meeting_id


#: The minutes page's statements (50 before round 2 of issue 15, 22 before round 4: bench/PROFILE.md).
MINUTES_BUDGET = 19


def test_the_minutes_make_as_many_queries_with_50_paragraphs_as_with_5(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    meeting_id = _add_paragraphs(app, demo, 5, 0)
    url = f"/groups/{demo.group_id}/meetings/{meeting_id}/minutes/"
    few, _ = _count(app, client, "get", url)
    _add_paragraphs(app, demo, 45, 5)
    many, html = _count(app, client, "get", url)
    assert len(re.findall(r"Räknad paragraf \d+", html)) >= 50
    assert many <= few
    # The people the minutes name are the group's memberships, loaded once with their users and
    # organisations (not a query per kind of reference: officers, votes, reservations, notes …).
    assert few <= MINUTES_BUDGET, few
