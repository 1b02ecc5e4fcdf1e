"""HTTP tests of the group pages: members, inline editing with htmx, settings and the audit trail."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from po_meetings import permissions
from po_meetings.demo import GROUP_NAME, MANDATE
from po_meetings.extensions import db
from po_meetings.models import Group, Membership
from po_meetings.personnummer import DEFAULT_MESSAGE

from ..conftest import AuthActions

HTMX = {"HX-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
PERSONNUMMER = "19121212-1212"


# -- helpers --------------------------------------------------------------------------------


def count_memberships(app) -> int:
    """Return how many memberships (active or ended) exist in all groups."""
    with app.app_context():
        return db.session.scalar(select(func.count(Membership.id)))


def membership_state(app, membership_id: int) -> tuple[str, bool]:
    """Return a membership's role and whether it is active."""
    with app.app_context():
        membership = db.session.get(Membership, membership_id)
        return membership.role, membership.is_active


def group_state(app, group_id: int) -> tuple[int, str | None]:
    """Return a group's default meeting length and mandate."""
    with app.app_context():
        group = db.session.get(Group, group_id)
        return group.default_meeting_minutes, group.mandate


def active_membership_in(app, group_id: int, email: str) -> Membership | None:
    """Return the person's active membership in a group, detached, or None."""
    with app.app_context():
        return db.session.scalar(
            select(Membership)
            .where(Membership.group_id == group_id, Membership.ended_at.is_(None))
            .where(Membership.user.has(email=email))
        )


def row_with(html: str, text: str) -> str:
    """Return the first table row of the page that contains the text (or fail)."""
    for row in re.findall(r"<tr>.*?</tr>", html, flags=re.DOTALL):
        if text in row:
            return row
    raise AssertionError(f"no table row contains {text!r}")


def root_id(html: str) -> str | None:
    """Return the id of a fragment's first element."""
    match = re.match(r"\s*<\w+[^>]*?\sid=\"([^\"]+)\"", html)
    return match.group(1) if match else None


def members_sections(html: str) -> tuple[str, str]:
    """Split the member page into the current members and the "Tidigare medlemmar" section."""
    current, _, ended = html.partition("<h2>Tidigare medlemmar</h2>")
    assert ended, "the member page has no Tidigare medlemmar section"
    return current, ended


def membership_form(
    role: str, organisation_id: int | str = "", substitute_for_id: int | str = "", **extra
) -> dict:
    """Return the fields of a membership form as a browser posts them."""
    return {
        "role": role,
        "organisation_id": str(organisation_id),
        "substitute_for_id": str(substitute_for_id),
        "substitute_for_organisation_id": "",
        **extra,
    }


# -- the group page -------------------------------------------------------------------------


def test_group_page_lists_members_with_their_roles(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.get(f"/groups/{demo.group_id}")
    assert response.status_code == 200
    assert "Ordförande" in row_with(response.text, "Karin Lindqvist")
    assert "Vice ordförande" in row_with(response.text, "Johan Berg")
    assert "Arbetsförmedlingen" in row_with(response.text, "Fatima Hassan")
    substitute = row_with(response.text, "Sara Öberg")
    assert "Ersättare" in substitute and "Per Sandberg" in substitute
    assert "Personligt ombud" in row_with(response.text, "Lina Åkesson")
    assert "Helena Strand" not in response.text  # sits in the other group only


def test_group_page_renders_the_mandate_as_markdown(client, auth, demo):
    auth.login_as(permissions.MEMBER)
    response = client.get(f"/groups/{demo.group_id}")
    assert "<strong>systemfel</strong>" in response.text
    assert "**systemfel**" not in response.text
    assert "<li>Beslut fattas i konsensus." in response.text


def test_ombud_sees_the_group_page(client, auth, demo):
    auth.login_as(permissions.OMBUD)
    response = client.get(f"/groups/{demo.group_id}")
    assert response.status_code == 200
    assert GROUP_NAME in response.text
    assert "Personligt ombud" in row_with(response.text, "Lina Åkesson")


def test_admin_without_membership_gets_404(client, auth, demo):
    auth.login_as(permissions.ADMIN)
    response = client.get(f"/groups/{demo.group_id}")
    assert response.status_code == 404
    assert "Karin Lindqvist" not in response.text


@pytest.mark.parametrize("path", ["", "/members", "/members/new", "/settings", "/audit"])
def test_member_of_another_group_gets_404_and_none_of_its_data(client, auth, demo, path):
    auth.login_as(permissions.OTHER_GROUP)
    response = client.get(f"/groups/{demo.group_id}{path}")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.text
    for secret in ("Mellanå", "Karin Lindqvist", "systemfel"):
        assert secret not in response.text


def test_members_page_offers_edit_and_end_for_each_current_member(client, auth, demo):
    auth.login_as(permissions.VICE_CHAIR)
    response = client.get(f"/groups/{demo.group_id}/members")
    assert response.status_code == 200
    fatima = demo.membership("ledamot@demo.se")
    assert f'id="member-{fatima}"' in response.text
    assert f"/groups/{demo.group_id}/members/{fatima}/edit" in response.text
    assert f"/groups/{demo.group_id}/members/{fatima}/end" in response.text
    assert "Ingen har lämnat gruppen." in response.text


# -- adding a member ------------------------------------------------------------------------


def test_new_member_form_lists_roles_organisations_and_ordinary_members(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.get(f"/groups/{demo.group_id}/members/new")
    assert response.status_code == 200
    assert "Personens e-postadress" in response.text
    assert '<option value="co_opted">Adjungerad</option>' in response.text
    assert "Försäkringskassan" in response.text
    # A substitute can stand in for an ordinary member of this group, never for someone elsewhere.
    assert f'value="{demo.membership("ledamot.fk@demo.se")}"' in response.text
    assert f'value="{demo.membership("ombud@demo.se")}"' not in response.text


def test_chair_adds_a_member_with_the_accounts_organisation_by_default(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.post(
        f"/groups/{demo.group_id}/members",
        data=membership_form("member", email="Ordforande.Norrsjo@demo.se"),
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/groups/{demo.group_id}/members")

    added = active_membership_in(app, demo.group_id, "ordforande.norrsjo@demo.se")
    assert added.role == "member"
    assert added.organisation_id == demo.organisations["Norrsjö kommun, socialtjänsten"]
    page = client.get(response.headers["Location"]).text
    assert "Helena Strand är nu ledamot i gruppen." in page
    assert "Ledamot, Norrsjö kommun, socialtjänsten" in page


def test_chair_chooses_the_organisation_a_new_member_represents(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.post(
        f"/groups/{demo.group_id}/members",
        data=membership_form(
            "co_opted", demo.organisations["RSMH Mellanå"], email="ordforande.norrsjo@demo.se"
        ),
    )
    assert response.status_code == 303
    added = active_membership_in(app, demo.group_id, "ordforande.norrsjo@demo.se")
    assert (added.role, added.organisation_id) == ("co_opted", demo.organisations["RSMH Mellanå"])


def test_added_member_sees_the_group_at_once(app, client, auth, demo):
    auth.login_as(permissions.OTHER_GROUP)
    assert client.get(f"/groups/{demo.group_id}").status_code == 404
    chair = AuthActions(app.test_client())
    chair.login_as(permissions.CHAIR)
    chair.client.post(
        f"/groups/{demo.group_id}/members", data=membership_form("member", email="ordforande.norrsjo@demo.se")
    )
    response = client.get(f"/groups/{demo.group_id}")
    assert response.status_code == 200
    assert "Ledamot" in row_with(response.text, "Helena Strand")


def test_unknown_email_gives_a_message_beside_the_field_and_keeps_the_typed_values(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    before = count_memberships(app)
    response = client.post(
        f"/groups/{demo.group_id}/members",
        data=membership_form(
            "co_opted", demo.organisations["Försäkringskassan"], email="okand.person@example.se"
        ),
    )
    assert response.status_code == 422
    error = re.search(r'<p class="field__error" id="email-error">(.*?)</p>', response.text)
    assert error and "Det finns inget konto med den e-postadressen." in error.group(1)
    assert 'value="okand.person@example.se"' in response.text
    assert '<option selected value="co_opted">Adjungerad</option>' in response.text
    assert f'<option selected value="{demo.organisations["Försäkringskassan"]}">' in response.text
    assert count_memberships(app) == before


def test_adding_someone_already_in_the_group_is_refused(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    before = count_memberships(app)
    response = client.post(
        f"/groups/{demo.group_id}/members", data=membership_form("co_opted", email="ledamot@demo.se")
    )
    assert response.status_code == 422
    assert "Fatima Hassan är redan med i gruppen som ledamot." in response.text
    assert count_memberships(app) == before
    assert membership_state(app, demo.membership("ledamot@demo.se")) == ("member", True)


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("chair", "Gruppen har redan en ordförande (Karin Lindqvist)."),
        ("vice_chair", "Gruppen har redan en vice ordförande (Johan Berg)."),
    ],
)
def test_a_second_chair_or_vice_chair_is_refused(app, client, auth, demo, role, message):
    auth.login_as(permissions.CHAIR)
    before = count_memberships(app)
    response = client.post(
        f"/groups/{demo.group_id}/members", data=membership_form(role, email="ordforande.norrsjo@demo.se")
    )
    assert response.status_code == 422
    assert message in response.text
    assert count_memberships(app) == before


def test_substitute_without_whom_they_stand_in_for_is_refused(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    before = count_memberships(app)
    response = client.post(
        f"/groups/{demo.group_id}/members",
        data=membership_form("substitute", email="ordforande.norrsjo@demo.se"),
    )
    assert response.status_code == 422
    assert "Ange vilken ledamot eller organisation ersättaren går in för." in response.text
    assert count_memberships(app) == before


def test_substitute_for_a_member_of_another_group_is_refused_and_nothing_is_saved(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    elsewhere = demo.membership("vice@demo.se", group_id=demo.other_group_id)  # a member in Norrsjö
    before = count_memberships(app)
    response = client.post(
        f"/groups/{demo.group_id}/members",
        data=membership_form("substitute", substitute_for_id=elsewhere, email="ordforande.norrsjo@demo.se"),
    )
    assert response.status_code == 422
    assert "Inte ett giltigt val" in response.text
    assert count_memberships(app) == before
    assert active_membership_in(app, demo.group_id, "ordforande.norrsjo@demo.se") is None


def test_chair_adds_a_substitute_for_an_ordinary_member(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    fatima = demo.membership("ledamot@demo.se")
    response = client.post(
        f"/groups/{demo.group_id}/members",
        data=membership_form("substitute", substitute_for_id=fatima, email="ordforande.norrsjo@demo.se"),
    )
    assert response.status_code == 303
    assert active_membership_in(app, demo.group_id, "ordforande.norrsjo@demo.se").substitute_for_id == fatima
    page = client.get(f"/groups/{demo.group_id}").text
    assert "Fatima Hassan" in row_with(page, "Helena Strand")


# -- inline editing with htmx: page or fragment ----------------------------------------------


def _htmx_urls(demo) -> dict[str, tuple[str, str]]:
    """Return the GET endpoints that serve a page or a fragment, with the fragment's root id."""
    fatima = demo.membership("ledamot@demo.se")
    base = f"/groups/{demo.group_id}"
    return {
        "show_member": (f"{base}/members/{fatima}", f"member-{fatima}"),
        "edit_member": (f"{base}/members/{fatima}/edit", f"member-{fatima}"),
        "audit": (f"{base}/audit?object_type=membership&object_id={fatima}", "audit-events"),
    }


@pytest.mark.parametrize("endpoint", ["show_member", "edit_member", "audit"])
def test_htmx_endpoints_answer_page_fragment_or_page(client, auth, demo, endpoint):
    auth.login_as(permissions.CHAIR)
    url, fragment_id = _htmx_urls(demo)[endpoint]

    plain = client.get(url)
    fragment = client.get(url, headers=HTMX)
    boosted = client.get(url, headers=BOOSTED)
    restored = client.get(url, headers={**HTMX, "HX-History-Restore-Request": "true"})

    for response in (plain, fragment, boosted, restored):
        assert response.status_code == 200
        assert "HX-Request" in response.headers.get("Vary", "")
    for page in (plain, boosted, restored):
        assert "<html" in page.text
        assert f'id="{fragment_id}"' in page.text
    assert "<html" not in fragment.text
    assert "<h1>" not in fragment.text
    assert root_id(fragment.text) == fragment_id


def test_edit_fragment_is_the_form_prefilled_with_the_members_values(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    fatima = demo.membership("ledamot@demo.se")
    response = client.get(f"/groups/{demo.group_id}/members/{fatima}/edit", headers=HTMX)
    assert f'hx-post="/groups/{demo.group_id}/members/{fatima}"' in response.text
    assert '<option selected value="member">Ledamot</option>' in response.text
    assert f'<option selected value="{demo.organisations["Arbetsförmedlingen"]}">' in response.text


def test_edit_form_of_an_ended_membership_is_404(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    fatima = demo.membership("ledamot@demo.se")
    client.post(f"/groups/{demo.group_id}/members/{fatima}/end")
    assert client.get(f"/groups/{demo.group_id}/members/{fatima}/edit").status_code == 404


def test_update_via_htmx_returns_the_row_with_the_new_role(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    fatima = demo.membership("ledamot@demo.se")
    response = client.post(
        f"/groups/{demo.group_id}/members/{fatima}",
        data=membership_form("co_opted", demo.organisations["Arbetsförmedlingen"]),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert root_id(response.text) == f"member-{fatima}"
    assert "<html" not in response.text and "<form method" in response.text  # the end-membership form
    assert "Adjungerad, Arbetsförmedlingen" in response.text
    assert 'name="role"' not in response.text  # the row, not the edit form
    assert membership_state(app, fatima) == ("co_opted", True)


def test_update_via_htmx_with_an_error_returns_the_form_fragment_with_200(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    fatima = demo.membership("ledamot@demo.se")
    response = client.post(
        f"/groups/{demo.group_id}/members/{fatima}",
        data=membership_form("vice_chair", demo.organisations["Arbetsförmedlingen"]),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert root_id(response.text) == f"member-{fatima}"
    assert "<html" not in response.text
    assert 'name="role"' in response.text
    assert "Gruppen har redan en vice ordförande (Johan Berg)." in response.text
    assert membership_state(app, fatima) == ("member", True)


def test_update_without_htmx_redirects_with_303(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    fatima = demo.membership("ledamot@demo.se")
    response = client.post(
        f"/groups/{demo.group_id}/members/{fatima}",
        data=membership_form("co_opted", demo.organisations["Arbetsförmedlingen"]),
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/groups/{demo.group_id}/members")
    assert "Uppgifterna för Fatima Hassan är sparade." in client.get(response.headers["Location"]).text
    assert membership_state(app, fatima) == ("co_opted", True)


def test_update_without_htmx_with_an_error_is_a_full_page_with_422(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    fatima = demo.membership("ledamot@demo.se")
    response = client.post(
        f"/groups/{demo.group_id}/members/{fatima}",
        data=membership_form("substitute", demo.organisations["Arbetsförmedlingen"]),
    )
    assert response.status_code == 422
    assert "<html" in response.text
    assert "Formuläret innehåller fel" in response.text
    assert "Ange vilken ledamot eller organisation ersättaren går in för." in response.text
    assert membership_state(app, fatima) == ("member", True)


def test_the_only_chair_cannot_change_their_own_role(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    karin = demo.membership("ordforande@demo.se")
    response = client.post(
        f"/groups/{demo.group_id}/members/{karin}",
        data=membership_form("member", demo.organisations["Mellanå kommun, socialtjänsten"]),
        headers=HTMX,
    )
    assert "Gruppen måste ha en ordförande." in response.text
    assert membership_state(app, karin) == ("chair", True)


# -- ending a membership --------------------------------------------------------------------


def test_ending_a_membership_keeps_the_record_under_tidigare_medlemmar(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    fatima = demo.membership("ledamot@demo.se")
    before = count_memberships(app)
    response = client.post(f"/groups/{demo.group_id}/members/{fatima}/end")
    assert response.status_code == 303

    page = client.get(response.headers["Location"]).text
    assert "Fatima Hassan har lämnat gruppen." in page
    current, ended = members_sections(page)
    assert f'id="member-{fatima}"' not in current
    assert "Fatima Hassan – Ledamot, Arbetsförmedlingen" in ended
    assert count_memberships(app) == before
    assert membership_state(app, fatima) == ("member", False)
    assert "Fatima Hassan" not in client.get(f"/groups/{demo.group_id}").text


def test_ending_via_htmx_returns_the_row_marked_as_left(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    fatima = demo.membership("ledamot@demo.se")
    response = client.post(f"/groups/{demo.group_id}/members/{fatima}/end", headers=HTMX)
    assert response.status_code == 200
    assert root_id(response.text) == f"member-{fatima}"
    assert "Har lämnat gruppen" in response.text
    assert "Avsluta medlemskap" not in response.text


def test_ended_member_loses_access_at_their_next_request(app, client, auth, demo):
    member = AuthActions(app.test_client())
    member.login_as(permissions.MEMBER)
    assert member.client.get(f"/groups/{demo.group_id}").status_code == 200

    auth.login_as(permissions.CHAIR)
    client.post(f"/groups/{demo.group_id}/members/{demo.membership('ledamot@demo.se')}/end")

    response = member.client.get(f"/groups/{demo.group_id}")
    assert response.status_code == 404
    assert "Karin Lindqvist" not in response.text


def test_ending_the_only_chair_is_refused_with_a_message(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    karin = demo.membership("ordforande@demo.se")
    response = client.post(f"/groups/{demo.group_id}/members/{karin}/end")
    assert response.status_code == 303
    assert "Gruppen måste ha en ordförande." in client.get(response.headers["Location"]).text
    assert membership_state(app, karin) == ("chair", True)

    fragment = client.post(f"/groups/{demo.group_id}/members/{karin}/end", headers=HTMX)
    assert root_id(fragment.text) == f"member-{karin}"
    assert 'role="alert">Gruppen måste ha en ordförande.' in fragment.text
    assert membership_state(app, karin) == ("chair", True)


# -- memberships of another group -----------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("get", "/edit"), ("post", ""), ("post", "/end")],
    ids=["show_member", "edit_member", "update_member", "end_member"],
)
def test_membership_of_another_group_under_this_groups_url_is_404(app, client, auth, demo, method, suffix):
    auth.login_as(permissions.CHAIR)
    elsewhere = demo.membership("vice@demo.se", group_id=demo.other_group_id)
    url = f"/groups/{demo.group_id}/members/{elsewhere}{suffix}"
    data = membership_form("co_opted", demo.organisations["Region Mellanland, psykiatrin"])
    response = client.get(url) if method == "get" else client.post(url, data=data)
    assert response.status_code == 404
    assert "Johan Berg" not in response.text.split("</header>", 1)[-1]
    assert membership_state(app, elsewhere) == ("member", True)


# -- settings -------------------------------------------------------------------------------


def test_settings_form_shows_the_current_values(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.get(f"/groups/{demo.group_id}/settings")
    assert response.status_code == 200
    assert 'value="120"' in response.text
    assert "Gruppen tar emot ombudens rapporter om **systemfel**" in response.text


def test_chair_saves_meeting_length_and_mandate(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.post(
        f"/groups/{demo.group_id}/settings",
        data={
            "default_meeting_minutes": "90",
            "is_confidential_by_default": "y",
            "mandate": "Vi följer upp **allt**.",
        },
    )
    assert response.status_code == 303
    assert "Inställningarna är sparade." in client.get(response.headers["Location"]).text
    assert group_state(app, demo.group_id) == (90, "Vi följer upp **allt**.")
    page = client.get(f"/groups/{demo.group_id}").text
    assert "90 minuter" in page
    assert "Förslaget faller." in page  # the casting-vote box was left unticked
    assert "Vi följer upp <strong>allt</strong>." in page


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("0", "Ange en längd mellan 15 och 600 minuter."),
        ("601", "Ange en längd mellan 15 och 600 minuter."),
        ("abc", "Inte ett giltigt heltal"),
    ],
)
def test_out_of_range_meeting_length_is_refused_and_nothing_changes(
    app, client, auth, demo, minutes, message
):
    auth.login_as(permissions.CHAIR)
    response = client.post(
        f"/groups/{demo.group_id}/settings",
        data={"default_meeting_minutes": minutes, "is_confidential_by_default": "y", "mandate": "Ny text."},
    )
    assert response.status_code == 422
    assert message in response.text
    assert group_state(app, demo.group_id) == (120, MANDATE.strip())


def test_personnummer_in_the_mandate_is_refused_not_stored_and_not_echoed(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.post(
        f"/groups/{demo.group_id}/settings",
        data={
            "default_meeting_minutes": "90",
            "is_confidential_by_default": "y",
            "mandate": f"Klienten {PERSONNUMMER} behöver stöd.",
        },
    )
    assert response.status_code == 422
    assert DEFAULT_MESSAGE in response.text
    assert PERSONNUMMER not in response.text
    assert "191212121212" not in response.text
    assert 'value="90"' in response.text  # the other typed values are kept
    assert group_state(app, demo.group_id) == (120, MANDATE.strip())


# -- the audit trail ------------------------------------------------------------------------


def _change_fatima_to_co_opted(client, demo) -> int:
    """Let the logged-in chair change Fatima's role; return her membership id."""
    fatima = demo.membership("ledamot@demo.se")
    response = client.post(
        f"/groups/{demo.group_id}/members/{fatima}",
        data=membership_form("co_opted", demo.organisations["Arbetsförmedlingen"]),
    )
    assert response.status_code == 303
    return fatima


def test_audit_lists_a_role_change_with_old_and_new_values_and_the_actor(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    fatima = _change_fatima_to_co_opted(client, demo)
    response = client.get(
        f"/groups/{demo.group_id}/audit?object_type=membership&object_id={fatima}", headers=HTMX
    )
    assert response.status_code == 200
    change = row_with(response.text, "member → co_opted")
    assert "Karin Lindqvist" in change
    assert "ändrad" in change
    assert f"Medlemskap #{fatima}: Fatima Hassan (Adjungerad)" in change
    # The creation by the demo seed is listed too, with the system as actor.
    assert "Systemet" in row_with(response.text, "skapad")


def test_audit_filtered_by_another_object_excludes_the_change(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    _change_fatima_to_co_opted(client, demo)
    per = demo.membership("ledamot.fk@demo.se")
    response = client.get(f"/groups/{demo.group_id}/audit?object_type=membership&object_id={per}")
    assert response.status_code == 200
    assert "member → co_opted" not in response.text
    assert "Per Sandberg" in response.text


def test_audit_shows_a_mandate_change_without_its_content(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    client.post(
        f"/groups/{demo.group_id}/settings",
        data={
            "default_meeting_minutes": "120",
            "is_confidential_by_default": "y",
            "mandate": "Hemligt uppdrag XYZ.",
        },
    )
    response = client.get(f"/groups/{demo.group_id}/audit?object_type=po_group&object_id={demo.group_id}")
    assert response.status_code == 200
    change = row_with(response.text, "Karin Lindqvist")
    assert "<code>mandate</code>" in change
    assert "(ändrad text)" in change
    assert "Hemligt uppdrag" not in response.text
    assert "**systemfel**" not in response.text


def test_audit_never_shows_rows_of_another_group(app, client, auth, demo):
    other_chair = AuthActions(app.test_client())
    other_chair.login_as(permissions.OTHER_GROUP)
    johan_elsewhere = demo.membership("vice@demo.se", group_id=demo.other_group_id)
    response = other_chair.client.post(
        f"/groups/{demo.other_group_id}/members/{johan_elsewhere}",
        data=membership_form("vice_chair", demo.organisations["Region Mellanland, psykiatrin"]),
    )
    assert response.status_code == 303

    auth.login_as(permissions.CHAIR)
    everything = client.get(f"/groups/{demo.group_id}/audit").text
    assert "Helena Strand" not in everything
    assert "Norrsjö" not in everything
    assert f"Medlemskap #{johan_elsewhere}:" not in everything
    response = client.get(f"/groups/{demo.group_id}/audit?object_type=membership&object_id={johan_elsewhere}")
    assert "Inga händelser för det valda objektet." in response.text
    assert "member → vice_chair" not in response.text


def test_chair_decides_whether_the_chair_has_a_casting_vote(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    page = client.get(f"/groups/{demo.group_id}/settings").text
    assert re.search(r'<input[^>]* checked id="chair_has_casting_vote"', page)  # the default: utslagsröst
    data = {"default_meeting_minutes": "120", "chair_has_casting_vote": "y"}
    assert client.post(f"/groups/{demo.group_id}/settings", data=data).status_code == 303
    assert "Ordförandens röst avgör (utslagsröst)." in client.get(f"/groups/{demo.group_id}").text
    del data["chair_has_casting_vote"]
    assert client.post(f"/groups/{demo.group_id}/settings", data=data).status_code == 303
    with app.app_context():
        assert db.session.get(Group, demo.group_id).chair_has_casting_vote is False
