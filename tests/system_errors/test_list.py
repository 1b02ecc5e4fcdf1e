"""HTTP tests of the systemfel list: filters, counts, pages, search, the CSV export and
"Mina rapporter" — and that nobody sees a report they may not see."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import selectinload

from po_meetings import permissions
from po_meetings.extensions import db
from po_meetings.models import Group, SystemErrorReport, User
from po_meetings.system_errors import demo as se_demo
from po_meetings.system_errors import services
from po_meetings.system_errors.demo_data import MK

HTMX = {"HX-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
PERSONNUMMER = "19121212-1212"
NUMBER = re.compile(r'class="se-row__number">(SF-\d{4}-\d{3})<')


def base(demo, group_id: int | None = None) -> str:
    """Return the URL of the group's register."""
    return f"/groups/{group_id or demo.group_id}/system-errors"


def root_id(html: str) -> str | None:
    """Return the id of a fragment's first element."""
    match = re.match(r"\s*<\w+[^>]*?\sid=\"([^\"]+)\"", html)
    return match.group(1) if match else None


def numbers(response) -> set[str]:
    """Return the report numbers a list page shows."""
    return set(NUMBER.findall(response.get_data(as_text=True)))


def submitted(app, demo) -> list[SimpleReport]:
    """Return every submitted report of the demo group as plain values."""
    with app.app_context():
        reports = db.session.scalars(
            select(SystemErrorReport)
            .where(SystemErrorReport.group_id == demo.group_id, SystemErrorReport.status != "draft")
            .options(selectinload(SystemErrorReport.affected_organisations))
        ).all()
        return [SimpleReport(r) for r in reports]


class SimpleReport:
    """What the tests compare of a report, readable after its session is gone."""

    def __init__(self, r: SystemErrorReport) -> None:
        self.number, self.title, self.status = r.number, r.title, r.status
        self.level, self.category = r.level, r.category
        self.owner_id, self.reporter_id, self.year = r.owner_id, r.reporter_id, r.number_year
        self.fixer_id = r.fixer_organisation_id
        self.affected = {o.id for o in r.affected_organisations}
        self.is_confidential = r.is_confidential


def make_reports(app, demo, count: int, email: str = "ombud2@demo.se", **overrides) -> list[str]:
    """Submit reports through the service; return their numbers."""
    with app.app_context():
        group = db.session.get(Group, demo.group_id)
        user = db.session.get(User, demo.users[email])
        result = []
        for n in range(count):
            values = {
                "title": f"Massrapport {n:02d}",
                "description": "Väntetid på besked om boendestöd.",
                "causes": "Brist på handläggare.",
                "consequences": "Klienten väntar.",
                "system_view": "Behoven tillgodosågs inte.",
                "level": "local",
                "category": "local_resources",
            }
            values.update(overrides)
            result.append(services.save_report(group, user, values, submit=True).number)
        db.session.commit()
        return result


# -- the list --------------------------------------------------------------------------------------


def test_the_list_three_ways(client, auth, demo):
    auth.login_as(permissions.OMBUD)
    plain = client.get(base(demo))
    html = plain.get_data(as_text=True)
    assert plain.status_code == 200 and "<html" in html and "HX-Request" in plain.headers["Vary"]
    assert demo.report_number in html and 'aria-current="page"' in html and ">Systemfel<" in html
    fragment = client.get(base(demo), headers=HTMX).get_data(as_text=True)
    assert root_id(fragment) == "report-list" and "<html" not in fragment
    assert demo.report_number in fragment
    assert "<html" in client.get(base(demo), headers=BOOSTED).get_data(as_text=True)


def test_the_filter_form_swaps_the_list_and_pushes_the_url(client, auth, demo):
    auth.login_as(permissions.OMBUD)
    html = client.get(base(demo)).get_data(as_text=True)
    form = re.search(r'<form method="get"[^>]*role="search"[^>]*>', html).group(0)
    assert 'hx-target="#report-list"' in form and 'hx-push-url="true"' in form
    for name in (
        "q",
        "status",
        "level",
        "category",
        "fixer",
        "affected",
        "owner",
        "reporter",
        "year",
        "sort",
    ):
        assert f'name="{name}"' in html, name


def test_the_list_shows_every_submitted_report_but_no_drafts(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    expected = {r.number for r in submitted(app, demo)}
    assert numbers(client.get(base(demo))) == expected
    auth.logout()
    auth.login_as(permissions.OMBUD)
    html = client.get(base(demo)).get_data(as_text=True)
    assert se_demo.DRAFT_TITLE not in html
    # The author finds her drafts by asking for them.
    assert se_demo.DRAFT_TITLE in client.get(f"{base(demo)}?status=draft").get_data(as_text=True)


FILTERS = {
    "status": (lambda demo, rs: "escalated", lambda r, v: r.status == v),
    "level": (lambda demo, rs: "central", lambda r, v: r.level == v),
    "category": (lambda demo, rs: "boundaries", lambda r, v: r.category == v),
    "fixer": (lambda demo, rs: demo.organisations[MK], lambda r, v: r.fixer_id == v),
    "affected": (lambda demo, rs: demo.organisations[MK], lambda r, v: v in r.affected),
    "owner": (lambda demo, rs: demo.membership("vice@demo.se"), lambda r, v: r.owner_id == v),
    "reporter": (lambda demo, rs: demo.users["ombud@demo.se"], lambda r, v: r.reporter_id == v),
    "year": (lambda demo, rs: date.today().year, lambda r, v: r.year == v),
}


@pytest.mark.parametrize("name", FILTERS)
def test_each_filter_narrows_the_list(app, client, auth, demo, name):
    choose, keep = FILTERS[name]
    reports = submitted(app, demo)
    value = choose(demo, reports)
    expected = {r.number for r in reports if keep(r, value)}
    assert expected and len(expected) < len(reports), "the demo data should exercise the filter"
    auth.login_as(permissions.CHAIR)
    response = client.get(base(demo), query_string={name: value})
    assert response.status_code == 200
    assert numbers(response) == expected
    # The filter stays chosen in the form, so the bookmarked list shows what it is.
    assert re.search(
        rf'<option selected value="{value}"|<option value="{value}" selected', response.get_data(as_text=True)
    )


def test_the_organisation_filters_say_which_organisation_they_mean(app, client, auth, demo):
    """ "Kan åtgärdas av" is the organisation that can fix the error, "Berörda organisationer" those
    it affects: the same organisation gives two different lists (one filter did both before)."""
    reports = submitted(app, demo)
    mk = demo.organisations[MK]
    fixes = {r.number for r in reports if r.fixer_id == mk}
    affected = {r.number for r in reports if mk in r.affected}
    assert fixes and affected - fixes, "the demo data should tell the two apart"
    auth.login_as(permissions.CHAIR)
    html = client.get(base(demo)).get_data(as_text=True)
    assert re.search(r'<label[^>]*for="fixer"[^>]*>Kan åtgärdas av</label>', html)
    assert re.search(r'<label[^>]*for="affected"[^>]*>Berörda organisationer</label>', html)
    assert ">Organisation</label>" not in html
    assert numbers(client.get(base(demo), query_string={"fixer": mk})) == fixes
    assert numbers(client.get(base(demo), query_string={"affected": mk})) == affected
    both = numbers(client.get(base(demo), query_string={"fixer": mk, "affected": mk}))
    assert both == fixes & affected


def test_filters_combine_and_odd_values_are_ignored(app, client, auth, demo):
    reports = submitted(app, demo)
    auth.login_as(permissions.CHAIR)
    both = numbers(client.get(base(demo), query_string={"level": "local", "status": "resolved"}))
    assert both == {r.number for r in reports if r.level == "local" and r.status == "resolved"}
    odd = client.get(
        base(demo),
        query_string={"level": "nonsense", "owner": "x", "year": "99999", "page": "abc", "sort": "evil"},
    )
    assert odd.status_code == 200
    assert numbers(odd) == {r.number for r in reports}


def test_nothing_matching_shows_an_empty_state(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    html = client.get(base(demo), query_string={"q": "zyxwvutsr"}).get_data(as_text=True)
    assert "Inga rapporter matchar sökningen." in html


def test_an_empty_register_says_so(client, auth, demo):
    auth.login_as(permissions.OTHER_GROUP)  # the Norrsjö chair: that group has no reports
    html = client.get(base(demo, demo.other_group_id)).get_data(as_text=True)
    assert "Gruppen har inga inskickade systemfel än." in html


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("number", lambda r: (-r.year, -int(r.number[-3:]))),
        ("status", lambda r: r.status),
    ],
)
def test_the_list_sorts(app, client, auth, demo, sort, key):
    auth.login_as(permissions.CHAIR)
    html = client.get(base(demo), query_string={"sort": sort}).get_data(as_text=True)
    shown = NUMBER.findall(html)
    by_number = {r.number: r for r in submitted(app, demo)}
    assert [key(by_number[n]) for n in shown] == sorted(key(by_number[n]) for n in shown)


def test_newest_and_oldest_are_opposite(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    newest = NUMBER.findall(client.get(base(demo), query_string={"sort": "newest"}).get_data(as_text=True))
    oldest = NUMBER.findall(client.get(base(demo), query_string={"sort": "oldest"}).get_data(as_text=True))
    assert newest == list(reversed(oldest)) and len(newest) > 2


def test_counts_per_status_and_level(app, client, auth, demo):
    reports = submitted(app, demo)
    auth.login_as(permissions.CHAIR)
    html = client.get(base(demo)).get_data(as_text=True)
    for status, count in Counter(r.status for r in reports).items():
        label = {
            "submitted": "Inskickad",
            "taken_up": "Upptagen",
            "in_progress": "Under arbete",
            "resolved": "Åtgärdad",
            "escalated": "Eskalerad",
            "closed": "Avslutad utan åtgärd",
        }[status]
        assert f"{label}: <strong>{count}</strong>" in html, status
    for level, label in (
        ("caseworker", "Handläggarnivå"),
        ("local", "Lokal nivå"),
        ("central", "Central nivå"),
    ):
        assert f"{label}: <strong>{sum(r.level == level for r in reports)}</strong>" in html
    # The status counts follow the other filters (here the level).
    html = client.get(base(demo), query_string={"level": "central"}).get_data(as_text=True)
    central = Counter(r.status for r in reports if r.level == "central")
    assert f"Eskalerad: <strong>{central['escalated']}</strong>" in html


def test_sixty_more_reports_make_two_pages_with_the_filters_kept(app, client, auth, demo):
    made = make_reports(app, demo, 60)
    auth.login_as(permissions.CHAIR)
    first = client.get(base(demo), query_string={"category": "local_resources"})
    second = client.get(base(demo), query_string={"category": "local_resources", "page": 2})
    shown = numbers(first) | numbers(second)
    assert len(numbers(first)) == 50
    assert set(made) <= shown and not numbers(first) & numbers(second)
    html = first.get_data(as_text=True)
    assert re.search(r'rel="next" href="[^"]*category=local_resources', html)
    assert re.search(r'rel="next" href="[^"]*page=2', html)


def test_a_page_makes_the_same_number_of_queries_however_many_rows(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)

    def queries(url):
        count = 0

        def counter(*args):
            nonlocal count
            count += 1

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", counter)
        return count

    few = queries(f"{base(demo)}?level=caseworker")
    make_reports(app, demo, 60, level="caseworker", category="method")
    # Relations of the rows are loaded per page, never per row.
    assert queries(f"{base(demo)}?level=caseworker") <= few


# -- search ----------------------------------------------------------------------------------------


def test_search_finds_a_report_and_shows_the_snippet(client, auth, demo):
    auth.login_as(permissions.OMBUD)
    response = client.get(base(demo), query_string={"q": "BankID"})
    html = response.get_data(as_text=True)
    assert demo.report_number in numbers(response)
    assert re.search(r"<mark>bankid</mark>", html, re.IGNORECASE)
    assert 'value="BankID"' in html  # the search stays in its box


def test_search_matches_comments_and_prefixes(app, client, auth, demo):
    with app.app_context():
        report = services.get_report(
            db.session.get(Group, demo.group_id),
            demo.report_number,
            db.session.get(User, demo.users["vice@demo.se"]),
            None,
        )
        services.add_comment(
            report, db.session.get(User, demo.users["vice@demo.se"]), "Kvantfysikaliskt resonemang."
        )
        db.session.commit()
    auth.login_as(permissions.MEMBER)
    assert numbers(client.get(base(demo), query_string={"q": "kvantfysik"})) == {demo.report_number}


@pytest.mark.parametrize("query", ['"NEAR(*', "NEAR", "(", "*", 'bankid" OR "', "a AND NOT b", "-x +y"])
def test_search_syntax_is_plain_text_not_an_error(client, auth, demo, query):
    auth.login_as(permissions.OMBUD)
    response = client.get(base(demo), query_string={"q": query})
    assert response.status_code == 200


def test_a_search_of_ten_thousand_characters_is_refused_in_swedish(client, auth, demo):
    auth.login_as(permissions.OMBUD)
    response = client.get(base(demo), query_string={"q": "bankid " * 1430})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sökningen är för lång." in html and not numbers(response)
    fragment = client.get(base(demo), query_string={"q": "x" * 10_000}, headers=HTMX)
    assert root_id(fragment.get_data(as_text=True)) == "report-list"


def test_a_personnummer_in_the_search_is_refused_not_echoed_and_not_logged(client, auth, demo, caplog):
    auth.login_as(permissions.OMBUD)
    response = client.get(base(demo), query_string={"q": f"BankID {PERSONNUMMER}"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "personnummer" in html.lower() and "Sökningen gjordes inte." in html
    assert PERSONNUMMER not in html and not numbers(response)
    assert PERSONNUMMER not in caplog.text
    export = client.get(f"{base(demo)}/export.csv", query_string={"q": PERSONNUMMER})
    assert export.status_code == 200 and PERSONNUMMER not in export.get_data(as_text=True)


# -- the CSV export ----------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode()), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_the_export_is_excel_friendly(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.get(f"{base(demo)}/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="systemfel-{date.today().isoformat()}.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == [
        "Nummer",
        "Rubrik",
        "Status",
        "Nivå",
        "Kategori",
        "Rapportör",
        "Ansvarig",
        "Inskickad",
        "Förekomster",
        "Eskalerad till",
    ]
    assert {row[0] for row in rows[1:]} == {r.number for r in submitted(app, demo)}
    escalated = next(row for row in rows if row[0] == demo.report_number)
    assert escalated[1] == se_demo.ESCALATED_TITLE and escalated[2] == "Eskalerad"
    assert escalated[9]  # whom it was escalated to
    assert "å" in response.get_data().decode("utf-8")


def test_the_export_follows_the_filters_and_every_page(app, client, auth, demo):
    made = make_reports(app, demo, 60)
    auth.login_as(permissions.CHAIR)
    rows = read_csv(client.get(f"{base(demo)}/export.csv", query_string={"category": "local_resources"}))
    assert set(made) <= {row[0] for row in rows[1:]}
    assert all(row[4] == "Resurser och förutsättningar" for row in rows[1:])
    rows = read_csv(client.get(f"{base(demo)}/export.csv", query_string={"q": "BankID"}))
    assert demo.report_number in {row[0] for row in rows[1:]}


@pytest.mark.parametrize("title", ['=HYPERLINK("http://x")', "+SUMMA(A1)", "-2+3", "@cmd"])
def test_cells_that_look_like_formulas_are_made_safe(app, client, auth, demo, title):
    make_reports(app, demo, 1, title=title)
    auth.login_as(permissions.CHAIR)
    rows = read_csv(client.get(f"{base(demo)}/export.csv"))
    titles = {row[1] for row in rows[1:]}
    assert "'" + title in titles and title not in titles


def test_a_leading_tab_or_carriage_return_is_made_safe_too():
    # Titles are trimmed before they are stored, so these reach a cell only from other text.
    from po_meetings.csv_export import safe_cell

    assert safe_cell("\tx") == "'\tx" and safe_cell("\rx") == "'\rx"
    assert safe_cell("Vanlig text") == "Vanlig text" and safe_cell(None) == "" and safe_cell(3) == "3"


def test_the_list_links_to_the_export_of_the_same_list(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    html = client.get(base(demo), query_string={"level": "central"}).get_data(as_text=True)
    assert f'href="{base(demo)}/export.csv?level=central"' in html


# -- who sees what -----------------------------------------------------------------------------------


def test_each_row_says_what_the_export_says_of_its_report(app, client, auth, demo):
    """The rows (read as plain values) and the export (read through the ORM) agree on every report."""
    auth.login_as(permissions.CHAIR)
    html = client.get(base(demo)).get_data(as_text=True)
    exported = {row[0]: row for row in read_csv(client.get(f"{base(demo)}/export.csv"))[1:]}
    confidential = {r.number for r in submitted(app, demo) if r.is_confidential}
    rows = re.findall(r'<li class="se-row">(.*?)</li>', html, re.S)
    assert len(rows) == len(exported) > 20
    shown = Counter()
    for row in rows:
        number = NUMBER.search(row).group(1)
        _, title, status, level, category, reporter, owner, submitted_on, occurrences, _ = exported[number]
        meta = " ".join(re.search(r'<p class="se-row__meta muted">(.*?)</p>', row, re.S).group(1).split())
        assert f"{number}</span> {title}</a>" in row.replace("&#34;", '"').replace("&#39;", "'")
        assert f">{status}</span>" in row
        assert meta.startswith(f"{level} · {category} · {reporter} · inskickad ")
        assert (f" · ansvarig {owner}" in meta) == bool(owner)
        assert (f" · {occurrences} förekomster" in meta) == (int(occurrences) > 1)
        assert ("Sekretess" in row) == (number in confidential)
        shown.update(owner=bool(owner), occurrences=int(occurrences) > 1, confidential=number in confidential)
    assert shown["owner"] and shown["occurrences"] and shown["confidential"]  # the demo has each kind


@pytest.mark.parametrize("role", [permissions.OMBUD, permissions.CO_OPTED])
def test_a_confidential_report_is_hidden_from_other_ombuds(app, client, auth, demo, role):
    auth.login_as(role)
    words = "jourhavande socialsekreterare"
    assert demo.confidential_report_number not in numbers(client.get(base(demo)))
    assert demo.confidential_report_number not in numbers(client.get(base(demo), query_string={"q": words}))
    assert se_demo.CONFIDENTIAL_TITLE not in client.get(base(demo), query_string={"q": words}).get_data(
        as_text=True
    )
    csv_text = client.get(f"{base(demo)}/export.csv").get_data(as_text=True)
    assert demo.confidential_report_number not in csv_text and se_demo.CONFIDENTIAL_TITLE not in csv_text


def test_members_see_the_confidential_report(client, auth, demo):
    auth.login_as(permissions.SUBSTITUTE)
    assert demo.confidential_report_number in numbers(client.get(base(demo)))
    assert demo.confidential_report_number in client.get(f"{base(demo)}/export.csv").get_data(as_text=True)


def test_counts_do_not_reveal_hidden_reports(app, client, auth, demo):
    visible = [r for r in submitted(app, demo) if not r.is_confidential]
    auth.login_as(permissions.CO_OPTED)
    html = client.get(base(demo)).get_data(as_text=True)
    for level, label in (("local", "Lokal nivå"),):
        assert f"{label}: <strong>{sum(r.level == level for r in visible)}</strong>" in html


@pytest.mark.parametrize("path", ["", "/export.csv", "/mine", "?q=BankID"])
def test_another_group_gets_404(client, auth, demo, path):
    auth.login_as(permissions.OTHER_GROUP)
    assert client.get(f"{base(demo)}{path}").status_code == 404


# -- Mina rapporter ----------------------------------------------------------------------------------


def test_mine_shows_own_reports_drafts_and_followed_ones_with_what_happened(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    html = client.get(f"{base(demo)}/mine").get_data(as_text=True)
    own = {r.number for r in submitted(app, demo) if r.reporter_id == demo.users["ombud@demo.se"]}
    assert own <= set(NUMBER.findall(html))
    assert se_demo.DRAFT_TITLE in html and f"{base(demo)}/{demo.draft_number}/edit" in html
    assert "Senast:" in html and "Eskalerad" in html
    assert se_demo.CONFIDENTIAL_TITLE not in html
    assert "Du följer inga andra rapporter" in html or "Rapporter jag följer" in html

    other = make_reports(app, demo, 1, email="vice@demo.se", title="Följd rapport")[0]
    with app.app_context():
        group = db.session.get(Group, demo.group_id)
        ombud = db.session.get(User, demo.users["ombud@demo.se"])
        services.follow(services.get_report(group, other, ombud, None), ombud)
        db.session.commit()
    html = client.get(f"{base(demo)}/mine").get_data(as_text=True)
    followed = html.split("Rapporter jag följer", 1)[1]
    assert other in followed and "Följd rapport" in followed


def test_mine_without_reports_has_empty_states(client, auth, demo):
    auth.login_as(permissions.CO_OPTED)
    html = client.get(f"{base(demo)}/mine").get_data(as_text=True)
    assert "Du har inga utkast." in html and "Du har inte skickat in några systemfel än." in html
