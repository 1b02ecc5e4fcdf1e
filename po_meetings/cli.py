"""Command-line tools: ``flask seed-demo``, ``flask demo-logins``, ``flask create-admin``, ``flask send-mail``,
``flask send-reminders``, ``flask seed-bulk``, ``flask backup``, ``flask restore``."""

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select, text

from . import demo, mail
from .admin.services import create_user
from .auth.forms import PASSWORD_MIN
from .backup import backup_database, restore_database
from .domain import DomainError
from .extensions import db
from .models import Group, OutgoingMail
from .notifications import reminders
from .system_errors.demo import seed_bulk


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Gör ingenting om databasen redan har konton.")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Load the demo group with its members and accounts."""
    if if_empty and not demo.is_empty():
        click.echo("Databasen har redan data; demodata laddas inte igen.")
        return
    demo.seed_demo()
    db.session.commit()
    click.echo(f"Demodata är inläst: {demo.GROUP_NAME}.")


@click.command("demo-logins")
@with_appcontext
def demo_logins_command() -> None:
    """Print the URL and the demo logins."""
    port = current_app.config.get("PORT") or 5000
    click.echo("")
    click.echo(f"  po_meetings körs på http://127.0.0.1:{port}")
    click.echo(f"  Demoinloggningar (lösenord: {demo.DEMO_PASSWORD}):")
    for email, role in demo.DEMO_LOGINS:
        click.echo(f"    {email:<22} {role}")
    click.echo("")


@click.command("create-admin")
@click.option("--email", prompt="E-postadress")
@click.option("--name", prompt="Namn")
@click.password_option("--password", prompt="Lösenord (minst 10 tecken)")
@with_appcontext
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create a system administrator account (for a new production installation)."""
    if len(password) < PASSWORD_MIN:
        raise click.ClickException(f"Lösenordet ska ha minst {PASSWORD_MIN} tecken.")
    try:
        create_user(email, name, password, is_admin=True)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Administratören {email} är skapad.")


@click.command("send-mail")
@with_appcontext
def send_mail_command() -> None:
    """Send the mail still waiting in the outbox (run from cron after an SMTP outage)."""
    sent = failed = 0
    while True:  # deliver_pending sends a batch at a time
        batch_sent, failed = mail.deliver_pending()
        sent += batch_sent
        if not batch_sent or failed:
            break
    click.echo(f"Skickade {sent}, misslyckades {failed}.")
    given_up = db.session.scalar(
        select(func.count(OutgoingMail.id)).where(
            OutgoingMail.sent_at.is_(None), OutgoingMail.attempts >= mail.MAX_ATTEMPTS
        )
    )
    if given_up:
        click.echo(
            f"{given_up} brev har inte kunnat skickas efter {mail.MAX_ATTEMPTS} försök och skickas inte igen."
        )
    if failed:
        click.echo("E-postservern svarade inte. Breven skickas igen nästa gång kommandot körs.", err=True)
        click.get_current_context().exit(1)


@click.command("send-reminders")
@click.option(
    "--today",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Dagen att skicka för, ÅÅÅÅ-MM-DD (standard: i dag i Sverige).",
)
@with_appcontext
def send_reminders_command(day) -> None:
    """Queue and send the day's digests, one per person (from cron; a second run that day sends none)."""
    base = current_app.config.get("BASE_URL")
    if not base:
        click.echo(
            "PO_MEETINGS_BASE_URL är inte satt: länkarna i mejlen går till http://localhost.", err=True
        )
    # The links are built as in a request to the app's own address (a write: BEGIN IMMEDIATE on SQLite).
    with current_app.test_request_context(base_url=base or "http://localhost", method="POST"):
        run = reminders.send_reminders(day.date() if day else None)
    click.echo(f"Sammanfattningar för {run.day}: {run.sent} nya, {run.already} hade redan fått dagens.")
    sent, failed = mail.deliver_pending()
    while sent and not failed:  # deliver_pending sends a batch at a time
        sent, failed = mail.deliver_pending()
    if failed:
        click.echo("E-postservern svarade inte. Breven skickas igen med flask send-mail.", err=True)
        click.get_current_context().exit(1)


@click.command("seed-bulk")
@click.option(
    "--system-errors",
    "count",
    type=click.IntRange(1, 1_000_000),
    required=True,
    help="Antal systemfelsrapporter.",
)
@click.option("--group-id", type=int, default=None, help="Gruppens id (standard: demogruppen i Mellanå).")
@with_appcontext
def seed_bulk_command(count: int, group_id: int | None) -> None:
    """Create a large, realistic set of system error reports for benchmarks.

    A system command: the rows are written with bulk inserts and leave no audit rows.
    """

    if group_id is None:
        group = db.session.scalar(select(Group).where(Group.name == demo.GROUP_NAME))
    else:
        group = db.session.get(Group, group_id)
    if group is None:
        raise click.ClickException("Gruppen finns inte. Kör flask seed-demo eller ange --group-id.")
    started = time.perf_counter()

    def progress(done: int) -> None:
        click.echo(f"{done} av {count} rapporter …")

    totals = seed_bulk(group, count, progress=progress)
    db.session.commit()
    # The planner's statistics: gathered when the tables were empty (or never), they would make
    # SQLite walk a whole group where an index of the few matching rows would do.
    with db.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    click.echo(
        f"Klart: {totals['reports']} systemfelsrapporter, {totals['occurrences']} förekomster, "
        f"{totals['escalations']} eskaleringar och {totals['events']} händelser i {group.name} "
        f"på {time.perf_counter() - started:.1f} sekunder. Inga granskningsloggar skrivs för bulkdata."
    )


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Skriv över filen om den redan finns.")
@with_appcontext
def backup_command(path: Path, force: bool) -> None:
    """Back up the database to PATH; safe while the app runs (SQLite: a copy, PostgreSQL: pg_dump)."""
    backup_database(path, force=force)


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Ersätt en databas som inte är tom, eller återställ en säkerhetskopia från en okänd schemaversion.",
)
@with_appcontext
def restore_command(path: Path, force: bool) -> None:
    """Replace the database with the backup in PATH (stop the app first)."""
    restore_database(path, force=force)


def init_app(app) -> None:
    """Register the commands."""
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(demo_logins_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(send_mail_command)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(seed_bulk_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
