"""The yearly report over HTTP: the chair drafts, writes, finalises and corrects it; the group reads
it; bad input is told beside its field with nothing saved; a final version stays as it was."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from po_meetings import permissions
from po_meetings.annual_reports import services
from po_meetings.extensions import db
from po_meetings.models import ENTERED_PARTS, AnnualReport, AnnualReportVersion, AuditEvent

from ..support.query_count import counting_queries

HTMX = {"HX-Request": "true"}
PNR = "Klienten 811218-9876 fick hjälp."


def url(demo, tail: str = "") -> str:
    return f"/groups/{demo.group_id}/annual-reports{tail}"


@pytest.fixture
def year() -> int:
    """A year gone by that the demo has no report for."""
    return services.current_year() - 3


def stored(app, demo, year: int) -> AnnualReport | None:
    with app.app_context():
        report = db.session.scalar(
            select(AnnualReport).where(AnnualReport.group_id == demo.group_id, AnnualReport.year == year)
        )
        if report is not None:
            report.versions  # noqa: B018 - loaded before the session closes
            db.session.expunge_all()
        return report


def versions(app, report_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(AnnualReportVersion.id)).where(AnnualReportVersion.report_id == report_id)
        )


def audit_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AuditEvent.id)))


def drafted(client, auth, demo, year: int, role: str = permissions.CHAIR):
    """Log in as a leader and draft the year's report; return the report page's URL."""
    auth.login_as(role)
    response = client.post(url(demo), data={"year": str(year)})
    assert response.status_code == 303, response.text
    assert response.headers["Location"].endswith(url(demo, f"/{year}"))
    return url(demo, f"/{year}")


def entered_form(report_page_html: str | None = None, lock: int = 1, **values) -> dict:
    """Return the posted edit form: every part empty unless given."""
    data = {"lock_version": str(lock), "posts_this_year": "", "persons_this_year": "", "posts_planned": ""}
    data["persons_planned"] = ""
    data.update({column: "" for column, _, _ in ENTERED_PARTS})
    data.update({k: str(v) for k, v in values.items()})
    return data


def error_beside(html: str, field_id: str) -> str:
    """Return the message shown beside a field (tied to it by aria-describedby)."""
    match = re.search(rf'<p class="field__error" id="{field_id}-error">([^<]*)</p>', html)
    assert match, f"no message beside {field_id}"
    assert re.search(rf'aria-describedby="[^"]*{field_id}-error"', html)
    return match.group(1)


# -- the years ----------------------------------------------------------------------------------------


def test_the_chair_drafts_a_year_and_opens_it(client, auth, demo, year, app):
    page = drafted(client, auth, demo, year)
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert f"Verksamhetsredovisning {year}" in html and "Utkast" in html
    assert f"31 december {year} kl. 23.59" in html
    for heading in (
        "Antal personliga ombud",
        "Organisation och ledning",
        "Verksamhet",
        "Systemfel",
        "Klienter",
    ):
        assert heading in html
    assert "Ej ifyllt" in html
    assert "Inga möten hölls under året." in html
    assert "Ingen klientstatistik är inrapporterad för året." in html
    assert f'href="/groups/{demo.group_id}/statistics"' in html
    assert "Inga systemfel rapporterades under året." in html
    assert "Hämta siffrorna på nytt" in html and "Markera som slutlig" in html
    index = client.get(url(demo)).text
    assert f"Verksamhetsredovisning {year}" in index


def test_a_second_draft_of_a_year_opens_the_first(client, auth, demo, year, app):
    drafted(client, auth, demo, year)
    drafted(client, auth, demo, year)
    with app.app_context():
        count = db.session.scalar(select(func.count(AnnualReport.id)).where(AnnualReport.year == year))
    assert count == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (str(services.current_year() + 1), "Välj ett år mellan 2000 och"),
        ("1999", "Välj ett år mellan 2000 och"),
        ("", "Ange ett år, till exempel 2025."),
        ("tjugo", "Ange ett år"),
        ("9" * 30, "Talet är för stort."),
    ],
)
def test_a_year_that_cannot_be_drafted_is_told_beside_the_field(client, auth, demo, app, typed, message):
    auth.login_as(permissions.CHAIR)
    before = audit_rows(app)
    response = client.post(url(demo), data={"year": typed})
    assert response.status_code == 422
    assert message in error_beside(response.text, "year")
    assert audit_rows(app) == before


def test_the_list_of_years_shows_no_form_to_a_member(client, auth, demo):
    auth.login_as(permissions.MEMBER)
    response = client.get(url(demo))
    assert response.status_code == 200
    assert "Påbörja redovisningen" not in response.text


def test_a_year_without_a_report_answers_404_with_the_way_to_the_list(client, auth, demo, year):
    auth.login_as(permissions.MEMBER)
    response = client.get(url(demo, f"/{year}"))
    assert response.status_code == 404
    assert f"Ingen verksamhetsredovisning för {year}" in response.text
    assert f'href="{url(demo)}"' in response.text
    assert client.get(url(demo, f"/{year}/edit")).status_code in (403, 404)
    auth.logout()
    auth.login_as(permissions.CHAIR)
    for tail in ("/edit", "/finalise", "/versions/1"):
        assert client.get(url(demo, f"/{year}{tail}")).status_code == 404
    for tail in ("/edit", "/refresh", "/finalise", "/correct"):
        assert client.post(url(demo, f"/{year}{tail}"), data={}).status_code == 404


# -- the entered parts --------------------------------------------------------------------------------


def test_the_chair_writes_the_parts_and_the_page_shows_them(client, auth, demo, year, app):
    page = drafted(client, auth, demo, year)
    edit = client.get(page + "/edit")
    assert edit.status_code == 200
    for _, heading, question in ENTERED_PARTS:
        assert heading in edit.text and question in edit.text
    assert "(frivilligt)" in edit.text
    data = entered_form(
        posts_this_year="1,5",
        persons_this_year="2",
        posts_planned="2",
        persons_planned="2",
        placement="Socialförvaltningen, *enheten för socialpsykiatri*.",
        supervision="<script>alert(1)</script> Handledning varje månad.",
    )
    response = client.post(page + "/edit", data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith(page)
    html = client.get(page).text
    assert "Redovisningen är sparad." in html
    assert "<em>enheten för socialpsykiatri</em>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<td>1,5</td>" in html and "<td>2</td>" in html
    report = stored(app, demo, year)
    assert (report.posts_this_year, report.persons_this_year, report.lock_version) == (150, 2, 2)


def test_the_vice_chair_writes_the_parts_too(client, auth, demo, year, app):
    page = drafted(client, auth, demo, year, role=permissions.VICE_CHAIR)
    response = client.post(page + "/edit", data=entered_form(training="Två utbildningsdagar."))
    assert response.status_code == 303
    assert stored(app, demo, year).training == "Två utbildningsdagar."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("persons_this_year", "-1", "Antalet kan inte vara negativt."),
        ("persons_planned", "1000", "Ange högst 999 personer."),
        ("persons_planned", "två", "Inte ett giltigt heltal"),
        ("posts_this_year", "-1,5", "Antalet kan inte vara negativt."),
        ("posts_planned", "1,555", "Skriv antalet tjänster"),
        ("posts_planned", "1000", "Ange högst 999 tjänster."),
        ("guidelines", PNR, "personnummer"),
        ("placement", "x" * 20_001, "Högst 20000 tecken."),
    ],
)
def test_bad_input_is_told_beside_its_field_and_nothing_is_saved(
    client, auth, demo, year, app, field, value, message
):
    page = drafted(client, auth, demo, year)
    before = audit_rows(app)
    data = entered_form(training="Sparas inte.", **{field: value})
    response = client.post(page + "/edit", data=data)
    assert response.status_code == 422
    assert message.lower() in error_beside(response.text, field).lower()
    assert "Sparas inte." in response.text  # the text stays in the form
    if field == "guidelines":
        assert "811218-9876" not in response.text  # the guard does not show it again
    assert audit_rows(app) == before
    assert stored(app, demo, year).training is None


def test_a_refusal_over_htmx_swaps_the_form_with_its_messages(client, auth, demo, year):
    page = drafted(client, auth, demo, year)
    response = client.post(page + "/edit", data=entered_form(persons_this_year="-3"), headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="annual-report-entry">')
    assert "Antalet kan inte vara negativt." in error_beside(response.text, "persons_this_year")
    saved = client.post(page + "/edit", data=entered_form(persons_this_year="3"), headers=HTMX)
    assert saved.status_code == 200 and saved.headers["HX-Redirect"].endswith(page)


def test_the_edit_page_is_a_page_or_the_form(client, auth, demo, year):
    page = drafted(client, auth, demo, year)
    assert "<html" in client.get(page + "/edit").text
    assert "<html" in client.get(page + "/edit", headers={**HTMX, "HX-Boosted": "true"}).text


def test_a_save_over_someone_elses_keeps_the_text_and_a_second_press_saves_it(client, auth, demo, year, app):
    page = drafted(client, auth, demo, year)
    assert client.post(page + "/edit", data=entered_form(lock=1, placement="Den första.")).status_code == 303
    response = client.post(page + "/edit", data=entered_form(lock=1, placement="Min text."))
    assert response.status_code == 409
    assert "Någon annan har sparat redovisningen" in response.text
    assert "Min text." in response.text
    assert stored(app, demo, year).placement == "Den första."
    lock = re.search(r'name="lock_version" type="hidden" value="(\d+)"', response.text).group(1)
    assert lock == "2"
    again = client.post(page + "/edit", data=entered_form(lock=int(lock), placement="Min text."))
    assert again.status_code == 303
    assert stored(app, demo, year).placement == "Min text."


def test_a_post_without_the_lock_saves_nothing(client, auth, demo, year, app):
    page = drafted(client, auth, demo, year)
    data = entered_form(placement="Utan lås.")
    del data["lock_version"]
    assert client.post(page + "/edit", data=data).status_code == 409
    assert stored(app, demo, year).placement is None


def test_a_post_without_csrf_is_refused(client, auth, demo, year, app):
    page = drafted(client, auth, demo, year)
    response = client.post(page + "/edit", data=entered_form(placement="Ingen token."), csrf=False)
    assert response.status_code == 400
    assert "säkerhetstoken" in response.text
    assert stored(app, demo, year).placement is None
    assert client.post(url(demo), data={"year": str(year - 1)}, csrf=False).status_code == 400
    assert stored(app, demo, year - 1) is None


def test_refresh_counts_anew(client, auth, demo, year, app):
    page = drafted(client, auth, demo, year)
    response = client.post(page + "/refresh")
    assert response.status_code == 303
    assert "Siffrorna är räknade på nytt" in client.get(page).text


# -- final versions -----------------------------------------------------------------------------------


def test_finalise_asks_first_then_freezes_version_1(client, auth, demo, year, app):
    page = drafted(client, auth, demo, year)
    confirm = client.get(page + "/finalise")
    assert confirm.status_code == 200
    assert "Markera verksamhetsredovisning" in confirm.text and "Inte ifyllt" in confirm.text
    asked = client.post(page + "/finalise", data={})
    assert asked.status_code == 200 and 'name="confirm"' in asked.text
    report = stored(app, demo, year)
    assert versions(app, report.id) == 0
    done = client.post(page + "/finalise", data={"confirm": "yes", "lock_version": "1"})
    assert done.status_code == 303
    html = client.get(page).text
    assert "Redovisningen är slutlig, version 1." in html
    assert "Slutlig version 1" in html
    assert "Kontrollsumma för PDF-filen (SHA-256)" in html
    with app.app_context():
        checksum = db.session.scalar(
            select(AnnualReportVersion.checksum).where(AnnualReportVersion.report_id == report.id)
        )
    assert checksum in html
    assert "Gör rättelse" in html and "Hämta siffrorna på nytt" not in html
    assert "Ej ifyllt" in html and "Fyll i" not in html


def test_a_double_submitted_finalise_writes_one_version(client, auth, demo, year, app):
    page = drafted(client, auth, demo, year)
    data = {"confirm": "yes", "form_token": "finalise-token-0123456789"}
    assert client.post(page + "/finalise", data=dict(data)).status_code == 303
    assert client.post(page + "/finalise", data=dict(data)).status_code == 303
    fresh = client.post(page + "/finalise", data={"confirm": "yes"})
    assert fresh.status_code == 303  # refused: back to the report with the message
    assert "Redovisningen är redan slutlig." in client.get(page).text
    assert versions(app, stored(app, demo, year).id) == 1


def test_a_final_report_refuses_edits(client, auth, demo, year, app):
    page = drafted(client, auth, demo, year)
    client.post(page + "/finalise", data={"confirm": "yes"})
    edit = client.get(page + "/edit")
    assert "Redovisningen är slutlig och kan inte ändras. Gör en rättelse" in edit.text
    before = audit_rows(app)
    response = client.post(page + "/edit", data=entered_form(lock=2, placement="Efteråt."))
    assert response.status_code == 409
    assert "Redovisningen är slutlig och kan inte ändras." in response.text
    assert client.post(page + "/refresh").status_code == 303
    assert audit_rows(app) == before
    assert stored(app, demo, year).placement is None


def test_a_correction_needs_its_reason_beside_the_field(client, auth, demo, year, app):
    page = drafted(client, auth, demo, year)
    client.post(page + "/finalise", data={"confirm": "yes"})
    response = client.post(page + "/correct", data={"reason": "  "})
    assert response.status_code == 422
    assert "Skriv varför redovisningen rättas." in error_beside(response.text, "reason")
    response = client.post(page + "/correct", data={"reason": PNR})
    assert response.status_code == 422 and "personnummer" in error_beside(response.text, "reason")
    assert stored(app, demo, year).is_final


def test_a_draft_cannot_be_corrected(client, auth, demo, year, app):
    page = drafted(client, auth, demo, year)
    response = client.post(page + "/correct", data={"reason": "Fel."})
    assert response.status_code == 303
    assert "bara en slutlig redovisning kan rättas" in client.get(page).text


def test_after_a_correction_the_old_version_stays_readable(client, auth, demo, year, app):
    page = drafted(client, auth, demo, year)
    client.post(page + "/edit", data=entered_form(placement="Första versionens text."))
    client.post(page + "/finalise", data={"confirm": "yes"})
    response = client.post(page + "/correct", data={"reason": "Placeringen var fel."})
    assert response.status_code == 303
    html = client.get(page).text
    assert "Redovisningen är öppnad för rättelse. Ändringarna blir version 2." in html
    assert "Utkast" in html and "Placeringen var fel." in html
    report = stored(app, demo, year)
    client.post(page + "/edit", data=entered_form(lock=report.lock_version, placement="Rättad text."))
    client.post(page + "/finalise", data={"confirm": "yes"})
    first = client.get(page + "/versions/1")
    assert first.status_code == 200
    assert "Version 1 (ersatt av version 2)." in first.text
    assert "Första versionens text." in first.text and "Rättad text." not in first.text
    second = client.get(page + "/versions/2")
    assert "Version 2 är den gällande versionen." in second.text and "Rättad text." in second.text
    assert "Slutlig version 2" in client.get(page).text
    assert client.get(page + "/versions/3").status_code == 404
    auth.logout()
    auth.login_as(permissions.OMBUD)
    assert client.get(page + "/versions/1").status_code == 200


# -- who may do what ----------------------------------------------------------------------------------


READERS = [permissions.CHAIR, permissions.VICE_CHAIR, permissions.MEMBER, permissions.OMBUD]


@pytest.mark.parametrize("role", READERS)
def test_the_group_reads_the_report(client, auth, demo, year, app, role):
    drafted(client, auth, demo, year)
    client.post(url(demo, f"/{year}/finalise"), data={"confirm": "yes"})
    auth.logout()
    auth.login_as(role)
    for tail in ("", f"/{year}", f"/{year}/versions/1"):
        assert client.get(url(demo, tail)).status_code == 200
    shows_buttons = role in (permissions.CHAIR, permissions.VICE_CHAIR)
    assert ("Gör rättelse" in client.get(url(demo, f"/{year}")).text) == shows_buttons


@pytest.mark.parametrize("role", [permissions.MEMBER, permissions.OMBUD, permissions.SUBSTITUTE])
def test_only_leaders_write(client, auth, demo, year, app, role):
    page = drafted(client, auth, demo, year)
    auth.logout()
    auth.login_as(role)
    assert "Ändra redovisningen" not in client.get(page).text
    before = audit_rows(app)
    for tail, data in (
        ("/edit", entered_form(placement="Inte min.")),
        ("/refresh", {}),
        ("/finalise", {"confirm": "yes"}),
        ("/correct", {"reason": "Inte min."}),
    ):
        assert client.post(page + tail, data=data).status_code == 403
    assert client.get(page + "/edit").status_code == 403
    assert client.post(url(demo), data={"year": str(year - 1)}).status_code == 403
    assert audit_rows(app) == before


@pytest.mark.parametrize("role", [permissions.OTHER_GROUP, permissions.ADMIN])
def test_another_group_sees_nothing(client, auth, demo, year, app, role):
    page = drafted(client, auth, demo, year)
    auth.logout()
    auth.login_as(role)
    assert client.get(url(demo)).status_code == 404
    assert client.get(page).status_code == 404
    assert client.post(page + "/edit", data=entered_form(placement="Annan grupp.")).status_code == 404


def test_anonymous_goes_to_the_login(client, demo, year):
    for response in (client.get(url(demo)), client.post(url(demo), data={"year": str(year)})):
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def _queries(app, client, page: str) -> int:
    with app.app_context():
        engine = db.engine
    with counting_queries(engine) as statements:
        assert client.get(page).status_code == 200
    return len(statements)


def test_the_list_of_years_makes_as_many_queries_for_many_years_as_for_few(client, auth, demo, year, app):
    auth.login_as(permissions.CHAIR)
    few = _queries(app, client, url(demo))
    for earlier in range(year - 4, year + 1):
        client.post(url(demo), data={"year": str(earlier)})
    client.post(url(demo, f"/{year}/finalise"), data={"confirm": "yes"})
    assert _queries(app, client, url(demo)) <= few
