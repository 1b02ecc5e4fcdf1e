"""HTTP tests of the group search: results grouped by kind with counts, links and snippets, "Visa
alla" and pages, bad input refused in Swedish, permissions, and a bounded number of queries."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from po_meetings import permissions
from po_meetings.extensions import db
from po_meetings.meetings import services as meeting_services
from po_meetings.models import AgendaItem, Meeting, Paragraph
from po_meetings.search import views
from po_meetings.system_errors import demo as se_demo

HTMX = {"HX-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
PERSONNUMMER = "19121212-1212"


def url(demo, group_id: int | None = None) -> str:
    return f"/groups/{group_id or demo.group_id}/search"


def root_id(html: str) -> str | None:
    match = re.match(r"\s*<\w+[^>]*?\sid=\"([^\"]+)\"", html)
    return match.group(1) if match else None


def heading_count(html: str, heading: str) -> int | None:
    """Return the count a kind's heading shows, or None without the heading."""
    match = re.search(rf"<h2[^>]*>{heading} <span[^>]*>\((\d+)\)</span></h2>", html)
    return int(match.group(1)) if match else None


def add_items(app, demo, count: int, description: str = "Om lotsbåtar och färjelägen.") -> list[int]:
    """Add agenda items to the coming meeting; return their ids."""
    with app.app_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        ids = [
            meeting_services.add_item(meeting, f"Lotsbåt {n}", 5, description=description).id
            for n in range(count)
        ]
        db.session.commit()
        return ids


# -- results ---------------------------------------------------------------------------------------


def test_an_inflected_search_finds_the_report_about_vantetid_with_a_snippet(client, auth, demo):
    auth.login_as(permissions.MEMBER)
    html = client.get(url(demo), query_string={"q": "väntetider"}).get_data(as_text=True)
    assert heading_count(html, "Systemfel") >= 1
    assert re.search(r"<mark>väntetid\w*</mark>", html, re.IGNORECASE)
    assert 'value="väntetider"' in html  # the search stays in its box
    assert f"/groups/{demo.group_id}/system-errors/SF-" in html


def test_results_are_grouped_by_kind_with_counts_and_links(app, client, auth, demo):
    [item_id] = add_items(app, demo, 1, description="Vi pratar om fyrbåksanpassning.")
    with app.app_context():
        paragraph = db.session.get(Paragraph, demo.minutes["paragraph_id"])
        paragraph.body = "Fyrbåksanpassningen dröjer i kommunen."
        meeting_id = paragraph.minutes.meeting_id
        db.session.commit()
    auth.login_as(permissions.CHAIR)
    html = client.get(url(demo), query_string={"q": "fyrbåksanpassningen"}).get_data(as_text=True)
    for heading in ("Beslut", "Paragrafer i protokollen", "Dagordningspunkter", "Systemfel"):
        assert heading_count(html, heading) is not None, heading
    assert heading_count(html, "Dagordningspunkter") == 1
    assert heading_count(html, "Paragrafer i protokollen") == 1
    assert f"/groups/{demo.group_id}/meetings/{demo.meeting_id}/items/{item_id}" in html
    assert (
        f"/groups/{demo.group_id}/meetings/{meeting_id}/minutes/#paragraph-{demo.minutes['paragraph_id']}"
        in html
    )
    assert "<mark>Fyrbåksanpassningen</mark>" in html and "<mark>fyrbåksanpassning</mark>" in html
    assert "Inga beslut matchar sökningen." in html


def test_a_kind_with_many_results_shows_a_few_and_links_to_all_of_them(app, client, auth, demo):
    add_items(app, demo, views.PREVIEW + 3)
    auth.login_as(permissions.MEMBER)
    html = client.get(url(demo), query_string={"q": "lotsbåtarna"}).get_data(as_text=True)
    assert heading_count(html, "Dagordningspunkter") == views.PREVIEW + 3
    assert html.count('class="search-hit"') == views.PREVIEW
    assert f"Visa alla {views.PREVIEW + 3} dagordningspunkter" in html
    assert "kind=items" in html
    every = client.get(url(demo), query_string={"q": "lotsbåtarna", "kind": "items"}).get_data(as_text=True)
    assert every.count('class="search-hit"') == views.PREVIEW + 3
    assert heading_count(every, "Beslut") is None  # only the chosen kind is listed
    assert "Dagordningspunkter: 8" in every and 'aria-current="page">Dagordningspunkter' in every


def test_a_kind_is_listed_a_page_at_a_time(app, client, auth, demo):
    app.config["PAGE_SIZE"] = 3
    add_items(app, demo, 7)
    auth.login_as(permissions.MEMBER)
    first = client.get(url(demo), query_string={"q": "lotsbåt", "kind": "items"}).get_data(as_text=True)
    assert first.count('class="search-hit"') == 3 and "Sida 1 av 3" in first
    assert re.search(r'rel="next" href="[^"]*kind=items', first)
    last = client.get(url(demo), query_string={"q": "lotsbåt", "kind": "items", "page": 3})
    assert last.get_data(as_text=True).count('class="search-hit"') == 1


def test_htmx_gets_the_results_only_and_a_boosted_request_the_page(client, auth, demo):
    auth.login_as(permissions.MEMBER)
    fragment = client.get(url(demo), query_string={"q": "bankid"}, headers=HTMX)
    assert root_id(fragment.get_data(as_text=True)) == "search-results"
    assert "HX-Request" in fragment.headers.get("Vary", "")
    page = client.get(url(demo), query_string={"q": "bankid"}, headers=BOOSTED).get_data(as_text=True)
    assert "<h1>Sök i gruppen</h1>" in page


def test_an_empty_search_says_what_to_do(client, auth, demo):
    auth.login_as(permissions.OMBUD)
    html = client.get(url(demo)).get_data(as_text=True)
    assert "Skriv ett eller flera ord" in html
    assert "Sökningen innehåller inga ord." in client.get(url(demo), query_string={"q": '"*('}).get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    "q", ['"NEAR(*', "NEAR", "bankid* OR x", "a:* & !b", "title:bostad", "'; DROP TABLE x; --"]
)
def test_search_syntax_is_plain_text(client, auth, demo, q):
    auth.login_as(permissions.MEMBER)
    assert client.get(url(demo), query_string={"q": q}).status_code == 200


# -- bad input -------------------------------------------------------------------------------------


def test_a_personnummer_is_refused_not_run_not_echoed_and_not_logged(client, auth, demo, caplog):
    auth.login_as(permissions.MEMBER)
    response = client.get(url(demo), query_string={"q": f"väntetid {PERSONNUMMER}"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "personnummer" in html.lower() and "Sökningen gjordes inte." in html
    assert PERSONNUMMER not in html and 'class="search-hit"' not in html
    assert 'aria-invalid="true"' in html
    assert PERSONNUMMER not in caplog.text
    fragment = client.get(url(demo), query_string={"q": PERSONNUMMER}, headers=HTMX).get_data(as_text=True)
    assert root_id(fragment) == "search-results" and PERSONNUMMER not in fragment


@pytest.mark.parametrize("length", [201, 10_000])
def test_a_search_over_200_characters_is_refused_in_swedish(client, auth, demo, length):
    auth.login_as(permissions.MEMBER)
    response = client.get(url(demo), query_string={"q": ("bankid " * 2000)[:length]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sökningen är för lång. Använd högst 200 tecken." in html
    assert 'class="search-hit"' not in html


def test_200_characters_are_searched(client, auth, demo):
    auth.login_as(permissions.MEMBER)
    html = client.get(url(demo), query_string={"q": "bankid" + " " * 194}).get_data(as_text=True)
    assert "för lång" not in html and 'class="search-hit"' in html


def test_control_characters_and_an_unknown_kind_never_give_a_500(client, auth, demo):
    auth.login_as(permissions.MEMBER)
    for query in ({"q": "bank\x00id\u202e"}, {"q": "bankid", "kind": "nope"}, {"q": "bankid", "page": "x"}):
        assert client.get(url(demo), query_string=query).status_code == 200


# -- who finds what --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [permissions.OMBUD, permissions.CO_OPTED])
def test_confidential_matter_is_not_shown_nor_counted(app, client, auth, demo, role):
    with app.app_context():
        secret = db.session.get(AgendaItem, demo.confidential_item_id)
        secret.description = "Fyrvaktaren och bemanningen."
        db.session.commit()
    auth.login_as(role)
    html = client.get(url(demo), query_string={"q": "fyrvaktare"}).get_data(as_text=True)
    assert "Inga träffar" in html and heading_count(html, "Dagordningspunkter") == 0
    assert "Samverkan kring utskrivning" not in html
    words = "jourhavande socialsekreterare"
    html = client.get(url(demo), query_string={"q": words}).get_data(as_text=True)
    assert se_demo.CONFIDENTIAL_TITLE not in html and demo.confidential_report_number not in html
    assert heading_count(html, "Systemfel") == 0
    auth.logout()
    auth.login_as(permissions.SUBSTITUTE)
    html = client.get(url(demo), query_string={"q": "fyrvaktare"}).get_data(as_text=True)
    assert heading_count(html, "Dagordningspunkter") == 1 and "Sekretess" in html


def test_another_group_gets_404_and_anonymous_the_login(client, auth, demo):
    assert client.get(url(demo), query_string={"q": "bankid"}).status_code in (302, 303)
    auth.login_as(permissions.OTHER_GROUP)
    assert client.get(url(demo), query_string={"q": "bankid"}).status_code == 404
    assert client.get(url(demo, demo.other_group_id), query_string={"q": "bankid"}).status_code == 200


def test_the_groups_pages_have_a_search_box(client, auth, demo):
    auth.login_as(permissions.OMBUD)
    html = client.get(f"/groups/{demo.group_id}/meetings/").get_data(as_text=True)
    assert f'action="/groups/{demo.group_id}/search"' in html and 'id="group-search-q"' in html
    search_page = client.get(url(demo)).get_data(as_text=True)
    assert 'id="group-search-q"' not in search_page  # the search page has its own box


# -- bounded work ----------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_results(app, client, auth, demo):
    auth.login_as(permissions.MEMBER)
    statements = []

    def count(*args, **kwargs):
        statements.append(1)

    def queries(query_string) -> int:
        statements.clear()
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", count)
            try:
                assert client.get(url(demo), query_string=query_string).status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    few = queries({"q": "lotsbåt"})
    add_items(app, demo, 30)
    assert queries({"q": "lotsbåt"}) <= few + 1  # + 1: the first result's kind is now listed
    assert queries({"q": "lotsbåt", "kind": "items"}) <= few + 2
    with app.app_context():
        assert db.session.scalar(select(AgendaItem.id).where(AgendaItem.title == "Lotsbåt 29")) is not None
