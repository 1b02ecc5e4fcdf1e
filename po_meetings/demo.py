"""The demo group: a realistic ledningsgrupp for trying the product and for the tests.

Later issues add their data (templates, meetings, system errors, minutes) here too.
"""

from __future__ import annotations

from sqlalchemy import func, select

from .admin import services as admin_services
from .annual_reports import demo as annual_reports_demo
from .annual_reports import demo_versions as annual_reports_versions
from .extensions import db
from .groups import services as group_services
from .minutes import demo as minutes_demo
from .minutes import demo_history
from .models import Group, OrganisationKind, Role, User
from .notifications import services as notifications
from .statistics import demo as statistics_demo
from .system_errors import demo as system_errors_demo

DEMO_PASSWORD = "demo-losenord"
GROUP_NAME = "Ledningsgruppen för personligt ombud i Mellanå"
OTHER_GROUP_NAME = "Ledningsgruppen för personligt ombud i Norrsjö"

ORGANISATIONS = [
    ("Mellanå kommun, socialtjänsten", OrganisationKind.MUNICIPALITY),
    ("Åsby kommun, socialtjänsten", OrganisationKind.MUNICIPALITY),
    ("Region Mellanland, psykiatrin", OrganisationKind.REGION_PSYCHIATRY),
    ("Region Mellanland, primärvården", OrganisationKind.REGION_PRIMARY_CARE),
    ("Arbetsförmedlingen", OrganisationKind.EMPLOYMENT_SERVICE),
    ("Försäkringskassan", OrganisationKind.SOCIAL_INSURANCE),
    ("RSMH Mellanå", OrganisationKind.USER_ORGANISATION),
    ("Mellanå kommun, PO-verksamheten", OrganisationKind.OTHER),
    ("Norrsjö kommun, socialtjänsten", OrganisationKind.MUNICIPALITY),
]

MANDATE = (
    "Ledningsgruppen leder och följer upp verksamheten med personligt ombud i Mellanå och Åsby.\n\n"
    "- Gruppen tar emot ombudens rapporter om **systemfel**, analyserar dem och tar med dem "
    "till den egna organisationen. Det som inte kan lösas lokalt eskaleras.\n"
    "- Beslut fattas i konsensus. Går det inte, avgörs frågan med enkel majoritet och avvikande "
    "meningar förs in i protokollet som reservation.\n"
    "- Gruppen har inget mandat att fatta beslut med ekonomiska konsekvenser för huvudmännen: "
    "sådana frågor går tillbaka till respektive organisation.\n"
    "- Det gruppen diskuterar är sekretessbelagt tills gruppen beslutar annat.\n\n"
    "Gruppen träffas fyra gånger per termin, varav ett utvecklingsmöte per år.\n"
)

# (e-mail, name, title, organisation, role in Mellanå or None)
PEOPLE = [
    ("admin@demo.se", "Alva Admin", "Systemförvaltare", None, None),
    ("ordforande@demo.se", "Karin Lindqvist", "Socialchef", "Mellanå kommun, socialtjänsten", Role.CHAIR),
    (
        "vice@demo.se",
        "Johan Berg",
        "Verksamhetschef vuxenpsykiatri",
        "Region Mellanland, psykiatrin",
        Role.VICE_CHAIR,
    ),
    ("ledamot@demo.se", "Fatima Hassan", "Sektionschef", "Arbetsförmedlingen", Role.MEMBER),
    ("ledamot.fk@demo.se", "Per Sandberg", "Enhetschef", "Försäkringskassan", Role.MEMBER),
    ("ledamot.vc@demo.se", "Eva Nyström", "Vårdcentralschef", "Region Mellanland, primärvården", Role.MEMBER),
    (
        "ledamot.asby@demo.se",
        "Lars Holm",
        "Individ- och familjeomsorgschef",
        "Åsby kommun, socialtjänsten",
        Role.MEMBER,
    ),
    ("ledamot.rsmh@demo.se", "Maria Ek", "Ordförande RSMH Mellanå", "RSMH Mellanå", Role.MEMBER),
    ("ersattare@demo.se", "Sara Öberg", "Handläggare", "Försäkringskassan", Role.SUBSTITUTE),
    (
        "adjungerad@demo.se",
        "Anders Wik",
        "Enhetschef socialpsykiatri",
        "Mellanå kommun, socialtjänsten",
        Role.CO_OPTED,
    ),
    ("ombud@demo.se", "Lina Åkesson", "Personligt ombud", "Mellanå kommun, PO-verksamheten", Role.OMBUD),
    ("ombud2@demo.se", "Omar Khalil", "Personligt ombud", "Mellanå kommun, PO-verksamheten", Role.OMBUD),
    ("ordforande.norrsjo@demo.se", "Helena Strand", "Socialchef", "Norrsjö kommun, socialtjänsten", None),
]

#: The logins printed by ``make run`` (all with DEMO_PASSWORD).
DEMO_LOGINS = [
    ("admin@demo.se", "systemadministratör"),
    ("ordforande@demo.se", "ordförande"),
    ("vice@demo.se", "vice ordförande"),
    ("ledamot@demo.se", "ledamot"),
    ("ersattare@demo.se", "ersättare"),
    ("adjungerad@demo.se", "adjungerad"),
    ("ombud@demo.se", "personligt ombud"),
]


def is_empty() -> bool:
    """Return whether the database holds no accounts yet."""
    return not db.session.scalar(select(func.count(User.id)))


@notifications.quietly  # seeding is nobody's news, even when a test runs it in a request
def seed_demo() -> Group:
    """Create the demo organisations, accounts and groups; return the Mellanå group."""
    if db.session.scalar(select(Group).where(Group.name == GROUP_NAME)) is not None:
        raise RuntimeError("Demodata finns redan.")
    organisations = {name: admin_services.create_organisation(name, kind) for name, kind in ORGANISATIONS}
    users: dict[str, User] = {}
    for email, name, title, organisation, _role in PEOPLE:
        users[email] = admin_services.create_user(
            email,
            name,
            DEMO_PASSWORD,
            title=title,
            organisation=organisations.get(organisation),
            is_admin=email == "admin@demo.se",
        )

    group = group_services.create_group(
        GROUP_NAME, ["Mellanå", "Åsby"], users["ordforande@demo.se"], default_meeting_minutes=120
    )
    group_services.update_settings(group, 120, True, MANDATE)
    fk_member = None
    for email, _name, _title, _organisation, role in PEOPLE:
        if role is None or role == Role.CHAIR:
            continue
        if role == Role.SUBSTITUTE:
            group_services.add_member(group, users[email], role, substitute_for=fk_member)
            continue
        membership = group_services.add_member(group, users[email], role)
        if email == "ledamot.fk@demo.se":
            fk_member = membership

    # The ombuds' client statistics first: a meeting that starts records the latest quarter.
    statistics_demo.seed_statistics(group)
    _seed_meetings(group, users)
    last_year = demo_history.add_last_years_meetings(group)
    # The register first: the past meetings' minutes link decisions to its reports.
    system_errors_demo.seed_system_errors(group, users)
    # The minutes in the order they were held (the §§ of a year are numbered in meeting order),
    # last year's with the spring's meetings and reports the yearly report needs.
    annual_reports_demo.hold_last_years_meetings(group, last_year, users)
    minutes_demo.seed_minutes(group, users)
    demo_history.hold_latest_meeting(group)
    annual_reports_demo.seed_annual_report(group)
    annual_reports_versions.seed_first_version(group)

    # A second group, so that one person sits in two groups and another group's data exists.
    other = group_services.create_group(OTHER_GROUP_NAME, ["Norrsjö"], users["ordforande.norrsjo@demo.se"])
    group_services.add_member(other, users["vice@demo.se"], Role.MEMBER)
    db.session.flush()
    return group


def _seed_meetings(group: Group, users: dict[str, User]) -> None:
    """Add two past meetings (kallade; po_meetings.minutes.demo holds them), one kallad coming
    meeting with a full agenda, and two proposals."""
    from datetime import time, timedelta

    from .agendas.services import templates_of
    from .meetings import services as meetings
    from .models import Answer, ItemType, MeetingKind, MeetingStatus, utcnow

    operative = next(t for t in templates_of(group) if t.kind == MeetingKind.OPERATIVE.value)
    development = next(t for t in templates_of(group) if t.kind == MeetingKind.DEVELOPMENT.value)
    today = meetings.local(utcnow()).date()
    members = {m.user.email: m for m in group.memberships}

    def at(days: int, start: time, end: time):
        day = today + timedelta(days=days)
        return meetings.local_datetime(day, start), meetings.local_datetime(day, end)

    for days, template, title in ((-84, development, "Utvecklingsdag"), (-35, operative, "Operativt möte")):
        starts_at, ends_at = at(
            days,
            time(9, 0) if template is development else time(13, 0),
            time(16, 0) if template is development else time(15, 0),
        )
        past = meetings.create_meeting(
            group, template, title, starts_at, ends_at, place="Kommunhuset, sal Åsen"
        )
        # Kallad back then (publish_agenda refuses a past date and would mail everyone today).
        meetings.change_status(past, MeetingStatus.CALLED)
        past.published_at = starts_at - timedelta(days=14)
        past.notice_count = 1

    starts_at, ends_at = at(21, time(13, 0), time(15, 0))
    coming = meetings.create_meeting(
        group,
        operative,
        "Operativt möte",
        starts_at,
        ends_at,
        place="Kommunhuset, sal Åsen",
        video_link="https://video.mellana.se/po-ledningsgrupp",
    )
    sections = {i.title: i for i in coming.items if i.parent_id is None}
    meetings.update_item(
        sections["Nytt från organisationerna"],
        "Nytt från organisationerna",
        10,
        ItemType.INFORMATION,
        None,
        "Varje huvudman berättar kort om förändringar som påverkar målgruppen, "
        "till exempel **nya öppettider** eller omorganisationer.",
        False,
    )
    meetings.update_item(
        sections["Klientrapportering"], "Klientrapportering", 25, ItemType.INFORMATION, None, None, False
    )
    meetings.update_item(
        sections["Systemfrågor"],
        "Systemfrågor",
        45,
        ItemType.DECISION,
        members["ombud@demo.se"],
        "Ombuden redovisar nya systemfel. Gruppen beslutar vem som tar frågan vidare.",
        False,
    )
    meetings.add_item(
        coming,
        "Samverkan kring utskrivning från slutenvården",
        10,
        item_type=ItemType.DECISION,
        presenter=members["vice@demo.se"],
        description="Förslag till gemensam rutin mellan psykiatrin och socialtjänsten. "
        "Underlaget innehåller uppgifter om enskilda enheters bemanning.",
        is_confidential=True,
    )
    meetings.publish_agenda(coming, notify=False)
    meetings.respond(coming, members["ledamot@demo.se"], Answer.ATTENDING)
    meetings.respond(coming, members["ledamot.fk@demo.se"], Answer.APOLOGIES)

    meetings.propose_item(
        coming,
        users["ombud@demo.se"],
        "Långa väntetider för bostadsanpassning",
        "Flera klienter har väntat över ett halvår på beslut. Vi vill lyfta det som ett möjligt systemfel.",
    )
    meetings.propose_item(
        coming,
        users["ledamot@demo.se"],
        "Arbetsförmedlingens nya kontorstider",
        "Information om ändrade öppettider från och med nästa månad.",
    )
