"""Rules of the systemfel register. Functions flush, never commit.

Every change of a report goes through here and leaves a dated, attributed ReportEvent, so the
report page can show its whole history; the allowed status moves are data (TRANSITIONS).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from .. import numbering
from ..domain import DomainError, clean_text, refuse_personnummer
from ..extensions import db
from ..inputs import parse_id
from ..models import (
    LEADING_ROLES,
    TAXONOMY,
    AgendaItem,
    Category,
    Escalation,
    EscalationBody,
    EventKind,
    Group,
    Level,
    Meeting,
    Membership,
    Municipality,
    Occurrence,
    Organisation,
    ReportEvent,
    ReportFollower,
    ReportStatus,
    Role,
    SystemErrorReport,
    User,
    utcnow,
)
from . import notices, search

S = ReportStatus

#: The allowed status moves: from → {to}. Moves back (marked in BACKWARD) need a reason.
TRANSITIONS: dict[ReportStatus, set[ReportStatus]] = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.TAKEN_UP, S.CLOSED},
    S.TAKEN_UP: {S.IN_PROGRESS, S.CLOSED, S.SUBMITTED},
    S.IN_PROGRESS: {S.RESOLVED, S.ESCALATED, S.CLOSED, S.TAKEN_UP},
    S.ESCALATED: {S.IN_PROGRESS, S.RESOLVED, S.CLOSED, S.ESCALATED},
    S.RESOLVED: {S.IN_PROGRESS},
    S.CLOSED: {S.SUBMITTED},
}
BACKWARD: set[tuple[ReportStatus, ReportStatus]] = {
    (S.TAKEN_UP, S.SUBMITTED),
    (S.IN_PROGRESS, S.TAKEN_UP),
    (S.ESCALATED, S.IN_PROGRESS),
    (S.RESOLVED, S.IN_PROGRESS),
    (S.CLOSED, S.SUBMITTED),
}
#: Statuses in which the group is done with a report (a new occurrence reopens it).
FINISHED = {S.RESOLVED, S.CLOSED}
#: Roles that see every report, confidential ones included.
FULL_VIEW_ROLES = {Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER, Role.SUBSTITUTE}


# -- the taxonomy ----------------------------------------------------------------------------


def categories_of(level: str | Level | None) -> tuple[Category, ...]:
    """Return the categories of a level (none for an unknown level)."""
    try:
        return TAXONOMY[Level(level)]
    except ValueError:
        return ()


def check_classification(level: str, category: str) -> tuple[Level, Category]:
    """Return the level and category, refusing a category of another level."""
    try:
        level_value = Level(level)
    except ValueError:
        raise DomainError("Välj en nivå: handläggarnivå, lokal nivå eller central nivå.") from None
    try:
        category_value = Category(category)
    except ValueError:
        raise DomainError("Välj en kategori.") from None
    if category_value not in TAXONOMY[level_value]:
        raise DomainError(
            f"Kategorin {category_value.label.lower()} hör inte till {level_value.label.lower()}."
        )
    return level_value, category_value


# -- who sees what ---------------------------------------------------------------------------


def sees_all(membership: Membership | None) -> bool:
    """Return whether a member sees confidential reports (members and substitutes do)."""
    return membership is not None and membership.role_enum in FULL_VIEW_ROLES


def can_manage(report: SystemErrorReport, membership: Membership | None) -> bool:
    """Return whether a member may move the report on: the chair, vice chair or its owner."""
    if membership is None:
        return False
    return membership.role_enum in LEADING_ROLES or (
        report.owner_id is not None and report.owner_id == membership.id
    )


def visibility_filter(query, group: Group, user: User, membership: Membership | None):
    """Restrict a report query to what the member may see.

    Drafts only for their author; confidential reports for members, and for the ombuds who
    submitted them or added an occurrence, not for other ombuds or co-opted members.
    """
    query = query.where(SystemErrorReport.group_id == group.id)
    query = query.where(
        (SystemErrorReport.status != S.DRAFT.value) | (SystemErrorReport.reporter_id == user.id)
    )
    if not sees_all(membership):
        own_occurrence = (
            select(Occurrence.id)
            .where(Occurrence.report_id == SystemErrorReport.id, Occurrence.reporter_id == user.id)
            .exists()
        )
        query = query.where(
            SystemErrorReport.is_confidential.is_(False)
            | (SystemErrorReport.reporter_id == user.id)
            | own_occurrence
        )
    return query


def get_report(
    group: Group, number: str, user: User, membership: Membership | None, options=()
) -> SystemErrorReport | None:
    """Return a report by its number (SF-2026-007) or draft id (U-12), if the member may see it
    (with the loader ``options`` given: what the caller shows of it)."""
    query = select(SystemErrorReport).options(*options)
    number = (number or "").strip().upper()
    # parse_id: ASCII digits within the database's integer range, else no such report (404).
    parts = [parse_id(part) for part in number.split("-")[1:]]
    if number.startswith("SF-") and len(parts) == 2 and None not in parts:
        query = query.where(
            SystemErrorReport.number_year == parts[0], SystemErrorReport.number_seq == parts[1]
        )
    elif number.startswith("U-") and len(parts) == 1 and parts[0] is not None:
        query = query.where(SystemErrorReport.id == parts[0], SystemErrorReport.status == S.DRAFT.value)
    else:
        return None
    return db.session.scalar(visibility_filter(query, group, user, membership))


def url_number(report: SystemErrorReport) -> str:
    """Return what identifies a report in its URL: its number, or U-<id> for a draft."""
    return report.number or f"U-{report.id}"


# -- writing a report ------------------------------------------------------------------------


def _event(report: SystemErrorReport, actor: User | None, kind: EventKind, **values) -> ReportEvent:
    """Record one step of a report's history."""
    event = ReportEvent(report=report, group_id=report.group_id, actor=actor, kind=kind.value, **values)
    db.session.add(event)
    return event


def _organisation(group: Group, organisation_id: int | None) -> Organisation | None:
    """Return an organisation by id (any organisation in the system may be chosen)."""
    if organisation_id is None:
        return None
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise DomainError("Välj en organisation i listan.")
    return organisation


def save_report(
    group: Group,
    reporter: User,
    values: dict,
    report: SystemErrorReport | None = None,
    submit: bool = False,
    now: datetime | None = None,
) -> SystemErrorReport:
    """Create or change a draft (or a submitted report's text), and submit it if asked (``now``
    backdates the submission, for the demo data).

    ``values`` holds the guided form's answers: title, description, causes, consequences,
    fixer_organisation_id, who_can_fix, proposal, system_view, level, category, client_count,
    affected_organisation_ids.
    """
    title = clean_text(values.get("title"), 200, "Rubriken")
    if not title:
        raise DomainError("Ange en kort rubrik.")
    texts = {
        key: clean_text(values.get(key), 10_000, "Texten")
        for key in ("description", "causes", "consequences", "proposal", "system_view")
    }
    who_can_fix = clean_text(values.get("who_can_fix"), 300, "Vem som kan åtgärda")
    refuse_personnummer(title, who_can_fix, *texts.values())
    level, category = _classification(values.get("level"), values.get("category"), submit)
    client_count = values.get("client_count")
    if client_count is not None and not 0 <= int(client_count) <= 100_000:
        raise DomainError("Antalet klienter ska vara ett heltal från 0 och uppåt.")
    if submit:
        missing = [
            label
            for key, label in (
                ("description", "beskrivning"),
                ("causes", "orsaker"),
                ("consequences", "konsekvenser"),
                ("system_view", "systemperspektiv"),
            )
            if not texts[key]
        ]
        if missing:
            raise DomainError("Fyll i " + ", ".join(missing) + " innan du skickar in rapporten.")
    # Look the organisations up before a new report joins the session: a lookup may autoflush.
    fixer = _organisation(group, values.get("fixer_organisation_id"))
    affected = [
        o for o in (_organisation(group, i) for i in values.get("affected_organisation_ids") or []) if o
    ]
    is_new = report is None
    if is_new:
        report = SystemErrorReport(group_id=group.id, reporter=reporter, status=S.DRAFT.value)
        db.session.add(report)
        _event(report, reporter, EventKind.CREATED)
    elif report.status == S.DRAFT.value and report.reporter_id != reporter.id:
        raise DomainError("Bara den som skrev utkastet kan ändra det.")
    report.title = title
    for key, value in texts.items():
        setattr(report, key, value)
    report.who_can_fix = who_can_fix
    report.fixer_organisation = fixer
    report.affected_organisations = affected
    report.level = level
    report.category = category
    report.client_count = None if client_count is None else int(client_count)
    # Set before the report is written, so a new report is inserted whole (not then updated).
    search.set_search_text(report, comments=[] if is_new else None)
    if submit and report.status == S.DRAFT.value:
        _submit(report, reporter, now)
    db.session.flush()
    search.write_index(report)
    return report


def _classification(level: str | None, category: str | None, submit: bool) -> tuple[str, str]:
    """Return the level and category to store: both checked against the taxonomy when the report
    is submitted or both are chosen; a draft may leave either unchosen ("") until then."""
    if submit or (level and category):
        level_value, category_value = check_classification(level, category)
        return level_value.value, category_value.value
    if level and not categories_of(level):
        raise DomainError("Välj en nivå: handläggarnivå, lokal nivå eller central nivå.")
    if category and category not in {c.value for c in Category}:
        raise DomainError("Välj en kategori.")
    return level or "", category or ""


def _submit(report: SystemErrorReport, actor: User, now: datetime | None = None) -> None:
    """Give the report its number (per group and Swedish calendar year) and show it to the group.

    The number comes from the group's counter, which concurrent submitters take one at a time.
    """
    now = now or utcnow()
    year = numbering.swedish_year(now)
    report.number_year = year
    # Not flushed first: a new report is then inserted with its number, not inserted and updated.
    with db.session.no_autoflush:
        report.number_seq = numbering.next_number(report.group_id, numbering.SYSTEM_ERROR, year)
    report.status = S.SUBMITTED.value
    report.submitted_at = now
    _event(report, actor, EventKind.SUBMITTED, from_status=S.DRAFT.value, to_status=S.SUBMITTED.value)
    # The reporter follows it; nobody followed the draft (a draft cannot be followed).
    db.session.flush()
    db.session.add(ReportFollower(report_id=report.id, user_id=actor.id, group_id=report.group_id))


# -- moving a report on ----------------------------------------------------------------------


def change_status(
    report: SystemErrorReport,
    actor: User,
    to: ReportStatus,
    reason: str | None = None,
    *,
    meeting: Meeting | None = None,
    agenda_item: AgendaItem | None = None,
    owner: Membership | None = None,
    next_review_on: date | None = None,
    escalation: dict | None = None,
) -> SystemErrorReport:
    """Move a report to a new status, checking the move and what it needs."""
    current = report.status_enum
    if to not in TRANSITIONS[current]:
        raise DomainError(
            f"En rapport med status {current.label.lower()} kan inte få status {to.label.lower()}."
        )
    reason = clean_text(reason, 5000, "Texten")
    refuse_personnummer(reason)
    if (current, to) in BACKWARD and not reason:
        raise DomainError("Skriv varför rapporten flyttas tillbaka.")
    if to == S.TAKEN_UP:
        if meeting is None or meeting.group_id != report.group_id:
            raise DomainError("Välj mötet där rapporten togs upp.")
        if agenda_item is not None and agenda_item.meeting_id != meeting.id:
            raise DomainError("Dagordningspunkten hör inte till det mötet.")
        report.meeting = meeting
        report.agenda_item = agenda_item
    if to == S.IN_PROGRESS and current in {S.TAKEN_UP, S.SUBMITTED}:
        set_owner(report, actor, owner, next_review_on, notify=False)  # told with the status below
    if to == S.RESOLVED:
        if not reason:
            raise DomainError("Beskriv vad som gjordes.")
        report.resolution = reason
    if to == S.CLOSED:
        if not reason:
            raise DomainError("Ange skälet till att rapporten avslutas utan åtgärd.")
        report.close_reason = reason
    details = {}
    if to == S.ESCALATED:
        record = escalate(report, actor, **(escalation or {}))
        details = {"eskalerad till": record.body_label}
    report.status = to.value
    _event(
        report,
        actor,
        EventKind.STATUS,
        from_status=current.value,
        to_status=to.value,
        note=reason,
        details=details,
    )
    notices.report_changed(report, actor, f"ny status {to.label.lower()}")
    db.session.flush()
    return report


def set_owner(
    report: SystemErrorReport,
    actor: User,
    owner: Membership | None,
    next_review_on: date | None,
    notify: bool = True,
) -> SystemErrorReport:
    """Give the report an owner (a member of the group) and a next review date."""
    if owner is None or owner.group_id != report.group_id or not owner.is_active:
        raise DomainError("Välj en ansvarig ledamot i gruppen.")
    if owner.role_enum not in FULL_VIEW_ROLES:
        raise DomainError("Den ansvariga ska vara ledamot eller ersättare i gruppen.")
    if next_review_on is None:
        raise DomainError("Ange när rapporten ska följas upp nästa gång.")
    old = report.owner.user.name if report.owner else None
    report.owner = owner
    report.next_review_on = next_review_on
    _event(
        report,
        actor,
        EventKind.OWNER,
        details={"ansvarig": [old, owner.user.name], "nästa uppföljning": next_review_on.isoformat()},
    )
    if notify:
        notices.report_changed(report, actor, f"ny ansvarig, nästa uppföljning {next_review_on.isoformat()}")
    db.session.flush()
    return report


def reclassify(report: SystemErrorReport, actor: User, level: str, category: str) -> SystemErrorReport:
    """Change level and category after analysis; the history keeps the old values."""
    new_level, new_category = check_classification(level, category)
    if (report.level, report.category) == (new_level.value, new_category.value):
        raise DomainError("Nivå och kategori är oförändrade.")
    details = {
        "nivå": [report.level_label, new_level.label],
        "kategori": [report.category_label, new_category.label],
    }
    report.level = new_level.value
    report.category = new_category.value
    _event(report, actor, EventKind.CLASSIFIED, details=details)
    if details["nivå"][0] != details["nivå"][1]:
        notices.report_changed(report, actor, f"ny nivå: {new_level.label.lower()}")
    db.session.flush()
    return report


def set_confidential(report: SystemErrorReport, actor: User, confidential: bool) -> SystemErrorReport:
    """Mark a report confidential (or not) for the group."""
    if report.is_confidential == bool(confidential):
        raise DomainError("Rapporten har redan den sekretessen.")
    report.is_confidential = bool(confidential)
    _event(report, actor, EventKind.CONFIDENTIALITY, details={"sekretess": "ja" if confidential else "nej"})
    db.session.flush()
    return report


# -- escalations -------------------------------------------------------------------------------


def escalate(
    report: SystemErrorReport,
    actor: User,
    body: str | None = None,
    body_other: str | None = None,
    sent_on: date | None = None,
    channel: str | None = None,
    reply_expected_by: date | None = None,
) -> Escalation:
    """Record an escalation to a body outside the group (a report can be escalated again)."""
    try:
        body_value = EscalationBody(body)
    except ValueError:
        raise DomainError("Välj vart rapporten eskaleras.") from None
    body_other = clean_text(body_other, 200, "Instansen")
    channel = clean_text(channel, 200, "Sättet")
    refuse_personnummer(body_other, channel)
    if body_value == EscalationBody.OTHER and not body_other:
        raise DomainError("Skriv vilken instans rapporten eskaleras till.")
    if sent_on is None:
        raise DomainError("Ange när eskaleringen skickades.")
    if reply_expected_by is not None and reply_expected_by < sent_on:
        raise DomainError("Svaret kan inte väntas före det att eskaleringen skickades.")
    record = Escalation(
        report=report,
        group_id=report.group_id,
        body=body_value.value,
        body_other=body_other,
        sent_on=sent_on,
        channel=channel,
        reply_expected_by=reply_expected_by,
        created_by=actor,
    )
    db.session.add(record)
    db.session.flush()
    return record


def record_reply(
    escalation: Escalation,
    actor: User,
    received_on: date | None,
    reply: str | None,
    outcome: str | None,
) -> Escalation:
    """Record the reply to an escalation and its outcome."""
    reply = clean_text(reply, 10_000, "Svaret")
    outcome = clean_text(outcome, 10_000, "Utfallet")
    refuse_personnummer(reply, outcome)
    if received_on is None:
        raise DomainError("Ange när svaret kom.")
    if received_on < escalation.sent_on:
        raise DomainError("Svaret kan inte ha kommit före det att eskaleringen skickades.")
    if not reply:
        raise DomainError("Sammanfatta svaret.")
    escalation.reply_received_on = received_on
    escalation.reply = reply
    escalation.outcome = outcome
    _event(
        escalation.report,
        actor,
        EventKind.ESCALATION_REPLY,
        note=outcome,
        details={"från": escalation.body_label, "mottaget": received_on.isoformat()},
    )
    notices.report_changed(escalation.report, actor, f"svar på eskaleringen kom {received_on.isoformat()}")
    db.session.flush()
    return escalation


# -- occurrences, comments, following ------------------------------------------------------------


def add_occurrence(
    report: SystemErrorReport,
    reporter: User,
    occurred_on: date | None,
    municipality: Municipality | None = None,
    client_count: int | None = None,
    note: str | None = None,
) -> Occurrence:
    """Add another time the error was met; a finished report is reopened for the group."""
    if report.status == S.DRAFT.value:
        raise DomainError("Ett utkast kan inte få förekomster. Skicka in rapporten först.")
    if municipality is not None and municipality.group_id != report.group_id:
        raise DomainError("Välj en kommun som gruppen arbetar för.")
    if occurred_on is None:
        raise DomainError("Ange när det hände.")
    if occurred_on > date.today():
        raise DomainError("Datumet kan inte ligga i framtiden.")
    if client_count is not None and client_count < 0:
        raise DomainError("Antalet klienter kan inte vara negativt.")
    note = clean_text(note, 2000, "Anteckningen")
    refuse_personnummer(note)
    occurrence = Occurrence(
        report=report,
        group_id=report.group_id,
        reporter=reporter,
        occurred_on=occurred_on,
        municipality=municipality,
        client_count=client_count,
        note=note,
    )
    db.session.add(occurrence)
    _event(report, reporter, EventKind.OCCURRENCE, note=note, details={"datum": occurred_on.isoformat()})
    if report.status_enum in FINISHED:
        previous = report.status
        report.status = S.SUBMITTED.value
        _event(
            report,
            reporter,
            EventKind.REOPENED,
            from_status=previous,
            to_status=S.SUBMITTED.value,
            note="Återöppnad för gruppen eftersom felet har inträffat igen.",
        )
    follow(report, reporter)
    db.session.flush()
    return occurrence


def add_comment(report: SystemErrorReport, author: User, text: str) -> ReportEvent:
    """Comment on a report (Markdown); comments are searched with the report."""
    if report.status == S.DRAFT.value:
        raise DomainError("Ett utkast kan inte kommenteras.")
    text = clean_text(text, 10_000, "Kommentaren")
    if not text:
        raise DomainError("Skriv en kommentar.")
    refuse_personnummer(text)
    event = _event(report, author, EventKind.COMMENT, note=text)
    db.session.flush()
    search.reindex(report)
    return event


def is_following(report: SystemErrorReport, user: User) -> bool:
    """Return whether the user follows the report."""
    return db.session.get(ReportFollower, (report.id, user.id)) is not None


def follow(report: SystemErrorReport, user: User) -> None:
    """Follow a report (idempotent); a draft cannot be followed."""
    if report.status == S.DRAFT.value:
        raise DomainError("Ett utkast kan inte följas.")
    db.session.flush()
    if not is_following(report, user):
        db.session.add(ReportFollower(report_id=report.id, user_id=user.id, group_id=report.group_id))
        db.session.flush()


def unfollow(report: SystemErrorReport, user: User) -> None:
    """Stop following a report."""
    follower = db.session.get(ReportFollower, (report.id, user.id))
    if follower is None:
        raise DomainError("Du följer inte rapporten.")
    db.session.delete(follower)
    db.session.flush()


# -- summaries -------------------------------------------------------------------------------------


def occurrence_summary(report: SystemErrorReport) -> dict:
    """Return how many ombuds and municipalities met the error, and when first and last."""
    dates = [o.occurred_on for o in report.occurrences]
    if report.submitted_at is not None:
        dates.append(report.submitted_at.date())
    people = {o.reporter_id for o in report.occurrences} | {report.reporter_id}
    return {
        "count": len(report.occurrences) + 1,
        "reporters": len(people),
        "municipalities": len({o.municipality_id for o in report.occurrences if o.municipality_id}),
        "first_seen": min(dates) if dates else None,
        "last_seen": max(dates) if dates else None,
        "clients": (report.client_count or 0) + sum(o.client_count or 0 for o in report.occurrences),
    }
