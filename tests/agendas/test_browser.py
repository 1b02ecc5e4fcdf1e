"""The template editing page in a real browser: moving and editing items by keyboard with htmx.

Reuses the browser, live server and visitor fixtures of test_browser.py. Screenshots land in
``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from po_meetings import permissions
from po_meetings.extensions import db
from po_meetings.models import TemplateItem

from ..conftest import ROLE_LOGINS
from ..test_browser import PHONE, _mark_page, _still_same_page, browser, live_server, visitor  # noqa: F401

pytestmark = pytest.mark.browser


def _item_id(app, template_id: int, title: str) -> int:
    """Return the id of a template's item by title."""
    with app.app_context():
        return db.session.query(TemplateItem.id).filter_by(template_id=template_id, title=title).scalar()


def _open_template(v, demo) -> None:
    """Log in as the chair and open the operative template."""
    v.login(ROLE_LOGINS[permissions.CHAIR])
    v.page.goto(f"/groups/{demo.group_id}/templates/{demo.template_id}")
    expect(v.page.get_by_role("heading", level=1)).to_have_text("Operativt möte (typagenda)")
    _mark_page(v.page)


def test_chair_moves_an_item_by_keyboard_and_focus_stays_on_the_button(app, demo, visitor):  # noqa: F811
    """Enter on "Flytta ned" renumbers the list in place and keeps focus on the same button."""
    v = visitor()
    _open_template(v, demo)
    page = v.page
    formalia = page.locator(f"#template-item-{demo.template_item_id}")
    number = formalia.locator(".agenda-item__number").first
    expect(number).to_have_text("1")
    expect(page.locator("#template-items h4 .agenda-item__number").first).to_have_text("1a")

    down = page.locator(f"#move-down-{demo.template_item_id}")
    down.focus()
    page.keyboard.press("Enter")

    expect(number).to_have_text("2")
    expect(
        page.locator(f"#template-item-{demo.template_item_id} + ol h4 .agenda-item__number").first
    ).to_have_text("2a")
    expect(page.locator("#template-items h3 .agenda-item__number").first).to_have_text("1")
    expect(page.locator("#template-items h3").first).to_contain_text("Nytt från organisationerna")
    expect(down).to_be_focused()
    assert _still_same_page(page), "moving an item reloaded the page"
    problems = v.axe_problems("chair-agendas-moved")
    v.screenshot("chair-agendas.show-moved")

    # The item now first cannot go further up: the button says why and keeps focus.
    first = _item_id(app, demo.template_id, "Nytt från organisationerna")
    up = page.locator(f"#move-up-{first}")
    expect(up).to_have_attribute("aria-disabled", "true")
    up.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#template-item-{first} [role=alert]")).to_have_text("Punkten står redan först.")
    expect(up).to_be_focused()
    expect(page.locator("#template-items h3").first).to_contain_text("Nytt från organisationerna")
    assert _still_same_page(page)
    problems += v.axe_problems("chair-agendas-move-refused")
    problems += v.console_problems("chair-agendas-move")
    assert not problems, "\n".join(problems)


def test_chair_edits_a_time_box_inline_and_the_overrun_warning_appears(app, demo, visitor):  # noqa: F811
    """A longer time box saved inline updates the row and the total, which then warns."""
    v = visitor()
    _open_template(v, demo)
    page = v.page
    systems = _item_id(app, demo.template_id, "Systemfrågor")
    row = page.locator(f"#template-item-{systems}")
    total = page.locator("#template-total")
    expect(total).to_contain_text("120 av 120 minuter")
    expect(total.get_by_role("alert")).to_have_count(0)

    edit = row.get_by_role("link", name=re.compile(r"^Ändra"))
    edit.focus()
    page.keyboard.press("Enter")
    title = page.locator(f"#item-{systems}-title")
    expect(title).to_be_focused()
    assert _still_same_page(page), "opening the inline form reloaded the page"
    problems = v.axe_problems("chair-agendas-editing")
    v.screenshot("chair-agendas.edit_item")

    page.keyboard.press("Tab")  # the time box
    minutes = page.locator(f"#item-{systems}-minutes")
    expect(minutes).to_be_focused()
    minutes.fill("60")
    page.keyboard.press("Enter")  # submits the inline form

    expect(row.locator(".agenda-item__minutes")).to_have_text("60 min")
    expect(total).to_contain_text("135 av 120 minuter")
    expect(total.get_by_role("alert")).to_contain_text("punkterna tar 15 minuter mer än mötet")
    expect(row.get_by_role("link", name=re.compile(r"^Ändra"))).to_be_focused()
    assert _still_same_page(page), "saving the inline form reloaded the page"
    problems += v.axe_problems("chair-agendas-overrun")
    v.screenshot("chair-agendas.show-overrun")
    problems += v.console_problems("chair-agendas-edit")
    assert not problems, "\n".join(problems)


def test_chair_adds_an_item_and_sees_errors_in_the_form(app, demo, visitor):  # noqa: F811
    """The add form adds the item to the list and clears itself; errors show in the form."""
    v = visitor()
    _open_template(v, demo)
    page = v.page
    title = page.locator("#new-title")

    title.fill("Fika")
    page.locator("#new-minutes").fill("10")
    page.keyboard.press("Enter")
    expect(page.locator("#template-items h3").last).to_have_text("6 Fika")
    expect(page.locator("#template-total")).to_contain_text("130 av 120 minuter")
    expect(title).to_have_value("")
    expect(title).to_be_focused()  # ready for the next item
    assert _still_same_page(page), "adding an item reloaded the page"
    problems = v.axe_problems("chair-agendas-added")

    page.locator("#new-minutes").fill("0")
    page.get_by_role("button", name="Lägg till punkten").click()
    expect(page.locator("#new-title-error")).to_have_text("Ange en rubrik.")
    expect(page.locator("#new-minutes-error")).to_have_text("Tiden ska vara minst 1 minut.")
    expect(page.locator("#new-minutes")).to_have_value("0")
    expect(title).to_be_focused()
    expect(page.locator("#template-items h3")).to_have_count(6)
    assert _still_same_page(page), "a refused item reloaded the page"
    problems += v.axe_problems("chair-agendas-add-errors")
    problems += v.console_problems("chair-agendas-add")
    # Last: Playwright's screenshot leaves style="" on inputs, which htmx would copy on a swap.
    v.screenshot("chair-agendas.create_item-errors")
    assert not problems, "\n".join(problems)


def test_chair_deletes_an_item_and_then_the_template_after_confirming(app, demo, visitor):  # noqa: F811
    """Deleting asks first; an item goes from the list in place, the template via the list page."""
    v = visitor()
    _open_template(v, demo)
    page = v.page
    dialogs = []

    def answer(dialog, accept: bool) -> None:
        dialogs.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    clients = _item_id(app, demo.template_id, "Klientrapportering")
    delete = page.locator(f"#template-item-{clients}").get_by_role("button", name=re.compile("^Ta bort"))
    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    delete.click()
    expect(page.locator(f"#template-item-{clients}")).to_be_visible()  # a "no" keeps it
    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    delete.click()
    expect(page.locator(f"#template-item-{clients}")).to_have_count(0)
    notice = page.get_by_role("status").filter(has_text="Punkten ”Klientrapportering” är borttagen.")
    expect(notice).to_be_focused()
    expect(page.locator("#template-total")).to_contain_text("90 av 120 minuter")
    assert dialogs == ["Ta bort punkten ”Klientrapportering” och dess underpunkter?"] * 2
    assert _still_same_page(page), "deleting an item reloaded the page"
    problems = v.axe_problems("chair-agendas-item-deleted")

    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.get_by_role("button", name="Ta bort mallen").click()
    page.wait_for_url(re.compile(r"/templates/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dagordningsmallar")
    expect(page.locator(".message--success")).to_contain_text(
        "Mallen ”Operativt möte (typagenda)” är borttagen."
    )
    expect(page.get_by_role("link", name="Operativt möte (typagenda)")).to_have_count(0)
    problems += v.axe_problems("chair-agendas-template-deleted")
    problems += v.console_problems("chair-agendas-delete")
    assert not problems, "\n".join(problems)


def test_template_page_on_a_phone(demo, visitor):  # noqa: F811
    """The editing page fits a 375 px screen and stays accessible."""
    v = visitor(**PHONE)
    v.login(ROLE_LOGINS[permissions.CHAIR])
    label = "chair-agendas.show-375"
    problems = v.check_page(f"/groups/{demo.group_id}/templates/{demo.template_id}", label)
    problems += v.sideways_problems(label)
    assert not problems, "\n".join(problems)
