"""The printed protokoll: print view, PDF and protokollsutdrag, in the Swedish form, byte-identical
on every download, with confidential §§ reduced to "§ N – sekretess" for those who may not see them."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from html import unescape
from types import SimpleNamespace

import pytest
from weasyprint.formatting_structure import boxes

from po_meetings import pdf
from po_meetings.extensions import db
from po_meetings.meetings import services as meeting_services
from po_meetings.minutes import document, services
from po_meetings.models import DecisionMethod, Meeting, Membership, Presence, VoteChoice

SECRET_TITLE = "Samverkan kring utskrivning från slutenvården"
SECRET_BODY = "Bemanningen på avdelning sju redovisades muntligt."
SECRET_GUEST = "Greta Hemlig"
SECRET_DECISION = "att anta den gemensamma rutinen för utskrivning"
MOTIVATION = "Rutinen saknar finansiering för brukarrådet."
NOTE = "Ombuden ser samma mönster i Åsby."
CORRECTION_REASON = "Fel datum i beslutet"


def _url(demo, tail: str = "print", meeting_id: int | None = None, group_id: int | None = None) -> str:
    """Return a URL of the demo meeting's minutes."""
    group_id = group_id or demo.group_id
    meeting_id = meeting_id or demo.meeting_id
    return f"/groups/{group_id}/meetings/{meeting_id}/minutes/{tail}"


def _make_minutes(app, demo, *, approve: bool = True) -> SimpleNamespace:
    """Hold the demo meeting as its chair would: attendance, officers, a consensus decision, a vote
    4–2 with a reservation, a jäv, a protokollsanteckning, an uppdrag, a guest, a confidential §;
    close it and (with ``approve``) justera it by the chair and the justerare."""
    with app.app_context():
        meeting = db.session.get(Meeting, demo.meeting_id)

        def member(email: str) -> Membership:
            """Return a demo member of the Mellanå group."""
            return db.session.get(Membership, demo.membership(email))

        chair, vice, fatima = member("ordforande@demo.se"), member("vice@demo.se"), member("ledamot@demo.se")
        maria, lars, eva = (
            member("ledamot.rsmh@demo.se"),
            member("ledamot.asby@demo.se"),
            member("ledamot.vc@demo.se"),
        )
        sara, per = member("ersattare@demo.se"), member("ledamot.fk@demo.se")
        anders, lina = member("adjungerad@demo.se"), member("ombud@demo.se")

        meeting_services.start_meeting(meeting)
        minutes = services.minutes_of(meeting)
        paragraphs = sorted(minutes.paragraphs, key=lambda p: p.position)
        open_paragraphs = [p for p in paragraphs if not p.is_confidential]
        first, voted = open_paragraphs[0], open_paragraphs[1]
        secret = next(p for p in paragraphs if p.is_confidential)

        for person in (chair, vice, fatima, maria, eva, anders, lina):
            services.set_attendance(minutes, chair, person.id, Presence.PRESENT)
        services.set_attendance(minutes, chair, lars.id, Presence.PRESENT, arrived_at_id=voted.id)
        services.set_attendance(minutes, chair, per.id, Presence.APOLOGIES)
        services.set_attendance(minutes, chair, sara.id, Presence.PRESENT, serving_for_id=per.id)
        services.set_officers(minutes, chair, chair.id, vice.id, [fatima.id])

        services.save_paragraph(
            first, chair, first.title, "Varje huvudman berättade om **nyheter**.", first.version
        )
        consensus = services.add_decision(
            first, chair, "att lägga informationen till handlingarna", DecisionMethod.CONSENSUS, True
        )
        services.add_action(
            consensus,
            chair,
            "Skicka sammanställningen till ombuden",
            fatima.id,
            meeting.starts_at.date() + timedelta(days=30),
        )
        note = services.request_note(first, lina, lina.id, NOTE)
        services.decide_note(note, chair, True)
        services.approve_at_meeting(first, chair)

        services.add_guest(voted, chair, "Kim Larsson", "Enhetschef boendestöd")
        services.recuse(voted, chair, fatima.id)
        vote = services.add_decision(
            voted, chair, "att ge ombuden i uppdrag att kartlägga väntetiderna", DecisionMethod.VOTE
        )
        services.record_votes(
            vote,
            chair,
            [
                (chair.id, VoteChoice.YES),
                (vice.id, VoteChoice.YES),
                (eva.id, VoteChoice.YES),
                (lars.id, VoteChoice.YES),
                (maria.id, VoteChoice.NO),
                (sara.id, VoteChoice.NO),
            ],
        )
        services.reserve(vote, chair, maria.id, MOTIVATION)

        services.save_paragraph(secret, chair, secret.title, SECRET_BODY, secret.version)
        services.add_guest(secret, chair, SECRET_GUEST, "Avdelningschef")
        services.add_decision(secret, chair, SECRET_DECISION, DecisionMethod.CONSENSUS)

        services.close(meeting, chair, notify=False)
        if approve:
            services.justera(minutes, chair, True, notify=False)
            services.justera(minutes, fatima, True, notify=False)
        db.session.commit()
        numbers = {p.id: p.number for p in paragraphs}
        return SimpleNamespace(
            minutes_id=minutes.id,
            first_id=first.id,
            first_title=first.title,
            voted_id=voted.id,
            voted_title=voted.title,
            voted_number=voted.number,
            secret_id=secret.id,
            secret_number=secret.number,
            titles=[p.title for p in paragraphs],
            low=min(numbers.values()),
            high=max(numbers.values()),
            day=meeting_services.local(meeting.starts_at).strftime("%Y-%m-%d"),
        )


@pytest.fixture
def held(app, demo):
    """Return the ids of the demo meeting, held, closed and justerat."""
    return _make_minutes(app, demo)


def _loaded(demo):
    """Return the demo meeting's minutes loaded as the pages load them (meeting and group in hand)."""
    meeting = db.session.get(Meeting, demo.meeting_id)
    minutes = services.minutes_of(meeting)
    assert minutes.meeting.group is not None
    return minutes


def _text(html: str) -> str:
    """Return the visible text of an HTML page, whitespace collapsed (tags become spaces)."""
    text = unescape(re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).replace(" ,", ",").replace(" .", ".")


def test_pdf_downloads_are_byte_identical_with_the_checksum_header(client, auth, demo, held):
    auth.login_as("chair")
    first = client.get(_url(demo, "protokoll.pdf"))
    second = client.get(_url(demo, "protokoll.pdf"))
    assert first.status_code == 200
    assert first.mimetype == "application/pdf"
    assert first.data.startswith(b"%PDF")
    assert first.data == second.data
    assert first.headers["X-Checksum-SHA256"] == hashlib.sha256(first.data).hexdigest()
    assert first.headers["Content-Disposition"] == f'attachment; filename="protokoll-{held.day}-mellana.pdf"'


def test_print_view_reads_like_a_swedish_protokoll(client, auth, demo, held):
    auth.login_as("chair")
    response = client.get(_url(demo))
    assert response.status_code == 200
    text = _text(response.get_data(as_text=True))
    # The header: group, date, time, place, who was there and how, officers, the § range.
    assert "Ledningsgruppen för personligt ombud i Mellanå" in text
    assert "Protokoll" in text
    assert "kl. 13.00–15.00" in text
    assert "Kommunhuset, sal Åsen" in text
    assert "Karin Lindqvist, Mellanå kommun, socialtjänsten (ordförande)" in text
    assert f"Lars Holm, Åsby kommun, socialtjänsten (från § {held.voted_number})" in text
    assert "Tjänstgörande ersättare Sara Öberg, Försäkringskassan (för Per Sandberg)" in text
    assert "Adjungerade Anders Wik" in text
    assert "Personliga ombud Lina Åkesson" in text
    assert f"Övriga närvarande § {held.voted_number}: Kim Larsson, Enhetschef boendestöd" in text
    assert "Förhinder Per Sandberg" in text
    assert "Sekreterare Johan Berg" in text
    assert "Justerare Fatima Hassan" in text
    assert f"Paragrafer §§ {held.low}–{held.high}" in text
    # The §§: headings, text, decisions, the vote table, the reservation, the jäv, the note, the uppdrag.
    assert f"§ {held.voted_number} {held.voted_title}" in text
    assert "Varje huvudman berättade om nyheter" in text
    assert "Ledningsgruppen beslutar att lägga informationen till handlingarna" in text
    assert "Beslutet fattades i enighet." in text
    assert "Utan ekonomiskt mandat – återrapporteras till" in text
    assert "Beslutet fattades efter votering." in text
    assert "Omröstning Namn Organisation Ja Nej Avstår" in text
    assert "Maria Ek RSMH Mellanå X" in text
    assert "Summa 4 2 0" in text
    assert "Resultat: 4 ja, 2 nej, 0 avstår. Förslaget bifölls." in text
    assert "Reservation: Maria Ek, RSMH Mellanå reserverar sig mot beslutet." in text
    assert MOTIVATION in text
    assert "Jäv: Fatima Hassan deltog inte i handläggningen." in text
    assert f"Protokollsanteckning från Lina Åkesson, Mellanå kommun, PO-verksamheten: {NOTE}" in text
    assert "Paragrafen förklarades omedelbart justerad." in text
    assert "Uppdrag Vad Ansvarig Klart senast Skicka sammanställningen till ombuden Fatima Hassan" in text
    # Members see the confidential § in full, marked as such.
    assert SECRET_TITLE in text and SECRET_BODY in text and SECRET_GUEST in text
    # The justering block with who approved and when; no draft mark on justerade minutes.
    assert re.search(r"Vid protokollet Johan Berg, sekreterare", text)
    assert re.search(r"Justeras Justerat \d{4}-\d\d-\d\d \d\d\.\d\d Karin Lindqvist, ordförande", text)
    assert re.search(r"Justerat \d{4}-\d\d-\d\d \d\d\.\d\d Fatima Hassan, justerare", text)
    assert "Utkast – ej justerat" not in text
    # The checksum shown is the one of the PDF a member downloads.
    checksum = re.search(r"Kontrollsumma \(SHA-256\): ([0-9a-f]{64})", text).group(1)
    download = client.get(_url(demo, "protokoll.pdf"))
    assert checksum == hashlib.sha256(download.data).hexdigest()


def test_ombud_never_gets_the_confidential_paragraph(app, client, auth, demo, held):
    auth.login_as("ombud")
    for url in (_url(demo), _url(demo, "print?version=full")):
        response = client.get(url)
        assert response.status_code == 200
        text = _text(response.get_data(as_text=True))
        assert f"§ {held.secret_number} – sekretess" in text
        for secret in (SECRET_TITLE, SECRET_BODY, SECRET_GUEST, SECRET_DECISION):
            assert secret not in text
        page = response.get_data(as_text=True)
        assert f"/paragraphs/{held.voted_id}/utdrag.pdf" in page
        assert f"/paragraphs/{held.secret_id}/utdrag.pdf" not in page
    ombud_pdf = client.get(_url(demo, "protokoll.pdf?version=full"))
    assert ombud_pdf.headers["Content-Disposition"].endswith('-utan-sekretess.pdf"')
    # The PDF is compressed, so test the HTML that feeds it: the public version holds no secret,
    # and the ombud's file is exactly the PDF of that HTML.
    with app.app_context():
        minutes = _loaded(demo)
        public_html = document.protokoll_html(minutes, document.Audience.PUBLIC)
        full_html = document.protokoll_html(minutes, document.Audience.FULL)
        expected = pdf.render_pdf(public_html, title=document.build(minutes, document.Audience.PUBLIC).title)
    for secret in (SECRET_TITLE, SECRET_BODY, SECRET_GUEST, SECRET_DECISION):
        assert secret not in public_html
        assert secret in full_html
    assert f"§ {held.secret_number} – sekretess" in _text(public_html)
    assert ombud_pdf.data == expected
    auth.logout()
    auth.login_as("chair")
    assert client.get(_url(demo, "protokoll.pdf")).data != ombud_pdf.data


def test_co_opted_member_gets_the_public_version_too(client, auth, demo, held):
    auth.login_as("co_opted")
    text = _text(client.get(_url(demo, "print?version=full")).get_data(as_text=True))
    assert f"§ {held.secret_number} – sekretess" in text
    assert SECRET_TITLE not in text
    assert "Fullständig version" not in text


def test_member_may_choose_the_version_without_confidential_paragraphs(client, auth, demo, held):
    auth.login_as("member")
    full = _text(client.get(_url(demo)).get_data(as_text=True))
    assert "Version utan sekretessbelagda paragrafer" in full
    assert SECRET_TITLE in full
    public = client.get(_url(demo, "print?version=public"))
    text = _text(public.get_data(as_text=True))
    assert SECRET_TITLE not in text and SECRET_BODY not in text
    assert f"§ {held.secret_number} – sekretess" in text
    assert "Fullständig version" in text
    member_public = client.get(_url(demo, "protokoll.pdf?version=public"))
    auth.logout()
    auth.login_as("ombud")
    assert client.get(_url(demo, "protokoll.pdf")).data == member_public.data


def test_utdrag_holds_one_paragraph_with_the_justering(app, client, auth, demo, held):
    with app.app_context():
        minutes = _loaded(demo)
        paragraph = next(p for p in minutes.paragraphs if p.id == held.voted_id)
        html = document.extract_html(minutes, paragraph)
    text = _text(html)
    assert "Ledningsgruppen för personligt ombud i Mellanå" in text
    assert "Utdrag ur protokoll" in text
    assert f"Paragraf § {held.voted_number}" in text
    assert f"§ {held.voted_number} {held.voted_title}" in text
    assert "Resultat: 4 ja, 2 nej, 0 avstår." in text
    assert "Jäv: Fatima Hassan deltog inte i handläggningen." in text
    assert re.search(r"Justerat \d{4}-\d\d-\d\d \d\d\.\d\d Karin Lindqvist, ordförande", text)
    assert "Rätt utdraget intygar" in text
    for other in held.titles:
        if other != held.voted_title:
            assert other not in text
    assert NOTE not in text and "Kommunhuset" in text

    auth.login_as("chair")
    response = client.get(_url(demo, f"paragraphs/{held.voted_id}/utdrag.pdf"))
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    assert response.headers["X-Checksum-SHA256"] == hashlib.sha256(response.data).hexdigest()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="utdrag-{held.day}-mellana-paragraf-{held.voted_number}.pdf"'
    )
    assert client.get(_url(demo, f"paragraphs/{held.voted_id}/utdrag.pdf")).data == response.data
    assert client.get(_url(demo, f"paragraphs/{held.secret_id}/utdrag.pdf")).status_code == 200


def test_utdrag_of_a_confidential_paragraph_is_404_for_ombud(client, auth, demo, held):
    auth.login_as("ombud")
    assert client.get(_url(demo, f"paragraphs/{held.secret_id}/utdrag.pdf")).status_code == 404
    assert client.get(_url(demo, f"paragraphs/{held.voted_id}/utdrag.pdf")).status_code == 200


def test_corrections_are_shown_beside_the_unchanged_text(app, client, auth, demo, held):
    with app.app_context():
        minutes = _loaded(demo)
        chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
        services.add_correction(
            minutes, chair, held.first_id, "Beslutet gäller från 1 maj.", CORRECTION_REASON
        )
        db.session.commit()
    auth.login_as("member")
    text = _text(client.get(_url(demo)).get_data(as_text=True))
    assert re.search(
        rf"Rättelse \d{{4}}-\d\d-\d\d \d\d\.\d\d, § \d+ Rättad av Karin Lindqvist\. Skäl: {CORRECTION_REASON}",
        text,
    )
    assert "Beslutet gäller från 1 maj." in text
    assert "Ledningsgruppen beslutar att lägga informationen till handlingarna" in text


def _margin_texts(html: str) -> list[str]:
    """Return, page by page, the text of the page's margin boxes as WeasyPrint lays them out."""

    def text_of(box) -> str:
        """Return the text inside a laid-out box."""
        own = [box.text] if isinstance(box, boxes.TextBox) else []
        return "".join(own + [text_of(child) for child in getattr(box, "children", [])])

    document_ = pdf.render_document(html)
    return [
        " ".join(text_of(c) for c in page._page_box.children if isinstance(c, boxes.MarginBox))
        for page in document_.pages
    ]


def test_minutes_before_justering_say_utkast_on_every_page(app, client, auth, demo):
    held = _make_minutes(app, demo, approve=False)
    auth.login_as("member")
    text = _text(client.get(_url(demo)).get_data(as_text=True))
    assert "Utkast – ej justerat" in text
    assert "Ej justerat Karin Lindqvist, ordförande" in text
    response = client.get(_url(demo, "protokoll.pdf"))
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    with app.app_context():
        minutes = _loaded(demo)
        long_text = "\n\n".join(["Ett långt stycke om samverkan mellan huvudmännen."] * 120)
        paragraph = next(p for p in minutes.paragraphs if p.id == held.first_id)
        paragraph.body = long_text  # not committed: only the rendering needs several pages
        pages = _margin_texts(document.protokoll_html(minutes, document.Audience.FULL))
        db.session.rollback()
    assert len(pages) > 1
    assert all("Utkast – ej justerat" in page for page in pages)
    assert all("Sida" in page for page in pages)


def _page_texts(html: str) -> list[str]:
    """Return, page by page, all the text WeasyPrint lays out on the page."""

    def text_of(box) -> str:
        """Return the text inside a laid-out box."""
        own = [box.text] if isinstance(box, boxes.TextBox) else []
        return " ".join(own + [text_of(child) for child in getattr(box, "children", [])])

    return [text_of(page._page_box) for page in pdf.render_document(html).pages]


def test_an_empty_paragraph_prints_inget_att_protokollfora(app, demo, held):
    with app.app_context(), app.test_request_context():
        minutes = _loaded(demo)
        empty = next(p for p in minutes.paragraphs if not p.decisions and not p.is_confidential)
        empty.body = None  # not committed: only the rendering is looked at
        number = empty.number
        html = document.protokoll_html(minutes, document.Audience.FULL)
        db.session.rollback()
    section = html.split(f'id="paragraf-{number}"', 1)[1].split("</section>", 1)[0]
    assert "Inget att protokollföra." in section
    # A § with text or a decision does not say so.
    first = html.split(f'id="paragraf-{held.low}"', 1)[1].split("</section>", 1)[0]
    assert "Inget att protokollföra." not in first


def test_the_header_block_and_the_first_paragraph_share_page_one(app, demo, held):
    with app.app_context(), app.test_request_context():
        minutes = _loaded(demo)
        paragraph = next(p for p in minutes.paragraphs if p.id == held.first_id)
        # A first § too long for what is left of page 1 still starts there.
        paragraph.body = "\n\n".join(["Ett långt stycke om samverkan mellan huvudmännen."] * 80)
        pages = _page_texts(document.protokoll_html(minutes, document.Audience.FULL))
        db.session.rollback()
    assert len(pages) > 1
    assert "Paragrafer" in pages[0]
    assert held.first_title in pages[0]
    assert "Ett långt stycke" in pages[0]


def test_no_minutes_other_group_and_unknown_paragraph_are_404(client, auth, demo):
    auth.login_as("chair")
    # The coming meeting has not started: it has no minutes yet.
    for tail in ("print", "protokoll.pdf", "paragraphs/1/utdrag.pdf"):
        assert client.get(_url(demo, tail)).status_code == 404


def test_other_group_and_foreign_paragraph_are_404(client, auth, demo, held):
    auth.login_as("other_group")
    for tail in ("print", "protokoll.pdf", f"paragraphs/{held.voted_id}/utdrag.pdf"):
        assert client.get(_url(demo, tail)).status_code == 404
    auth.logout()
    auth.login_as("chair")
    assert client.get(_url(demo, "paragraphs/999999/utdrag.pdf")).status_code == 404
    # The group's own id with another group's meeting in the URL is 404 as well.
    assert client.get(_url(demo, "print", group_id=demo.other_group_id)).status_code == 404


def test_file_name_slug_is_ascii():
    assert document.slug("Ledningsgruppen för personligt ombud i Mellanå") == "mellana"
    assert document.slug("Ledningsgrupp PO Övre Ålby/Åsby") == "po-ovre-alby-asby"


def test_the_document_issues_no_query_per_row(app, demo, held):
    from sqlalchemy import event

    with app.app_context():
        minutes = _loaded(demo)
        statements = []

        def count(*args):
            """Count one SQL statement."""
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            html = document.protokoll_html(minutes, document.Audience.FULL)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert "Omröstning" in html
    assert statements == []
