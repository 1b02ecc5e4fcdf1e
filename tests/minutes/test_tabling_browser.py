"""Bordläggning in a real browser, by keyboard: the agenda of a meeting under way lists a matter
tabled at an earlier meeting, the chair takes it up in the minutes (the §§ are swapped in place)
and tables the new § again; every state passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from po_meetings.extensions import db
from po_meetings.meetings import services as meetings
from po_meetings.minutes import services
from po_meetings.models import Meeting, Membership

from ..meetings.test_browser import _press
from ..test_browser import browser, live_server, visitor  # noqa: F401

pytestmark = pytest.mark.browser


def _tabled_and_started(app, demo) -> dict:
    """Table a § of the latest justerade demo minutes and start the coming meeting; return the §."""
    with app.app_context():
        past = db.session.get(Meeting, demo.minutes["past_meeting_id"])
        paragraph = next(
            p for p in services.minutes_of(past).paragraphs if not p.is_secret and not p.decisions
        )
        chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
        paragraph.tabled_at = past.starts_at
        paragraph.tabled_by_id = chair.user_id
        meetings.start_meeting(db.session.get(Meeting, demo.meeting_id))
        db.session.commit()
        return {"id": paragraph.id, "label": paragraph.label, "title": paragraph.title}


def test_the_chair_takes_up_a_tabled_matter_and_tables_it_again(app, demo, visitor):  # noqa: F811
    tabled = _tabled_and_started(app, demo)
    v = visitor()
    v.login("ordforande@demo.se")
    meeting_url = f"/groups/{demo.group_id}/meetings/{demo.meeting_id}"

    problems = v.check_page(meeting_url, "tabling-agenda")
    expect(v.page.locator("#tabled")).to_contain_text(tabled["title"])

    problems += v.check_page(f"{meeting_url}/minutes/", "tabling-minutes")
    matters = v.page.locator("#tabled-matters")
    expect(matters).to_contain_text(tabled["title"])
    _press(matters.get_by_role("button", name=f"Ta upp ärendet {tabled['label']}"))
    expect(v.page.locator("#tabled-matters")).to_contain_text("tas upp i")
    resumed = v.page.locator("section.minutes-paragraph").last
    expect(resumed).to_contain_text(f"Tar upp det bordlagda ärendet {tabled['label']}")
    problems += v.axe_problems("tabling-taken-up") + v.console_problems("tabling-taken-up")

    _press(resumed.get_by_role("button", name="Bordlägg"))
    resumed = v.page.locator("section.minutes-paragraph").last
    expect(resumed).to_contain_text("Ärendet är bordlagt.")
    expect(resumed.locator(".badge", has_text="Bordlagd")).to_be_visible()
    problems += v.axe_problems("tabling-tabled-again") + v.console_problems("tabling-tabled-again")
    assert not problems, "\n".join(problems)
