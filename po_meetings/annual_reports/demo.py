"""Demo data for the yearly report: a full last year, and the chair's draft of its report.

The rest of the demo counts its dates back from today, so how much of it falls in last year
depends on the day. This module adds what last year's report needs whatever the day: three
operative meetings in the spring (held, with minutes and decisions, justerade), system errors
of every level submitted across the year (one carried over from the year before, some
resolved, one escalated to Länsstyrelsen with a reply, one closed without action), and the
group as it stood then (its members joined before the year began). Everything goes through the
services; only the moments are moved back afterwards, as in the other demo modules.

Last year's meetings are held in date order with the two the minutes demo holds
(:mod:`po_meetings.minutes.demo_history`), since a year's §§ are numbered in meeting order.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..dates import local, local_datetime
from ..extensions import db
from ..meetings import services as meetings
from ..minutes import demo_history
from ..minutes import services as minutes_services
from ..minutes.demo import (
    AF,
    ASBY,
    CHAIR,
    FK,
    OMBUD,
    OMBUD2,
    VC,
    VICE,
    _attendance,
    _justera,
    _Moments,
    _paragraphs,
    _stamp_decisions,
    _write,
)
from ..minutes.demo_records import start_as_held
from ..models import (
    EscalationBody,
    Group,
    Meeting,
    MeetingStatus,
    Organisation,
    ReportStatus,
    SystemErrorReport,
    User,
    utcnow,
)
from ..system_errors import services as register
from . import services

S = ReportStatus
PLACE = "Kommunhuset, sal Åsen"
#: The entered parts the chair has written so far; the rest are left for the group.
ENTERED = {
    "posts_this_year": 200,
    "persons_this_year": 2,
    "posts_planned": 200,
    "persons_planned": 2,
    "placement": (
        "Verksamheten är placerad i Mellanå kommun, socialförvaltningen, enheten för "
        "socialpsykiatri. Ombuden arbetar i både Mellanå och Åsby enligt ett samverkansavtal."
    ),
    "supervision": (
        "Ombuden har extern processhandledning en gång i månaden, två timmar, tillsammans med "
        "ombuden i Norrsjö."
    ),
    "training": (
        "- Länsstyrelsens nätverksträffar för personligt ombud (två dagar)\n"
        "- Utbildning i samordnad individuell plan (SIP)\n"
        "- Föreläsning om psykisk ohälsa och ekonomiskt bistånd"
    ),
    "system_error_work": (
        "Ombuden rapporterar systemfel i registret så snart de ser ett mönster. Varje operativt "
        "möte har punkten **Systemfrågor**, där gruppen tar upp nya rapporter, utser en ansvarig "
        "ledamot och följer upp dem som pågår. Det som inte kan lösas lokalt eskaleras till "
        "regionen, Länsstyrelsen eller Socialstyrelsen."
    ),
}

#: Last year's system errors and what became of them. ``submitted`` is (years after last year,
#: month, day); ``taken_up`` the spring meeting (by number) that took the report up.
REPORTS = (
    {
        "key": "carried",
        "title": "Ombud får inte delta i vårdplaneringen på vårdavdelningen",
        "level": "local",
        "category": "accessibility",
        "affected": ("Region Mellanland, psykiatrin",),
        "submitted": (-1, 11, 18),
        "taken_up": 0,
        "owner": VICE,
        "resolved": ((3, 20), "Psykiatrins rutin är ändrad: ombudet bjuds in när klienten vill det."),
    },
    {
        "key": "caseworker",
        "title": "Handläggare hänvisar till e-tjänsten utan att erbjuda hjälp",
        "level": "caseworker",
        "category": "treatment",
        "affected": ("Försäkringskassan",),
        "submitted": (0, 1, 22),
        "taken_up": 0,
        "owner": FK,
        "resolved": ((4, 2), "Lokalkontoret har en rutin för att boka hjälp vid besök."),
    },
    {
        "key": "escalated",
        "title": "Sjukpenningen dras in under pågående rehabilitering",
        "level": "central",
        "category": "regulation",
        "affected": ("Försäkringskassan",),
        "fixer": "Försäkringskassan",
        "submitted": (0, 3, 12),
        "taken_up": 1,
        "owner": CHAIR,
        "escalated": {
            "sent": (5, 5),
            "expected": (6, 30),
            "replied": (6, 18),
            "reply": "Länsstyrelsen har tagit upp frågan i den regionala samverkansgruppen.",
            "outcome": "Frågan finns med i Länsstyrelsens rapport till Socialstyrelsen.",
        },
    },
    {
        "key": "closed",
        "title": "Socialtjänstens mottagning stängd under sommaren",
        "level": "local",
        "category": "local_resources",
        "affected": ("Mellanå kommun, socialtjänsten",),
        "submitted": (0, 5, 20),
        "taken_up": 2,
        "closed": "Mottagningen var stängd några veckor i maj; gruppen ser inget mönster som består.",
    },
)
#: The spring's meetings: about the day (month, day) of each, moved to the Monday on or after.
SPRING = ((2, 10), (4, 14), (6, 9))


def last_year() -> int:
    """Return last year in Sweden."""
    return local(utcnow()).year - 1


def _moment(day: date, hour: int = 10) -> datetime:
    return local_datetime(day, time(hour))


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _members(group: Group) -> dict:
    return {m.user.email: m for m in group.memberships if m.ended_at is None}


def _backdate_group(group: Group, year: int) -> None:
    """Let the group and its members date from before last year (its report lists them)."""
    since = _moment(date(year - 1, 1, 15), 9)
    group.created_at = min(group.created_at, since)
    for membership in group.memberships:
        membership.created_at = min(membership.created_at, since)


def _spring_meetings(group: Group, year: int, taken: set[date]) -> list[Meeting]:
    """Create last spring's operative meetings, kallade two weeks before (held later, in order)."""
    operative = demo_history._operative(group)
    created = []
    for month, day in SPRING:
        when = _monday_on_or_after(date(year, month, day))
        while when in taken:
            when += timedelta(days=7)
        meeting = meetings.create_meeting(
            group,
            operative,
            "Operativt möte",
            local_datetime(when, time(13, 0)),
            local_datetime(when, time(15, 0)),
            place=PLACE,
        )
        meetings.change_status(meeting, MeetingStatus.CALLED)
        meeting.published_at = meeting.starts_at - timedelta(days=14)
        meeting.notice_count = 1
        created.append(meeting)
    return created


class _Report:
    """A demo report and the moments its history events happened (written as they are made)."""

    def __init__(self, report: SystemErrorReport) -> None:
        self.report = report
        self.done = 0

    def stamp(self, moment: datetime) -> None:
        for offset, event in enumerate(self.report.events[self.done :]):
            event.occurred_at = moment + timedelta(minutes=offset)
        self.done = len(self.report.events)


def _submit_reports(group: Group, users: dict[str, User], year: int) -> dict[str, _Report]:
    """Submit last year's reports on their days (moved on when the meetings are held)."""
    organisations = {o.name: o for o in db.session.scalars(select(Organisation))}
    made = {}
    for spec in REPORTS:
        offset, month, day = spec["submitted"]
        submitted = _moment(date(year + offset, month, day), 9)
        values = {
            "title": spec["title"],
            "description": "Ombuden har mött mönstret hos flera klienter under en längre tid.",
            "causes": "Rutinerna tar inte hänsyn till klienter med psykisk funktionsnedsättning.",
            "consequences": "Klienterna förlorar tid, stöd eller ersättning de har rätt till.",
            "system_view": "Felet ligger i hur verksamheterna är organiserade, inte hos enskilda.",
            "level": spec["level"],
            "category": spec["category"],
            "fixer_organisation_id": organisations[spec["fixer"]].id if "fixer" in spec else None,
            "affected_organisation_ids": [organisations[name].id for name in spec["affected"]],
        }
        report = register.save_report(group, users["ombud@demo.se"], values, submit=True, now=submitted)
        report.created_at = submitted
        made[spec["key"]] = _Report(report)
        made[spec["key"]].stamp(submitted)
    return made


def _move_on(made: dict[str, _Report], meeting: Meeting, number: int, members: dict, year: int) -> None:
    """Take up the reports of a spring meeting and move them on as their specs say."""
    chair = members[CHAIR].user
    for spec in REPORTS:
        if spec.get("taken_up") != number:
            continue
        entry = made[spec["key"]]
        report = entry.report
        item = next((i for i in meeting.items if i.title == "Systemfrågor"), None)
        register.change_status(report, chair, S.TAKEN_UP, meeting=meeting, agenda_item=item)
        if "closed" in spec:
            register.change_status(report, chair, S.CLOSED, spec["closed"])
            entry.stamp(meeting.ends_at)
            continue
        register.change_status(
            report,
            chair,
            S.IN_PROGRESS,
            owner=members[spec["owner"]],
            next_review_on=local(meeting.starts_at).date() + timedelta(days=42),
        )
        entry.stamp(meeting.ends_at)
        owner = members[spec["owner"]].user
        if "resolved" in spec:
            (month, day), resolution = spec["resolved"]
            register.change_status(report, owner, S.RESOLVED, resolution)
            entry.stamp(_moment(date(year, month, day)))
        if "escalated" in spec:
            esc = spec["escalated"]
            sent = date(year, *esc["sent"])
            register.change_status(
                report,
                owner,
                S.ESCALATED,
                escalation={
                    "body": EscalationBody.COUNTY_BOARD.value,
                    "sent_on": sent,
                    "channel": "Brev",
                    "reply_expected_by": date(year, *esc["expected"]),
                },
            )
            entry.stamp(_moment(sent))
            replied = date(year, *esc["replied"])
            register.record_reply(report.escalations[-1], owner, replied, esc["reply"], esc["outcome"])
            entry.stamp(_moment(replied))


#: What each spring meeting's §§ say: (secretary, justerare, news, client report, systems, decision).
SPRING_MINUTES = (
    (
        VC,
        ASBY,
        "- Försäkringskassan har öppnat en ny mottagning i Åsby två dagar i veckan.",
        "Ombuden redovisade statistiken för hösten och vintern. Väntetiden till ett ombud är omkring tre veckor.",
        "Ombuden redovisade två rapporter: ombud som inte får delta i vårdplaneringen och handläggare "
        "som hänvisar till e-tjänsten utan att erbjuda hjälp.",
        "att ta upp rapporterna som systemfel,\n\natt vice ordföranden och Försäkringskassans ledamot "
        "tar dem vidare i sina organisationer.",
    ),
    (
        AF,
        VC,
        "- Socialtjänsten i Åsby inför telefontid för ombuden varje morgon.",
        "Ombuden redovisade statistiken för första kvartalet: fler nya klienter än avslutade.",
        "Ombuden redovisade rapporten om sjukpenning som dras in under pågående rehabilitering. "
        "Felet ligger i regelverket och kan inte lösas lokalt.",
        "att ta upp rapporten som systemfel,\n\natt ordföranden eskalerar den till Länsstyrelsen.",
    ),
    (
        VC,
        FK,
        "- Regionen ser över öppettiderna på vuxenpsykiatrins mottagning.",
        "Ombuden redovisade statistiken för våren. Flest kontakter gäller ekonomi och boende.",
        "Ordföranden berättade att eskaleringen till Länsstyrelsen har fått svar. Ombuden "
        "redovisade rapporten om socialtjänstens stängda mottagning i maj; den har öppnat igen.",
        "att avsluta rapporten om den stängda mottagningen utan åtgärd,\n\natt lägga informationen "
        "om eskaleringen till handlingarna.",
    ),
)


def _hold_spring_meeting(meeting: Meeting, number: int, members: dict, made, year: int) -> None:
    """Hold one spring meeting: attendance, officers, the §§' text, decisions; closed and justerad."""
    secretary_key, adjuster_key, news, clients, systems_text, systems_decision = SPRING_MINUTES[number]
    chair, secretary = members[CHAIR], members[secretary_key]
    moments = _Moments(meeting)
    start_as_held(meeting)
    minutes = minutes_services.minutes_of(meeting)
    moments.note(minutes, "opened_at", moments.at(0))
    # Not yet the user organisation's member (welcomed at the first of the autumn's meetings).
    present = [CHAIR, VICE, AF, FK, VC, ASBY, OMBUD, OMBUD2]
    _attendance(minutes, chair, members, present=present)
    minutes_services.set_officers(minutes, chair, chair.id, secretary.id, [members[adjuster_key].id])
    p = _paragraphs(minutes)
    _write(p["Formalia"], secretary, "Ordföranden öppnade mötet och dagordningen godkändes.")
    minutes_services.add_decision(p["Formalia"], secretary, "att godkänna dagordningen.")
    _write(p["Nytt från organisationerna"], secretary, news)
    _write(p["Klientrapportering"], secretary, clients)
    _move_on(made, meeting, number, members, year)
    _write(p["Systemfrågor"], secretary, systems_text)
    decision = minutes_services.add_decision(p["Systemfrågor"], secretary, systems_decision)
    # The decision links the first report the meeting took up (like the other demo minutes).
    taken_up = [entry.report for entry in made.values() if entry.report.meeting_id == meeting.id]
    if taken_up:
        minutes_services.link_report(decision, secretary, taken_up[0])
    _write(p["Övrigt"], secretary, "Inga övriga frågor.")
    minutes_services.close(meeting, chair, notify=False)
    _stamp_decisions(minutes, moments, start=10, step=20)
    moments.note(minutes, "closed_at", meeting.ends_at)
    _justera(meeting, minutes, moments, [2, 4])
    moments.apply()


def hold_last_years_meetings(group: Group, held: list[Meeting], users: dict[str, User]) -> None:
    """Add last spring's meetings and reports, then hold every meeting of last year in date order:
    the spring's and the two of :mod:`po_meetings.minutes.demo_history` (in place of its own
    ``hold_last_years_meetings``)."""
    year = last_year()
    _backdate_group(group, year)
    taken = {local(m.starts_at).date() for m in held}
    spring = _spring_meetings(group, year, taken)
    made = _submit_reports(group, users, year)
    members = _members(group)
    first, second = held
    holders = {first.id: demo_history._first_of_last_year, second.id: demo_history._second_of_last_year}
    for meeting in sorted([*spring, *held], key=lambda m: m.starts_at):
        if meeting.id in holders:
            holders[meeting.id](meeting, members)
        else:
            _hold_spring_meeting(meeting, spring.index(meeting), members, made, year)
    db.session.flush()


def seed_annual_report(group: Group) -> None:
    """Draft last year's report as the chair, with about half of the entered parts written."""
    chair = _members(group)[CHAIR]
    report = services.draft(group.id, chair, last_year())
    db.session.flush()
    services.save_entered(report, chair, ENTERED, None)
