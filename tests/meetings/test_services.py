"""The rules of meetings, agendas, topic intake and answers (po_meetings/meetings/), without HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from po_meetings.agendas import services as agenda_services
from po_meetings.agendas import tree
from po_meetings.domain import DomainError
from po_meetings.extensions import db
from po_meetings.groups import services as group_services
from po_meetings.meetings import notices, services, standing
from po_meetings.models import (
    AgendaTemplate,
    Answer,
    Group,
    ItemType,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Membership,
    OutgoingMail,
    Proposal,
    ProposalStatus,
    StandingKind,
    User,
    utcnow,
)
from po_meetings.personnummer import DEFAULT_MESSAGE

PERSONNUMMER = "19121212-1212"


# -- helpers --------------------------------------------------------------------------------


@pytest.fixture
def ctx(app):
    """Run the test in a request context: the kallelse links to the meeting page (url_for)."""
    with app.test_request_context("/"):
        yield app
        db.session.rollback()


def group(demo) -> Group:
    return db.session.get(Group, demo.group_id)


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def membership(demo, email: str) -> Membership:
    return db.session.get(Membership, demo.membership(email))


def template(demo) -> AgendaTemplate:
    return db.session.get(AgendaTemplate, demo.template_id)


def coming(demo) -> Meeting:
    """Return the demo's kallad coming meeting."""
    return db.session.get(Meeting, demo.meeting_id)


def in_days(days: int, start: time = time(13, 0), end: time = time(15, 0)) -> tuple[datetime, datetime]:
    """Return the UTC start and end of a meeting some days from today, Stockholm time."""
    day = services.local(utcnow()).date() + timedelta(days=days)
    return services.local_datetime(day, start), services.local_datetime(day, end)


def new_meeting(demo, days: int = 30, with_template: bool = True, **kw) -> Meeting:
    """Create a draft meeting of the demo group (from the operative template by default)."""
    starts_at, ends_at = in_days(days)
    values = {"title": "Operativt möte", "place": "Kommunhuset", "video_link": None}
    values.update(kw)
    return services.create_meeting(
        group(demo), template(demo) if with_template else None, starts_at=starts_at, ends_at=ends_at, **values
    )


def top_titles(meeting: Meeting) -> list[str]:
    return [e.item.title for e in services.tree.numbered(meeting.items)]


def outbox() -> list[OutgoingMail]:
    return db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()


# -- creating a meeting from a template -----------------------------------------------------


def test_a_meeting_gets_a_copy_of_the_template(ctx, demo):
    source = template(demo)
    meeting = new_meeting(demo)

    assert meeting.status == MeetingStatus.DRAFT.value
    assert meeting.kind == source.kind
    assert len(meeting.items) == len(source.items)
    assert top_titles(meeting) == [e.item.title for e in services.tree.numbered(source.items)]
    assert all(item.meeting_id == meeting.id for item in meeting.items)
    # sub-items keep their parent inside the copy
    parents = {i.parent_id for i in meeting.items if i.parent_id}
    assert parents <= {i.id for i in meeting.items}


def test_changing_the_template_later_does_not_touch_the_meeting(ctx, demo):
    meeting = new_meeting(demo)
    db.session.commit()
    before = [(i.title, i.minutes) for i in meeting.items]
    source = template(demo)
    first = min((i for i in source.items if i.parent_id is None), key=lambda i: i.position)

    agenda_services.update_item(first, "Helt ny rubrik", 5, None, ItemType.INFORMATION, None)
    agenda_services.add_item(source, "En punkt bara i mallen", 10)
    db.session.commit()
    db.session.expire_all()

    meeting = db.session.get(Meeting, meeting.id)
    assert [(i.title, i.minutes) for i in meeting.items] == before
    assert "Helt ny rubrik" not in top_titles(meeting)
    assert "En punkt bara i mallen" not in top_titles(meeting)


def test_deleting_the_template_keeps_the_meeting_agenda(ctx, demo):
    meeting = new_meeting(demo)
    count = len(meeting.items)
    agenda_services.delete_template(template(demo))
    db.session.commit()
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.template_id is None
    assert len(meeting.items) == count


def test_a_meeting_without_a_template_starts_empty_with_the_kinds_title(ctx, demo):
    meeting = new_meeting(demo, with_template=False, title="", kind=MeetingKind.DEVELOPMENT)
    assert meeting.items == []
    assert meeting.title == "Utvecklingsmöte"


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (time(15, 0), time(13, 0), "Mötet måste sluta efter att det börjar."),
        (time(13, 0), time(13, 0), "Mötet måste sluta efter att det börjar."),
    ],
)
def test_a_meeting_must_end_after_it_starts(ctx, demo, start, end, message):
    starts_at, ends_at = in_days(10, start, end)
    with pytest.raises(DomainError, match=message):
        services.create_meeting(group(demo), template(demo), "Möte", starts_at, ends_at, place="Sal A")


def test_a_meeting_needs_a_place_or_a_video_link(ctx, demo):
    with pytest.raises(DomainError, match="Ange en plats, en länk till videomötet eller båda."):
        new_meeting(demo, place="  ", video_link="")
    assert new_meeting(demo, place=None, video_link="https://video.example.se/rum").place is None


@pytest.mark.parametrize("link", ["javascript:alert(1)", "video.example.se", "ftp://video.example.se"])
def test_a_video_link_must_be_a_web_address(ctx, demo, link):
    with pytest.raises(DomainError, match="https://"):
        new_meeting(demo, video_link=link)


def test_a_template_of_another_group_is_refused(ctx, demo):
    other = agenda_services.templates_of(db.session.get(Group, demo.other_group_id))[0]
    starts_at, ends_at = in_days(5)
    with pytest.raises(DomainError, match="Mallen hör inte till gruppen."):
        services.create_meeting(group(demo), other, "Möte", starts_at, ends_at, place="Sal A")


def test_stockholm_times_are_right_across_daylight_saving(ctx):
    winter = services.local_datetime(date(2025, 3, 29), time(13, 0))
    summer = services.local_datetime(date(2025, 3, 30), time(13, 0))
    assert winter == datetime(2025, 3, 29, 12, 0, tzinfo=UTC)
    assert summer == datetime(2025, 3, 30, 11, 0, tzinfo=UTC)


def test_a_personnummer_in_the_meeting_details_is_refused(ctx, demo):
    with pytest.raises(DomainError, match="personnummer"):
        new_meeting(demo, place=f"Hos {PERSONNUMMER}")
    meeting = new_meeting(demo)
    with pytest.raises(DomainError, match="personnummer"):
        services.update_meeting(
            meeting, f"Möte {PERSONNUMMER}", meeting.starts_at, meeting.ends_at, "Sal A", None
        )


# -- who sees what ---------------------------------------------------------------------------


def test_a_draft_is_seen_only_by_the_chair_and_vice_chair(ctx, demo):
    draft = new_meeting(demo)
    for email in ("ordforande@demo.se", "vice@demo.se"):
        assert services.get_meeting(group(demo), draft.id, membership(demo, email)) is draft
        assert draft in services.meetings_of(group(demo), membership(demo, email))[0]
    for email in ("ledamot@demo.se", "ersattare@demo.se", "adjungerad@demo.se", "ombud@demo.se"):
        assert services.get_meeting(group(demo), draft.id, membership(demo, email)) is None
        assert draft not in services.meetings_of(group(demo), membership(demo, email))[0]


def test_another_groups_meeting_is_not_found(ctx, demo):
    other = db.session.get(Group, demo.other_group_id)
    assert services.get_meeting(other, demo.meeting_id, membership(demo, "ordforande@demo.se")) is None


def test_meetings_are_split_into_coming_and_past(ctx, demo):
    coming_, past = services.meetings_of(group(demo), membership(demo, "ledamot@demo.se"))
    assert [m.id for m in coming_] == [demo.meeting_id]
    assert sorted(m.id for m in past) == sorted(demo.past_meeting_ids)
    assert past[0].starts_at > past[1].starts_at  # latest first


@pytest.mark.parametrize(
    ("email", "sees"),
    [
        ("ordforande@demo.se", True),
        ("ledamot@demo.se", True),
        ("ersattare@demo.se", True),
        ("adjungerad@demo.se", False),
        ("ombud@demo.se", False),
    ],
)
def test_confidential_items_are_hidden_from_ombuds_and_co_opted(ctx, demo, email, sees):
    meeting = coming(demo)
    confidential = db.session.get(services.AgendaItem, demo.confidential_item_id)
    sub = services.add_item(meeting, "Underlag", parent=confidential)
    visible = services.visible_items(meeting, membership(demo, email))
    assert (confidential in visible) is sees
    assert (sub in visible) is sees  # a sub-item of a confidential item is hidden with it
    assert db.session.get(services.AgendaItem, demo.agenda_item_id) in visible


# -- the lifecycle -----------------------------------------------------------------------------


def test_the_lifecycle_runs_draft_called_in_progress_closed(ctx, demo):
    meeting = new_meeting(demo)
    services.publish_agenda(meeting)
    assert meeting.status == MeetingStatus.CALLED.value
    assert meeting.published_at is not None
    services.start_meeting(meeting)
    assert meeting.status == MeetingStatus.IN_PROGRESS.value
    services.close_meeting(meeting)
    assert meeting.status == MeetingStatus.CLOSED.value
    services.change_status(meeting, MeetingStatus.APPROVED)
    assert meeting.status_label == "Justerad"


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], MeetingStatus.IN_PROGRESS),  # a draft cannot start
        ([], MeetingStatus.CLOSED),
        ([MeetingStatus.CALLED], MeetingStatus.CLOSED),
        ([MeetingStatus.CALLED, MeetingStatus.IN_PROGRESS], MeetingStatus.DRAFT),
        ([MeetingStatus.CALLED, MeetingStatus.IN_PROGRESS], MeetingStatus.CANCELLED),
        ([MeetingStatus.CALLED, MeetingStatus.IN_PROGRESS, MeetingStatus.CLOSED], MeetingStatus.CALLED),
        ([MeetingStatus.CANCELLED], MeetingStatus.DRAFT),
        ([MeetingStatus.CANCELLED], MeetingStatus.CALLED),
    ],
)
def test_refused_status_moves(ctx, demo, path, refused):
    meeting = new_meeting(demo)
    for status in path:
        services.change_status(meeting, status)
    before = meeting.status
    with pytest.raises(DomainError, match="kan inte få status"):
        services.change_status(meeting, refused)
    assert meeting.status == before


def test_a_kallad_meeting_can_go_back_to_draft(ctx, demo):
    meeting = coming(demo)
    services.unpublish_agenda(meeting)
    assert meeting.status == MeetingStatus.DRAFT.value
    assert services.get_meeting(group(demo), meeting.id, membership(demo, "ledamot@demo.se")) is None


def test_cancelling_needs_a_reason_and_keeps_the_meeting(ctx, demo):
    meeting = new_meeting(demo)
    with pytest.raises(DomainError, match="Ange varför mötet ställs in."):
        services.cancel_meeting(meeting, "   ")
    assert meeting.status == MeetingStatus.DRAFT.value
    services.cancel_meeting(meeting, "Ordföranden är sjuk.")
    db.session.commit()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.status_label == "Inställt"
    assert meeting.cancel_reason == "Ordföranden är sjuk."


def test_cancelling_a_kallad_meeting_tells_everyone(ctx, demo):
    meeting = coming(demo)
    services.cancel_meeting(meeting, "Lokalen är upptagen.")
    mails = outbox()
    assert len(mails) == len(notices.recipients(meeting))
    assert all(m.subject.startswith("Inställt möte:") for m in mails)


def test_an_empty_agenda_cannot_be_published(ctx, demo):
    meeting = new_meeting(demo, with_template=False)
    with pytest.raises(DomainError, match="Dagordningen är tom"):
        services.publish_agenda(meeting)
    assert meeting.status == MeetingStatus.DRAFT.value
    assert outbox() == []


def test_a_past_meeting_cannot_be_called(ctx, demo):
    meeting = new_meeting(demo, days=-3)
    with pytest.raises(DomainError, match="redan varit"):
        services.publish_agenda(meeting)


# -- the kallelse -----------------------------------------------------------------------------------


def test_publishing_queues_one_kallelse_per_active_member_ombuds_included(ctx, demo):
    the_group = group(demo)
    leaving = membership(demo, "ledamot.asby@demo.se")
    group_services.end_member(leaving)
    meeting = new_meeting(demo)
    services.publish_agenda(meeting)

    mails = outbox()
    active = [m for m in group_services.active_memberships(the_group)]
    assert sorted(m.recipient for m in mails) == sorted(m.user.email for m in active)
    assert "ombud@demo.se" in {m.recipient for m in mails}
    assert "ombud2@demo.se" in {m.recipient for m in mails}
    assert "ledamot.asby@demo.se" not in {m.recipient for m in mails}
    assert all(m.subject.startswith("Kallelse:") for m in mails)
    assert all(m.sent_at is None for m in mails)  # sent after commit, by the route


def test_the_kallelse_never_holds_agenda_text(ctx, demo):
    meeting = new_meeting(demo)
    services.add_item(
        meeting,
        "Hemlig punkt om bemanning",
        10,
        description="Känsliga uppgifter om enheten",
        is_confidential=True,
    )
    services.add_item(meeting, "Öppen punkt om rutiner", 10, description="Förslag till ny rutin")
    services.publish_agenda(meeting)

    for mail in outbox():
        text = mail.subject + mail.body
        for item in meeting.items:
            assert item.title not in text
            if item.description:
                assert item.description not in text
        assert the_group_name(demo) in text
        assert "Kommunhuset" in text
        assert f"/groups/{demo.group_id}/meetings/{meeting.id}" in mail.body


def the_group_name(demo) -> str:
    return group(demo).name


def test_publishing_again_after_unpublish_sends_a_changed_kallelse(ctx, demo):
    meeting = new_meeting(demo)
    services.publish_agenda(meeting)
    first = len(outbox())
    services.unpublish_agenda(meeting)
    services.publish_agenda(meeting)

    again = outbox()[first:]
    assert len(again) == first
    assert all(m.subject.startswith("Ändrad kallelse:") for m in again)
    assert all("Dagordningen till mötet har ändrats." in m.body for m in again)
    assert meeting.notice_count == 2


# -- the agenda ---------------------------------------------------------------------------------------


def test_items_are_added_at_the_end_and_numbered(ctx, demo):
    meeting = new_meeting(demo)
    item = services.add_item(meeting, "  Ny   punkt ", 10, item_type=ItemType.DECISION)
    sub = services.add_item(meeting, "Underpunkt", parent=item)
    entries = services.tree.numbered(meeting.items, meeting.starts_at)
    last = entries[-1]
    assert last.item is item and item.title == "Ny punkt"
    assert last.number == str(len(entries))
    assert [(c.item, c.number) for c in last.children] == [(sub, f"{len(entries)}a")]
    # planned start: the meeting's start plus the minutes before it
    before = sum(e.item.minutes or 0 for e in entries[:-1])
    assert last.starts_at == meeting.starts_at + timedelta(minutes=before)


@pytest.mark.parametrize(
    ("title", "minutes", "message"),
    [
        ("", 10, "Ange en rubrik."),
        ("   ", 10, "Ange en rubrik."),
        ("Punkt", 0, "Tiden ska vara minst 1 minut."),
        ("Punkt", -5, "Tiden ska vara minst 1 minut."),
        ("Punkt", 121, r"Tiden kan inte vara längre än mötet \(120 minuter\)."),
        ("Punkt", None, "Ange tiden i minuter."),
        (f"Klient {PERSONNUMMER}", 10, "personnummer"),
    ],
)
def test_bad_items_are_refused(ctx, demo, title, minutes, message):
    meeting = new_meeting(demo)
    count = len(meeting.items)
    with pytest.raises(DomainError, match=message):
        services.add_item(meeting, title, minutes)
    assert len(meeting.items) == count


def test_a_personnummer_in_a_description_is_refused(ctx, demo):
    item = db.session.get(services.AgendaItem, demo.agenda_item_id)
    with pytest.raises(DomainError, match="personnummer"):
        services.update_item(
            item, item.title, 10, ItemType.INFORMATION, None, f"Gäller {PERSONNUMMER}", False
        )
    assert DEFAULT_MESSAGE.startswith("Texten verkar innehålla")


def test_a_presenter_must_be_an_active_member_of_the_group(ctx, demo):
    meeting = new_meeting(demo)
    outsider = db.session.get(Membership, demo.membership("vice@demo.se", group_id=demo.other_group_id))
    with pytest.raises(DomainError, match="Föredraganden ska vara med i gruppen."):
        services.add_item(meeting, "Punkt", 10, presenter=outsider)
    item = services.add_item(meeting, "Punkt", 10, presenter=membership(demo, "ombud@demo.se"))
    assert item.presenter.user.email == "ombud@demo.se"


def test_moving_items(ctx, demo):
    meeting = new_meeting(demo)
    titles = top_titles(meeting)
    second = next(e.item for e in services.tree.numbered(meeting.items) if e.item.title == titles[1])
    services.move_item(second, "up")
    assert top_titles(meeting)[:2] == [titles[1], titles[0]]
    with pytest.raises(DomainError, match="redan först"):
        services.move_item(second, "up")
    services.move_item(second, "down")
    assert top_titles(meeting) == titles


def test_deleting_an_item_removes_its_sub_items(ctx, demo):
    meeting = new_meeting(demo)
    first = services.tree.numbered(meeting.items)[0]
    assert first.children
    services.delete_item(first.item)
    db.session.commit()
    meeting = db.session.get(Meeting, meeting.id)
    assert first.item.title not in top_titles(meeting)
    assert all(i.parent_id != first.item.id for i in meeting.items)


def test_the_overrun_is_the_agenda_minus_the_meeting(ctx, demo):
    meeting = new_meeting(demo)  # 120 minutes of items in 120 minutes
    assert services.overrun_minutes(meeting) == 0
    services.add_item(meeting, "Extra", 25)
    assert services.overrun_minutes(meeting) == 25


@pytest.mark.parametrize("final", [MeetingStatus.CLOSED, MeetingStatus.APPROVED, MeetingStatus.CANCELLED])
def test_the_agenda_of_a_finished_meeting_cannot_be_changed(ctx, demo, final):
    meeting = new_meeting(demo)
    item = services.tree.numbered(meeting.items)[1].item
    path = {
        MeetingStatus.CLOSED: [MeetingStatus.CALLED, MeetingStatus.IN_PROGRESS, MeetingStatus.CLOSED],
        MeetingStatus.APPROVED: [
            MeetingStatus.CALLED,
            MeetingStatus.IN_PROGRESS,
            MeetingStatus.CLOSED,
            MeetingStatus.APPROVED,
        ],
        MeetingStatus.CANCELLED: [MeetingStatus.CANCELLED],
    }[final]
    for status in path:
        services.change_status(meeting, status)
    message = "dagordningen kan inte längre ändras"
    with pytest.raises(DomainError, match=message):
        services.add_item(meeting, "Sent påkommen", 10)
    with pytest.raises(DomainError, match=message):
        services.update_item(item, "Ny rubrik", 10, ItemType.INFORMATION, None, None, False)
    with pytest.raises(DomainError, match=message):
        services.move_item(item, "up")
    with pytest.raises(DomainError, match=message):
        services.delete_item(item)
    with pytest.raises(DomainError, match=message):
        services.update_meeting(meeting, "Ny", meeting.starts_at, meeting.ends_at, "Sal B", None)
    assert item.title != "Ny rubrik"


def test_standing_items_are_filled_once_per_kind(ctx, demo):
    meeting = coming(demo)
    kinds = {i.standing_kind for i in meeting.items if i.standing_kind}
    assert StandingKind.PREVIOUS_MINUTES.value in kinds
    filled = standing.fill(meeting, membership(demo, "ledamot@demo.se"), meeting.items)
    assert set(filled) == kinds
    previous = filled[StandingKind.PREVIOUS_MINUTES.value]["previous"]
    assert previous.id == max(demo.past_meeting_ids, key=lambda i: db.session.get(Meeting, i).starts_at)


# -- topic intake ---------------------------------------------------------------------------------------


def test_a_proposal_waits_in_the_backlog(ctx, demo):
    meeting = coming(demo)
    proposal = services.propose_item(
        meeting, user("ombud@demo.se"), "Väntetider i psykiatrin", "Vi ser ett mönster."
    )
    assert proposal.status == ProposalStatus.PENDING.value
    assert proposal.status_label == "Väntar"
    assert proposal.title not in top_titles(meeting)


def test_ombuds_see_only_their_own_proposals_members_see_all(ctx, demo):
    meeting = coming(demo)
    ombud = services.proposals_for(meeting, membership(demo, "ombud@demo.se"), user("ombud@demo.se"))
    assert {p.proposer.email for p in ombud} == {"ombud@demo.se"}
    co_opted = services.proposals_for(
        meeting, membership(demo, "adjungerad@demo.se"), user("adjungerad@demo.se")
    )
    assert co_opted == []
    member = services.proposals_for(
        meeting, membership(demo, "ledamot.fk@demo.se"), user("ledamot.fk@demo.se")
    )
    assert len(member) == len(demo.proposal_ids) == 2


@pytest.mark.parametrize("when", ["past", "closed", "cancelled"])
def test_no_proposals_for_past_closed_or_cancelled_meetings(ctx, demo, when):
    if when == "past":
        meeting = db.session.get(Meeting, demo.past_meeting_ids[0])
    else:
        meeting = new_meeting(demo)
        if when == "closed":
            for status in (MeetingStatus.CALLED, MeetingStatus.IN_PROGRESS, MeetingStatus.CLOSED):
                services.change_status(meeting, status)
        else:
            services.cancel_meeting(meeting, "Inställt")
    with pytest.raises(DomainError, match="Det går bara att föreslå punkter till kommande möten."):
        services.propose_item(meeting, user("ombud@demo.se"), "Sent förslag", None)
    assert db.session.scalar(select(func.count(Proposal.id)).where(Proposal.meeting_id == meeting.id)) == 0


def test_a_personnummer_in_a_proposal_is_refused(ctx, demo):
    with pytest.raises(DomainError, match="personnummer"):
        services.propose_item(coming(demo), user("ombud@demo.se"), "Förslag", f"Klienten {PERSONNUMMER}")


def test_accepting_a_proposal_puts_it_on_the_agenda_and_keeps_the_record(ctx, demo):
    meeting = coming(demo)
    proposal = db.session.get(Proposal, demo.proposal_ids[0])
    chair = user("ordforande@demo.se")
    item = services.accept_proposal(proposal, chair, minutes=15)

    assert item in meeting.items
    assert item.title == proposal.title
    assert item.description == proposal.description
    assert proposal.status == ProposalStatus.ACCEPTED.value
    assert proposal.agenda_item is item
    assert proposal.decided_by is chair and proposal.decided_at is not None
    with pytest.raises(DomainError, match="redan tagen på dagordningen"):
        services.accept_proposal(proposal, chair, minutes=15)
    with pytest.raises(DomainError, match="redan"):
        services.decline_proposal(proposal, chair, "Nej")

    # deleting the item later keeps the proposal and its outcome
    services.delete_item(item)
    db.session.commit()
    proposal = db.session.get(Proposal, demo.proposal_ids[0])
    assert proposal.status == ProposalStatus.ACCEPTED.value
    assert proposal.agenda_item_id is None


def test_declining_needs_a_reason_the_proposer_sees(ctx, demo):
    proposal = db.session.get(Proposal, demo.proposal_ids[0])
    chair = user("ordforande@demo.se")
    with pytest.raises(DomainError, match="Skriv kort varför"):
        services.decline_proposal(proposal, chair, "  ")
    assert proposal.status == ProposalStatus.PENDING.value
    services.decline_proposal(proposal, chair, "Tas upp på utvecklingsdagen.")
    db.session.commit()

    own = services.proposals_for(coming(demo), membership(demo, "ombud@demo.se"), user("ombud@demo.se"))
    assert [(p.status_label, p.decline_reason) for p in own] == [("Avböjd", "Tas upp på utvecklingsdagen.")]


def test_accepting_on_a_closed_meeting_is_refused(ctx, demo):
    meeting = coming(demo)
    proposal = db.session.get(Proposal, demo.proposal_ids[0])
    services.start_meeting(meeting)
    services.close_meeting(meeting)
    with pytest.raises(DomainError, match="kan inte längre ändras"):
        services.accept_proposal(proposal, user("ordforande@demo.se"), minutes=15)


def test_an_accepted_main_item_goes_before_ovrigt_with_the_time_the_chair_gave(ctx, demo):
    meeting = coming(demo)
    proposal = db.session.get(Proposal, demo.proposal_ids[0])
    item = services.accept_proposal(proposal, user("ordforande@demo.se"), minutes=20)
    titles = [entry.item.title for entry in tree.numbered(meeting.items)]
    assert titles.index(item.title) == titles.index("Övrigt") - 1
    assert item.minutes == 20 and item.parent_id is None


def test_an_accepted_proposal_can_be_a_sub_item_of_a_main_item_without_its_own_time(ctx, demo):
    meeting = coming(demo)
    proposal = db.session.get(Proposal, demo.proposal_ids[0])
    systems = next(i for i in meeting.items if i.title == "Systemfrågor")
    before = tree.total_minutes(meeting.items)
    item = services.accept_proposal(proposal, user("ordforande@demo.se"), parent=systems)
    assert item.parent is systems and item.minutes is None
    assert tree.total_minutes(meeting.items) == before  # the meeting does not grow


def test_a_main_item_without_a_time_box_is_refused_and_nothing_changes(ctx, demo):
    meeting = coming(demo)
    proposal = db.session.get(Proposal, demo.proposal_ids[0])
    count = len(meeting.items)
    with pytest.raises(DomainError, match="Ange hur många minuter"):
        services.accept_proposal(proposal, user("ordforande@demo.se"))
    assert len(meeting.items) == count
    assert proposal.status == ProposalStatus.PENDING.value


# -- answers to the kallelse -----------------------------------------------------------------------------


def test_an_answer_replaces_the_earlier_one(ctx, demo):
    meeting = coming(demo)
    member = membership(demo, "ledamot@demo.se")
    assert services.responses_of(meeting)[member.id].answer == Answer.ATTENDING.value
    services.respond(meeting, member, Answer.APOLOGIES)
    db.session.commit()
    responses = services.responses_of(meeting)
    assert responses[member.id].answer_label == "Förhinder"
    assert len([r for r in responses.values() if r.membership_id == member.id]) == 1


def test_no_answers_to_a_past_meeting(ctx, demo):
    past = db.session.get(Meeting, demo.past_meeting_ids[0])
    with pytest.raises(DomainError, match="kommande möte"):
        services.respond(past, membership(demo, "ledamot@demo.se"), Answer.ATTENDING)


def test_a_member_with_apologies_has_a_substitute(ctx, demo):
    fk = membership(demo, "ledamot.fk@demo.se")
    assert [m.user.email for m in services.substitutes_for(fk)] == ["ersattare@demo.se"]
    assert services.substitutes_for(membership(demo, "ledamot@demo.se")) == []


def test_a_substitute_for_the_organisation_stands_in_too(ctx, demo):
    af = membership(demo, "ledamot@demo.se")
    substitute = group_services.add_member(
        group(demo),
        _new_user("ers.af@demo.se"),
        services.Role.SUBSTITUTE,
        substitute_for_organisation=af.organisation,
    )
    assert services.substitutes_for(af) == [substitute]
    assert services.stands_in_for(substitute, af)
    assert not services.stands_in_for(substitute, membership(demo, "ledamot.fk@demo.se"))


def _new_user(email: str) -> User:
    from po_meetings.admin.services import create_user

    return create_user(email, "Ny Ersättare", "ett-bra-losenord")
