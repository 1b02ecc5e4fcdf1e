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
