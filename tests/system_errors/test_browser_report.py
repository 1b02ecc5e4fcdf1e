"""A systemfel report handled in a real browser: the chair takes it up at a meeting and gives it
an owner by keyboard, in place (htmx), and every state of the report page passes axe."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from po_meetings import permissions
from po_meetings.extensions import db
from po_meetings.models import Group, User
from po_meetings.system_errors import services

from ..conftest import ROLE_LOGINS
from ..test_browser import _mark_page, _still_same_page, browser, live_server, visitor  # noqa: F401

pytestmark = pytest.mark.browser

TITLE = "Ingen tolk vid möten med socialtjänsten"


def _submit(app, demo) -> str:
    """Submit a report as the ombud; return its number."""
    with app.app_context():
        report = services.save_report(
            db.session.get(Group, demo.group_id),
            db.session.get(User, demo.users["ombud@demo.se"]),
            {
                "title": TITLE,
                "description": "Klienter med annat modersmål har fått möten **utan tolk** under hösten.",
                "causes": "Beställningen av tolk ligger på klienten.",
                "consequences": "Klienten förstår inte besluten.",
                "system_view": "Klienten bemöttes inte med respekt.",
                "level": "caseworker",
                "category": "treatment",
            },
            submit=True,
        )
        db.session.commit()
        return report.number


def _press(locator) -> None:
    """Activate a control by keyboard: focus it and press Enter."""
    locator.focus()
    locator.page.keyboard.press("Enter")


def test_the_chair_takes_a_report_up_and_sets_an_owner_by_keyboard(app, demo, visitor):  # noqa: F811
    number = _submit(app, demo)
    url = f"/groups/{demo.group_id}/system-errors/{number}"
    problems: list[str] = []

    chair = visitor()
    chair.login(ROLE_LOGINS[permissions.CHAIR])
    page = chair.page
    problems += chair.check_page(url, "chair-report-submitted")
    _mark_page(page)

    # A closing without a reason is refused beside the form, in place.
    _press(page.locator("summary", has_text="Avsluta utan åtgärd"))
    _press(page.get_by_role("button", name="Avsluta utan åtgärd"))
    expect(page.locator("#report-actions details[open] [role=alert]")).to_contain_text("Ange skälet")
    expect(page.locator("#to-closed-reason")).to_be_focused()
    assert _still_same_page(page)
    problems += chair.axe_problems("chair-report-refused")
    chair.screenshot("flow-chair-report-refused")

    # Take it up at the coming meeting: open the move with Enter, choose, submit with Enter.
    _press(page.locator("summary", has_text="Ta upp på ett möte"))
    meeting = page.locator("#to-taken_up-meeting_id")
    meeting.focus()
    meeting.select_option(str(demo.meeting_id))
    page.keyboard.press("Tab")
    expect(page.locator("#to-taken_up-agenda_item_id")).to_be_focused()
    _press(page.get_by_role("button", name="Ta upp på ett möte"))
    notice = page.locator("#report .message--success")
    expect(notice).to_have_text("Rapporten har nu status upptagen.")
    expect(notice).to_be_focused()  # keyboard focus lands on what happened, not on <body>
    expect(page.locator("#report-history")).to_contain_text("Inskickad → Upptagen")
    assert _still_same_page(page)
    problems += chair.axe_problems("chair-report-taken-up")
    problems += chair.console_problems("chair-report-taken-up")

    # Give it an owner and a next review date.
    review = (date.today() + timedelta(days=21)).isoformat()
    _press(page.locator("summary", has_text="Börja arbeta"))
    owner = page.locator("#to-in_progress-owner_id")
    owner.focus()
    owner.select_option(str(demo.membership("ledamot@demo.se")))
    page.keyboard.press("Tab")
    expect(page.locator("#to-in_progress-next_review_on")).to_be_focused()
    page.locator("#to-in_progress-next_review_on").fill(review)
    _press(page.get_by_role("button", name="Börja arbeta: ge rapporten en ansvarig"))
    expect(notice).to_have_text("Rapporten har nu status under arbete.")
    expect(page.locator(".report-facts")).to_contain_text("Fatima Hassan")
    expect(page.locator(".report-facts")).to_contain_text(review)
    expect(page.locator("#report-history")).to_contain_text("Upptagen → Under arbete")
    assert _still_same_page(page)
    problems += chair.axe_problems("chair-report-in-progress")
    chair.screenshot("flow-chair-report-in-progress")

    # Follow, and a comment: both in place.
    follow_button = page.locator("#report-follow button")
    was_following = follow_button.inner_text().strip() == "Sluta följa"
    _press(follow_button)
    # Wait for the swap itself (the old button is focused before it too), so that its autofocus
    # cannot move focus away while the comment is being written.
    expect(follow_button).to_have_text("Följ rapporten" if was_following else "Sluta följa")
    expect(follow_button).to_be_focused()
    page.locator("#comment-text").fill("Vi tar upp det med **socialtjänsten**.")
    _press(page.get_by_role("button", name="Spara kommentaren"))
    expect(page.locator("#report-history strong", has_text="socialtjänsten")).to_be_visible()
    problems += chair.axe_problems("chair-report-commented")
    problems += chair.console_problems("chair-report-commented")

    # Without JavaScript the same moves work as plain forms (a fresh page shows the state).
    problems += chair.check_page(url, "chair-report-reloaded")

    # The ombud who reported it sees the status and no actions.
    ombud = visitor()
    ombud.login(ROLE_LOGINS[permissions.OMBUD])
    problems += ombud.check_page(url, "ombud-report-in-progress")
    expect(ombud.page.locator("h1")).to_contain_text("Under arbete")
    expect(ombud.page.locator("#report-actions")).to_have_count(0)

    # The occurrence page.
    problems += ombud.check_page(url + "/occurrences/new", "ombud-report-new-occurrence")
    assert not problems, "\n".join(problems)
