"""The guided form's traps in a real browser (issue 14): the look-alike reports can be skipped by
keyboard, and "Lägg till en förekomst" of one keeps what was typed (a draft) and takes the
description along as the occurrence's note."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ..test_browser import browser, live_server, visitor  # noqa: F401

pytestmark = pytest.mark.browser

TITLE = "BankID krävs för inskrivning"
DESCRIPTION = "Arbetsförmedlingen kräver BankID för att skriva in sig; klienten skickades hem."
CAUSES = "Den digitala vägen är den enda."


def _press(locator) -> None:
    """Activate a control by keyboard: focus it and press Enter."""
    locator.focus()
    locator.page.keyboard.press("Enter")


def _type_into(locator, text: str) -> None:
    """Focus a field and type into it key by key, as a person does."""
    locator.focus()
    locator.page.keyboard.type(text, delay=2)


def test_adding_an_occurrence_from_the_form_keeps_what_was_typed(demo, visitor):  # noqa: F811
    v = visitor()
    v.login("ombud@demo.se")
    page = v.page
    base = f"/groups/{demo.group_id}/system-errors"
    page.goto(f"{base}/new")

    _type_into(page.get_by_label("Rubrik"), TITLE)
    _type_into(page.get_by_label("Beskrivning"), DESCRIPTION)
    similar = page.locator("#similar-reports")
    occurrence = similar.get_by_role("button", name=f"Lägg till en förekomst i {demo.report_number}")
    expect(occurrence).to_be_visible()
    problems = v.axe_problems("se-form-look-alikes")
    v.screenshot("se-form-look-alikes")

    # From Beskrivning the keyboard reaches the skip link first, and it goes straight to Orsaker.
    page.get_by_label("Beskrivning").focus()
    page.keyboard.press("Tab")
    skip = similar.get_by_role("link", name="Hoppa över liknande rapporter")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#causes")).to_be_focused()
    page.keyboard.type(CAUSES, delay=1)

    # The ombud finds that the error is already reported and adds an occurrence instead.
    with page.expect_navigation():
        _press(occurrence)
    expect(page.get_by_role("heading", level=1)).to_have_text("Lägg till en förekomst")
    expect(page.locator(".message--info").first).to_contain_text("sparat i utkastet")
    note = page.get_by_label("Anteckning", exact=False)
    expect(note).to_have_value(DESCRIPTION)
    problems += v.axe_problems("se-occurrence-from-draft")
    v.screenshot("se-occurrence-from-draft")

    # The note is the ombud's to change; the occurrence is added to the look-alike report.
    note.fill("Samma krav i maj.")
    with page.expect_navigation():
        _press(page.get_by_role("button", name="Lägg till förekomsten"))
    expect(page.locator(".message--success").first).to_contain_text("Förekomsten är tillagd.")
    expect(page.locator("#report-occurrences")).to_contain_text("Samma krav i maj.")

    # Nothing typed was lost: the draft holds the title, the description and the causes.
    page.goto(f"{base}/mine")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(TITLE)).first.click()
    expect(page.get_by_label("Beskrivning")).to_have_value(DESCRIPTION)
    expect(page.get_by_label("Analys av orsaker")).to_have_value(CAUSES)
    problems += v.console_problems("se-occurrence-from-draft")
    assert not problems, "\n".join(problems)
