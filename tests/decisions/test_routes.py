"""The decision log over HTTP: every decision with its §, meeting, method, reservations, linked
system errors and follow-up; the filters, bad filters, the CSV, and who sees what."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from po_meetings import permissions
from po_meetings.dates import local
from po_meetings.extensions import db
from po_meetings.minutes import demo as minutes_demo
from po_meetings.models import ActionItem, Decision, DecisionResult, Paragraph, utcnow

HTMX = {"HX-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}

OVERDUE = "Ta fram förslag till reviderat mandat för ledningsgruppen"  # vice@, overdue
ONGOING = "Informera Arbetsförmedlingens sektionsledning om gruppens prioriteringar"  # ledamot@, pågår
ASBY = "Ta fram en överenskommelse om boendestöd vid flytt mellan Mellanå och Åsby"  # ledamot.asby@
SECRET = "Ta upp socialjourens nattbemanning med socialcheferna"  # the chair's, in a confidential §
SECRET_DECISION = "nattbemanningen med socialcheferna"
DONE = "Sammanställa årets systemfel per nivå till årsrapporten"  # klar
VOTE = "ska kunna skickas med vanlig post"  # the votering 4–2 with Sara Öberg's reservation
AGENDA = "att godkänna dagordningen"  # decisions with no follow-up at all
TRAINING = "gemensam utbildningsdag"  # återrapportering from every organisation, Försäkringskassan done


def url(demo, tail: str = "") -> str:
    return f"/groups/{demo.group_id}/decisions{tail}"


def decision_ids(response) -> list[int]:
    return [
        int(n)
        for n in re.findall(
            r'<li class="decision-log__row" id="decision-(\d+)"', response.get_data(as_text=True)
        )
    ]


def decision_of(app, text: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Decision.id).where(Decision.text.contains(text)).order_by(Decision.id)
        )


def decision_of_action(app, title: str) -> int:
    with app.app_context():
        return db.session.scalar(select(ActionItem.decision_id).where(ActionItem.title == title))


def options_of(html: str, name: str) -> str:
    """Return the options of one select of the filter form."""
    return re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)


def read_csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


# -- the page ----------------------------------------------------------------------------------------


def test_the_log_three_ways(client, auth, demo):
    auth.login_as(permissions.MEMBER)
    plain = client.get(url(demo))
    html = plain.get_data(as_text=True)
    assert plain.status_code == 200 and "<html" in html and "HX-Request" in plain.headers["Vary"]
    assert "<h1>Beslutslogg</h1>" in html
    assert re.search(r'<a href="/groups/\d+/decisions" aria-current="page">Beslutslogg</a>', html)
    fragment = client.get(url(demo), headers=HTMX)
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and text.lstrip().startswith('<div id="decision-list"')
    assert decision_ids(fragment) == decision_ids(plain)
    boosted = client.get(url(demo), headers=BOOSTED)
    assert "<html" in boosted.get_data(as_text=True)


def test_the_group_navigation_links_to_the_log(client, auth, demo):
    auth.login_as(permissions.OMBUD)
    html = client.get(f"/groups/{demo.group_id}/follow-up").get_data(as_text=True)
    assert f'href="/groups/{demo.group_id}/decisions">Beslutslogg</a>' in html


def test_a_row_shows_how_the_decision_was_taken_and_how_it_is_followed_up(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.get(url(demo))
    html = response.get_data(as_text=True)
    ids = decision_ids(response)
    with app.app_context():
        assert len(ids) == db.session.query(Decision).filter(Decision.group_id == demo.group_id).count()
        vote = db.session.get(Decision, decision_of(app, VOTE))
        paragraph = vote.paragraph
        meeting = paragraph.minutes.meeting
        row = html.split(f'id="decision-{vote.id}"')[1].split("</li>\n    \n")[0]
        assert f"{paragraph.label} {paragraph.title}" in row
        assert f"/meetings/{meeting.id}/minutes/#paragraph-{paragraph.id}" in row
        assert meeting.title in row and "protokollet: justerat" in row
    adopted = DecisionResult.ADOPTED.label.lower()
    assert f"Votering 4–2, 0 avstod: {adopted}" in row and "Reservation: Sara Öberg." in row
    assert f"Konsensus: {adopted}" in html
    # The linked system error, the uppdrag with owner, organisation and state, återrapportering.
    assert minutes_demo.LINKED_REPORT in html
    assert f"Uppdrag: {ASBY}" in html
    overdue_row = html.split(f'id="decision-{decision_of_action(app, OVERDUE)}"')[1].split("</li>\n    \n")[0]
    assert "Försenat uppdrag" in overdue_row and 'badge--warning">Försenat<' in overdue_row
    assert "Återrapportering: Försäkringskassan – återrapporterat" in html
    assert "Allt klart" in html and "Ingen uppföljning" in html and "Uppföljning pågår" in html
    assert "Ladda ner beslutsloggen som CSV" in html


# -- confidential §§ ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [permissions.OMBUD, permissions.CO_OPTED])
def test_confidential_decisions_are_left_out_for_ombuds_and_co_opted(app, client, auth, demo, role):
    secret_id = decision_of(app, SECRET_DECISION)
    auth.login_as(permissions.CHAIR)
    chair_page = client.get(url(demo))
    assert secret_id in decision_ids(chair_page) and SECRET in chair_page.get_data(as_text=True)
    chair_count = len(decision_ids(chair_page))
    auth.logout()

    auth.login_as(role)
    response = client.get(url(demo))
    html = response.get_data(as_text=True)
    assert secret_id not in decision_ids(response)
    assert SECRET not in html and SECRET_DECISION not in html and "Sekretess" not in html.split("<h1>")[1]
    # The count leaves it out, and so do the filters' choices (the chair owns no other uppdrag).
    assert f"{chair_count - 1} beslut." in html
    assert f'value="{demo.membership("ordforande@demo.se")}"' not in options_of(html, "owner")
    assert "Karin Lindqvist" not in options_of(html, "owner")
    rows = read_csv(client.get(url(demo, ".csv")))
    assert len(rows) == chair_count  # the header and every visible decision
    assert not any(SECRET_DECISION in cell or SECRET in cell for row in rows for cell in row)
    # Asking for the chair's uppdrag by the URL finds nothing hidden.
    by_owner = client.get(url(demo), query_string={"owner": demo.membership("ordforande@demo.se")})
    assert secret_id not in decision_ids(by_owner)


def test_members_see_the_confidential_decisions_marked(app, client, auth, demo):
    auth.login_as(permissions.MEMBER)
    response = client.get(url(demo))
    secret_id = decision_of(app, SECRET_DECISION)
    row = response.get_data(as_text=True).split(f'id="decision-{secret_id}"')[1].split("</li>\n    \n")[0]
    assert "badge--confidential" in row and SECRET in row


# -- filters ---------------------------------------------------------------------------------------------


def expected(app, group_id: int, keep) -> set[int]:
    """Return the ids of the group's decisions a predicate keeps (the test's own reading of a filter)."""
    today = local(utcnow()).date()
    with app.app_context():
        return {
            d.id
            for d in db.session.scalars(select(Decision).where(Decision.group_id == group_id))
            if keep(d, today)
        }


def _open(d, today) -> bool:
    return any(a.is_open for a in d.actions) or any(f.is_open for f in d.follow_ups)


def test_filter_by_state(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    overdue = decision_ids(client.get(url(demo), query_string={"state": "overdue"}))
    assert decision_of_action(app, OVERDUE) in overdue and decision_of_action(app, ONGOING) not in overdue
    assert set(overdue) == expected(app, demo.group_id, lambda d, t: any(a.is_overdue(t) for a in d.actions))
    open_ = decision_ids(client.get(url(demo), query_string={"state": "open"}))
    assert {
        decision_of_action(app, OVERDUE),
        decision_of_action(app, ONGOING),
        decision_of(app, TRAINING),
    } <= set(open_)
    assert set(open_) == expected(app, demo.group_id, _open)
    done = decision_ids(client.get(url(demo), query_string={"state": "done"}))
    assert decision_of_action(app, DONE) in done and decision_of_action(app, DONE) not in open_
    assert set(done) == expected(
        app, demo.group_id, lambda d, t: (d.actions or d.follow_ups) and not _open(d, t)
    )
    none = decision_ids(client.get(url(demo), query_string={"state": "none"}))
    assert decision_of(app, AGENDA) in none and decision_of(app, VOTE) in none
    assert set(none) == expected(app, demo.group_id, lambda d, t: not d.actions and not d.follow_ups)
    assert len(open_) + len(done) + len(none) == len(decision_ids(client.get(url(demo))))


def test_filter_by_owner_and_organisation(app, client, auth, demo):
    auth.login_as(permissions.MEMBER)
    asby = demo.membership("ledamot.asby@demo.se")
    page = client.get(url(demo), query_string={"owner": asby})
    assert decision_of_action(app, ASBY) in decision_ids(page)
    assert set(decision_ids(page)) == expected(
        app, demo.group_id, lambda d, t: any(a.owner_id == asby for a in d.actions)
    )
    assert f'<option selected value="{asby}">' in page.get_data(as_text=True)
    af = demo.organisations["Arbetsförmedlingen"]
    by_organisation = decision_ids(client.get(url(demo), query_string={"organisation": af}))
    # The uppdrag of Arbetsförmedlingen's member and the återrapportering asked of it.
    assert {decision_of_action(app, ONGOING), decision_of(app, TRAINING)} <= set(by_organisation)
    assert set(by_organisation) == expected(
        app,
        demo.group_id,
        lambda d, t: (
            any(a.owner.organisation_id == af for a in d.actions)
            or any(f.organisation_id == af for f in d.follow_ups)
        ),
    )
    both = decision_ids(client.get(url(demo), query_string={"organisation": af, "state": "overdue"}))
    assert set(both) == set(by_organisation) & expected(
        app, demo.group_id, lambda d, t: any(a.is_overdue(t) for a in d.actions)
    )


def test_filter_by_year_keeps_the_filters_in_the_links(app, client, auth, demo):
    with app.app_context():
        years = sorted(set(db.session.scalars(select(Paragraph.year).join(Decision))))
    auth.login_as(permissions.CHAIR)
    year = years[-1]
    response = client.get(url(demo), query_string={"year": year, "state": "open"})
    html = response.get_data(as_text=True)
    assert decision_ids(response) and f'<option selected value="{year}">' in html
    assert f'href="/groups/{demo.group_id}/decisions.csv?year={year}&amp;state=open"' in html
    with app.app_context():
        for decision_id in decision_ids(response):
            assert db.session.get(Decision, decision_id).paragraph.year == year
    empty = client.get(url(demo), query_string={"year": 2001})
    text = empty.get_data(as_text=True)
    assert empty.status_code == 200 and decision_ids(empty) == []
    assert "Inga beslut matchar filtret." in text and '<option selected value="2001">' in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"year": "1850"}, "Välj ett år mellan 2000 och 2100."),
        ({"year": "99999999999999999999999"}, "Välj ett år mellan 2000 och 2100."),
        ({"year": "tjugo"}, "Välj ett år mellan 2000 och 2100."),
        ({"state": "kanske"}, "Okänt läge för uppföljningen."),
        ({"owner": "999999"}, "Ingen med uppdrag i beslutsloggen har valts."),
        ({"owner": "-1"}, "Ingen med uppdrag i beslutsloggen har valts."),
        ({"organisation": "abc"}, "Ingen organisation i beslutsloggen har valts."),
    ],
)
def test_a_filter_that_is_not_a_choice_is_ignored_with_a_message(client, auth, demo, args, message):
    auth.login_as(permissions.MEMBER)
    everything = decision_ids(client.get(url(demo)))
    response = client.get(url(demo), query_string=args)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'<p class="field__error" id="\w+-error">' + re.escape(message), html)
    assert decision_ids(response) == everything
    csv_response = client.get(url(demo, ".csv"), query_string=args)
    assert csv_response.status_code == 200 and len(read_csv(csv_response)) == len(everything) + 1


def test_another_groups_member_is_not_an_owner_here(client, auth, demo):
    other = demo.memberships[(demo.other_group_id, "vice@demo.se")]
    auth.login_as(permissions.CHAIR)
    html = client.get(url(demo), query_string={"owner": other}).get_data(as_text=True)
    assert "Ingen med uppdrag i beslutsloggen har valts." in html


def test_a_page_beyond_the_end_says_so(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.get(url(demo), query_string={"page": 7, "state": "open"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and decision_ids(response) == []
    assert "Sidan 7 finns inte: beslutsloggen har 1 sida med det här filtret." in html
    assert f'href="/groups/{demo.group_id}/decisions?state=open">Gå till första sidan' in html
    assert client.get(url(demo), query_string={"page": "x"}).status_code == 200  # the first page
    assert client.get(url(demo), query_string={"page": 0}).status_code == 404
    assert client.get(url(demo), query_string={"page": 10**12}).status_code == 404


def test_a_group_without_decisions_says_what_the_log_is_for(app, client, auth, demo):
    with app.app_context():
        db.session.query(ActionItem).delete()
        for decision in db.session.scalars(select(Decision)):
            db.session.delete(decision)
        db.session.commit()
    auth.login_as(permissions.OMBUD)
    html = client.get(url(demo)).get_data(as_text=True)
    assert "Gruppen har inga beslut i sina protokoll än." in html
    assert "Ladda ner" not in html


# -- CSV --------------------------------------------------------------------------------------------------


def test_the_csv_is_utf8_with_bom_semicolons_and_swedish_headers(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.get(url(demo, ".csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="decisions-{date.today().isoformat()}.csv"'
    )
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw.splitlines()[0]
    rows = read_csv(response)
    header = rows[0]
    assert header[:6] == ["Paragraf", "Rubrik", "Möte", "Mötesdatum", "Protokoll", "Beslut"]
    assert "Reservationer" in header and "Systemfel" in header and "Uppföljning" in header
    assert len(rows) == len(decision_ids(client.get(url(demo)))) + 1
    by_text = {row[header.index("Beslut")]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    vote = next(v for k, v in by_text.items() if VOTE in k)
    assert vote["Beslutsform"] == "Votering" and vote["Utfall"] == "Förslaget bifölls"
    assert vote["Röster"] == "4 ja, 2 nej, 0 avstår" and vote["Reservationer"] == "Sara Öberg"
    assert re.match(r"§ \d+/\d{4}$", vote["Paragraf"]) and vote["Protokoll"] == "Justerat"
    overdue = next(v for v in by_text.values() if OVERDUE in v["Uppdrag"])
    assert overdue["Uppföljning"] == "Försenat uppdrag" and "klart senast" in overdue["Uppdrag"]
    assert any(minutes_demo.LINKED_REPORT in v["Systemfel"] for v in by_text.values())


def test_the_csv_keeps_the_filters(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    rows = read_csv(client.get(url(demo, ".csv"), query_string={"state": "overdue"}))
    listed = decision_ids(client.get(url(demo), query_string={"state": "overdue"}))
    assert len(rows) == len(listed) + 1 and any(OVERDUE in row[rows[0].index("Uppdrag")] for row in rows)
    assert {row[rows[0].index("Uppföljning")] for row in rows[1:]} == {"Försenat uppdrag"}


def test_the_csv_makes_formulas_text(app, client, auth, demo):
    decision_id = decision_of_action(app, ASBY)
    with app.app_context():
        decision = db.session.get(Decision, decision_id)
        decision.text = '=HYPERLINK("http://example.com";"Klicka")'
        decision.actions[0].title = "+46 ringer upp"
        decision.paragraph.title = "@Systemfrågor"
        db.session.commit()
    auth.login_as(permissions.CHAIR)
    rows = read_csv(client.get(url(demo, ".csv")))
    header = rows[0]
    row = next(r for r in rows if r[header.index("Beslut")].startswith("'=HYPERLINK"))
    assert row[header.index("Uppdrag")].startswith("'+46 ringer upp")
    assert row[header.index("Rubrik")] == "'@Systemfrågor"
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)


# -- who may ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("tail", ["", ".csv"])
def test_every_role_of_the_group_may_read_the_log(client, auth, demo, tail):
    for role in (
        permissions.CHAIR,
        permissions.MEMBER,
        permissions.SUBSTITUTE,
        permissions.CO_OPTED,
        permissions.OMBUD,
    ):
        auth.login_as(role)
        assert client.get(url(demo, tail)).status_code == 200, role
        auth.logout()


@pytest.mark.parametrize("tail", ["", ".csv"])
def test_others_are_kept_out(client, auth, demo, tail):
    assert client.get(url(demo, tail)).status_code == 302  # to the login page
    auth.login_as(permissions.OTHER_GROUP)
    assert client.get(url(demo, tail)).status_code == 404
    auth.logout()
    auth.login_as(permissions.ADMIN)
    assert client.get(url(demo, tail)).status_code == 404
    assert client.get(f"/groups/999999/decisions{tail}").status_code == 404


def test_another_groups_log_holds_only_its_own_decisions(client, auth, demo):
    auth.login_as(permissions.OTHER_GROUP)
    response = client.get(f"/groups/{demo.other_group_id}/decisions")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and decision_ids(response) == []
    assert VOTE not in html and "Gruppen har inga beslut i sina protokoll än." in html
