"""The demo's yearly report: last year's draft, full whatever the day the demo is seeded."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from po_meetings.annual_reports import demo as annual_demo
from po_meetings.annual_reports import drafting
from po_meetings.dates import local
from po_meetings.extensions import db
from po_meetings.minutes import services as minutes_services
from po_meetings.models import AnnualReport, Meeting, MeetingStatus, Membership, ReportState, Role, User


def _report(demo) -> AnnualReport:
    return db.session.scalar(
        select(AnnualReport).where(
            AnnualReport.group_id == demo.group_id, AnnualReport.year == annual_demo.last_year()
        )
    )


def test_last_years_report_is_a_draft_by_the_chair_half_written(app_ctx, demo):
    report = _report(demo)

    assert report is not None and report.state == ReportState.DRAFT.value
    assert db.session.get(User, report.created_by_id).email == "ordforande@demo.se"
    assert local(report.as_of).date() == date(report.year, 12, 31)  # the end of the year
    assert report.placement and report.supervision and report.training and report.system_error_work
    assert report.posts_this_year == 200 and report.persons_this_year == 2
    assert not report.guidelines and not report.priority_rules and not report.changes_planned


def test_last_years_report_counts_a_full_year(app_ctx, demo):
    report = _report(demo)

    figures = drafting.compute(report.group_id, report.year, report.as_of)

    assert figures.meeting_count >= 4
    assert figures.quarters_entered == (1, 2, 3, 4)
    levels = {row.label: row.values for row in figures.errors_by_level.rows}
    for level in ("Handläggarnivå", "Lokal nivå", "Central nivå"):
        assert levels[level][0] >= 1, level  # new reports of every level
    new, carried, closed, still_open = levels["Totalt"]
    assert carried >= 1 and closed >= 2 and still_open >= 1
    assert new + carried == closed + still_open
    assert any(
        h.regional and any("Svar från Länsstyrelsen" in line for line in h.regional)
        for h in figures.handled_errors
    )
    assert any(h.status == "Åtgärdad" and h.resolution for h in figures.handled_errors)
    roles = {m.role for m in figures.members}
    assert {"Ordförande", "Vice ordförande", "Ledamot", "Personligt ombud"} <= roles
    assert not figures.client_totals.is_empty and not figures.contact_reasons.is_empty
    assert len(figures.charts) == 3


def test_last_years_meetings_have_justerade_minutes_with_decisions(app_ctx, demo):
    year = annual_demo.last_year()
    start, end = drafting.year_bounds(year)
    held = db.session.scalars(
        select(Meeting).where(
            Meeting.group_id == demo.group_id,
            Meeting.starts_at >= start,
            Meeting.starts_at < end,
            Meeting.status == MeetingStatus.APPROVED.value,
        )
    ).all()

    assert len(held) >= 4
    for meeting in held:
        minutes = minutes_services.minutes_of(meeting)
        assert minutes.is_approved
        assert any(p.decisions for p in minutes.paragraphs)


def test_the_members_date_from_before_last_year(app_ctx, demo):
    start, _ = drafting.year_bounds(annual_demo.last_year())
    memberships = db.session.scalars(select(Membership).where(Membership.group_id == demo.group_id)).all()

    assert all(m.created_at < start for m in memberships)
    assert any(m.role == Role.CHAIR.value for m in memberships)
