"""Standing agenda items fill themselves from the register: the system errors waiting to be taken up,
the previous minutes and the follow-up of earlier decisions."""

from sqlalchemy import select

from po_meetings import permissions
from po_meetings.extensions import db
from po_meetings.meetings import standing
from po_meetings.models import Group, Meeting, Membership, ReportStatus, SystemErrorReport, User
from po_meetings.system_errors import services as register

VALUES = {
    "description": "Vid utskrivning får klienten ingen kontakt med socialtjänsten.",
    "causes": "Rutin saknas.",
    "consequences": "Klienter står utan stöd.",
    "system_view": "Stödet samordnas inte.",
    "level": "local",
    "category": "accessibility",
}


def _submit(group, reporter, title, **extra):
    return register.save_report(group, reporter, {**VALUES, "title": title, **extra}, submit=True)


def _waiting(meeting, membership, cap=1000):
    """Return every report the provider lists for a meeting with a large cap."""
    meeting.max_new_system_errors = cap
    return standing.PROVIDERS[standing.StandingKind.NEW_SYSTEM_ERRORS](meeting, membership)["reports"]


def test_waiting_reports_are_listed_oldest_first_up_to_the_cap(app_ctx, demo):
    group = db.session.get(Group, demo.group_id)
    ombud = db.session.get(User, demo.users["ombud@demo.se"])
    meeting = db.session.get(Meeting, demo.meeting_id)
    chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
    before = standing.PROVIDERS[standing.StandingKind.NEW_SYSTEM_ERRORS](meeting, chair)
    already = before["total"]
    first = _submit(group, ombud, "Första nya felet")
    second = _submit(group, ombud, "Andra nya felet")
    meeting.max_new_system_errors = already + 1
    db.session.commit()

    data = standing.PROVIDERS[standing.StandingKind.NEW_SYSTEM_ERRORS](meeting, chair)
    assert len(data["reports"]) == already + 1 and data["reports"][-1] == first  # oldest first
    assert data["total"] == already + 2 and data["waiting"] == 1  # over the cap: counted, not listed
    assert all(r.status == ReportStatus.SUBMITTED.value for r in data["reports"])
    assert _waiting(meeting, chair)[-2:] == [first, second]


def test_reports_taken_up_are_no_longer_waiting(app_ctx, demo):
    group = db.session.get(Group, demo.group_id)
    meeting = db.session.get(Meeting, demo.meeting_id)
    chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
    report = _submit(group, db.session.get(User, demo.users["ombud@demo.se"]), "Tas upp direkt")
    register.change_status(report, chair.user, ReportStatus.TAKEN_UP, meeting=meeting)
    db.session.commit()
    assert report not in _waiting(meeting, chair)


def test_an_ombud_does_not_see_a_confidential_waiting_report(app_ctx, demo):
    group = db.session.get(Group, demo.group_id)
    meeting = db.session.get(Meeting, demo.meeting_id)
    chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
    ombud = db.session.get(Membership, demo.membership("ombud@demo.se"))
    report = _submit(group, db.session.get(User, demo.users["ledamot@demo.se"]), "Känsligt nytt fel")
    provider = standing.PROVIDERS[standing.StandingKind.NEW_SYSTEM_ERRORS]
    seen_before = provider(meeting, ombud)["total"]
    register.set_confidential(report, chair.user, True)
    db.session.commit()
    assert report in _waiting(meeting, chair)
    assert report not in _waiting(meeting, ombud)
    meeting.max_new_system_errors = 0
    assert provider(meeting, ombud)["total"] == seen_before - 1  # not even counted


def test_the_meeting_page_links_the_new_reports(app, client, auth, demo):
    with app.app_context():
        group = db.session.get(Group, demo.group_id)
        report = _submit(group, db.session.get(User, demo.users["ombud@demo.se"]), "Syns på dagordningen")
        db.session.commit()
        number = report.number
        meeting = db.session.get(Meeting, demo.meeting_id)
        meeting.max_new_system_errors = 50
        db.session.commit()
    auth.login_as(permissions.CHAIR)
    page = client.get(f"/groups/{demo.group_id}/meetings/{demo.meeting_id}").text
    assert f'href="/groups/{demo.group_id}/system-errors/{number}"' in page
    assert "Syns på dagordningen" in page
    with app.app_context():
        assert db.session.scalar(
            select(SystemErrorReport.id).where(SystemErrorReport.title == "Syns på dagordningen")
        )


# -- the previous minutes and the follow-up of earlier decisions ----------------------------------


def _coming_page(client, demo) -> str:
    return client.get(f"/groups/{demo.group_id}/meetings/{demo.meeting_id}").text


def test_the_previous_minutes_are_linked_and_shown_as_justerade(app, client, auth, demo):
    from po_meetings.filters import format_date
    from po_meetings.minutes import services as minutes_services

    with app.app_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        previous = standing.PROVIDERS[standing.StandingKind.PREVIOUS_MINUTES](meeting, None)["previous"]
        minutes = minutes_services.minutes_of(previous)
        # The demo's latest minutes wait for their justerare, the vice chair; now they justerar.
        vice = db.session.get(Membership, demo.membership("vice@demo.se"))
        minutes_services.justera(minutes, vice, True, notify=False)
        db.session.commit()
        approved = format_date(minutes.approved_at)
        previous_id = previous.id
    auth.login_as(permissions.OMBUD)
    page = _coming_page(client, demo)
    assert f'href="/groups/{demo.group_id}/meetings/{previous_id}/minutes/"' in page
    assert f"Justerat {approved}" in page
    assert "att godkänna" not in page


def test_minutes_not_yet_justerade_are_to_be_approved(app, client, auth, demo):
    from datetime import timedelta

    from po_meetings.agendas.services import templates_of
    from po_meetings.meetings import services as meetings
    from po_meetings.minutes import services as minutes_services
    from po_meetings.models import MeetingKind

    with app.app_context():
        group = db.session.get(Group, demo.group_id)
        chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
        coming = db.session.get(Meeting, demo.meeting_id)
        meetings.start_meeting(coming)
        minutes = minutes_services.minutes_of(coming)
        minutes_services.set_attendance(minutes, chair, demo.membership("ledamot@demo.se"), "present")
        minutes_services.set_officers(
            minutes,
            chair,
            chair.id,
            demo.membership("ledamot.vc@demo.se"),
            [demo.membership("ledamot@demo.se")],
        )
        minutes_services.close(coming, chair, notify=False)
        operative = next(t for t in templates_of(group) if t.kind == MeetingKind.OPERATIVE.value)
        later = meetings.create_meeting(
            group,
            operative,
            "Operativt möte",
            coming.starts_at + timedelta(days=30),
            coming.ends_at + timedelta(days=30),
            place="Kommunhuset",
        )
        db.session.commit()
        data = standing.PROVIDERS[standing.StandingKind.PREVIOUS_MINUTES](later, chair)
        assert data["previous"].id == coming.id and not data["minutes"].is_approved
        later_id = later.id
    auth.login_as(permissions.CHAIR)
    page = client.get(f"/groups/{demo.group_id}/meetings/{later_id}").text
    assert f'href="/groups/{demo.group_id}/meetings/{demo.meeting_id}/minutes/"' in page
    assert "Ej justerat" in page and "att godkänna" in page


def test_open_actions_and_follow_ups_are_listed_for_the_next_meeting(app, client, auth, demo):
    with app.app_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
        data = standing.PROVIDERS[standing.StandingKind.FOLLOW_UP](meeting, chair)
        titles = [a.title for a in data["actions"]]
        overdue = [a.title for a in data["actions"] if a.is_overdue(data["today"])]
        organisations = sorted(f.organisation.name for f in data["organisation_follow_ups"])
    assert len(titles) == 8 and "Sammanställa årets systemfel per nivå till årsrapporten" not in titles
    assert sorted(overdue) == [
        "Ta fram förslag till reviderat mandat för ledningsgruppen",
        "Ta reda på om lokalkontoret kan skriva in klienter utan BankID vid besök",
    ]
    assert len(organisations) == 6 and "Försäkringskassan" not in organisations  # it has answered
    auth.login_as(permissions.MEMBER)
    page = _coming_page(client, demo)
    for title in titles:
        assert title in page
    assert "Johan Berg" in page and "Försenad" in page
    assert f'href="/groups/{demo.group_id}/follow-up"' in page
    assert "RSMH Mellanå" in page


def test_an_ombud_does_not_see_open_actions_of_confidential_paragraphs(app, client, auth, demo):
    secret = "Ta upp socialjourens nattbemanning med socialcheferna"
    auth.login_as(permissions.MEMBER)
    assert secret in _coming_page(client, demo)
    auth.logout()
    auth.login_as(permissions.OMBUD)
    page = _coming_page(client, demo)
    assert secret not in page
    assert "Ta fram förslag till reviderat mandat för ledningsgruppen" in page


def test_follow_up_empty_states(app, client, auth, demo):
    from po_meetings.minutes import services as minutes_services
    from po_meetings.models import ActionItem, OrganisationFollowUp

    with app.app_context():
        chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
        for action in db.session.scalars(select(ActionItem).where(ActionItem.group_id == demo.group_id)):
            if action.is_open:
                minutes_services.set_action_status(action, chair, "done")
        for row in db.session.scalars(select(OrganisationFollowUp)):
            if row.is_open:
                minutes_services.mark_follow_up_done(row, chair, None)
        db.session.commit()
    auth.login_as(permissions.CHAIR)
    page = _coming_page(client, demo)
    assert "Inga öppna uppdrag från tidigare möten." in page
    assert "Ingen återrapportering från organisationerna väntar." in page
