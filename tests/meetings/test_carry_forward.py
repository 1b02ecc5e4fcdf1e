"""Nothing raised is lost: every open matter carries forward to the next agenda until the group
has dealt with it (issue 12).

The walk below holds three meetings in a row and, before each next one, checks that every system
error still waiting (inskickad), every open uppdrag and återrapportering, every proposal not yet
decided and every open tabled matter is on that agenda: listed, or (reports past the cap) counted
and linked to the register.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

from sqlalchemy import select

from po_meetings import permissions
from po_meetings.agendas.services import templates_of
from po_meetings.extensions import db
from po_meetings.meetings import services as meetings
from po_meetings.meetings import standing
from po_meetings.minutes import services as minutes_services
from po_meetings.models import (
    ActionItem,
    ActionStatus,
    EventKind,
    Group,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Membership,
    OrganisationFollowUp,
    Paragraph,
    Proposal,
    ProposalStatus,
    ReportEvent,
    ReportStatus,
    StandingKind,
    SystemErrorReport,
    User,
)
from po_meetings.system_errors import services as register

from ..support.query_count import counting_queries

VALUES = {
    "description": "Vid utskrivning får klienten ingen kontakt med socialtjänsten.",
    "causes": "Rutin saknas.",
    "consequences": "Klienter står utan stöd.",
    "system_view": "Stödet samordnas inte.",
    "level": "local",
    "category": "accessibility",
}
CAP = 5


# -- what is open in the group, found without the agenda's own queries ---------------------------


def _waiting_reports(group_id: int) -> list[SystemErrorReport]:
    """Every report the group has not taken up, oldest first (the chair sees them all)."""
    return db.session.scalars(
        select(SystemErrorReport)
        .where(
            SystemErrorReport.group_id == group_id,
            SystemErrorReport.status == ReportStatus.SUBMITTED.value,
        )
        .order_by(SystemErrorReport.submitted_at, SystemErrorReport.id)
    ).all()


def _open_actions(group_id: int) -> set[int]:
    open_statuses = [ActionStatus.NOT_STARTED.value, ActionStatus.IN_PROGRESS.value]
    return set(
        db.session.scalars(
            select(ActionItem.id).where(ActionItem.group_id == group_id, ActionItem.status.in_(open_statuses))
        )
    )


def _open_follow_ups(group_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(OrganisationFollowUp.id).where(
                OrganisationFollowUp.group_id == group_id, OrganisationFollowUp.done_at.is_(None)
            )
        )
    )


def _pending_proposals(group_id: int, meeting: Meeting) -> set[int]:
    """Pending proposals made for this meeting or an earlier one."""
    rows = db.session.scalars(
        select(Proposal).where(Proposal.group_id == group_id, Proposal.status == ProposalStatus.PENDING.value)
    )
    return {p.id for p in rows if p.meeting.starts_at <= meeting.starts_at}


def _open_tabled(group_id: int) -> set[int]:
    """Tabled §§ that no later § has decided or tabled again, computed in Python."""
    rows = db.session.scalars(select(Paragraph).where(Paragraph.group_id == group_id)).all()
    settled = {p.resumes_id for p in rows if p.resumes_id is not None and (p.is_tabled or p.decisions)}
    return {p.id for p in rows if p.is_tabled and p.id not in settled}


# -- the agenda as the chair sees it -------------------------------------------------------------


def _agenda(meeting: Meeting, chair: Membership) -> dict:
    """Return what the next agenda carries: each standing item's and block's data, the proposals."""
    items = list(meeting.items)
    data = standing.fill(meeting, chair, items)
    return {
        "reports": data[StandingKind.NEW_SYSTEM_ERRORS.value],
        "follow_up": data[StandingKind.FOLLOW_UP.value],
        "sections": standing.sections(meeting, chair),
        "proposals": meetings.proposals_for(meeting, chair, chair.user),
    }


def assert_nothing_lost(meeting: Meeting, chair: Membership) -> dict:
    """Assert that every open matter of the group is on the meeting's agenda; return the agenda."""
    agenda = _agenda(meeting, chair)
    group_id = meeting.group_id

    waiting = _waiting_reports(group_id)
    reports = agenda["reports"]
    assert reports["reports"] == waiting[: meeting.max_new_system_errors]  # the oldest, listed
    assert reports["total"] == len(waiting)  # the rest counted (and linked: see the HTTP test)
    assert reports["waiting"] == max(0, len(waiting) - meeting.max_new_system_errors)

    follow_up = agenda["follow_up"]
    assert {a.id for a in follow_up["actions"]} == _open_actions(group_id)
    assert {f.id for f in follow_up["organisation_follow_ups"]} == _open_follow_ups(group_id)

    listed_proposals = {p.id for p in agenda["proposals"] if p.status == ProposalStatus.PENDING.value}
    assert _pending_proposals(group_id, meeting) <= listed_proposals

    tabled = agenda["sections"]["tabled"]
    assert {p.id for p in tabled["matters"]} == _open_tabled(group_id)
    return agenda


# -- the walk --------------------------------------------------------------------------------------


def _submit(group: Group, reporter: User, title: str) -> SystemErrorReport:
    return register.save_report(group, reporter, {**VALUES, "title": title}, submit=True)


def _next_meeting(group: Group, after: Meeting) -> Meeting:
    operative = next(t for t in templates_of(group) if t.kind == MeetingKind.OPERATIVE.value)
    meeting = meetings.create_meeting(
        group,
        operative,
        "Operativt möte",
        after.starts_at + timedelta(days=30),
        after.ends_at + timedelta(days=30),
        place="Kommunhuset",
    )
    meeting.max_new_system_errors = CAP
    db.session.flush()
    return meeting


def _hold(meeting: Meeting, chair: Membership, secretary: Membership, adjuster: Membership):
    """Publish (if a draft) and start the meeting with its secretary and justerare present."""
    if meeting.status_enum == MeetingStatus.DRAFT:
        meetings.publish_agenda(meeting, notify=False)
    meetings.start_meeting(meeting)
    minutes = minutes_services.minutes_of(meeting)
    for person in (chair, secretary, adjuster):
        minutes_services.set_attendance(minutes, chair, person.id, "present")
    minutes_services.set_officers(minutes, chair, chair.id, secretary.id, [adjuster.id])
    return minutes


def _free_paragraph(minutes, title: str) -> Paragraph:
    """A § for a matter raised at the meeting (no decision yet)."""
    return minutes_services.add_paragraph(minutes, minutes.chair, title)


def test_three_meetings_in_a_row_lose_nothing(app_ctx, demo):
    group = db.session.get(Group, demo.group_id)
    chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
    secretary = db.session.get(Membership, demo.membership("ledamot@demo.se"))
    adjuster = db.session.get(Membership, demo.membership("vice@demo.se"))
    ombud = db.session.get(User, demo.users["ombud@demo.se"])
    first = db.session.get(Meeting, demo.meeting_id)
    first.max_new_system_errors = CAP

    # Before meeting 1: eight new reports on top of the demo's, two proposals from an ombud.
    new = [_submit(group, ombud, f"Nytt systemfel {n}") for n in range(1, 9)]
    kept_waiting = meetings.propose_item(first, ombud, "Rutiner för hembesök", None)
    accepted = meetings.propose_item(first, ombud, "Tolk vid möten", None)
    meetings.accept_proposal(accepted, chair.user, minutes=10)
    db.session.commit()
    agenda = assert_nothing_lost(first, chair)
    assert agenda["reports"]["waiting"] > 0  # more than the cap wait: counted, not listed

    # Meeting 1 takes up two of the listed reports, closes one, merges one into another; a
    # decision gives an uppdrag; one § is tabled; the proposal left pending stays so.
    minutes = _hold(first, chair, secretary, adjuster)
    listed = agenda["reports"]["reports"]
    taken_up, closed, merged, kept = listed[0], listed[1], new[0], new[1]
    for report in (taken_up, kept):
        register.change_status(report, chair.user, ReportStatus.TAKEN_UP, meeting=first)
    register.change_status(closed, chair.user, ReportStatus.CLOSED, "Inget systemfel.")
    # Merged: the duplicate is closed naming the report it joins, and added there as an occurrence.
    register.change_status(merged, chair.user, ReportStatus.CLOSED, f"Samma fel som {kept.number}.")
    register.add_occurrence(kept, merged.reporter, date.today(), note=f"Från {merged.number}")
    decided = _free_paragraph(minutes, "Samverkan med psykiatrin")
    decision = minutes_services.add_decision(decided, chair, "att ta fram en rutin")
    minutes_services.add_action(decision, chair, "Skriva rutinen", secretary.id, None)
    tabled = _free_paragraph(minutes, "Lokalfrågan")
    minutes_services.table_paragraph(tabled, chair)
    minutes_services.close(first, chair, notify=False)
    db.session.commit()

    # Each report that left the waiting list has a history entry saying how.
    for report, to in ((taken_up, "taken_up"), (kept, "taken_up"), (closed, "closed"), (merged, "closed")):
        assert db.session.scalar(
            select(ReportEvent.id).where(
                ReportEvent.report_id == report.id,
                ReportEvent.kind == EventKind.STATUS.value,
                ReportEvent.to_status == to,
            )
        )
    assert any(e.kind == EventKind.OCCURRENCE.value for e in kept.events)

    # Before meeting 2: three more reports; everything open is on the agenda.
    for n in range(9, 12):
        _submit(group, ombud, f"Nytt systemfel {n}")
    second = _next_meeting(group, first)
    db.session.commit()
    agenda = assert_nothing_lost(second, chair)
    assert tabled.id in {p.id for p in agenda["sections"]["tabled"]["matters"]}
    assert kept_waiting.id in {p.id for p in agenda["proposals"]}
    assert accepted.id not in {p.id for p in agenda["proposals"]}
    listed_ids = {r.id for r in agenda["reports"]["reports"]}
    assert not listed_ids & {taken_up.id, kept.id, closed.id, merged.id}

    # Meeting 2 accepts the carried proposal (it moves to meeting 2's agenda), takes the tabled
    # matter up and tables it again, marks the uppdrag done, takes up one more report.
    item = meetings.accept_proposal(kept_waiting, chair.user, minutes=10, meeting=second)
    assert item.meeting_id == second.id and kept_waiting.meeting_id == second.id
    minutes = _hold(second, chair, secretary, adjuster)
    again = minutes_services.take_up_tabled(minutes, chair, tabled)
    assert again.resumes_id == tabled.id and again.title == tabled.title
    minutes_services.table_paragraph(again, chair)
    action = db.session.scalar(select(ActionItem).where(ActionItem.title == "Skriva rutinen"))
    minutes_services.set_action_status(action, secretary, ActionStatus.DONE)
    register.change_status(agenda["reports"]["reports"][0], chair.user, ReportStatus.TAKEN_UP, meeting=second)
    minutes_services.close(second, chair, notify=False)
    db.session.commit()

    # Before meeting 3: the matter tabled again is the open one; the first tabling is settled.
    third = _next_meeting(group, second)
    db.session.commit()
    agenda = assert_nothing_lost(third, chair)
    matters = {p.id for p in agenda["sections"]["tabled"]["matters"]}
    assert again.id in matters and tabled.id not in matters

    # Meeting 3 decides the matter; nothing tabled is left for meeting 4.
    minutes = _hold(third, chair, secretary, adjuster)
    last = minutes_services.take_up_tabled(minutes, chair, again)
    minutes_services.add_decision(last, chair, "att hyra lokalen")
    minutes_services.close(third, chair, notify=False)
    fourth = _next_meeting(group, third)
    db.session.commit()
    agenda = assert_nothing_lost(fourth, chair)
    assert not {p.id for p in agenda["sections"]["tabled"]["matters"]} & {tabled.id, again.id, last.id}


# -- the register link and the agenda over HTTP -----------------------------------------------------


def _register_numbers(client, url: str) -> list[str]:
    """Return the report numbers the register lists at a URL, every page of it."""
    numbers: list[str] = []
    page = 1
    while True:
        html = client.get(f"{url}&page={page}").text
        found = re.findall(r'href="/groups/\d+/system-errors/(SF-\d+-\d+)"', html)
        fresh = [n for n in dict.fromkeys(found) if n not in numbers]
        if not fresh:
            return numbers
        numbers.extend(fresh)
        page += 1


def test_the_agenda_counts_what_is_past_the_cap_and_links_the_register_to_exactly_those(
    app, client, auth, demo
):
    with app.app_context():
        group = db.session.get(Group, demo.group_id)
        ombud = db.session.get(User, demo.users["ombud@demo.se"])
        for n in range(1, 9):
            _submit(group, ombud, f"Väntar {n}")
        meeting = db.session.get(Meeting, demo.meeting_id)
        meeting.max_new_system_errors = CAP
        db.session.commit()
        waiting = [r.number for r in _waiting_reports(group.id)]
    auth.login_as(permissions.CHAIR)
    page = client.get(f"/groups/{demo.group_id}/meetings/{demo.meeting_id}").text
    rest = len(waiting) - CAP
    assert f"{rest} systemfel till väntar på att tas upp." in page
    link = re.search(r'href="([^"]*system-errors\?[^"]*)"', page)
    assert link is not None
    url = unescape(link.group(1))
    assert "status=submitted" in url and "sort=oldest" in url
    for number in waiting[:CAP]:
        assert f'/system-errors/{number}"' in page
    for number in waiting[CAP:]:
        assert f'/system-errors/{number}"' not in page  # counted, not listed
    assert _register_numbers(client, url) == waiting  # exactly the waiting ones, oldest first
    assert "väntar till ett senare möte" not in page


def test_the_agenda_shows_the_tabled_matters_and_hides_confidential_ones(app, client, auth, demo):
    with app.app_context():
        chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
        past = db.session.get(Meeting, demo.minutes["past_meeting_id"])
        minutes = minutes_services.minutes_of(past)
        open_one = next(p for p in minutes.paragraphs if not p.is_secret and not p.decisions)
        secret = next((p for p in minutes.paragraphs if p.is_secret and not p.decisions), None)
        for paragraph in (open_one, secret):
            if paragraph is not None:
                paragraph.tabled_at = past.starts_at
                paragraph.tabled_by_id = chair.user_id
        db.session.commit()
        open_title, secret_title = open_one.title, secret.title if secret else None
        label = open_one.label
    auth.login_as(permissions.MEMBER)
    page = client.get(f"/groups/{demo.group_id}/meetings/{demo.meeting_id}").text
    assert "Bordlagda ärenden" in page
    assert f"{label}</a> {open_title}" in page
    if secret_title:
        assert secret_title in page
    auth.logout()
    auth.login_as(permissions.OMBUD)
    page = client.get(f"/groups/{demo.group_id}/meetings/{demo.meeting_id}").text
    assert open_title in page
    if secret_title:
        assert secret_title not in page


def test_a_carried_proposal_can_be_decided_at_the_next_meeting(app, client, auth, demo):
    with app.app_context():
        group = db.session.get(Group, demo.group_id)
        first = db.session.get(Meeting, demo.meeting_id)
        ombud = db.session.get(User, demo.users["ombud@demo.se"])
        proposal = meetings.propose_item(first, ombud, "Ett förslag som väntar", None)
        second = _next_meeting(group, first)
        meetings.start_meeting(first)  # meeting 1 is held without deciding the proposal
        db.session.commit()
        proposal_id, second_id = proposal.id, second.id
    auth.login_as(permissions.CHAIR)
    url = f"/groups/{demo.group_id}/meetings/{second_id}"
    page = client.get(url).text
    assert "Ett förslag som väntar" in page and "väntar fortfarande på beslut" in page
    response = client.post(
        f"{url}/proposals/{proposal_id}/accept", data={f"accept-{proposal_id}-minutes": "10"}
    )
    assert response.status_code == 303
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        assert proposal.status == ProposalStatus.ACCEPTED.value and proposal.meeting_id == second_id
        assert proposal.agenda_item.meeting_id == second_id


def test_a_proposal_is_decided_only_from_a_backlog_that_holds_it(app, client, auth, demo):
    with app.app_context():
        past = db.session.get(Meeting, demo.minutes["past_meeting_id"])
        proposal_id = demo.proposal_ids[0]
    auth.login_as(permissions.CHAIR)
    # A past meeting's backlog never holds the coming meeting's proposal: 404, nothing decided.
    response = client.post(f"/groups/{demo.group_id}/meetings/{past.id}/proposals/{proposal_id}/accept")
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).status == ProposalStatus.PENDING.value
    auth.logout()
    auth.login_as(permissions.OMBUD)
    response = client.post(
        f"/groups/{demo.group_id}/meetings/{demo.meeting_id}/proposals/{proposal_id}/accept"
    )
    assert response.status_code == 403


def _add_open_matters(app, demo, n: int) -> None:
    """Add n waiting reports, n pending proposals of an earlier meeting and table n §§ more."""
    with app.app_context():
        group = db.session.get(Group, demo.group_id)
        ombud = db.session.get(User, demo.users["ombud@demo.se"])
        past = db.session.get(Meeting, demo.minutes["past_meeting_id"])
        chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
        for i in range(n):
            _submit(group, ombud, f"Väntande fel {i}")
            db.session.add(
                Proposal(meeting=past, group_id=group.id, proposer=ombud, title=f"Väntande förslag {n}-{i}")
            )
        untabled = [
            p for p in minutes_services.minutes_of(past).paragraphs if not p.is_tabled and not p.decisions
        ]
        for paragraph in untabled[:n]:
            paragraph.tabled_at = past.starts_at
            paragraph.tabled_by_id = chair.user_id
        db.session.commit()


def _page_queries(app, client, url: str) -> tuple[int, str]:
    """Return how many statements the page made, and its HTML."""
    with app.app_context():
        engine = db.engine
    with counting_queries(engine) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements), response.text


def test_the_agenda_makes_as_many_queries_however_much_waits(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    url = f"/groups/{demo.group_id}/meetings/{demo.meeting_id}"
    _add_open_matters(app, demo, 1)
    few, _ = _page_queries(app, client, url)
    _add_open_matters(app, demo, 3)
    many, html = _page_queries(app, client, url)
    listed = set(re.findall(r"Väntande förslag \d-\d", html))
    assert listed == {"Väntande förslag 1-0", *(f"Väntande förslag 3-{i}" for i in range(3))}
    assert many == few
