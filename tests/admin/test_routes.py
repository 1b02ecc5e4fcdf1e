"""HTTP tests of the administration: accounts, groups and organisations, and the rules behind them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from po_meetings import permissions
from po_meetings.admin import services
from po_meetings.demo import DEMO_PASSWORD, GROUP_NAME, MANDATE
from po_meetings.domain import DomainError
from po_meetings.extensions import db
from po_meetings.models import AuditEvent, Group, Membership, Organisation, User
from po_meetings.models.audit import REDACTED
from po_meetings.personnummer import DEFAULT_MESSAGE

PERSONNUMMER = "19121212-1212"
SAMPLE = "ledamot.rsmh@demo.se"  # Maria Ek: no persona of the permission table


# -- helpers --------------------------------------------------------------------------------


def count(app, model) -> int:
    """Return how many rows a table holds."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def find_user(app, email: str) -> User | None:
    """Return the account with this e-mail (detached), or None."""
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def find_group(app, name: str) -> Group | None:
    """Return the group with this exact name (detached), or None."""
    with app.app_context():
        return db.session.scalar(select(Group).where(Group.name == name))


def municipalities_of(app, group_id: int) -> list[str]:
    """Return the names of the municipalities a group serves, sorted."""
    with app.app_context():
        return sorted(db.session.get(Group, group_id).municipality_names)


def role_in(app, group_id: int, email: str) -> str | None:
    """Return the person's active role in a group, or None."""
    with app.app_context():
        return db.session.scalar(
            select(Membership.role)
            .join(Membership.user)
            .where(Membership.group_id == group_id, User.email == email, Membership.ended_at.is_(None))
        )


def audit_rows(app, **where) -> list[AuditEvent]:
    """Return the audit rows matching column values, oldest first (detached)."""
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        for column, value in where.items():
            query = query.where(getattr(AuditEvent, column) == value)
        return db.session.scalars(query).all()


def login_client(app, email: str, password: str = DEMO_PASSWORD):
    """Return a new client logged in as the account (a second browser)."""
    other = app.test_client()
    response = other.post("/login", data={"email": email, "password": password})
    assert response.status_code == 303, f"login as {email} failed"
    return other


def login_status(app, email: str, password: str) -> int:
    """Try to log in from a fresh client; return the status code."""
    return app.test_client().post("/login", data={"email": email, "password": password}).status_code


def listed_names(html: str) -> list[str]:
    """Return the account names in the account list."""
    return re.findall(r'<td><a href="/admin/users/\d+/edit">([^<]+)</a>', html)


def table_row(html: str, text: str) -> str:
    """Return the first table row that contains the text (or fail)."""
    for row in re.findall(r"<tr>.*?</tr>", html, flags=re.DOTALL):
        if text in row:
            return row
    raise AssertionError(f"no table row contains {text!r}")


def follow(client, response) -> str:
    """Follow a 303 redirect and return the page it leads to."""
    assert response.status_code == 303
    return client.get(response.headers["Location"]).text


def user_form(**overrides) -> dict:
    """Return valid fields of the new-account form."""
    values = {
        "name": "Nils Nilsson",
        "email": "Nils.Nilsson@Example.SE",
        "title": "Handläggare",
        "organisation_id": "",
        "password": "ett-langt-losenord",
    }
    values.update(overrides)
    return values


def group_form(**overrides) -> dict:
    """Return valid fields of the new-group form."""
    values = {
        "name": "Ledningsgruppen i Västby",
        "municipalities": "Västby, Östby\nNorrby",
        "default_meeting_minutes": "120",
        "is_confidential_by_default": "y",
        "chair_email": "ordforande.norrsjo@demo.se",
    }
    values.update(overrides)
    return values


@pytest.fixture
def admin(auth, demo):
    """Log the client in as the demo administrator and return the demo ids."""
    auth.login_as(permissions.ADMIN)
    return demo


# -- pages ----------------------------------------------------------------------------------


def test_overview_counts_accounts_groups_and_organisations(client, admin):
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "13 konton, varav 0 avstängda" in response.text
    assert "2 grupper" in response.text
    assert "9 organisationer" in response.text


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/admin/users/new", "Nytt konto"),
        ("/admin/groups/new", "Ny ledningsgrupp"),
        ("/admin/organisations/new", "Ny organisation"),
    ],
)
def test_new_forms_render(client, admin, path, heading):
    response = client.get(path)
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.text
    assert 'name="csrf_token"' in response.text


def test_groups_list_shows_chair_and_size_but_no_content(client, admin):
    response = client.get("/admin/groups")
    row = table_row(response.text, GROUP_NAME)
    assert "Mellanå, Åsby" in row
    assert "Karin Lindqvist" in row
    assert "<td>11</td>" in row
    assert "systemfel" not in response.text


# -- accounts -------------------------------------------------------------------------------


def test_admin_creates_an_account_that_can_log_in(app, client, admin):
    response = client.post(
        "/admin/users", data=user_form(organisation_id=str(admin.organisations["Försäkringskassan"]))
    )
    page = follow(client, response)
    assert "Kontot för Nils Nilsson är skapat." in page
    row = table_row(page, "Nils Nilsson")
    assert "nils.nilsson@example.se" in row and "Försäkringskassan" in row and "Aktivt" in row

    created = find_user(app, "nils.nilsson@example.se")
    assert created is not None and created.title == "Handläggare" and not created.is_admin
    assert login_status(app, "NILS.nilsson@example.se", "ett-langt-losenord") == 303


@pytest.mark.parametrize(
    ("overrides", "message", "kept"),
    [
        ({"email": "inte-en-adress"}, "Skriv en giltig e-postadress", 'value="inte-en-adress"'),
        ({"password": "kort-ord"}, "Lösenordet ska ha minst 10 tecken.", 'value="nils.nilsson@example.se"'),
        (
            {"email": "LEDAMOT@Demo.se"},
            "Det finns redan ett konto med den e-postadressen.",
            'value="ledamot@demo.se"',
        ),
        ({"name": f"Nils {PERSONNUMMER}"}, DEFAULT_MESSAGE, 'value="nils.nilsson@example.se"'),
    ],
    ids=["bad-email", "short-password", "duplicate-email", "personnummer-in-name"],
)
def test_invalid_account_is_refused_with_a_message_and_the_typed_values_kept(
    app, client, admin, overrides, message, kept
):
    before = count(app, User)
    response = client.post("/admin/users", data=user_form(**overrides))
    assert response.status_code == 422
    assert message in response.text
    assert kept in response.text
    assert 'value="Handläggare"' in response.text
    assert PERSONNUMMER not in response.text
    assert "ett-langt-losenord" not in response.text  # a password is never sent back
    assert count(app, User) == before


def test_account_name_is_kept_when_another_field_is_refused(client, admin):
    response = client.post("/admin/users", data=user_form(password="kort"))
    assert 'value="Nils Nilsson"' in response.text


def test_account_list_has_pages_and_a_search(client, admin, make_user):
    for _ in range(55):
        make_user()
    first = client.get("/admin/users")
    assert "Sida 1 av 2" in first.text
    assert 'rel="next" href="/admin/users?page=2' in first.text
    second = client.get("/admin/users?page=2")
    assert second.status_code == 200
    page1, page2 = listed_names(first.text), listed_names(second.text)
    assert (len(page1), len(page2)) == (50, 18)
    assert not set(page1) & set(page2)
    assert "Person 55" in page1 + page2 and "Karin Lindqvist" in page1 + page2

    found = listed_names(client.get("/admin/users?q=person+5").text)
    assert sorted(found) == sorted(["Person 5", *(f"Person {n}" for n in range(50, 56))])
    assert listed_names(client.get("/admin/users?q=ledamot.fk@").text) == ["Per Sandberg"]

    many = client.get("/admin/users?q=PERSON")
    assert "Sida 1 av 2" in many.text
    assert "q=PERSON" in re.search(r'rel="next" href="([^"]+)"', many.text).group(1)
    assert len(listed_names(client.get("/admin/users?q=PERSON&page=2").text)) == 5


@pytest.mark.parametrize(
    ("q", "name"), [("Åkesson", "Lina Åkesson"), ("öberg", "Sara Öberg"), ("NYSTRÖM", "Eva Nyström")]
)
def test_account_search_ignores_case_of_swedish_letters(client, admin, q, name):
    assert listed_names(client.get("/admin/users", query_string={"q": q}).text) == [name]


@pytest.mark.parametrize("q", ["%", "_", "zzz"])
def test_account_search_without_a_match_says_so(client, admin, q):
    response = client.get("/admin/users", query_string={"q": q})
    assert listed_names(response.text) == []
    assert f"Inga konton matchar ”{q}”." in response.text


def test_edit_account_page_shows_details_and_groups(client, admin):
    response = client.get(f"/admin/users/{admin.users['vice@demo.se']}/edit")
    assert response.status_code == 200
    assert 'value="vice@demo.se"' in response.text
    assert f"{GROUP_NAME} – Vice ordförande" in response.text
    assert "Ledningsgruppen för personligt ombud i Norrsjö – Ledamot" in response.text
    assert "Kontot är aktivt." in response.text


def test_admin_updates_an_account(app, client, admin):
    response = client.post(
        f"/admin/users/{admin.users[SAMPLE]}",
        data={"name": "Maria Ek Lund", "email": "Maria.Lund@Demo.se", "title": "", "organisation_id": ""},
    )
    assert "Kontot för Maria Ek Lund är sparat." in follow(client, response)
    updated = find_user(app, "maria.lund@demo.se")
    assert updated.id == admin.users[SAMPLE]
    assert (updated.name, updated.title, updated.organisation_id) == ("Maria Ek Lund", None, None)
    assert login_status(app, "maria.lund@demo.se", DEMO_PASSWORD) == 303


def test_account_update_refuses_a_taken_email_and_removing_ones_own_admin_right(app, client, admin):
    taken = client.post(
        f"/admin/users/{admin.users[SAMPLE]}",
        data={"name": "Maria Ek", "email": "ledamot@demo.se", "organisation_id": ""},
    )
    assert taken.status_code == 422
    assert "Det finns redan ett konto med den e-postadressen." in taken.text
    own = client.post(
        f"/admin/users/{admin.users['admin@demo.se']}",
        data={"name": "Alva Admin", "email": "admin@demo.se", "organisation_id": ""},
    )
    assert own.status_code == 422
    assert "Du kan inte ta bort din egen administratörsbehörighet." in own.text
    assert find_user(app, "admin@demo.se").is_admin
    assert find_user(app, SAMPLE).name == "Maria Ek"


def test_disabling_an_account_ends_its_session_and_blocks_login_until_enabled(app, client, admin):
    maria = login_client(app, SAMPLE)
    assert maria.get("/").status_code == 200

    page = follow(client, client.post(f"/admin/users/{admin.users[SAMPLE]}/disable"))
    assert "Kontot för Maria Ek är avstängt." in page
    assert "Kontot är <strong>avstängt</strong>." in page

    response = maria.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    refused = app.test_client().post("/login", data={"email": SAMPLE, "password": DEMO_PASSWORD})
    assert refused.status_code == 422
    assert "Kontot är avstängt." in refused.text
    assert "Avstängt" in table_row(client.get("/admin/users").text, "Maria Ek")

    page = follow(client, client.post(f"/admin/users/{admin.users[SAMPLE]}/enable"))
    assert "Kontot för Maria Ek är aktivt igen." in page
    assert login_status(app, SAMPLE, DEMO_PASSWORD) == 303


def test_admin_cannot_disable_their_own_account(app, client, admin):
    page = follow(client, client.post(f"/admin/users/{admin.users['admin@demo.se']}/disable"))
    assert "Du kan inte stänga av ditt eget konto." in page
    assert not find_user(app, "admin@demo.se").is_disabled
    assert client.get("/admin/").status_code == 200


def test_reset_password_ends_sessions_and_replaces_the_old_password(app, client, admin):
    maria = login_client(app, SAMPLE)
    response = client.post(
        f"/admin/users/{admin.users[SAMPLE]}/password", data={"password": "ett-nytt-losenord"}
    )
    assert "Maria Ek har fått ett nytt lösenord." in follow(client, response)

    assert maria.get("/").status_code == 302
    assert login_status(app, SAMPLE, DEMO_PASSWORD) == 422
    assert login_status(app, SAMPLE, "ett-nytt-losenord") == 303


def test_reset_password_refuses_a_short_one_and_keeps_the_old(app, client, admin):
    response = client.post(f"/admin/users/{admin.users[SAMPLE]}/password", data={"password": "kort"})
    assert response.status_code == 422
    assert "Lösenordet ska ha minst 10 tecken." in response.text
    assert login_status(app, SAMPLE, DEMO_PASSWORD) == 303


def test_a_refused_password_reset_shows_the_account_form_as_stored(client, admin, make_user):
    other_admin = make_user(name="Bo Admin", title="IT-samordnare", is_admin=True)
    response = client.post(f"/admin/users/{other_admin.id}/password", data={"password": "kort"})
    assert response.status_code == 422
    assert 'value="Bo Admin"' in response.text
    assert 'value="IT-samordnare"' in response.text
    assert '<input checked id="is_admin"' in response.text  # saving this form must not demote them


# -- groups ---------------------------------------------------------------------------------


def test_admin_creates_a_group_with_municipalities_and_a_chair(app, client, admin):
    response = client.post("/admin/groups", data=group_form(chair_email="Ordforande.Norrsjo@DEMO.se"))
    page = follow(client, response)
    assert "Ledningsgruppen i Västby är skapad med Helena Strand som ordförande." in page
    row = table_row(page, "Ledningsgruppen i Västby")
    assert "Helena Strand" in row
    for name in ("Västby", "Östby", "Norrby"):
        assert name in row

    created = find_group(app, "Ledningsgruppen i Västby")
    assert created.default_meeting_minutes == 120 and created.is_confidential_by_default
    assert role_in(app, created.id, "ordforande.norrsjo@demo.se") == "chair"
    helena = login_client(app, "ordforande.norrsjo@demo.se")
    assert "Ordförande" in helena.get(f"/groups/{created.id}").text


def test_creating_a_group_with_an_unknown_chair_is_refused(app, client, admin):
    before = count(app, Group)
    response = client.post("/admin/groups", data=group_form(chair_email="okand@example.se"))
    assert response.status_code == 422
    error = re.search(r'id="chair_email-error">(.*?)</p>', response.text)
    assert error and "Det finns inget konto med den e-postadressen. Skapa kontot först." in error.group(1)
    assert 'value="Ledningsgruppen i Västby"' in response.text
    assert count(app, Group) == before


@pytest.mark.parametrize("name", [GROUP_NAME.upper(), f"  {GROUP_NAME.lower()} "])
def test_a_group_name_in_use_in_any_case_is_refused(app, client, admin, name):
    before = count(app, Group)
    response = client.post("/admin/groups", data=group_form(name=name))
    assert response.status_code == 422
    assert "Det finns redan en ledningsgrupp med det namnet." in response.text
    assert count(app, Group) == before


@pytest.mark.parametrize("path", ["/admin/groups", "/admin/groups/{id}"], ids=["create", "update"])
def test_a_group_without_municipalities_gets_the_message_beside_that_field(app, client, admin, path):
    response = client.post(path.format(id=admin.group_id), data=group_form(municipalities=" , \n ,"))
    assert response.status_code == 422
    error = re.search(r'id="municipalities-error">(.*?)</p>', response.text)
    assert error and "Ange minst en kommun" in error.group(1)
    assert 'id="name-error"' not in response.text
    assert municipalities_of(app, admin.group_id) == ["Mellanå", "Åsby"]
    assert find_group(app, "Ledningsgruppen i Västby") is None


def test_group_with_a_personnummer_in_its_municipalities_is_refused_and_not_echoed(app, client, admin):
    response = client.post("/admin/groups", data=group_form(municipalities=f"Västby {PERSONNUMMER}"))
    assert response.status_code == 422
    assert DEFAULT_MESSAGE in response.text
    assert PERSONNUMMER not in response.text
    assert find_group(app, "Ledningsgruppen i Västby") is None


def test_edit_group_page_shows_settings_and_chair_but_no_content(client, admin):
    response = client.get(f"/admin/groups/{admin.group_id}/edit")
    assert response.status_code == 200
    assert "Mellanå\nÅsby</textarea>" in response.text
    assert "Nuvarande ordförande: <strong>Karin Lindqvist</strong>" in response.text
    assert "systemfel" not in response.text


def test_admin_edits_a_group_without_touching_its_mandate(app, client, admin):
    response = client.post(
        f"/admin/groups/{admin.group_id}",
        data={
            "name": "PO-ledningsgruppen Mellanå",
            "municipalities": "Mellanå\nÅsby\nVästby",
            "default_meeting_minutes": "90",
        },
    )
    assert "Ledningsgruppen PO-ledningsgruppen Mellanå är sparad." in follow(client, response)
    with app.app_context():
        group = db.session.get(Group, admin.group_id)
        assert group.name == "PO-ledningsgruppen Mellanå"
        assert sorted(group.municipality_names) == ["Mellanå", "Västby", "Åsby"]
        assert (group.default_meeting_minutes, group.is_confidential_by_default) == (90, False)
        assert group.mandate == MANDATE.strip()


@pytest.mark.parametrize(
    ("minutes", "message"), [("0", "mellan 15 och 600"), ("abc", "Inte ett giltigt heltal")]
)
def test_edit_group_refuses_a_bad_meeting_length(app, client, admin, minutes, message):
    response = client.post(
        f"/admin/groups/{admin.group_id}",
        data={"name": GROUP_NAME, "municipalities": "Mellanå", "default_meeting_minutes": minutes},
    )
    assert response.status_code == 422
    assert message in response.text
    assert find_group(app, GROUP_NAME).default_meeting_minutes == 120


def test_appointing_a_chair_moves_the_old_chair_to_ledamot(app, client, admin):
    response = client.post(f"/admin/groups/{admin.group_id}/chair", data={"email": "vice@demo.se"})
    page = follow(client, response)
    assert f"Johan Berg är nu ordförande i {GROUP_NAME}." in page
    assert "Nuvarande ordförande: <strong>Johan Berg</strong>" in page
    assert role_in(app, admin.group_id, "vice@demo.se") == "chair"
    assert role_in(app, admin.group_id, "ordforande@demo.se") == "member"
    karin = client.get(f"/admin/users/{admin.users['ordforande@demo.se']}/edit").text
    assert f"{GROUP_NAME} – Ledamot" in karin


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("okand@example.se", "Det finns inget konto med den e-postadressen. Skapa kontot först."),
        ("ordforande@demo.se", "Karin Lindqvist är redan ordförande."),
    ],
)
def test_appointing_a_chair_is_refused_for_an_unknown_account_or_the_current_chair(
    app, client, admin, email, message
):
    response = client.post(f"/admin/groups/{admin.group_id}/chair", data={"email": email})
    assert response.status_code == 422
    error = re.search(r'id="email-error">(.*?)</p>', response.text)
    assert error and message in error.group(1)
    assert role_in(app, admin.group_id, "ordforande@demo.se") == "chair"
    # The group's own form beside it still shows the stored values.
    assert "Mellanå\nÅsby</textarea>" in response.text
    assert '<input checked id="is_confidential_by_default"' in response.text


# -- organisations --------------------------------------------------------------------------


def test_admin_creates_an_organisation(client, admin):
    response = client.post("/admin/organisations", data={"name": "Kriminalvården Mellanå", "kind": "other"})
    page = follow(client, response)
    assert "Organisationen Kriminalvården Mellanå är skapad." in page
    assert "Annan" in table_row(page, "Kriminalvården Mellanå")


@pytest.mark.parametrize("name", ["Arbetsförmedlingen", "arbetsförmedlingen ", "åsby kommun, socialtjänsten"])
def test_an_organisation_name_in_use_in_any_case_is_refused(app, client, admin, name):
    before = count(app, Organisation)
    response = client.post("/admin/organisations", data={"name": name, "kind": "municipality"})
    assert response.status_code == 422
    assert "Det finns redan en organisation med det namnet." in response.text
    assert count(app, Organisation) == before


def test_admin_changes_the_kind_of_an_organisation(client, admin):
    rsmh = admin.organisations["RSMH Mellanå"]
    assert 'selected value="user_organisation"' in client.get(f"/admin/organisations/{rsmh}/edit").text
    response = client.post(f"/admin/organisations/{rsmh}", data={"name": "RSMH Mellanå", "kind": "other"})
    page = follow(client, response)
    assert "Annan" in table_row(page, "RSMH Mellanå")


def test_an_invalid_organisation_kind_is_refused(app, client, admin):
    before = count(app, Organisation)
    response = client.post("/admin/organisations", data={"name": "Planeten", "kind": "planet"})
    assert response.status_code == 422
    assert "Inte ett giltigt val" in response.text
    assert count(app, Organisation) == before
    rsmh = admin.organisations["RSMH Mellanå"]
    response = client.post(f"/admin/organisations/{rsmh}", data={"name": "RSMH Mellanå", "kind": "planet"})
    assert response.status_code == 422
    listing = client.get("/admin/organisations").text
    assert "Brukar-/anhörig-/intresseorganisation" in table_row(listing, "RSMH Mellanå")


def test_unknown_ids_are_404(client, admin):
    for path in ("/admin/users/999999/edit", "/admin/groups/999999/edit", "/admin/organisations/999999/edit"):
        assert client.get(path).status_code == 404


# -- what the administrator may not do ------------------------------------------------------


@pytest.mark.parametrize("path", ["", "/members", "/settings", "/audit"])
def test_admin_never_reads_group_content(client, admin, path):
    response = client.get(f"/groups/{admin.group_id}{path}")
    assert response.status_code == 404
    assert "systemfel" not in response.text
    assert "Karin Lindqvist" not in response.text


@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        (permissions.CHAIR, "get", "/admin/"),
        (permissions.OMBUD, "get", "/admin/groups"),
        (permissions.MEMBER, "post", "/admin/users"),
        (permissions.OTHER_GROUP, "post", "/admin/organisations"),
    ],
)
def test_other_roles_get_403_and_change_nothing(app, client, auth, demo, role, method, path):
    auth.login_as(role)
    users, organisations = count(app, User), count(app, Organisation)
    data = {**user_form(), "kind": "other"}
    response = client.get(path) if method == "get" else client.post(path, data=data)
    assert response.status_code == 403
    assert "Åtkomst nekad" in response.text
    assert (count(app, User), count(app, Organisation)) == (users, organisations)


def test_anonymous_visitors_are_sent_to_login(client, demo):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# -- the audit trail of admin writes --------------------------------------------------------


def test_creating_a_group_writes_audit_rows_by_the_admin(app, client, admin):
    client.post("/admin/groups", data=group_form())
    created = find_group(app, "Ledningsgruppen i Västby")
    rows = audit_rows(app, group_id=created.id)
    kinds = sorted(
        (row.object_type, row.action)
        for row in rows
        if not row.object_type.startswith(("agenda_", "template_"))
    )
    # the standard agenda templates come with every new group, audited too
    assert {(row.object_type, row.action) for row in rows} >= {
        ("agenda_template", "insert"),
        ("template_item", "insert"),
    }
    assert kinds == [
        ("membership", "insert"),
        ("municipality", "insert"),
        ("municipality", "insert"),
        ("municipality", "insert"),
        ("po_group", "insert"),
    ]
    assert {row.actor_id for row in rows} == {admin.users["admin@demo.se"]}
    chair = next(row for row in rows if row.object_type == "membership")
    assert chair.changes["role"] == [None, "chair"]


def test_creating_an_account_is_audited_without_the_password_hash(app, client, admin):
    client.post("/admin/users", data=user_form())
    created = find_user(app, "nils.nilsson@example.se")
    [row] = audit_rows(app, object_type="user_account", object_id=created.id)
    assert (row.action, row.actor_id) == ("insert", admin.users["admin@demo.se"])
    assert row.changes["email"] == [None, "nils.nilsson@example.se"]
    assert row.changes["password_hash"] == REDACTED
    assert created.password_hash not in str(row.changes)


def test_disabling_and_changing_organisations_are_audited(app, client, admin):
    client.post(f"/admin/users/{admin.users[SAMPLE]}/disable")
    [row] = audit_rows(app, object_type="user_account", object_id=admin.users[SAMPLE], action="update")
    assert row.actor_id == admin.users["admin@demo.se"]
    assert row.changes["is_disabled"] == [False, True]

    rsmh = admin.organisations["RSMH Mellanå"]
    client.post(f"/admin/organisations/{rsmh}", data={"name": "RSMH Mellanå", "kind": "other"})
    [row] = audit_rows(app, object_type="organisation", object_id=rsmh, action="update")
    assert row.changes == {"kind": ["user_organisation", "other"]}


def test_appointing_a_chair_audits_both_role_changes(app, client, admin):
    before = audit_rows(app)[-1].id  # the demo's own rows stay out of the count
    client.post(f"/admin/groups/{admin.group_id}/chair", data={"email": "vice@demo.se"})
    rows = audit_rows(app, object_type="membership", action="update", group_id=admin.group_id)
    changes = {row.object_id: row.changes for row in rows if row.id > before}
    assert changes == {
        admin.membership("ordforande@demo.se"): {"role": ["chair", "member"]},
        admin.membership("vice@demo.se"): {"role": ["vice_chair", "chair"]},
    }


# -- services -------------------------------------------------------------------------------


def test_services_refuse_a_duplicate_email_in_any_case(app_ctx, demo):
    with pytest.raises(DomainError, match="redan ett konto"):
        services.create_user(" LEDAMOT@demo.se ", "Någon", "ett-bra-losenord")


def test_services_store_the_email_in_lower_case_and_trim_name_and_title(app_ctx, demo):
    created = services.create_user(" Ny.Person@Example.SE ", "  Ny Person ", "ett-bra-losenord", title="   ")
    assert (created.email, created.name, created.title) == ("ny.person@example.se", "Ny Person", None)


def test_services_disable_and_enable_only_once(app_ctx, demo):
    admin_user = db.session.get(User, demo.users["admin@demo.se"])
    maria = db.session.get(User, demo.users[SAMPLE])
    epoch = maria.session_epoch
    services.disable_user(maria, admin_user)
    assert maria.is_disabled and maria.session_epoch == epoch + 1
    with pytest.raises(DomainError, match="redan avstängt"):
        services.disable_user(maria, admin_user)
    services.enable_user(maria)
    with pytest.raises(DomainError, match="redan aktivt"):
        services.enable_user(maria)
    with pytest.raises(DomainError, match="ditt eget konto"):
        services.disable_user(admin_user, admin_user)


def test_services_reset_password_bumps_the_session_epoch(app_ctx, demo):
    maria = db.session.get(User, demo.users[SAMPLE])
    epoch, old_hash = maria.session_epoch, maria.password_hash
    services.reset_password(maria, "ett-nytt-losenord")
    assert maria.session_epoch == epoch + 1
    assert maria.password_hash != old_hash


def test_services_organisation_names_are_unique_in_any_case(app_ctx, demo):
    with pytest.raises(DomainError, match="redan en organisation"):
        services.create_organisation("ÅSBY KOMMUN, SOCIALTJÄNSTEN", "municipality")
    rsmh = db.session.get(Organisation, demo.organisations["RSMH Mellanå"])
    assert services.update_organisation(rsmh, " RSMH Mellanå ", "other").name == "RSMH Mellanå"
