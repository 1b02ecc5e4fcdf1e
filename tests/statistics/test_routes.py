"""The client statistics over HTTP: an ombud enters a quarter, wrong sums are told beside the cell,
and the agenda's standing item compares the latest quarter with the one before and a year earlier."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from po_meetings import permissions
from po_meetings.extensions import db
from po_meetings.models import AGE_GROUPS, AuditEvent, ClientStatistics, Flow, Gender, Membership
from po_meetings.models.statistics import DEFAULT_CATEGORIES, TOTAL, cell_key
from po_meetings.statistics import services
from po_meetings.statistics.services import Quarter

from ..support.query_count import counting_queries
from .test_services import balanced

HTMX = {"HX-Request": "true"}


def url(demo, tail: str = "") -> str:
    return f"/groups/{demo.group_id}/statistics{tail}"


def current() -> Quarter:
    return Quarter.of(services.today())


def form_data(counts, version: int = 0) -> dict:
    """Return the posted form of a quarter's counts (category cells in the default order)."""
    data = {
        "version": str(version),
        "clients_at_start": counts.clients_at_start,
        "clients_at_end": counts.clients_at_end,
        "with_minor_children": counts.with_minor_children,
        "with_children_at_home": counts.with_children_at_home,
    }
    for flow in Flow:
        for gender in Gender:
            for age in (TOTAL, *AGE_GROUPS):
                data[cell_key(flow, gender, age)] = counts.cell(flow, gender, age)
    for prefix, kind, values in (
        ("way", "contact_way", counts.contact_ways),
        ("reason", "contact_reason", counts.contact_reasons),
    ):
        for index, name in enumerate(DEFAULT_CATEGORIES[kind]):
            data[f"{prefix}_{index}"] = values.get(name, "")
    return {k: str(v) for k, v in data.items()}


def saved_rows(app, demo, quarter: Quarter) -> list[ClientStatistics]:
    with app.app_context():
        rows = db.session.scalars(
            select(ClientStatistics).where(
                ClientStatistics.group_id == demo.group_id,
                ClientStatistics.year == quarter.year,
                ClientStatistics.quarter == quarter.number,
            )
        ).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def error_beside(html: str, field_id: str) -> str:
    """Return the message shown right beside a cell's input (tied to it by aria-describedby)."""
    match = re.search(rf'<p class="field__error" id="{field_id}-error">([^<]*)</p>', html)
    assert match, f"no message beside {field_id}"
    assert re.search(rf'aria-describedby="[^"]*{field_id}-error"', html)
    return match.group(1)


def test_the_quarters_list_shows_entered_and_missing_quarters(client, auth, demo):
    auth.login_as(permissions.OMBUD)
    response = client.get(url(demo))
    assert response.status_code == 200
    html = response.text
    now = current()
    row = html.partition(f'id="quarter-{now.year}-{now.number}"')[2].partition("</tr>")[0]
    assert "Saknas" in row and "Fyll i" in row and "(pågår)" in row
    last = now.previous
    row = html.partition(f'id="quarter-{last.year}-{last.number}"')[2].partition("</tr>")[0]
    assert "Inrapporterad" in row and "Ändra" in row
    # Reachable from the group's navigation.
    assert f'href="{url(demo)}"' in client.get(f"/groups/{demo.group_id}").text


def test_an_ombud_enters_the_current_quarter(app, client, auth, demo):
    now = current()
    auth.login_as(permissions.OMBUD)
    page = client.get(url(demo, f"/{now.year}/{now.number}"))
    assert page.status_code == 200
    assert 'hx-disabled-elt="find button[type=submit]"' in page.text
    assert 'name="version" type="hidden" value="0"' in page.text
    response = client.post(url(demo, f"/{now.year}/{now.number}"), data=form_data(balanced()))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(url(demo))
    [row] = saved_rows(app, demo, now)
    assert (row.clients_at_start, row.clients_at_end, row.version) == (20, 21, 1)
    html = client.get(response.headers["Location"]).text
    assert f"Klientstatistiken för kvartal {now.number} {now.year} är sparad." in html


def test_a_wrong_sum_is_told_beside_the_cell_and_nothing_is_saved(app, client, auth, demo):
    now = current()
    auth.login_as(permissions.OMBUD)
    wrong = balanced(cells={cell_key(Flow.CLOSED, Gender.MEN, "65_plus"): 1})
    response = client.post(url(demo, f"/{now.year}/{now.number}"), data=form_data(wrong))
    assert response.status_code == 422
    message = error_beside(response.text, cell_key(Flow.CLOSED, Gender.MEN, TOTAL))
    assert message.startswith("Åldersgrupperna (avslutade klienter, män) summerar till 1, men totalen är 2")
    assert "En ruta är fel; rätta den och spara igen." in response.text
    # The typed numbers come back, so the ombud corrects one cell.
    assert f'name="{cell_key(Flow.CLOSED, Gender.MEN, "65_plus")}" type="number" value="1"' in response.text
    assert saved_rows(app, demo, now) == []


def test_a_wrong_end_by_htmx_swaps_the_form_with_the_message(app, client, auth, demo):
    now = current()
    auth.login_as(permissions.CHAIR)
    response = client.post(
        url(demo, f"/{now.year}/{now.number}"), data=form_data(balanced(clients_at_end=30)), headers=HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="statistics-entry">')
    assert "<html" not in response.text
    assert "ska vara 21 (vid början 20 + nya 3 − avslutade 2), inte 30" in error_beside(
        response.text, "clients_at_end"
    )
    assert saved_rows(app, demo, now) == []


def test_a_negative_count_is_refused_beside_it(app, client, auth, demo):
    now = current()
    auth.login_as(permissions.OMBUD)
    data = form_data(balanced())
    data["with_minor_children"] = "-3"
    response = client.post(url(demo, f"/{now.year}/{now.number}"), data=data)
    assert response.status_code == 422
    assert error_beside(response.text, "with_minor_children").startswith("Antalet kan inte vara negativt")
    assert saved_rows(app, demo, now) == []


def test_a_second_entry_edits_the_quarter_and_is_audited(app, client, auth, demo):
    last = current().previous  # entered by the demo
    [before] = saved_rows(app, demo, last)
    auth.login_as(permissions.OMBUD)
    page = client.get(url(demo, f"/{last.year}/{last.number}")).text
    assert f'value="{before.clients_at_start}"' in page and f'value="{before.version}"' in page
    counts = balanced(clients_at_start=before.clients_at_start, clients_at_end=before.clients_at_start + 1)
    response = client.post(url(demo, f"/{last.year}/{last.number}"), data=form_data(counts, before.version))
    assert response.status_code == 303
    [after] = saved_rows(app, demo, last)
    assert after.id == before.id and after.version == before.version + 1
    with app.app_context():
        updates = db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.object_type == "client_statistics",
                AuditEvent.object_id == before.id,
                AuditEvent.action == "update",
            )
        )
    assert updates == 1
    # The form sent again from the old page does not overwrite the edit.
    response = client.post(url(demo, f"/{last.year}/{last.number}"), data=form_data(counts, before.version))
    assert response.status_code == 422
    assert "har ändrats av någon annan" in response.text
    assert saved_rows(app, demo, last)[0].version == before.version + 1


def test_a_quarter_in_the_future_is_refused(app, client, auth, demo):
    future = Quarter(current().year + 1, 2)
    auth.login_as(permissions.OMBUD)
    page = client.get(url(demo, f"/{future.year}/{future.number}"))
    assert page.status_code == 200
    assert (
        "Kvartalet har inte börjat ännu." in page.text
        and '<form method="post" action="/groups' not in page.text
    )
    response = client.post(url(demo, f"/{future.year}/{future.number}"), data=form_data(balanced()))
    assert response.status_code == 422
    assert "Kvartalet har inte börjat ännu." in response.text
    assert saved_rows(app, demo, future) == []


def test_another_groups_member_gets_404(client, auth, demo):
    now = current()
    auth.login_as(permissions.OTHER_GROUP)
    assert client.get(url(demo)).status_code == 404
    assert client.get(url(demo, f"/{now.year}/{now.number}")).status_code == 404
    response = client.post(url(demo, f"/{now.year}/{now.number}"), data=form_data(balanced()))
    assert response.status_code == 404


def test_a_ledamot_sees_the_statistics_but_may_not_enter_them(app, client, auth, demo):
    now = current()
    auth.login_as(permissions.MEMBER)
    html = client.get(url(demo)).text
    assert "Fyll i" not in html and "Ändra" not in html
    assert client.get(url(demo, f"/{now.year}/{now.number}")).status_code == 403
    response = client.post(url(demo, f"/{now.year}/{now.number}"), data=form_data(balanced()))
    assert response.status_code == 403
    assert saved_rows(app, demo, now) == []


def test_the_standing_item_compares_the_latest_quarter_with_the_one_before_and_a_year_earlier(
    app, client, auth, demo
):
    latest = current().previous  # the coming meeting's latest quarter: the last entered one
    previous, earlier = latest.previous, latest.a_year_earlier
    with app.app_context():
        quarters = {
            Quarter(s.year, s.quarter): (
                s.clients_at_start,
                s.new_clients,
                s.closed_clients,
                s.clients_at_end,
            )
            for s in db.session.scalars(
                select(ClientStatistics).where(ClientStatistics.group_id == demo.group_id)
            )
        }
    auth.login_as(permissions.MEMBER)
    html = client.get(f"/groups/{demo.group_id}/meetings/{demo.meeting_id}").text
    assert "Ingen klientstatistik är inrapporterad ännu" not in html
    table = html.partition('class="table standing-statistics"')[2].partition("</table>")[0]
    assert f"Kvartal {latest.number} {latest.year}" in table
    assert f"({previous.number}/{previous.year})" in table and f"({earlier.number}/{earlier.year})" in table
    row = table.partition("Klienter vid kvartalets början</th>")[2].partition("</tr>")[0]
    cells = re.findall(r"<td>(\d+)</td>", row)
    assert cells == [str(quarters[q][0]) for q in (latest, previous, earlier)]
    row = table.partition("Klienter vid kvartalets slut</th>")[2].partition("</tr>")[0]
    assert re.findall(r"<td>(\d+)</td>", row) == [str(quarters[q][3]) for q in (latest, previous, earlier)]


def test_the_chair_edits_the_categories_and_the_entry_form_follows(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    page = client.get(url(demo, "/categories"))
    assert page.status_code == 200 and "Egen kontakt" in page.text
    response = client.post(
        url(demo, "/categories"),
        data={"contact_ways": "Egen kontakt\nPsykiatrin\nFrån skolan", "contact_reasons": "Boende\nBoende"},
    )
    assert response.status_code == 422
    assert "Kategorin ”Boende” står två gånger." in response.text.partition('id="contact_reasons-error"')[2]
    response = client.post(
        url(demo, "/categories"),
        data={"contact_ways": "Egen kontakt\nPsykiatrin\nFrån skolan", "contact_reasons": "Boende\nSkulder"},
    )
    assert response.status_code == 303
    now = current()
    html = client.get(url(demo, f"/{now.year}/{now.number}")).text
    assert "Från skolan" in html and "Skulder" in html and "Socialtjänsten" not in html
    auth.logout()
    auth.login_as(permissions.OMBUD)
    assert client.get(url(demo, "/categories")).status_code == 403


def add_old_quarters(app, demo, years: range) -> None:
    """Enter every quarter of some earlier years (before the demo's), by the ombud."""
    with app.app_context():
        ombud = db.session.get(Membership, demo.membership("ombud@demo.se"))
        for year in years:
            for number in range(1, 5):
                services.save_quarter(demo.group_id, ombud, year, number, balanced())
        db.session.commit()


def count_page_queries(app, client, url: str) -> int:
    with app.app_context():
        engine = db.engine
    with counting_queries(engine) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_pages_make_as_many_queries_for_many_quarters_as_for_few(app, client, auth, demo):
    now = current()
    auth.login_as(permissions.OMBUD)
    pages = (url(demo), url(demo, f"/{now.previous.year}/{now.previous.number}"))
    meeting = f"/groups/{demo.group_id}/meetings/{demo.meeting_id}"
    few = [count_page_queries(app, client, page) for page in (*pages, meeting)]
    add_old_quarters(app, demo, range(now.year - 8, now.year - 2))
    many = [count_page_queries(app, client, page) for page in (*pages, meeting)]
    assert many == few
    assert max(few[:2]) <= 15
