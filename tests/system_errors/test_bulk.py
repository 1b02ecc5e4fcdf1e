"""The systemfel demo data (seed-demo) and the bulk data set for benchmarks (flask seed-bulk)."""

from datetime import date

from sqlalchemy import event, func, select

from po_meetings import demo as demo_module
from po_meetings.extensions import db
from po_meetings.models import (
    AuditEvent,
    Escalation,
    EscalationBody,
    Group,
    Level,
    Occurrence,
    ReportEvent,
    ReportStatus,
    SystemErrorReport,
    User,
)
from po_meetings.system_errors import search, services
from po_meetings.system_errors.demo import seed_bulk


def _reports(group_id):
    return db.session.scalars(select(SystemErrorReport).where(SystemErrorReport.group_id == group_id)).all()


# -- the demo reports ----------------------------------------------------------------------------


def test_demo_reports_cover_every_status_level_and_year(app_ctx, demo):
    reports = _reports(demo.group_id)
    assert 28 <= len(reports) <= 45
    assert {r.status for r in reports} == {s.value for s in ReportStatus}
    assert {r.level for r in reports} == {level.value for level in Level}
    years = {r.number_year for r in reports if r.number_year}
    this_year = date.today().year
    # The yearly report's demo carries one report over from the year before last.
    assert {this_year - 1, this_year} <= years <= {this_year - 2, this_year - 1, this_year}
    numbers = [r.number for r in reports if r.number]
    assert len(numbers) == len(set(numbers))
    for year in years:  # consecutive per year, from 001
        seqs = sorted(r.number_seq for r in reports if r.number_year == year)
        assert seqs == list(range(1, len(seqs) + 1))
    assert all(r.submitted_at.year == r.number_year for r in reports if r.number)
    drafts = [r for r in reports if r.status == ReportStatus.DRAFT.value]
    assert drafts and all(r.number is None and r.reporter.email == "ombud@demo.se" for r in drafts)
    assert sum(r.is_confidential for r in reports) >= 2


def test_demo_reports_have_their_status_data_and_history(app_ctx, demo):
    reports = _reports(demo.group_id)
    by_status = {}
    for report in reports:
        by_status.setdefault(report.status, []).append(report)
    assert all(r.meeting_id for r in by_status["taken_up"])
    assert all(r.owner_id and r.next_review_on for r in by_status["in_progress"])
    assert all(r.resolution for r in by_status["resolved"])
    assert all(r.close_reason for r in by_status["closed"])
    assert all(r.escalations for r in by_status["escalated"])
    escalations = db.session.scalars(select(Escalation)).all()
    assert any(e.body == EscalationBody.COUNTY_BOARD.value and e.reply for e in escalations)
    assert any(len(r.escalations) > 1 for r in reports)
    # both ombuds, in both municipalities
    occurrences = db.session.scalars(select(Occurrence)).all()
    assert {o.reporter.email for o in occurrences} == {"ombud@demo.se", "ombud2@demo.se"}
    assert {o.municipality.name for o in occurrences} == {"Mellanå", "Åsby"}
    kinds = {e.kind for e in db.session.scalars(select(ReportEvent))}
    assert {"comment", "reopened", "status", "occurrence", "escalation_reply"} <= kinds
    # the history is dated over time, in order
    for report in reports:
        stamps = [e.occurred_at for e in report.events]
        assert stamps == sorted(stamps), report.title
    first = min(e.occurred_at for e in db.session.scalars(select(ReportEvent))).year
    assert date.today().year - 2 <= first <= date.today().year - 1


def test_demo_reports_are_searchable_and_fixture_ids_fit(app_ctx, demo):
    group = db.session.get(Group, demo.group_id)
    ombud = db.session.get(User, demo.users["ombud@demo.se"])
    membership = next(m for m in group.memberships if m.user_id == ombud.id)
    query = search.matching(select(SystemErrorReport.title), search.terms_of("bostadsanpassning"), group.id)
    assert "Lång väntan på beslut om bostadsanpassning" in db.session.scalars(query).all()
    report = services.get_report(group, demo.report_number, ombud, membership)
    assert report.reporter_id == ombud.id and not report.is_confidential
    assert demo.escalation_id in {e.id for e in report.escalations}
    assert services.get_report(group, demo.draft_number, ombud, membership).status == "draft"
    assert services.get_report(group, demo.confidential_report_number, ombud, membership) is None


# -- flask seed-bulk ------------------------------------------------------------------------------


def _run(runner, *args):
    result = runner.invoke(args=["seed-bulk", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_seed_bulk_creates_numbered_searchable_reports(app, runner, demo):
    with app.app_context():
        before = len(_reports(demo.group_id))
        audits = db.session.scalar(select(func.count(AuditEvent.id)))
    output = _run(runner, "--system-errors", "300")
    assert "300 av 300 rapporter" in output
    assert "Klart: 300 systemfelsrapporter" in output
    with app.app_context():
        reports = _reports(demo.group_id)
        assert len(reports) == before + 300
        keys = [(r.number_year, r.number_seq) for r in reports if r.number]
        assert len(keys) == len(set(keys))
        for year in {y for y, _ in keys}:  # consecutive per year: no gaps, no duplicates
            seqs = sorted(s for y, s in keys if y == year)
            assert seqs == list(range(1, len(seqs) + 1))
        assert db.session.scalar(select(func.count(ReportEvent.id))) > 2 * 300
        assert db.session.scalar(select(func.count(Occurrence.id))) > 100
        assert {r.status for r in reports} >= {s.value for s in ReportStatus} - {"draft"}
        # the search index is filled on both databases
        terms = search.terms_of("skuldsanering")
        hits = db.session.scalars(search.matching(select(SystemErrorReport.id), terms, demo.group_id)).all()
        assert len(hits) > 5
        assert all("</mark>" in s for s in search.snippets(hits[:5], terms).values())
        # bulk data is a system command: no audit rows
        assert db.session.scalar(select(func.count(AuditEvent.id))) == audits


def test_seed_bulk_uses_batches_not_a_query_per_report(app, demo):
    """Statements grow with batches, not with reports: the runtime stays proportional."""
    counts = []
    with app.app_context():
        group = db.session.get(Group, demo.group_id)
        for count in (200, 800):
            statements: list[str] = []

            def listener(conn, cursor, statement, *rest, log=statements):
                log.append(statement)

            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                seed_bulk(group, count)
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
            counts.append(len(statements))
        db.session.commit()
        assert counts[1] <= counts[0] + 4
        assert len(_reports(demo.group_id)) > 1000


def test_seed_bulk_group_option_and_unknown_group(app, runner, demo):
    _run(runner, "--system-errors", "20", "--group-id", str(demo.other_group_id))
    with app.app_context():
        assert len(_reports(demo.other_group_id)) == 20
    result = runner.invoke(args=["seed-bulk", "--system-errors", "5", "--group-id", "999999"])
    assert result.exit_code != 0 and "Gruppen finns inte" in result.output
    help_text = runner.invoke(args=["seed-bulk", "--help"]).output
    assert "audit" in help_text


def test_seed_demo_refuses_twice(app_ctx, demo):
    import pytest

    with pytest.raises(RuntimeError):
        demo_module.seed_demo()
