"""The printable kallelse: the print view and the PDF carry the group, time, place, who is called
and the agenda with numbers, times and presenters, and no controls; an ombud's copy leaves out the
confidential items; the PDF is the same bytes on every download."""

from __future__ import annotations

import hashlib
import re
from html import unescape

from po_meetings import pdf
from po_meetings.extensions import db
from po_meetings.meetings import kallelse
from po_meetings.models import Meeting, Membership

SECRET_TITLE = "Samverkan kring utskrivning från slutenvården"


def _url(demo, tail: str = "kallelse", group_id: int | None = None) -> str:
    """Return a URL of the demo's coming meeting."""
    return f"/groups/{group_id or demo.group_id}/meetings/{demo.meeting_id}/{tail}"


def _text(html: str) -> str:
    """Return the visible text of an HTML page, whitespace collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def _article(html: str) -> str:
    """Return the kallelse document itself (what prints), without the page's toolbar."""
    return html[html.index('<article class="print-document kallelse">') : html.index("</article>")]


def test_the_print_view_is_a_kallelse_with_group_time_place_and_agenda(client, auth, demo):
    auth.login_as("chair")
    response = client.get(_url(demo))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    document = _article(html)
    text = _text(document)
    assert "Ledningsgruppen för personligt ombud i Mellanå" in text
    assert "Kallelse" in text
    assert "kl. 13.00–15.00" in text
    assert "Kommunhuset" in text
    # The agenda: numbered items with planned times, time boxes and presenters.
    assert "1 Formalia Beslut kl. 13.00 15 min" in text
    assert "1a Mötets öppnande" in text
    assert "4 Systemfrågor Beslut" in text
    assert "kl. 13.50 45 min Lina Åkesson" in text  # planned start, time box, presenter
    assert SECRET_TITLE in text  # the chair sees the confidential item
    # Who is called, with their organisation.
    assert "Karin Lindqvist, Mellanå kommun, socialtjänsten (ordförande)" in text
    # No controls in what prints: no forms, buttons or answer choices.
    assert "<form" not in document and "<button" not in document
    assert "Kommer" not in text
    # The page offers the PDF.
    assert f"/groups/{demo.group_id}/meetings/{demo.meeting_id}/kallelse.pdf" in html


def test_an_ombuds_kallelse_leaves_out_the_confidential_item(client, auth, demo):
    auth.login_as("ombud")
    text = _text(_article(client.get(_url(demo)).get_data(as_text=True)))
    assert SECRET_TITLE not in text
    assert "Sekretessbelagda punkter visas inte i den här versionen." in text
    assert "Systemfrågor" in text


def test_the_pdf_is_the_same_bytes_each_time_with_its_checksum(client, auth, demo):
    auth.login_as("member")
    first = client.get(_url(demo, "kallelse.pdf"))
    second = client.get(_url(demo, "kallelse.pdf"))
    assert first.status_code == 200
    assert first.mimetype == "application/pdf"
    assert first.data.startswith(b"%PDF")
    assert first.data == second.data
    assert first.headers["X-Checksum-SHA256"] == hashlib.sha256(first.data).hexdigest()
    assert re.fullmatch(
        r'attachment; filename="kallelse-\d{4}-\d{2}-\d{2}-\d+\.pdf"', first.headers["Content-Disposition"]
    )


def test_the_pdf_has_the_same_agenda_as_the_print_view(app, demo):
    with app.app_context(), app.test_request_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        ombud = db.session.get(Membership, demo.membership("ombud@demo.se"))
        doc = kallelse.build(meeting, ombud)
        rendered = pdf.render_document(kallelse.render_html(doc))
        assert len(rendered.pages) >= 1
        numbers = [entry.number for entry in doc.agenda]
        assert numbers[0] == "1"
        # The confidential item leaves a gap in an ombud's numbering, never a renumbering.
        chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
        all_numbers = [entry.number for entry in kallelse.build(meeting, chair).agenda]
        assert set(numbers) < set(all_numbers)


def test_the_meeting_page_links_to_the_kallelse(client, auth, demo):
    auth.login_as("substitute")
    html = client.get(f"/groups/{demo.group_id}/meetings/{demo.meeting_id}").get_data(as_text=True)
    assert "Skriv ut kallelsen och dagordningen" in html


def test_another_groups_member_gets_404_for_the_kallelse(client, auth, demo):
    auth.login_as("other_group")
    assert client.get(_url(demo)).status_code == 404
    assert client.get(_url(demo, "kallelse.pdf")).status_code == 404


def test_a_signed_out_visitor_is_sent_to_log_in(client, demo):
    response = client.get(_url(demo, "kallelse.pdf"))
    assert response.status_code in (302, 303)
    assert "/login" in response.headers["Location"]
