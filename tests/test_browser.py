"""Every page in a real browser: headless Chromium through Playwright, checked by axe-core.

Each role logs in through the login form and opens every GET page the permission table allows
it; each page must load, be Swedish, pass axe's WCAG 2.1 A/AA rules and log no console errors
(a CSP violation is one). The htmx inline edit, the audit filter and a validation error are
driven by keyboard. Screenshots land in ``test-artifacts/screenshots/`` for a human to look at.
"""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from po_meetings import permissions

from .conftest import DEMO_PASSWORD, ROLE_LOGINS
from .support.endpoints import SAMPLE_USER, endpoint_urls

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
    "--disable-sync",
]

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

ROLES = [permissions.ANONYMOUS, *ROLE_LOGINS]


@pytest.fixture(scope="module")
def browser():
    """Launch one headless Chromium for the module; fail (never skip) if it is missing."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.fail(
            "Chromium is not installed: run `apt-get install -y chromium` (never `playwright install`)."
        )
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def live_server(app, demo):
    """Serve the app with the demo data on a free port; return its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


#: A phone's screen: every page must fit it without scrolling sideways.
PHONE = {"viewport": {"width": 375, "height": 812}}


class Visitor:
    """One browser context: a page, its console errors, and the checks every page must pass."""

    def __init__(self, browser, base_url: str, **context_options) -> None:
        self.context = browser.new_context(base_url=base_url, locale="sv-SE", **context_options)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.console_errors: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.console_errors.append(f"pageerror: {error}"))
        self.axe = Axe()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _on_console(self, message) -> None:
        """Keep console errors: CSP violations, failed loads, script errors."""
        if message.type == "error":
            self.console_errors.append(message.text)

    def close(self) -> None:
        """Close the browser context and its pages."""
        self.context.close()

    def login(self, email: str) -> None:
        """Log in through the real login form."""
        page = self.page
        page.goto("/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", DEMO_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Logga in").click()
        assert not page.url.rstrip("/").endswith("/login"), f"login as {email} failed: {page.url}"

    def axe_problems(self, label: str) -> list[str]:
        """Run axe on the page as it is now; return one readable line per violation."""
        results = self.axe.run(self.page, options=AXE_OPTIONS)
        problems = []
        for violation in results.response["violations"]:
            targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"])
            problems.append(
                f"{label}: axe {violation['id']} ({violation['impact']}): {violation['help']} -> {targets}"
            )
        return problems

    def console_problems(self, label: str) -> list[str]:
        """Return and forget the console errors since the last call."""
        problems = [f"{label}: console error: {text}" for text in self.console_errors]
        self.console_errors.clear()
        return problems

    def screenshot(self, name: str) -> None:
        """Save a full-page screenshot as test-artifacts/screenshots/<name>.png."""
        # caret="initial": Playwright otherwise leaves style="" on inputs, which htmx copies
        # onto swapped-in elements and the CSP then reports; real users never see that.
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, caret="initial")

    def sideways_problems(self, label: str) -> list[str]:
        """Return a problem if the page is wider than a 375 px phone (it would scroll sideways)."""
        width = self.page.evaluate("document.documentElement.scrollWidth")
        return [] if width <= 375 else [f"{label}: the page scrolls sideways at 375 px ({width} px wide)"]

    def check_page(self, url: str, label: str) -> list[str]:
        """Open a page and return everything wrong with it (empty if all is well)."""
        self.console_errors.clear()
        response = self.page.goto(url)
        if response is None:
            return [f"{label}: no response for {url}"]
        problems = []
        if response.status >= 400:
            problems.append(f"{label}: status {response.status} for {url}")
        csp = response.headers.get("content-security-policy", "")
        if "style-src 'self'" not in csp or "unsafe-inline" in csp:
            problems.append(f"{label}: the strict Content-Security-Policy is missing ({csp!r})")
        lang = self.page.locator("html").get_attribute("lang")
        if lang != "sv":
            problems.append(f"{label}: html lang is {lang!r}, not 'sv'")
        problems += self.axe_problems(label)
        self.screenshot(label)
        problems += self.console_problems(label)
        return problems


@pytest.fixture
def visitor(browser, live_server):
    """Return a factory of visitors (fresh browser contexts); all are closed after the test."""
    visitors: list[Visitor] = []

    def make(**context_options) -> Visitor:
        """Open a new browser context on the live server."""
        v = Visitor(browser, live_server, **context_options)
        visitors.append(v)
        return v

    yield make
    for v in visitors:
        v.close()


#: Edit forms of the minutes: the walk uses the demo's justerade minutes, where they are refused.
LOCKED_EDIT_FORMS = {"minutes.edit_paragraph", "minutes.edit_decision"}


def _pages_for(role: str, app, demo) -> list[tuple[str, str]]:
    """Return (endpoint, url) for every GET page the permission table allows a role."""
    pages = []
    for endpoint, method, url in endpoint_urls(app, demo):
        if endpoint == "static" or method != "GET" or url.endswith((".ics", ".csv", ".pdf", ".docx")):
            continue  # calendar files, CSV exports, PDFs and Word documents are downloads, not pages
        if endpoint in LOCKED_EDIT_FORMS:
            continue  # refused (409) on the demo's justerade minutes; tests/minutes/test_browser.py checks them open
        if role in permissions.PERMISSIONS[endpoint]:
            pages.append((endpoint, url))
    return pages


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_accessible(role, app, demo, visitor):
    """Every page a role may open loads, is Swedish, passes axe and keeps the console clean."""
    v = visitor()
    if role != permissions.ANONYMOUS:
        v.login(ROLE_LOGINS[role])
    pages = _pages_for(role, app, demo)
    assert pages, f"no pages for {role}"
    problems = []
    for endpoint, url in pages:
        problems += v.check_page(url, f"{role}-{endpoint}")
    assert not problems, f"{len(problems)} problem(s) for {role}:\n" + "\n".join(problems)


def test_console_check_catches_csp_violations(demo, visitor):
    """The console check is not vacuous: an inline style breaks the CSP and is reported."""
    v = visitor()
    assert v.check_page("/login", "anonymous-auth.login_form") == []
    v.page.evaluate("""document.body.insertAdjacentHTML('beforeend', '<p style="color: red">x</p>')""")
    v.page.wait_for_timeout(100)
    problems = v.console_problems("inline-style")
    assert any("Content Security Policy" in p for p in problems), problems


def _mark_page(page) -> None:
    """Set a marker on window that a full page load would wipe out."""
    page.evaluate("window.__samePage = true")


def _still_same_page(page) -> bool:
    """Return whether the marker set by _mark_page survived (no full page load since)."""
    return page.evaluate("window.__samePage === true")


def test_chair_edits_member_inline_by_keyboard(demo, visitor):
    """The chair opens the inline form with Enter, changes the role by keyboard and saves in place."""
    v = visitor()
    v.login(ROLE_LOGINS[permissions.CHAIR])
    page = v.page
    membership_id = demo.membership(SAMPLE_USER)
    page.goto(f"/groups/{demo.group_id}/members")
    _mark_page(page)
    row = page.locator(f"#member-{membership_id}")
    expect(row.locator(".member__role")).to_contain_text("Ledamot")

    edit = row.get_by_role("link", name=re.compile(r"^Ändra"))
    edit.focus()
    page.keyboard.press("Enter")
    role_select = row.locator("select[name=role]")
    expect(role_select).to_be_visible()
    expect(role_select).to_be_focused()
    assert _still_same_page(page), "opening the inline form reloaded the page"
    problems = v.axe_problems("chair-members-editing")
    v.screenshot("chair-groups.members-editing")

    page.keyboard.press("ArrowDown")  # Ledamot -> Ersättare
    page.keyboard.press("ArrowDown")  # Ersättare -> Adjungerad
    assert role_select.input_value() == "co_opted"
    row.get_by_role("button", name="Spara").focus()
    page.keyboard.press("Enter")

    expect(row.locator("select")).to_have_count(0)
    expect(row.locator(".member__role")).to_contain_text("Adjungerad")
    expect(row.get_by_role("link", name=re.compile(r"^Ändra"))).to_be_focused()  # focus stays in the row
    assert _still_same_page(page), "saving the inline form reloaded the page"
    problems += v.axe_problems("chair-members-saved")
    problems += v.console_problems("chair-members")
    assert not problems, "\n".join(problems)


def test_members_page_on_a_phone(demo, visitor):
    """The member list collapses to one column at 375 px and stays accessible."""
    v = visitor(viewport={"width": 375, "height": 812})
    v.login(ROLE_LOGINS[permissions.CHAIR])
    problems = v.check_page(f"/groups/{demo.group_id}/members", "chair-groups.members-375")
    width = v.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the members page scrolls sideways at 375 px ({width} px wide)"
    assert not problems, "\n".join(problems)


def test_audit_filter_swaps_the_list(demo, visitor):
    """Filtering the audit log replaces only the list and puts the filter in the URL."""
    v = visitor()
    v.login(ROLE_LOGINS[permissions.CHAIR])
    page = v.page
    page.goto(f"/groups/{demo.group_id}/audit")
    _mark_page(page)
    events = page.locator("#audit-events")
    expect(events.locator("tbody tr").first).to_be_visible()

    page.get_by_label("Typ av objekt").select_option("membership")
    page.get_by_role("button", name="Filtrera").click()
    page.wait_for_url(re.compile(r"[?&]object_type=membership"))
    expect(events.locator("tbody tr").first).to_be_visible()
    objects = events.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert objects and all(text.startswith("Medlemskap") for text in objects), objects
    assert _still_same_page(page), "filtering reloaded the page"
    problems = v.axe_problems("chair-audit-filtered")
    problems += v.console_problems("chair-audit-filtered")

    # The pushed URL is a real page: loaded directly it shows the same filtered list.
    response = page.reload()
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Händelselogg")
    expect(page.get_by_label("Typ av objekt")).to_have_value("membership")
    assert page.locator("#audit-events tbody tr td:nth-child(3)").all_inner_texts() == objects
    assert not problems, "\n".join(problems)


def test_password_form_shows_errors_beside_fields(visitor):
    """Submitting the password form empty shows the Swedish errors and the summary."""
    v = visitor()
    v.login(ROLE_LOGINS[permissions.MEMBER])
    page = v.page
    page.goto("/account")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Byt lösenord").click()
    assert navigation.value is not None and navigation.value.status == 422

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Formuläret innehåller fel")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile("Nuvarande lösenord"))).to_be_visible()

    current = page.get_by_label("Nuvarande lösenord")
    expect(current).to_have_attribute("aria-invalid", "true")
    error = page.locator("#current_password-error")
    expect(error).to_have_text("Fyll i ditt nuvarande lösenord.")
    assert "current_password-error" in (current.get_attribute("aria-describedby") or "")
    expect(page.locator("#new_password-error")).to_have_text("Välj ett lösenord.")

    problems = v.axe_problems("member-account-errors")
    v.screenshot("member-auth.change_password-errors")
    # Chromium logs the 422 document itself as "Failed to load resource"; that is expected.
    problems += [p for p in v.console_problems("member-account-errors") if "status of 422" not in p]
    assert not problems, "\n".join(problems)
