"""Routes for a group's page, its members, settings and audit trail."""

from flask import abort, g, render_template, url_for

from .. import answers
from ..answers import View
from ..htmx import render
from . import bp, services, views
from .forms import GroupSettingsForm, MembershipForm, NewMemberForm


def _membership_or_404(membership_id: int):
    """Return a membership of the current group, or answer 404."""
    membership = services.get_membership(g.group, membership_id)
    if membership is None:
        abort(404)
    return membership


@bp.get("/<int:group_id>")
def show(group_id):
    """Show the group and its members."""
    members = services.sort_members(services.active_memberships(g.group))
    return render_template("groups/show.html", group=g.group, members=members)


@bp.get("/<int:group_id>/members")
def members(group_id):
    """List the members for the chair to manage."""
    members = services.sort_members(services.active_memberships(g.group))
    return render_template(
        "groups/members.html",
        group=g.group,
        members=members,
        ended=services.ended_memberships(g.group),
    )


@bp.get("/<int:group_id>/members/new")
def new_member(group_id):
    """Show the form to add a member."""
    form = views.membership_form(NewMemberForm)
    return render_template("groups/new_member.html", group=g.group, form=form)


@bp.post("/<int:group_id>/members")
def create_member(group_id):
    """Add an existing account to the group."""
    form = views.membership_form(NewMemberForm)
    done = answers.attempt(
        lambda: services.add_member(g.group, form.account, **views.membership_values(form)),
        form=form,
        field=form.role,
        once=True,
    )
    if done:
        membership = done.value
        return answers.saved(
            f"{membership.user.name} är nu {membership.role_label.lower()} i gruppen.", to=views.members_url()
        )
    return answers.refused(page=View("groups/new_member.html", {"group": g.group, "form": form}))


@bp.get("/<int:group_id>/members/<int:membership_id>")
def show_member(group_id, membership_id):
    """Show one member (the row of the member list for htmx)."""
    membership = _membership_or_404(membership_id)
    return render(views.MEMBER_PAGE, views.MEMBER, group=g.group, member=membership, focus=True)


@bp.get("/<int:group_id>/members/<int:membership_id>/edit")
def edit_member(group_id, membership_id):
    """Show the form to change a member's role (inline in the list for htmx)."""
    membership = _membership_or_404(membership_id)
    if not membership.is_active:
        abort(404)
    form = views.membership_form(MembershipForm, membership)
    return render(views.EDIT_MEMBER_PAGE, views.MEMBER_FORM, group=g.group, member=membership, form=form)


@bp.post("/<int:group_id>/members/<int:membership_id>")
def update_member(group_id, membership_id):
    """Change a member's role, organisation or whom they stand in for."""
    membership = _membership_or_404(membership_id)
    form = views.membership_form(MembershipForm, membership)
    done = answers.attempt(
        lambda: services.update_member(membership, **views.membership_values(form)),
        form=form,
        field=form.role,
    )
    if done:
        return answers.saved(
            f"Uppgifterna för {membership.user.name} är sparade.",
            to=views.members_url(),
            fragment=views.member(membership, focus=True),
        )
    return answers.refused(
        fragment=views.member_form(membership, form), page=views.member_form(membership, form, page=True)
    )


@bp.post("/<int:group_id>/members/<int:membership_id>/end")
def end_member(group_id, membership_id):
    """End a membership; the person leaves the group but the record stays."""
    membership = _membership_or_404(membership_id)
    done = answers.attempt(services.end_member, membership)
    if done:
        return answers.saved(
            f"{membership.user.name} har lämnat gruppen.",
            to=views.members_url(),
            fragment=views.member(membership),
        )
    return answers.refused(
        fragment=views.member(membership, error=done.message),
        page=answers.back_to(views.members_url()),
        message=done.message,
    )


@bp.get("/<int:group_id>/settings")
def settings(group_id):
    """Show the group's settings."""
    form = GroupSettingsForm(obj=g.group)
    return render_template("groups/settings.html", group=g.group, form=form)


@bp.post("/<int:group_id>/settings")
def update_settings(group_id):
    """Save the group's settings."""
    form = GroupSettingsForm()
    done = answers.attempt(
        services.update_settings,
        g.group,
        form.default_meeting_minutes.data,
        form.is_confidential_by_default.data,
        form.mandate.data or "",
        form.chair_has_casting_vote.data,
        form=form,
        field=form.default_meeting_minutes,
    )
    if done:
        return answers.saved(
            "Inställningarna är sparade.", to=url_for("groups.settings", group_id=g.group.id)
        )
    return answers.refused(page=View("groups/settings.html", lambda: {"group": g.group, "form": form}))


@bp.get("/<int:group_id>/audit")
def audit(group_id):
    """Show the group's audit trail, optionally for one object."""
    return render(views.AUDIT_PAGE, views.AUDIT_EVENTS, **views.audit_context())
