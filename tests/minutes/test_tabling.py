"""Bordläggning over HTTP and as rules: who may table a § and when, taking the bordläggning back,
taking a tabled matter up at a later meeting, and how the minutes and the protokoll show it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from po_meetings import permissions
from po_meetings.domain import DomainError
from po_meetings.extensions import db
from po_meetings.minutes import services
from po_meetings.models import Meeting, Membership, Paragraph

from ..support.query_count import counting_queries
from .test_routes import HTMX, first_open, minutes_url, paragraphs, prepared, start, text_of

LOCKED = "Protokollet är justerat"


def _paragraph(app, paragraph_id: int) -> Paragraph:
    with app.app_context():
        paragraph = db.session.get(Paragraph, paragraph_id)
        db.session.expunge(paragraph)
        return paragraph


def _past_url(demo) -> str:
    return f"/groups/{demo.group_id}/meetings/{demo.minutes['past_meeting_id']}/minutes"


def _undecided(app, demo) -> dict:
    """Return an open § of the coming meeting's minutes without a decision."""
    with app.app_context():
        minutes = services.minutes_of(db.session.get(Meeting, demo.meeting_id))
        paragraph = next(p for p in minutes.paragraphs if not p.is_secret and not p.decisions)
        return {"id": paragraph.id, "label": paragraph.label, "title": paragraph.title}


def _table_in_past_minutes(app, demo, secret: bool = False) -> dict:
    """Mark a § of the latest justerade demo minutes tabled (as the demo data does) and return it."""
    with app.app_context():
        past = db.session.get(Meeting, demo.minutes["past_meeting_id"])
        minutes = services.minutes_of(past)
        paragraph = next(
            p for p in minutes.paragraphs if p.is_secret == secret and (secret or not p.decisions)
        )
        chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
        paragraph.tabled_at = past.starts_at
        paragraph.tabled_by_id = chair.user_id
        db.session.commit()
        return {"id": paragraph.id, "label": paragraph.label, "title": paragraph.title}


# -- tabling a § ------------------------------------------------------------------------------------


def test_the_secretary_tables_a_paragraph_and_takes_it_back(app, client, auth, demo):
    prepared(client, auth, demo)
    paragraph = _undecided(app, demo)
    url = f"{minutes_url(demo)}/paragraphs/{paragraph['id']}"
    auth.login_as(permissions.MEMBER)  # ledamot@demo.se is the meeting's secretary

    response = client.post(f"{url}/table")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#paragraph-{paragraph['id']}")
    assert _paragraph(app, paragraph["id"]).is_tabled
    page = text_of(client.get(f"{minutes_url(demo)}/"))
    assert "Ärendet är bordlagt." in page and "Bordlagd" in page and "Ärendet bordläggs." in page

    response = client.post(f"{url}/untable", headers=HTMX)
    assert response.status_code == 200
    assert f'id="paragraph-{paragraph["id"]}"' in response.text
    assert "Paragrafen är inte längre bordlagd." in response.text
    assert "Bordlägg" in response.text
    assert not _paragraph(app, paragraph["id"]).is_tabled


def test_the_chair_tables_with_htmx_and_gets_the_paragraph_back(app, client, auth, demo):
    prepared(client, auth, demo)
    paragraph = _undecided(app, demo)
    response = client.post(f"{minutes_url(demo)}/paragraphs/{paragraph['id']}/table", headers=HTMX)
    assert response.status_code == 200
    assert 'badge--warning">Bordlagd' in response.text
    assert "Ta bort bordläggningen" in response.text
    again = client.post(f"{minutes_url(demo)}/paragraphs/{paragraph['id']}/table", headers=HTMX)
    assert f"{paragraph['label']} är redan bordlagd." in again.text


@pytest.mark.parametrize("role", [permissions.OMBUD, permissions.CO_OPTED])
def test_ombuds_and_co_opted_members_may_not_table(app, client, auth, demo, role):
    start(client, auth, demo)
    paragraph = first_open(app, demo)
    auth.login_as(role)
    assert client.post(f"{minutes_url(demo)}/paragraphs/{paragraph['id']}/table").status_code == 403
    assert not _paragraph(app, paragraph["id"]).is_tabled


def test_a_member_who_does_not_write_the_minutes_is_refused(app, client, auth, demo):
    prepared(client, auth, demo)
    paragraph = _undecided(app, demo)
    auth.login_as(permissions.SUBSTITUTE)
    response = client.post(f"{minutes_url(demo)}/paragraphs/{paragraph['id']}/table")
    assert response.status_code == 403
    assert "Bara mötets sekreterare och ordförande kan ändra protokollet." in text_of(response)
    assert not _paragraph(app, paragraph["id"]).is_tabled


def test_justerade_minutes_cannot_be_tabled(app, client, auth, demo):
    paragraph_id = demo.minutes["paragraph_id"]
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{_past_url(demo)}/paragraphs/{paragraph_id}/table")
    assert response.status_code == 409
    assert LOCKED in text_of(response)
    response = client.post(f"{_past_url(demo)}/paragraphs/{paragraph_id}/table", headers=HTMX)
    assert response.status_code == 200 and LOCKED in response.text
    assert not _paragraph(app, paragraph_id).is_tabled


def test_the_bordlaggning_of_justerade_minutes_cannot_be_taken_back(app, client, auth, demo):
    tabled = _table_in_past_minutes(app, demo)
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{_past_url(demo)}/paragraphs/{tabled['id']}/untable")
    assert response.status_code == 409 and LOCKED in text_of(response)
    assert _paragraph(app, tabled["id"]).is_tabled


def test_another_groups_chair_gets_404(app, client, auth, demo):
    start(client, auth, demo)
    paragraph = first_open(app, demo)
    auth.login_as(permissions.OTHER_GROUP)
    for action in ("table", "untable"):
        response = client.post(f"{minutes_url(demo)}/paragraphs/{paragraph['id']}/{action}")
        assert response.status_code == 404
    assert client.post(f"{minutes_url(demo)}/tabled/{paragraph['id']}/take-up").status_code == 404


def test_a_paragraph_of_another_meeting_is_404_under_these_minutes(app, client, auth, demo):
    start(client, auth, demo)
    response = client.post(f"{minutes_url(demo)}/paragraphs/{demo.minutes['paragraph_id']}/table")
    assert response.status_code == 404


def test_a_decided_paragraph_cannot_be_tabled(app_ctx, demo):
    chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
    meeting = db.session.get(Meeting, demo.meeting_id)
    from po_meetings.meetings import services as meetings

    meetings.start_meeting(meeting)
    minutes = services.minutes_of(meeting)
    paragraph = next(p for p in minutes.paragraphs if not p.decisions)
    services.add_decision(paragraph, chair, "att gå vidare")
    with pytest.raises(DomainError, match="har ett beslut"):
        services.table_paragraph(paragraph, chair)
    assert not paragraph.is_tabled


# -- taking a tabled matter up again -----------------------------------------------------------------


def test_the_next_meeting_takes_a_tabled_matter_up(app, client, auth, demo):
    tabled = _table_in_past_minutes(app, demo)
    prepared(client, auth, demo)
    meeting_page = text_of(client.get(f"/groups/{demo.group_id}/meetings/{demo.meeting_id}"))
    assert "Bordlagda ärenden" in meeting_page and tabled["title"] in meeting_page
    minutes_page = text_of(client.get(f"{minutes_url(demo)}/"))
    assert "Bordlagda ärenden från tidigare möten" in minutes_page

    before = len(paragraphs(app, demo))
    response = client.post(f"{minutes_url(demo)}/tabled/{tabled['id']}/take-up")
    assert response.status_code == 303
    added = paragraphs(app, demo)[-1]
    assert len(paragraphs(app, demo)) == before + 1 and added["title"] == tabled["title"]
    assert response.headers["Location"].endswith(f"#paragraph-{added['id']}")
    assert _paragraph(app, added["id"]).resumes_id == tabled["id"]
    page = text_of(client.get(f"{minutes_url(demo)}/"))
    assert f"Tar upp det bordlagda ärendet {tabled['label']}" in page
    meeting_page = text_of(client.get(f"/groups/{demo.group_id}/meetings/{demo.meeting_id}"))
    assert f"tas upp i {added['label']}" in meeting_page

    again = client.post(f"{minutes_url(demo)}/tabled/{tabled['id']}/take-up", headers=HTMX)
    assert again.status_code == 200 and f"Ärendet tas redan upp i {added['label']}." in again.text
    assert len(paragraphs(app, demo)) == before + 1
    # Taken up again, the bordläggning can no longer be taken back, even were the earlier minutes
    # still waiting for their justering (as if it had not been made yet).
    with app.app_context():
        chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
        paragraph = db.session.get(Paragraph, tabled["id"])
        paragraph.minutes.approved_at = None
        with pytest.raises(DomainError, match="redan tagits upp igen"):
            services.untable_paragraph(paragraph, chair)
        db.session.rollback()


def test_taking_up_with_htmx_answers_the_paragraphs(app, client, auth, demo):
    tabled = _table_in_past_minutes(app, demo)
    prepared(client, auth, demo)
    response = client.post(f"{minutes_url(demo)}/tabled/{tabled['id']}/take-up", headers=HTMX)
    assert response.status_code == 200
    assert 'id="paragraphs"' in response.text and "tar upp det bordlagda ärendet" in response.text


def test_a_paragraph_that_is_not_tabled_is_not_taken_up(app, client, auth, demo):
    prepared(client, auth, demo)
    response = client.post(f"{minutes_url(demo)}/tabled/{demo.minutes['paragraph_id']}/take-up")
    assert response.status_code == 422
    assert "är inte ett bordlagt ärende som väntar" in text_of(response)


def test_a_confidential_tabled_matter_is_hidden_from_ombuds(app, client, auth, demo):
    secret = _table_in_past_minutes(app, demo, secret=True)
    prepared(client, auth, demo)
    assert secret["title"] in client.get(f"/groups/{demo.group_id}/meetings/{demo.meeting_id}").text
    auth.login_as(permissions.OMBUD)
    assert secret["title"] not in client.get(f"/groups/{demo.group_id}/meetings/{demo.meeting_id}").text
    with app.app_context():
        ombud = db.session.get(Membership, demo.membership("ombud@demo.se"))
        assert secret["id"] not in {p.id for p in services.open_tabled(demo.group_id, ombud)}
        chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
        assert secret["id"] in {p.id for p in services.open_tabled(demo.group_id, chair)}


def test_the_protokoll_says_the_matter_is_tabled(app, client, auth, demo):
    tabled = _table_in_past_minutes(app, demo)
    auth.login_as(permissions.MEMBER)
    page = text_of(client.get(f"{_past_url(demo)}/print"))
    assert f"{tabled['label']} {tabled['title']}" in page
    assert "Ärendet bordläggs." in page


def test_a_matter_decided_after_being_taken_up_is_no_longer_open(app_ctx, demo):
    from po_meetings.meetings import services as meetings

    past = db.session.get(Meeting, demo.minutes["past_meeting_id"])
    chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
    tabled = next(p for p in services.minutes_of(past).paragraphs if not p.decisions and not p.is_secret)
    tabled.tabled_at = past.starts_at
    meeting = db.session.get(Meeting, demo.meeting_id)
    meetings.start_meeting(meeting)
    minutes = services.minutes_of(meeting)
    resumed = services.take_up_tabled(minutes, chair, tabled)
    assert services.is_open_tabled(tabled)  # taken up, not yet decided
    services.add_decision(resumed, chair, "att avsluta ärendet")
    assert not services.is_open_tabled(tabled)
    assert tabled.id not in {p.id for p in services.open_tabled(demo.group_id, chair)}
    with pytest.raises(DomainError, match="inte ett bordlagt ärende som väntar"):
        services.take_up_tabled(minutes, chair, tabled)
    assert db.session.scalar(select(Paragraph.id).where(Paragraph.resumes_id == tabled.id)) == resumed.id


def _page_queries(app, client, url: str) -> int:
    """Return how many statements a page makes."""
    with app.app_context():
        engine = db.engine
    with counting_queries(engine) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_minutes_cost_the_same_queries_however_many_matters_are_taken_up(app, client, auth, demo):
    with app.app_context():
        chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
        undecided = []
        for past_id in demo.past_meeting_ids:
            past = db.session.get(Meeting, past_id)
            minutes = services.minutes_of(past)
            for paragraph in minutes.paragraphs if minutes else []:
                if not paragraph.decisions and not paragraph.is_secret:
                    paragraph.tabled_at, paragraph.tabled_by_id = past.starts_at, chair.user_id
                    undecided.append(paragraph.id)
        db.session.commit()
    assert len(undecided) >= 3
    prepared(client, auth, demo)
    client.post(f"{minutes_url(demo)}/tabled/{undecided[0]}/take-up")
    few = _page_queries(app, client, f"{minutes_url(demo)}/")
    for paragraph_id in undecided[1:]:
        assert client.post(f"{minutes_url(demo)}/tabled/{paragraph_id}/take-up").status_code == 303
    many = _page_queries(app, client, f"{minutes_url(demo)}/")
    assert many == few
