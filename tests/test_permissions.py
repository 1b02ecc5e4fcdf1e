"""The permission table is complete, and every endpoint answers every role as the table says."""

import pytest
from flask import Flask

from po_meetings import create_app, permissions
from po_meetings.permissions import ADMIN, ALL_ROLES, ANONYMOUS, OTHER_GROUP, PERMISSIONS

from .conftest import _test_config
from .support.endpoints import endpoint_urls, url_args


def _rules_app() -> Flask:
    """Return an app just for reading its URL map at collection time."""
    return create_app(_test_config("sqlite://"))


RULES = sorted(
    (rule.endpoint, method)
    for rule in _rules_app().url_map.iter_rules()
    for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
)


def test_every_endpoint_is_in_the_permission_table(app):
    """An endpoint missing from the table fails here (and is refused at run time)."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - PERMISSIONS.keys())
    assert not missing, f"add these endpoints to po_meetings.permissions.PERMISSIONS: {missing}"


def test_the_table_names_no_endpoint_that_does_not_exist(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(PERMISSIONS.keys() - endpoints) == []


def test_the_table_uses_only_known_roles():
    for endpoint, roles in PERMISSIONS.items():
        assert roles <= set(ALL_ROLES), endpoint
        assert roles, f"{endpoint} allows nobody"


def test_an_endpoint_missing_from_the_table_is_refused(app, client, auth, demo, monkeypatch):
    monkeypatch.delitem(PERMISSIONS, "auth.account")
    auth.login_as(permissions.CHAIR)
    assert client.get("/account").status_code == 403


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers.get("Location", "")


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(("endpoint", "method"), RULES)
def test_every_endpoint_answers_every_role_as_the_table_says(app, client, auth, demo, endpoint, method, role):
    with app.test_request_context():
        from flask import url_for

        url = url_for(endpoint, **url_args(endpoint, demo))
    auth.login_as(role)
    response = client.post(url) if method == "POST" else client.open(url, method=method)
    response.close()
    allowed = role in PERMISSIONS[endpoint]

    assert response.status_code < 500, f"{method} {url} as {role}: {response.status_code}"
    if allowed:
        assert response.status_code not in (403, 404), f"{method} {url} should be allowed for {role}"
        assert not _is_login_redirect(response)
    elif role == ANONYMOUS:
        assert _is_login_redirect(response), f"{method} {url} should send {role} to the login page"
    elif "group_id" in url_args(endpoint, demo) and role in (ADMIN, OTHER_GROUP):
        # Another group's things answer 404: not even their existence shows.
        assert response.status_code == 404, f"{method} {url} as {role}: {response.status_code}"
    else:
        assert response.status_code == 403, f"{method} {url} as {role}: {response.status_code}"


def test_another_groups_page_shows_none_of_its_data(client, auth, demo):
    auth.login_as(permissions.OTHER_GROUP)  # the chair of the Norrsjö group
    response = client.get(f"/groups/{demo.group_id}")
    assert response.status_code == 404
    assert "Mellanå" not in response.text
    assert "Karin Lindqvist" not in response.text


def test_an_unknown_group_answers_404(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    assert client.get("/groups/999999").status_code == 404


def test_a_membership_of_another_group_answers_404_under_this_group(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    foreign = demo.membership("vice@demo.se", demo.other_group_id)
    assert client.get(f"/groups/{demo.group_id}/members/{foreign}").status_code == 404
    assert client.get(f"/groups/{demo.group_id}/members/{foreign}/edit").status_code == 404
    assert client.post(f"/groups/{demo.group_id}/members/{foreign}/end").status_code == 404


def test_a_person_in_two_groups_has_each_groups_role(client, auth, demo):
    auth.login_as(permissions.VICE_CHAIR)  # vice chair in Mellanå, ordinary member in Norrsjö
    assert client.get(f"/groups/{demo.group_id}/members").status_code == 200
    assert client.get(f"/groups/{demo.other_group_id}").status_code == 200
    assert client.get(f"/groups/{demo.other_group_id}/members").status_code == 403


def test_endpoint_urls_cover_every_rule(app, demo):
    urls = endpoint_urls(app, demo)
    assert {(endpoint, method) for endpoint, method, _ in urls} == set(RULES)
