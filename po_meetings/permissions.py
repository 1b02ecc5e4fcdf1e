"""Permissions as data: for every endpoint, the roles that may use it.

A request is checked against :data:`PERMISSIONS` before its view runs (see :func:`init_app`).
For an endpoint with ``group_id`` in its URL, the caller's role is their role in *that* group;
a signed-in user without one is :data:`ADMIN` (if an administrator) or :data:`OTHER_GROUP`.
Elsewhere a user holds every role they have in any group, plus :data:`ADMIN` if they are one;
a user with neither counts as :data:`OTHER_GROUP`.

Denied: anonymous users are sent to the login page; a user with no role in the group gets 404
(the group's existence and data stay hidden); anyone else gets 403. The tests walk
``app.url_map`` and fail on an endpoint missing here, and request every endpoint as every role.
"""

from __future__ import annotations

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from .extensions import db
from .models import Group, Membership, Role

ANONYMOUS = "anonymous"
ADMIN = "admin"
CHAIR = Role.CHAIR.value
VICE_CHAIR = Role.VICE_CHAIR.value
MEMBER = Role.MEMBER.value
SUBSTITUTE = Role.SUBSTITUTE.value
CO_OPTED = Role.CO_OPTED.value
OMBUD = Role.OMBUD.value
OTHER_GROUP = "other_group"

#: Every role a request can have, in the order the tests report them.
ALL_ROLES = (ANONYMOUS, ADMIN, CHAIR, VICE_CHAIR, MEMBER, SUBSTITUTE, CO_OPTED, OMBUD, OTHER_GROUP)

EVERYONE = frozenset(ALL_ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
ADMINS = frozenset({ADMIN})
#: Everyone with a role in the group, ombuds included.
GROUP = frozenset({CHAIR, VICE_CHAIR, MEMBER, SUBSTITUTE, CO_OPTED, OMBUD})
#: Those who lead the group: the chair, and the vice chair acting as chair.
LEADERS = frozenset({CHAIR, VICE_CHAIR})
#: Members with a seat (ordinary or substitute): they may own and move on system errors.
MEMBERS = frozenset({CHAIR, VICE_CHAIR, MEMBER, SUBSTITUTE})
#: Those who report the group's client statistics: its ombuds, the chair and the vice chair.
STATISTICS_REPORTERS = frozenset({OMBUD, CHAIR, VICE_CHAIR})

PERMISSIONS: dict[str, frozenset[str]] = {
    "static": EVERYONE,
    # main
    "main.index": SIGNED_IN,
    # the start page's one-click changes (the services check whose uppdrag and answer it is)
    "main.update_action": MEMBERS,
    "main.respond": GROUP,
    # auth and the user's own account
    "auth.login_form": EVERYONE,
    "auth.login": EVERYONE,
    "auth.logout": SIGNED_IN,
    "auth.account": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    # a group and its members
    "groups.show": GROUP,
    "groups.members": LEADERS,
    "groups.new_member": LEADERS,
    "groups.create_member": LEADERS,
    "groups.edit_member": LEADERS,
    "groups.show_member": LEADERS,
    "groups.update_member": LEADERS,
    "groups.end_member": LEADERS,
    "groups.settings": LEADERS,
    "groups.update_settings": LEADERS,
    "groups.audit": LEADERS,
    # agenda templates (typagenda)
    "agendas.index": LEADERS,
    "agendas.new": LEADERS,
    "agendas.create": LEADERS,
    "agendas.show": LEADERS,
    "agendas.update": LEADERS,
    "agendas.delete": LEADERS,
    "agendas.create_item": LEADERS,
    "agendas.show_item": LEADERS,
    "agendas.edit_item": LEADERS,
    "agendas.update_item": LEADERS,
    "agendas.move_item": LEADERS,
    "agendas.delete_item": LEADERS,
    # meetings, their agendas, topic intake and answers
    "meetings.index": GROUP,
    "meetings.new": LEADERS,
    "meetings.create": LEADERS,
    "meetings.show": GROUP,
    "meetings.edit": LEADERS,
    "meetings.update": LEADERS,
    "meetings.publish": LEADERS,
    "meetings.unpublish": LEADERS,
    "meetings.cancel": LEADERS,
    "meetings.start": LEADERS,
    "meetings.close": LEADERS,
    "meetings.create_item": LEADERS,
    "meetings.show_item": GROUP,
    "meetings.edit_item": LEADERS,
    "meetings.update_item": LEADERS,
    "meetings.move_item": LEADERS,
    "meetings.delete_item": LEADERS,
    "meetings.new_proposal": GROUP,
    "meetings.create_proposal": GROUP,
    "meetings.accept_proposal": LEADERS,
    "meetings.decline_proposal": LEADERS,
    "meetings.respond": GROUP,
    "meetings.ics": GROUP,
    "meetings.kallelse_view": GROUP,
    "meetings.kallelse_pdf": GROUP,
    # minutes and decisions (services check the meeting's own chair, secretary and justerare)
    "minutes.show": GROUP,
    "minutes.update_officers": MEMBERS,
    "minutes.save_attendance": MEMBERS,
    "minutes.create_paragraph": MEMBERS,
    "minutes.show_paragraph": GROUP,
    "minutes.edit_paragraph": MEMBERS,
    "minutes.update_paragraph": MEMBERS,
    "minutes.paragraph_confidentiality": MEMBERS,
    "minutes.release_paragraph": LEADERS,
    "minutes.approve_paragraph": MEMBERS,
    "minutes.table_paragraph": MEMBERS,
    "minutes.untable_paragraph": MEMBERS,
    "minutes.take_up_tabled": MEMBERS,
    "minutes.create_guest": MEMBERS,
    "minutes.delete_guest": MEMBERS,
    "minutes.create_recusal": MEMBERS,
    "minutes.delete_recusal": MEMBERS,
    "minutes.create_note": GROUP,
    "minutes.decide_note": MEMBERS,
    "minutes.create_decision": MEMBERS,
    "minutes.edit_decision": MEMBERS,
    "minutes.update_decision": MEMBERS,
    "minutes.delete_decision": MEMBERS,
    "minutes.record_votes": MEMBERS,
    "minutes.delete_vote": MEMBERS,
    "minutes.create_reservation": MEMBERS,
    "minutes.motivate_reservation": MEMBERS,
    "minutes.create_action": MEMBERS,
    "minutes.link_report": MEMBERS,
    "minutes.justera": MEMBERS,
    "minutes.withdraw_justering": MEMBERS,
    "minutes.create_correction": LEADERS,
    "minutes.print_view": GROUP,
    "minutes.pdf": GROUP,
    "minutes.extract_pdf": GROUP,
    # client statistics per quarter (aggregate counts only)
    "statistics.index": GROUP,
    "statistics.edit": STATISTICS_REPORTERS,
    "statistics.save": STATISTICS_REPORTERS,
    "statistics.categories": LEADERS,
    "statistics.update_categories": LEADERS,
    # the yearly report to Länsstyrelsen: the group reads it, the chair or vice chair writes it
    "annual_reports.index": GROUP,
    "annual_reports.create": LEADERS,
    "annual_reports.show": GROUP,
    "annual_reports.edit": LEADERS,
    "annual_reports.update": LEADERS,
    "annual_reports.refresh": LEADERS,
    "annual_reports.confirm_finalise": LEADERS,
    "annual_reports.finalise": LEADERS,
    "annual_reports.correct": LEADERS,
    "annual_reports.version": GROUP,
    "annual_reports.pdf": GROUP,
    "annual_reports.docx": GROUP,
    "annual_reports.version_pdf": GROUP,
    "annual_reports.version_docx": GROUP,
    # follow-up between meetings: action items and återrapportering
    "follow_up.index": GROUP,
    "follow_up.update_action": MEMBERS,
    "follow_up.complete_organisation": MEMBERS,
    # the decision log (confidential §§ left out for ombuds and co-opted members)
    "decisions.index": GROUP,
    "decisions.export": GROUP,
    # the group search (each kind left out as its own pages would: confidential matter, drafts)
    "search.index": GROUP,
    # the systemfel register (services check owner/author rules on top of these)
    "system_errors.index": GROUP,
    "system_errors.export": GROUP,
    "system_errors.mine": GROUP,
    "system_errors.new": GROUP,
    "system_errors.create": GROUP,
    "system_errors.categories": GROUP,
    "system_errors.similar": GROUP,
    "system_errors.show": GROUP,
    "system_errors.edit": GROUP,
    "system_errors.update": GROUP,
    "system_errors.new_occurrence": GROUP,
    "system_errors.add_occurrence": GROUP,
    "system_errors.comment": GROUP,
    "system_errors.follow": GROUP,
    "system_errors.unfollow": GROUP,
    "system_errors.transition": MEMBERS,
    "system_errors.reclassify": MEMBERS,
    "system_errors.escalate": MEMBERS,
    "system_errors.record_reply": MEMBERS,
    "system_errors.set_owner": LEADERS,
    "system_errors.confidentiality": LEADERS,
    # calendars: the feed is authenticated by its secret token, not by a session
    "calendar.feed": EVERYONE,
    "auth.create_calendar_token": SIGNED_IN,
    "auth.revoke_calendar_token": SIGNED_IN,
    "auth.update_notifications": SIGNED_IN,
    # system administration: groups, accounts and organisations, never group content
    "admin.index": ADMINS,
    "admin.users": ADMINS,
    "admin.new_user": ADMINS,
    "admin.create_user": ADMINS,
    "admin.edit_user": ADMINS,
    "admin.update_user": ADMINS,
    "admin.disable_user": ADMINS,
    "admin.enable_user": ADMINS,
    "admin.reset_password": ADMINS,
    "admin.groups": ADMINS,
    "admin.new_group": ADMINS,
    "admin.create_group": ADMINS,
    "admin.edit_group": ADMINS,
    "admin.update_group": ADMINS,
    "admin.appoint_chair": ADMINS,
    "admin.organisations": ADMINS,
    "admin.new_organisation": ADMINS,
    "admin.create_organisation": ADMINS,
    "admin.edit_organisation": ADMINS,
    "admin.update_organisation": ADMINS,
}


def my_memberships() -> list[Membership]:
    """Return the caller's active memberships with their groups and organisations, by group name.

    Loaded once per request, in one query: the permission check finds the group of the URL and
    the caller's membership there among them, the header lists them, the start page shows them.
    """
    if not current_user.is_authenticated:
        return []
    if "my_memberships" not in g:
        g.my_memberships = db.session.scalars(
            select(Membership)
            .join(Membership.group)
            .options(contains_eager(Membership.group), joinedload(Membership.organisation))
            .where(Membership.user_id == current_user.id, Membership.ended_at.is_(None))
            .order_by(Group.name, Membership.id)
        ).all()
    return g.my_memberships


def roles_for(user, group: Group | None, membership: Membership | None = None) -> frozenset[str]:
    """Return the roles the user holds for a request, in a group or outside any.

    Inside a group, pass the user's active membership there (or None).
    """
    if not user.is_authenticated:
        return frozenset({ANONYMOUS})
    if group is not None:
        if membership is not None:
            return frozenset({membership.role})
        return frozenset({ADMIN if user.is_admin else OTHER_GROUP})
    if user.get_id() == current_user.get_id():
        roles = {m.role for m in my_memberships()}  # the caller's, loaded once per request
    else:
        roles = {m.role for m in user.memberships if m.ended_at is None}
    if user.is_admin:
        roles.add(ADMIN)
    return frozenset(roles or {OTHER_GROUP})


def has_role(*roles: str) -> bool:
    """Return whether the current request's caller holds one of the roles."""
    return bool(g.get("roles", frozenset()) & set(roles))


def can(endpoint: str) -> bool:
    """Return whether the caller of the current request may use an endpoint (same group)."""
    return bool(g.get("roles", frozenset()) & PERMISSIONS.get(endpoint, frozenset()))


def check_request():
    """Allow or deny the current request by the permission table (a before_request hook)."""
    endpoint = request.endpoint
    if endpoint is None:
        return None  # no route matched: Flask answers 404 or 405
    allowed = PERMISSIONS.get(endpoint)
    if allowed is None:
        current_app.logger.error("endpoint %s is missing from the permission table", endpoint)
        abort(403)
    if allowed == EVERYONE:
        g.roles = roles_for(current_user, None)
        return None

    group, membership = None, None
    group_id = (request.view_args or {}).get("group_id")
    if group_id is not None:
        # A member's group comes with their membership; anyone else's (an admin's) is looked up.
        membership = next((m for m in my_memberships() if m.group_id == group_id), None)
        group = membership.group if membership is not None else db.session.get(Group, group_id)
        if group is None:
            abort(404)
    g.group = group
    g.membership = membership
    roles = roles_for(current_user, group, g.membership)
    g.roles = roles

    if roles & allowed:
        return None
    if ANONYMOUS in roles:
        return redirect(url_for("auth.login_form", next=request.full_path.rstrip("?")))
    if group is not None and roles & {ADMIN, OTHER_GROUP}:
        abort(404)
    abort(403)


def init_app(app) -> None:
    """Check every request against the permission table."""
    app.before_request(check_request)
    app.jinja_env.globals["can"] = can
