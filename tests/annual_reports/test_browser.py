"""The yearly report in a real browser: the chair completes last year's demo report by keyboard and
marks it final; every step passes axe, and the report and its form fit a phone (375 px)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from po_meetings import permissions
from po_meetings.annual_reports import services

from ..conftest import ROLE_LOGINS
from ..test_browser import browser, live_server, visitor  # noqa: F401

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 812}}


def _fits_a_phone(v, label: str) -> list[str]:
    """Return a problem if the page is wider than the 375 px screen (it would scroll sideways)."""
    width = v.page.evaluate("document.documentElement.scrollWidth")
    return [] if width <= 375 else [f"{label}: the page scrolls sideways at 375 px ({width} px wide)"]


def test_the_chair_completes_and_finalises_last_years_report(demo, visitor):  # noqa: F811
    year = services.current_year() - 1
    base = f"/groups/{demo.group_id}/annual-reports"
    v = visitor()
    v.login(ROLE_LOGINS[permissions.CHAIR])
    problems = v.check_page(f"{base}/{year}", "chair-annual_reports.show-draft")
    page = v.page
    expect(page.locator("h1")).to_contain_text("Utkast")
    expect(page.locator("#part-priority_rules")).to_contain_text("Ej ifyllt")

    # Into the form by keyboard: the section's "Fyll i" link, then type and send with Enter.
    page.locator("#part-priority_rules a").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    problems += v.axe_problems("chair-annual_reports.edit")
    field = page.locator("#priority_rules")
    field.focus()
    page.keyboard.type("Den som väntat längst får ombud först; akuta lägen går före.")
    page.get_by_role("button", name="Spara redovisningen").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{base}/{year}")
    expect(page.locator(".messages")).to_contain_text("Redovisningen är sparad.")
    expect(page.locator("#part-priority_rules")).to_contain_text("Den som väntat längst")

    page.get_by_role("link", name="Markera som slutlig").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("som slutlig?")
    problems += v.axe_problems("chair-annual_reports.confirm_finalise")
    page.get_by_role("button", name="Markera som slutlig").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Slutlig")
    expect(page.locator(".report-checksum")).to_contain_text("SHA-256")
    problems += v.axe_problems("chair-annual_reports.show-final")
    problems += v.console_problems("chair-annual_reports")
    assert not problems, "\n".join(problems)


def test_the_report_and_its_form_fit_a_phone(demo, visitor):  # noqa: F811
    year = services.current_year() - 1
    base = f"/groups/{demo.group_id}/annual-reports"
    v = visitor(**PHONE)
    v.login(ROLE_LOGINS[permissions.CHAIR])
    problems = []
    for tail, label in (
        ("", "index"),
        (f"/{year}", "show"),
        (f"/{year}/edit", "edit"),
        (f"/{year}/versions/1", "version"),
    ):
        problems += v.check_page(base + tail, f"chair-annual_reports.{label}-375")
        problems += _fits_a_phone(v, f"chair-annual_reports.{label}-375")
    assert not problems, "\n".join(problems)
