"""The rules of the yearly report, without HTTP: who writes it, which year, its lock and its versions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from po_meetings.annual_reports import content as content_module
from po_meetings.annual_reports import drafting, services
from po_meetings.annual_reports.content import Content
from po_meetings.annual_reports.posts import PostsError, format_posts, parse_posts
from po_meetings.annual_reports.services import EnteredRefused, StaleReport
from po_meetings.domain import DomainError, commit_or_refusal
from po_meetings.extensions import db
from po_meetings.models import AnnualReport, AnnualReportVersion, AuditEvent, Membership, utcnow

PNR = "Klienten 811218-9876 fick hjälp."


def member(demo, email: str) -> Membership:
    return db.session.get(Membership, demo.membership(email))


@pytest.fixture
def chair(app_ctx, demo) -> Membership:
    return member(demo, "ordforande@demo.se")


@pytest.fixture
def year() -> int:
    """A year gone by that the demo has no report for."""
    return services.current_year() - 3


@pytest.fixture
def report(chair, year) -> AnnualReport:
    report = services.draft(chair.group_id, chair, year)
    db.session.commit()
    return report


def count_versions(report_id: int) -> int:
    return db.session.scalar(
        select(func.count(AnnualReportVersion.id)).where(AnnualReportVersion.report_id == report_id)
    )


# -- posts as the report writes them ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "hundredths"),
    [("1,5", 150), ("1.5", 150), ("2", 200), (" 0,75 ", 75), ("0,5", 50), ("999", 99900), ("", None)],
)
def test_posts_are_read_as_swedish_decimals(typed, hundredths):
    assert parse_posts(typed) == hundredths


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-1", "Antalet kan inte vara negativt."),
        ("1000", "Ange högst 999 tjänster."),
        ("1,555", "Skriv antalet tjänster"),
        ("en och en halv", "Skriv antalet tjänster"),
        ("1" * 400, "Ange högst 999 tjänster."),
    ],
)
def test_posts_that_cannot_be_read_are_refused_in_swedish(typed, message):
    with pytest.raises(PostsError, match=message):
        parse_posts(typed)


def test_posts_are_written_as_swedish_decimals():
    assert [format_posts(n) for n in (150, 200, 75, 5, None)] == ["1,5", "2", "0,75", "0,05", ""]


# -- who and which year -------------------------------------------------------------------------------


def test_only_the_chair_and_vice_chair_may_write_the_report(app_ctx, demo):
    assert services.may_edit(member(demo, "ordforande@demo.se"))
    assert services.may_edit(member(demo, "vice@demo.se"))
    assert not services.may_edit(member(demo, "ledamot@demo.se"))
    assert not services.may_edit(member(demo, "ombud@demo.se"))
    assert not services.may_edit(None)


def test_a_member_cannot_draft_or_edit(report, demo, year):
    ledamot = member(demo, "ledamot@demo.se")
    with pytest.raises(DomainError, match="Bara gruppens ordförande och vice ordförande"):
        services.draft(ledamot.group_id, ledamot, year - 1)
    with pytest.raises(DomainError, match="Bara gruppens ordförande"):
        services.save_entered(report, ledamot, {"placement": "Text"}, report.lock_version)
    with pytest.raises(DomainError, match="Bara gruppens ordförande"):
        services.finalise(report, ledamot)


def test_the_chair_of_another_group_cannot_draft_here(app_ctx, demo, year):
    other_chair = member(demo, "vice@demo.se")  # vice chair here, member in Norrsjö
    other = db.session.scalar(
        select(Membership).where(
            Membership.user_id == other_chair.user_id, Membership.group_id == demo.other_group_id
        )
    )
    with pytest.raises(DomainError):
        services.draft(demo.group_id, other, year)


def test_a_year_gone_by_is_counted_until_its_last_moment(report, year):
    assert report.state == "draft" and report.version_number == 1 and report.lock_version == 1
    assert report.as_of == services.end_of_year(year)
    assert services.end_of_year(year).isoformat().startswith(f"{year}-12-31T22:59:59")  # 23.59.59 in winter


def test_this_years_report_is_counted_until_now(chair):
    report = services.draft(chair.group_id, chair, services.current_year())
    assert abs(report.as_of - utcnow()) < timedelta(seconds=30)


@pytest.mark.parametrize("offset", [1, 10])
def test_a_year_in_the_future_is_refused(chair, offset):
    with pytest.raises(DomainError, match=f"Välj ett år mellan 2000 och {services.current_year()}"):
        services.draft(chair.group_id, chair, services.current_year() + offset)


@pytest.mark.parametrize("year", [1999, 0, -5, None])
def test_a_year_before_2000_is_refused(chair, year):
    with pytest.raises(DomainError, match="Välj ett år mellan 2000"):
        services.draft(chair.group_id, chair, year)


def test_a_second_draft_of_the_same_year_opens_the_first(report, chair, year):
    again = services.draft(chair.group_id, chair, year)
    db.session.commit()
    assert again.id == report.id
    assert db.session.scalar(select(func.count(AnnualReport.id)).where(AnnualReport.year == year)) == 1


def test_two_drafts_at_the_same_moment_make_one_report(report, chair, year, monkeypatch):
    """The other request has inserted the year's report between this one's look and its insert."""
    real_find = services.find
    calls = []

    def find_nothing_first(group_id, wanted):
        calls.append(wanted)
        return None if len(calls) == 1 else real_find(group_id, wanted)

    monkeypatch.setattr(services, "find", find_nothing_first)
    again = services.draft(chair.group_id, chair, year)
    db.session.commit()
    assert again.id == report.id
    assert db.session.scalar(select(func.count(AnnualReport.id)).where(AnnualReport.year == year)) == 1


# -- the entered parts --------------------------------------------------------------------------------


def test_the_chair_saves_the_entered_parts(report, chair):
    values = {
        "posts_this_year": "1,5",
        "persons_this_year": 2,
        "posts_planned": "2",
        "persons_planned": "3",
        "placement": "  Socialförvaltningen, *enheten för socialpsykiatri*.  ",
        "training": "",
    }
    services.save_entered(report, chair, values, report.lock_version)
    db.session.commit()
    assert (report.posts_this_year, report.persons_this_year) == (150, 2)
    assert (report.posts_planned, report.persons_planned) == (200, 3)
    assert report.placement == "Socialförvaltningen, *enheten för socialpsykiatri*."
    assert report.training is None
    assert report.updated_by_id == chair.user_id and report.updated_at is not None
    assert report.lock_version == 2
    entered = services.entered_of(report)
    assert entered.text("placement").startswith("Socialförvaltningen")
    assert entered.text("training") == ""


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("persons_this_year", -1, "Antalet kan inte vara negativt."),
        ("persons_planned", "1000", "Ange högst 999 personer."),
        ("posts_this_year", "-0,5", "Antalet kan inte vara negativt."),
        ("posts_planned", "1000", "Ange högst 999 tjänster."),
        ("posts_planned", -50, "Antalet kan inte vara negativt."),
        ("supervision", PNR, "personnummer"),
        ("system_error_work", "x" * (services.TEXT_LIMIT + 1), "högst 20000 tecken"),
    ],
)
def test_a_bad_value_is_refused_beside_its_field_and_nothing_is_saved(report, chair, column, value, message):
    values = {"placement": "Sparas inte.", column: value}
    result, refusal = commit_or_refusal(services.save_entered, report, chair, values, report.lock_version)
    assert isinstance(refusal, EnteredRefused)
    assert refusal.column == column and message in str(refusal)
    db.session.expire_all()
    stored = db.session.get(AnnualReport, report.id)
    assert stored.placement is None and getattr(stored, column) is None and stored.lock_version == 1


def test_a_personnummer_is_refused_before_it_reaches_the_database(report, chair, monkeypatch):
    flushed = []
    monkeypatch.setattr(services, "_flush", lambda *a, **k: flushed.append(a))
    with pytest.raises(EnteredRefused, match="personnummer"):
        services.save_entered(report, chair, {"guidelines": PNR}, report.lock_version)
    assert flushed == []


def test_a_save_from_an_older_form_is_refused_and_nothing_lost(report, chair, demo):
    vice = member(demo, "vice@demo.se")
    first_form = report.lock_version
    services.save_entered(report, vice, {"placement": "Vice ordförandens text."}, first_form)
    db.session.commit()
    result, refusal = commit_or_refusal(
        services.save_entered, report, chair, {"placement": "Ordförandens text."}, first_form
    )
    assert isinstance(refusal, StaleReport)
    assert "Någon annan har sparat redovisningen" in str(refusal)
    assert db.session.get(AnnualReport, report.id).placement == "Vice ordförandens text."


def test_a_concurrent_save_that_crosses_is_refused_at_the_write(report, chair, app):
    """The other save commits between this one's check and its write (the row's version moved on)."""
    with app.app_context():
        db.session.execute(
            AnnualReport.__table__.update()
            .where(AnnualReport.id == report.id)
            .values(lock_version=AnnualReport.lock_version + 1, placement="Den andras text.")
        )
        db.session.commit()
    result, refusal = commit_or_refusal(
        services.save_entered, report, chair, {"placement": "Min text."}, report.lock_version
    )
    assert isinstance(refusal, StaleReport)
    db.session.expire_all()
    assert db.session.get(AnnualReport, report.id).placement == "Den andras text."


def test_an_unknown_part_is_refused(report, chair):
    with pytest.raises(DomainError, match="Okänd del"):
        services.save_entered(report, chair, {"state": "final"}, report.lock_version)


def test_refresh_counts_anew_as_of_now_for_this_year(chair):
    report = services.draft(chair.group_id, chair, services.current_year())
    report.as_of = utcnow() - timedelta(days=30)
    db.session.commit()
    services.refresh(report, chair)
    db.session.commit()
    assert abs(report.as_of - utcnow()) < timedelta(seconds=30)


def test_refresh_of_a_year_gone_by_stays_at_its_end(report, chair, year):
    services.refresh(report, chair)
    assert report.as_of == services.end_of_year(year)


def test_a_draft_is_counted_as_of_its_date(report, chair, monkeypatch):
    calls = []
    real = drafting.compute

    def spy(group_id, year, as_of):
        calls.append((group_id, year, as_of))
        return real(group_id, year, as_of)

    monkeypatch.setattr(drafting, "compute", spy)
    services.save_entered(report, chair, {"placement": "Placering."}, report.lock_version)
    content = services.content_of(report)
    assert calls == [(report.group_id, report.year, report.as_of)]
    assert not content.is_final and content.version == 1
    assert content.entered.text("placement") == "Placering."


# -- final versions and corrections -------------------------------------------------------------------


def test_finalise_freezes_the_content_as_version_1(report, chair):
    services.save_entered(report, chair, {"placement": "Placering.", "posts_this_year": "1,5"}, 1)
    db.session.commit()
    drafted = services.content_of(report)
    version = services.finalise(report, chair)
    db.session.commit()
    assert report.is_final and report.state == "final"
    assert version.number == 1 and version.finalised_by_id == chair.user_id
    assert len(version.checksum) == 64 and int(version.checksum, 16) >= 0
    frozen = services.content_of(report)
    assert frozen.is_final and frozen.version == 1
    assert frozen.figures == drafted.figures and frozen.entered == drafted.entered
    assert services.content_of_version(version) == frozen
    assert content_module.load(Content, version.content) == frozen


def test_a_final_report_stays_as_it_was_when_the_records_change(report, chair, monkeypatch):
    services.finalise(report, chair)
    db.session.commit()
    frozen = services.content_of(report)
    monkeypatch.setattr(drafting, "compute", lambda *a: pytest.fail("a final report is not counted anew"))
    assert services.content_of(report) == frozen


def test_a_second_finalise_writes_nothing(report, chair):
    services.finalise(report, chair)
    db.session.commit()
    result, refusal = commit_or_refusal(services.finalise, report, chair)
    assert refusal is not None and "redan slutlig" in str(refusal)
    assert count_versions(report.id) == 1


def test_a_final_report_cannot_be_changed(report, chair):
    services.finalise(report, chair)
    db.session.commit()
    with pytest.raises(DomainError, match="Redovisningen är slutlig och kan inte ändras. Gör en rättelse"):
        services.save_entered(report, chair, {"placement": "Ny text."}, report.lock_version)
    with pytest.raises(DomainError, match="Redovisningen är slutlig"):
        services.refresh(report, chair)


def test_finalise_from_an_older_page_is_refused(report, chair):
    page_showed = report.lock_version
    services.save_entered(report, chair, {"placement": "Ändrad."}, page_showed)
    db.session.commit()
    result, refusal = commit_or_refusal(services.finalise, report, chair, page_showed)
    assert isinstance(refusal, StaleReport)
    assert count_versions(report.id) == 0


def test_a_correction_needs_a_reason(report, chair):
    services.finalise(report, chair)
    db.session.commit()
    for reason in (None, "", "   "):
        with pytest.raises(DomainError, match="Skriv varför redovisningen rättas."):
            services.correct(report, chair, reason)
    with pytest.raises(DomainError, match="personnummer"):
        services.correct(report, chair, PNR)


def test_only_a_final_report_is_corrected(report, chair):
    with pytest.raises(DomainError, match="bara en slutlig redovisning kan rättas"):
        services.correct(report, chair, "Fel siffror.")


def test_a_correction_makes_version_2_and_version_1_stays_readable(report, chair):
    services.save_entered(report, chair, {"placement": "Första texten."}, report.lock_version)
    first = services.finalise(report, chair)
    db.session.commit()
    as_of = report.as_of
    services.correct(report, chair, "Antalet tjänster var fel.")
    db.session.commit()
    assert report.state == "draft" and report.version_number == 2 and report.as_of == as_of
    services.save_entered(
        report, chair, {"placement": "Rättad text.", "posts_this_year": "2"}, report.lock_version
    )
    second = services.finalise(report, chair)
    db.session.commit()
    assert (first.number, second.number) == (1, 2)
    assert second.correction_reason == "Antalet tjänster var fel."
    assert services.content_of_version(first).entered.text("placement") == "Första texten."
    assert services.content_of_version(second).entered.text("placement") == "Rättad text."
    assert services.content_of(report).version == 2
    assert [v.number for v in report.versions] == [1, 2]


def test_every_write_is_in_the_audit_trail(report, chair):
    services.save_entered(report, chair, {"placement": "Text."}, report.lock_version)
    db.session.commit()
    services.finalise(report, chair)
    db.session.commit()
    services.correct(report, chair, "Rättelse.")
    db.session.commit()
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "annual_report", AuditEvent.object_id == report.id)
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["insert", "update", "update", "update"]
    assert "placement" in events[1].changes and "Text." not in str(events[1].changes)  # free text hidden
    version = services.latest_version(report)
    version_events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_type == "annual_report_version", AuditEvent.object_id == version.id
        )
    ).all()
    assert [e.action for e in version_events] == ["insert"]
    assert version_events[0].group_id == report.group_id
    assert "Text." not in str(version_events[0].changes)  # the frozen content is free text too
