"""The decisions part of the minutes over HTTP: decisions, votes, reservations,
protokollsanteckningar, uppdrag and system errors, with the refusals a user would meet."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import event, func, select

from po_meetings.extensions import db
from po_meetings.minutes import services
from po_meetings.models import (
    ActionItem,
    Decision,
    Meeting,
    Membership,
    Minutes,
    MinutesNote,
    OrganisationFollowUp,
    Paragraph,
    Presence,
    ReportStatus,
    Reservation,
    SystemErrorReport,
    Vote,
)

HTMX = {"HX-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}

CHAIR = "ordforande@demo.se"  # Karin Lindqvist, chairs the meeting
VICE = "vice@demo.se"
SECRETARY = "ledamot@demo.se"  # Fatima Hassan, a plain member chosen as the meeting's secretary
ADJUSTER = "ledamot.vc@demo.se"  # Eva Nyström, justerare
ASBY = "ledamot.asby@demo.se"
RSMH = "ledamot.rsmh@demo.se"  # jävig in the § where the vote is taken
ABSENT = "ledamot.fk@demo.se"  # Per Sandberg, förhinder
SUBSTITUTE = "ersattare@demo.se"  # serves for ledamot.fk
CO_OPTED = "adjungerad@demo.se"
OMBUD = "ombud@demo.se"
PRESENT = (CHAIR, VICE, SECRETARY, ADJUSTER, ASBY, RSMH, SUBSTITUTE, CO_OPTED, OMBUD)


def _counts(meeting_id: int) -> dict:
    """Return how many decisions, votes, reservations, notes, uppdrag and återrapporteringar a
    meeting's minutes hold (the demo's earlier minutes hold some too)."""
    paragraphs = select(Paragraph.id).join(Minutes).where(Minutes.meeting_id == meeting_id)
    decisions = select(Decision.id).where(Decision.paragraph_id.in_(paragraphs))
    queries = {
        "Decision": select(func.count(Decision.id)).where(Decision.paragraph_id.in_(paragraphs)),
        "MinutesNote": select(func.count(MinutesNote.id)).where(MinutesNote.paragraph_id.in_(paragraphs)),
    }
    for model in (Vote, Reservation, ActionItem, OrganisationFollowUp):
        queries[model.__name__] = select(func.count(model.id)).where(model.decision_id.in_(decisions))
    return {name: db.session.scalar(query) for name, query in queries.items()}


@pytest.fixture
def meeting(app, client, auth, demo):
    """Start the demo meeting as the chair; set attendance, jäv and officers through the services.

    Present: the chair, the vice chair, four members, the substitute serving for the absent
    member, the co-opted member and an ombud. Maria Ek (RSMH) is jävig in the first open §.
    """
    auth.login(CHAIR)
    response = client.post(
        f"/groups/{demo.group_id}/meetings/{demo.meeting_id}/start", data={"confirm": "yes"}
    )
    assert response.status_code == 303
    with app.app_context():
        minutes = services.minutes_of(db.session.get(Meeting, demo.meeting_id))
        chair = db.session.get(Membership, demo.membership(CHAIR))
        for email in PRESENT:
            services.set_attendance(minutes, chair, demo.membership(email), Presence.PRESENT)
        services.set_attendance(minutes, chair, demo.membership(ABSENT), Presence.APOLOGIES)
        services.set_attendance(
            minutes,
            chair,
            demo.membership(SUBSTITUTE),
            Presence.PRESENT,
            serving_for_id=demo.membership(ABSENT),
        )
        services.set_officers(
            minutes, chair, chair.id, demo.membership(SECRETARY), [demo.membership(ADJUSTER)]
        )
        open_paragraph = next(p for p in minutes.paragraphs if not p.is_confidential)
        secret = next(p for p in minutes.paragraphs if p.agenda_item_id == demo.confidential_item_id)
        services.recuse(open_paragraph, chair, demo.membership(RSMH))
        db.session.commit()
        base = f"/groups/{demo.group_id}/meetings/{demo.meeting_id}/minutes"
        return SimpleNamespace(
            base=base,
            page=base + "/",
            paragraph_id=open_paragraph.id,
            secret_paragraph_id=secret.id,
            minutes_id=minutes.id,
            m=demo.membership,
        )


def _decide(
    client, meeting, text="att anta verksamhetsplanen", method="consensus", paragraph_id=None, **extra
):
    """Post a new decision in a § and return the response."""
    paragraph_id = paragraph_id or meeting.paragraph_id
    prefix = f"new-decision-{paragraph_id}-"
    data = {prefix + "text": text, prefix + "method": method}
    data.update({prefix + k: v for k, v in extra.items()})
    return client.post(f"{meeting.base}/paragraphs/{paragraph_id}/decisions", data=data)


def _decision_id(app, text) -> int:
    """Return the id of the decision with this text."""
    with app.app_context():
        return db.session.scalar(select(Decision.id).where(Decision.text == text))


def _vote(client, meeting, decision_id, votes: dict, headers=None):
    """Post a votering: {email: choice}."""
    data = {f"vote-{meeting.m(email)}": choice for email, choice in votes.items()}
    return client.post(f"{meeting.base}/decisions/{decision_id}/votes", data=data, headers=headers)


def _close(client, auth, meeting, demo):
    """Close the meeting as the chair."""
    auth.login(CHAIR)
    response = client.post(
        f"/groups/{demo.group_id}/meetings/{demo.meeting_id}/close", data={"confirm": "yes"}
    )
    assert response.status_code == 303
    with client.session_transaction() as session:
        flashes = [m for _, m in session.get("_flashes", [])]
    assert "Mötet är avslutat. Protokollet går till justering." in flashes


def _text(response) -> str:
    """Return the response's text with tags removed and whitespace collapsed."""
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


#: The 4–2 votering: Maria Ek (RSMH) is jävig and does not vote.
VOTES_4_2 = {CHAIR: "yes", VICE: "yes", SECRETARY: "yes", SUBSTITUTE: "yes", ADJUSTER: "no", ASBY: "no"}


@pytest.fixture
def voted(app, client, auth, meeting):
    """Take a decision by votering, 4 ja against 2 nej, recorded by the secretary."""
    auth.login(SECRETARY)
    assert _decide(client, meeting, "att köpa in nya datorer", "vote").status_code == 303
    decision_id = _decision_id(app, "att köpa in nya datorer")
    assert _vote(client, meeting, decision_id, VOTES_4_2).status_code == 303
    meeting.decision_id = decision_id
    return meeting


# -- decisions -------------------------------------------------------------------------------------


def test_secretary_records_a_consensus_decision(app, client, auth, meeting):
    auth.login(SECRETARY)
    response = _decide(client, meeting, "att anta verksamhetsplanen för 2026")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/minutes/#paragraph-{meeting.paragraph_id}")
    page = _text(client.get(meeting.page))
    assert "Beslutet är antecknat." in page
    assert "att anta verksamhetsplanen för 2026" in page
    assert "Beslut i enighet: Förslaget bifölls" in page


def test_a_decision_over_htmx_answers_with_the_paragraph_block(app, client, auth, meeting):
    auth.login(SECRETARY)
    response = _decide(client, meeting, "att godkänna budgeten")
    assert response.status_code == 303
    response = client.post(
        f"{meeting.base}/paragraphs/{meeting.paragraph_id}/decisions",
        data={
            f"new-decision-{meeting.paragraph_id}-text": "att anta planen",
            f"new-decision-{meeting.paragraph_id}-method": "consensus",
        },
        headers=HTMX,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert f'id="paragraph-{meeting.paragraph_id}"' in html
    assert 'role="status"' in html and "Beslutet är antecknat." in html
    assert "att anta planen" in html and "att godkänna budgeten" in html
    boosted = client.post(
        f"{meeting.base}/paragraphs/{meeting.paragraph_id}/decisions",
        data={
            f"new-decision-{meeting.paragraph_id}-text": "att anta mer",
            f"new-decision-{meeting.paragraph_id}-method": "consensus",
        },
        headers=BOOSTED,
    )
    assert boosted.status_code == 303


def test_an_empty_or_personnummer_decision_is_refused_beside_the_field(app, client, auth, demo, meeting):
    auth.login(SECRETARY)
    response = _decide(client, meeting, "")
    assert response.status_code == 422
    assert "Skriv beslutet." in _text(response)
    response = _decide(client, meeting, "att bevilja 19121212-1212 bidrag")
    assert response.status_code == 422
    assert "personnummer" in _text(response)
    response = client.post(
        f"{meeting.base}/paragraphs/{meeting.paragraph_id}/decisions",
        data={
            f"new-decision-{meeting.paragraph_id}-text": "",
            f"new-decision-{meeting.paragraph_id}-method": "consensus",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Skriv beslutet." in _text(response)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    with app.app_context():
        assert _counts(demo.meeting_id)["Decision"] == 0


def test_edit_and_delete_a_decision_while_the_meeting_is_under_way(app, client, auth, demo, meeting):
    auth.login(SECRETARY)
    _decide(client, meeting, "att anta planen")
    decision_id = _decision_id(app, "att anta planen")
    form = client.get(f"{meeting.base}/decisions/{decision_id}/edit", headers=HTMX)
    assert form.status_code == 200
    assert "Ändra beslutet" in form.get_data(as_text=True)
    assert f'name="decision-{decision_id}-text"' in form.get_data(as_text=True)
    assert re.search(
        rf'<textarea[^>]*autofocus[^>]*id="decision-{decision_id}-text"', form.get_data(as_text=True)
    )
    response = client.post(
        f"{meeting.base}/decisions/{decision_id}",
        data={f"decision-{decision_id}-text": "att anta den reviderade planen"},
    )
    assert response.status_code == 303
    assert "att anta den reviderade planen" in _text(client.get(meeting.page))
    response = client.post(f"{meeting.base}/decisions/{decision_id}/delete")
    assert response.status_code == 303
    with app.app_context():
        assert _counts(demo.meeting_id)["Decision"] == 0


def test_a_decision_without_economic_mandate_asks_each_organisation(app, client, auth, demo, meeting):
    auth.login(SECRETARY)
    response = _decide(client, meeting, "att starta ett gemensamt projekt", needs_organisation_approval="y")
    assert response.status_code == 303
    with app.app_context():
        decision = db.session.scalar(
            select(Decision).where(Decision.text == "att starta ett gemensamt projekt")
        )
        names = sorted(f.organisation.name for f in decision.follow_ups)
        ordinary = db.session.scalars(
            select(Membership).where(
                Membership.group_id == demo.group_id,
                Membership.role.in_(["chair", "vice_chair", "member"]),
                Membership.ended_at.is_(None),
            )
        ).all()
        expected = sorted({m.organisation.name for m in ordinary if m.organisation is not None})
    assert len(expected) >= 5
    assert names == expected  # one återrapportering per organisation, none twice
    page = _text(client.get(meeting.page))
    assert "Utan ekonomiskt mandat – återrapportering från varje organisation" in page
    for name in names:
        assert f"{name}: väntar på återrapport" in page


# -- votes -------------------------------------------------------------------------------------------


def test_a_vote_4_2_shows_the_result_and_the_vote_table(app, client, auth, voted):
    page = client.get(voted.page)
    text = _text(page)
    assert "Beslut efter votering: Förslaget bifölls" in text
    assert "Votering: ja 4, nej 2, avstår 0" in text
    assert "Eva Nyström Region Mellanland, primärvården Nej" in text
    assert "Maria Ek (RSMH Mellanå): jävig – röstar inte" in text


def test_the_vote_form_lists_voters_with_a_radio_group_each_and_never_the_non_voters(
    app, client, auth, meeting
):
    auth.login(SECRETARY)
    _decide(client, meeting, "att välja", "vote")
    html = client.get(meeting.page).get_data(as_text=True)
    form = html[html.index("<caption>Anteckna röster") : html.index("Anteckna rösterna</button>")]
    # five present ordinary members (one is jävig) and the serving substitute
    assert form.count("<fieldset") == 6
    assert '<legend class="visually-hidden">Röst för Karin Lindqvist</legend>' in form
    assert "Sara Öberg" in form  # the serving substitute
    assert "jävig – röstar inte" in form
    for name in ("Lina Åkesson", "Per Sandberg"):  # the ombud, the absent member
        assert name not in form
    assert f'name="vote-{meeting.m(CO_OPTED)}"' not in form


def test_a_vote_by_a_non_voter_is_refused_and_nothing_is_saved(app, client, auth, demo, meeting):
    auth.login(SECRETARY)
    _decide(client, meeting, "att välja", "vote")
    decision_id = _decision_id(app, "att välja")
    response = _vote(client, meeting, decision_id, {CHAIR: "yes", OMBUD: "no"})
    assert response.status_code == 422
    assert "Lina Åkesson är personligt ombud och röstar inte." in _text(response)
    response = _vote(client, meeting, decision_id, {CHAIR: "yes", RSMH: "no"}, headers=HTMX)
    assert response.status_code == 200
    assert "Maria Ek är jävig i" in _text(response)
    response = _vote(client, meeting, decision_id, {ABSENT: "yes"})
    assert "Per Sandberg är inte röstberättigad" in _text(response)
    with app.app_context():
        assert _counts(demo.meeting_id)["Vote"] == 0
        assert db.session.get(Decision, decision_id).result == "pending"


def test_two_votes_by_one_person_in_one_post_are_refused(app, client, auth, demo, meeting):
    auth.login(SECRETARY)
    _decide(client, meeting, "att välja", "vote")
    decision_id = _decision_id(app, "att välja")
    response = client.post(
        f"{meeting.base}/decisions/{decision_id}/votes",
        data={f"vote-{meeting.m(VICE)}": "yes", f"vote-{meeting.m(CHAIR)}": ["yes", "no"]},
    )
    assert response.status_code == 422
    assert "Samma person kan bara rösta en gång." in _text(response)
    with app.app_context():
        assert _counts(demo.meeting_id)["Vote"] == 0


def test_a_vote_can_be_removed_while_the_meeting_is_under_way(app, client, auth, voted):
    with app.app_context():
        vote_id = db.session.scalar(
            select(Vote.id).where(Vote.decision_id == voted.decision_id, Vote.membership_id == voted.m(ASBY))
        )
    response = client.post(f"{voted.base}/votes/{vote_id}/delete", headers=HTMX)
    assert response.status_code == 200
    assert "Votering: ja 4, nej 1, avstår 0" in _text(response)


def test_votes_after_closing_are_refused(app, client, auth, demo, meeting):
    auth.login(SECRETARY)
    _decide(client, meeting, "att välja", "vote")
    decision_id = _decision_id(app, "att välja")
    assert _vote(client, meeting, decision_id, {CHAIR: "yes", VICE: "no", ADJUSTER: "yes"}).status_code == 303
    _close(client, auth, meeting, demo)
    auth.login(SECRETARY)
    response = _vote(client, meeting, decision_id, {ASBY: "no", SECRETARY: "no"})
    assert response.status_code == 422
    assert services.CLOSED in _text(response)
    with app.app_context():
        assert _counts(demo.meeting_id)["Vote"] == 3
        assert db.session.get(Decision, decision_id).result == "adopted"


# -- reservations ------------------------------------------------------------------------------------


def test_a_no_voter_reserves_and_motivates_after_closing(app, client, auth, demo, voted):
    auth.login(ASBY)
    page = client.get(voted.page).get_data(as_text=True)
    assert "Anteckna en reservation" in page  # a member may reserve for themself
    response = client.post(
        f"{voted.base}/decisions/{voted.decision_id}/reservations",
        data={f"reservation-{voted.decision_id}-membership_id": voted.m(ASBY)},
    )
    assert response.status_code == 303
    with app.app_context():
        name = db.session.get(Membership, voted.m(ASBY)).user.name
    assert f"Reservation: {name} (" in _text(client.get(voted.page))
    _close(client, auth, voted, demo)
    auth.login(ASBY)
    with app.app_context():
        reservation_id = db.session.scalar(
            select(Reservation.id).where(Reservation.decision_id == voted.decision_id)
        )
    response = client.post(
        f"{voted.base}/reservations/{reservation_id}/motivation",
        data={f"motivation-{reservation_id}-motivation": "Inköpet ryms inte i budgeten."},
    )
    assert response.status_code == 303
    assert "Inköpet ryms inte i budgeten." in _text(client.get(voted.page))


def test_the_secretary_reserves_for_a_no_voter_with_a_motivation(app, client, auth, voted):
    response = client.post(
        f"{voted.base}/decisions/{voted.decision_id}/reservations",
        data={
            f"reservation-{voted.decision_id}-membership_id": voted.m(ADJUSTER),
            f"reservation-{voted.decision_id}-motivation": "Frågan är inte utredd.",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    text = _text(response)
    assert "Reservation: Eva Nyström (Region Mellanland, primärvården)" in text
    assert "Frågan är inte utredd." in text
    assert "Reservationen är antecknad." in text


@pytest.mark.parametrize(
    ("email", "message"),
    [
        (CHAIR, "Bara den som röstade mot beslutet kan reservera sig; Karin Lindqvist gjorde inte det."),
        (ABSENT, "Per Sandberg deltog inte i beslutet och kan inte reservera sig."),
        (RSMH, "Maria Ek är jävig i"),
        (CO_OPTED, "och kan inte reservera sig; begär en protokollsanteckning i stället."),
        (OMBUD, "Lina Åkesson är personligt ombud och kan inte reservera sig"),
    ],
)
def test_a_reservation_by_someone_who_may_not_reserve_is_refused(
    app, client, auth, demo, voted, email, message
):
    response = client.post(
        f"{voted.base}/decisions/{voted.decision_id}/reservations",
        data={f"reservation-{voted.decision_id}-membership_id": voted.m(email)},
    )
    assert response.status_code == 422
    assert message in _text(response)
    with app.app_context():
        assert _counts(demo.meeting_id)["Reservation"] == 0


def test_a_member_cannot_reserve_for_someone_else(app, client, auth, demo, voted):
    auth.login(ASBY)
    response = client.post(
        f"{voted.base}/decisions/{voted.decision_id}/reservations",
        data={f"reservation-{voted.decision_id}-membership_id": voted.m(ADJUSTER)},
    )
    assert response.status_code == 422
    assert "Bara mötets sekreterare och ordförande kan ändra protokollet." in _text(response)
    with app.app_context():
        assert _counts(demo.meeting_id)["Reservation"] == 0


def test_no_reservation_after_closing(app, client, auth, demo, voted):
    _close(client, auth, voted, demo)
    auth.login(ASBY)
    response = client.post(
        f"{voted.base}/decisions/{voted.decision_id}/reservations",
        data={f"reservation-{voted.decision_id}-membership_id": voted.m(ASBY)},
    )
    assert response.status_code == 422
    assert services.CLOSED in _text(response)
    with app.app_context():
        assert _counts(demo.meeting_id)["Reservation"] == 0


# -- after justering -----------------------------------------------------------------------------------


def test_every_edit_after_justering_is_refused(app, client, auth, demo, voted):
    client.post(
        f"{voted.base}/decisions/{voted.decision_id}/reservations",
        data={f"reservation-{voted.decision_id}-membership_id": voted.m(ADJUSTER)},
    )
    _close(client, auth, voted, demo)
    with app.app_context():
        minutes = services.minutes_of(db.session.get(Meeting, demo.meeting_id))
        services.justera(minutes, db.session.get(Membership, voted.m(CHAIR)), True, notify=False)
        services.justera(minutes, db.session.get(Membership, voted.m(ADJUSTER)), True, notify=False)
        db.session.commit()
        reservation_id = db.session.scalar(
            select(Reservation.id).where(Reservation.decision_id == voted.decision_id)
        )
        before = _counts(demo.meeting_id)
    auth.login(CHAIR)
    d = voted.decision_id
    attempts = [
        (f"/decisions/{d}", {f"decision-{d}-text": "att ändra i efterhand"}, services.LOCKED),
        (f"/decisions/{d}/delete", {}, services.LOCKED),
        (
            f"/decisions/{d}/actions",
            {f"action-{d}-title": "Följ upp", f"action-{d}-owner_id": voted.m(VICE)},
            services.LOCKED,
        ),
        (
            f"/paragraphs/{voted.paragraph_id}/decisions",
            {
                f"new-decision-{voted.paragraph_id}-text": "att",
                f"new-decision-{voted.paragraph_id}-method": "consensus",
            },
            services.LOCKED,
        ),
        (
            f"/reservations/{reservation_id}/motivation",
            {f"motivation-{reservation_id}-motivation": "Sent"},
            "Protokollet är justerat; motiveringen kan inte längre lämnas.",
        ),
    ]
    for path, data, message in attempts:
        response = client.post(voted.base + path, data=data)
        assert response.status_code == 422, path
        assert message in _text(response), path
    with app.app_context():
        assert _counts(demo.meeting_id) == before
        assert db.session.get(Decision, d).text == "att köpa in nya datorer"
    page = client.get(voted.page).get_data(as_text=True)
    assert "Anteckna ett beslut" not in page and "Ändra beslutet" not in page


# -- protokollsanteckningar ------------------------------------------------------------------------------


def test_an_ombud_asks_for_a_note_and_the_chair_accepts_it(app, client, auth, meeting):
    auth.login(OMBUD)
    response = client.post(
        f"{meeting.base}/paragraphs/{meeting.paragraph_id}/notes",
        data={f"note-{meeting.paragraph_id}-text": "Klienterna väntar för länge på besked."},
    )
    assert response.status_code == 303
    text = _text(client.get(meeting.page))
    assert "Klienterna väntar för länge på besked." in text and "väntar på ordföranden" in text
    auth.login(ASBY)  # neither the one who asked nor a writer: a pending note is not theirs to see
    assert "Klienterna väntar för länge på besked." not in _text(client.get(meeting.page))
    auth.login(CHAIR)
    with app.app_context():
        note_id = db.session.scalar(
            select(MinutesNote.id).where(MinutesNote.paragraph_id == meeting.paragraph_id)
        )
    page = client.get(meeting.page).get_data(as_text=True)
    assert "För in anteckningen" in page
    response = client.post(f"{meeting.base}/notes/{note_id}/decide", data={"verdict": "accept"}, headers=HTMX)
    assert response.status_code == 200
    assert "Protokollsanteckningen är införd." in _text(response)
    auth.login(ASBY)
    assert "Protokollsanteckning: Lina Åkesson: Klienterna väntar för länge på besked." in _text(
        client.get(meeting.page)
    )


def test_the_secretary_enters_a_note_for_someone_and_only_the_chair_decides(app, client, auth, meeting):
    auth.login(SECRETARY)
    response = client.post(
        f"{meeting.base}/paragraphs/{meeting.paragraph_id}/notes",
        data={
            f"note-{meeting.paragraph_id}-membership_id": meeting.m(CO_OPTED),
            f"note-{meeting.paragraph_id}-text": "Regionen deltar gärna i projektet.",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        note = db.session.scalar(select(MinutesNote).where(MinutesNote.paragraph_id == meeting.paragraph_id))
        assert note.membership_id == meeting.m(CO_OPTED)
        note_id = note.id
    response = client.post(f"{meeting.base}/notes/{note_id}/decide", data={"verdict": "accept"})
    assert response.status_code == 422
    assert "Bara mötets ordförande kan göra det." in _text(response)
    with app.app_context():
        assert db.session.get(MinutesNote, note_id).status == "requested"


def test_a_note_by_someone_absent_is_refused(app, client, auth, demo, meeting):
    auth.login(SECRETARY)
    response = client.post(
        f"{meeting.base}/paragraphs/{meeting.paragraph_id}/notes",
        data={
            f"note-{meeting.paragraph_id}-membership_id": meeting.m(ABSENT),
            f"note-{meeting.paragraph_id}-text": "Något",
        },
    )
    assert response.status_code == 422
    assert "Per Sandberg var inte närvarande vid" in _text(response)
    with app.app_context():
        assert _counts(demo.meeting_id)["MinutesNote"] == 0


# -- uppdrag and system errors -----------------------------------------------------------------------------


def test_an_action_item_is_added_to_a_decision(app, client, auth, demo, meeting):
    auth.login(SECRETARY)
    _decide(client, meeting, "att ta fram en rutin")
    decision_id = _decision_id(app, "att ta fram en rutin")
    prefix = f"action-{decision_id}-"
    response = client.post(
        f"{meeting.base}/decisions/{decision_id}/actions",
        data={
            prefix + "title": "Skriv ett utkast till rutin",
            prefix + "owner_id": meeting.m(VICE),
            prefix + "due_on": "2099-06-30",
        },
    )
    assert response.status_code == 303
    text = _text(client.get(meeting.page))
    assert "Skriv ett utkast till rutin" in text
    assert "2099-06-30 Ej påbörjad" in text
    response = client.post(
        f"{meeting.base}/decisions/{decision_id}/actions",
        data={prefix + "title": "Ring 19121212-1212", prefix + "owner_id": meeting.m(VICE)},
    )
    assert response.status_code == 422
    assert "personnummer" in _text(response)
    response = client.post(
        f"{meeting.base}/decisions/{decision_id}/actions",
        data={prefix + "title": "Ombudet gör det", prefix + "owner_id": meeting.m(OMBUD)},
    )
    assert response.status_code == 422
    assert "Den ansvariga ska vara ledamot eller ersättare i gruppen." in _text(response)
    with app.app_context():
        assert _counts(demo.meeting_id)["ActionItem"] == 1


def test_linking_a_report_with_take_up_moves_it_to_upptagen(app, client, auth, demo, meeting):
    with app.app_context():
        report = db.session.scalars(
            select(SystemErrorReport).where(
                SystemErrorReport.group_id == demo.group_id,
                SystemErrorReport.status == ReportStatus.SUBMITTED.value,
            )
        ).first()
        report_id, number = report.id, report.number
    auth.login(SECRETARY)
    _decide(client, meeting, "att ta upp systemfelet")
    decision_id = _decision_id(app, "att ta upp systemfelet")
    assert number in client.get(meeting.page).get_data(as_text=True)  # offered in the select
    response = client.post(
        f"{meeting.base}/decisions/{decision_id}/reports",
        data={f"report-{decision_id}-report_id": report_id, f"report-{decision_id}-effect": "take_up"},
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(SystemErrorReport, report_id).status == ReportStatus.TAKEN_UP.value
    html = client.get(meeting.page).get_data(as_text=True)
    assert f'href="/groups/{demo.group_id}/system-errors/{number}"' in html
    assert "Tagen upp" in html
    report_page = client.get(f"/groups/{demo.group_id}/system-errors/{number}")
    assert report_page.status_code == 200 and "Upptagen" in report_page.get_data(as_text=True)
    # The register's own rules: a taken-up report cannot be taken up again.
    _decide(client, meeting, "att ta upp det igen")
    again = _decision_id(app, "att ta upp det igen")
    response = client.post(
        f"{meeting.base}/decisions/{again}/reports",
        data={f"report-{again}-report_id": report_id, f"report-{again}-effect": "take_up"},
    )
    assert response.status_code == 422
    assert "En rapport med status upptagen kan inte få status upptagen." in _text(response)


def test_escalating_a_report_needs_the_register_fields(app, client, auth, demo, meeting):
    with app.app_context():
        report_id = db.session.scalar(
            select(SystemErrorReport.id).where(
                SystemErrorReport.group_id == demo.group_id,
                SystemErrorReport.status == ReportStatus.IN_PROGRESS.value,
            )
        )
    assert report_id is not None
    auth.login(SECRETARY)
    _decide(client, meeting, "att eskalera")
    decision_id = _decision_id(app, "att eskalera")
    prefix = f"report-{decision_id}-"
    response = client.post(
        f"{meeting.base}/decisions/{decision_id}/reports",
        data={prefix + "report_id": report_id, prefix + "effect": "escalate", prefix + "body": "region"},
    )
    assert response.status_code == 422
    assert "Ange när eskaleringen skickades." in _text(response)
    with app.app_context():
        assert db.session.get(SystemErrorReport, report_id).status == ReportStatus.IN_PROGRESS.value
    response = client.post(
        f"{meeting.base}/decisions/{decision_id}/reports",
        data={
            prefix + "report_id": report_id,
            prefix + "effect": "escalate",
            prefix + "body": "region",
            prefix + "sent_on": "2026-01-15",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(SystemErrorReport, report_id).status == ReportStatus.ESCALATED.value


# -- who may do what -----------------------------------------------------------------------------------------


def test_denied_roles(app, client, auth, demo, voted):
    d = voted.decision_id
    members_only = [
        (f"/paragraphs/{voted.paragraph_id}/decisions", {}),
        (f"/decisions/{d}", {}),
        (f"/decisions/{d}/votes", {}),
        (f"/decisions/{d}/reservations", {}),
        (f"/decisions/{d}/actions", {}),
        (f"/decisions/{d}/reports", {}),
    ]
    for login in (OMBUD, CO_OPTED):
        auth.login(login)
        for path, data in members_only:
            assert client.post(voted.base + path, data=dict(data)).status_code == 403, (login, path)
        assert client.get(f"{voted.base}/decisions/{d}/edit").status_code == 403
    auth.login("ordforande.norrsjo@demo.se")
    assert client.post(voted.base + f"/decisions/{d}/votes", data={}).status_code == 404
    assert client.post(voted.base + f"/paragraphs/{voted.paragraph_id}/notes", data={}).status_code == 404
    with app.app_context():
        assert _counts(demo.meeting_id)["Vote"] == 6


def test_a_confidential_paragraphs_decisions_are_hidden_from_ombuds(app, client, auth, demo, meeting):
    auth.login(SECRETARY)
    response = _decide(client, meeting, "att bevilja extra medel", paragraph_id=meeting.secret_paragraph_id)
    assert response.status_code == 303
    decision_id = _decision_id(app, "att bevilja extra medel")
    auth.login(VICE)
    assert client.get(f"{meeting.base}/decisions/{decision_id}/edit").status_code == 200
    auth.login(OMBUD)
    assert "att bevilja extra medel" not in client.get(meeting.page).get_data(as_text=True)
    response = client.post(
        f"{meeting.base}/paragraphs/{meeting.secret_paragraph_id}/notes",
        data={f"note-{meeting.secret_paragraph_id}-text": "Hemligt"},
    )
    assert response.status_code == 404
    with app.app_context():
        assert _counts(demo.meeting_id)["MinutesNote"] == 0


def _statements(app, client, url) -> int:
    """Return how many SQL statements a GET of the page takes."""
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


def test_more_decisions_votes_and_uppdrag_cost_no_more_queries(app, client, auth, demo, voted):
    auth.login(SECRETARY)

    def add(text, note):
        _decide(client, voted, text, needs_organisation_approval="y")
        decision_id = _decision_id(app, text)
        client.post(
            f"{voted.base}/decisions/{decision_id}/actions",
            data={f"action-{decision_id}-title": "Följ upp", f"action-{decision_id}-owner_id": voted.m(VICE)},
        )
        client.post(
            f"{voted.base}/paragraphs/{voted.paragraph_id}/notes",
            data={f"note-{voted.paragraph_id}-text": note},
        )

    client.post(
        f"{voted.base}/decisions/{voted.decision_id}/reservations",
        data={f"reservation-{voted.decision_id}-membership_id": voted.m(ADJUSTER)},
    )
    add("att anta planen", "En anteckning.")
    before = _statements(app, client, voted.page)
    client.post(
        f"{voted.base}/decisions/{voted.decision_id}/reservations",
        data={f"reservation-{voted.decision_id}-membership_id": voted.m(ASBY)},
    )
    add("att starta projektet", "En till.")
    add("att utvärdera", "En tredje.")
    with app.app_context():
        counts = _counts(demo.meeting_id)
    assert (counts["ActionItem"], counts["Reservation"], counts["MinutesNote"]) == (3, 2, 3)
    assert _statements(app, client, voted.page) == before
