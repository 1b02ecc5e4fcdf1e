"""Routes for a group's page, its members, settings and audit trail."""

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from ..auth.services import find_user_by_email
from ..domain import DomainError, commit_or_error
from ..extensions import db
from ..forms import options
from ..htmx import render, wants_fragment
from ..inputs import int_arg
from ..models import Membership, Organisation
from ..models.audit import REDACTED
from ..models.base import Audited
from . import bp, services
from .forms import AuditFilterForm, GroupSettingsForm, MembershipForm, NewMemberForm


def _organisations() -> list[Organisation]:
    """Return every organisation, by name."""
    return db.session.scalars(select(Organisation).order_by(Organisation.name)).all()


def _membership_or_404(membership_id: int):
    """Return a membership of the current group, or answer 404."""
    membership = services.get_membership(g.group, membership_id)
    if membership is None:
        abort(404)
    return membership


def _membership_form(form_class, membership=None, **kwargs):
    """Build a membership form with its choices filled in."""
    form = form_class(obj=membership, **kwargs)
    form.set_choices(
        _organisations(),
        services.ordinary_members(g.group),
        exclude_id=membership.id if membership else None,
    )
    return form


def _lookup(model, object_id):
    """Return the object for an id chosen in a form, or None."""
    return db.session.get(model, object_id) if object_id is not None else None


def _membership_values(form: MembershipForm) -> dict:
    """Turn a validated membership form into service arguments."""
    return {
        "role": form.role_value,
        "organisation": _lookup(Organisation, form.organisation_id.data),
        "substitute_for": _lookup(Membership, form.substitute_for_id.data),
        "substitute_for_organisation": _lookup(Organisation, form.substitute_for_organisation_id.data),
    }


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
    form = _membership_form(NewMemberForm)
    return render_template("groups/new_member.html", group=g.group, form=form)


@bp.post("/<int:group_id>/members")
def create_member(group_id):
    """Add an existing account to the group."""
    form = _membership_form(NewMemberForm)
    if form.validate():
        user = find_user_by_email(form.email.data)
        if user is None:
            form.email.errors.append(
                "Det finns inget konto med den e-postadressen. Be systemadministratören skapa kontot först."
            )
        else:
            membership = commit_or_error(
                form.role, services.add_member, g.group, user, **_membership_values(form)
            )
            if membership is not None:
                flash(f"{membership.user.name} är nu {membership.role_label.lower()} i gruppen.", "success")
                return redirect(url_for("groups.members", group_id=g.group.id), code=303)
    return render_template("groups/new_member.html", group=g.group, form=form), 422


@bp.get("/<int:group_id>/members/<int:membership_id>")
def show_member(group_id, membership_id):
    """Show one member (the row of the member list for htmx)."""
    membership = _membership_or_404(membership_id)
    return render("groups/member.html", "groups/_member.html", group=g.group, member=membership, focus=True)


@bp.get("/<int:group_id>/members/<int:membership_id>/edit")
def edit_member(group_id, membership_id):
    """Show the form to change a member's role (inline in the list for htmx)."""
    membership = _membership_or_404(membership_id)
    if not membership.is_active:
        abort(404)
    form = _membership_form(MembershipForm, membership)
    return render(
        "groups/edit_member.html", "groups/_member_form.html", group=g.group, member=membership, form=form
    )


@bp.post("/<int:group_id>/members/<int:membership_id>")
def update_member(group_id, membership_id):
    """Change a member's role, organisation or whom they stand in for."""
    membership = _membership_or_404(membership_id)
    form = _membership_form(MembershipForm, membership)
    if form.validate() and commit_or_error(
        form.role, services.update_member, membership, **_membership_values(form)
    ):
        if wants_fragment():
            return render(
                "groups/member.html", "groups/_member.html", group=g.group, member=membership, focus=True
            )
        flash(f"Uppgifterna för {membership.user.name} är sparade.", "success")
        return redirect(url_for("groups.members", group_id=g.group.id), code=303)
    # htmx 2 does not swap 4xx responses, so an inline form with errors comes back as 200.
    status = 200 if wants_fragment() else 422
    return render(
        "groups/edit_member.html",
        "groups/_member_form.html",
        status=status,
        group=g.group,
        member=membership,
        form=form,
    )


@bp.post("/<int:group_id>/members/<int:membership_id>/end")
def end_member(group_id, membership_id):
    """End a membership; the person leaves the group but the record stays."""
    membership = _membership_or_404(membership_id)
    try:
        services.end_member(membership)
    except DomainError as error:
        db.session.rollback()
        if wants_fragment():
            return render(
                "groups/member.html",
                "groups/_member.html",
                group=g.group,
                member=membership,
                error=str(error),
            )
        flash(str(error), "error")
        return redirect(url_for("groups.members", group_id=g.group.id), code=303)
    db.session.commit()
    if wants_fragment():
        return render("groups/member.html", "groups/_member.html", group=g.group, member=membership)
    flash(f"{membership.user.name} har lämnat gruppen.", "success")
    return redirect(url_for("groups.members", group_id=g.group.id), code=303)


@bp.get("/<int:group_id>/settings")
def settings(group_id):
    """Show the group's settings."""
    form = GroupSettingsForm(obj=g.group)
    return render_template("groups/settings.html", group=g.group, form=form)


@bp.post("/<int:group_id>/settings")
def update_settings(group_id):
    """Save the group's settings."""
    form = GroupSettingsForm()
    if form.validate():
        saved = commit_or_error(
            form.default_meeting_minutes,
            services.update_settings,
            g.group,
            form.default_meeting_minutes.data,
            form.is_confidential_by_default.data,
            form.mandate.data or "",
            form.chair_has_casting_vote.data,
        )
        if saved is not None:
            flash("Inställningarna är sparade.", "success")
            return redirect(url_for("groups.settings", group_id=g.group.id), code=303)
    return render_template("groups/settings.html", group=g.group, form=form), 422


def _audit_labels() -> dict[str, str]:
    """Return the Swedish label of every audited table."""
    labels = {}
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        if issubclass(cls, Audited):
            labels[cls.__tablename__] = cls.__audit_label__
    return labels


@bp.get("/<int:group_id>/audit")
def audit(group_id):
    """Show the group's audit trail, optionally for one object."""
    labels = _audit_labels()
    form = AuditFilterForm(request.args)
    form.object_type.choices = options(
        [("", "Alla")]
        + sorted(
            ((t, labels.get(t, t).capitalize()) for t in services.audit_object_types(g.group)),
            key=lambda choice: choice[1],
        )
    )
    valid = form.validate()
    object_type = form.object_type.data if valid and form.object_type.data in labels else None
    object_id = form.object_id.data if valid else None
    page = services.audit_page(
        g.group,
        object_type,
        object_id,
        int_arg("page", 1),
        current_app.config["PAGE_SIZE"],
    )
    return render(
        "groups/audit.html",
        "groups/_audit_events.html",
        group=g.group,
        form=form,
        page=page,
        labels=labels,
        filters={"object_type": object_type or "", "object_id": object_id or ""},
        redacted=REDACTED,
    )
