"""``flask send-reminders`` over real SMTP with a frozen clock: one digest per person a day, the
weekly one only on Mondays, nothing the second time, and never the records' own text."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from po_meetings.dates import local_datetime
from po_meetings.extensions import db
from po_meetings.models import (
    ActionItem,
    Decision,
    Notification,
    ReminderSent,
    ReportStatus,
    SystemErrorReport,
    User,
)
from po_meetings.notifications import clock, reminders, services

from ..support.smtp_server import smtp_server  # noqa: F401

CHAIR, MEMBER = "ordforande@demo.se", "ledamot.vc@demo.se"
ACTION_TEXT = "Ringa hyresvärden om nattbemanningen"
SECRET_ACTION = "Utred klagomålet mot boendet på Storgatan"


def monday_ahead(weeks: int = 3) -> date:
    """Return a Monday a few weeks from now (the demo's open matters are then all due)."""
    today = date.today()
    return today + timedelta(days=7 * weeks - today.weekday())


@pytest.fixture
def frozen(monkeypatch):
    """Freeze the reminders' clock at 07.00 Swedish time on a day the test sets."""

    class Frozen:
        day = monday_ahead()

        def at(self, day: date) -> date:
            self.day = day
            return day

    frozen = Frozen()
    monkeypatch.setattr(clock, "now", lambda: local_datetime(frozen.day, time(7, 0)))
    return frozen


def user_id(email: str) -> int:
    return db.session.scalar(select(User.id).where(User.email == email))


def set_frequency(app, email: str, frequency: str) -> None:
    with app.app_context():
        db.session.get(User, user_id(email)).notify_frequency = frequency
        db.session.commit()


def give_actions(app, demo, day: date) -> None:
    """Give the member three uppdrag: overdue, due in five days (in a secret §), due in a month."""
    with app.app_context():
        decisions = db.session.scalars(
            select(Decision).where(Decision.group_id == demo.group_id).order_by(Decision.id)
        ).all()
        plain, secret = decisions[0], decisions[-1]
        assert plain.paragraph_id != secret.paragraph_id
        secret.paragraph.is_confidential, secret.paragraph.released_at = True, None
        owner = demo.membership(MEMBER)
        for decision, title, due in (
            (plain, ACTION_TEXT, day - timedelta(days=3)),
            (secret, SECRET_ACTION, day + timedelta(days=5)),
            (plain, ACTION_TEXT, day + timedelta(days=30)),
        ):
            db.session.add(
                ActionItem(decision=decision, group_id=demo.group_id, title=title, owner_id=owner, due_on=due)
            )
        db.session.commit()


def run(runner, *args: str):
    result = runner.invoke(args=["send-reminders", *args])
    assert result.exit_code == 0, result.output
    return result


def content(message) -> str:
    return message.get_content().replace("\r\n", "\n")


def test_one_digest_per_person_and_nothing_the_second_run_the_same_day(
    app,
    runner,
    demo,
    frozen,
    smtp_server,  # noqa: F811
):
    day = frozen.day
    give_actions(app, demo, day)
    result = run(runner)
    assert f"Sammanfattningar för {day}" in result.output

    with app.app_context():
        sent = db.session.scalar(select(func.count(ReminderSent.id)).where(ReminderSent.sent_on == day))
    messages = smtp_server.wait_for(sent)
    assert sent >= 2 and len(messages) == sent
    recipients = [m["To"] for m in messages]
    assert len(set(recipients)) == len(recipients), "one digest per person"
    assert {CHAIR, MEMBER} <= set(recipients)

    [digest] = smtp_server.to(MEMBER)
    assert digest["Subject"].startswith("Sammanfattning från PO-ledningsgrupp: måndag")
    body = content(digest)
    assert f"Försenat, skulle vara klart {day - timedelta(days=3)}: uppdrag från §" in body
    assert f"Klart senast {day + timedelta(days=5)}: sekretessbelagt uppdrag från mötet" in body
    assert str(day + timedelta(days=30)) not in body  # not due within a week
    assert f"http://localhost/groups/{demo.group_id}/follow-up" in body
    for text in (ACTION_TEXT, SECRET_ACTION):
        assert all(text not in content(m) for m in messages)

    chair = content(smtp_server.to(CHAIR)[0])
    assert "Att följa upp som ordförande" in chair
    with app.app_context():
        waiting = db.session.scalar(
            select(func.count(SystemErrorReport.id)).where(
                SystemErrorReport.group_id == demo.group_id,
                SystemErrorReport.status == ReportStatus.SUBMITTED.value,
            )
        )
        titles = db.session.scalars(select(SystemErrorReport.title)).all()
    assert f"{waiting} systemfel väntar på att tas upp" in chair
    assert "status=submitted" in chair
    assert all(title not in content(m) for m in messages for title in titles)

    # The second run that day sends nothing.
    again = run(runner)
    assert f"0 nya, {sent} hade redan fått dagens" in again.output
    smtp_server.wait_for(sent + 1, timeout=0.5)
    assert len(smtp_server.messages) == sent


def test_a_weekly_digest_comes_on_monday_a_daily_one_every_day(app, runner, demo, frozen, smtp_server):  # noqa: F811
    monday = frozen.day
    give_actions(app, demo, monday)
    set_frequency(app, MEMBER, "weekly")
    set_frequency(app, CHAIR, "daily")
    with app.test_request_context():
        services.notify(
            db.session.get(User, user_id(MEMBER)), demo.group_id, "test", "SF-2026-001: ny status upptagen"
        )
        db.session.commit()

    frozen.at(monday + timedelta(days=1))
    run(runner)
    tuesday = smtp_server.wait_for(1)
    assert CHAIR in {m["To"] for m in tuesday}
    assert smtp_server.to(MEMBER) == []
    with app.app_context():
        assert db.session.scalar(select(Notification.mailed_at)) is None

    frozen.at(monday + timedelta(days=7))
    run(runner)
    smtp_server.wait_for(len(tuesday) + 2)
    [weekly] = smtp_server.to(MEMBER)
    assert "SF-2026-001: ny status upptagen" in content(weekly)
    assert "en sammanfattning per vecka, på måndagar" in content(weekly)
    with app.app_context():
        assert db.session.scalar(select(Notification.mailed_at)) is not None
    assert len(smtp_server.to(CHAIR)) == 2


def test_none_means_no_digest_and_today_can_be_given(app, runner, demo, frozen, smtp_server):  # noqa: F811
    give_actions(app, demo, frozen.day)
    set_frequency(app, MEMBER, "none")
    run(runner, "--today", frozen.day.isoformat())
    smtp_server.wait_for(1)
    assert smtp_server.to(MEMBER) == []
    with app.app_context():
        assert db.session.scalar(select(ReminderSent.sent_on)) == frozen.day


def test_an_overlapping_run_that_got_there_first_wins(app, demo, frozen, monkeypatch):
    """The ReminderSent row is inserted before the mail: the unique constraint decides."""
    give_actions(app, demo, frozen.day)
    render = reminders._mail_text

    def other_run_first(digest, day):
        if digest.user.email == MEMBER:
            db.session.add(ReminderSent(user_id=digest.user.id, sent_on=day, items=1))
            db.session.commit()
        return render(digest, day)

    monkeypatch.setattr(reminders, "_mail_text", other_run_first)
    with app.test_request_context():
        result = reminders.send_reminders()
        assert MEMBER not in result.recipients and CHAIR in result.recipients
        assert result.already == 1
        assert (
            db.session.scalar(
                select(func.count(ReminderSent.id)).where(ReminderSent.user_id == user_id(MEMBER))
            )
            == 1
        )
