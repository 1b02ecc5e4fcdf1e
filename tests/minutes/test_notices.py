"""Mails about the minutes over real SMTP: to the approvers at closing, to the secretary when the
minutes are sent back, to the group when they are justerade — never with the minutes' text."""

from __future__ import annotations

from sqlalchemy import select

from po_meetings import permissions
from po_meetings.extensions import db
from po_meetings.meetings import services as meeting_services
from po_meetings.minutes import services
from po_meetings.models import Meeting, Membership, OutgoingMail

from ..support.smtp_server import smtp_server  # noqa: F401

SECRET = "Hemlig text om nattbemanningen"
CHAIR, SECRETARY, ADJUSTER = "ordforande@demo.se", "ledamot@demo.se", "vice@demo.se"


def minutes_url(demo) -> str:
    return f"/groups/{demo.group_id}/meetings/{demo.meeting_id}/minutes/"


def held_meeting(app, demo) -> None:
    """Start the demo meeting with a secretary and a justerare and write a § (still pågår)."""
    with app.test_request_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        meeting_services.start_meeting(meeting)
        minutes = services.minutes_of(meeting)
        chair, secretary, adjuster = (
            db.session.get(Membership, demo.membership(e)) for e in (CHAIR, SECRETARY, ADJUSTER)
        )
        for person in (chair, secretary, adjuster):
            services.set_attendance(minutes, chair, person.id, "present")
        services.set_officers(minutes, chair, chair.id, secretary.id, [adjuster.id])
        paragraph = minutes.paragraphs[0]
        services.save_paragraph(paragraph, secretary, paragraph.title, SECRET, paragraph.version)
        db.session.commit()


def test_closing_tells_the_chair_and_the_justerare(app, client, auth, demo, smtp_server):  # noqa: F811
    held_meeting(app, demo)
    auth.login_as(permissions.CHAIR)
    response = client.post(
        f"/groups/{demo.group_id}/meetings/{demo.meeting_id}/close", data={"confirm": "yes"}
    )
    assert response.status_code == 303
    messages = smtp_server.wait_for(2)
    assert sorted(m["To"] for m in messages) == sorted([CHAIR, ADJUSTER])
    for message in messages:
        assert message["Subject"].startswith(
            "Protokoll att justera: Ledningsgruppen för personligt ombud i Mellanå"
        )
        body = message.get_content()
        assert f"http://localhost{minutes_url(demo)}" in body
        assert SECRET not in body
    assert (
        "2 personer har fått besked om justeringen med e-post."
        in client.get(response.headers["Location"]).text
    )


def test_a_return_tells_the_secretary_and_justering_tells_the_group(app, client, auth, demo, smtp_server):  # noqa: F811
    held_meeting(app, demo)
    auth.login_as(permissions.CHAIR)
    client.post(f"/groups/{demo.group_id}/meetings/{demo.meeting_id}/close", data={"confirm": "yes"})
    smtp_server.wait_for(2)

    auth.logout()
    auth.login(ADJUSTER)
    response = client.post(
        f"{minutes_url(demo)}justering",
        data={"justering-comment": "Rätta stavningen i § 1.", "justering-verdict": "return"},
    )
    assert response.status_code == 303, response.text
    returned = smtp_server.wait_for(3)[2]
    assert returned["To"] == SECRETARY
    assert returned["Subject"].startswith("Protokollet har skickats tillbaka:")
    assert "Johan Berg har skickat tillbaka protokollet" in returned.get_content()
    assert "stavningen" not in returned.get_content()  # the comment itself stays in the app

    for email in (ADJUSTER, CHAIR):
        auth.logout()
        auth.login(email)
        assert (
            client.post(f"{minutes_url(demo)}justering", data={"justering-verdict": "approve"}).status_code
            == 303
        )
    with app.app_context():
        members = db.session.scalar(
            select(db.func.count(Membership.id)).where(
                Membership.group_id == demo.group_id, Membership.ended_at.is_(None)
            )
        )
    messages = smtp_server.wait_for(3 + members)[3:]
    assert all(m["Subject"].startswith("Protokollet är justerat:") for m in messages)
    assert {"ombud@demo.se", SECRETARY} <= {m["To"] for m in messages}
    assert all(SECRET not in m.get_content() for m in messages)
    with app.app_context():
        assert (
            db.session.scalar(select(db.func.count(OutgoingMail.id)).where(OutgoingMail.sent_at.is_(None)))
            == 0
        )


def test_closing_queues_its_mail_in_its_own_transaction(app, demo):
    """The mail about justering is queued by the service with the closing: rolled back, none is left."""
    held_meeting(app, demo)
    with app.test_request_context():
        before = db.session.scalar(select(db.func.count(OutgoingMail.id)))
        meeting = db.session.get(Meeting, demo.meeting_id)
        services.close(meeting, db.session.get(Membership, demo.membership(CHAIR)))
        queued = db.session.scalars(
            select(OutgoingMail.recipient).where(OutgoingMail.sent_at.is_(None))
        ).all()
        assert sorted(queued[-2:]) == sorted([CHAIR, ADJUSTER])
        assert db.session.scalar(select(db.func.count(OutgoingMail.id))) == before + 2
        db.session.rollback()
        assert db.session.scalar(select(db.func.count(OutgoingMail.id))) == before
