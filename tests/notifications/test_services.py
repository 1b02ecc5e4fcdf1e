"""Who is told of what, and how: at once by mail, waiting for a digest, or not at all; never with
the records' own text, never the one who made the change, never about what they may not see."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from po_meetings.domain import DomainError
from po_meetings.extensions import db
from po_meetings.meetings import services as meeting_services
from po_meetings.minutes import services as minutes_services
from po_meetings.models import (
    Meeting,
    Membership,
    Notification,
    OutgoingMail,
    Proposal,
    ReportFollower,
    ReportStatus,
    SystemErrorReport,
    User,
)
from po_meetings.notifications import services
from po_meetings.system_errors import services as register
from po_meetings.system_errors.demo import CONFIDENTIAL_TITLE, ESCALATED_TITLE

CHAIR, SECRETARY, ADJUSTER = "ordforande@demo.se", "ledamot@demo.se", "vice@demo.se"
MEMBER_VC, OMBUD, OMBUD2 = "ledamot.vc@demo.se", "ombud@demo.se", "ombud2@demo.se"
ACTION_TEXT = "Ta fram en rutin för nattbemanningen på boendet"


@pytest.fixture
def ctx(app, demo):
    """Run the test in a request (notifications are what people do in the app), demo loaded."""
    with app.test_request_context():
        yield demo
        db.session.rollback()


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def choose(email: str, frequency: str) -> User:
    person = user(email)
    services.set_notify_frequency(person, frequency)
    return person


def mails_to(email: str) -> list[OutgoingMail]:
    return db.session.scalars(select(OutgoingMail).where(OutgoingMail.recipient == email)).all()


def notes_of(email: str) -> list[Notification]:
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user(email).id).order_by(Notification.id)
    ).all()


def everything_sent() -> str:
    """Return every subject and body that left for the outbox or waits for a digest."""
    mails = db.session.scalars(select(OutgoingMail)).all()
    notes = db.session.scalars(select(Notification)).all()
    return "\n".join([*(m.subject + m.body for m in mails), *(n.subject + n.body for n in notes)])


def report(demo, title: str) -> SystemErrorReport:
    return db.session.scalar(
        select(SystemErrorReport).where(
            SystemErrorReport.group_id == demo.group_id, SystemErrorReport.title == title
        )
    )


# -- notify and the frequency ----------------------------------------------------------------------


def test_at_once_queues_a_mail_with_a_full_link_and_marks_it_mailed(ctx):
    person = choose(MEMBER_VC, "immediate")
    note = services.notify(person, ctx.group_id, "test", "SF-2026-001: ny status upptagen", link="/groups/1")
    db.session.flush()
    assert note.mailed_at is not None
    [mail] = mails_to(MEMBER_VC)
    assert mail.subject == "SF-2026-001: ny status upptagen"
    assert "http://localhost/groups/1" in mail.body
    assert "http://localhost/account" in mail.body  # where to choose a digest instead


def test_a_daily_or_weekly_digest_waits_and_none_records_nothing(ctx):
    for frequency in ("daily", "weekly"):
        person = choose(MEMBER_VC, frequency)
        note = services.notify(person, ctx.group_id, "test", "Något hände")
        db.session.flush()
        assert note.mailed_at is None
    assert mails_to(MEMBER_VC) == []
    assert len(notes_of(MEMBER_VC)) == 2
    person = choose(MEMBER_VC, "none")
    assert services.notify(person, ctx.group_id, "test", "Något hände") is None
    assert len(notes_of(MEMBER_VC)) == 2


def test_a_disabled_account_is_told_nothing(ctx):
    person = user(MEMBER_VC)
    person.is_disabled = True
    assert services.notify(person, ctx.group_id, "test", "Något hände") is None


def test_outside_a_request_nothing_is_recorded(app, demo):
    """Seeding and system commands are nobody's news."""
    with app.app_context():
        assert services.notify(user(MEMBER_VC), demo.group_id, "test", "Något hände") is None


def test_seeding_demo_data_in_a_request_is_nobodys_news(ctx):
    """The demo is seeded inside quiet(), even when a test's request is active."""
    with services.quiet():
        assert services.notify(user(MEMBER_VC), ctx.group_id, "test", "Något hände") is None
    assert services.notify(user(MEMBER_VC), ctx.group_id, "test", "Något hände") is not None
    assert db.session.scalars(select(Notification)).all() == notes_of(MEMBER_VC)


def test_a_frequency_that_does_not_exist_is_refused(ctx):
    person = user(MEMBER_VC)
    for bad in ("hourly", "", None, "IMMEDIATE"):
        with pytest.raises(DomainError, match="Välj ett av alternativen."):
            services.set_notify_frequency(person, bad)
    assert person.notify_frequency == "immediate"


def test_notify_each_leaves_out_duplicates_and_the_one_who_made_the_change(ctx):
    a, b = user(MEMBER_VC), user(SECRETARY)
    assert services.notify_each([a, b, a, None], ctx.group_id, "test", "Något", but=b) == 1
    assert len(notes_of(MEMBER_VC)) == 1 and notes_of(SECRETARY) == []


# -- the hooks -------------------------------------------------------------------------------------


def open_minutes(demo):
    """Start the demo's coming meeting with a secretary and a justerare; return (minutes, secretary)."""
    meeting = db.session.get(Meeting, demo.meeting_id)
    meeting_services.start_meeting(meeting)
    minutes = minutes_services.minutes_of(meeting)
    chair, secretary, adjuster = (
        db.session.get(Membership, demo.membership(e)) for e in (CHAIR, SECRETARY, ADJUSTER)
    )
    for person in (chair, secretary, adjuster):
        minutes_services.set_attendance(minutes, chair, person.id, "present")
    minutes_services.set_officers(minutes, chair, chair.id, secretary.id, [adjuster.id])
    return minutes, secretary


def test_an_uppdrag_tells_its_owner_by_its_paragraph_never_its_text(ctx):
    minutes, secretary = open_minutes(ctx)
    paragraph = minutes.paragraphs[0]
    decision = minutes_services.add_decision(paragraph, secretary, "att ge ett uppdrag")
    due = date.today() + timedelta(days=30)
    minutes_services.add_action(decision, secretary, ACTION_TEXT, ctx.membership(MEMBER_VC), due)
    [mail] = mails_to(MEMBER_VC)
    assert mail.subject.startswith(f"Nytt uppdrag till dig: {paragraph.label}, mötet ")
    assert due.isoformat() in mail.body
    assert f"/groups/{ctx.group_id}/follow-up" in mail.body
    # The secretary who gives themself an uppdrag is not told of it.
    minutes_services.add_action(decision, secretary, ACTION_TEXT, secretary.id, None)
    assert mails_to(SECRETARY) == [] and notes_of(SECRETARY) == []
    assert ACTION_TEXT not in everything_sent()


def test_the_justerare_is_told_as_they_chose(ctx):
    choose(CHAIR, "daily")
    minutes, _secretary = open_minutes(ctx)
    minutes_services.close(minutes.meeting, db.session.get(Membership, ctx.membership(CHAIR)))
    [mail] = mails_to(ADJUSTER)
    assert mail.subject.startswith("Protokoll att justera: ")
    assert mails_to(CHAIR) == []
    [waiting] = notes_of(CHAIR)
    assert waiting.mailed_at is None and waiting.subject == mail.subject
    assert waiting.link == f"/groups/{ctx.group_id}/meetings/{ctx.meeting_id}/minutes/"


def test_the_proposer_hears_of_acceptance_and_decline_without_title_or_reason(ctx):
    chair = user(CHAIR)
    proposals = [db.session.get(Proposal, i) for i in ctx.proposal_ids]
    pending = [p for p in proposals if p.status == "pending"]
    assert len(pending) >= 2, "the demo has proposals waiting"
    reason = "Frågan hör hemma i samverkansrådet"
    meeting_services.accept_proposal(pending[0], chair, minutes=10)
    meeting_services.decline_proposal(pending[1], chair, reason)
    sent = everything_sent()
    for proposal in pending[:2]:
        assert proposal.title not in sent
    assert reason not in sent
    subjects = [n.subject for p in pending[:2] for n in notes_of(p.proposer.email)]
    assert any(s.startswith("Ditt förslag är med på dagordningen") for s in subjects)
    assert any(s.startswith("Ditt förslag har avböjts") for s in subjects)


def test_a_report_tells_its_reporter_and_followers_but_not_the_one_who_changed_it(ctx):
    escalated = report(ctx, ESCALATED_TITLE)
    register.follow(escalated, user(MEMBER_VC))
    register.follow(escalated, user(CHAIR))
    chair = user(CHAIR)
    register.change_status(escalated, chair, ReportStatus.IN_PROGRESS, "Svaret kom per telefon.")
    followers = set(
        db.session.scalars(select(ReportFollower.user_id).where(ReportFollower.report_id == escalated.id))
    )
    told = {n.user_id for n in db.session.scalars(select(Notification))}
    assert told == (followers | {escalated.reporter_id}) - {chair.id}
    assert {escalated.reporter_id, user(MEMBER_VC).id} <= told
    [mail] = mails_to(OMBUD)
    assert mail.subject == f"{escalated.number}: ny status under arbete"
    assert ESCALATED_TITLE not in everything_sent()
    assert "Svaret kom per telefon" not in everything_sent()


def test_owner_level_and_a_reply_are_news_but_a_category_alone_is_not(ctx):
    escalated = report(ctx, ESCALATED_TITLE)
    chair = user(CHAIR)
    owner = db.session.get(Membership, ctx.membership(MEMBER_VC))
    register.set_owner(escalated, chair, owner, date.today() + timedelta(days=14))
    escalation = next(e for e in escalated.escalations if e.reply_received_on is None)
    register.record_reply(escalation, chair, escalation.sent_on, "Myndigheten ändrar rutinen.", None)
    subjects = [n.subject for n in notes_of(OMBUD)]
    assert subjects[0].startswith(f"{escalated.number}: ny ansvarig, nästa uppföljning ")
    assert subjects[1].startswith(f"{escalated.number}: svar på eskaleringen kom ")
    other_categories = [c for c in register.categories_of(escalated.level) if c.value != escalated.category]
    register.reclassify(escalated, chair, escalated.level, other_categories[0].value)
    assert len(notes_of(OMBUD)) == 2
    other_level = next(level for level in ("caseworker", "local", "central") if level != escalated.level)
    register.reclassify(escalated, chair, other_level, register.categories_of(other_level)[0].value)
    assert notes_of(OMBUD)[-1].subject.startswith(f"{escalated.number}: ny nivå: ")
    assert "Myndigheten ändrar rutinen" not in everything_sent()


def test_a_confidential_report_is_not_told_to_a_follower_who_may_not_see_it(ctx):
    secret = report(ctx, CONFIDENTIAL_TITLE)
    assert secret.is_confidential
    # An ombud who followed it before it became confidential.
    db.session.add(ReportFollower(report_id=secret.id, user_id=user(OMBUD2).id, group_id=secret.group_id))
    register.follow(secret, user(MEMBER_VC))
    db.session.flush()
    target = next(iter(register.TRANSITIONS[secret.status_enum] - {ReportStatus.ESCALATED}))
    register.change_status(
        secret,
        user(CHAIR),
        target,
        "Skäl",
        meeting=db.session.get(Meeting, ctx.meeting_id),
        owner=db.session.get(Membership, ctx.membership(MEMBER_VC)),
        next_review_on=date.today() + timedelta(days=7),
    )
    told = {n.user_id for n in db.session.scalars(select(Notification))}
    assert user(MEMBER_VC).id in told
    assert user(OMBUD2).id not in told
    assert CONFIDENTIAL_TITLE not in everything_sent()
