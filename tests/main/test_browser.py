"""The start page ("Min sida") in a real browser on a phone (375 px): the most urgent first, no
sideways scrolling, axe clean, and the one-click buttons swap their row or box in place.

The start page's own world (tests/main/conftest.py) is served, so the checks depend neither on the
demo data nor on its timing; one last test opens the demo's start page for every role.
"""

from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from ..conftest import ROLE_LOGINS
from ..test_browser import PHONE, Visitor, _mark_page, _still_same_page, browser, live_server, visitor  # noqa: F401
from .conftest import OVERDUE, PASSWORD, SOON

pytestmark = pytest.mark.browser


@pytest.fixture
def world_visitor(app, world, browser):  # noqa: F811
    """Serve the start page's world on a free port; return a factory of phone-sized visitors."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="start-live-server", daemon=True)
    thread.start()
    visitors: list[Visitor] = []

    def make(key: str) -> Visitor:
        """Open a phone-sized browser context and log in as one of the world's people."""
        v = Visitor(browser, f"http://127.0.0.1:{server.server_port}", **PHONE)
        visitors.append(v)
        page = v.page
        page.goto("/login")
        page.fill("input[name=email]", f"{key}@test.se")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Logga in").click()
        assert not page.url.rstrip("/").endswith("/login"), f"login as {key} failed"
        return v

    try:
        yield make
    finally:
        for v in visitors:
            v.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _press(locator) -> None:
    """Activate a control by keyboard: focus it and press Enter."""
    locator.focus()
    locator.page.keyboard.press("Enter")


def test_the_member_marks_an_overdue_uppdrag_done_on_a_phone(world, world_visitor):
    """The overdue uppdrag comes first; "Markera som klar" swaps its row without a page load."""
    v = world_visitor("member")
    problems = v.check_page("/", "start-member-375")
    problems += v.sideways_problems("start-member-375")
    page = v.page
    # The most urgent thing first: the first heading after the page's own is "Först av allt".
    expect(page.locator("main h2").first).to_have_text("Först av allt")
    expect(page.locator(".start-urgent")).to_contain_text("1 försenat uppdrag")
    rows = page.locator(f"#group-{world.group_id} li[id^=start-action-]")
    expect(rows.first).to_contain_text(OVERDUE)
    expect(rows.first).to_contain_text("Försenad")

    _mark_page(page)
    row = page.locator(f"#start-action-{world.actions['overdue']}")
    _press(row.get_by_role("button", name=re.compile(r"^Markera som klar")))
    expect(row.locator(".message--success")).to_have_text("Uppdraget är klart.")
    expect(row).to_contain_text("Status: Klar")
    expect(row.get_by_role("button")).to_have_count(0)
    assert _still_same_page(page), "marking the uppdrag done reloaded the page"

    soon = page.locator(f"#start-action-{world.actions['soon']}")
    _press(soon.get_by_role("button", name=re.compile(r"^Påbörjad")))
    expect(soon.locator(".message--success")).to_have_text("Uppdraget är påbörjat.")
    expect(soon).to_contain_text("Status: Pågår")
    expect(soon.get_by_role("button", name=re.compile(r"^Påbörjad"))).to_have_count(0)
    expect(soon.get_by_role("button", name=re.compile(r"^Markera som klar"))).to_have_count(1)
    assert SOON in soon.inner_text()
    problems += v.axe_problems("start-member-actions-moved")
    problems += v.sideways_problems("start-member-actions-moved")
    v.screenshot("start-member-375-after")
    problems += v.console_problems("start-member")

    page.reload()
    expect(page.locator(".start-urgent")).to_have_count(0)  # nothing overdue any more
    assert not problems, "\n".join(problems)


def test_the_member_answers_the_kallelse_on_a_phone(world, world_visitor):
    """Deltar / Förhinder answers the next meeting's kallelse in place and shows which is pressed."""
    v = world_visitor("member")
    page = v.page
    page.goto("/")
    _mark_page(page)
    box = page.locator(f"#start-meeting-{world.meeting_id}")
    expect(box).to_contain_text("du har inte svarat ännu")
    _press(box.get_by_role("button", name="Förhinder"))
    expect(box.locator(".message--success")).to_have_text("Ditt svar är sparat: förhinder.")
    expect(box.get_by_role("button", name="Förhinder")).to_have_attribute("aria-pressed", "true")
    expect(box.get_by_role("button", name="Deltar")).to_have_attribute("aria-pressed", "false")
    assert _still_same_page(page), "answering the kallelse reloaded the page"
    problems = v.axe_problems("start-member-answered")
    problems += v.sideways_problems("start-member-answered")
    problems += v.console_problems("start-member-answered")
    assert not problems, "\n".join(problems)


def test_the_justerare_finds_the_minutes_waiting_first_on_a_phone(world, world_visitor):
    """The justerare's page opens with the minutes waiting for them, linked to the justering."""
    v = world_visitor("adjuster")
    problems = v.check_page("/", "start-adjuster-375")
    problems += v.sideways_problems("start-adjuster-375")
    urgent = v.page.locator(".start-urgent")
    expect(urgent).to_contain_text("väntar på din justering som justerare")
    link = urgent.get_by_role("link", name=re.compile(r"^Protokollet från Möte i mars"))
    expect(link).to_have_attribute(
        "href", re.compile(rf"/meetings/{world.past_meeting_id}/minutes/#justering$")
    )
    assert not problems, "\n".join(problems)


def test_the_chairs_overview_fits_a_phone(world, world_visitor):
    """The chair's overview of counts and links is accessible and fits 375 px."""
    v = world_visitor("chair")
    problems = v.check_page("/", "start-chair-375")
    problems += v.sideways_problems("start-chair-375")
    overview = v.page.locator(".start-overview")
    expect(overview.get_by_role("heading", name="Gruppens läge")).to_be_visible()
    expect(overview).to_contain_text("öppna uppdrag, varav 1 försenade")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", sorted(ROLE_LOGINS))
def test_the_demo_start_page_fits_a_phone_for_every_role(role, demo, visitor):  # noqa: F811
    """With the demo data, every role's start page is accessible and fits a 375 px screen."""
    v = visitor(**PHONE)
    v.login(ROLE_LOGINS[role])
    label = f"{role}-main.index-375"
    problems = v.check_page("/", label) + v.sideways_problems(label)
    assert not problems, "\n".join(problems)
