"""The follow-up page: open uppdrag and återrapporteringar between meetings, over HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from po_meetings import permissions
from po_meetings.dates import local
from po_meetings.extensions import db
from po_meetings.models import ActionItem, ActionStatus, Organisation, OrganisationFollowUp, utcnow

HTMX = {"HX-Request": "true"}
PERSONNUMMER = "19121212-1212"

OVERDUE = "Ta fram förslag till reviderat mandat för ledningsgruppen"  # vice@, overdue
MINE = "Informera Arbetsförmedlingens sektionsledning om gruppens prioriteringar"  # ledamot@, pågår
ASBY = "Ta fram en överenskommelse om boendestöd vid flytt mellan Mellanå och Åsby"  # ledamot.asby@
SECRET = "Ta upp socialjourens nattbemanning med socialcheferna"  # chair, confidential §
DONE = "Sammanställa årets systemfel per nivå till årsrapporten"  # klar


def url(demo, tail: str = "") -> str:
    return f"/groups/{demo.group_id}/follow-up{tail}"


def action_id(app, title: str) -> int:
    with app.app_context():
        return db.session.scalar(select(ActionItem.id).where(ActionItem.title == title))


def action_row(app, action_id: int) -> tuple[str, str | None, int | None]:
    with app.app_context():
        action = db.session.get(ActionItem, action_id)
        return action.status, action.struck_reason, action.updated_by_id


def follow_up_id(app, organisation: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(OrganisationFollowUp.id)
            .join(Organisation, OrganisationFollowUp.organisation_id == Organisation.id)
            .where(Organisation.name == organisation)
        )


def follow_up_row(app, follow_up_id: int) -> OrganisationFollowUp:
    with app.app_context():
        row = db.session.get(OrganisationFollowUp, follow_up_id)
        db.session.expunge(row)
        return row


def status_form(action_id: int, status: str, reason: str = "") -> dict:
    prefix = f"action-{action_id}"
    return {f"{prefix}-status": status, f"{prefix}-reason": reason}


def done_form(follow_up_id: int, note: str = "") -> dict:
    return {f"follow-up-{follow_up_id}-note": note}


# -- the page ---------------------------------------------------------------------------------------


def test_the_page_lists_open_actions_with_owner_due_date_and_overdue_marker(app, client, auth, demo):
    auth.login_as(permissions.MEMBER)
    response = client.get(url(demo))
    assert response.status_code == 200
    html = response.text
    open_part, _, done_part = html.partition("<h2>Nyligen klart</h2>")
    for title in (OVERDUE, MINE, ASBY, SECRET):
        assert title in open_part
    assert DONE not in open_part and DONE in done_part
    with app.app_context():
        today = local(utcnow()).date()
        overdue = db.session.scalar(
            select(func.count(ActionItem.id)).where(
                ActionItem.group_id == demo.group_id,
                ActionItem.status.in_([ActionStatus.NOT_STARTED.value, ActionStatus.IN_PROGRESS.value]),
                ActionItem.due_on < today,
            )
        )
    assert overdue >= 1
    assert html.count('<span class="badge badge--warning">Försenad</span>') == overdue
    overdue_row = html[html.index(f'id="action-{action_id(app, OVERDUE)}"') :]
    overdue_row = overdue_row[: overdue_row.index("</li>")]
    assert "Försenad" in overdue_row and "Johan Berg" in overdue_row and "Klart senast" in overdue_row
    # Återrapportering: six organisations wait, Försäkringskassan has answered.
    assert open_part.count('<li id="follow-up-') == 6
    assert "Återrapportering från Försäkringskassan" in done_part
    # The page is reachable from the group's navigation.
    assert f'href="{url(demo)}"' in client.get(f"/groups/{demo.group_id}").text


def test_a_confidential_paragraphs_action_is_hidden_from_ombud_and_co_opted(app, client, auth, demo):
    for role in (permissions.OMBUD, permissions.CO_OPTED):
        auth.login_as(role)
        html = client.get(url(demo)).text
        assert OVERDUE in html, role
        assert SECRET not in html, role
        assert "<form" not in html.partition('<h2 id="actions-heading">')[2].partition("<h2>Nyligen")[0], role
        auth.logout()


def test_mina_uppdrag_shows_only_the_callers_actions_and_organisation(app, client, auth, demo):
    auth.login_as(permissions.MEMBER)
    html = client.get(url(demo, "?visa=mina")).text
    assert MINE in html
    assert OVERDUE not in html and ASBY not in html
    assert 'aria-current="page">Mina uppdrag' in html
    follow_ups = html.partition('<h2 id="follow-ups-heading">')[2].partition("<h2>Nyligen")[0]
    assert "Arbetsförmedlingen" in follow_ups and "RSMH Mellanå" not in follow_ups


def test_the_owner_moves_an_action_on_without_javascript(app, client, auth, demo):
    mine = action_id(app, MINE)
    auth.login_as(permissions.MEMBER)
    response = client.post(url(demo, f"/actions/{mine}"), data=status_form(mine, "done"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(url(demo))
    status, _, updated_by = action_row(app, mine)
    assert status == ActionStatus.DONE.value and updated_by == demo.users["ledamot@demo.se"]
    html = client.get(response.headers["Location"]).text
    assert "Uppdraget är klart." in html
    assert MINE in html.partition("<h2>Nyligen klart</h2>")[2]


def test_a_status_change_by_htmx_swaps_the_row(app, client, auth, demo):
    overdue = action_id(app, OVERDUE)
    auth.login_as(permissions.VICE_CHAIR)
    response = client.post(
        url(demo, f"/actions/{overdue}"), data=status_form(overdue, "in_progress"), headers=HTMX
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<li id="action-{overdue}"')
    assert "<html" not in response.text
    assert 'role="status"' in response.text and "Uppdraget är påbörjat." in response.text
    assert "Status: Pågår" in response.text
    assert action_row(app, overdue)[0] == ActionStatus.IN_PROGRESS.value


def test_a_member_who_is_not_the_owner_is_refused(app, client, auth, demo):
    overdue = action_id(app, OVERDUE)
    auth.login_as(permissions.MEMBER)
    for headers, code in (({}, 422), (HTMX, 200)):  # htmx swaps only 2xx answers
        response = client.post(
            url(demo, f"/actions/{overdue}"), data=status_form(overdue, "done"), headers=headers
        )
        assert response.status_code == code
        assert "Bara den ansvariga eller ordföranden kan ändra uppdragets status." in response.text
    assert action_row(app, overdue)[0] == ActionStatus.NOT_STARTED.value


def test_striking_an_action_needs_a_reason(app, client, auth, demo):
    asby = action_id(app, ASBY)
    auth.login_as(permissions.CHAIR)
    response = client.post(url(demo, f"/actions/{asby}"), data=status_form(asby, "struck"), headers=HTMX)
    assert response.status_code == 200  # the row swaps in with the message beside the field
    assert response.text.lstrip().startswith(f'<li id="action-{asby}"')
    assert 'aria-invalid="true"' in response.text
    assert "Skriv varför uppdraget stryks." in response.text
    assert action_row(app, asby)[0] == ActionStatus.NOT_STARTED.value
    reason = "Ingår i den regionala överenskommelsen."
    response = client.post(url(demo, f"/actions/{asby}"), data=status_form(asby, "struck", reason))
    assert response.status_code == 303
    assert action_row(app, asby)[:2] == (ActionStatus.STRUCK.value, reason)


def test_a_personnummer_in_the_reason_is_refused(app, client, auth, demo):
    asby = action_id(app, ASBY)
    auth.login_as(permissions.CHAIR)
    response = client.post(
        url(demo, f"/actions/{asby}"), data=status_form(asby, "struck", f"Gäller {PERSONNUMMER}")
    )
    assert response.status_code == 422
    assert "personnummer" in response.text and PERSONNUMMER not in response.text
    assert action_row(app, asby)[0] == ActionStatus.NOT_STARTED.value


def test_an_unknown_status_is_refused(app, client, auth, demo):
    asby = action_id(app, ASBY)
    auth.login_as(permissions.CHAIR)
    response = client.post(url(demo, f"/actions/{asby}"), data=status_form(asby, "forgotten"))
    assert response.status_code == 422
    assert action_row(app, asby)[0] == ActionStatus.NOT_STARTED.value


# -- återrapportering ----------------------------------------------------------------------------


def test_the_representative_marks_the_organisations_follow_up_done(app, client, auth, demo):
    af = follow_up_id(app, "Arbetsförmedlingen")
    auth.login_as(permissions.MEMBER)
    note = "Arbetsförmedlingen deltar med två handläggare."
    response = client.post(url(demo, f"/organisations/{af}"), data=done_form(af, note))
    assert response.status_code == 303
    row = follow_up_row(app, af)
    assert row.done_at is not None and row.note == note and row.done_by_id == demo.users["ledamot@demo.se"]
    html = client.get(url(demo)).text
    assert "Återrapportering från Arbetsförmedlingen" in html.partition("<h2>Nyligen klart</h2>")[2]


def test_a_follow_up_by_htmx_swaps_the_row(app, client, auth, demo):
    rsmh = follow_up_id(app, "RSMH Mellanå")
    auth.login_as(permissions.CHAIR)
    response = client.post(url(demo, f"/organisations/{rsmh}"), data=done_form(rsmh), headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<li id="follow-up-{rsmh}"')
    assert "Återrapporterad" in response.text and "<form" not in response.text


def test_another_organisations_follow_up_is_refused(app, client, auth, demo):
    rsmh = follow_up_id(app, "RSMH Mellanå")
    auth.login_as(permissions.MEMBER)
    response = client.post(url(demo, f"/organisations/{rsmh}"), data=done_form(rsmh, "Klart"))
    assert response.status_code == 422
    assert "Bara den som företräder RSMH Mellanå kan återrapportera." in response.text
    assert follow_up_row(app, rsmh).done_at is None
    fk = follow_up_id(app, "Försäkringskassan")
    auth.logout()
    auth.login_as(permissions.CHAIR)
    response = client.post(url(demo, f"/organisations/{fk}"), data=done_form(fk))
    assert response.status_code == 422
    assert "Organisationen har redan återrapporterat." in response.text


def test_a_personnummer_in_the_note_is_refused(app, client, auth, demo):
    rsmh = follow_up_id(app, "RSMH Mellanå")
    auth.login_as(permissions.CHAIR)
    response = client.post(url(demo, f"/organisations/{rsmh}"), data=done_form(rsmh, f"Se {PERSONNUMMER}"))
    assert response.status_code == 422
    assert "personnummer" in response.text
    assert follow_up_row(app, rsmh).done_at is None


# -- denied ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [permissions.OMBUD, permissions.CO_OPTED])
def test_ombud_and_co_opted_may_not_post(app, client, auth, demo, role):
    overdue = action_id(app, OVERDUE)
    rsmh = follow_up_id(app, "RSMH Mellanå")
    auth.login_as(role)
    assert client.post(url(demo, f"/actions/{overdue}"), data=status_form(overdue, "done")).status_code == 403
    assert client.post(url(demo, f"/organisations/{rsmh}"), data=done_form(rsmh)).status_code == 403
    assert action_row(app, overdue)[0] == ActionStatus.NOT_STARTED.value
    assert follow_up_row(app, rsmh).done_at is None


def test_another_group_gets_404(app, client, auth, demo):
    overdue = action_id(app, OVERDUE)
    rsmh = follow_up_id(app, "RSMH Mellanå")
    auth.login_as(permissions.OTHER_GROUP)
    assert client.get(url(demo)).status_code == 404
    assert client.post(url(demo, f"/actions/{overdue}"), data=status_form(overdue, "done")).status_code == 404
    assert client.post(url(demo, f"/organisations/{rsmh}"), data=done_form(rsmh)).status_code == 404
    # Through the other group's own page, the Mellanå rows do not exist either.
    other = f"/groups/{demo.other_group_id}/follow-up"
    assert client.get(other).status_code == 200
    assert client.post(f"{other}/actions/{overdue}", data=status_form(overdue, "done")).status_code == 404
    assert client.post(f"{other}/organisations/{rsmh}", data=done_form(rsmh)).status_code == 404
    assert action_row(app, overdue)[0] == ActionStatus.NOT_STARTED.value


def test_anonymous_is_sent_to_login(client, demo):
    response = client.get(url(demo))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
