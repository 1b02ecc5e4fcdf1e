"""Concrete URLs for every endpoint, built from the demo data, for the permission and browser tests."""

from __future__ import annotations

from flask import Flask, url_for

#: The account the admin endpoints act on: not one of the role personas, so that disabling it
#: or changing its password leaves every persona able to log in.
SAMPLE_USER = "ledamot.rsmh@demo.se"
SAMPLE_ORGANISATION = "RSMH Mellanå"


def url_args(endpoint: str, demo) -> dict:
    """Return URL arguments that make an endpoint's URL point at demo data of the Mellanå group."""
    args: dict = {}
    if endpoint == "static":
        return {"filename": "app.css"}
    if endpoint.startswith("groups."):
        args["group_id"] = demo.group_id
    if endpoint in {"groups.show_member", "groups.edit_member", "groups.update_member", "groups.end_member"}:
        args["membership_id"] = demo.membership(SAMPLE_USER)
    if (
        endpoint.startswith("admin.")
        and endpoint.endswith(("_user", "_password"))
        and not endpoint.endswith(("new_user", "create_user"))
    ):
        args["id"] = demo.users[SAMPLE_USER]
    if (
        endpoint.startswith("admin.")
        and endpoint.endswith("_organisation")
        and not endpoint.endswith(("new_organisation", "create_organisation"))
    ):
        args["id"] = demo.organisations[SAMPLE_ORGANISATION]
    if endpoint in {"admin.edit_group", "admin.update_group", "admin.appoint_chair"}:
        args["id"] = demo.group_id
    if endpoint.startswith(("agendas.", "meetings.")):
        args["group_id"] = demo.group_id
    if endpoint.startswith("agendas.") and endpoint not in {"agendas.index", "agendas.new", "agendas.create"}:
        args["template_id"] = demo.template_id
    if endpoint.startswith("agendas.") and endpoint.endswith("_item") and endpoint != "agendas.create_item":
        args["item_id"] = demo.template_item_id
    if endpoint.startswith("meetings.") and endpoint not in {
        "meetings.index",
        "meetings.new",
        "meetings.create",
    }:
        args["meeting_id"] = demo.meeting_id
    if endpoint.startswith("meetings.") and endpoint.endswith("_item") and endpoint != "meetings.create_item":
        args["item_id"] = demo.agenda_item_id
    if endpoint in {"meetings.accept_proposal", "meetings.decline_proposal"}:
        args["proposal_id"] = demo.proposal_ids[0]
    if endpoint.startswith("system_errors."):
        args["group_id"] = demo.group_id
    if endpoint.startswith("system_errors.") and endpoint not in {
        "system_errors.index",
        "system_errors.export",
        "system_errors.mine",
        "system_errors.new",
        "system_errors.create",
        "system_errors.categories",
        "system_errors.similar",
    }:
        args["number"] = demo.report_number
    if endpoint == "system_errors.record_reply":
        args["escalation_id"] = demo.escalation_id
    if endpoint == "calendar.feed":
        args["token"] = demo.calendar_token  # the feed is open to every role, by its token
    return args


def endpoint_urls(app: Flask, demo) -> list[tuple[str, str, str]]:
    """Return (endpoint, method, url) for every route of the app."""
    result = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                result.append(
                    (rule.endpoint, method, url_for(rule.endpoint, **url_args(rule.endpoint, demo)))
                )
    return sorted(result)
