"""The systemfel form and list in a real browser: an ombud fills in the guided form by keyboard,
sees a similar report appear while typing, picks a level and gets its categories, submits, and
finds the report in the list with a search. Every state is checked by axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from po_meetings.system_errors import demo as se_demo

from ..test_browser import _mark_page, _still_same_page, browser, live_server, visitor  # noqa: F401

pytestmark = pytest.mark.browser

TITLE = "Krav på BankID hos Arbetsförmedlingen för ombudets klienter"


def _press(locator) -> None:
    """Activate a control by keyboard: focus it and press Enter."""
    locator.focus()
    locator.page.keyboard.press("Enter")


def _type_into(locator, text: str) -> None:
    """Focus a field and type into it key by key, as a person does."""
    locator.focus()
    locator.page.keyboard.type(text, delay=5)


def test_an_ombud_submits_a_report_and_sees_a_similar_one_while_typing(demo, visitor):  # noqa: F811
    v = visitor()
    v.login("ombud2@demo.se")
    page = v.page
    base = f"/groups/{demo.group_id}/system-errors"
    page.goto(base)
    with page.expect_navigation():
        _press(page.get_by_role("link", name="Rapportera ett systemfel"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapportera ett systemfel")
    problems = v.axe_problems("se-form-empty")

    title = page.get_by_label("Rubrik")
    _type_into(title, TITLE)
    similar = page.locator("#similar-reports")
    expect(similar).to_contain_text(se_demo.ESCALATED_TITLE)
    expect(
        similar.get_by_role("button", name=re.compile(f"Lägg till en förekomst i {demo.report_number}"))
    ).to_be_visible()
    # The swap leaves the keyboard where the ombud is typing.
    assert page.evaluate("document.activeElement.id") == "title"
    problems += v.axe_problems("se-form-similar")
    v.screenshot("se-form-similar")

    page.keyboard.press("Tab")
    page.keyboard.type(
        "Under oktober krävde kontoret BankID vid inskrivning; klienter utan BankID skickades hem.", delay=1
    )
    assert page.evaluate("document.activeElement.id") == "description"
    _type_into(page.get_by_label("Analys av orsaker"), "Digitalisering utan alternativ väg.")
    _type_into(page.get_by_label("Konsekvenser"), "Klienterna blir utan ersättning.")
    _type_into(page.get_by_label("Systemperspektiv"), "Behoven tillgodosågs inte.")
    page.get_by_label("Arbetsförmedlingen").check()

    level = page.get_by_label("Nivå", exact=True)
    level.focus()
    level.select_option("central")
    category = page.locator("#category")
    expect(category.locator("option")).to_have_count(4)  # the empty choice and central's three
    category.focus()
    category.select_option("regulation")
    problems += v.axe_problems("se-form-filled")

    with page.expect_navigation():
        _press(page.get_by_role("button", name="Skicka in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina rapporter")
    flash = page.locator(".message--success")
    expect(flash).to_contain_text(re.compile(r"Rapporten är inskickad som SF-\d{4}-\d{3}"))
    number = re.search(r"SF-\d{4}-\d{3}", flash.inner_text()).group(0)
    expect(page.get_by_role("list", name="Rapporterade av mig")).to_contain_text(TITLE)
    problems += v.axe_problems("se-mine")

    # The search field filters the list in place and the URL can be bookmarked.
    page.goto(base)
    _type_into(page.get_by_label("Sök i rapporter"), "BankID")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=BankID"))
    expect(page.locator("#report-list")).to_contain_text(number)
    expect(page.locator("#report-list mark").first).to_be_visible()
    problems += v.axe_problems("se-list-search")
    v.screenshot("se-list-search")
    problems += v.console_problems("se-flow")
    assert not problems, "\n".join(problems)


def test_errors_show_beside_the_fields_and_the_form_keeps_what_was_typed(demo, visitor):  # noqa: F811
    v = visitor()
    v.login("ombud@demo.se")
    page = v.page
    page.goto(f"/groups/{demo.group_id}/system-errors/new")
    _type_into(page.get_by_label("Rubrik"), "Halvfärdig rapport")
    _mark_page(page)
    # htmx sends the form and swaps it back with its messages, in place (no new page).
    _press(page.get_by_role("button", name="Skicka in"))
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Fyll i fältet innan du skickar in rapporten.")
    expect(page.get_by_label("Rubrik")).to_have_value("Halvfärdig rapport")
    expect(page.locator("#causes-error")).to_have_text("Fyll i fältet innan du skickar in rapporten.")
    expect(page.get_by_label("Analys av orsaker")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#level-error")).to_have_text("Välj en nivå innan du skickar in rapporten.")
    assert _still_same_page(page)
    problems = v.axe_problems("se-form-errors")
    # Chromium logs the 422 document itself as "Failed to load resource"; that is expected.
    problems += [p for p in v.console_problems("se-form-errors") if "status of 422" not in p]
    v.screenshot("se-form-errors")
    assert not problems, "\n".join(problems)
