"""A large data set for benchmarks (``flask seed-bulk``): realistic reports by bulk core inserts."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import insert, select, text

from .. import numbering
from ..extensions import db
from ..models import (
    EscalationBody,
    Group,
    Meeting,
    Membership,
    Municipality,
    Organisation,
    ReportEvent,
    ReportStatus,
    Role,
    SystemErrorReport,
    utcnow,
)
from ..models.system_error import Escalation, EventKind, Occurrence, report_organisation
from . import search, services

S = ReportStatus

BULK_PROBLEMS = [
    ("Lång väntan på beslut om {thing}", "resources"),
    ("Krav på BankID för {thing}", "digital"),
    ("Ingen tolk vid {thing}", "method"),
    ("Klienter bollas mellan handläggare vid {thing}", "treatment"),
    ("Stängda kontor försvårar {thing}", "access"),
    ("Brev om {thing} är svåra att förstå", "regulation"),
    ("Utskrivning utan samordning kring {thing}", "boundaries"),
    ("Ingen samordnad individuell plan vid {thing}", "method"),
    ("Digital tidsbokning krävs för {thing}", "digital"),
    ("Handläggare saknar kunskap om {thing}", "competence"),
]
BULK_THINGS = [
    "bostadsanpassning",
    "ekonomiskt bistånd",
    "sjukpenning",
    "aktivitetsersättning",
    "boendestöd",
    "färdtjänst",
    "god man",
    "hemtjänst",
    "inskrivning på Arbetsförmedlingen",
    "läkarintyg",
    "utskrivning från psykiatrin",
    "beroendevård",
    "neuropsykiatrisk utredning",
    "förstahandskontrakt",
    "skuldsanering",
]
BULK_PLACES = [
    "på mottagningen",
    "vid telefontiden",
    "i den digitala tjänsten",
    "på kontoret",
    "vid hembesök",
]
BULK_WHEN = ["under våren", "under sommaren", "i höstas", "efter årsskiftet", "under flera månader"]
BULK_CAUSES = [
    "Rutinen tillämpas inte när ordinarie handläggare är borta.",
    "Resurserna räcker inte för antalet ärenden.",
    "Regelverket utgår från att klienten kan hantera digitala tjänster.",
    "Huvudmännen har ingen gemensam överenskommelse.",
    "Vakanta tjänster har inte tillsatts.",
    "Styrdokumenten anger olika ingångskrav.",
    "Kunskapen om psykisk funktionsnedsättning är låg.",
]
BULK_CONSEQUENCES = [
    "Klienter förlorar sin ersättning och skulder växer.",
    "Klienter blir utan stöd och riskerar att förlora sitt boende.",
    "Klienter söker akuten i stället för planerad vård.",
    "Klienter ger upp sina ansökningar.",
    "Insatser krockar och klienten får berätta samma sak många gånger.",
]
BULK_VIEWS = [
    "Stödet samordnas inte mellan huvudmännen.",
    "Klientens behov tillgodoses inte.",
    "Klienten blir inte bemött med respekt.",
]
BULK_COMMENTS = [
    "Vi tar upp frågan i vår ledningsgrupp.",
    "Samma mönster finns i grannkommunen.",
    "Förvaltningen ser över rutinen till nästa möte.",
    "Ledningsgruppen följer upp frågan efter sommaren.",
]
#: Which of a report's categories a problem falls in, per level.
BULK_CATEGORIES = {
    "resources": ("local", "local_resources"),
    "digital": ("central", "central_organisation"),
    "method": ("caseworker", "method"),
    "treatment": ("caseworker", "treatment"),
    "access": ("local", "accessibility"),
    "regulation": ("central", "regulation"),
    "boundaries": ("local", "boundaries"),
    "competence": ("caseworker", "competence"),
}
BULK_STATUSES = [
    (S.SUBMITTED, 30),
    (S.TAKEN_UP, 15),
    (S.IN_PROGRESS, 20),
    (S.RESOLVED, 15),
    (S.ESCALATED, 10),
    (S.CLOSED, 10),
]
BULK_PATHS = {
    S.SUBMITTED: [],
    S.TAKEN_UP: [S.TAKEN_UP],
    S.IN_PROGRESS: [S.TAKEN_UP, S.IN_PROGRESS],
    S.RESOLVED: [S.TAKEN_UP, S.IN_PROGRESS, S.RESOLVED],
    S.ESCALATED: [S.TAKEN_UP, S.IN_PROGRESS, S.ESCALATED],
    S.CLOSED: [S.CLOSED],
}
BULK_BATCH = 1000


def seed_bulk(group: Group, count: int, progress=None, seed: int = 5) -> dict:
    """Insert ``count`` realistic reports into a group with bulk core inserts; return counts.

    No ORM objects and no audit rows: this is a system command for benchmarks. Numbers go on
    per year after the group's existing ones; the search index is filled as the services would.
    """
    rng = random.Random(seed)
    now = utcnow()
    today = now.date()
    memberships = db.session.scalars(
        select(Membership).where(Membership.group_id == group.id, Membership.ended_at.is_(None))
    ).all()
    if not memberships:
        raise ValueError("Gruppen har inga medlemmar.")
    ombuds = [m.user_id for m in memberships if m.role == Role.OMBUD.value] or [
        m.user_id for m in memberships
    ]
    owners = [m for m in memberships if services.sees_all(m)] or memberships
    municipalities = db.session.scalars(
        select(Municipality.id).where(Municipality.group_id == group.id)
    ).all()
    organisations = db.session.scalars(select(Organisation.id)).all()
    meetings = db.session.scalars(
        select(Meeting.id).where(Meeting.group_id == group.id, Meeting.starts_at < now)
    ).all()
    chair = next((m.user_id for m in memberships if m.role == Role.CHAIR.value), memberships[0].user_id)
    is_sqlite = db.session.get_bind().dialect.name == "sqlite"

    # Submission moments over the last three years, oldest first, numbered on per year.
    moments = sorted(
        now - timedelta(days=rng.uniform(1, 3 * 365), minutes=rng.randint(0, 600)) for _ in range(count)
    )
    # Each year's numbers are taken from the group's counter in one block (numbering.reserve).
    per_year = Counter(numbering.swedish_year(moment) for moment in moments)
    last_seq = {
        year: numbering.reserve(group.id, numbering.SYSTEM_ERROR, year, n) - 1 for year, n in per_year.items()
    }
    totals = {"reports": 0, "occurrences": 0, "events": 0, "escalations": 0}
    statuses, weights = zip(*BULK_STATUSES, strict=True)
    for start in range(0, count, BULK_BATCH):
        reports, texts, paths = [], [], []
        for submitted_at in moments[start : start + BULK_BATCH]:
            year = numbering.swedish_year(submitted_at)
            last_seq[year] += 1
            pattern, kind = rng.choice(BULK_PROBLEMS)
            level, category = BULK_CATEGORIES[kind]
            thing = rng.choice(BULK_THINGS)
            title = pattern.format(thing=thing)
            title = title[0].upper() + title[1:]
            description = (
                f"{rng.choice(BULK_WHEN).capitalize()} har flera klienter mött problemet {rng.choice(BULK_PLACES)}: "
                f"{title[0].lower() + title[1:]}."
            )
            causes, consequences = rng.choice(BULK_CAUSES), rng.choice(BULK_CONSEQUENCES)
            comments = [rng.choice(BULK_COMMENTS)] if rng.random() < 0.3 else []
            status = rng.choices(statuses, weights)[0]
            owner = rng.choice(owners) if status in (S.IN_PROGRESS, S.RESOLVED, S.ESCALATED) else None
            body = "\n".join([description, causes, consequences, *comments])
            reports.append(
                {
                    "group_id": group.id,
                    "number_year": year,
                    "number_seq": last_seq[year],
                    "reporter_id": rng.choice(ombuds),
                    "status": status.value,
                    "title": title,
                    "description": description,
                    "causes": causes,
                    "consequences": consequences,
                    "fixer_organisation_id": rng.choice(organisations) if organisations else None,
                    "who_can_fix": None,
                    "proposal": None,
                    "system_view": rng.choice(BULK_VIEWS),
                    "level": level,
                    "category": category,
                    "client_count": rng.randint(1, 8),
                    "is_confidential": rng.random() < 0.05,
                    "owner_id": owner.id if owner else None,
                    "next_review_on": today + timedelta(days=rng.randint(7, 90)) if owner else None,
                    "meeting_id": rng.choice(meetings)
                    if meetings and status != S.SUBMITTED and status != S.CLOSED
                    else None,
                    "agenda_item_id": None,
                    "resolution": "Rutinen är ändrad och följs upp." if status == S.RESOLVED else None,
                    "close_reason": "Bedömdes inte som ett systemfel." if status == S.CLOSED else None,
                    "search_text": f"{title}\n{body}",
                    "submitted_at": submitted_at,
                    "created_at": submitted_at - timedelta(days=rng.randint(0, 3)),
                    "updated_at": submitted_at,
                }
            )
            texts.append((title, body))
            paths.append((status, comments, owner))
        table = SystemErrorReport.__table__
        # A plain executemany (RETURNING in parameter order goes row by row on SQLite), then
        # the new ids by their numbers, which are unique per group and year.
        db.session.execute(insert(table), reports)
        years = {row["number_year"] for row in reports}
        rows = db.session.execute(
            select(table.c.number_year, table.c.number_seq, table.c.id).where(
                table.c.group_id == group.id,
                table.c.number_year.in_(years),
                table.c.number_seq >= min(row["number_seq"] for row in reports),
            )
        ).all()
        found = {(year, seq): report_id for year, seq, report_id in rows}
        ids = [found[row["number_year"], row["number_seq"]] for row in reports]
        links, occurrences, events, escalations = [], [], [], []
        for report_id, row, (status, comments, _owner) in zip(ids, reports, paths, strict=True):
            when = row["submitted_at"]
            reporter = row["reporter_id"]

            event = partial(_bulk_event, events, report_id, group.id)

            event(EventKind.CREATED, row["created_at"], reporter)
            event(EventKind.SUBMITTED, when, reporter, from_status=S.DRAFT.value, to_status=S.SUBMITTED.value)
            for organisation_id in rng.sample(organisations, min(len(organisations), rng.randint(1, 3))):
                links.append({"report_id": report_id, "organisation_id": organisation_id})
            step_at = when
            for _ in range(rng.choice((0, 0, 1, 2, 3))):
                step_at = min(now, step_at + timedelta(days=rng.randint(1, 40)))
                other = rng.choice(ombuds)
                occurrences.append(
                    {
                        "report_id": report_id,
                        "group_id": group.id,
                        "reporter_id": other,
                        "occurred_on": step_at.date(),
                        "municipality_id": rng.choice(municipalities) if municipalities else None,
                        "client_count": rng.randint(1, 3),
                        "note": None,
                        "created_at": step_at,
                    }
                )
                event(EventKind.OCCURRENCE, step_at, other, details={"datum": step_at.date().isoformat()})
            previous = S.SUBMITTED
            for to in BULK_PATHS[status]:
                step_at = min(now, step_at + timedelta(days=rng.randint(3, 60)))
                note = (
                    row["resolution"] if to == S.RESOLVED else row["close_reason"] if to == S.CLOSED else None
                )
                details = {}
                if to == S.ESCALATED:
                    body = rng.choice([b for b in EscalationBody if b != EscalationBody.OTHER])
                    details = {"eskalerad till": body.label}
                    escalations.append(
                        {
                            "report_id": report_id,
                            "group_id": group.id,
                            "body": body.value,
                            "body_other": None,
                            "sent_on": step_at.date(),
                            "channel": "Brev",
                            "reply_expected_by": step_at.date() + timedelta(days=30),
                            "reply_received_on": None,
                            "reply": None,
                            "outcome": None,
                            "created_by_id": chair,
                            "created_at": step_at,
                        }
                    )
                event(
                    EventKind.STATUS,
                    step_at,
                    chair,
                    from_status=previous.value,
                    to_status=to.value,
                    note=note,
                    details=details,
                )
                previous = to
            for comment in comments:
                step_at = min(now, step_at + timedelta(days=rng.randint(1, 20)))
                event(EventKind.COMMENT, step_at, chair, note=comment)
        for table_, rows in (
            (report_organisation, links),
            (Occurrence.__table__, occurrences),
            (ReportEvent.__table__, events),
            (Escalation.__table__, escalations),
        ):
            if rows:
                db.session.execute(insert(table_), rows)
        if is_sqlite:
            db.session.execute(
                text(search.INSERT),
                [search.index_entry(i, t, b) for i, (t, b) in zip(ids, texts, strict=True)],
            )
        totals["reports"] += len(ids)
        totals["occurrences"] += len(occurrences)
        totals["events"] += len(events)
        totals["escalations"] += len(escalations)
        if progress is not None:
            progress(totals["reports"])
    return totals


def _bulk_event(
    events: list, report_id: int, group_id: int, kind, at: datetime, actor: int, **values
) -> None:
    """Add one history row of a bulk-seeded report."""
    events.append(
        {
            "report_id": report_id,
            "group_id": group_id,
            "actor_id": actor,
            "occurred_at": at,
            "kind": kind.value,
            "from_status": values.get("from_status"),
            "to_status": values.get("to_status"),
            "note": values.get("note"),
            "details": values.get("details", {}),
        }
    )
