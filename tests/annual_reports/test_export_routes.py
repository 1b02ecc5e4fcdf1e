"""The yearly report's downloads over HTTP: the group downloads the PDF and the Word document of a
draft or a final version; a final version's PDF is the bytes whose checksum was stored; another
group, an anonymous visitor and a year without a report get no file (and never a 500)."""

from __future__ import annotations

import hashlib
import io

import docx
import pytest

from po_meetings import permissions
from po_meetings.annual_reports import services
from po_meetings.extensions import db
from po_meetings.models import AnnualReport, AnnualReportVersion, Membership

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def year() -> int:
    """A year gone by that the demo has no report for."""
    return services.current_year() - 3


def url(demo, tail: str) -> str:
    return f"/groups/{demo.group_id}/annual-reports{tail}"


def chair(demo) -> Membership:
    """Return the demo group's chair."""
    return db.session.get(Membership, demo.membership("ordforande@demo.se"))


def draft(app, demo, year: int) -> int:
    """Draft the year's report as the chair; return its id."""
    with app.app_context():
        report = services.draft(demo.group_id, chair(demo), year)
        db.session.commit()
        return report.id


def finalise(app, demo, report_id: int) -> str:
    """Mark the report final as the chair; return the version's stored checksum."""
    with app.app_context():
        version = services.finalise(db.session.get(AnnualReport, report_id), chair(demo))
        db.session.commit()
        return version.checksum


def assert_download(response, content_type: str, file_name: str) -> None:
    """Check a download's status, type and file name."""
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"] == f'attachment; filename="{file_name}"'


def test_the_group_downloads_a_draft_as_pdf_and_docx(app, client, auth, demo, year):
    draft(app, demo, year)
    auth.login_as(permissions.CHAIR)
    response = client.get(url(demo, f"/{year}.pdf"))
    assert_download(response, PDF, f"verksamhetsredovisning-{year}-utkast.pdf")
    assert response.data.startswith(b"%PDF")
    assert response.headers["X-Checksum-SHA256"] == hashlib.sha256(response.data).hexdigest()
    for role in (permissions.MEMBER, permissions.OMBUD):
        auth.logout()
        auth.login_as(role)
        response = client.get(url(demo, f"/{year}.docx"))
        assert_download(response, DOCX, f"verksamhetsredovisning-{year}-utkast.docx")
        document = docx.Document(io.BytesIO(response.data))
        assert "Utkast – ej slutlig" in document.sections[0].header.paragraphs[0].text
        headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
        assert headings[:5] == [
            "Antal personliga ombud",
            "Organisation och ledning",
            "Verksamhet",
            "Systemfel",
            "Klienter",
        ]
    response = client.get(url(demo, f"/{year}.pdf"))  # an ombud gets the PDF too
    assert_download(response, PDF, f"verksamhetsredovisning-{year}-utkast.pdf")


def test_a_final_versions_pdf_is_the_bytes_whose_checksum_was_stored(app, client, auth, demo, year):
    report_id = draft(app, demo, year)
    checksum = finalise(app, demo, report_id)
    auth.login_as(permissions.MEMBER)
    version = client.get(url(demo, f"/{year}/versions/1.pdf"))
    assert_download(version, PDF, f"verksamhetsredovisning-{year}-v1.pdf")
    assert hashlib.sha256(version.data).hexdigest() == checksum == version.headers["X-Checksum-SHA256"]
    current = client.get(url(demo, f"/{year}.pdf"))  # the report's own URL gives its latest version
    assert current.data == version.data
    word = client.get(url(demo, f"/{year}/versions/1.docx"))
    assert_download(word, DOCX, f"verksamhetsredovisning-{year}-v1.docx")
    assert "Version 1" in docx.Document(io.BytesIO(word.data)).sections[0].header.paragraphs[0].text
    assert client.get(url(demo, f"/{year}/versions/1.docx")).data == word.data  # the same bytes again

    # A correction opens version 2 as a draft; version 1 stays as it was, byte for byte.
    with app.app_context():
        services.correct(db.session.get(AnnualReport, report_id), chair(demo), "Fel antal tjänster.")
        db.session.commit()
    again = client.get(url(demo, f"/{year}/versions/1.pdf"))
    assert again.data == version.data
    draft_pdf = client.get(url(demo, f"/{year}.pdf"))
    assert_download(draft_pdf, PDF, f"verksamhetsredovisning-{year}-utkast.pdf")
    assert client.get(url(demo, f"/{year}/versions/2.pdf")).status_code == 404
    with app.app_context():
        assert db.session.get(AnnualReport, report_id).versions[0].checksum == checksum


@pytest.mark.parametrize(
    "tail", ["{year}.pdf", "{year}.docx", "{year}/versions/1.pdf", "{year}/versions/1.docx"]
)
def test_no_file_for_a_year_without_a_report_another_group_or_an_anonymous_visitor(
    app, client, auth, demo, year, tail
):
    path = url(demo, "/" + tail.format(year=year))
    auth.login_as(permissions.CHAIR)
    assert client.get(path).status_code == 404  # no report that year: 404, never a 500
    auth.logout()
    report_id = draft(app, demo, year)
    if "versions" in tail:
        finalise(app, demo, report_id)
    anonymous = client.get(path)
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["Location"]
    auth.login_as(permissions.OTHER_GROUP)
    assert client.get(path).status_code == 404
    with app.app_context():
        assert db.session.query(AnnualReportVersion).filter_by(report_id=report_id).count() == (
            1 if "versions" in tail else 0
        )
