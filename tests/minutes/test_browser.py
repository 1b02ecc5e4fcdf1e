"""A whole meeting recorded in a real browser, mostly by keyboard, as a new user would: the chair
starts the meeting, takes attendance and chooses the officers; the secretary writes the §§ inline,
records a consensus decision, a votering 4–2 with a reservation, a jäv and two uppdrag; the chair
closes the meeting; the chair and the justerare justera; the printed protokoll and its PDF follow;
the next meeting's agenda lists the open uppdrag. Every state of the page is checked by axe.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from playwright.sync_api import expect

from po_meetings import permissions

from ..conftest import ROLE_LOGINS
from ..meetings.test_browser import _create_meeting, _press
from ..test_browser import PHONE, _mark_page, _still_same_page, browser, live_server, visitor  # noqa: F401

pytestmark = pytest.mark.browser

SECRETARY = "ledamot@demo.se"  # Fatima Hassan, Arbetsförmedlingen
ADJUSTER = "ledamot.vc@demo.se"  # Eva Nyström, Region Mellanland, primärvården
#: (e-mail, name) of the six voters: five members present and the substitute serving for Per Sandberg.
YES_VOTERS = [
    ("ordforande@demo.se", "Karin Lindqvist"),
    ("vice@demo.se", "Johan Berg"),
    (ADJUSTER, "Eva Nyström"),
    ("ledamot.asby@demo.se", "Lars Holm"),
]
NO_VOTERS = [(SECRETARY, "Fatima Hassan"), ("ersattare@demo.se", "Sara Öberg")]

NEWS = "Arbetsförmedlingen öppnar ett nytt kontor i Åsby i februari."
CONSENSUS = "att ombuden sammanställer väntetiderna för bostad med särskild service."
VOTE = "att gruppen skriver till Försäkringskassan om digitala kallelser."
ACTIONS = ["Sammanställ väntetiderna för bostad", "Bjud in bostadsenheten till nästa möte"]
RESERVATION = "Frågan bör först tas upp i Försäkringskassans egen linje."


def _paragraph(page, title: str):
    """Return the § whose heading contains a title, by its stable id (it survives swaps)."""
    heading = page.locator("section.minutes-paragraph h3", has_text=title)
    section_id = heading.evaluate("h => h.closest('section').id")
    return page.locator(f"#{section_id}")


def _space(locator) -> None:
    """Check a radio button by keyboard: focus it and press Space."""
    locator.focus()
    locator.page.keyboard.press("Space")
    expect(locator).to_be_checked()


def _open(details_summary) -> None:
    """Open a <details> by keyboard from its summary and Tab into its first field."""
    _press(details_summary)
    details_summary.page.keyboard.press("Tab")


def _set_presence(page, membership_id: int, presence: str, serving_for: int | None = None) -> None:
    """Choose one person's presence in the attendance form by keyboard (saved with the whole form)."""
    row = page.locator(f"#attendance-{membership_id}")
    _space(row.get_by_label(presence, exact=True))
    if serving_for is not None:
        row.get_by_label("Tjänstgör för").focus()
        row.get_by_label("Tjänstgör för").select_option(str(serving_for))


def _add_action(section, title: str, owner: int, due: str) -> None:
    """Add an uppdrag to the first decision of a § by keyboard."""
    form = section.locator("details.actions__new")
    _open(form.locator("summary"))
    expect(form.get_by_label("Uppdrag", exact=True)).to_be_focused()
    section.page.keyboard.type(title)
    form.get_by_label("Ansvarig", exact=True).select_option(str(owner))
    form.get_by_label("Klart senast (frivilligt)").fill(due)
    _press(form.get_by_role("button", name="Lägg till uppdraget"))
    expect(section.locator(".decisions__status")).to_have_text("Uppdraget är antecknat.")
    expect(section.locator(".decisions__status .message")).to_be_focused()  # htmx has settled
    expect(section.locator("table.actions")).to_contain_text(title)


def _justera(v, url: str, label: str) -> list[str]:
    """Open the minutes as an approver, check the page, and justera by keyboard."""
    page = v.page
    page.goto(url)
    problems = v.axe_problems(label)
    v.screenshot(label)
    justering = page.locator("#justering")
    expect(justering).to_contain_text("Protokollet väntar på justering.")
    with page.expect_response(lambda response: response.url.endswith("/justering")):
        _press(justering.get_by_role("button", name="Justera", exact=True))
    return problems


def test_a_secretary_records_a_whole_meeting_and_it_is_justerat(app, demo, visitor):  # noqa: F811
    problems: list[str] = []
    member = demo.membership
    meeting_url = f"/groups/{demo.group_id}/meetings/{demo.meeting_id}"
    minutes_url = f"{meeting_url}/minutes/"

    # -- the chair starts the meeting: the minutes open ----------------------------------------
    chair = visitor()
    chair.login(ROLE_LOGINS[permissions.CHAIR])
    page = chair.page
    page.goto(meeting_url)
    with page.expect_navigation():
        _press(page.get_by_role("button", name="Starta mötet"))
    # The meeting is planned for a later day: a page asks first, and the meeting then takes place today.
    expect(page.get_by_role("heading", level=1)).to_have_text("Starta mötet före den planerade dagen?")
    problems += chair.axe_problems("chair-confirm-start")
    with page.expect_navigation():
        _press(page.get_by_role("button", name="Starta mötet i dag"))
    assert page.url.endswith(minutes_url), page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pågår")
    expect(page.locator(".message--success").first).to_contain_text("Mötet pågår. Protokollet är öppnat.")
    _mark_page(page)

    # -- attendance: six voters, one förhinder with the substitute serving for him ---------------
    for email, _name in [*YES_VOTERS, (SECRETARY, "Fatima Hassan")]:
        _set_presence(page, member(email), "Närvarande")
    _set_presence(page, member("ledamot.fk@demo.se"), "Förhinder")
    _set_presence(page, member("ersattare@demo.se"), "Närvarande", serving_for=member("ledamot.fk@demo.se"))
    _set_presence(page, member("adjungerad@demo.se"), "Närvarande")
    _set_presence(page, member("ombud@demo.se"), "Närvarande")
    _set_presence(page, member("ledamot.rsmh@demo.se"), "Frånvarande")
    _press(page.get_by_role("button", name="Spara närvaro"))  # everyone in one save
    expect(page.locator("#attendance .message--success")).to_have_text("Närvaron är sparad.")
    expect(
        page.locator(f"#attendance-{member('ledamot.fk@demo.se')}").get_by_label("Förhinder", exact=True)
    ).to_be_checked()
    # Maria Ek (RSMH) is frånvarande: 6 of 7 voting seats are present.
    assert _still_same_page(page), "saving attendance reloaded the page"

    # -- officers: the secretary and a justerare ---------------------------------------------------
    officers = page.locator("#officers")
    officers.get_by_label("Sekreterare").select_option(str(member(SECRETARY)))
    officers.get_by_label("Justerare", exact=True).select_option(str(member(ADJUSTER)))
    _press(officers.get_by_role("button", name="Spara funktionärer"))
    expect(page.locator("#officers .message--success")).to_have_text(
        "Mötets ordförande, sekreterare och justerare är sparade."
    )
    assert _still_same_page(page), "saving the officers reloaded the page"
    expect(page.locator(".minutes-quorum__line").first).to_contain_text(
        "Beslutsfört: 6 av 7 röstberättigade platser närvarande."
    )

    # -- the secretary writes the minutes -------------------------------------------------------------
    secretary = visitor()
    secretary.login(SECRETARY)
    spage = secretary.page
    spage.goto(minutes_url)
    _mark_page(spage)

    # § text inline: Redigera, type, Spara; the § is swapped in place
    news = _paragraph(spage, "Nytt från organisationerna")
    _press(news.get_by_role("link", name=re.compile(r"^Redigera")))
    expect(news.get_by_label("Rubrik")).to_be_focused()
    problems += secretary.axe_problems("secretary-minutes-editing")
    secretary.screenshot("flow-secretary-minutes-editing")
    spage.keyboard.press("Tab")
    expect(news.get_by_label("Text")).to_be_focused()
    spage.keyboard.type(NEWS)
    _press(news.get_by_role("button", name=re.compile(r"^Spara §")))
    expect(news.get_by_label("Text")).to_have_count(0)
    expect(news.locator(".minutes-paragraph__body")).to_have_text(NEWS)
    assert _still_same_page(spage), "saving a § reloaded the page"

    # a consensus decision with two uppdrag
    clients = _paragraph(spage, "Klientrapportering")
    _open(clients.locator("details.decisions__new summary"))
    expect(clients.get_by_label("Beslut", exact=True)).to_be_focused()
    spage.keyboard.type(CONSENSUS)
    expect(clients.get_by_label("Konsensus (beslut i enighet)")).to_be_checked()
    _press(clients.get_by_role("button", name="Anteckna beslutet"))
    expect(clients.locator(".decisions__status")).to_have_text("Beslutet är antecknat.")
    expect(clients.locator(".decisions__status .message")).to_be_focused()  # htmx has settled
    expect(clients.locator(".decision__outcome")).to_have_text("Beslut i enighet: Förslaget bifölls")
    _add_action(clients, ACTIONS[0], member("ledamot.asby@demo.se"), "2099-01-31")
    _add_action(clients, ACTIONS[1], member(SECRETARY), "2099-02-28")

    # a votering 4–2 and a reservation by one who voted no
    issues = _paragraph(spage, "Systemfrågor")
    _open(issues.locator("details.decisions__new summary"))
    expect(issues.get_by_label("Beslut", exact=True)).to_be_focused()
    spage.keyboard.type(VOTE)
    _space(issues.get_by_label("Votering (röster räknas och antecknas)"))
    _press(issues.get_by_role("button", name="Anteckna beslutet"))
    expect(issues.locator(".decisions__status")).to_have_text(
        "Beslutet är antecknat. Anteckna rösterna i voteringen."
    )
    expect(issues.locator(".decisions__status .message")).to_be_focused()  # the swap has settled
    for voters, choice in ((YES_VOTERS, "Ja"), (NO_VOTERS, "Nej")):
        for _email, name in voters:
            _space(issues.get_by_role("group", name=f"Röst för {name}").get_by_label(choice, exact=True))
    expect(issues.get_by_role("group", name=re.compile("Röst för Maria Ek"))).to_have_count(0)  # absent
    expect(issues.get_by_role("group", name=re.compile("Röst för Anders Wik"))).to_have_count(0)  # co-opted
    problems += secretary.axe_problems("secretary-minutes-voting")
    secretary.screenshot("flow-secretary-minutes-voting")
    _press(issues.get_by_role("button", name="Anteckna rösterna"))
    expect(issues.locator(".decisions__status")).to_have_text("Rösterna är antecknade.")
    expect(issues.locator(".decisions__status .message")).to_be_focused()  # htmx has settled
    votes = issues.locator("table.votes__table")
    expect(votes.locator("caption")).to_have_text("Votering: ja 4, nej 2, avstår 0")
    expect(votes.get_by_role("row", name=re.compile("Sara Öberg"))).to_contain_text("Nej")
    expect(issues.locator(".decision__outcome")).to_have_text("Beslut efter votering: Förslaget bifölls")

    _open(issues.locator("details.reservations__new summary"))
    reserver = issues.get_by_label("Vem reserverar sig?")
    expect(reserver).to_be_focused()
    reserver.select_option(str(member("ersattare@demo.se")))
    spage.keyboard.press("Tab")
    spage.keyboard.type(RESERVATION)
    _press(issues.get_by_role("button", name="Anteckna reservationen"))
    expect(issues.locator(".decisions__status")).to_have_text("Reservationen är antecknad.")
    expect(issues.locator(".decisions__status .message")).to_be_focused()  # htmx has settled
    expect(issues.locator(".reservation")).to_contain_text("Reservation: Sara Öberg (Försäkringskassan)")
    expect(issues.locator(".reservation__motivation")).to_have_text(RESERVATION)

    # a jäv at another §: Lars Holm takes no part in it
    joint = _paragraph(spage, "Samverkan kring utskrivning")
    _open(joint.locator(".minutes-paragraph__recusals summary"))
    expect(joint.get_by_label("Jävig")).to_be_focused()
    joint.get_by_label("Jävig").select_option(str(member("ledamot.asby@demo.se")))
    joint.get_by_label("Jävsgrund").fill("Anställd hos den som ansöker")
    _press(joint.get_by_role("button", name="Anteckna jäv"))
    expect(joint.locator(".minutes-paragraph__status")).to_have_text("Lars Holm är antecknad som jävig.")
    expect(joint.locator(".minutes-paragraph__recusals")).to_contain_text(
        "Lars Holm anmälde jäv (Anställd hos den som ansöker) och deltog inte i handläggningen."
    )
    expect(joint.locator(".minutes-quorum")).to_contain_text("Jäviga: Lars Holm.")
    assert _still_same_page(spage), "recording the meeting reloaded the page"
    problems += secretary.axe_problems("secretary-minutes-in-progress")
    secretary.screenshot("flow-secretary-minutes-in-progress")

    # -- the chair closes the meeting -------------------------------------------------------------------
    page.reload()
    with page.expect_navigation():
        _press(page.get_by_role("button", name="Avsluta mötet"))
    # A summary of the minutes first; closing is a second, explicit step on that page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Avsluta mötet?")
    problems += chair.axe_problems("chair-confirm-close")
    with page.expect_navigation():
        _press(page.get_by_role("button", name="Avsluta mötet och skicka protokollet till justering"))
    expect(page.locator(".message--success").first).to_contain_text("Mötet är avslutat.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Avslutad")

    # -- the chair and the justerare justera ------------------------------------------------------------
    problems += _justera(chair, minutes_url, "chair-minutes-closed")
    expect(page.locator("#justering .message--success").first).to_have_text("Du har justerat protokollet.")
    expect(page.locator("#justering")).to_contain_text("Du justerade ")
    expect(page.locator("#justering")).to_contain_text("Eva Nyström (justerare): väntar")

    adjuster = visitor()
    adjuster.login(ADJUSTER)
    problems += _justera(adjuster, minutes_url, "adjuster-minutes-closed")
    apage = adjuster.page
    expect(apage.locator(".message--success").first).to_have_text("Protokollet är justerat och låst.")
    expect(apage.locator(".minutes-header")).to_contain_text("Justerat")
    expect(apage.get_by_role("heading", level=1)).to_contain_text("Justerad")
    expect(apage.locator("#justering")).to_contain_text("Protokollet är låst; ändringar görs som rättelser.")
    expect(apage.get_by_role("link", name=re.compile(r"^Redigera"))).to_have_count(0)
    expect(apage.get_by_role("button", name="Anteckna rösterna")).to_have_count(0)
    problems += adjuster.check_page(minutes_url, "adjuster-minutes-justerat")

    # -- the printed protokoll and its PDF --------------------------------------------------------------
    problems += adjuster.check_page(f"{minutes_url}print", "adjuster-minutes-print")
    document = apage.locator(".protokoll, main").first
    expect(apage.locator(".justering")).to_contain_text("Justering")
    expect(apage.locator(".justering")).to_contain_text("Eva Nyström")
    expect(apage.locator(".justering")).to_contain_text("Karin Lindqvist")
    expect(document).to_contain_text(VOTE)
    expect(document).to_contain_text(RESERVATION)
    checksum = apage.locator(".print-toolbar__checksum code").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", checksum), checksum
    with apage.expect_download() as download_info:
        _press(apage.get_by_role("link", name="Ladda ner PDF"))
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    with open(download.path(), "rb") as pdf:
        content = pdf.read()
    assert content.startswith(b"%PDF"), content[:20]
    assert hashlib.sha256(content).hexdigest() == checksum, (
        "the PDF is not the file the print view vouches for"
    )

    # -- the next meeting's agenda lists the open uppdrag ----------------------------------------------
    next_url = _create_meeting(chair, demo.group_id)
    follow_up = page.locator(
        ".meeting-item--sub",
        has=page.get_by_role("heading", name=re.compile("Uppföljning av tidigare beslut$")),
    )
    for title in ACTIONS:
        expect(follow_up.locator(".standing")).to_contain_text(title)
    expect(follow_up.locator(".standing")).to_contain_text("ansvarig Lars Holm")
    problems += chair.check_page(next_url, "chair-next-meeting-follow-up")
    problems += chair.check_page(f"/groups/{demo.group_id}/follow-up", "chair-follow-up")
    expect(page.locator(".follow-up-list").first).to_contain_text(ACTIONS[0])

    for v, label in ((chair, "chair"), (secretary, "secretary"), (adjuster, "adjuster")):
        problems += v.console_problems(label)
    assert not problems, "\n".join(problems)


def test_justerade_minutes_print_view_and_follow_up_read_well_on_a_phone(app, demo, visitor):  # noqa: F811
    """A past meeting's justerade minutes (votes, reservation, jäv), its print view, the
    follow-up page and the writer's view of a meeting under way pass axe; none of them scrolls
    sideways at 375 px."""
    from po_meetings.extensions import db
    from po_meetings.meetings import services as meeting_services
    from po_meetings.models import Meeting

    with app.app_context():
        meeting_services.start_meeting(db.session.get(Meeting, demo.meeting_id))
        db.session.commit()
    v = visitor(**PHONE)
    v.login(ROLE_LOGINS[permissions.CHAIR])
    # The latest justerade minutes of the demo (the latest meeting waits for its justerare).
    minutes_url = f"/groups/{demo.group_id}/meetings/{demo.minutes['past_meeting_id']}/minutes/"
    problems = []
    for url, label in (
        (f"/groups/{demo.group_id}/meetings/{demo.meeting_id}/minutes/", "chair-minutes.show-writing-375"),
        (minutes_url, "chair-minutes.show-375"),
        (f"{minutes_url}print", "chair-minutes.print_view-375"),
        (f"/groups/{demo.group_id}/follow-up", "chair-follow_up.index-375"),
    ):
        problems += v.check_page(url, label) + v.sideways_problems(label)
    expect(v.page.locator(".follow-up-list").first).to_be_visible()
    v.page.goto(minutes_url)
    expect(v.page.locator("table.votes__table caption").first).to_have_text(
        re.compile(r"^Votering: ja \d+, nej \d+, avstår \d+$")
    )
    expect(v.page.locator(".reservation").first).to_contain_text("Reservation:")
    assert not problems, "\n".join(problems)
