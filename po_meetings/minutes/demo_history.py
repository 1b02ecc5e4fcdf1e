"""Demo minutes around the autumn's two meetings (:mod:`.demo`): last year's two operative
meetings, and the latest meeting, held three weeks ago and still waiting for its justerare.

Last year's meetings are created before the register is seeded, so that last year's reports are
taken up at them; they are held (decisions, a vote 5–2 with a reservation, a report linked to a
decision, uppdrag done) and justerade. The latest meeting gives uppdrag to several members, some
due within the week and one already overdue, tables (bordlägger) the revised mandate so that it
waits on the coming agenda, and is closed: the chair has justerat, the justerare (the vice chair)
has not. Everything goes through the services; only the moments are moved back afterwards.
"""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from ..agendas.services import templates_of
from ..extensions import db
from ..meetings import services as meetings
from ..models import (
    ActionStatus,
    Group,
    ItemType,
    Meeting,
    MeetingKind,
    MeetingStatus,
    SystemErrorReport,
    VoteChoice,
    utcnow,
)
from ..system_errors.demo_data import ESCALATED_TITLE
from . import services
from .demo import (
    AF,
    ASBY,
    CHAIR,
    CO_OPTED,
    FK,
    OMBUD,
    OMBUD2,
    RSMH,
    VC,
    VICE,
    _attendance,
    _justera,
    _Moments,
    _paragraphs,
    _stamp_decisions,
    _write,
)
from .demo_records import start_as_held

#: Days before today of last year's two meetings (Mondays when today is one, like the others).
LAST_YEAR_DAYS = (455, 392)
#: Days before today of the latest meeting, closed and waiting for its justerare.
LATEST_DAYS = 21
#: The matter the latest meeting tabled; it waits on the coming agenda.
TABLED_TITLE = "Reviderat mandat för ledningsgruppen"
#: The uppdrag of ledamot@demo.se that is overdue.
OVERDUE_ACTION = "Ta reda på om lokalkontoret kan skriva in klienter utan BankID vid besök"
PLACE = "Kommunhuset, sal Åsen"


def _members(group: Group) -> dict:
    return {m.user.email: m for m in group.memberships if m.ended_at is None}


def _operative(group: Group):
    return next(t for t in templates_of(group) if t.kind == MeetingKind.OPERATIVE.value)


def _called_meeting(group: Group, days_ago: int) -> Meeting:
    """Create an operative meeting some days ago, kallad two weeks before it (no mail today)."""
    day = meetings.local(utcnow()).date() - timedelta(days=days_ago)
    starts_at = meetings.local_datetime(day, time(13, 0))
    ends_at = meetings.local_datetime(day, time(15, 0))
    meeting = meetings.create_meeting(
        group, _operative(group), "Operativt möte", starts_at, ends_at, place=PLACE
    )
    meetings.change_status(meeting, MeetingStatus.CALLED)
    meeting.published_at = starts_at - timedelta(days=14)
    meeting.notice_count = 1
    return meeting


def add_last_years_meetings(group: Group) -> list[Meeting]:
    """Create last year's two operative meetings (kallade; held by hold_last_years_meetings)."""
    return [_called_meeting(group, days) for days in LAST_YEAR_DAYS]


def _taken_up_at(meeting: Meeting) -> SystemErrorReport | None:
    """Return the first report the register took up at this meeting."""
    return db.session.scalars(
        select(SystemErrorReport)
        .where(SystemErrorReport.meeting_id == meeting.id)
        .order_by(SystemErrorReport.submitted_at)
    ).first()


def _numbers(meeting: Meeting) -> str:
    paragraphs = services.minutes_of(meeting).paragraphs
    return f"§§ {paragraphs[0].number}–{paragraphs[-1].number}"


def hold_last_years_meetings(group: Group, held: list[Meeting]) -> None:
    """Hold last year's meetings: minutes written, decisions taken, closed and justerade."""
    members = _members(group)
    first, second = held
    _first_of_last_year(first, members)
    _second_of_last_year(second, members)


def _first_of_last_year(meeting: Meeting, members: dict) -> None:
    """Consensus decisions, a report taken up and linked, an uppdrag done."""
    chair, secretary = members[CHAIR], members[VC]
    moments = _Moments(meeting)
    start_as_held(meeting)
    minutes = services.minutes_of(meeting)
    moments.note(minutes, "opened_at", moments.at(0))
    _attendance(
        minutes,
        chair,
        members,
        present=[CHAIR, VICE, AF, FK, VC, ASBY, RSMH, CO_OPTED, OMBUD, OMBUD2],
    )
    services.set_officers(minutes, chair, chair.id, secretary.id, [members[RSMH].id])
    p = _paragraphs(minutes)
    meeting_day = meetings.local(meeting.starts_at).date()

    formalia = p["Formalia"]
    _write(
        formalia,
        secretary,
        "Ordföranden öppnade mötet och hälsade Maria Ek från RSMH Mellanå välkommen som ny ledamot. "
        "Till sekreterare valdes Eva Nyström och till justerare Maria Ek.",
    )
    services.add_decision(
        formalia,
        secretary,
        "att godkänna dagordningen,\n\natt välja Eva Nyström till sekreterare och Maria Ek till justerare.",
    )
    _write(
        p["Nytt från organisationerna"],
        secretary,
        "- Socialtjänsten i Mellanå har flyttat sin mottagning till kommunhuset.\n"
        "- Försäkringskassan har fått en ny enhetschef för sjukförsäkringen i länet.",
    )
    _write(
        p["Klientrapportering"],
        secretary,
        "Ombuden redovisade statistiken för sommaren: 41 aktiva klienter, varav 6 nya. "
        "Den som vill ha ett ombud väntar i dag omkring fyra veckor.",
    )
    systems = p["Systemfrågor"]
    _write(
        systems,
        secretary,
        "Ombuden redovisade rapporten om klienter som skrivits ut från vuxenpsykiatrin en fredag "
        "eftermiddag utan att socialtjänsten kontaktats. Gruppen ser ett mönster och vill ha en "
        "gemensam rutin mellan huvudmännen.",
    )
    decision = services.add_decision(
        systems,
        secretary,
        "att ta upp rapporten om utskrivning från slutenvården som systemfel,\n\n"
        "att vice ordföranden tar fram en gemensam rutin för utskrivning tillsammans med socialtjänsten.",
    )
    report = _taken_up_at(meeting)
    if report is not None:
        services.link_report(decision, secretary, report)
    routine = services.add_action(
        decision,
        secretary,
        "Ta fram en gemensam rutin för utskrivning från slutenvården",
        members[VICE].id,
        meeting_day + timedelta(days=56),
    )
    other = p["Övrigt"]
    _write(other, secretary, "Gruppen gick igenom mötesplanen för hösten och vintern.")
    services.add_decision(other, secretary, "att fastställa mötesplanen för hösten och vintern.")

    services.close(meeting, chair, notify=False)
    _stamp_decisions(minutes, moments, start=10, step=15)
    moments.note(minutes, "closed_at", meeting.ends_at)
    _justera(meeting, minutes, moments, [2, 4])
    services.set_action_status(routine, members[VICE], ActionStatus.DONE)
    moments.note(routine, "updated_at", moments.day(50))
    moments.apply()


def _second_of_last_year(meeting: Meeting, members: dict) -> None:
    """A report taken up and linked, an uppdrag done, and a vote 5–2 with a motivated reservation."""
    chair, secretary = members[CHAIR], members[AF]
    moments = _Moments(meeting)
    previous = meetings.previous_meeting(meeting)
    start_as_held(meeting)
    minutes = services.minutes_of(meeting)
    moments.note(minutes, "opened_at", moments.at(0))
    _attendance(
        minutes,
        chair,
        members,
        present=[CHAIR, VICE, AF, FK, VC, ASBY, RSMH, CO_OPTED, OMBUD],
        apologies=[OMBUD2],
    )
    services.set_officers(minutes, chair, chair.id, secretary.id, [members[FK].id])
    p = _paragraphs(minutes)
    meeting_day = meetings.local(meeting.starts_at).date()

    formalia = p["Formalia"]
    _write(
        formalia,
        secretary,
        "Ordföranden öppnade mötet. Till sekreterare valdes Fatima Hassan och till justerare Per "
        f"Sandberg. Protokollet från föregående möte ({_numbers(previous)}) är justerat. Vice "
        "ordföranden berättade att arbetet med en gemensam utskrivningsrutin pågår.",
    )
    services.add_decision(
        formalia,
        secretary,
        "att godkänna dagordningen,\n\natt lägga protokollet från föregående möte till handlingarna.",
    )
    _write(
        p["Nytt från organisationerna"],
        secretary,
        "- Arbetsförmedlingen slår ihop kontoren i Mellanå och Åsby efter årsskiftet.\n"
        "- Vårdcentralen i Åsby har fått en ny verksamhetschef.",
    )
    _write(
        p["Klientrapportering"],
        secretary,
        "Ombuden redovisade statistiken för hösten: 44 aktiva klienter, varav 7 nya. Flera "
        "klienter har fått beslutsbrev från Försäkringskassan som de inte förstår.",
    )
    systems = p["Systemfrågor"]
    _write(
        systems,
        secretary,
        "Ombuden redovisade rapporten om Försäkringskassans beslutsbrev. Ledamoten från "
        "Försäkringskassan bekräftade att breven är nationella mallar som inte kan ändras lokalt.",
    )
    decision = services.add_decision(
        systems,
        secretary,
        "att ta upp rapporten om Försäkringskassans beslutsbrev som systemfel,\n\n"
        "att Försäkringskassans ledamot tar frågan vidare i den egna linjen.",
    )
    report = _taken_up_at(meeting)
    if report is not None:
        services.link_report(decision, secretary, report)
    letters = services.add_action(
        decision,
        secretary,
        "Ta upp beslutsbrevens begriplighet med Försäkringskassans verksamhetsområde",
        members[FK].id,
        meeting_day + timedelta(days=42),
    )

    other = p["Övrigt"]
    _write(
        other,
        secretary,
        "Ordföranden föreslog att vartannat operativt möte hålls som videomöte för att spara "
        "restid. Brukarorganisationen och Åsby ville behålla mötena på plats. Votering begärdes.",
    )
    vote = services.add_decision(
        other,
        secretary,
        "att gruppen från och med våren håller vartannat operativt möte som videomöte, med "
        "möjlighet att delta på plats i sal Åsen.",
        method="vote",
    )
    services.record_votes(
        vote,
        secretary,
        [
            (members[CHAIR].id, VoteChoice.YES.value),
            (members[VICE].id, VoteChoice.YES.value),
            (members[AF].id, VoteChoice.YES.value),
            (members[FK].id, VoteChoice.YES.value),
            (members[VC].id, VoteChoice.YES.value),
            (members[ASBY].id, VoteChoice.NO.value),
            (members[RSMH].id, VoteChoice.NO.value),
        ],
    )
    reservation = services.reserve(vote, secretary, members[RSMH].id)

    services.close(meeting, chair, notify=False)
    _stamp_decisions(minutes, moments, start=15, step=20)
    moments.note(minutes, "closed_at", meeting.ends_at)
    services.motivate(
        reservation,
        members[RSMH],
        "Brukarorganisationens företrädare har inte alltid tillgång till dator och en lugn plats. "
        "Videomöten gör det svårare för oss att delta på lika villkor.",
    )
    moments.note(reservation, "motivated_at", moments.day(1, 11))
    _justera(meeting, minutes, moments, [3, 5])
    services.set_action_status(letters, members[FK], ActionStatus.DONE)
    moments.note(letters, "updated_at", moments.day(40))
    moments.apply()


# -- the latest meeting: closed, justering pending ------------------------------------------------


def hold_latest_meeting(group: Group) -> Meeting:
    """Hold the meeting three weeks ago: uppdrag for several members, a tabled §, closed; the chair
    has justerat, the justerare (the vice chair) has not."""
    members = _members(group)
    chair, secretary = members[CHAIR], members[VC]
    meeting = _called_meeting(group, LATEST_DAYS)
    item = meetings.add_item(
        meeting,
        TABLED_TITLE,
        15,
        item_type=ItemType.DECISION,
        presenter=members[VICE],
        description="Vice ordföranden presenterar förslaget till reviderat mandat.",
    )
    meetings.move_item(item, "up")  # before Övrigt
    moments = _Moments(meeting)
    previous = meetings.previous_meeting(meeting)
    start_as_held(meeting)
    minutes = services.minutes_of(meeting)
    moments.note(minutes, "opened_at", moments.at(0))
    _attendance(
        minutes,
        chair,
        members,
        present=[CHAIR, VICE, AF, FK, VC, ASBY, CO_OPTED, OMBUD, OMBUD2],
        apologies=[RSMH],
    )
    services.set_officers(minutes, chair, chair.id, secretary.id, [members[VICE].id])
    p = _paragraphs(minutes)
    meeting_day = meetings.local(meeting.starts_at).date()

    formalia = p["Formalia"]
    _write(
        formalia,
        secretary,
        "Ordföranden öppnade mötet. Till sekreterare valdes Eva Nyström och till justerare Johan "
        f"Berg. Protokollet från föregående möte ({_numbers(previous)}) är justerat.",
    )
    services.add_decision(
        formalia,
        secretary,
        "att godkänna dagordningen,\n\natt lägga protokollet från föregående möte till handlingarna.",
    )
    _write(
        p["Nytt från organisationerna"],
        secretary,
        "- Vårdcentralen i Mellanå erbjuder återuppringning inom en arbetsdag från nästa månad.\n"
        "- Arbetsförmedlingen har fortfarande inget svar från länsstyrelsen om kravet på BankID.",
    )
    _write(
        p["Klientrapportering"],
        secretary,
        "Ombuden redovisade statistiken: 48 aktiva klienter, varav 5 nya. Tre personer väntar på ett ombud.",
    )
    systems = p["Systemfrågor"]
    _write(
        systems,
        secretary,
        "Ombuden redovisade de inskickade rapporterna. Gruppen hann inte gå igenom dem alla; de som "
        "inte togs upp står kvar till nästa möte. Gruppen diskuterade kravet på BankID hos "
        "Arbetsförmedlingen, som ännu inte fått något svar från länsstyrelsen.",
    )
    decision = services.add_decision(
        systems,
        secretary,
        "att Arbetsförmedlingens ledamot tar reda på om lokalkontoret kan skriva in klienter utan "
        "BankID vid besök,\n\n"
        "att Försäkringskassans ledamot sammanställer hur kallelser som bara skickas digitalt "
        "påverkar klienterna,\n\n"
        "att vårdcentralschefen bjuder in hjälpmedelsenheten till ett kommande möte.",
    )
    reports = {
        r.title: r
        for r in db.session.scalars(select(SystemErrorReport).where(SystemErrorReport.group_id == group.id))
    }
    services.link_report(decision, secretary, reports[ESCALATED_TITLE])
    services.add_action(decision, secretary, OVERDUE_ACTION, members[AF].id, meeting_day + timedelta(days=18))
    letters = services.add_action(
        decision,
        secretary,
        "Sammanställa hur kallelser som bara skickas digitalt påverkar klienterna",
        members[FK].id,
        meeting_day + timedelta(days=26),
    )
    services.add_action(
        decision,
        secretary,
        "Bjuda in hjälpmedelsenheten till ett kommande möte",
        members[VC].id,
        meeting_day + timedelta(days=56),
    )

    tabled = p[TABLED_TITLE]
    _write(
        tabled,
        secretary,
        "Vice ordföranden redovisade att förslaget till reviderat mandat inte är klart. Gruppen vill "
        "ha ett skriftligt förslag utskickat med kallelsen innan frågan avgörs.",
    )
    services.table_paragraph(tabled, chair)

    other = p["Övrigt"]
    _write(
        other,
        secretary,
        "Ombuden har svårt att hitta aktuella kontaktvägar till handläggarna hos huvudmännen.",
    )
    contacts = services.add_decision(
        other,
        secretary,
        "att varje ledamot skickar sin organisations aktuella kontaktvägar till ombuden före nästa möte.",
    )
    services.add_action(
        contacts,
        secretary,
        "Skicka Arbetsförmedlingens kontaktvägar och nya öppettider till ombuden",
        members[AF].id,
        meeting_day + timedelta(days=25),
    )

    services.close(meeting, chair, notify=False)
    _stamp_decisions(minutes, moments, start=15, step=12)
    moments.note(tabled, "tabled_at", moments.at(95))
    moments.note(minutes, "closed_at", meeting.ends_at)
    # The chair has justerat; the justerare has not yet (the minutes wait on their start page).
    approval = services.justera(minutes, chair, True, notify=False)
    moments.note(approval, "created_at", moments.day(2, 15))
    assert not minutes.is_approved and meeting.status == MeetingStatus.CLOSED.value
    services.set_action_status(letters, members[FK], ActionStatus.IN_PROGRESS)
    moments.note(letters, "updated_at", moments.day(7))
    moments.apply()
    return meeting
