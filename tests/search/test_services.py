"""The group search without HTTP: Swedish inflections on both databases, what each viewer may find,
counts that match what is shown, and an index that follows every change."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from po_meetings import stemming
from po_meetings.extensions import db
from po_meetings.meetings import services as meeting_services
from po_meetings.models import (
    AgendaItem,
    Decision,
    Group,
    Meeting,
    MeetingStatus,
    Membership,
    Paragraph,
    SystemErrorReport,
    User,
)
from po_meetings.search import queries
from po_meetings.search.queries import Section
from po_meetings.system_errors import search as register_search

KINDS = list(Section)


def viewer(demo, email: str, other_group: bool = False) -> queries.Viewer:
    group = db.session.get(Group, demo.other_group_id if other_group else demo.group_id)
    user = db.session.scalar(select(User).where(User.email == email))
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.group_id == group.id)
    )
    return queries.Viewer(group, user, membership)


def found(v: queries.Viewer, q: str) -> dict[Section, set[int]]:
    """Return the ids each kind finds for a search (every match: the counts are checked too)."""
    terms = register_search.terms_of(q)
    result = {}
    for section in KINDS:
        rows = queries.first(section, v, terms, 1000)
        assert queries.count(section, v, terms) == len(rows), f"{section}: the count differs from the rows"
        result[section] = {row.id for row in rows}
    return result


def report(number: str) -> SystemErrorReport:
    _, year, seq = number.split("-")
    return db.session.scalar(
        select(SystemErrorReport).where(
            SystemErrorReport.number_year == int(year), SystemErrorReport.number_seq == int(seq)
        )
    )


def set_report_text(r: SystemErrorReport, description: str) -> None:
    r.description = description
    register_search.reindex(r)


@pytest.fixture
def placed(app_ctx, demo):
    """Write known words into one open and one confidential row of every kind of the demo group.

    Open rows: "väntetid" and "bostadsanpassning" (base forms) and "Fyrvaktaren".
    Confidential rows (a § not released and its decision, an agenda item and a sub-item of it,
    a report): "fyrvaktare" and "väntetid".
    """
    open_paragraph = db.session.get(Paragraph, demo.minutes["paragraph_id"])
    secret_paragraph = db.session.get(Paragraph, demo.minutes["confidential_paragraph_id"])
    assert secret_paragraph.is_secret and not open_paragraph.is_secret
    open_paragraph.body = "Gruppen talade om väntetid för bostadsanpassning. Fyrvaktaren kom."
    secret_paragraph.body = "Uppgifter om bemanning och fyrvaktare, lång väntetid."
    open_decision = db.session.get(Decision, demo.minutes["decision_id"])
    open_decision.text = "Gruppen beslutar att kartlägga väntetid för bostadsanpassning med Fyrvaktaren."
    secret_decision = Decision(
        paragraph=secret_paragraph,
        group_id=secret_paragraph.group_id,
        position=99,
        text="Gruppen beslutar att fyrvaktare ska se över väntetid.",
    )
    db.session.add(secret_decision)
    open_item = db.session.get(AgendaItem, demo.agenda_item_id)
    open_item.description = "Om väntetid för bostadsanpassning. Fyrvaktaren föredrar."
    secret_item = db.session.get(AgendaItem, demo.confidential_item_id)
    assert secret_item.is_confidential
    secret_item.description = "Fyrvaktare och väntetid i enskilda enheter."
    sub_item = meeting_services.add_item(
        secret_item.meeting, "Underpunkt om fyrvaktare", 5, parent=secret_item, description="Väntetid."
    )
    open_report = report(demo.report_number)
    set_report_text(open_report, "Lång väntetid för bostadsanpassning. Fyrvaktaren har sett det.")
    secret_report = report(demo.confidential_report_number)
    assert secret_report.is_confidential
    set_report_text(secret_report, "En fyrvaktare väntar, väntetid utan slut.")
    db.session.commit()
    return {
        "open": {
            Section.PARAGRAPHS: open_paragraph.id,
            Section.DECISIONS: open_decision.id,
            Section.ITEMS: open_item.id,
            Section.REPORTS: open_report.id,
        },
        "secret": {
            Section.PARAGRAPHS: {secret_paragraph.id},
            Section.DECISIONS: {secret_decision.id},
            Section.ITEMS: {secret_item.id, sub_item.id},
            Section.REPORTS: {secret_report.id},
        },
    }


# -- Swedish inflections ---------------------------------------------------------------------------


def test_the_snowball_stems_join_inflected_and_base_forms():
    assert stemming.stem("väntetider") == stemming.stem("väntetid") == "väntetid"
    assert stemming.stem("bostadsanpassningen") == stemming.stem("bostadsanpassning")
    assert stemming.stems("Väntetiderna, för BankID_x!") == "väntetid för bankid x"


@pytest.mark.parametrize("q", ["väntetider", "bostadsanpassningen", "väntetiderna", "Bostadsanpassningens"])
def test_an_inflected_form_finds_the_base_form_in_every_kind(placed, demo, backend, q):
    results = found(viewer(demo, "ordforande@demo.se"), q)
    for section, row_id in placed["open"].items():
        assert row_id in results[section], f"{q!r} on {backend} does not find the {section.key} row"


def test_a_prefix_still_finds_longer_words(placed, demo):
    results = found(viewer(demo, "ordforande@demo.se"), "bostadsanp")
    assert all(row_id in results[s] for s, row_id in placed["open"].items())


def test_all_words_must_match(placed, demo):
    chair = viewer(demo, "ordforande@demo.se")
    assert placed["open"][Section.PARAGRAPHS] in found(chair, "väntetider fyrvaktaren")[Section.PARAGRAPHS]
    assert placed["open"][Section.PARAGRAPHS] not in found(chair, "väntetider kvantfysik")[Section.PARAGRAPHS]


# -- who finds what --------------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["ombud@demo.se", "adjungerad@demo.se"])
def test_confidential_matter_is_left_out_for_ombuds_and_co_opted(placed, demo, email):
    results = found(viewer(demo, email), "fyrvaktare")  # counts are checked against the rows
    for section in KINDS:
        assert results[section] == {placed["open"][section]}, section
    # the inflected search too
    for section, ids in found(viewer(demo, email), "väntetider").items():
        assert not ids & placed["secret"][section], section


@pytest.mark.parametrize("email", ["ordforande@demo.se", "ledamot@demo.se", "ersattare@demo.se"])
def test_members_find_the_confidential_matter_too(placed, demo, email):
    results = found(viewer(demo, email), "fyrvaktare")
    for section in KINDS:
        assert results[section] == {placed["open"][section]} | placed["secret"][section], section


def test_a_released_paragraph_is_found_by_everyone(placed, demo):
    secret = db.session.get(Paragraph, next(iter(placed["secret"][Section.PARAGRAPHS])))
    secret.released_at = secret.minutes.approved_at
    db.session.commit()
    results = found(viewer(demo, "ombud@demo.se"), "fyrvaktare")
    assert secret.id in results[Section.PARAGRAPHS]
    assert placed["secret"][Section.DECISIONS] <= results[Section.DECISIONS]


def test_a_draft_meetings_items_are_found_by_its_leaders_only(placed, demo):
    item = db.session.get(AgendaItem, placed["open"][Section.ITEMS])
    db.session.get(Meeting, item.meeting_id).status = MeetingStatus.DRAFT.value
    db.session.commit()
    assert item.id not in found(viewer(demo, "ledamot@demo.se"), "fyrvaktaren")[Section.ITEMS]
    assert item.id in found(viewer(demo, "vice@demo.se"), "fyrvaktaren")[Section.ITEMS]


def test_another_groups_search_finds_nothing_of_this_group(placed, demo):
    results = found(viewer(demo, "ordforande.norrsjo@demo.se", other_group=True), "fyrvaktare")
    assert results == {section: set() for section in KINDS}


def test_drafts_of_reports_are_not_found(placed, demo):
    draft = db.session.get(SystemErrorReport, int(demo.draft_number.removeprefix("U-")))
    set_report_text(draft, "Fyrvaktare i utkastet.")
    db.session.commit()
    assert draft.id not in found(viewer(demo, "ombud@demo.se"), "fyrvaktare")[Section.REPORTS]


# -- the index follows the rows --------------------------------------------------------------------


def test_the_index_follows_changes_and_deletions(placed, demo):
    chair = viewer(demo, "ordforande@demo.se")
    paragraph = db.session.get(Paragraph, placed["open"][Section.PARAGRAPHS])
    paragraph.body = "Nu handlar paragrafen om tolkbokning."
    db.session.commit()
    assert paragraph.id not in found(chair, "fyrvaktaren")[Section.PARAGRAPHS]
    assert paragraph.id in found(chair, "tolkbokningen")[Section.PARAGRAPHS]
    sub_item = db.session.scalar(select(AgendaItem).where(AgendaItem.title == "Underpunkt om fyrvaktare"))
    meeting_services.delete_item(sub_item)
    db.session.commit()
    assert sub_item.id not in found(chair, "fyrvaktare")[Section.ITEMS]


def test_new_rows_are_found_at_once(app_ctx, demo):
    meeting = db.session.get(Meeting, demo.meeting_id)
    item = meeting_services.add_item(meeting, "Lotsbåtarna", 5, description="Om lotsbåt och färjeläget.")
    db.session.commit()
    assert item.id in found(viewer(demo, "ombud@demo.se"), "lotsbåt färjeläge")[Section.ITEMS]


# -- snippets --------------------------------------------------------------------------------------


def test_a_snippet_marks_the_inflected_forms_and_escapes_the_text():
    text = (
        "Inledning. "
        + "ord " * 40
        + "Lång <b>väntetid</b> och väntetiderna växer <script>x</script>."
        + " slut" * 40
    )
    marked = str(stemming.snippet(text, ["väntetider"]))
    assert "<mark>väntetid</mark>" in marked and "<mark>väntetiderna</mark>" in marked
    assert "<script>" not in marked and "<b>" not in marked and "&lt;b&gt;" in marked
    assert marked.startswith("… ") and marked.endswith(" …") and "Inledning" not in marked
    assert stemming.snippet(text, ["kvantfysik"]) is None
    assert stemming.snippet("Ett \x02styrtecken\x03 väntetid", ["väntetid"]).count("<mark>") == 1
