"""Demo minutes: the Mellanå group's two past meetings, held, closed and justerade.

Everything goes through the minutes services in the order a secretary would work: start the
meeting (the minutes open), attendance, officers, the §§' text, decisions, votes, jäv,
protokollsanteckningar, action items, closing and justering. Only the moments are moved back
afterwards (opened, decided, closed, justerat), so the minutes read as if written on the day.
The people are the demo's invented members; no text names a client. No mail is queued: the
meetings were held long ago.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from ..extensions import db
from ..meetings import services as meetings
from ..models import (
    ActionStatus,
    Group,
    ItemType,
    Meeting,
    MeetingStatus,
    Membership,
    Paragraph,
    Presence,
    SystemErrorReport,
    User,
    VoteChoice,
    utcnow,
)
from . import services
from .demo_records import start_as_held

#: The confidential agenda item of the second past meeting (and its § in the minutes).
CONFIDENTIAL_ITEM = "Nattbemanning i den gemensamma socialjouren"
#: The report the second meeting's decision on Systemfrågor is linked to.
LINKED_REPORT = "Boendestöd upphör vid flytt mellan kommunerna"
#: The report the first meeting's analysis decision is linked to.
FIRST_LINKED_REPORT = "Ingen samordnad individuell plan trots flera insatser"

CHAIR = "ordforande@demo.se"
VICE = "vice@demo.se"
AF = "ledamot@demo.se"
FK = "ledamot.fk@demo.se"
VC = "ledamot.vc@demo.se"
ASBY = "ledamot.asby@demo.se"
RSMH = "ledamot.rsmh@demo.se"
SUBSTITUTE = "ersattare@demo.se"
CO_OPTED = "adjungerad@demo.se"
OMBUD = "ombud@demo.se"
OMBUD2 = "ombud2@demo.se"


class _Moments:
    """Collect the moments a meeting's rows 'happened' at, written after the services ran."""

    def __init__(self, meeting: Meeting) -> None:
        self.meeting = meeting
        self.rows: list[tuple[object, str, datetime]] = []

    def at(self, minutes: int) -> datetime:
        """Return the moment a number of minutes after the meeting started."""
        return self.meeting.starts_at + timedelta(minutes=minutes)

    def day(self, days: int, hour: int = 10) -> datetime:
        """Return a moment some days after the meeting day, at a local hour."""
        local_day = meetings.local(self.meeting.starts_at).date() + timedelta(days=days)
        return meetings.local_datetime(local_day, time(hour))

    def note(self, row, attribute: str, moment: datetime) -> None:
        """Remember that a row's timestamp should read ``moment``."""
        self.rows.append((row, attribute, moment))

    def apply(self) -> None:
        """Write the remembered moments (never later than now)."""
        now = utcnow()
        for row, attribute, moment in self.rows:
            setattr(row, attribute, min(moment, now))
        db.session.flush()


def seed_minutes(group: Group, users: dict[str, User]) -> None:
    """Hold the autumn's two meetings (the past ones still kallade: last year's are held by
    :mod:`.demo_history` first): minutes written, decisions taken, closed and justerade."""
    members = {m.user.email: m for m in group.memberships if m.ended_at is None}
    past = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.group_id == group.id,
            Meeting.status == MeetingStatus.CALLED.value,
            Meeting.starts_at < utcnow(),
        )
        .order_by(Meeting.starts_at)
    ).all()
    reports = {
        r.title: r
        for r in db.session.scalars(select(SystemErrorReport).where(SystemErrorReport.group_id == group.id))
    }
    first, second = past
    _development_day(first, members, reports)
    _operative_meeting(second, members, reports)


# -- helpers -------------------------------------------------------------------------------------


def _paragraphs(minutes) -> dict[str, Paragraph]:
    """Return the §§ of the minutes by title."""
    return {p.title: p for p in minutes.paragraphs}


def _write(paragraph: Paragraph, secretary: Membership, body: str) -> None:
    """Let the secretary write a §'s text (the agenda's sub-items stay as headings)."""
    text = f"{paragraph.body}\n\n{body}" if paragraph.body else body
    services.save_paragraph(paragraph, secretary, paragraph.title, text, paragraph.version)


def _attendance(minutes, writer: Membership, members: dict, present, apologies=(), serving=None, late=None):
    """Record who was there, who sent förhinder, the serving substitute and a late arrival."""
    for email in present:
        services.set_attendance(minutes, writer, members[email].id, Presence.PRESENT)
    for email in apologies:
        services.set_attendance(minutes, writer, members[email].id, Presence.APOLOGIES)
    if serving:
        substitute, member = serving
        services.set_attendance(
            minutes, writer, members[substitute].id, Presence.PRESENT, serving_for_id=members[member].id
        )
    if late:
        email, paragraph = late
        services.set_attendance(
            minutes, writer, members[email].id, Presence.PRESENT, arrived_at_id=paragraph.id
        )


def _justera(meeting: Meeting, minutes, moments: _Moments, days: list[int]) -> None:
    """Let the chair and every justerare approve, a few days apart; the minutes become justerade."""
    for approver, offset in zip(services.approvers(minutes), days, strict=True):
        approval = services.justera(minutes, approver, True, notify=False)
        moments.note(approval, "created_at", moments.day(offset, 15))
    assert minutes.is_approved and meeting.status == MeetingStatus.APPROVED.value
    moments.note(minutes, "approved_at", moments.day(days[-1], 15))


def _stamp_decisions(minutes, moments: _Moments, start: int, step: int) -> None:
    """Date the §§' decisions, votes' reservations and notes within the meeting."""
    minute = start
    for paragraph in minutes.paragraphs:
        moments.note(paragraph, "updated_at", moments.day(1, 9))
        for decision in paragraph.decisions:
            moments.note(decision, "created_at", moments.at(minute))
            for reservation in decision.reservations:
                moments.note(reservation, "announced_at", moments.at(minute + 2))
            for action in decision.actions:
                moments.note(action, "created_at", moments.at(minute + 1))
            minute += step
        for note in paragraph.notes:
            moments.note(note, "requested_at", moments.at(minute))
            moments.note(note, "decided_at", moments.at(minute + 1))


# -- the development day ---------------------------------------------------------------------------


def _development_day(meeting: Meeting, members: dict, reports: dict) -> None:
    """The development day: consensus decisions, an uppdrag done, one open and overdue, a report linked."""
    chair = members[CHAIR]
    secretary = members[VC]
    moments = _Moments(meeting)
    start_as_held(meeting)
    minutes = services.minutes_of(meeting)
    moments.note(minutes, "opened_at", moments.at(0))
    _attendance(
        minutes,
        chair,
        members,
        present=[CHAIR, VICE, AF, VC, ASBY, RSMH, CO_OPTED, OMBUD, OMBUD2],
        apologies=[FK],
        serving=(SUBSTITUTE, FK),
    )
    services.set_officers(minutes, chair, chair.id, secretary.id, [members[ASBY].id])
    p = _paragraphs(minutes)
    meeting_day = meetings.local(meeting.starts_at).date()

    intro = p["Inledning"]
    _write(
        intro,
        secretary,
        "Ordföranden hälsade välkommen och öppnade mötet. Dagordningen godkändes.\n\n"
        "Till sekreterare för mötet valdes Eva Nyström och till justerare Lars Holm.",
    )
    services.add_decision(
        intro,
        secretary,
        "att godkänna dagordningen,\n\natt välja Eva Nyström till sekreterare och Lars Holm till justerare.",
    )

    analysis = p["Årets systemfel: sammanställning och analys"]
    _write(
        analysis,
        secretary,
        "Ombuden redovisade årets rapporter om systemfel. De flesta gäller samordningen mellan "
        "huvudmännen, särskilt vid utskrivning från slutenvården och när flera insatser pågår "
        "samtidigt utan samordnad individuell plan (SIP).\n\n"
        "Gruppen konstaterade att de lokala felen i flera fall är lösta, medan de centrala ligger "
        "kvar och behöver drivas vidare i linjen.",
    )
    decision = services.add_decision(
        analysis,
        secretary,
        "att ombuden sammanställer årets systemfel per nivå till årsrapporten,\n\n"
        "att frågan om samordnad individuell plan följs upp som ett eget systemfel.",
    )
    done = services.add_action(
        decision,
        secretary,
        "Sammanställa årets systemfel per nivå till årsrapporten",
        secretary.id,
        meeting_day + timedelta(days=28),
    )
    services.link_report(decision, secretary, reports[FIRST_LINKED_REPORT])

    _write(p["Lunch"], secretary, "Gruppen åt lunch kl. 12.00–12.45.")

    role = p["Gruppens roll, mandat och sammansättning"]
    _write(
        role,
        secretary,
        "Gruppen diskuterade sitt mandat. Ledamöterna är överens om att gruppen ska kunna ta "
        "emot och driva systemfel, men att mandatet behöver beskriva tydligare hur frågor förs "
        "vidare till huvudmännen och när de eskaleras.",
    )
    decision = services.add_decision(
        role, secretary, "att vice ordföranden tar fram ett förslag till reviderat mandat för gruppen."
    )
    overdue = services.add_action(
        decision,
        secretary,
        "Ta fram förslag till reviderat mandat för ledningsgruppen",
        members[VICE].id,
        meeting_day + timedelta(days=42),
    )

    anchoring = p["Förankring i huvudmännens organisationer"]
    _write(
        anchoring,
        secretary,
        "Flera ledamöter beskrev att gruppens beslut inte når handläggarna. Gruppen vill att "
        "varje ledamot tar med sig besluten till sin egen ledningsgrupp.",
    )
    decision = services.add_decision(
        anchoring,
        secretary,
        "att varje ledamot återrapporterar gruppens prioriteringar i sin egen organisations ledningsgrupp.",
    )
    ongoing = services.add_action(
        decision,
        secretary,
        "Informera Arbetsförmedlingens sektionsledning om gruppens prioriteringar",
        members[AF].id,
        meetings.local(utcnow()).date() + timedelta(days=14),
    )

    plan = p["Verksamhetens framtid och nästa års plan"]
    _write(
        plan,
        secretary,
        "Verksamhetsledaren presenterade utkastet till verksamhetsplan. Gruppen lyfte behovet "
        "av fler ombud i Åsby och av bättre uppföljning av väntetiderna.",
    )
    services.add_decision(
        plan, secretary, "att anta verksamhetsplanen för nästa år med de ändringar som framkom."
    )
    note = services.request_note(
        plan,
        members[CO_OPTED],
        members[CO_OPTED].id,
        "Socialpsykiatrin vill att boendestödets väntetider tas med i uppföljningen.",
    )
    services.decide_note(note, chair, True)

    _write(p["Avslutning"], secretary, "Ordföranden tackade alla för en givande dag och avslutade mötet.")

    services.close(meeting, chair, notify=False)
    _stamp_decisions(minutes, moments, start=20, step=35)
    moments.note(minutes, "closed_at", meeting.ends_at)
    _justera(meeting, minutes, moments, [3, 5])

    services.set_action_status(ongoing, members[AF], ActionStatus.IN_PROGRESS)
    moments.note(ongoing, "updated_at", moments.day(20))
    services.set_action_status(done, secretary, ActionStatus.DONE)
    moments.note(done, "updated_at", moments.day(26))
    assert overdue.is_open
    moments.apply()


# -- the operative meeting ----------------------------------------------------------------------------


def _operative_meeting(meeting: Meeting, members: dict, reports: dict) -> None:
    """The operative meeting: a guest, a late arrival, a vote 4–2 with a reservation, jäv,
    a protokollsanteckning by an ombud, a confidential §, återrapportering and a report linked."""
    chair = members[CHAIR]
    secretary = members[AF]
    moments = _Moments(meeting)
    item = meetings.add_item(
        meeting,
        CONFIDENTIAL_ITEM,
        15,
        item_type=ItemType.DECISION,
        presenter=members[VICE],
        description="Underlaget innehåller uppgifter om enskilda enheters bemanning.",
        is_confidential=True,
    )
    meetings.move_item(item, "up")  # before Övrigt
    start_as_held(meeting)
    minutes = services.minutes_of(meeting)
    moments.note(minutes, "opened_at", moments.at(0))
    p = _paragraphs(minutes)
    secret = p[CONFIDENTIAL_ITEM]
    _attendance(
        minutes,
        chair,
        members,
        present=[CHAIR, VICE, AF, VC, ASBY, CO_OPTED, OMBUD],
        apologies=[FK],
        serving=(SUBSTITUTE, FK),
        late=(RSMH, secret),
    )
    services.set_officers(minutes, chair, chair.id, secretary.id, [members[VC].id, members[VICE].id])
    previous = meetings.previous_meeting(meeting)
    previous_minutes = services.minutes_of(previous)
    first_number = previous_minutes.paragraphs[0].number
    last_number = previous_minutes.paragraphs[-1].number

    formalia = p["Formalia"]
    _write(
        formalia,
        secretary,
        "Ordföranden öppnade mötet. Till sekreterare valdes Fatima Hassan och till justerare "
        f"Eva Nyström och Johan Berg. Protokollet från utvecklingsdagen (§§ {first_number}–{last_number}) "
        "är justerat. Uppdraget att ta fram ett reviderat mandat är ännu inte påbörjat.",
    )
    services.add_decision(
        formalia,
        secretary,
        "att godkänna dagordningen,\n\natt lägga protokollet från föregående möte till handlingarna.",
    )

    _write(
        p["Nytt från organisationerna"],
        secretary,
        "- Arbetsförmedlingen ändrar sina öppettider från nästa månad.\n"
        "- Psykiatrin har infört telefontid för samverkanspartner på vardagar kl. 8–9.\n"
        "- Åsby kommun rekryterar en ny enhetschef för boendestödet.",
    )

    clients = p["Klientrapportering"]
    _write(
        clients,
        secretary,
        "Ombuden redovisade statistiken för perioden: 46 aktiva klienter, varav 9 nya. "
        "Fler klienter än tidigare saknar egen bostad.",
    )
    note = services.request_note(
        clients,
        members[OMBUD],
        members[OMBUD].id,
        "Ombuden ser att väntan på bostad med särskild service förlänger tiden hos ombud.",
    )
    services.decide_note(note, chair, True)

    systems = p["Systemfrågor"]
    services.add_guest(systems, secretary, "Ingrid Palm", "Enhetschef boendestöd, Åsby kommun")
    _write(
        systems,
        secretary,
        "Ombuden redovisade de rapporter som tagits upp sedan förra mötet. Enhetschefen för "
        "boendestödet i Åsby deltog under punkten och beskrev hur beslut om boendestöd upphör "
        "när en klient flyttar mellan kommunerna.\n\n"
        "Gruppen diskuterade om gruppen själv ska skriva till Försäkringskassan och "
        "Arbetsförmedlingen om att kallelser skickas enbart digitalt. Votering begärdes.",
    )
    decision = services.add_decision(
        systems,
        secretary,
        "att ta upp rapporten om boendestöd vid flytt mellan kommunerna som systemfel,\n\n"
        "att socialcheferna i Mellanå och Åsby tar fram en överenskommelse om boendestöd vid flytt.",
    )
    services.link_report(decision, secretary, reports[LINKED_REPORT])
    services.add_action(
        decision,
        secretary,
        "Ta fram en överenskommelse om boendestöd vid flytt mellan Mellanå och Åsby",
        members[ASBY].id,
        meetings.local(utcnow()).date() + timedelta(days=30),
    )
    vote = services.add_decision(
        systems,
        secretary,
        "att gruppen skriver till Försäkringskassan och Arbetsförmedlingen om att kallelser "
        "ska kunna skickas med vanlig post till den som begär det.",
        method="vote",
    )
    services.record_votes(
        vote,
        secretary,
        [
            (members[CHAIR].id, VoteChoice.YES.value),
            (members[VICE].id, VoteChoice.YES.value),
            (members[VC].id, VoteChoice.YES.value),
            (members[ASBY].id, VoteChoice.YES.value),
            (members[AF].id, VoteChoice.NO.value),
            (members[SUBSTITUTE].id, VoteChoice.NO.value),
        ],
    )
    reservation = services.reserve(vote, secretary, members[SUBSTITUTE].id)

    _write(
        secret,
        secretary,
        "Vice ordföranden redovisade att psykiatrins akutmottagning vid flera tillfällen inte "
        "nått socialjouren nattetid. Socialjouren bemannas av en person för tre kommuner.",
    )
    services.recuse(secret, secretary, members[ASBY].id)
    decision = services.add_decision(
        secret,
        secretary,
        "att ordföranden tar upp nattbemanningen med socialcheferna i de tre kommunerna.",
    )
    services.add_action(
        decision,
        secretary,
        "Ta upp socialjourens nattbemanning med socialcheferna",
        chair.id,
        meetings.local(utcnow()).date() + timedelta(days=10),
    )

    other = p["Övrigt"]
    _write(
        other,
        secretary,
        "Gruppen vill ordna en gemensam utbildningsdag om psykisk funktionsnedsättning för "
        "handläggare hos alla huvudmän. Kostnaden för föreläsare behöver delas mellan "
        "organisationerna, vilket gruppen inte har mandat att besluta om.",
    )
    training = services.add_decision(
        other,
        secretary,
        "att föreslå huvudmännen en gemensam utbildningsdag i vår där kostnaden för föreläsare "
        "delas lika,\n\natt varje organisation återrapporterar sitt ställningstagande till gruppen.",
        needs_organisation_approval=True,
    )

    services.close(meeting, chair, notify=False)
    _stamp_decisions(minutes, moments, start=15, step=12)
    moments.note(minutes, "closed_at", meeting.ends_at)
    services.motivate(
        reservation,
        members[SUBSTITUTE],
        "Frågan bör först tas upp i Försäkringskassans egen linje. En skrivelse från gruppen "
        "riskerar att fördröja det arbete som redan pågår nationellt.",
    )
    moments.note(reservation, "motivated_at", moments.day(1, 11))
    _justera(meeting, minutes, moments, [4, 6, 7])

    fk_follow_up = next(f for f in training.follow_ups if f.organisation_id == members[FK].organisation_id)
    services.mark_follow_up_done(
        fk_follow_up, members[FK], "Försäkringskassan deltar och står för sin del av kostnaden."
    )
    moments.note(fk_follow_up, "done_at", moments.day(14))
    moments.apply()
