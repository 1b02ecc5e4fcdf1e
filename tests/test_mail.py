"""The outbox: mail is a row first, sent after commit through real SMTP, retried by ``flask send-mail``."""

from __future__ import annotations

import socket

from sqlalchemy import select

from po_meetings import mail
from po_meetings.extensions import db
from po_meetings.models import OutgoingMail

from .support.smtp_server import smtp_server  # noqa: F401

SUBJECT = "Kallelse: Ledningsgruppen i Mellanå, tisdag 4 mars 2025 kl. 13.00"
BODY = "Hej Åsa Öberg,\n\nDu kallas till möte i Åsby kommunhus, sal Ängen.\n\nHälsningar\nOrdföranden\n"


def _closed_port() -> int:
    """Return a loopback port where nothing listens: an SMTP server that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _queue(app, *recipients: str) -> list[int]:
    """Queue one mail per recipient and commit; return the rows' ids."""
    with app.app_context():
        rows = [mail.queue(r, SUBJECT, BODY) for r in recipients]
        db.session.commit()
        return [row.id for row in rows]


def _rows(app) -> list[OutgoingMail]:
    """Return the outbox rows, detached, in order."""
    with app.app_context():
        rows = db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()
        db.session.expunge_all()
        return rows


def _deliver(app) -> tuple[int, int]:
    with app.app_context():
        return mail.deliver_pending()


def test_mail_arrives_intact_through_smtp(app, smtp_server):  # noqa: F811
    _queue(app, "asa@example.se", "per@example.se")

    assert _deliver(app) == (2, 0)

    messages = smtp_server.wait_for(2)
    assert len(messages) == 2
    message = smtp_server.to("asa@example.se")[0]
    assert message["Subject"] == SUBJECT
    assert message.get_content().replace("\r\n", "\n") == BODY  # SMTP lines end in CRLF
    assert message.get_content_charset() == "utf-8"
    assert message["From"].addresses[0].addr_spec == app.config["MAIL_DEFAULT_SENDER"]
    assert message["Message-ID"]
    rows = _rows(app)
    assert all(r.sent_at is not None and r.attempts == 1 and r.last_error is None for r in rows)


def test_sent_mail_is_not_sent_again(app, smtp_server):  # noqa: F811
    _queue(app, "asa@example.se")
    assert _deliver(app) == (1, 0)
    assert _deliver(app) == (0, 0)
    smtp_server.wait_for(2, timeout=0.3)
    assert len(smtp_server.messages) == 1


def test_smtp_down_keeps_the_mail_for_a_later_retry(app, runner, smtp_server):  # noqa: F811
    server_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = _closed_port()
    _queue(app, "asa@example.se", "per@example.se")

    assert _deliver(app) == (0, 2)
    rows = _rows(app)
    assert [r.sent_at for r in rows] == [None, None]
    assert [r.attempts for r in rows] == [1, 1]
    assert all("ConnectionRefusedError" in r.last_error for r in rows)

    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 1
    assert "Skickade 0, misslyckades 2." in result.output
    assert [r.attempts for r in _rows(app)] == [2, 2]
    assert smtp_server.messages == []

    app.config["MAIL_PORT"] = server_port  # the server is back
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "Skickade 2, misslyckades 0." in result.output
    assert len(smtp_server.wait_for(2)) == 2
    assert smtp_server.to("per@example.se")[0]["Subject"] == SUBJECT
    rows = _rows(app)
    assert all(r.sent_at is not None and r.last_error is None for r in rows)
    assert [r.attempts for r in rows] == [3, 3]


def test_mail_is_given_up_after_max_attempts(app, runner, smtp_server):  # noqa: F811
    server_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = _closed_port()
    tired, fresh = _queue(app, "tired@example.se", "fresh@example.se")
    with app.app_context():
        db.session.get(OutgoingMail, tired).attempts = mail.MAX_ATTEMPTS - 1
        db.session.commit()

    assert _deliver(app) == (0, 2)
    assert [r.attempts for r in _rows(app)] == [mail.MAX_ATTEMPTS, 1]

    app.config["MAIL_PORT"] = server_port
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "Skickade 1, misslyckades 0." in result.output
    assert f"1 brev har inte kunnat skickas efter {mail.MAX_ATTEMPTS} försök" in result.output
    smtp_server.wait_for(2, timeout=0.3)
    assert [m["To"] for m in smtp_server.messages] == ["fresh@example.se"]
    rows = {r.id: r for r in _rows(app)}
    assert rows[tired].sent_at is None and rows[tired].attempts == mail.MAX_ATTEMPTS
    assert rows[fresh].sent_at is not None


def test_send_mail_with_nothing_to_send(app, runner):
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0
    assert "Skickade 0, misslyckades 0." in result.output


def test_send_mail_sends_more_than_one_batch(app, runner, smtp_server, monkeypatch):  # noqa: F811
    batch = mail.deliver_pending
    monkeypatch.setattr(mail, "deliver_pending", lambda limit=2: batch(limit=2))
    _queue(app, *(f"person{n}@example.se" for n in range(5)))
    result = runner.invoke(args=["send-mail"])
    assert "Skickade 5, misslyckades 0." in result.output
    assert len(smtp_server.wait_for(5)) == 5


def test_console_backend_marks_mail_sent_without_a_server(app, capsys):
    app.config.update(MAIL_BACKEND="console", MAIL_SERVER="127.0.0.1", MAIL_PORT=_closed_port())
    _queue(app, "asa@example.se")
    assert _deliver(app) == (1, 0)
    row = _rows(app)[0]
    assert row.sent_at is not None and row.attempts == 1 and row.last_error is None
    assert "e-post till asa@example.se" in capsys.readouterr().err  # shown in the terminal


def test_a_published_agenda_reaches_every_member_without_agenda_text(app, demo, smtp_server):  # noqa: F811
    from po_meetings.meetings import notices
    from po_meetings.meetings import services as meetings
    from po_meetings.models import Meeting

    with app.test_request_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        meetings.unpublish_agenda(meeting)
        meetings.publish_agenda(meeting)
        recipients = sorted(m.user.email for m in notices.recipients(meeting))
        agenda = [i.title for i in meeting.items] + [i.description for i in meeting.items if i.description]
        db.session.commit()
        assert mail.deliver_pending() == (len(recipients), 0)

    messages = smtp_server.wait_for(len(recipients))
    assert sorted(m["To"] for m in messages) == recipients
    assert "ombud@demo.se" in recipients
    for message in messages:
        assert message["Subject"].startswith(
            "Ändrad kallelse: Ledningsgruppen för personligt ombud i Mellanå"
        )
        body = message.get_content()
        assert "Kommunhuset, sal Åsen" in body
        assert f"/groups/{demo.group_id}/meetings/{demo.meeting_id}" in body
        assert [a for a in agenda if a in body] == []
