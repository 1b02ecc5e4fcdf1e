"""The client statistics in a real browser on a phone (375 px): axe clean, no sideways scrolling,
and a wrong sum is told beside its cell without a page load."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from po_meetings import permissions
from po_meetings.statistics import services
from po_meetings.statistics.services import Quarter

from ..conftest import ROLE_LOGINS
from ..test_browser import PHONE, _mark_page, _still_same_page, browser, live_server, visitor  # noqa: F401

pytestmark = pytest.mark.browser


def test_an_ombud_enters_a_quarter_on_a_phone(demo, visitor):  # noqa: F811
    now = Quarter.of(services.today())
    v = visitor(**PHONE)
    v.login(ROLE_LOGINS[permissions.OMBUD])
    base = f"/groups/{demo.group_id}/statistics"
    problems = v.check_page(base, "ombud-statistics.index-375")
    problems += v.sideways_problems("ombud-statistics.index-375")
    problems += v.check_page(f"{base}/{now.year}/{now.number}", "ombud-statistics.edit-375")
    problems += v.sideways_problems("ombud-statistics.edit-375")
    page = v.page
    _mark_page(page)

    # 10 at the start, 2 new women of 18–29 but their total left at 3: the total is wrong.
    page.fill("#clients_at_start", "10")
    page.fill("#clients_at_end", "12")
    page.fill("#new_women_total", "3")
    page.fill("#new_women_18_29", "2")
    page.get_by_role("button", name=f"Spara {now.label}").click()
    message = page.locator("#new_women_total-error")
    expect(message).to_contain_text(
        "Åldersgrupperna (nya klienter, kvinnor) summerar till 2, men totalen är 3."
    )
    expect(page.locator("#new_women_total")).to_have_attribute("aria-invalid", "true")
    assert _still_same_page(page), "the refusal reloaded the page"
    problems += v.axe_problems("ombud-statistics.refused-375")
    problems += v.sideways_problems("ombud-statistics.refused-375")

    page.fill("#new_women_total", "2")
    page.get_by_role("button", name=f"Spara {now.label}").click()
    page.wait_for_url(f"**{base}")
    expect(page.locator(".messages")).to_contain_text(
        f"Klientstatistiken för kvartal {now.number} {now.year} är sparad."
    )
    row = page.locator(f"#quarter-{now.year}-{now.number}")
    expect(row).to_contain_text("Inrapporterad")
    problems += v.console_problems("ombud-statistics-375")
    assert not problems, "\n".join(problems)


def test_the_standing_item_on_a_phone(demo, visitor):  # noqa: F811
    v = visitor(**PHONE)
    v.login(ROLE_LOGINS[permissions.MEMBER])
    url = f"/groups/{demo.group_id}/meetings/{demo.meeting_id}"
    problems = v.check_page(url, "member-meetings.show-statistics-375")
    problems += v.sideways_problems("member-meetings.show-statistics-375")
    expect(v.page.locator(".standing-statistics caption")).to_contain_text("Klientstatistik, kvartal")
    assert not problems, "\n".join(problems)
