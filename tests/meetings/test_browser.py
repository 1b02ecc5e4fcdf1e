"""A meeting prepared in a real browser: the chair creates it from the template, adjusts the
agenda inline, publishes it; an ombud proposes an item, the chair accepts it, the ombud sees
what became of it; a member with förhinder sees their substitute. Every state is checked by axe.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from po_meetings import permissions

from ..conftest import ROLE_LOGINS
from ..support.smtp_server import smtp_server  # noqa: F401
from ..test_browser import PHONE, _mark_page, _still_same_page, browser, live_server, visitor  # noqa: F401

pytestmark = pytest.mark.browser

NEW_ITEM = "Bostadsförsörjning för målgruppen"
PROPOSAL = "Stängda mottagningar under sommaren"


def _next_month() -> str:
    """Return a weekday about a month from today as YYYY-MM-DD."""
    day = date.today() + timedelta(days=30)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.isoformat()


def _press(locator) -> None:
    """Activate a control by keyboard: focus it and press Enter."""
    locator.focus()
    locator.page.keyboard.press("Enter")


def _create_meeting(v, group_id: int) -> str:
    """As the chair, create next month's meeting from the template; return its URL path."""
    page = v.page
    page.goto(f"/groups/{group_id}/meetings/")
    with page.expect_navigation():
        _press(page.get_by_role("link", name="Nytt möte"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt möte")
    expect(page.get_by_label("Dagordningsmall")).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Rubrik").fill("Operativt möte i vår")
    page.get_by_label("Datum").fill(_next_month())
    page.get_by_label("Börjar").fill("13:00")
    page.get_by_label("Plats").fill("Kommunhuset, sal Åsen")
    with page.expect_navigation():
        _press(page.get_by_role("button", name="Skapa mötet"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Operativt möte i vår")
    expect(page.locator(".message--success")).to_contain_text("Mötet är skapat som utkast.")
    return re.sub(r"^https?://[^/]+", "", page.url)


def test_a_chair_prepares_and_publishes_a_meeting_and_an_ombud_proposes_an_item(
    app,
    demo,
    visitor,  # noqa: F811
    smtp_server,  # noqa: F811
):
    problems: list[str] = []

    # -- the chair creates the meeting and adjusts the agenda inline -----------------------
    chair = visitor()
    chair.login(ROLE_LOGINS[permissions.CHAIR])
    url = _create_meeting(chair, demo.group_id)
    page = chair.page
    problems += chair.axe_problems("chair-meeting-draft")
    chair.screenshot("flow-chair-meeting-draft")
    _mark_page(page)

    agenda = page.locator("#agenda")
    page.locator("#new-title").fill(NEW_ITEM)
    page.locator("#new-minutes").fill("10")
    page.locator("#new-item_type").select_option("discussion")
    _press(page.get_by_role("button", name="Lägg till punkten"))
    new_item = agenda.locator(".meeting-item", has_text=NEW_ITEM)
    expect(new_item.locator(".meeting-item__number").first).to_have_text("6")
    expect(agenda.locator(".message--success")).to_contain_text(f"Punkten ”{NEW_ITEM}” är tillagd.")
    expect(page.locator("#new-title")).to_be_focused()  # ready for the next item
    expect(page.locator("#new-title")).to_have_value("")
    expect(agenda).to_contain_text("Dagordningen är 10 minuter längre än mötet.")
    assert _still_same_page(page), "adding an item reloaded the page"
    problems += chair.axe_problems("chair-meeting-item-added")
    chair.screenshot("flow-chair-meeting-item-added")

    # move it up one place by keyboard: focus stays on the same button
    _press(new_item.get_by_role("button", name=re.compile(r"^Flytta upp")))
    expect(new_item.locator(".meeting-item__number").first).to_have_text("5")
    expect(new_item.get_by_role("button", name=re.compile(r"^Flytta upp"))).to_be_focused()
    assert _still_same_page(page), "moving an item reloaded the page"

    # shorten it inline: the form opens in place with focus in it, saving returns the agenda
    new_item = page.locator("#" + new_item.get_attribute("id"))  # its title becomes an input
    _press(new_item.get_by_role("link", name=re.compile(r"^Ändra")))
    title_field = new_item.get_by_label("Rubrik")
    expect(title_field).to_be_focused()
    problems += chair.axe_problems("chair-meeting-item-editing")
    chair.screenshot("flow-chair-meeting-item-editing")
    new_item.get_by_label("Tid i minuter").fill("5")
    _press(new_item.get_by_role("button", name="Spara"))
    expect(new_item.get_by_label("Rubrik")).to_have_count(0)
    expect(new_item).to_contain_text("5 min")
    expect(new_item.get_by_role("link", name=re.compile(r"^Ändra"))).to_be_focused()
    expect(agenda).to_contain_text("Dagordningen är 5 minuter längre än mötet.")
    assert _still_same_page(page), "saving an item reloaded the page"

    # publish: the kallelse goes out by mail
    with page.expect_navigation():
        _press(page.get_by_role("button", name="Publicera dagordningen och skicka kallelse"))
    expect(page.locator(".message--success").first).to_contain_text("Dagordningen är publicerad")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kallad")
    messages = smtp_server.wait_for(10)
    assert "ombud@demo.se" in {m["To"] for m in messages}
    assert all(NEW_ITEM not in m.get_content() for m in messages)
    problems += chair.axe_problems("chair-meeting-called")
    chair.screenshot("flow-chair-meeting-called")

    # -- the ombud proposes an item -----------------------------------------------------------
    ombud = visitor()
    ombud.login(ROLE_LOGINS[permissions.OMBUD])
    opage = ombud.page
    opage.goto(url)
    with opage.expect_navigation():
        _press(opage.get_by_role("link", name="Föreslå punkt"))
    problems += ombud.axe_problems("ombud-proposal-form")
    opage.get_by_label("Rubrik").fill(PROPOSAL)
    opage.get_by_label("Beskrivning").fill("Flera klienter står utan stöd i juli.")
    with opage.expect_navigation():
        _press(opage.get_by_role("button", name="Skicka förslaget"))
    proposals = opage.locator("#proposals")
    expect(proposals.locator(".proposal", has_text=PROPOSAL)).to_contain_text("Väntar")
    problems += ombud.axe_problems("ombud-proposal-waiting")
    ombud.screenshot("flow-ombud-proposal-waiting")

    # -- the chair takes it up; the agenda updates itself ---------------------------------------
    page.reload()
    _mark_page(page)
    proposal = page.locator("#proposals .proposal", has_text=PROPOSAL)
    proposal.locator("summary", has_text="Ta upp på dagordningen").click()
    proposal.get_by_label("Tid i minuter").fill("15")
    _press(proposal.get_by_role("button", name=re.compile(r"^Lägg på dagordningen")))
    expect(page.locator("#proposals .message--success")).to_contain_text("är tagen på dagordningen")
    expect(page.locator("#proposals .proposal", has_text=PROPOSAL)).to_contain_text(
        "Tagen på dagordningen som punkt 6"
    )
    expect(agenda.locator(".meeting-item", has_text=PROPOSAL)).to_be_visible()  # via HX-Trigger
    assert _still_same_page(page), "accepting a proposal reloaded the page"
    problems += chair.axe_problems("chair-proposal-accepted")
    chair.screenshot("flow-chair-proposal-accepted")

    # -- the ombud sees what became of it ---------------------------------------------------------
    opage.reload()
    expect(proposals.locator(".proposal", has_text=PROPOSAL)).to_contain_text(
        "Tagen på dagordningen som punkt 6"
    )
    expect(opage.locator("#agenda")).to_contain_text(PROPOSAL)
    problems += ombud.axe_problems("ombud-proposal-accepted")
    ombud.screenshot("flow-ombud-proposal-accepted")

    # -- a member with förhinder sees who stands in ---------------------------------------------
    member = visitor()
    member.login("ledamot.fk@demo.se")  # Per Sandberg; Sara Öberg is his substitute
    mpage = member.page
    mpage.goto(url)
    _mark_page(mpage)
    responses = mpage.locator("#responses")
    expect(responses).to_contain_text("du har inte svarat ännu")
    _press(responses.get_by_role("button", name="Förhinder"))
    expect(responses.locator(".message--success")).to_contain_text("Ditt svar är sparat: förhinder.")
    expect(responses).to_contain_text("Din ersättare: Sara Öberg.")
    expect(responses.get_by_role("button", name="Förhinder")).to_have_attribute("aria-pressed", "true")
    assert _still_same_page(mpage), "answering reloaded the page"
    problems += member.axe_problems("member-apologies")
    member.screenshot("flow-member-apologies")

    for v, label in ((chair, "chair"), (ombud, "ombud"), (member, "member")):
        problems += v.console_problems(label)
    assert not problems, "\n".join(problems)


def test_declining_a_proposal_by_keyboard_shows_the_error_then_the_reason(demo, visitor):  # noqa: F811
    """The decline form opens from its summary; an empty reason is refused in place."""
    v = visitor()
    v.login(ROLE_LOGINS[permissions.VICE_CHAIR])
    page = v.page
    page.goto(f"/groups/{demo.group_id}/meetings/{demo.meeting_id}")
    _mark_page(page)
    proposal = page.locator(f"#proposal-{demo.proposal_ids[0]}")
    _press(proposal.locator("summary", has_text="Avböj"))
    _press(proposal.get_by_role("button", name=re.compile(r"^Avböj förslaget")))
    reason = page.locator(f"#decline-reason-{demo.proposal_ids[0]}")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_be_focused()
    expect(page.locator(f"#decline-reason-{demo.proposal_ids[0]}-error")).to_have_text("Skriv ett kort skäl.")
    problems = v.axe_problems("vice-decline-error")
    v.screenshot("flow-vice-decline-error")

    reason.fill("Tas upp på utvecklingsdagen i stället.")
    _press(
        page.locator(f"#proposal-{demo.proposal_ids[0]}").get_by_role(
            "button", name=re.compile(r"^Avböj förslaget")
        )
    )
    declined = page.locator(f"#proposal-{demo.proposal_ids[0]}")
    expect(declined).to_contain_text("Avböjd")
    expect(declined).to_contain_text("Skäl: Tas upp på utvecklingsdagen i stället.")
    assert _still_same_page(page)
    problems += v.axe_problems("vice-declined")
    problems += v.console_problems("vice-decline")
    assert not problems, "\n".join(problems)


def test_the_meeting_page_on_a_phone(demo, visitor):  # noqa: F811
    """The meeting page collapses to one column at 375 px and stays accessible."""
    v = visitor(**PHONE)
    v.login(ROLE_LOGINS[permissions.CHAIR])
    label = "chair-meetings.show-375"
    problems = v.check_page(f"/groups/{demo.group_id}/meetings/{demo.meeting_id}", label)
    problems += v.sideways_problems(label)
    assert not problems, "\n".join(problems)
