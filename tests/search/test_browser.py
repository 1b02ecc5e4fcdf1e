"""The group search in a real browser: axe clean with results and with a refused search, on a
phone without sideways scrolling; the group's search box leads to the results, and the page's own
form swaps the results in place and keeps the search in the address."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from po_meetings import permissions

from ..conftest import ROLE_LOGINS
from ..test_browser import PHONE, Visitor, _mark_page, _still_same_page, browser, live_server, visitor  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", [permissions.MEMBER, permissions.OMBUD])
def test_the_results_are_accessible_on_a_phone(demo, visitor, role):  # noqa: F811
    v = visitor(**PHONE)
    v.login(ROLE_LOGINS[role])
    problems = []
    for q in ("väntetider", "19121212-1212"):
        label = f"search-{role}-{'refused' if '-' in q else 'results'}-375"
        problems += v.check_page(f"/groups/{demo.group_id}/search?q={q}", label)
        problems += v.sideways_problems(label)
    assert not problems, "\n".join(problems)


def test_the_search_box_finds_and_the_form_swaps_the_results(demo, visitor):  # noqa: F811
    v = visitor()
    v.login(ROLE_LOGINS[permissions.MEMBER])
    page = v.page
    page.goto(f"/groups/{demo.group_id}/meetings/")
    page.get_by_label("Sök i gruppens beslut, protokoll, dagordningar och systemfel").fill("väntetider")
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page).to_have_url(re.compile(r"/search\?q=v%C3%A4ntetider"))
    expect(page.locator("mark").first).to_be_visible()
    _mark_page(page)
    page.get_by_label("Sök efter ord").fill("bankid")
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]q=bankid"))
    expect(page.get_by_role("status")).to_contain_text("bankid")
    assert _still_same_page(page), "the search reloaded the whole page instead of swapping the results"
    assert not v.axe_problems("search-swapped") and not v.console_problems("search-swapped")
