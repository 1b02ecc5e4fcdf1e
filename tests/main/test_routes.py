"""The start page ("Min sida") over HTTP: what each person sees, the one-click buttons, refusals."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from po_meetings.extensions import db
from po_meetings.models import (
    ActionItem,
    ActionStatus,
    Approval,
    ApprovalVerdict,
    EventKind,
    MeetingResponse,
    ReportEvent,
    ReportStatus,
    StartPageVisit,
    utcnow,
)

from .conftest import (
    FIXABLE_REPORT,
    FOLLOWED_REPORT,
    HIDDEN_REPORT,
    LATER,
    OTHERS,
    OVERDUE,
    OWNED_REPORT,
    SOON,
)

HTMX = {"HX-Request": "true"}


def action_url(world, key: str, group_id=None) -> str:
    return f"/groups/{group_id or world.group_id}/start/actions/{world.actions[key]}"


def answer_url(world, group_id=None) -> str:
    return f"/groups/{group_id or world.group_id}/start/meetings/{world.meeting_id}/answer"


def action_status(app, action_id: int) -> str:
    with app.app_context():
        return db.session.get(ActionItem, action_id).status


def answers_of(app, meeting_id: int) -> dict[int, str]:
    with app.app_context():
        rows = db.session.scalars(select(MeetingResponse).where(MeetingResponse.meeting_id == meeting_id))
        return {r.membership_id: r.answer for r in rows}


def section(html: str, heading: str) -> str:
    """Return the part of the page from a heading's text to the next heading of the same level."""
    start = html.index(heading)
    rest = html[start:]
    end = rest.find("<h3", 1)
    return rest if end == -1 else rest[:end]


# -- what the page shows ------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_log_in(client, world):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_member_sees_their_uppdrag_overdue_first_with_buttons(client, world, login):
    login("member")
    html = client.get("/").text
    assert html.index(OVERDUE) < html.index(SOON) < html.index(LATER)
    assert OTHERS not in html
    overdue_row = html[html.index(f'id="start-action-{world.actions["overdue"]}"') :].partition("</li>")[0]
    assert "Försenad" in overdue_row and "Markera som klar" in overdue_row and "Påbörjad" in overdue_row
    # The most urgent comes first on the page: the overdue uppdrag is named above the groups.
    urgent = html.partition('id="urgent-heading"')[2].partition("</section>")[0]
    assert "1 försenat uppdrag" in urgent and "Testby ledningsgrupp" in urgent
    # The member's organisation has an återrapportering waiting.
    assert "Återrapportering från Försäkringskassan Testby" in html


def test_the_member_sees_reports_they_own_can_fix_or_follow_in_words(client, world, login):
    login("member")
    html = client.get("/").text
    reports = section(html, f'id="group-{world.group_id}-reports"')
    for title in (OWNED_REPORT, FIXABLE_REPORT, FOLLOWED_REPORT):
        assert title in reports
    assert HIDDEN_REPORT not in reports  # not theirs
    assert "Du är ansvarig" in reports
    assert "Din organisation (Försäkringskassan Testby) kan åtgärda" in reports
    assert "Du följer" in reports


def test_an_ombud_sees_no_confidential_report_of_others_and_no_uppdrag_section(client, world, login, app):
    with app.app_context():  # a confidential report the ombud did not write, that they follow
        from po_meetings.models import ReportFollower

        db.session.add(
            ReportFollower(
                report_id=world.reports["hidden"], user_id=world.users["ombud"], group_id=world.group_id
            )
        )
        db.session.commit()
    login("ombud")
    html = client.get("/").text
    assert HIDDEN_REPORT not in html
    assert FIXABLE_REPORT in html and "Du rapporterade" in html
    assert "Mina uppdrag" not in html


def test_the_justerare_finds_the_minutes_waiting_for_them(client, world, login):
    login("adjuster")
    html = client.get("/").text
    urgent = html.partition('id="urgent-heading"')[2].partition("</section>")[0]
    assert "Möte i mars" in urgent and "väntar på din justering som justerare" in urgent
    link = f"/groups/{world.group_id}/meetings/{world.past_meeting_id}/minutes/#justering"
    assert link in html


def test_minutes_the_justerare_has_answered_no_longer_wait(app, client, world, login):
    with app.app_context():
        db.session.add(
            Approval(
                minutes_id=world.minutes_id,
                group_id=world.group_id,
                membership_id=world.memberships["adjuster"],
                verdict=ApprovalVerdict.APPROVED.value,
                revision=1,
            )
        )
        db.session.commit()
    login("adjuster")
    assert "Väntar på din justering" not in client.get("/").text
    login("chair")  # the chair has not answered yet
    assert "Väntar på din justering" in client.get("/").text


def test_the_chair_sees_the_groups_overview_with_counts_and_links(client, world, login):
    login("chair")
    html = client.get("/").text
    overview = html.partition(f'id="group-{world.group_id}-overview"')[2].partition("</section>")[0]
    assert "<strong>4</strong> öppna uppdrag" in overview
    assert "1 försenade" in overview
    assert "<strong>2</strong> systemfel väntar på att tas upp" in overview
    assert "<strong>1</strong> protokoll är inte justerade" in overview
    assert "<strong>1</strong> möten hållna i år" in overview
    assert "Maria Ledamot (Försäkringskassan Testby): 3 öppna, 1 försenade" in overview
    assert f"/groups/{world.group_id}/system-errors?status=submitted" in overview
    # An ordinary member sees no overview.
    login("member")
    assert "Gruppens läge" not in client.get("/").text


def test_empty_states_say_what_to_do_next(client, world, login):
    login("outsider")  # chair of a group with nothing in it
    html = client.get("/").text
    assert "Du har inga öppna uppdrag." in html
    assert "Planera nästa möte" in html
    assert "Rapportera ett systemfel" in html
    assert "Först av allt" not in html


def test_the_next_meeting_shows_the_members_answer_and_their_proposals(client, world, login):
    login("member")
    html = client.get("/").text
    box = html[html.index(f'id="start-meeting-{world.meeting_id}"') :]
    assert "Möte i april" in box and "du har inte svarat ännu" in box
    assert f'name="membership_id" type="hidden" value="{world.memberships["member"]}"' in box
    assert "Bostadsförsörjning för målgruppen" in html and "Väntar" in html


# -- since the last visit -----------------------------------------------------------------------------


def test_changes_since_the_last_visit_are_shown_from_the_second_visit(app, client, world, login):
    login("member")
    first = client.get("/").text
    assert "Sedan ditt förra besök" not in first  # nothing on the very first visit
    with app.app_context():
        # The stored visit was two hours ago; since then someone commented twice and took it up.
        two_hours_ago = utcnow() - timedelta(hours=2)
        db.session.execute(
            update(StartPageVisit)
            .where(StartPageVisit.user_id == world.users["member"])
            .values(visited_at=two_hours_ago)
        )
        for kind, to_status in (
            (EventKind.COMMENT, None),
            (EventKind.COMMENT, None),
            (EventKind.STATUS, ReportStatus.TAKEN_UP.value),
        ):
            db.session.add(
                ReportEvent(
                    report_id=world.reports["fixable"],
                    group_id=world.group_id,
                    actor_id=world.users["chair"],
                    kind=kind.value,
                    to_status=to_status,
                    occurred_at=utcnow() - timedelta(minutes=30),
                )
            )
        # The member's own comment is no news to them.
        db.session.add(
            ReportEvent(
                report_id=world.reports["owned"],
                group_id=world.group_id,
                actor_id=world.users["member"],
                kind=EventKind.COMMENT.value,
                occurred_at=utcnow() - timedelta(minutes=20),
            )
        )
        db.session.commit()
    html = client.get("/").text
    row = html[html.index(FIXABLE_REPORT) :].partition("</li>")[0]
    assert "Sedan ditt förra besök:" in row
    assert "Ny status: Upptagen · 2 nya kommentarer" in row
    owned = html[html.index(OWNED_REPORT) :].partition("</li>")[0]
    assert "Sedan ditt förra besök" not in owned


# -- marking an uppdrag done --------------------------------------------------------------------------


def test_the_owner_marks_an_uppdrag_done_without_javascript(app, client, world, login):
    login("member")
    response = client.post(action_url(world, "overdue"), data={"status": "done"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/#start-action-{world.actions['overdue']}")
    assert action_status(app, world.actions["overdue"]) == ActionStatus.DONE.value
    html = client.get("/").text
    assert "Uppdraget är klart." in html
    assert OVERDUE not in html and "Först av allt" not in html  # done: no longer owed, nothing late


def test_the_owner_marks_an_uppdrag_started_with_htmx_and_gets_the_row(app, client, world, login):
    login("member")
    response = client.post(action_url(world, "soon"), data={"status": "in_progress"}, headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<li id="start-action-{world.actions["soon"]}"')
    assert "Uppdraget är påbörjat." in response.text
    assert "Påbörjad" not in response.text  # already started: only "Markera som klar" is left
    assert "Markera som klar" in response.text
    assert action_status(app, world.actions["soon"]) == ActionStatus.IN_PROGRESS.value


def test_marking_done_an_uppdrag_that_is_not_yours_is_refused(app, client, world, login):
    login("member")
    response = client.post(action_url(world, "others"), data={"status": "done"})
    assert response.status_code == 422
    assert "Bara den ansvariga eller ordföranden kan ändra uppdragets status." in response.text
    assert action_status(app, world.actions["others"]) == ActionStatus.NOT_STARTED.value
    response = client.post(action_url(world, "others"), data={"status": "done"}, headers=HTMX)
    assert response.status_code == 200
    assert "Bara den ansvariga eller ordföranden" in response.text and 'role="alert"' in response.text
    assert action_status(app, world.actions["others"]) == ActionStatus.NOT_STARTED.value


def test_the_chair_may_mark_anyones_uppdrag_done(app, client, world, login):
    login("chair")
    assert client.post(action_url(world, "others"), data={"status": "done"}).status_code == 303
    assert action_status(app, world.actions["others"]) == ActionStatus.DONE.value


def test_an_unknown_status_or_striking_from_the_start_page_is_refused(app, client, world, login):
    login("member")
    for status in ("struck", "", "nonsense"):
        response = client.post(action_url(world, "soon"), data={"status": status})
        assert response.status_code == 422, status
        assert action_status(app, world.actions["soon"]) == ActionStatus.NOT_STARTED.value


def test_an_uppdrag_already_done_says_so(app, client, world, login):
    login("member")
    client.post(action_url(world, "soon"), data={"status": "done"})
    response = client.post(action_url(world, "soon"), data={"status": "done"}, headers=HTMX)
    assert "Uppdraget är redan klar." in response.text


def test_another_groups_uppdrag_answers_404(client, world, login):
    login("outsider")
    assert client.post(action_url(world, "overdue"), data={"status": "done"}).status_code == 404
    # Under a group the caller leads, an uppdrag of another group is no uppdrag at all.
    url = action_url(world, "overdue", group_id=world.other_group_id)
    assert client.post(url, data={"status": "done"}).status_code == 404


def test_an_ombud_may_not_move_uppdrag(client, world, login):
    login("ombud")
    assert client.post(action_url(world, "overdue"), data={"status": "done"}).status_code == 403


def test_the_buttons_need_the_csrf_token(app, client, world, login):
    login("member")
    response = client.post(action_url(world, "soon"), data={"status": "done"}, csrf=False)
    assert response.status_code == 400
    assert action_status(app, world.actions["soon"]) == ActionStatus.NOT_STARTED.value


# -- answering the kallelse ---------------------------------------------------------------------------


def test_the_member_answers_the_kallelse_from_the_start_page(app, client, world, login):
    login("member")
    mine = world.memberships["member"]
    response = client.post(answer_url(world), data={"answer": "apologies", "membership_id": str(mine)})
    assert response.status_code == 303
    assert answers_of(app, world.meeting_id) == {mine: "apologies"}
    response = client.post(
        answer_url(world), data={"answer": "attending", "membership_id": str(mine)}, headers=HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<div id="start-meeting-{world.meeting_id}"')
    assert "Ditt svar är sparat: deltar." in response.text
    assert 'value="attending" aria-pressed="true"' in response.text
    assert answers_of(app, world.meeting_id) == {mine: "attending"}


def test_answering_for_another_member_is_refused(app, client, world, login):
    login("member")
    other = world.memberships["adjuster"]
    response = client.post(answer_url(world), data={"answer": "apologies", "membership_id": str(other)})
    assert response.status_code == 422
    assert "Du kan bara svara på kallelsen för dig själv." in response.text
    response = client.post(
        answer_url(world), data={"answer": "apologies", "membership_id": "x"}, headers=HTMX
    )
    assert "Du kan bara svara på kallelsen för dig själv." in response.text
    assert answers_of(app, world.meeting_id) == {}


def test_an_answer_that_is_neither_deltar_nor_forhinder_is_refused(app, client, world, login):
    login("member")
    response = client.post(answer_url(world), data={"answer": "maybe"}, headers=HTMX)
    assert response.status_code == 200 and 'role="alert"' in response.text
    assert answers_of(app, world.meeting_id) == {}


def test_another_groups_meeting_answers_404(client, world, login):
    login("outsider")
    assert client.post(answer_url(world), data={"answer": "attending"}).status_code == 404
    url = answer_url(world, group_id=world.other_group_id)
    assert client.post(url, data={"answer": "attending"}).status_code == 404
