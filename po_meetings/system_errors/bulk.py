"""A large data set for benchmarks (``flask seed-bulk``): realistic reports by bulk core inserts."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import selectinload

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
    ReportFollower,
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
    ("Klienter misstros när de söker {thing}", "values"),
    ("Oklara mål och uppdrag för {thing}", "governance"),
    ("Statliga medel räcker inte för {thing}", "central_resources"),
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
#: The sentences a description is made of, after its first one (a handful each, 50–300 words in all).
BULK_DETAILS = [
    "Ombudet har följt med klienten {place} vid flera tillfällen utan att ärendet har kommit vidare.",
    "Handläggaren hänvisar till en annan enhet som i sin tur hänvisar tillbaka till den första.",
    "Klienten har fått olika besked om vilka underlag som behövs beroende på vem som svarar.",
    "Det tar ofta mer än tre veckor innan någon hör av sig efter att ansökan har kommit in.",
    "Kallelser skickas bara digitalt och klienter utan e-legitimation missar sina tider.",
    "Ingen tar ansvar för helheten när flera huvudmän är inblandade i samma ärende.",
    "Klienten orkar inte ringa på telefontiden eftersom kön ofta är över en timme lång.",
    "Beslutet saknar en begriplig motivering och klienten vet inte hur det kan överklagas.",
    "Ombudet har skrivit till enhetschefen men har ännu inte fått något svar.",
    "Flera klienter med samma behov har fått helt olika bedömningar av sina ansökningar.",
    "Information om {thing} finns bara på webbplatsen och inte i tryckt form.",
    "Mötet ställdes in med kort varsel och någon ny tid erbjöds inte.",
    "Klienten fick beskedet att ärendet var avslutat utan att ha fått något skriftligt beslut.",
    "Det saknas en kontaktperson som klienten kan vända sig till med frågor om {thing}.",
    "Handläggaren begärde ett nytt läkarintyg trots att det förra fortfarande gällde.",
    "Väntetiden har blivit längre sedan verksamheten organiserades om förra året.",
    "Samma problem har rapporterats av ombuden i grannkommunerna.",
    "Klienten har blivit utan pengar till hyran under den tid som ärendet handlades.",
    "Personalen {place} kände inte till rutinen för klienter med psykisk funktionsnedsättning.",
    "Ombudet fick vänta i flera veckor på att få del av utredningen.",
]
#: A sentence in about 8 % of the reports: the benchmark's search ("förvaltningsrätten") finds them.
BULK_RARE = (
    "Klienten har fått avslag och hänvisats till förvaltningsrätten utan hjälp med överklagandet.",
    0.08,
)
BULK_CAUSES = [
    "Rutinen tillämpas inte när ordinarie handläggare är borta.",
    "Resurserna räcker inte för antalet ärenden.",
    "Regelverket utgår från att klienten kan hantera digitala tjänster.",
    "Huvudmännen har ingen gemensam överenskommelse.",
    "Vakanta tjänster har inte tillsatts.",
    "Styrdokumenten anger olika ingångskrav.",
    "Kunskapen om psykisk funktionsnedsättning är låg.",
    "Uppdraget att samordna insatserna ligger inte hos någon enhet.",
    "Handläggningen styrs av mål för antalet avslutade ärenden snarare än av klientens behov.",
    "Det finns ingen rutin för att följa upp klienter som inte hör av sig.",
]
BULK_CONSEQUENCES = [
    "Klienter förlorar sin ersättning och skulder växer.",
    "Klienter blir utan stöd och riskerar att förlora sitt boende.",
    "Klienter söker akuten i stället för planerad vård.",
    "Klienter ger upp sina ansökningar.",
    "Insatser krockar och klienten får berätta samma sak många gånger.",
    "Klienters psykiska hälsa försämras under väntetiden.",
    "Ombuden lägger mycket tid på att driva ärenden som borde ha gått av sig själva.",
]
BULK_VIEWS = [
    "Stödet samordnas inte mellan huvudmännen.",
    "Klientens behov tillgodoses inte.",
    "Klienten blir inte bemött med respekt.",
    "Verksamheterna är inte tillgängliga för personer med psykisk funktionsnedsättning.",
]
BULK_PROPOSALS = [
    "Inför en fast kontaktperson för klienter med psykisk funktionsnedsättning.",
    "Ta fram en gemensam rutin för samordnad individuell plan.",
    "Erbjud besök och telefontider utan krav på digital legitimation.",
    "Skriv besluten på klarspråk och förklara hur de kan överklagas.",
]
BULK_COMMENTS = [
    "Vi tar upp frågan i vår ledningsgrupp.",
    "Samma mönster finns i grannkommunen.",
    "Förvaltningen ser över rutinen till nästa möte.",
    "Ledningsgruppen följer upp frågan efter sommaren.",
    "Enhetschefen har lovat att återkomma med en tidsplan.",
    "Frågan lyfts också i samverkansgruppen för psykiatri och socialtjänst.",
]
BULK_REPLIES = [
    ("Myndigheten ser över sin rutin och återkommer.", "Rutinen ses över."),
    ("Frågan är känd och ingår i ett pågående utvecklingsarbete.", "Ingen ändring än."),
]
#: Words of a report's texts (title and answers): a report has at least this many, at most BULK_MAX_WORDS.
BULK_MIN_WORDS = 50
BULK_MAX_WORDS = 300
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
    "values": ("caseworker", "values"),
    "governance": ("local", "governance"),
    "central_resources": ("central", "central_resources"),
}
BULK_STATUSES = [
    (S.DRAFT, 2),
    (S.SUBMITTED, 28),
    (S.TAKEN_UP, 15),
    (S.IN_PROGRESS, 20),
    (S.RESOLVED, 15),
    (S.ESCALATED, 10),
    (S.CLOSED, 10),
]
BULK_PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [],
    S.TAKEN_UP: [S.TAKEN_UP],
    S.IN_PROGRESS: [S.TAKEN_UP, S.IN_PROGRESS],
    S.RESOLVED: [S.TAKEN_UP, S.IN_PROGRESS, S.RESOLVED],
    S.ESCALATED: [S.TAKEN_UP, S.IN_PROGRESS, S.ESCALATED],
    S.CLOSED: [S.CLOSED],
}
#: Statuses whose report has an owner (given when work on it starts).
OWNED = (S.IN_PROGRESS, S.RESOLVED, S.ESCALATED)
BULK_BATCH = 2000
#: About how many of the bulk reports each past meeting of the group took up.
BULK_PER_MEETING = 12


def _words(*texts: str | None) -> int:
    return sum(len(t.split()) for t in texts if t)


def _answers(rng: random.Random, title: str, thing: str) -> dict:
    """Return a report's answers, title and answers together 50–300 words, most near 100."""
    causes = " ".join(rng.sample(BULK_CAUSES, rng.randint(1, 3)))
    consequences = " ".join(rng.sample(BULK_CONSEQUENCES, rng.randint(1, 3)))
    system_view = rng.choice(BULK_VIEWS)
    proposal = rng.choice(BULK_PROPOSALS) if rng.random() < 0.5 else None
    place = rng.choice(BULK_PLACES)
    sentences = [
        f"{rng.choice(BULK_WHEN).capitalize()} har flera klienter mött problemet {place}: "
        f"{title[0].lower() + title[1:]}."
    ]
    rare = rng.random() < BULK_RARE[1]
    if rare:
        sentences.append(BULK_RARE[0])
    # Room left for the rare sentence's length at most, so the cap holds either way.
    target = min(int(rng.triangular(BULK_MIN_WORDS, BULK_MAX_WORDS, 80)), BULK_MAX_WORDS)
    used = _words(title, causes, consequences, system_view, proposal, *sentences)
    for detail in rng.sample(BULK_DETAILS, len(BULK_DETAILS)):
        if used >= target:
            break
        detail = detail.format(thing=thing, place=rng.choice(BULK_PLACES))
        if used + _words(detail) > BULK_MAX_WORDS:
            break
        sentences.insert(rng.randint(1, len(sentences)), detail)
        used += _words(detail)
    return {
        "description": " ".join(sentences),
        "causes": causes,
        "consequences": consequences,
        "system_view": system_view,
        "proposal": proposal,
    }


def seed_bulk(group: Group, count: int, progress=None, seed: int = 5) -> dict:
    """Insert ``count`` realistic reports into a group with bulk core inserts; return counts.

    No ORM objects and no audit rows: this is a system command for benchmarks. Every status
    (a few drafts too, without numbers), level and category; title and answers of 50–300 words;
    occurrences, comments, owners, escalations with some replies, followers and the history of
    each. Numbers go on per year after the group's existing ones; the search index is filled as
    the services would. A few statements per batch of :data:`BULK_BATCH` reports.
    """
    rng = random.Random(seed)
    now = utcnow()
    today = now.date()
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.group_id == group.id, Membership.ended_at.is_(None))
        .options(selectinload(Membership.user))
    ).all()
    if not memberships:
        raise ValueError("Gruppen har inga medlemmar.")
    ombuds = [m.user_id for m in memberships if m.role == Role.OMBUD.value] or [
        m.user_id for m in memberships
    ]
    owners = [m for m in memberships if services.sees_all(m)] or memberships
    followers = sorted({m.user_id for m in memberships})
    municipalities = db.session.scalars(
        select(Municipality.id).where(Municipality.group_id == group.id)
    ).all()
    organisations = db.session.scalars(select(Organisation.id)).all()
    meetings = db.session.scalars(
        select(Meeting.id).where(Meeting.group_id == group.id, Meeting.starts_at < now)
    ).all()
    chair = next((m.user_id for m in memberships if m.role == Role.CHAIR.value), memberships[0].user_id)
    is_sqlite = db.session.get_bind().dialect.name == "sqlite"

    # A meeting takes up a handful of reports, not thousands: the others were taken up at meetings
    # held before the group's first one in the app.
    meeting_share = min(1.0, BULK_PER_MEETING * len(meetings) / count)
    statuses, weights = zip(*BULK_STATUSES, strict=True)
    chosen = rng.choices(statuses, weights, k=count)
    # Submission moments over the last three years, oldest first, numbered on per year.
    moments = sorted(
        now - timedelta(days=rng.uniform(1, 3 * 365), minutes=rng.randint(0, 600)) for _ in range(count)
    )
    # Each year's numbers are taken from the group's counter in one block (numbering.reserve).
    per_year = Counter(
        numbering.swedish_year(moment)
        for moment, status in zip(moments, chosen, strict=True)
        if status != S.DRAFT
    )
    last_seq = {
        year: numbering.reserve(group.id, numbering.SYSTEM_ERROR, year, n) - 1 for year, n in per_year.items()
    }
    totals = {"reports": 0, "occurrences": 0, "events": 0, "escalations": 0}
    table = SystemErrorReport.__table__
    for start in range(0, count, BULK_BATCH):
        reports, texts, paths = [], [], []
        for submitted_at, status in zip(
            moments[start : start + BULK_BATCH], chosen[start : start + BULK_BATCH], strict=True
        ):
            draft = status == S.DRAFT
            year = None if draft else numbering.swedish_year(submitted_at)
            if not draft:
                last_seq[year] += 1
            pattern, kind = rng.choice(BULK_PROBLEMS)
            level, category = BULK_CATEGORIES[kind]
            if draft and rng.random() < 0.5:
                level, category = "", ""  # not chosen yet: a draft needs a title only
            thing = rng.choice(BULK_THINGS)
            title = pattern.format(thing=thing)
            title = title[0].upper() + title[1:]
            answers = _answers(rng, title, thing)
            comments = (
                [] if draft else rng.sample(BULK_COMMENTS, rng.choices((0, 1, 2, 3), (55, 25, 13, 7))[0])
            )
            owner = rng.choice(owners) if status in OWNED else None
            body = "\n".join([answers["description"], answers["causes"], answers["consequences"], *comments])
            reports.append(
                {
                    "group_id": group.id,
                    "number_year": year,
                    "number_seq": None if draft else last_seq[year],
                    "reporter_id": rng.choice(ombuds),
                    "status": status.value,
                    "title": title,
                    **answers,
                    "fixer_organisation_id": rng.choice(organisations) if organisations else None,
                    "who_can_fix": None,
                    "level": level,
                    "category": category,
                    "client_count": rng.randint(1, 8),
                    "is_confidential": rng.random() < 0.05,
                    "owner_id": owner.id if owner else None,
                    "next_review_on": today + timedelta(days=rng.randint(7, 90)) if owner else None,
                    "meeting_id": rng.choice(meetings)
                    if meetings
                    and status not in (S.DRAFT, S.SUBMITTED, S.CLOSED)
                    and rng.random() < meeting_share
                    else None,
                    "agenda_item_id": None,
                    "resolution": "Rutinen är ändrad och följs upp." if status == S.RESOLVED else None,
                    "close_reason": "Bedömdes inte som ett systemfel." if status == S.CLOSED else None,
                    "search_text": f"{title}\n{body}",
                    "submitted_at": None if draft else submitted_at,
                    "created_at": submitted_at - timedelta(days=rng.randint(0, 3)),
                    "updated_at": submitted_at,
                }
            )
            texts.append((title, body))
            paths.append((status, comments, owner))
        # A plain executemany (RETURNING in parameter order goes row by row on SQLite), then the
        # new ids in insertion order, checked against the numbers (drafts have none).
        before = db.session.scalar(select(func.max(table.c.id))) or 0
        db.session.execute(insert(table), reports)
        rows = db.session.execute(
            select(table.c.id, table.c.number_year, table.c.number_seq)
            .where(table.c.group_id == group.id, table.c.id > before)
            .order_by(table.c.id)
        ).all()
        if [(y, s) for _, y, s in rows] != [(r["number_year"], r["number_seq"]) for r in reports]:
            raise RuntimeError("De nya rapporternas id följer inte ordningen de skrevs i.")
        ids = [report_id for report_id, _, _ in rows]
        links, occurrences, events, escalations, follows = [], [], [], [], []
        for report_id, row, (status, comments, owner) in zip(ids, reports, paths, strict=True):
            when = row["submitted_at"]
            reporter = row["reporter_id"]

            event = partial(_bulk_event, events, report_id, group.id)

            event(EventKind.CREATED, row["created_at"], reporter)
            for organisation_id in rng.sample(organisations, min(len(organisations), rng.randint(1, 3))):
                links.append({"report_id": report_id, "organisation_id": organisation_id})
            if status == S.DRAFT:
                continue
            event(EventKind.SUBMITTED, when, reporter, from_status=S.DRAFT.value, to_status=S.SUBMITTED.value)
            if rng.random() < 0.1:
                for user_id in rng.sample(followers, min(len(followers), rng.randint(1, 2))):
                    if user_id != reporter:
                        follows.append(
                            {
                                "report_id": report_id,
                                "user_id": user_id,
                                "group_id": group.id,
                                "created_at": when,
                            }
                        )
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
            reply = outcome = None
            for to in BULK_PATHS[status]:
                step_at = min(now, step_at + timedelta(days=rng.randint(3, 60)))
                note = (
                    row["resolution"] if to == S.RESOLVED else row["close_reason"] if to == S.CLOSED else None
                )
                details = {}
                if to == S.ESCALATED:
                    body = rng.choice([b for b in EscalationBody if b != EscalationBody.OTHER])
                    details = {"eskalerad till": body.label}
                    replied = rng.random() < 0.4
                    reply, outcome = rng.choice(BULK_REPLIES) if replied else (None, None)
                    escalations.append(
                        {
                            "report_id": report_id,
                            "group_id": group.id,
                            "body": body.value,
                            "body_other": None,
                            "sent_on": step_at.date(),
                            "channel": "Brev",
                            "reply_expected_by": step_at.date() + timedelta(days=30),
                            "reply_received_on": step_at.date() + timedelta(days=21) if replied else None,
                            "reply": reply,
                            "outcome": outcome,
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
                if to == S.IN_PROGRESS and owner is not None:
                    event(
                        EventKind.OWNER,
                        step_at,
                        chair,
                        details={
                            "ansvarig": [None, owner.user.name],
                            "nästa uppföljning": row["next_review_on"].isoformat(),
                        },
                    )
                if to == S.ESCALATED and reply:
                    replied_at = min(now, step_at + timedelta(days=21))
                    event(
                        EventKind.ESCALATION_REPLY,
                        replied_at,
                        chair,
                        note=outcome,
                        details={"från": body.label, "mottaget": replied_at.date().isoformat()},
                    )
                previous = to
            for comment in comments:
                step_at = min(now, step_at + timedelta(days=rng.randint(1, 20)))
                event(EventKind.COMMENT, step_at, rng.choice((chair, reporter)), note=comment)
        for table_, rows_ in (
            (report_organisation, links),
            (Occurrence.__table__, occurrences),
            (ReportEvent.__table__, events),
            (Escalation.__table__, escalations),
            (ReportFollower.__table__, follows),
        ):
            if rows_:
                db.session.execute(insert(table_), rows_)
        if is_sqlite:
            db.session.execute(
                text(search.INSERT),
                [search.index_entry(i, t, b, group.id) for i, (t, b) in zip(ids, texts, strict=True)],
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
