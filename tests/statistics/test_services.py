"""The rules of the client statistics, without HTTP: the sums, the quarter, one row per quarter."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from po_meetings.domain import DomainError
from po_meetings.extensions import db
from po_meetings.models import (
    AGE_GROUPS,
    AuditEvent,
    ClientCategory,
    ClientStatistics,
    Flow,
    Gender,
    Membership,
)
from po_meetings.models.statistics import DEFAULT_CATEGORIES, TOTAL, cell_key
from po_meetings.statistics import services
from po_meetings.statistics.services import Counts, CountsRefused, Quarter, check_counts, mask_small


def balanced(**changes) -> Counts:
    """Return counts that add up: 20 at the start, 3 new women (18–29), 2 closed men (65+), 21 at the end."""
    cells = {cell_key(f, g, a): 0 for f in Flow for g in Gender for a in (TOTAL, *AGE_GROUPS)}
    cells.update(
        {
            cell_key(Flow.NEW, Gender.WOMEN, TOTAL): 3,
            cell_key(Flow.NEW, Gender.WOMEN, "18_29"): 3,
            cell_key(Flow.CLOSED, Gender.MEN, TOTAL): 2,
            cell_key(Flow.CLOSED, Gender.MEN, "65_plus"): 2,
        }
    )
    cells.update(changes.pop("cells", {}))
    values = dict(
        clients_at_start=20,
        clients_at_end=21,
        with_minor_children=4,
        with_children_at_home=2,
        cells=cells,
        contact_ways={"Egen kontakt": 2, "Psykiatrin": 1},
        contact_reasons={"Boende": 3},
    )
    values.update(changes)
    return Counts(**values)


def member(demo, email: str) -> Membership:
    return db.session.get(Membership, demo.membership(email))


def current() -> Quarter:
    return Quarter.of(services.today())


def rows(group_id: int, quarter: Quarter) -> int:
    return db.session.scalar(
        select(func.count(ClientStatistics.id)).where(
            ClientStatistics.group_id == group_id,
            ClientStatistics.year == quarter.year,
            ClientStatistics.quarter == quarter.number,
        )
    )


def cells_of(problems) -> dict[str, str]:
    return dict(problems)


# -- the checks ------------------------------------------------------------------------------------


def test_counts_that_add_up_pass():
    assert check_counts(balanced()) == []


def test_a_negative_count_is_refused_beside_its_cell():
    problems = cells_of(
        check_counts(
            balanced(
                clients_at_start=-1,
                cells={cell_key(Flow.NEW, Gender.MEN, "30_39"): -2},
                contact_reasons={"Boende": -1},
            )
        )
    )
    assert problems["clients_at_start"] == "Antalet kan inte vara negativt."
    assert problems[cell_key(Flow.NEW, Gender.MEN, "30_39")] == "Antalet kan inte vara negativt."
    assert problems["contact_reason:Boende"] == "Antalet kan inte vara negativt."


def test_the_closed_age_cells_must_sum_to_the_closed_total():
    wrong = balanced(cells={cell_key(Flow.CLOSED, Gender.MEN, "65_plus"): 1})
    problems = cells_of(check_counts(wrong))
    message = problems[cell_key(Flow.CLOSED, Gender.MEN, TOTAL)]
    assert message == "Åldersgrupperna (avslutade klienter, män) summerar till 1, men totalen är 2."
    assert list(problems) == [cell_key(Flow.CLOSED, Gender.MEN, TOTAL)]


def test_the_new_age_cells_must_sum_to_the_new_total():
    wrong = balanced(cells={cell_key(Flow.NEW, Gender.WOMEN, "40_49"): 1})
    problems = cells_of(check_counts(wrong))
    assert "summerar till 4, men totalen är 3" in problems[cell_key(Flow.NEW, Gender.WOMEN, TOTAL)]


def test_the_end_must_be_start_plus_new_minus_closed():
    problems = cells_of(check_counts(balanced(clients_at_end=25)))
    assert problems == {
        "clients_at_end": "Antalet vid kvartalets slut ska vara 21 (vid början 20 + nya 3 − avslutade 2), inte 25."
    }


def test_children_at_home_cannot_outnumber_clients_with_minor_children():
    problems = cells_of(check_counts(balanced(with_minor_children=2, with_children_at_home=3)))
    assert "kan inte vara fler än klienter med minderåriga barn (2)" in problems["with_children_at_home"]


def test_every_wrong_cell_is_named_at_once():
    wrong = balanced(
        clients_at_end=30, with_children_at_home=9, cells={cell_key(Flow.NEW, Gender.OTHER, TOTAL): 1}
    )
    assert set(cells_of(check_counts(wrong))) == {
        "clients_at_end",
        "with_children_at_home",
        cell_key(Flow.NEW, Gender.OTHER, TOTAL),
    }


def test_mask_small_hides_counts_below_five():
    assert [mask_small(n) for n in (0, 1, 4, 5, 12)] == ["<5", "<5", "<5", "5", "12"]
    assert mask_small(None) == ""


def test_quarters_count_back_across_the_new_year():
    assert Quarter(2026, 1).previous == Quarter(2025, 4)
    assert Quarter(2026, 3).a_year_earlier == Quarter(2025, 3)
    assert Quarter(2026, 1).starts_on.isoformat() == "2026-01-01"
    assert Quarter(2026, 4).starts_on.isoformat() == "2026-10-01"


# -- saving ----------------------------------------------------------------------------------------


def test_an_ombud_enters_a_quarter_and_the_group_gets_the_default_categories(app_ctx, demo):
    quarter = current()
    statistics = services.save_quarter(
        demo.group_id, member(demo, "ombud@demo.se"), quarter.year, quarter.number, balanced()
    )
    db.session.commit()
    assert (statistics.version, statistics.new_clients, statistics.closed_clients) == (1, 3, 2)
    assert statistics.cell(Flow.CLOSED, Gender.MEN, "65_plus") == 2
    names = db.session.scalars(
        select(ClientCategory.name).where(
            ClientCategory.group_id == demo.group_id, ClientCategory.kind == "contact_way"
        )
    ).all()
    assert set(names) == set(DEFAULT_CATEGORIES["contact_way"])
    ways = {c.category.name: c.count for c in statistics.category_counts if c.category.kind == "contact_way"}
    assert ways["Egen kontakt"] == 2 and ways["Socialtjänsten"] == 0


def test_a_second_entry_is_an_edit_of_the_first_and_is_audited(app_ctx, demo):
    quarter = current()
    ombud = member(demo, "ombud@demo.se")
    first = services.save_quarter(demo.group_id, ombud, quarter.year, quarter.number, balanced())
    db.session.commit()
    chair = member(demo, "ordforande@demo.se")
    again = services.save_quarter(
        demo.group_id,
        chair,
        quarter.year,
        quarter.number,
        balanced(clients_at_start=21, clients_at_end=22),
        version=1,
    )
    db.session.commit()
    assert again.id == first.id and again.version == 2
    assert again.updated_by_id == chair.user_id and again.created_by_id == ombud.user_id
    assert rows(demo.group_id, quarter) == 1
    trail = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == "client_statistics", AuditEvent.object_id == first.id)
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in trail] == ["insert", "update"]
    assert trail[1].changes["clients_at_start"] == [20, 21]


def test_an_edit_from_a_stale_form_is_refused(app_ctx, demo):
    quarter = current()
    ombud = member(demo, "ombud@demo.se")
    services.save_quarter(demo.group_id, ombud, quarter.year, quarter.number, balanced(), version=0)
    db.session.commit()
    with pytest.raises(DomainError, match="ändrats av någon annan"):
        services.save_quarter(demo.group_id, ombud, quarter.year, quarter.number, balanced(), version=0)


def test_two_first_entries_at_once_make_one_row_and_a_refusal(app_ctx, demo):
    """The second insert meets the unique constraint: a Swedish refusal, never a second row or a 500."""
    quarter = current()
    ombud = member(demo, "ombud@demo.se")
    # The other entry got in first (as if committed between this one's read and its insert).
    original = services.queries.quarter
    services.save_quarter(demo.group_id, ombud, quarter.year, quarter.number, balanced())
    db.session.commit()
    try:
        services.queries.quarter = lambda *args: None  # this request read before the other committed
        with pytest.raises(DomainError, match="samtidigt"):
            services.save_quarter(demo.group_id, ombud, quarter.year, quarter.number, balanced())
    finally:
        services.queries.quarter = original
    db.session.rollback()
    assert rows(demo.group_id, quarter) == 1


def test_a_wrong_sum_saves_nothing(app_ctx, demo):
    quarter = current()
    with pytest.raises(CountsRefused) as refused:
        services.save_quarter(
            demo.group_id,
            member(demo, "ombud@demo.se"),
            quarter.year,
            quarter.number,
            balanced(clients_at_end=5),
        )
    assert [cell for cell, _ in refused.value.problems] == ["clients_at_end"]
    db.session.rollback()
    assert rows(demo.group_id, quarter) == 0


def test_a_quarter_in_the_future_is_refused(app_ctx, demo):
    future = Quarter(current().year + 1, 1)
    with pytest.raises(DomainError, match="Kvartalet har inte börjat ännu"):
        services.save_quarter(
            demo.group_id, member(demo, "ombud@demo.se"), future.year, future.number, balanced()
        )
    with pytest.raises(DomainError, match="kvartal"):
        services.save_quarter(demo.group_id, member(demo, "ombud@demo.se"), 2026, 5, balanced())


def test_only_ombuds_and_the_groups_leaders_enter_statistics(app_ctx, demo):
    quarter = current()
    for email in ("ledamot@demo.se", "ersattare@demo.se", "adjungerad@demo.se"):
        with pytest.raises(DomainError, match="Bara gruppens personliga ombud"):
            services.save_quarter(
                demo.group_id, member(demo, email), quarter.year, quarter.number, balanced()
            )
    vice = member(demo, "vice@demo.se")
    with pytest.raises(DomainError, match="Bara gruppens personliga ombud"):
        services.save_quarter(demo.other_group_id, vice, quarter.year, quarter.number, balanced())
    assert services.save_quarter(demo.group_id, vice, quarter.year, quarter.number, balanced()).version == 1


def test_the_demo_has_last_years_quarters_and_this_years_completed_ones(app_ctx, demo):
    quarter = current()
    entered = {
        Quarter(s.year, s.quarter)
        for s in db.session.scalars(
            select(ClientStatistics).where(ClientStatistics.group_id == demo.group_id)
        )
    }
    expected = {Quarter(quarter.year - 1, n) for n in range(1, 5)} | {
        Quarter(quarter.year, n) for n in range(1, quarter.number)
    }
    assert entered == expected
    for statistics in db.session.scalars(select(ClientStatistics)):
        assert services.check_counts(services.Counts.of(statistics)) == []


# -- the group's categories ------------------------------------------------------------------------


def test_the_chair_keeps_the_categories_and_a_removed_one_keeps_its_counts(app_ctx, demo):
    chair = member(demo, "ordforande@demo.se")
    last = current().previous  # entered by the demo, with a count for "Boende"
    services.set_categories(demo.group_id, chair, "contact_reason", ["Boende", "Ekonomi och försörjning"])
    services.set_categories(demo.group_id, chair, "contact_reason", ["Ekonomi och försörjning", "Skulder"])
    db.session.commit()
    assert services.category_names(demo.group_id, "contact_reason") == ["Ekonomi och försörjning", "Skulder"]
    statistics = services.queries.quarter(demo.group_id, last.year, last.number)
    kept = [c for c in statistics.category_counts if c.category.name == "Boende"]
    assert kept and not kept[0].category.is_active


def test_category_lists_are_checked(app_ctx, demo):
    chair = member(demo, "ordforande@demo.se")
    with pytest.raises(services.CategoriesRefused, match="står två gånger") as refused:
        services.set_categories(demo.group_id, chair, "contact_way", ["Psykiatrin", "psykiatrin"])
    assert refused.value.kind == "contact_way"
    with pytest.raises(services.CategoriesRefused, match="minst en kategori"):
        services.set_categories(demo.group_id, chair, "contact_way", ["  "])
    with pytest.raises(DomainError, match="ordförande och vice ordförande"):
        services.set_categories(demo.group_id, member(demo, "ombud@demo.se"), "contact_way", ["Psykiatrin"])


def test_a_meeting_that_starts_records_the_latest_quarter_with_small_counts_masked(app_ctx, demo):
    from po_meetings.models import Meeting
    from po_meetings.statistics.standing import record_client_statistics

    quarter = current()
    services.save_quarter(
        demo.group_id, member(demo, "ombud@demo.se"), quarter.year, quarter.number, balanced()
    )
    db.session.commit()
    text = record_client_statistics(db.session.get(Meeting, demo.meeting_id), None)
    assert text.startswith(f"Klientstatistik för kvartal {quarter.number} {quarter.year}:")
    assert "- Klienter vid kvartalets början: 20" in text
    assert "- Nya klienter: \\<5" in text  # "<5", escaped for Markdown: the protokoll may leave the group
    assert "- Klienter vid kvartalets slut: 21" in text


def test_the_audit_trail_names_a_cell_in_swedish(app_ctx, demo):
    quarter = current()
    statistics = services.save_quarter(
        demo.group_id, member(demo, "ombud@demo.se"), quarter.year, quarter.number, balanced()
    )
    db.session.commit()
    cell = next(
        c for c in statistics.counts if (c.flow, c.gender, c.age_group) == ("closed", "men", "65_plus")
    )
    assert str(cell) == "Avslutade klienter, män, 65 år och äldre"


def test_an_edit_that_crosses_another_is_refused_not_lost(app_ctx, demo):
    """Two edits read version 1; the one that writes second finds version 2 and is refused."""
    from sqlalchemy import update

    quarter = current()
    ombud = member(demo, "ombud@demo.se")
    statistics = services.save_quarter(demo.group_id, ombud, quarter.year, quarter.number, balanced())
    db.session.commit()
    assert statistics.version == 1
    # The other edit commits while this one is under way (this session still holds version 1).
    db.session.execute(
        update(ClientStatistics).where(ClientStatistics.id == statistics.id).values(version=2),
        execution_options={"synchronize_session": False},
    )
    with pytest.raises(DomainError, match="ändrats av någon annan"):
        services.save_quarter(
            demo.group_id,
            ombud,
            quarter.year,
            quarter.number,
            balanced(clients_at_start=21, clients_at_end=22),
        )
