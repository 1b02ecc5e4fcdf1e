"""Concrete URLs for every endpoint, built from the demo data, for the permission and browser tests."""

from __future__ import annotations

from flask import Flask, url_for

from po_meetings.dates import local
from po_meetings.models import utcnow

#: The account the admin endpoints act on: not one of the role personas, so that disabling it
#: or changing its password leaves every persona able to log in.
SAMPLE_USER = "ledamot.rsmh@demo.se"
SAMPLE_ORGANISATION = "RSMH Mellanå"


_PARAGRAPH = ("paragraph_id",)
_DECISION = ("decision_id",)
#: The object ids in each minutes and follow-up URL (besides group_id and meeting_id).
MINUTES_ENDPOINT_ARGS = {
    "minutes.show_paragraph": _PARAGRAPH,
    "minutes.edit_paragraph": _PARAGRAPH,
    "minutes.update_paragraph": _PARAGRAPH,
    "minutes.paragraph_confidentiality": _PARAGRAPH,
    "minutes.release_paragraph": _PARAGRAPH,
    "minutes.approve_paragraph": _PARAGRAPH,
    "minutes.table_paragraph": _PARAGRAPH,
    "minutes.untable_paragraph": _PARAGRAPH,
    "minutes.take_up_tabled": _PARAGRAPH,
    "minutes.create_guest": _PARAGRAPH,
    "minutes.create_recusal": _PARAGRAPH,
    "minutes.create_note": _PARAGRAPH,
    "minutes.create_decision": _PARAGRAPH,
    "minutes.extract_pdf": _PARAGRAPH,
    "minutes.delete_guest": ("guest_id",),
    "minutes.delete_recusal": ("recusal_id",),
    "minutes.decide_note": ("note_id",),
    "minutes.edit_decision": _DECISION,
    "minutes.update_decision": _DECISION,
    "minutes.delete_decision": _DECISION,
    "minutes.record_votes": _DECISION,
    "minutes.create_reservation": _DECISION,
    "minutes.create_action": _DECISION,
    "minutes.link_report": _DECISION,
    "minutes.delete_vote": ("vote_id",),
    "minutes.motivate_reservation": ("reservation_id",),
    "follow_up.update_action": ("action_id",),
    "follow_up.complete_organisation": ("follow_up_id",),
}


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
    if endpoint.startswith("decisions."):
        args["group_id"] = demo.group_id
    if endpoint == "search.index":
        args["group_id"] = demo.group_id
    if endpoint.startswith("statistics."):
        args["group_id"] = demo.group_id
    if endpoint in {"statistics.edit", "statistics.save"}:
        # Last year's fourth quarter: the demo has entered it.
        args.update(year=local(utcnow()).year - 1, quarter=4)
    if endpoint.startswith("annual_reports."):
        # Last year's report: the demo has drafted it (and finalised its first version).
        args["group_id"] = demo.group_id
        if endpoint not in {"annual_reports.index", "annual_reports.create"}:
            args["year"] = local(utcnow()).year - 1
        if endpoint.startswith("annual_reports.version"):
            args["number"] = 1
    if endpoint.startswith(("minutes.", "follow_up.")):
        # The minutes of the latest justerade demo meeting, and one object of each kind in them.
        args["group_id"] = demo.group_id
        if endpoint.startswith("minutes."):
            args["meeting_id"] = demo.minutes["past_meeting_id"]
        for name in MINUTES_ENDPOINT_ARGS.get(endpoint, ()):
            args[name] = demo.minutes[name]
    # The start page's buttons: an open uppdrag of the demo minutes, the coming meeting.
    if endpoint == "main.update_action":
        args.update(group_id=demo.group_id, action_id=demo.minutes["action_id"])
    if endpoint == "main.respond":
        args.update(group_id=demo.group_id, meeting_id=demo.meeting_id)
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
