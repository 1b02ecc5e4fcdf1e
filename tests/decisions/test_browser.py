"""The decision log in a real browser: axe clean for a member and an ombud, on a phone without
sideways scrolling, and the filter form swaps the list in place and keeps the filter in the URL."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from po_meetings import permissions

from ..conftest import ROLE_LOGINS
from ..test_browser import PHONE, Visitor, _mark_page, _still_same_page, browser, live_server, visitor  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", [permissions.MEMBER, permissions.OMBUD])
def test_the_log_is_accessible_on_a_phone(demo, visitor, role):  # noqa: F811
    v = visitor(**PHONE)
    v.login(ROLE_LOGINS[role])
    label = f"decisions-{role}-375"
    problems = v.check_page(f"/groups/{demo.group_id}/decisions", label)
    problems += v.sideways_problems(label)
    assert not problems, "\n".join(problems)


def test_the_filter_swaps_the_list_and_keeps_the_filter_in_the_address(demo, visitor):  # noqa: F811
    v = visitor()
    v.login(ROLE_LOGINS[permissions.CHAIR])
    page = v.page
    page.goto(f"/groups/{demo.group_id}/decisions")
    rows = page.locator("li.decision-log__row")
    everything = rows.count()
    assert everything > 1
    _mark_page(page)
    page.get_by_label("Uppföljning").select_option("overdue")
    page.get_by_role("button", name="Visa").click()
    expect(page).to_have_url(re.compile(r"[?&]state=overdue"))
    expect(rows.first).to_contain_text("Försenat uppdrag")
    assert 0 < rows.count() < everything
    assert _still_same_page(page), "the filter reloaded the whole page instead of swapping the list"
    expect(page.get_by_role("link", name="Ladda ner beslutsloggen som CSV")).to_have_attribute(
        "href", re.compile(r"decisions\.csv\?state=overdue")
    )
    assert not v.axe_problems("decisions-filtered") and not v.console_problems("decisions-filtered")
    # The address is the filtered log: opening it anew shows the same list with the filter chosen.
    page.reload()
    expect(page.get_by_label("Uppföljning")).to_have_value("overdue")
    assert 0 < rows.count() < everything
