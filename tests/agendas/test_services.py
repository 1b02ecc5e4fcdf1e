"""The rules of agenda templates in po_meetings/agendas/services.py and tree.py, without HTTP."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from po_meetings.agendas import services, tree
from po_meetings.domain import DomainError
from po_meetings.extensions import db
from po_meetings.groups import services as group_services
from po_meetings.meetings import services as meeting_services
from po_meetings.models import (
    AgendaTemplate,
    Group,
    ItemType,
    Meeting,
    MeetingKind,
    StandingKind,
    TemplateItem,
    User,
)
from po_meetings.personnummer import DEFAULT_MESSAGE

PERSONNUMMER = "19121212-1212"


# -- helpers --------------------------------------------------------------------------------


def group(demo) -> Group:
    """Return the Mellanå demo group."""
    return db.session.get(Group, demo.group_id)


def operative(demo) -> AgendaTemplate:
    """Return the demo group's operative template (the standard one)."""
    return db.session.get(AgendaTemplate, demo.template_id)


def outline(template: AgendaTemplate) -> list[tuple[str, str, int | None]]:
    """Return (number, title, minutes) of every item in order, sub-items after their section."""
    rows = []
    for entry in tree.numbered(template.items):
        rows.append((entry.number, entry.item.title, entry.item.minutes))
        rows += [(c.number, c.item.title, c.item.minutes) for c in entry.children]
    return rows


def section(template: AgendaTemplate, title: str) -> TemplateItem:
    """Return a top-level item by title."""
    return next(i for i in template.items if i.parent_id is None and i.title == title)


def empty_template(demo, minutes: int = 60) -> AgendaTemplate:
    """Return a new empty template of the demo group."""
    return services.create_template(group(demo), "Kort möte", MeetingKind.OPERATIVE, minutes)


def item_count() -> int:
    """Return how many template items exist in all groups."""
    return db.session.scalar(select(func.count(TemplateItem.id)))


# -- the standard templates every new group gets --------------------------------------------


def test_a_new_group_gets_the_standard_operative_template(app_ctx, demo):
    chair = db.session.scalar(select(User).where(User.email == "ordforande.norrsjo@demo.se"))
    created = group_services.create_group("Ledningsgruppen i Västby", ["Västby"], chair)
    db.session.flush()
    templates = services.templates_of(created)
    operative_ = next(t for t in templates if t.kind == MeetingKind.OPERATIVE.value)

    assert operative_.meeting_minutes == 120
    assert operative_.max_new_system_errors == 5
    sections = [(e.number, e.item.title, e.item.minutes) for e in tree.numbered(operative_.items)]
    assert sections == [
        ("1", "Formalia", 15),
        ("2", "Nytt från organisationerna", 15),
        ("3", "Klientrapportering", 30),
        ("4", "Systemfrågor", 45),
        ("5", "Övrigt", 15),
    ]
    assert tree.total_minutes(operative_.items) == 120
    subs = {
        c.number: (c.item.title, c.item.standing_kind)
        for e in tree.numbered(operative_.items)
        for c in e.children
    }
    assert subs == {
        "1a": ("Mötets öppnande", None),
        "1b": ("Val av sekreterare och justerare", None),
        "1c": ("Föregående mötesprotokoll", StandingKind.PREVIOUS_MINUTES.value),
        "1d": ("Uppföljning av tidigare beslut", StandingKind.FOLLOW_UP.value),
        "3a": ("Statistik", StandingKind.CLIENT_STATISTICS.value),
        "3b": ("Metoderfarenheter", None),
        "3c": ("Prioriterade frågor", None),
        "4a": ("Rapporter", StandingKind.NEW_SYSTEM_ERRORS.value),
        "4b": ("Diskussion", None),
        "4c": ("Beslut om hur gruppen går vidare", None),
        "5a": ("Administration", None),
        "5b": ("Kommande möten", None),
        "5c": ("Gruppens fortsatta arbete och planering", None),
    }


def test_a_new_group_gets_a_full_day_development_template(app_ctx, demo):
    chair = db.session.scalar(select(User).where(User.email == "ordforande.norrsjo@demo.se"))
    created = group_services.create_group("Ledningsgruppen i Västby", ["Västby"], chair)
    db.session.flush()
    templates = services.templates_of(created)
    assert sorted(t.kind for t in templates) == ["development", "operative"]
    development = next(t for t in templates if t.kind == MeetingKind.DEVELOPMENT.value)
    assert development.meeting_minutes >= 6 * 60  # a full day
    assert 0 < tree.total_minutes(development.items) <= development.meeting_minutes
    titles = " ".join(i.title for i in development.items)
    assert "systemfel" in titles.lower()
    assert any(i.standing_kind == StandingKind.NEW_SYSTEM_ERRORS.value for i in development.items)


# -- adding items ---------------------------------------------------------------------------


def test_add_item_puts_it_last_and_numbers_sub_items_with_letters(app_ctx, demo):
    template = empty_template(demo)
    first = services.add_item(template, "  Inledning  ", 10)
    second = services.add_item(template, "Systemfel", 40, item_type=ItemType.DECISION)
    services.add_item(template, "Rapporter", parent=second, standing_kind=StandingKind.NEW_SYSTEM_ERRORS)
    services.add_item(template, "Beslut", 5, parent=second)

    assert outline(template) == [
        ("1", "Inledning", 10),
        ("2", "Systemfel", 40),
        ("2a", "Rapporter", None),
        ("2b", "Beslut", 5),
    ]
    assert first.title == "Inledning"
    assert second.item_type == ItemType.DECISION.value
    assert second.item_type_label == "Beslut"


def test_a_sub_item_of_a_sub_item_is_refused(app_ctx, demo):
    template = operative(demo)
    sub = next(i for i in template.items if i.parent_id is not None)
    with pytest.raises(DomainError, match="En underpunkt kan inte ha egna underpunkter."):
        services.add_item(template, "För djupt", parent=sub)


def test_a_sub_item_under_another_templates_item_is_refused(app_ctx, demo):
    template = empty_template(demo)
    with pytest.raises(DomainError, match="samma mall"):
        services.add_item(template, "Fel mall", parent=section(operative(demo), "Formalia"))


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        (None, "Ange tiden i minuter."),
        (0, "Tiden ska vara minst 1 minut."),
        (-5, "Tiden ska vara minst 1 minut."),
        (61, r"Tiden kan inte vara längre än mötet \(60 minuter\)."),
    ],
)
def test_a_main_item_needs_a_time_box_within_the_meeting(app_ctx, demo, minutes, message):
    template = empty_template(demo, minutes=60)
    with pytest.raises(DomainError, match=message):
        services.add_item(template, "Punkt", minutes)


def test_a_sub_item_may_leave_out_its_time_box_but_not_give_zero(app_ctx, demo):
    template = operative(demo)
    formalia = section(template, "Formalia")
    assert services.add_item(template, "Närvaro", parent=formalia).minutes is None
    with pytest.raises(DomainError, match="minst 1 minut"):
        services.add_item(template, "Noll", 0, parent=formalia)


@pytest.mark.parametrize("title", ["", "   ", None])
def test_an_empty_title_is_refused(app_ctx, demo, title):
    with pytest.raises(DomainError, match="Ange en rubrik."):
        services.add_item(empty_template(demo), title, 10)


def test_a_personnummer_in_guidance_or_title_is_refused(app_ctx, demo):
    template = operative(demo)
    with pytest.raises(DomainError) as refused:
        services.add_item(template, "Klientfall", 10, guidance=f"Gäller {PERSONNUMMER}.")
    assert str(refused.value) == DEFAULT_MESSAGE
    assert PERSONNUMMER not in str(refused.value)
    with pytest.raises(DomainError, match="personnummer"):
        services.add_item(template, f"Klient {PERSONNUMMER}", 10)


def test_an_unknown_type_or_standing_kind_is_refused(app_ctx, demo):
    template = operative(demo)
    with pytest.raises(DomainError, match="Välj beslut, information eller diskussion."):
        services.add_item(template, "Punkt", 10, item_type="vote")
    with pytest.raises(DomainError, match="Okänd stående punkt."):
        services.add_item(template, "Punkt", 10, standing_kind="minutes_of_everything")


# -- changing, moving and deleting items ----------------------------------------------------


def test_update_item_changes_title_time_type_standing_kind_and_guidance(app_ctx, demo):
    item = section(operative(demo), "Övrigt")
    services.update_item(
        item, "Övriga frågor", 20, "Ta upp *kort*.", ItemType.DISCUSSION, StandingKind.FOLLOW_UP
    )
    db.session.commit()
    db.session.expire_all()
    saved = db.session.get(TemplateItem, item.id)
    assert (saved.title, saved.minutes, saved.guidance) == ("Övriga frågor", 20, "Ta upp *kort*.")
    assert saved.item_type_label == "Diskussion"
    assert saved.standing_label == "Uppföljning av beslut"


def test_a_refused_update_changes_nothing(app_ctx, demo):
    item = section(operative(demo), "Övrigt")
    with pytest.raises(DomainError):
        services.update_item(item, "Nytt namn", 500, None, ItemType.INFORMATION, None)
    db.session.rollback()
    assert (db.session.get(TemplateItem, item.id).title, item.minutes) == ("Övrigt", 15)
    with pytest.raises(DomainError, match="personnummer"):
        services.update_item(item, "Övrigt", 15, PERSONNUMMER, ItemType.INFORMATION, None)
    db.session.rollback()
    assert db.session.get(TemplateItem, item.id).guidance is None


def test_move_swaps_an_item_with_its_neighbour_and_renumbers(app_ctx, demo):
    template = operative(demo)
    services.move_item(section(template, "Formalia"), "down")
    assert [e.item.title for e in tree.numbered(template.items)][:2] == [
        "Nytt från organisationerna",
        "Formalia",
    ]
    services.move_item(section(template, "Övrigt"), "up")
    numbered = tree.numbered(template.items)
    assert [(e.number, e.item.title) for e in numbered][3:] == [("4", "Övrigt"), ("5", "Systemfrågor")]
    # Sub-items travel with their section and take its new number.
    assert [c.number for c in numbered[1].children] == ["2a", "2b", "2c", "2d"]
    assert numbered[1].children[2].item.title == "Föregående mötesprotokoll"


def test_move_keeps_a_sub_item_among_its_siblings(app_ctx, demo):
    template = operative(demo)
    formalia = section(template, "Formalia")
    opening = next(i for i in template.items if i.title == "Mötets öppnande")
    services.move_item(opening, "down")
    numbered = tree.numbered(template.items)
    assert [c.item.title for c in numbered[0].children][:2] == [
        "Val av sekreterare och justerare",
        "Mötets öppnande",
    ]
    assert opening.parent_id == formalia.id
    with pytest.raises(DomainError, match="Punkten står redan först."):
        services.move_item(
            next(i for i in template.items if i.title == "Val av sekreterare och justerare"), "up"
        )


@pytest.mark.parametrize(
    ("title", "direction", "message"),
    [("Formalia", "up", "Punkten står redan först."), ("Övrigt", "down", "Punkten står redan sist.")],
)
def test_move_past_the_top_or_bottom_is_refused(app_ctx, demo, title, direction, message):
    with pytest.raises(DomainError, match=message):
        services.move_item(section(operative(demo), title), direction)


def test_move_in_an_unknown_direction_is_refused(app_ctx, demo):
    with pytest.raises(DomainError, match="Ange upp eller ned."):
        services.move_item(section(operative(demo), "Övrigt"), "sideways")


def test_delete_item_removes_its_sub_items_too(app_ctx, demo):
    template = operative(demo)
    before = item_count()
    services.delete_item(section(template, "Klientrapportering"))
    db.session.commit()
    assert item_count() == before - 4
    assert [e.item.title for e in tree.numbered(template.items)] == [
        "Formalia",
        "Nytt från organisationerna",
        "Systemfrågor",
        "Övrigt",
    ]
    assert tree.total_minutes(template.items) == 90


# -- total and overrun ----------------------------------------------------------------------


def test_total_counts_the_main_items_and_shows_an_overrun(app_ctx, demo):
    template = operative(demo)
    assert tree.total_minutes(template.items) == 120 == template.meeting_minutes
    formalia = section(template, "Formalia")
    services.add_item(template, "Med egen tid", 10, parent=formalia)  # inside the section's time
    assert tree.total_minutes(template.items) == 120
    services.add_item(template, "Extra", 20)
    assert tree.total_minutes(template.items) == 140 > template.meeting_minutes


def test_numbered_gives_planned_start_times(app_ctx, demo):
    start = datetime(2025, 3, 4, 13, 0)
    starts = [e.starts_at for e in tree.numbered(operative(demo).items, start)]
    assert starts == [start + timedelta(minutes=m) for m in (0, 15, 30, 60, 105)]


# -- the template itself --------------------------------------------------------------------


def test_a_template_cannot_be_shorter_than_one_of_its_items(app_ctx, demo):
    template = operative(demo)
    with pytest.raises(DomainError, match="Punkten ”Systemfrågor” är 45 minuter"):
        services.update_template(template, template.name, MeetingKind.OPERATIVE, 40, 5)
    db.session.rollback()
    assert db.session.get(AgendaTemplate, template.id).meeting_minutes == 120


@pytest.mark.parametrize(
    ("name", "minutes", "cap", "message"),
    [
        ("", 120, 5, "Ange ett namn på mallen."),
        ("Mall", 10, 5, "Mötets längd ska vara mellan 15 och 720 minuter."),
        ("Mall", 721, 5, "Mötets längd ska vara mellan 15 och 720 minuter."),
        ("Mall", 120, -1, "Antalet nya systemfel per möte ska vara mellan 0 och 50."),
        (f"Mall {PERSONNUMMER}", 120, 5, "personnummer"),
    ],
)
def test_template_values_are_checked(app_ctx, demo, name, minutes, cap, message):
    with pytest.raises(DomainError, match=message):
        services.create_template(group(demo), name, MeetingKind.OPERATIVE, minutes, cap)


def test_copy_template_copies_items_and_sub_items_as_a_separate_template(app_ctx, demo):
    source = operative(demo)
    copy = services.copy_template(group(demo), source, "Kopia", MeetingKind.OPERATIVE, 150, 3)
    db.session.commit()
    assert outline(copy) == outline(source)
    assert (copy.meeting_minutes, copy.max_new_system_errors) == (150, 3)
    assert {i.standing_kind for i in copy.items} == {i.standing_kind for i in source.items}
    assert not {i.id for i in copy.items} & {i.id for i in source.items}

    services.update_item(section(copy, "Formalia"), "Inledning", 10, None, ItemType.DECISION, None)
    assert section(source, "Formalia").minutes == 15


def test_copy_template_refuses_a_meeting_shorter_than_an_item(app_ctx, demo):
    with pytest.raises(DomainError, match="Systemfrågor"):
        services.copy_template(group(demo), operative(demo), "Kort", MeetingKind.OPERATIVE, 30)


def test_templates_and_items_are_found_only_where_they_belong(app_ctx, demo):
    other = db.session.get(Group, demo.other_group_id)
    assert services.get_template(other, demo.template_id) is None
    assert services.get_template(group(demo), demo.template_id) is operative(demo)
    development = next(t for t in services.templates_of(group(demo)) if t.id != demo.template_id)
    assert services.get_item(development, demo.template_item_id) is None
    assert services.get_item(operative(demo), demo.template_item_id).title == "Formalia"


# -- a meeting gets a copy, not a link ------------------------------------------------------


def _meeting_outline(meeting: Meeting) -> list[tuple[str, str, int | None]]:
    rows = []
    for entry in tree.numbered(meeting.items):
        rows.append((entry.number, entry.item.title, entry.item.minutes))
        rows += [(c.number, c.item.title, c.item.minutes) for c in entry.children]
    return rows


def _new_meeting(demo, template) -> Meeting:
    day = meeting_services.local(datetime.now().astimezone()).date() + timedelta(days=40)
    return meeting_services.create_meeting(
        group(demo),
        template,
        "Operativt möte",
        meeting_services.local_datetime(day, time(13, 0)),
        meeting_services.local_datetime(day, time(15, 0)),
        place="Kommunhuset",
    )


def test_a_meeting_made_from_a_template_is_a_copy_that_later_changes_do_not_touch(app_ctx, demo):
    template = operative(demo)
    meeting = _new_meeting(demo, template)
    db.session.commit()
    copied = _meeting_outline(meeting)
    assert copied == outline(template)
    standing = {i.title: i.standing_kind for i in meeting.items if i.standing_kind}
    assert standing["Föregående mötesprotokoll"] == StandingKind.PREVIOUS_MINUTES.value

    services.update_item(section(template, "Formalia"), "Inledning", 20, "Ny text", ItemType.DECISION, None)
    services.move_item(section(template, "Övrigt"), "up")
    services.delete_item(section(template, "Klientrapportering"))
    services.add_item(template, "Helt ny punkt", 5)
    db.session.commit()
    db.session.expire_all()

    assert _meeting_outline(db.session.get(Meeting, meeting.id)) == copied


def test_deleting_a_template_leaves_meetings_made_from_it_alone(app_ctx, demo):
    template = operative(demo)
    meeting = _new_meeting(demo, template)
    db.session.commit()
    copied = _meeting_outline(meeting)

    services.delete_template(template)
    db.session.commit()
    db.session.expire_all()

    assert db.session.get(AgendaTemplate, demo.template_id) is None
    assert (
        db.session.scalar(
            select(func.count(TemplateItem.id)).where(TemplateItem.template_id == demo.template_id)
        )
        == 0
    )
    kept = db.session.get(Meeting, meeting.id)
    assert kept.template_id is None
    assert _meeting_outline(kept) == copied
