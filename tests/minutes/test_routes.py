"""The minutes page over HTTP: officers, attendance, §§ and their conflicts, guests, jäv,
closing, justering and rättelser, as each role meets them."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import event, select

from po_meetings import permissions
from po_meetings.extensions import db
from po_meetings.minutes import services
from po_meetings.models import Correction, Guest, Meeting, Recusal

from ..conftest import AuthActions

PERSONNUMMER = "19121212-1212"
HTMX = {"HX-Request": "true"}
CONFIDENTIAL_TITLE = "Samverkan kring utskrivning från slutenvården"


# -- helpers -------------------------------------------------------------------------------------


def meeting_url(demo) -> str:
    return f"/groups/{demo.group_id}/meetings/{demo.meeting_id}"


def minutes_url(demo) -> str:
    return f"{meeting_url(demo)}/minutes"


def start(client, auth, demo):
    """Start the demo's coming meeting as the chair (the minutes open)."""
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{meeting_url(demo)}/start", data={"confirm": "yes"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/minutes/")


def paragraphs(app, demo) -> list[dict]:
    """Return the minutes' §§ as plain values, in order."""
    with app.app_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        minutes = services.minutes_of(meeting)
        return [
            dict(
                id=p.id,
                title=p.title,
                body=p.body,
                version=p.version,
                label=p.label,
                confidential=p.is_secret,
                approved=p.approved_at_meeting,
            )
            for p in minutes.paragraphs
        ]


def first_open(app, demo) -> dict:
    return next(p for p in paragraphs(app, demo) if not p["confidential"])


def confidential(app, demo) -> dict:
    return next(p for p in paragraphs(app, demo) if p["confidential"])


def minutes_row(app, demo):
    """Return (status of the meeting, revision, approved_at, secretary_id) of the minutes."""
    with app.app_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        minutes = services.minutes_of(meeting)
        return meeting.status, minutes.revision, minutes.approved_at, minutes.secretary_id


def edit_data(paragraph: dict, title=None, body="", version=None) -> dict:
    prefix = f"paragraph-{paragraph['id']}"
    return {
        f"{prefix}-title": title or paragraph["title"],
        f"{prefix}-body": body,
        f"{prefix}-version": str(paragraph["version"] if version is None else version),
    }


def _attendance_fields(membership_id, presence, serving_for=None, arrived=None, left=None) -> dict:
    prefix = f"attendance-{membership_id}"
    return {
        f"{prefix}-presence": presence,
        f"{prefix}-serving_for_id": "" if serving_for is None else str(serving_for),
        f"{prefix}-arrived_at_id": "" if arrived is None else str(arrived),
        f"{prefix}-left_after_id": "" if left is None else str(left),
    }


def attendance_data(demo, email, presence="present", serving_for=None, arrived=None, left=None) -> dict:
    """Return one person's row of the attendance form."""
    return _attendance_fields(demo.membership(email), presence, serving_for, arrived, left)


def attendance_as_saved(app, demo) -> dict:
    """Return the one attendance form as the page fills it: every person's saved row.

    Every row must be posted: a row left out is refused (its presence is required).
    """
    with app.app_context():
        minutes = services.minutes_of(db.session.get(Meeting, demo.meeting_id))
        data = {}
        for row in minutes.attendances:
            data |= _attendance_fields(
                row.membership_id, row.presence, row.serving_for_id, row.arrived_at_id, row.left_after_id
            )
        return data


def post_attendance(client, demo, *changes, **kwargs):
    """Save the one attendance form as a browser would: everyone's saved rows, with ``changes``
    (rows from :func:`attendance_data`) in place of theirs."""
    data = attendance_as_saved(client.application, demo)
    for change in changes:
        data |= change
    return client.post(f"{minutes_url(demo)}/attendance", data=data, **kwargs)


def mark_present(client, demo, *emails):
    response = post_attendance(client, demo, *(attendance_data(demo, email) for email in emails))
    assert response.status_code == 303, response.text


def officers_data(demo, chair="ordforande@demo.se", secretary=None, adjusters=()) -> dict:
    adjusters = list(adjusters) + [None, None]
    return {
        "officers-chair_id": str(demo.membership(chair)),
        "officers-secretary_id": str(demo.membership(secretary)) if secretary else "",
        "officers-adjuster_id": str(demo.membership(adjusters[0])) if adjusters[0] else "",
        "officers-second_adjuster_id": str(demo.membership(adjusters[1])) if adjusters[1] else "",
    }


def prepared(client, auth, demo):
    """Start the meeting as the chair; the secretary (ledamot) and the justerare (vice) are present."""
    start(client, auth, demo)
    mark_present(client, demo, "ordforande@demo.se", "vice@demo.se", "ledamot@demo.se", "ledamot.vc@demo.se")
    response = client.post(
        f"{minutes_url(demo)}/officers",
        data=officers_data(demo, secretary="ledamot@demo.se", adjusters=["vice@demo.se"]),
    )
    assert response.status_code == 303, response.text


def other_client(app, role) -> tuple:
    """Return a second browser, logged in as a role."""
    second = app.test_client()
    AuthActions(second).login_as(role)
    return second


def text_of(response) -> str:
    """Return what a reader sees: the page's text without tags, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


# -- the page and who sees what ------------------------------------------------------------------


def test_the_minutes_page_shows_the_meeting_and_every_paragraph(app, client, auth, demo):
    start(client, auth, demo)
    page = text_of(client.get(f"{minutes_url(demo)}/"))
    assert "Protokoll: Operativt möte" in page
    assert "Ej justerat" in page
    assert "Kommunhuset, sal Åsen" in page
    for paragraph in paragraphs(app, demo):
        assert f"{paragraph['label']} {paragraph['title']}" in page
    assert CONFIDENTIAL_TITLE in page
    assert "Redigera" in page and "Lägg till paragraf" in page
    # Every member is on the attendance list, ombuds and co-opted members too.
    for name in ("Karin Lindqvist", "Sara Öberg", "Lina Åkesson", "Omar Khalil"):
        assert name in page


def test_an_ombud_sees_the_minutes_without_confidential_paragraphs_or_edit_controls(app, client, auth, demo):
    start(client, auth, demo)
    secret = confidential(app, demo)
    auth.login_as(permissions.OMBUD)
    response = client.get(f"{minutes_url(demo)}/")
    assert response.status_code == 200
    page = text_of(response)
    assert CONFIDENTIAL_TITLE not in page
    assert f"{secret['label']} – sekretess" in page
    assert "Redigera" not in page and "Lägg till paragraf" not in page and "Spara funktionärer" not in page
    assert f'action="{minutes_url(demo)}/attendance"' not in page  # no attendance form
    assert client.get(f"{minutes_url(demo)}/paragraphs/{secret['id']}", headers=HTMX).status_code == 404
    # Editing is for members: the permission table answers 403 before the § is looked up.
    assert client.get(f"{minutes_url(demo)}/paragraphs/{secret['id']}/edit").status_code == 403


def test_a_co_opted_member_does_not_see_a_confidential_paragraph_either(app, client, auth, demo):
    start(client, auth, demo)
    secret = confidential(app, demo)
    auth.login_as(permissions.CO_OPTED)
    page = text_of(client.get(f"{minutes_url(demo)}/"))
    assert CONFIDENTIAL_TITLE not in page
    assert client.get(f"{minutes_url(demo)}/paragraphs/{secret['id']}").status_code == 404


def test_another_group_gets_404_everywhere(app, client, auth, demo):
    start(client, auth, demo)
    paragraph = first_open(app, demo)
    auth.login_as(permissions.OTHER_GROUP)
    assert client.get(f"{minutes_url(demo)}/").status_code == 404
    assert client.get(f"{minutes_url(demo)}/paragraphs/{paragraph['id']}").status_code == 404
    assert (
        client.post(
            f"{minutes_url(demo)}/paragraphs/{paragraph['id']}", data=edit_data(paragraph)
        ).status_code
        == 404
    )
    assert (
        client.post(f"{minutes_url(demo)}/paragraphs", data={"new-paragraph-title": "X"}).status_code == 404
    )


def test_a_meeting_without_minutes_has_no_minutes_page(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    assert client.get(f"{minutes_url(demo)}/").status_code == 404


def test_an_ombud_may_not_write_anything(app, client, auth, demo):
    start(client, auth, demo)
    paragraph = first_open(app, demo)
    auth.login_as(permissions.OMBUD)
    base = minutes_url(demo)
    pid = paragraph["id"]
    for url, data in [
        (f"{base}/officers", officers_data(demo)),
        (f"{base}/attendance", attendance_as_saved(app, demo) | attendance_data(demo, "ombud@demo.se")),
        (f"{base}/paragraphs", {"new-paragraph-title": "Från ombudet"}),
        (f"{base}/paragraphs/{pid}", edit_data(paragraph, body="Ombudets text")),
        (f"{base}/paragraphs/{pid}/confidential", {"confidential": "1"}),
        (f"{base}/paragraphs/{pid}/release", {}),
        (f"{base}/paragraphs/{pid}/approve", {}),
        (f"{base}/paragraphs/{pid}/guests", {f"guest-{pid}-name": "Gäst"}),
        (f"{base}/paragraphs/{pid}/recusals", {f"recusal-{pid}-membership_id": "1"}),
        (f"{base}/justering", {"justering-verdict": "approve"}),
        (f"{base}/corrections", {"correction-text": "x", "correction-reason": "y"}),
    ]:
        assert client.post(url, data=data).status_code == 403, url
    assert first_open(app, demo)["body"] == paragraph["body"]


# -- officers ----------------------------------------------------------------------------------


def test_the_chair_chooses_secretary_and_justerare(app, client, auth, demo):
    start(client, auth, demo)
    mark_present(client, demo, "vice@demo.se")
    response = client.post(
        f"{minutes_url(demo)}/officers",
        data=officers_data(demo, secretary="ledamot@demo.se", adjusters=["vice@demo.se"]),
        follow_redirects=True,
    )
    page = text_of(response)
    assert "Mötets ordförande, sekreterare och justerare är sparade." in page
    assert minutes_row(app, demo)[3] == demo.membership("ledamot@demo.se")


def test_a_justerare_who_is_absent_is_refused_beside_the_field(app, client, auth, demo):
    start(client, auth, demo)
    response = client.post(
        f"{minutes_url(demo)}/officers", data=officers_data(demo, adjusters=["ledamot.vc@demo.se"])
    )
    assert response.status_code == 422
    assert "Eva Nyström är inte markerad som närvarande. Ange närvaron först (ovan)" in text_of(response)


def test_a_plain_member_cannot_choose_the_officers(app, client, auth, demo):
    start(client, auth, demo)
    auth.login_as(permissions.MEMBER)
    response = client.post(
        f"{minutes_url(demo)}/officers", data=officers_data(demo, secretary="ledamot@demo.se")
    )
    assert response.status_code == 422
    assert "Bara mötets ordförande väljer sekreterare och justerare." in text_of(response)
    assert minutes_row(app, demo)[3] is None


# -- attendance --------------------------------------------------------------------------------


def test_attendance_changes_the_quorum_line(app, client, auth, demo):
    start(client, auth, demo)
    page = text_of(client.get(f"{minutes_url(demo)}/"))
    # Who has not answered the kallelse is ej angivet: not counted as absent, so not yet "inte beslutsfört".
    assert "Beslutsförheten är oklar: 1 av 7 röstberättigade platser närvarande, 5 ej angivet." in page
    mark_present(client, demo, "ordforande@demo.se", "vice@demo.se", "ledamot.vc@demo.se")
    page = text_of(client.get(f"{minutes_url(demo)}/"))
    assert "Beslutsfört: 4 av 7 röstberättigade platser närvarande, 2 ej angivet." in page
    assert "Inte beslutsfört" not in page and "oklar" not in page


def test_attendance_with_htmx_swaps_the_part_and_refreshes_the_quorum(app, client, auth, demo):
    start(client, auth, demo)
    response = post_attendance(client, demo, attendance_data(demo, "vice@demo.se"), headers=HTMX)
    assert response.status_code == 200
    body = html.unescape(response.text)
    assert body.lstrip().startswith('<section id="attendance"')
    assert "Närvaron är sparad." in body and 'hx-swap-oob="true"' in body
    # The one present before stays present (every other row is posted as saved): two now.
    assert "2 av 7 röstberättigade platser närvarande, 4 ej angivet." in text_of(response)


def test_a_substitute_cannot_serve_for_a_member_who_is_present(app, client, auth, demo):
    start(client, auth, demo)
    fk = demo.membership("ledamot.fk@demo.se")
    mark_present(client, demo, "ledamot.fk@demo.se")
    before = attendance_as_saved(app, demo)
    response = post_attendance(client, demo, attendance_data(demo, "ersattare@demo.se", serving_for=fk))
    assert response.status_code == 422
    assert "Per Sandberg är närvarande; ersättaren tjänstgör inte." in text_of(response)
    assert attendance_as_saved(app, demo) == before  # nothing saved
    # When Per Sandberg has förhinder, the substitute serves and takes the seat.
    response = post_attendance(
        client, demo, attendance_data(demo, "ledamot.fk@demo.se", presence="apologies")
    )
    assert response.status_code == 303
    response = post_attendance(client, demo, attendance_data(demo, "ersattare@demo.se", serving_for=fk))
    assert response.status_code == 303
    page = text_of(client.get(f"{minutes_url(demo)}/"))
    assert "2 av 7 röstberättigade platser" in page
    assert "Sara Öberg" in page.split("Röstberättigade:")[1].split(".")[0]


def test_a_late_arrival_after_leaving_is_refused(app, client, auth, demo):
    start(client, auth, demo)
    first, second = paragraphs(app, demo)[:2]
    response = post_attendance(
        client, demo, attendance_data(demo, "vice@demo.se", arrived=second["id"], left=first["id"])
    )
    assert response.status_code == 422
    assert "Personen kan inte gå före den paragraf där hen kom." in text_of(response)


# -- §§: writing, conflicts, adding -------------------------------------------------------------


def test_the_chair_edits_a_paragraph_inline(app, client, auth, demo):
    start(client, auth, demo)
    paragraph = first_open(app, demo)
    url = f"{minutes_url(demo)}/paragraphs/{paragraph['id']}"
    form = client.get(f"{url}/edit", headers=HTMX)
    assert form.status_code == 200
    assert (
        f'name="paragraph-{paragraph["id"]}-version" type="hidden" value="{paragraph["version"]}"'
        in form.text
    )
    response = client.post(
        url, data=edit_data(paragraph, body="Gruppen **diskuterade** frågan."), headers=HTMX
    )
    assert response.status_code == 200
    assert f'id="paragraph-{paragraph["id"]}"' in response.text
    assert "<strong>diskuterade</strong>" in response.text
    assert first_open(app, demo)["body"] == "Gruppen **diskuterade** frågan."
    # Avbryt shows the § again.
    assert "diskuterade" in client.get(url, headers=HTMX).text


def test_a_stale_save_answers_409_with_both_texts_and_keeps_the_first(app, client, auth, demo):
    start(client, auth, demo)
    paragraph = first_open(app, demo)
    url = f"{minutes_url(demo)}/paragraphs/{paragraph['id']}"
    vice = other_client(app, permissions.VICE_CHAIR)
    first = client.post(url, data=edit_data(paragraph, body="Ordförandens text."))
    assert first.status_code == 303
    second = vice.post(url, data=edit_data(paragraph, body="Vice ordförandens text."))
    assert second.status_code == 409
    page = text_of(second)
    assert "har ändrats medan du skrev" in page
    assert "Ordförandens text." in page and "Vice ordförandens text." in page
    saved = first_open(app, demo)
    assert saved["body"] == "Ordförandens text."
    # The form comes back with the newer version: saving the merged text now works.
    assert (
        f'name="paragraph-{paragraph["id"]}-version" type="hidden" value="{saved["version"]}"' in second.text
    )
    merged = vice.post(url, data=edit_data(saved, body="Ordförandens text. Vice ordförandens text."))
    assert merged.status_code == 303
    assert first_open(app, demo)["body"] == "Ordförandens text. Vice ordförandens text."


def test_a_stale_save_with_htmx_shows_both_texts_in_place(app, client, auth, demo):
    start(client, auth, demo)
    paragraph = first_open(app, demo)
    url = f"{minutes_url(demo)}/paragraphs/{paragraph['id']}"
    client.post(url, data=edit_data(paragraph, body="Först."))
    response = client.post(url, data=edit_data(paragraph, body="Sedan."), headers=HTMX)
    page = html.unescape(response.text)
    assert page.lstrip().startswith(
        f'<section class="minutes-paragraph minutes-paragraph--conflict" id="paragraph-{paragraph["id"]}"'
    )
    assert "Först." in page and "Sedan." in page


def test_a_member_who_is_not_the_secretary_cannot_write_the_minutes(app, client, auth, demo):
    start(client, auth, demo)
    paragraph = first_open(app, demo)
    count = len(paragraphs(app, demo))
    url = f"{minutes_url(demo)}/paragraphs/{paragraph['id']}"
    auth.login_as(permissions.MEMBER)
    page = text_of(client.get(f"{minutes_url(demo)}/"))
    assert "Redigera" not in page
    response = client.post(url, data=edit_data(paragraph, body="Min text."))
    assert response.status_code == 422
    assert "Bara mötets sekreterare och ordförande kan ändra protokollet." in text_of(response)
    assert first_open(app, demo)["body"] == paragraph["body"]
    response = client.get(f"{url}/edit")
    assert response.status_code == 403
    assert "Bara mötets sekreterare och ordförande kan ändra protokollet." in text_of(response)
    response = client.post(f"{minutes_url(demo)}/paragraphs", data={"new-paragraph-title": "Min fråga"})
    assert response.status_code == 422
    assert len(paragraphs(app, demo)) == count


def test_the_secretary_writes_the_minutes(app, client, auth, demo):
    prepared(client, auth, demo)
    paragraph = first_open(app, demo)
    auth.login_as(permissions.MEMBER)
    response = client.post(
        f"{minutes_url(demo)}/paragraphs/{paragraph['id']}",
        data=edit_data(paragraph, body="Sekreterarens text."),
    )
    assert response.status_code == 303
    assert first_open(app, demo)["body"] == "Sekreterarens text."


def test_a_paragraph_with_a_personnummer_is_refused_and_not_echoed(app, client, auth, demo):
    start(client, auth, demo)
    paragraph = first_open(app, demo)
    text = f"Klienten {PERSONNUMMER} nämndes."
    response = client.post(
        f"{minutes_url(demo)}/paragraphs/{paragraph['id']}", data=edit_data(paragraph, body=text)
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "Texten verkar innehålla ett personnummer" in page and PERSONNUMMER not in page
    assert first_open(app, demo)["body"] == paragraph["body"]


def test_adding_a_paragraph_while_the_meeting_is_under_way(app, client, auth, demo):
    start(client, auth, demo)
    response = client.post(
        f"{minutes_url(demo)}/paragraphs", data={"new-paragraph-title": "Övrig fråga om lokaler"}
    )
    assert response.status_code == 303
    last = paragraphs(app, demo)[-1]
    assert last["title"] == "Övrig fråga om lokaler"
    assert f"{last['label']} Övrig fråga om lokaler" in text_of(client.get(f"{minutes_url(demo)}/"))
    response = client.post(f"{minutes_url(demo)}/paragraphs", data={"new-paragraph-title": ""})
    assert response.status_code == 422
    assert "Ange en rubrik." in text_of(response)
    response = client.post(
        f"{minutes_url(demo)}/paragraphs", data={"new-paragraph-title": "Ny punkt"}, headers=HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="paragraphs"') and "Ny punkt" in response.text


# -- confidentiality and omedelbar justering ----------------------------------------------------------


def test_confidential_toggle_and_release(app, client, auth, demo):
    start(client, auth, demo)
    paragraph = first_open(app, demo)
    url = f"{minutes_url(demo)}/paragraphs/{paragraph['id']}"
    response = client.post(f"{url}/confidential", data={"confidential": "1"}, headers=HTMX)
    assert response.status_code == 200 and "Sekretess" in response.text
    ombud = other_client(app, permissions.OMBUD)
    assert paragraph["title"] not in text_of(ombud.get(f"{minutes_url(demo)}/"))
    response = client.post(f"{url}/release", follow_redirects=True)
    assert "Sekretess hävd" in text_of(response) and "av Karin Lindqvist" in text_of(response)
    assert paragraph["title"] in text_of(ombud.get(f"{minutes_url(demo)}/"))
    response = client.post(f"{url}/release")
    assert response.status_code == 422
    assert "är inte sekretessbelagd" in text_of(response)


def test_a_member_may_not_release_a_confidential_paragraph(app, client, auth, demo):
    start(client, auth, demo)
    secret = confidential(app, demo)
    auth.login_as(permissions.MEMBER)
    assert client.post(f"{minutes_url(demo)}/paragraphs/{secret['id']}/release").status_code == 403
    assert confidential(app, demo)["id"] == secret["id"]


def test_an_immediately_approved_paragraph_can_no_longer_be_edited(app, client, auth, demo):
    start(client, auth, demo)
    paragraph = first_open(app, demo)
    url = f"{minutes_url(demo)}/paragraphs/{paragraph['id']}"
    response = client.post(f"{url}/approve", follow_redirects=True)
    assert "Omedelbart justerad" in text_of(response)
    response = client.post(url, data=edit_data(first_open(app, demo), body="Ändrat."))
    assert response.status_code == 422
    assert "är omedelbart justerad och kan inte ändras." in text_of(response)
    assert client.get(f"{url}/edit").status_code == 409  # a state, not a permission


def test_only_the_meeting_chair_approves_a_paragraph_at_the_meeting(app, client, auth, demo):
    prepared(client, auth, demo)
    paragraph = first_open(app, demo)
    auth.login_as(permissions.MEMBER)  # the secretary, not the chair
    response = client.post(f"{minutes_url(demo)}/paragraphs/{paragraph['id']}/approve")
    assert response.status_code == 422
    assert "Bara mötets ordförande kan göra det." in text_of(response)
    assert not first_open(app, demo)["approved"]


# -- guests and jäv --------------------------------------------------------------------------------


def test_guests_are_added_and_removed(app, client, auth, demo):
    start(client, auth, demo)
    paragraph = first_open(app, demo)
    pid = paragraph["id"]
    url = f"{minutes_url(demo)}/paragraphs/{pid}/guests"
    response = client.post(
        url, data={f"guest-{pid}-name": "Anna Berg", f"guest-{pid}-description": "Enhetschef"}, headers=HTMX
    )
    assert response.status_code == 200 and "Anna Berg, Enhetschef" in text_of(response)
    response = client.post(url, data={f"guest-{pid}-name": PERSONNUMMER})
    assert response.status_code == 422 and "personnummer" in text_of(response)
    with app.app_context():
        guest_id = db.session.scalar(select(Guest.id).where(Guest.paragraph_id == pid))
    auth.login_as(permissions.OMBUD)
    assert client.post(f"{minutes_url(demo)}/guests/{guest_id}/delete").status_code == 403
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{minutes_url(demo)}/guests/{guest_id}/delete", follow_redirects=True)
    assert "Anna Berg är borttagen." in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(Guest.id).where(Guest.paragraph_id == pid)) is None


def test_jav_is_recorded_and_removed(app, client, auth, demo):
    start(client, auth, demo)
    mark_present(client, demo, "ordforande@demo.se", "vice@demo.se", "ledamot.vc@demo.se")
    paragraph = first_open(app, demo)
    pid = paragraph["id"]
    url = f"{minutes_url(demo)}/paragraphs/{pid}/recusals"
    response = client.post(
        url,
        data={
            f"recusal-{pid}-membership_id": str(demo.membership("vice@demo.se")),
            f"recusal-{pid}-ground": "Jävig",
        },
        headers=HTMX,
    )
    page = html.unescape(response.text)
    assert "anmälde jäv" in page and "Jäviga: " in page
    assert "Röstberättigade: Eva Nyström, Fatima Hassan, Karin Lindqvist." in page
    # Ombuds are not offered (and cannot be jäviga).
    assert f'value="{demo.membership("ombud@demo.se")}"' not in page.split("Anmäl jäv")[1]
    response = client.post(
        url,
        data={
            f"recusal-{pid}-membership_id": str(demo.membership("ombud@demo.se")),
            f"recusal-{pid}-ground": "Jävig",
        },
    )
    assert response.status_code == 422
    with app.app_context():
        recusal_id = db.session.scalar(select(Recusal.id).where(Recusal.paragraph_id == pid))
    response = client.post(f"{minutes_url(demo)}/recusals/{recusal_id}/delete", follow_redirects=True)
    assert "Jävet för" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(Recusal.id).where(Recusal.paragraph_id == pid)) is None


def test_a_guest_of_a_confidential_paragraph_is_hidden_from_ombuds(app, client, auth, demo):
    start(client, auth, demo)
    secret = confidential(app, demo)
    pid = secret["id"]
    client.post(f"{minutes_url(demo)}/paragraphs/{pid}/guests", data={f"guest-{pid}-name": "Dold Gäst"})
    assert "Dold Gäst" in text_of(client.get(f"{minutes_url(demo)}/"))
    ombud = other_client(app, permissions.OMBUD)
    assert "Dold Gäst" not in text_of(ombud.get(f"{minutes_url(demo)}/"))


# -- closing, justering, rättelser ------------------------------------------------------------------


def test_closing_is_refused_without_secretary_or_justerare(app, client, auth, demo):
    start(client, auth, demo)
    response = client.post(f"{meeting_url(demo)}/close", data={"confirm": "yes"}, follow_redirects=True)
    assert "Välj mötets sekreterare innan mötet avslutas." in text_of(response)
    mark_present(client, demo, "ledamot@demo.se")
    client.post(f"{minutes_url(demo)}/officers", data=officers_data(demo, secretary="ledamot@demo.se"))
    response = client.post(f"{meeting_url(demo)}/close", data={"confirm": "yes"}, follow_redirects=True)
    assert "Välj minst en justerare innan mötet avslutas." in text_of(response)
    assert minutes_row(app, demo)[0] == "in_progress"


def test_the_justering_flow_locks_the_minutes(app, client, auth, demo):
    prepared(client, auth, demo)
    page = text_of(client.get(f"{minutes_url(demo)}/"))
    assert "Avsluta mötet" in page
    response = client.post(f"{meeting_url(demo)}/close", data={"confirm": "yes"}, follow_redirects=True)
    page = text_of(response)
    assert "Protokollet går till justering." in page
    assert "Karin Lindqvist (ordförande): väntar" in page
    assert "Spara funktionärer" not in page

    # The justerare sends it back; a return needs comments.
    vice = other_client(app, permissions.VICE_CHAIR)
    response = vice.post(f"{minutes_url(demo)}/justering", data={"justering-verdict": "return"})
    assert response.status_code == 422 and "Skriv vad som behöver ändras." in text_of(response)
    response = vice.post(
        f"{minutes_url(demo)}/justering",
        data={"justering-verdict": "return", "justering-comment": "Rätta stavningen i första paragrafen."},
        follow_redirects=True,
    )
    page = text_of(response)
    assert "återsänt med synpunkter" in page and "Rätta stavningen i första paragrafen." in page

    # The chair justerar, then the secretary edits: a new revision, earlier justeringar no longer count.
    assert (
        client.post(f"{minutes_url(demo)}/justering", data={"justering-verdict": "approve"}).status_code
        == 303
    )
    revision = minutes_row(app, demo)[1]
    secretary = other_client(app, permissions.MEMBER)
    paragraph = first_open(app, demo)
    response = secretary.post(
        f"{minutes_url(demo)}/paragraphs/{paragraph['id']}",
        data=edit_data(paragraph, body="Rättad stavning."),
    )
    assert response.status_code == 303
    assert minutes_row(app, demo)[1] == revision + 1
    page = text_of(client.get(f"{minutes_url(demo)}/"))
    assert "tidigare justeringar gäller inte längre" in page
    assert "Karin Lindqvist (ordförande): väntar" in page

    # A member who does not justera is refused.
    response = secretary.post(f"{minutes_url(demo)}/justering", data={"justering-verdict": "approve"})
    assert response.status_code == 422
    assert "Bara mötets ordförande och justerare kan justera protokollet." in text_of(response)

    # Both justera the new revision: justerat and locked.
    client.post(f"{minutes_url(demo)}/justering", data={"justering-verdict": "approve"})
    response = vice.post(
        f"{minutes_url(demo)}/justering", data={"justering-verdict": "approve"}, follow_redirects=True
    )
    page = text_of(response)
    assert "Protokollet är justerat och låst." in page
    status, _, approved_at, _ = minutes_row(app, demo)
    assert status == "approved" and approved_at is not None
    assert "Justerat " in page and "Ej justerat" not in page
    assert "Redigera" not in page

    # Every edit is refused now.
    paragraph = first_open(app, demo)
    response = client.post(
        f"{minutes_url(demo)}/paragraphs/{paragraph['id']}", data=edit_data(paragraph, body="Sent.")
    )
    assert response.status_code == 422 and services.LOCKED in text_of(response)
    assert first_open(app, demo)["body"] == "Rättad stavning."
    response = client.post(f"{minutes_url(demo)}/paragraphs", data={"new-paragraph-title": "För sent"})
    assert response.status_code == 422
    response = post_attendance(client, demo, attendance_data(demo, "ledamot.asby@demo.se"))
    assert response.status_code == 422 and services.LOCKED in text_of(response)
    response = client.post(
        f"{minutes_url(demo)}/paragraphs/{paragraph['id']}/confidential", data={"confidential": "1"}
    )
    assert response.status_code == 422

    # A leader may still release a confidential § of justerade minutes.
    secret = confidential(app, demo)
    response = client.post(f"{minutes_url(demo)}/paragraphs/{secret['id']}/release", follow_redirects=True)
    assert "Sekretessen är hävd." in text_of(response)

    # Rättelser: leaders only, with a reason, shown on the page.
    response = client.post(
        f"{minutes_url(demo)}/corrections", data={"correction-text": "Rätt datum är 3 maj."}
    )
    assert response.status_code == 422 and "Skriv skälet." in text_of(response)
    response = client.post(
        f"{minutes_url(demo)}/corrections",
        data={
            "correction-paragraph_id": str(paragraph["id"]),
            "correction-text": "Rätt datum är 3 maj.",
            "correction-reason": "Fel datum i beslutet.",
        },
        follow_redirects=True,
    )
    page = text_of(response)
    assert "Rättelsen är införd i protokollet." in page
    assert "Rätt datum är 3 maj." in page and "Fel datum i beslutet." in page
    assert f"gäller {paragraph['label']}" in page and "av Karin Lindqvist" in page
    assert (
        secretary.post(
            f"{minutes_url(demo)}/corrections", data={"correction-text": "x", "correction-reason": "y"}
        ).status_code
        == 403
    )
    with app.app_context():
        assert db.session.scalar(select(Correction.text)) == "Rätt datum är 3 maj."


def test_a_correction_before_justering_is_refused(app, client, auth, demo):
    start(client, auth, demo)
    response = client.post(
        f"{minutes_url(demo)}/corrections", data={"correction-text": "Rättelse", "correction-reason": "Skäl"}
    )
    assert response.status_code == 422
    assert "Protokollet är inte justerat ännu; ändra texten direkt." in text_of(response)


def test_the_meeting_page_links_to_the_minutes(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    assert "Till protokollet" not in client.get(meeting_url(demo)).text
    client.post(f"{meeting_url(demo)}/start", data={"confirm": "yes"})
    assert "Till protokollet" in text_of(client.get(meeting_url(demo)))


# -- queries -----------------------------------------------------------------------------------------


def _count_queries(app, client, url) -> int:
    statements = []

    def count_statement(*args):
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count_statement)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)
    return len(statements)


@pytest.mark.parametrize("role", [permissions.CHAIR, permissions.OMBUD])
def test_the_page_costs_the_same_queries_with_many_paragraphs(app, client, auth, demo, role):
    start(client, auth, demo)
    mark_present(client, demo, "ordforande@demo.se", "vice@demo.se")
    paragraph = first_open(app, demo)
    pid = paragraph["id"]
    client.post(f"{minutes_url(demo)}/paragraphs/{pid}/guests", data={f"guest-{pid}-name": "Gäst Ett"})
    client.post(
        f"{minutes_url(demo)}/paragraphs/{pid}/recusals",
        data={
            f"recusal-{pid}-membership_id": str(demo.membership("vice@demo.se")),
            f"recusal-{pid}-ground": "Jävig",
        },
    )
    AuthActions(client).login_as(role)
    few = _count_queries(app, client, f"{minutes_url(demo)}/")
    AuthActions(client).login_as(permissions.CHAIR)
    for n in range(12):
        response = client.post(f"{minutes_url(demo)}/paragraphs", data={"new-paragraph-title": f"Fråga {n}"})
        assert response.status_code == 303
    for added in paragraphs(app, demo)[-12:]:
        aid = added["id"]
        client.post(f"{minutes_url(demo)}/paragraphs/{aid}/guests", data={f"guest-{aid}-name": f"Gäst {aid}"})
        client.post(
            f"{minutes_url(demo)}/paragraphs/{aid}/recusals",
            data={
                f"recusal-{aid}-membership_id": str(demo.membership("vice@demo.se")),
                f"recusal-{aid}-ground": "Jävig",
            },
        )
    AuthActions(client).login_as(role)
    many = _count_queries(app, client, f"{minutes_url(demo)}/")
    assert many == few
    assert few <= 30
