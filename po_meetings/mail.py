"""Outgoing mail through an outbox: written with the change that causes it, sent after commit.

A mail is a row first, so a publish that commits never loses its kallelser even when the SMTP
server is down; ``flask send-mail`` (or the next publish) retries what is still unsent.
"""

from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app
from sqlalchemy import select

from .extensions import db
from .models import OutgoingMail, utcnow

MAX_ATTEMPTS = 5


def queue(recipient: str, subject: str, body: str, group_id: int | None = None) -> OutgoingMail:
    """Put a mail in the outbox (in the caller's transaction)."""
    mail = OutgoingMail(recipient=recipient, subject=subject[:300], body=body, group_id=group_id)
    db.session.add(mail)
    return mail


def _message(mail: OutgoingMail) -> EmailMessage:
    """Build the e-mail for an outbox row."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = formataddr(("PO-ledningsgrupp", config["MAIL_DEFAULT_SENDER"]))
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=config["MAIL_DEFAULT_SENDER"].rpartition("@")[2] or None)
    message.set_content(mail.body)
    return message


def _send(messages: list[EmailMessage]) -> None:
    """Send messages over one SMTP connection (or print them with the console backend)."""
    config = current_app.config
    if config["MAIL_BACKEND"] == "console":
        # For local development (make run): show the mail in the terminal instead of sending it.
        for message in messages:
            sys.stderr.write(
                f"\n--- e-post till {message['To']}: {message['Subject']}\n{message.get_content()}\n"
            )
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        for message in messages:
            smtp.send_message(message)


def deliver_pending(limit: int = 500) -> tuple[int, int]:
    """Send unsent mail, recording failures for a later retry; return (sent, failed). Commits."""
    pending = db.session.scalars(
        select(OutgoingMail)
        .where(OutgoingMail.sent_at.is_(None), OutgoingMail.attempts < MAX_ATTEMPTS)
        .order_by(OutgoingMail.id)
        .limit(limit)
    ).all()
    if not pending:
        return 0, 0
    try:
        _send([_message(mail) for mail in pending])
    except (OSError, smtplib.SMTPException) as error:
        for mail in pending:
            mail.attempts += 1
            mail.last_error = f"{type(error).__name__}: {error}"[:500]
        db.session.commit()
        current_app.logger.warning("could not send %d mails: %s", len(pending), error)
        return 0, len(pending)
    now = utcnow()
    for mail in pending:
        mail.attempts += 1
        mail.sent_at = now
        mail.last_error = None
    db.session.commit()
    return len(pending), 0
