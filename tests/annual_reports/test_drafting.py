"""Drafting a yearly report from the records, without HTTP: what compute() counts and as of when.

The demo group is used for its people and organisations; the records counted are made in a
year long before the demo's (which count from today), through the register's services where
practical, with their history dated back afterwards.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from po_meetings.annual_reports import drafting
from po_meetings.dates import local_datetime
from po_meetings.extensions import db
from po_meetings.meetings import services as meetings
from po_meetings.models import (
    AGE_GROUPS,
    Decision,
    Flow,
    Gender,
    Group,
    Meeting,
    MeetingStatus,
    Membership,
    Minutes,
    Organisation,
    Paragraph,
    ReportStatus,
    SystemErrorReport,
    User,
    utcnow,
)
from po_meetings.models.statistics import TOTAL, cell_key
from po_meetings.notifications import services as notifications
from po_meetings.statistics.services import Counts, save_quarter
from po_meetings.system_errors import services as register
from tests.support.query_count import counting_queries

from .sample import ERROR_COLUMNS, GENDER_COLUMNS

YEAR = 2015
S = ReportStatus


def at(month: int, day: int, year: int = YEAR, hour: int = 10) -> datetime:
    """Return a moment in Stockholm as UTC."""
    return local_datetime(date(year, month, day), time(hour))


#: The report's date for a whole year: drafted in the following February.
AS_OF = at(2, 15, YEAR + 1)


@pytest.fixture
def ctx(app_ctx, demo):
    """Return the demo group, its people by e-mail and the organisations by name."""
    group = db.session.get(Group, demo.group_id)
    users = {u.email: u for u in db.session.scalars(select(User))}
    organisations = {o.name: o for o in db.session.scalars(select(Organisation))}
    members = {m.user.email: m for m in group.memberships}
    return type("Ctx", (), dict(group=group, users=users, organisations=organisations, members=members))


def rows(table) -> dict[str, tuple]:
    return {row.label: row.values for row in table.rows}


class Report:
    """A report made through the register, each step dated back when it is taken."""

    def __init__(self, ctx, title: str, submitted: datetime, level="local", category="governance", **kw):
        self.ctx = ctx
        fixer = kw.get("fixer")
        values = {
            "title": title,
            "description": "Beskrivning.",
            "causes": "Orsaker.",
            "consequences": "Konsekvenser.",
            "system_view": "Systemperspektiv.",
            "level": level,
            "category": category,
            "fixer_organisation_id": ctx.organisations[fixer].id if fixer else None,
            "affected_organisation_ids": [ctx.organisations[n].id for n in kw.get("affected", ())],
        }
        with notifications.quiet():
            self.report = register.save_report(
                ctx.group, ctx.users["ombud@demo.se"], values, submit=True, now=submitted
            )
        self.report.created_at = submitted
        self.dated = 0
        self.date(submitted)

    def date(self, moment: datetime) -> None:
        for offset, event in enumerate(self.report.events[self.dated :]):
            event.occurred_at = moment + timedelta(minutes=offset)
        self.dated = len(self.report.events)
        db.session.flush()

    def move(self, to: ReportStatus, moment: datetime, reason: str | None = None, **kw) -> Report:
        chair = self.ctx.users["ordforande@demo.se"]
        with notifications.quiet():
            register.change_status(self.report, chair, to, reason, **kw)
        self.date(moment)
        return self

    def take_up(self, meeting: Meeting, moment: datetime) -> Report:
        return self.move(S.TAKEN_UP, moment, meeting=meeting)

    def work(self, moment: datetime) -> Report:
        owner = self.ctx.members["ordforande@demo.se"]
        return self.move(
            S.IN_PROGRESS, moment, owner=owner, next_review_on=moment.date() + timedelta(days=30)
        )


def held_meeting(ctx, moment: datetime, status=MeetingStatus.APPROVED, title="Operativt möte") -> Meeting:
    """Return a meeting of the group on a day, in a status (set directly: the past is not replayed)."""
    meeting = meetings.create_meeting(
        ctx.group, None, title, moment, moment + timedelta(hours=2), place="Sal Åsen"
    )
    meeting.status = status.value
    db.session.flush()
    return meeting


def decide(meeting: Meeting, count: int, recorded: datetime | None = None) -> None:
    """Record decisions in the meeting's minutes (one § holding them all)."""
    minutes = meeting.minutes or Minutes(
        meeting=meeting, group_id=meeting.group_id, opened_at=meeting.starts_at
    )
    paragraph = Paragraph(
        minutes=minutes,
        group_id=meeting.group_id,
        year=meeting.starts_at.year,
        number=len(minutes.paragraphs) + 1,
        title="Beslut",
    )
    for n in range(count):
        paragraph.decisions.append(
            Decision(
                group_id=meeting.group_id, text=f"att besluta {n}", created_at=recorded or meeting.starts_at
            )
        )
    db.session.add(minutes)
    db.session.flush()


# -- system errors ---------------------------------------------------------------------------------


@pytest.fixture
def year_of_reports(ctx):
    """Reports that cover every case, around YEAR."""
    meeting_before = held_meeting(ctx, at(12, 7, YEAR - 1))
    meeting = held_meeting(ctx, at(2, 9))
    # Carried over: submitted the year before, open on 1 January, resolved in March.
    carried = Report(ctx, "Från förra året", at(11, 3, YEAR - 1), affected=["Försäkringskassan"])
    carried.take_up(meeting_before, at(12, 7, YEAR - 1)).work(at(12, 7, YEAR - 1))
    carried.move(S.RESOLVED, at(3, 10), "Rutinen är ändrad.")
    # Finished before the year: not counted at all.
    done = Report(ctx, "Avslutad förra året", at(5, 4, YEAR - 1), level="caseworker", category="method")
    done.move(S.CLOSED, at(8, 1, YEAR - 1), "Inget systemfel.")
    # New, escalated with a reply: open at the year's end.
    escalated = Report(
        ctx,
        "Eskalerad i år",
        at(2, 1),
        level="central",
        category="regulation",
        affected=["Försäkringskassan", "Arbetsförmedlingen"],
    )
    escalated.take_up(meeting, at(2, 9)).work(at(2, 9))
    escalated.move(
        S.ESCALATED,
        at(5, 4),
        escalation={
            "body": "county_board",
            "sent_on": date(YEAR, 5, 4),
            "reply_expected_by": date(YEAR, 8, 1),
        },
    )
    with notifications.quiet():
        register.record_reply(
            escalated.report.escalations[0],
            ctx.users["ordforande@demo.se"],
            date(YEAR, 7, 20),
            "Länsstyrelsen tar upp frågan.",
            "Frågan går vidare nationellt.",
        )
    escalated.date(at(7, 20))
    # New and still waiting at the year's end.
    waiting = Report(ctx, "Väntar", at(4, 1), level="caseworker", category="treatment")
    # New, resolved only after the year: open at the year's end.
    late = Report(ctx, "Åtgärdad efter året", at(10, 1), fixer="Arbetsförmedlingen")
    late.take_up(meeting, at(10, 5)).work(at(10, 5)).move(S.RESOLVED, at(1, 15, YEAR + 1), "Klart.")
    # Submitted after the year, and a draft: neither counted.
    Report(ctx, "Nästa år", at(2, 1, YEAR + 1))
    with notifications.quiet():
        register.save_report(
            ctx.group,
            ctx.users["ombud@demo.se"],
            {"title": "Utkast", "level": "local", "category": "governance"},
        )
    db.session.flush()
    return dict(carried=carried, done=done, escalated=escalated, waiting=waiting, late=late, meeting=meeting)


def test_reports_count_as_new_carried_over_closed_and_open(ctx, year_of_reports):
    figures = drafting.compute(ctx.group.id, YEAR, AS_OF)

    assert figures.errors_by_level.columns == ERROR_COLUMNS
    assert rows(figures.errors_by_level) == {
        "Handläggarnivå": (1, 0, 0, 1),  # waiting
        "Lokal nivå": (1, 1, 1, 1),  # late (new, open), carried (carried over, closed)
        "Central nivå": (1, 0, 0, 1),  # escalated counts as open
        "Totalt": (3 + 0, 1, 1, 3),
    }
    assert rows(figures.errors_by_category) == {
        "Bemötande": (1, 0, 0, 1),
        "Mål och styrning": (1, 1, 1, 1),
        "Regelverk": (1, 0, 0, 1),
    }


def test_a_report_counts_once_per_organisation_it_names(ctx, year_of_reports):
    figures = drafting.compute(ctx.group.id, YEAR, AS_OF)

    assert rows(figures.errors_by_organisation) == {
        "Arbetsförmedlingen": (2, 0, 0, 2),  # escalated (affected), late (can fix)
        "Försäkringskassan": (1, 1, 1, 1),  # escalated, carried
        "Ingen organisation angiven": (1, 0, 0, 1),  # waiting
    }


def test_handled_errors_tell_what_was_done_locally_and_regionally(ctx, year_of_reports):
    figures = drafting.compute(ctx.group.id, YEAR, AS_OF)

    handled = {h.title: h for h in figures.handled_errors}
    assert set(handled) == {"Från förra året", "Eskalerad i år"}
    resolved = handled["Från förra året"]
    assert resolved.status == "Åtgärdad"
    assert resolved.resolution == "Rutinen är ändrad."
    assert resolved.organisations == ("Försäkringskassan",)
    assert resolved.number == year_of_reports["carried"].report.number
    assert resolved.local[0] == f"{YEAR - 1}-11-03 Rapporterad till ledningsgruppen"
    assert f"{YEAR - 1}-12-07 Upptagen på ledningsgruppens möte {YEAR - 1}-12-07" in resolved.local
    assert resolved.local[-1] == f"{YEAR}-03-10 Åtgärdad: Rutinen är ändrad."
    escalated = handled["Eskalerad i år"]
    assert escalated.status == "Eskalerad"
    assert escalated.level == "Central nivå" and escalated.category == "Regelverk"
    assert escalated.regional == (
        f"{YEAR}-05-04 Eskalerad till Länsstyrelsen",
        f"{YEAR}-07-20 Svar från Länsstyrelsen: Länsstyrelsen tar upp frågan.",
        f"{YEAR}-07-20 Utfall: Frågan går vidare nationellt.",
    )
    assert escalated.resolution is None


def test_a_record_changed_later_does_not_change_a_drafted_report(ctx, year_of_reports):
    before = drafting.compute(ctx.group.id, YEAR, AS_OF)

    chair = ctx.users["ordforande@demo.se"]
    with notifications.quiet():
        waiting = year_of_reports["waiting"].report
        register.change_status(waiting, chair, S.CLOSED, "Stängd senare.")
        register.reclassify(waiting, chair, "central", "central_resources")
        register.set_confidential(year_of_reports["escalated"].report, chair, True)
        register.change_status(year_of_reports["escalated"].report, chair, S.RESOLVED, "Löst senare.")
    db.session.flush()
    after = drafting.compute(ctx.group.id, YEAR, AS_OF)

    assert after.errors_by_level == before.errors_by_level
    assert after.errors_by_category == before.errors_by_category
    assert after.errors_by_organisation == before.errors_by_organisation
    # Except that a report made confidential since is no longer told in words.
    assert {h.title for h in after.handled_errors} == {"Från förra året", "Sekretessbelagd rapport"}


def test_a_draft_made_during_the_year_counts_the_year_so_far(ctx, year_of_reports):
    figures = drafting.compute(ctx.group.id, YEAR, at(3, 31))

    assert figures.errors_by_level.columns[-1] == f"Öppna {YEAR}-03-31"
    assert rows(figures.errors_by_level)["Totalt"] == (1, 1, 1, 1)  # escalated (new), carried (closed)
    assert [m.day for m in figures.meetings] == [date(YEAR, 2, 9)]
    handled = {h.title: h for h in figures.handled_errors}
    assert set(handled) == {"Från förra året"}


def test_a_confidential_report_is_counted_but_not_told(ctx, year_of_reports):
    chair = ctx.users["ordforande@demo.se"]
    escalated = year_of_reports["escalated"]
    with notifications.quiet():
        register.set_confidential(escalated.report, chair, True)
    escalated.date(at(3, 1))

    figures = drafting.compute(ctx.group.id, YEAR, AS_OF)

    assert rows(figures.errors_by_level)["Central nivå"] == (1, 0, 0, 1)
    secret = next(h for h in figures.handled_errors if h.number == escalated.report.number)
    assert secret.title == "Sekretessbelagd rapport"
    assert (secret.level, secret.category, secret.status) == ("Central nivå", "Regelverk", "Eskalerad")
    assert secret.local == () and secret.regional == () and secret.organisations == ()
    assert secret.resolution is None
    assert "Eskalerad i år" not in repr(figures)


def test_the_system_error_chart_has_open_and_closed_per_level(ctx, year_of_reports):
    figures = drafting.compute(ctx.group.id, YEAR, AS_OF)

    chart = next(c for c in figures.charts if c.title.startswith("Systemfel"))
    assert chart.kind == "stacked"
    assert chart.points == ("Handläggarnivå", "Lokal nivå", "Central nivå")
    assert [(s.name, s.values) for s in chart.series] == [
        ("Öppna", (1, 1, 1)),
        ("Avslutade under året", (0, 1, 0)),
    ]


def test_queries_do_not_grow_with_the_reports(ctx):
    meeting = held_meeting(ctx, at(2, 9))

    def add(n: int) -> None:
        for i in range(n):
            report = Report(ctx, f"Rapport {i}", at(1 + i % 11, 1 + i % 27), affected=["Försäkringskassan"])
            report.take_up(meeting, at(12, 1)).work(at(12, 1))
            if i % 2:
                report.move(S.RESOLVED, at(12, 2), "Klart.")

    add(2)
    db.session.expire_all()
    with counting_queries(db.engine) as few:
        drafting.compute(ctx.group.id, YEAR, AS_OF)
    add(18)
    db.session.expire_all()
    with counting_queries(db.engine) as many:
        figures = drafting.compute(ctx.group.id, YEAR, AS_OF)

    assert rows(figures.errors_by_level)["Totalt"] == (20, 0, 10, 10)
    assert len(many) == len(few)


# -- the group, its meetings and decisions ------------------------------------------------------------


def test_members_are_those_of_the_group_on_31_december(ctx):
    members = ctx.members
    for membership in members.values():
        membership.created_at = at(1, 1, YEAR - 1)
    members["ledamot.asby@demo.se"].ended_at = at(6, 1)  # left during the year
    members["ledamot.rsmh@demo.se"].ended_at = at(1, 10, YEAR + 1)  # left after the year
    members["ledamot.vc@demo.se"].created_at = at(1, 10, YEAR + 1)  # joined after the year
    db.session.flush()

    figures = drafting.compute(ctx.group.id, YEAR, AS_OF)

    names = [m.name for m in figures.members]
    assert "Lars Holm" not in names and "Eva Nyström" not in names
    assert "Maria Ek" in names
    assert figures.members[0].role == "Ordförande"
    assert figures.members[0].organisation == "Mellanå kommun, socialtjänsten"
    assert figures.members[1].role == "Vice ordförande"
    roles = [m.role for m in figures.members]
    assert roles.index("Ersättare") > roles.index("Ledamot")
    assert roles[-1] == "Personligt ombud"


def test_meetings_held_are_counted_not_cancelled_ones(ctx):
    held = held_meeting(ctx, at(2, 9))
    decide(held, 3)
    second = held_meeting(ctx, at(3, 30), status=MeetingStatus.CLOSED)
    decide(second, 2)
    decide(second, 1, recorded=at(3, 1, YEAR + 1))  # recorded after the report's date
    autumn = held_meeting(ctx, at(10, 12), title="Utvecklingsdag")
    decide(autumn, 4)
    held_meeting(ctx, at(5, 4), status=MeetingStatus.CANCELLED)
    held_meeting(ctx, at(6, 1), status=MeetingStatus.DRAFT)
    held_meeting(ctx, at(9, 1), status=MeetingStatus.CALLED)  # kallad, never held
    held_meeting(ctx, at(1, 20, YEAR + 1))  # the next year

    figures = drafting.compute(ctx.group.id, YEAR, AS_OF)

    assert figures.meeting_count == 3
    assert [m.day for m in figures.meetings] == [date(YEAR, 2, 9), date(YEAR, 3, 30), date(YEAR, 10, 12)]
    assert figures.meetings[2].title == "Utvecklingsdag"
    chart = next(c for c in figures.charts if c.title == "Möten och beslut per kvartal")
    assert chart.points == ("Kv 1", "Kv 2", "Kv 3", "Kv 4")
    assert [(s.name, s.values) for s in chart.series] == [("Möten", (2, 0, 0, 1)), ("Beslut", (5, 0, 0, 4))]
    assert any(line.startswith("Möten under året: 3 möten") for line in figures.ways_of_working)
    assert any(line.startswith("Mötesrytm: ungefär") for line in figures.ways_of_working)
    assert any(line.startswith("Dagordningsmall: ") for line in figures.ways_of_working)


# -- client statistics -----------------------------------------------------------------------------


def quarter_counts(start: int, new: tuple[int, int, int], closed: tuple[int, int, int], **kw) -> Counts:
    """Return a quarter that adds up: each gender's total in its youngest and oldest age groups."""
    cells = {}
    for flow, totals in ((Flow.NEW, new), (Flow.CLOSED, closed)):
        for gender, total in zip(Gender, totals, strict=True):
            cells[cell_key(flow, gender, TOTAL)] = total
            cells[cell_key(flow, gender, AGE_GROUPS[0])] = total - total // 2
            cells[cell_key(flow, gender, AGE_GROUPS[-1])] = total // 2
    return Counts(
        clients_at_start=start,
        clients_at_end=start + sum(new) - sum(closed),
        with_minor_children=kw.get("minor", 4),
        with_children_at_home=kw.get("home", 1),
        cells=cells,
        contact_ways=kw.get("ways", {}),
        contact_reasons=kw.get("reasons", {}),
    )


def test_client_tables_sum_the_quarters_of_the_year(ctx):
    ombud = db.session.get(Membership, ctx.members["ombud@demo.se"].id)
    save_quarter(ctx.group.id, ombud, YEAR - 1, 4, quarter_counts(30, (1, 1, 0), (0, 0, 0)))
    save_quarter(ctx.group.id, ombud, YEAR - 1, 3, quarter_counts(10, (9, 9, 2), (0, 0, 0)))  # not counted
    save_quarter(
        ctx.group.id,
        ombud,
        YEAR,
        1,
        quarter_counts(32, (3, 2, 1), (2, 1, 0), reasons={"Boende": 4, "Annat": 1}),
    )
    save_quarter(
        ctx.group.id,
        ombud,
        YEAR,
        2,
        quarter_counts(35, (4, 1, 0), (1, 3, 0), minor=6, home=2, reasons={"Boende": 2, "Rehabilitering": 7}),
    )
    save_quarter(ctx.group.id, ombud, YEAR + 1, 1, quarter_counts(36, (5, 5, 5), (0, 0, 0)))  # not counted

    figures = drafting.compute(ctx.group.id, YEAR, AS_OF)  # entered today, for a year gone by

    assert figures.quarters_entered == (1, 2)
    assert figures.client_totals.columns == GENDER_COLUMNS
    assert rows(figures.client_totals) == {
        f"Klienter 31 december {YEAR - 1}": (None, None, None, 32),
        f"Klienter 31 december {YEAR}": (None, None, None, None),  # the fourth quarter is missing
        f"Nya klienter {YEAR}": (7, 3, 1, 11),
        f"Avslutade klienter {YEAR}": (3, 4, 0, 7),
    }
    closed = rows(figures.closed_by_age)
    assert closed["18–29 år"] == (2, 3, 0, 5)
    assert closed["65 år och äldre"] == (1, 1, 0, 2)
    assert closed["40–49 år"] == (0, 0, 0, 0)
    assert [r.values for r in figures.children.rows] == [(6,), (2,)]  # the latest quarter
    assert [(r.label, r.values) for r in figures.contact_reasons.rows] == [
        ("Rehabilitering", (7,)),
        ("Boende", (6,)),
        ("Annat", (1,)),
    ]
    assert figures.contact_ways.is_empty  # all zero: left out
    chart = next(c for c in figures.charts if c.title.startswith("Klienter per kvartal"))
    assert "kv 3" in chart.title and "kv 4" in chart.title
    assert [(s.name, s.values) for s in chart.series] == [
        ("Klienter vid kvartalets slut", (35, 36, 0, 0)),
        ("Nya", (6, 5, 0, 0)),
    ]


def test_the_year_before_is_read_from_the_first_quarter_without_a_fourth(ctx):
    ombud = db.session.get(Membership, ctx.members["ombud@demo.se"].id)
    save_quarter(ctx.group.id, ombud, YEAR, 1, quarter_counts(32, (3, 2, 1), (2, 1, 0)))

    figures = drafting.compute(ctx.group.id, YEAR, AS_OF)

    assert rows(figures.client_totals)[f"Klienter 31 december {YEAR - 1}"] == (None, None, None, 32)


def test_a_quarter_entered_after_the_reports_date_is_left_out(ctx):
    ombud = db.session.get(Membership, ctx.members["ombud@demo.se"].id)
    statistics = save_quarter(ctx.group.id, ombud, YEAR, 1, quarter_counts(32, (3, 2, 1), (2, 1, 0)))
    statistics.created_at = at(4, 10)
    db.session.flush()

    assert drafting.compute(ctx.group.id, YEAR, at(4, 1)).quarters_entered == ()
    assert drafting.compute(ctx.group.id, YEAR, at(4, 11)).quarters_entered == (1,)


def test_the_report_of_a_year_gone_by_counts_the_fourth_quarter_entered_in_january(ctx):
    ombud = db.session.get(Membership, ctx.members["ombud@demo.se"].id)
    statistics = save_quarter(ctx.group.id, ombud, YEAR, 4, quarter_counts(32, (3, 2, 1), (2, 1, 0)))
    statistics.created_at = at(1, 12, YEAR + 1)
    db.session.flush()
    end_of_year = local_datetime(date(YEAR, 12, 31), time(23, 59, 59))  # as the chair's draft counts it

    figures = drafting.compute(ctx.group.id, YEAR, end_of_year)

    assert figures.quarters_entered == (4,)
    assert rows(figures.client_totals)[f"Klienter 31 december {YEAR}"] == (None, None, None, 35)


# -- nothing to count --------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [YEAR, utcnow().year + 3])
def test_a_year_without_records_gives_empty_figures(ctx, year):
    figures = drafting.compute(ctx.group.id, year, datetime(year + 1, 2, 1, tzinfo=UTC))

    assert figures.year == year
    assert figures.group_name == ctx.group.name
    assert figures.meetings == () and figures.handled_errors == () and figures.quarters_entered == ()
    for table in (
        figures.errors_by_level,
        figures.errors_by_category,
        figures.errors_by_organisation,
        figures.client_totals,
        figures.closed_by_age,
        figures.children,
        figures.contact_reasons,
        figures.contact_ways,
    ):
        assert table.is_empty
    assert figures.charts == ()
    assert "Gruppen höll inga möten under året." in figures.ways_of_working


def test_a_report_that_did_not_exist_yet_counts_nothing(ctx, year_of_reports):
    figures = drafting.compute(ctx.group.id, YEAR, at(6, 1, YEAR - 2))

    assert figures.errors_by_level.is_empty and figures.meetings == ()


def test_the_figures_survive_being_frozen(ctx, year_of_reports):
    from po_meetings.annual_reports.content import Figures, dump, load

    figures = drafting.compute(ctx.group.id, YEAR, AS_OF)

    assert load(Figures, dump(figures)) == figures


def test_reports_of_another_group_are_not_counted(ctx, year_of_reports, demo):
    figures = drafting.compute(demo.other_group_id, YEAR, AS_OF)

    assert figures.errors_by_level.is_empty


def test_a_reopened_report_counts_as_carried_over(ctx):
    meeting = held_meeting(ctx, at(12, 1, YEAR - 1))
    report = Report(ctx, "Återkommer", at(10, 1, YEAR - 1))
    report.take_up(meeting, at(12, 1, YEAR - 1)).work(at(12, 1, YEAR - 1))
    report.move(S.RESOLVED, at(12, 10, YEAR - 1), "Löst.")
    with notifications.quiet():
        register.add_occurrence(report.report, ctx.users["ombud@demo.se"], date(YEAR, 3, 1), None, 1, "Igen.")
    report.date(at(3, 1))

    figures = drafting.compute(ctx.group.id, YEAR, AS_OF)

    assert rows(figures.errors_by_level)["Totalt"] == (0, 1, 0, 1)
    assert SystemErrorReport  # imported for the reader: the register's model
