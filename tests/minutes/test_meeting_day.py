"""The meeting day: starting (early, after a confirmation), attendance for everyone in one form with
*ej angivet*, officers saved one by one, jäv with its ground, the closing summary, and justering
shown as done with an explicit withdrawal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from po_meetings import permissions
from po_meetings.dates import local
from po_meetings.domain import DomainError
from po_meetings.extensions import db
from po_meetings.meetings import services as meeting_services
from po_meetings.minutes import services
from po_meetings.models import Approval, Meeting, Membership, Presence, Recusal, utcnow

from .test_routes import (
    HTMX,
    PERSONNUMMER,
    attendance_data,
    meeting_url,
    minutes_row,
    minutes_url,
    officers_data,
    other_client,
    prepared,
    start,
    text_of,
)

CHAIR = "ordforande@demo.se"
VICE = "vice@demo.se"
SECRETARY = "ledamot@demo.se"
ADJUSTER = "ledamot.vc@demo.se"
MEMBER = "ledamot.asby@demo.se"
ABSENT = "ledamot.fk@demo.se"


def _minutes(demo):
    return services.minutes_of(db.session.get(Meeting, demo.meeting_id))


def _presences(app, demo) -> dict[str, str]:
    """Return each person's presence, by membership id."""
    with app.app_context():
        return {row.membership_id: row.presence for row in _minutes(demo).attendances}


def everyone(app, demo, **presence_by_email) -> dict:
    """Return the one attendance form as posted: every person ej angivet unless named."""
    with app.app_context():
        rows = [(row.membership_id, row.membership.user.email) for row in _minutes(demo).attendances]
    data = {}
    by_id = {demo.membership(email): value for email, value in presence_by_email.items()}
    for membership_id, email in rows:
        data.update(attendance_data(demo, email, by_id.get(membership_id, "unknown")))
    return data


# -- starting ------------------------------------------------------------------------------------


def test_starting_before_the_planned_day_asks_first_and_records_the_actual_date(app, client, auth, demo):
    with app.app_context():
        planned = db.session.get(Meeting, demo.meeting_id).starts_at
    assert local(planned).date() > local(utcnow()).date()  # the demo's coming meeting is later
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{meeting_url(demo)}/start")
    assert response.status_code == 200
    page = text_of(response)
    assert "Starta mötet före den planerade dagen?" in page
    assert 'name="confirm"' in response.text and "Starta mötet i dag" in page
    with app.app_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        assert meeting.status == "called" and meeting.starts_at == planned  # nothing changed yet

    response = client.post(f"{meeting_url(demo)}/start", data={"confirm": "yes"})
    assert response.status_code == 303
    assert "före den planerade dagen" in text_of(client.get(response.headers["Location"]))
    with app.app_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        assert meeting.status == "in_progress"
        assert local(meeting.starts_at).date() == local(utcnow()).date()


def test_starting_on_the_day_needs_no_confirmation(app, client, auth, demo):
    with app.app_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        length = meeting.ends_at - meeting.starts_at
        meeting.starts_at = utcnow() - timedelta(minutes=5)
        meeting.ends_at = meeting.starts_at + length
        db.session.commit()
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{meeting_url(demo)}/start")
    assert response.status_code == 303 and response.headers["Location"].endswith("/minutes/")


def test_a_plain_member_may_not_start_and_another_group_gets_404(client, auth, demo):
    auth.login_as(permissions.MEMBER)
    assert client.post(f"{meeting_url(demo)}/start", data={"confirm": "yes"}).status_code == 403
    auth.logout()
    auth.login_as(permissions.OTHER_GROUP)
    assert client.post(f"{meeting_url(demo)}/start", data={"confirm": "yes"}).status_code == 404


# -- attendance ----------------------------------------------------------------------------------


def test_who_has_not_answered_is_ej_angivet_not_absent(app, demo):
    with app.app_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        meeting_services.start_meeting(meeting)
        minutes = services.minutes_of(meeting)
        presences = {row.presence for row in minutes.attendances}
        assert Presence.ABSENT.value not in presences
        assert Presence.UNKNOWN.value in presences
        part = services.participation(minutes.paragraphs[0])
        assert part.unknown_seats > 0
        assert not part.is_quorate and part.is_undecided


def test_everyones_attendance_is_saved_in_one_form(app, client, auth, demo):
    start(client, auth, demo)
    page = client.get(f"{minutes_url(demo)}/")
    assert page.text.count('action="' + f"{minutes_url(demo)}/attendance" + '"') == 1  # one form
    assert "Spara närvaro" in text_of(page) and "ej angivet" in text_of(page)
    data = everyone(
        app, demo, **{CHAIR: "present", VICE: "present", SECRETARY: "present", ABSENT: "apologies"}
    )
    response = client.post(f"{minutes_url(demo)}/attendance", data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith("#attendance")
    page = text_of(client.get(response.headers["Location"]))
    assert "Närvaron är sparad." in page
    assert "Beslutsfört: 4 av 7 röstberättigade platser närvarande" not in page  # three ordinary present
    presences = _presences(app, demo)
    assert presences[demo.membership(VICE)] == "present"
    assert presences[demo.membership(ABSENT)] == "apologies"
    assert presences[demo.membership(MEMBER)] == "unknown"


def test_the_attendance_form_with_htmx_answers_with_the_part_and_the_quorum(app, client, auth, demo):
    start(client, auth, demo)
    data = everyone(
        app, demo, **{CHAIR: "present", VICE: "present", SECRETARY: "present", ADJUSTER: "present"}
    )
    response = client.post(f"{minutes_url(demo)}/attendance", data=data, headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="attendance"')
    assert 'hx-swap-oob="true"' in response.text
    assert "Beslutsfört: 4 av 7 röstberättigade platser närvarande, 3 ej angivet." in text_of(response)


def test_a_refused_attendance_saves_nothing_and_says_why_beside_the_person(app, client, auth, demo):
    start(client, auth, demo)
    before = _presences(app, demo)
    data = everyone(app, demo, **{VICE: "present", CHAIR: "present"})
    substitute = demo.membership("ersattare@demo.se")
    data[f"attendance-{substitute}-presence"] = "present"
    data[f"attendance-{substitute}-serving_for_id"] = str(demo.membership(VICE))  # the vice is present
    response = client.post(f"{minutes_url(demo)}/attendance", data=data)
    assert response.status_code == 422
    assert _presences(app, demo) == before
    assert 'class="field__error"' in response.text or "message--error" in response.text


def test_an_ombud_may_not_save_attendance(app, client, auth, demo):
    start(client, auth, demo)
    ombud = other_client(app, permissions.OMBUD)
    response = ombud.post(f"{minutes_url(demo)}/attendance", data=everyone(app, demo, **{VICE: "present"}))
    assert response.status_code == 403


# -- officers ------------------------------------------------------------------------------------


def test_each_officer_is_saved_on_its_own(app, client, auth, demo):
    start(client, auth, demo)
    client.post(
        f"{minutes_url(demo)}/attendance",
        data=everyone(app, demo, **{CHAIR: "present", SECRETARY: "present"}),
    )
    response = client.post(
        f"{minutes_url(demo)}/officers", data=officers_data(demo, secretary=SECRETARY, adjusters=[ADJUSTER])
    )
    assert response.status_code == 422
    page = text_of(response)
    assert "sekreteraren och andra justeraren är sparade." in page
    assert "Eva Nyström är inte markerad som närvarande." in page
    assert minutes_row(app, demo)[3] == demo.membership(SECRETARY)  # the valid choice was kept
    with app.app_context():
        assert _minutes(demo).adjuster_id is None


def test_choose_officers_reports_each_field(app, demo):
    with app.app_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        meeting_services.start_meeting(meeting)
        minutes = services.minutes_of(meeting)
        chair = db.session.get(Membership, demo.membership(CHAIR))
        outcome = services.choose_officers(
            minutes, chair, chair.id, demo.membership(SECRETARY), [demo.membership(ADJUSTER), None]
        )
        assert "secretary_id" in outcome.saved and "chair_id" in outcome.saved
        assert set(outcome.refused) == {"adjuster_id"}
        assert minutes.secretary_id == demo.membership(SECRETARY)


# -- jäv -----------------------------------------------------------------------------------------


def test_jav_records_its_ground_and_is_not_counted_for_the_quorum(app, client, auth, demo):
    prepared(client, auth, demo)
    with app.app_context():
        paragraph = next(p for p in _minutes(demo).paragraphs if not p.is_confidential)
        pid = paragraph.id
        present_before = services.participation(paragraph).present_seats
    url = f"{minutes_url(demo)}/paragraphs/{pid}/recusals"
    vice = demo.membership(VICE)
    response = client.post(url, data={f"recusal-{pid}-membership_id": vice})
    assert response.status_code == 422 and "Skriv jävsgrunden" in text_of(response)
    response = client.post(
        url, data={f"recusal-{pid}-membership_id": vice, f"recusal-{pid}-ground": PERSONNUMMER}
    )
    assert response.status_code == 422 and "personnummer" in text_of(response)
    absent = demo.membership(MEMBER)  # ej angivet: not a voter present at the §
    response = client.post(
        url, data={f"recusal-{pid}-membership_id": absent, f"recusal-{pid}-ground": "Släkt"}
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(Recusal.id)).where(Recusal.paragraph_id == pid)) == 0

    response = client.post(
        url, data={f"recusal-{pid}-membership_id": vice, f"recusal-{pid}-ground": "Gift med sökanden"}
    )
    assert response.status_code == 303
    with app.app_context():
        paragraph = db.session.get(type(paragraph), pid)
        assert [r.ground for r in paragraph.recusals] == ["Gift med sökanden"]
        part = services.participation(paragraph)
        assert part.present_seats == present_before - 1
        assert vice not in part.voter_ids
    page = text_of(client.get(f"{minutes_url(demo)}/"))
    assert "1 jävig (räknas inte)" in page


def test_the_jav_form_offers_only_present_voters(app, client, auth, demo):
    prepared(client, auth, demo)
    with app.app_context():
        pid = next(p for p in _minutes(demo).paragraphs if not p.is_confidential).id
    html = client.get(f"{minutes_url(demo)}/").text
    select_html = html.split(f'id="recusal-{pid}-membership_id"')[1].split("</select>")[0]
    assert "Johan Berg" in select_html  # the vice chair, present
    assert "Lars Holm" not in select_html  # ej angivet


# -- closing -------------------------------------------------------------------------------------


def test_closing_shows_a_summary_first_and_closes_only_when_confirmed(app, client, auth, demo):
    prepared(client, auth, demo)
    response = client.post(f"{meeting_url(demo)}/close")
    assert response.status_code == 200
    page = text_of(response)
    assert "Avsluta mötet?" in page and "Sammanfattning av protokollet" in page
    assert "Tomma paragrafer" in page
    assert "Närvaro ej angiven" in page
    assert "confirm(" not in response.text
    assert minutes_row(app, demo)[0] == "in_progress"
    response = client.post(f"{meeting_url(demo)}/close", data={"confirm": "yes"})
    assert response.status_code == 303
    assert minutes_row(app, demo)[0] == "closed"


def test_the_summary_names_what_stops_the_close(app, client, auth, demo):
    start(client, auth, demo)
    response = client.post(f"{meeting_url(demo)}/close")
    assert response.status_code == 200
    page = text_of(response)
    assert "Måste åtgärdas innan mötet kan avslutas" in page
    assert "Välj mötets sekreterare." in page and "Välj minst en justerare." in page
    assert "Avsluta mötet och skicka protokollet till justering" not in page


def test_closing_summary_lists_empty_and_undecided_paragraphs(app, demo):
    with app.app_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        meeting_services.start_meeting(meeting)
        minutes = services.minutes_of(meeting)
        secretary = db.session.get(Membership, demo.membership(SECRETARY))
        chair = db.session.get(Membership, demo.membership(CHAIR))
        services.set_attendance(minutes, chair, secretary.id, Presence.PRESENT)
        services.set_officers(minutes, chair, chair.id, secretary.id, [])
        first = minutes.paragraphs[0]
        services.save_paragraph(first, secretary, first.title, "Ordföranden öppnade mötet.", first.version)
        summary = services.closing_summary(minutes)
        assert first in summary.undecided and first not in summary.empty
        assert minutes.paragraphs[1] in summary.empty or minutes.paragraphs[1] in summary.undecided
        assert summary.blocking == ["Välj minst en justerare."]
        assert summary.unknown_presence


# -- justering -----------------------------------------------------------------------------------


def _closed(client, auth, demo):
    prepared(client, auth, demo)
    assert client.post(f"{meeting_url(demo)}/close", data={"confirm": "yes"}).status_code == 303


def test_a_justering_is_shown_as_done_and_withdrawn_only_explicitly_with_a_reason(app, client, auth, demo):
    _closed(client, auth, demo)
    response = client.post(f"{minutes_url(demo)}/justering", data={"justering-verdict": "approve"})
    assert response.status_code == 303
    page = text_of(client.get(f"{minutes_url(demo)}/"))
    assert "Du justerade " in page and " kl. " in page
    assert "Ta tillbaka din justering" in page
    assert "Justera protokollet" not in page  # the justering form is gone

    # Sending it back no longer silently withdraws one's own justering.
    response = client.post(
        f"{minutes_url(demo)}/justering", data={"justering-verdict": "return", "justering-comment": "Fel."}
    )
    assert response.status_code == 422
    assert "Ta tillbaka din justering, med ett skäl" in text_of(response)

    response = client.post(f"{minutes_url(demo)}/justering/withdraw", data={"withdraw-reason": ""})
    assert response.status_code == 422 and "Skriv skälet." in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(Approval.id)).where(Approval.verdict == "withdrawn")) == 0

    response = client.post(
        f"{minutes_url(demo)}/justering/withdraw", data={"withdraw-reason": "Jag såg ett fel i § 3."}
    )
    assert response.status_code == 303
    page = text_of(client.get(f"{minutes_url(demo)}/"))
    assert "tog tillbaka sin justering" in page and "Jag såg ett fel i § 3." in page
    assert "Du justerade " not in page


def test_withdrawing_without_a_justering_is_refused(app, client, auth, demo):
    _closed(client, auth, demo)
    response = client.post(f"{minutes_url(demo)}/justering/withdraw", data={"withdraw-reason": "Ångrar mig."})
    assert response.status_code == 422
    assert "Du har ingen justering av den här versionen att ta tillbaka." in text_of(response)


@pytest.mark.parametrize(
    "role, status", [(permissions.OMBUD, 403), (permissions.OTHER_GROUP, 404), (permissions.MEMBER, 422)]
)
def test_withdrawing_is_refused_to_others(app, client, auth, demo, role, status):
    _closed(client, auth, demo)
    other = other_client(app, role)
    response = other.post(f"{minutes_url(demo)}/justering/withdraw", data={"withdraw-reason": "Nej."})
    assert response.status_code == status


def test_withdraw_justering_service_records_the_reason(app, demo):
    with app.app_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        meeting_services.start_meeting(meeting)
        minutes = services.minutes_of(meeting)
        chair = db.session.get(Membership, demo.membership(CHAIR))
        secretary = db.session.get(Membership, demo.membership(SECRETARY))
        adjuster = db.session.get(Membership, demo.membership(ADJUSTER))
        for person in (chair, secretary, adjuster):
            services.set_attendance(minutes, chair, person.id, Presence.PRESENT)
        services.set_officers(minutes, chair, chair.id, secretary.id, [adjuster.id])
        services.close(meeting, chair, notify=False)
        services.justera(minutes, adjuster, True, notify=False)
        with pytest.raises(DomainError):
            services.withdraw_justering(minutes, adjuster, "  ")
        approval = services.withdraw_justering(minutes, adjuster, "Fel i närvaron.")
        assert approval.verdict == "withdrawn" and approval.comment == "Fel i närvaron."
        assert adjuster.id not in {
            m for m, a in services.current_approvals(minutes).items() if a.verdict == "approved"
        }
