"""Standing agenda items fill themselves from the register: new system errors since the last meeting."""

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


def test_new_reports_are_listed_oldest_first_up_to_the_cap(app_ctx, demo):
    group = db.session.get(Group, demo.group_id)
    ombud = db.session.get(User, demo.users["ombud@demo.se"])
    meeting = db.session.get(Meeting, demo.meeting_id)
    chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
    before = standing.PROVIDERS[standing.StandingKind.NEW_SYSTEM_ERRORS](meeting, chair)
    already = len(before["reports"]) + len(before["waiting"])
    first = _submit(group, ombud, "Första nya felet")
    second = _submit(group, ombud, "Andra nya felet")
    meeting.max_new_system_errors = already + 1
    db.session.commit()

    data = standing.PROVIDERS[standing.StandingKind.NEW_SYSTEM_ERRORS](meeting, chair)
    listed = data["reports"] + data["waiting"]
    assert len(data["reports"]) == already + 1
    assert listed[-2:] == [first, second]  # oldest first
    assert data["waiting"][-1] == second  # over the cap: waits for a later meeting
    assert all(r.status == ReportStatus.SUBMITTED.value for r in listed)


def test_reports_taken_up_are_no_longer_new(app_ctx, demo):
    group = db.session.get(Group, demo.group_id)
    meeting = db.session.get(Meeting, demo.meeting_id)
    chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
    report = _submit(group, db.session.get(User, demo.users["ombud@demo.se"]), "Tas upp direkt")
    register.change_status(report, chair.user, ReportStatus.TAKEN_UP, meeting=meeting)
    db.session.commit()
    data = standing.PROVIDERS[standing.StandingKind.NEW_SYSTEM_ERRORS](meeting, chair)
    assert report not in data["reports"] + data["waiting"]


def test_an_ombud_does_not_see_a_confidential_new_report(app_ctx, demo):
    group = db.session.get(Group, demo.group_id)
    meeting = db.session.get(Meeting, demo.meeting_id)
    chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
    ombud = db.session.get(Membership, demo.membership("ombud@demo.se"))
    report = _submit(group, db.session.get(User, demo.users["ledamot@demo.se"]), "Känsligt nytt fel")
    register.set_confidential(report, chair.user, True)
    db.session.commit()
    provider = standing.PROVIDERS[standing.StandingKind.NEW_SYSTEM_ERRORS]
    seen_by_chair = provider(meeting, chair)
    seen_by_ombud = provider(meeting, ombud)
    assert report in seen_by_chair["reports"] + seen_by_chair["waiting"]
    assert report not in seen_by_ombud["reports"] + seen_by_ombud["waiting"]


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
