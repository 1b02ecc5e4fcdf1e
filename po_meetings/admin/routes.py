"""Routes for the system administrator."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..auth.services import find_user_by_email
from ..domain import DomainError, commit_or_error, get_or_404
from ..extensions import db
from ..groups import services as group_services
from ..inputs import int_arg
from ..models import Group, Membership, Organisation, Role, User
from . import bp, services
from .forms import (
    AppointChairForm,
    GroupForm,
    NewGroupForm,
    NewUserForm,
    OrganisationForm,
    PasswordResetForm,
    UserForm,
)


def _organisation(organisation_id):
    """Return the organisation chosen in a form, or None."""
    return db.session.get(Organisation, organisation_id) if organisation_id else None


@bp.get("/")
def index():
    """Show the administration overview."""
    counts = {
        "users": db.session.scalar(select(func.count(User.id))),
        "disabled": db.session.scalar(select(func.count(User.id)).where(User.is_disabled)),
        "groups": db.session.scalar(select(func.count(Group.id))),
        "organisations": db.session.scalar(select(func.count(Organisation.id))),
    }
    return render_template("admin/index.html", counts=counts)


# -- accounts -------------------------------------------------------------------------------


@bp.get("/users")
def users():
    """List accounts, with search and pages."""
    query_text = request.args.get("q", "").strip()[:200]
    page = services.users_page(query_text, int_arg("page", 1), current_app.config["PAGE_SIZE"])
    return render_template("admin/users.html", page=page, q=query_text)


@bp.get("/users/new")
def new_user():
    """Show the form for a new account."""
    form = NewUserForm()
    form.set_choices(services.organisations())
    return render_template("admin/user_form.html", form=form, user=None)


@bp.post("/users")
def create_user():
    """Create an account."""
    form = NewUserForm()
    form.set_choices(services.organisations())
    if form.validate():
        user = commit_or_error(
            form.email,
            services.create_user,
            form.email.data,
            form.name.data,
            form.password.data,
            form.title.data,
            _organisation(form.organisation_id.data),
            form.is_admin.data,
        )
        if user is not None:
            flash(f"Kontot för {user.name} är skapat.", "success")
            return redirect(url_for("admin.users"), code=303)
    return render_template("admin/user_form.html", form=form, user=None), 422


@bp.get("/users/<int:id>/edit")
def edit_user(id):
    """Show an account's details for editing."""
    user = get_or_404(User, id)
    form = UserForm(obj=user)
    form.set_choices(services.organisations())
    return render_template(
        "admin/user_form.html",
        form=form,
        user=user,
        password_form=PasswordResetForm(),
        memberships=_memberships_of(user),
    )


def _memberships_of(user: User) -> list[Membership]:
    """Return a user's active memberships with their groups (names only, no content)."""
    return db.session.scalars(
        select(Membership)
        .where(Membership.user_id == user.id, Membership.ended_at.is_(None))
        .options(selectinload(Membership.group))
    ).all()


@bp.post("/users/<int:id>")
def update_user(id):
    """Save an account's details."""
    user = get_or_404(User, id)
    form = UserForm()
    form.set_choices(services.organisations())
    if form.validate():
        result = commit_or_error(
            form.email,
            services.update_user,
            user,
            current_user,
            form.email.data,
            form.name.data,
            form.title.data,
            _organisation(form.organisation_id.data),
            form.is_admin.data,
        )
        if result is not None:
            flash(f"Kontot för {user.name} är sparat.", "success")
            return redirect(url_for("admin.users"), code=303)
    return (
        render_template(
            "admin/user_form.html",
            form=form,
            user=user,
            password_form=PasswordResetForm(),
            memberships=_memberships_of(user),
        ),
        422,
    )


def _account_action(id, action, message):
    """Run an action on an account and return to its page with a message."""
    user = get_or_404(User, id)
    try:
        action(user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(message.format(name=user.name), "success")
    return redirect(url_for("admin.edit_user", id=user.id), code=303)


@bp.post("/users/<int:id>/disable")
def disable_user(id):
    """Disable an account."""
    return _account_action(
        id, lambda user: services.disable_user(user, current_user), "Kontot för {name} är avstängt."
    )


@bp.post("/users/<int:id>/enable")
def enable_user(id):
    """Enable a disabled account."""
    return _account_action(id, services.enable_user, "Kontot för {name} är aktivt igen.")


@bp.post("/users/<int:id>/password")
def reset_password(id):
    """Set a new password for an account."""
    user = get_or_404(User, id)
    password_form = PasswordResetForm()
    if password_form.validate():
        services.reset_password(user, password_form.password.data)
        db.session.commit()
        flash(f"{user.name} har fått ett nytt lösenord. Alla tidigare inloggningar är avslutade.", "success")
        return redirect(url_for("admin.edit_user", id=user.id), code=303)
    # formdata=None: the request holds the password form; an unchecked box would read as "not admin".
    form = UserForm(formdata=None, obj=user)
    form.set_choices(services.organisations())
    return (
        render_template(
            "admin/user_form.html",
            form=form,
            user=user,
            password_form=password_form,
            memberships=_memberships_of(user),
        ),
        422,
    )


# -- organisations --------------------------------------------------------------------------


@bp.get("/organisations")
def organisations():
    """List organisations."""
    return render_template("admin/organisations.html", organisations=services.organisations())


@bp.get("/organisations/new")
def new_organisation():
    """Show the form for a new organisation."""
    return render_template("admin/organisation_form.html", form=OrganisationForm(), organisation=None)


@bp.post("/organisations")
def create_organisation():
    """Create an organisation."""
    form = OrganisationForm()
    if form.validate():
        organisation = commit_or_error(
            form.name, services.create_organisation, form.name.data, form.kind.data
        )
        if organisation is not None:
            flash(f"Organisationen {organisation.name} är skapad.", "success")
            return redirect(url_for("admin.organisations"), code=303)
    return render_template("admin/organisation_form.html", form=form, organisation=None), 422


@bp.get("/organisations/<int:id>/edit")
def edit_organisation(id):
    """Show an organisation for editing."""
    organisation = get_or_404(Organisation, id)
    return render_template(
        "admin/organisation_form.html", form=OrganisationForm(obj=organisation), organisation=organisation
    )


@bp.post("/organisations/<int:id>")
def update_organisation(id):
    """Save an organisation."""
    organisation = get_or_404(Organisation, id)
    form = OrganisationForm()
    if form.validate():
        result = commit_or_error(
            form.name, services.update_organisation, organisation, form.name.data, form.kind.data
        )
        if result is not None:
            flash(f"Organisationen {organisation.name} är sparad.", "success")
            return redirect(url_for("admin.organisations"), code=303)
    return render_template("admin/organisation_form.html", form=form, organisation=organisation), 422


# -- groups ---------------------------------------------------------------------------------


@bp.get("/groups")
def groups():
    """List groups with their chairs and sizes (never their content)."""
    groups = db.session.scalars(
        select(Group)
        .order_by(Group.name)
        .options(
            selectinload(Group.municipalities),
            selectinload(Group.memberships).selectinload(Membership.user),
        )
    ).all()
    return render_template("admin/groups.html", groups=groups, chair_role=Role.CHAIR.value)


@bp.get("/groups/new")
def new_group():
    """Show the form for a new group."""
    return render_template("admin/group_form.html", form=NewGroupForm(), group=None)


def _chair_lookup(field):
    """Return the account named in an e-mail field, or add an error to the field."""
    user = find_user_by_email(field.data)
    if user is None:
        field.errors.append("Det finns inget konto med den e-postadressen. Skapa kontot först.")
    return user


@bp.post("/groups")
def create_group():
    """Create a group with its first chair."""
    form = NewGroupForm()
    if form.validate():
        chair = _chair_lookup(form.chair_email)
        if chair is not None:
            group = commit_or_error(
                form.name,
                group_services.create_group,
                form.name.data.strip(),
                group_services.parse_municipalities(form.municipalities.data),
                chair,
                default_meeting_minutes=form.default_meeting_minutes.data,
                is_confidential_by_default=form.is_confidential_by_default.data,
            )
            if group is not None:
                flash(f"Ledningsgruppen {group.name} är skapad med {chair.name} som ordförande.", "success")
                return redirect(url_for("admin.groups"), code=303)
    return render_template("admin/group_form.html", form=form, group=None), 422


def _stored_group_form(group) -> GroupForm:
    """Return the group's form filled from the database, its municipalities one per line."""
    # formdata=None: after a failed chair appointment the request holds only the chair's e-mail.
    form = GroupForm(formdata=None, obj=group)
    # Set after construction: obj= would win over a keyword and show the Municipality objects.
    form.municipalities.data = "\n".join(group.municipality_names)
    return form


def _group_form_page(group, form, chair_form, status=200):
    """Render a group's edit page with both of its forms."""
    chair = next((m for m in group.memberships if m.role == Role.CHAIR.value and m.ended_at is None), None)
    return (
        render_template("admin/group_form.html", form=form, group=group, chair_form=chair_form, chair=chair),
        status,
    )


@bp.get("/groups/<int:id>/edit")
def edit_group(id):
    """Show a group's name, municipalities and defaults for editing."""
    group = get_or_404(Group, id)
    form = _stored_group_form(group)
    return _group_form_page(group, form, AppointChairForm())


@bp.post("/groups/<int:id>")
def update_group(id):
    """Save a group's name, municipalities and defaults."""
    group = get_or_404(Group, id)
    form = GroupForm()
    if form.validate():
        result = commit_or_error(
            form.name,
            group_services.update_group,
            group,
            form.name.data.strip(),
            group_services.parse_municipalities(form.municipalities.data),
            form.default_meeting_minutes.data,
            form.is_confidential_by_default.data,
        )
        if result is not None:
            flash(f"Ledningsgruppen {group.name} är sparad.", "success")
            return redirect(url_for("admin.groups"), code=303)
    return _group_form_page(group, form, AppointChairForm(), 422)


@bp.post("/groups/<int:id>/chair")
def appoint_chair(id):
    """Appoint a new chair; the previous chair stays as an ordinary member."""
    group = get_or_404(Group, id)
    chair_form = AppointChairForm()
    if chair_form.validate():
        user = _chair_lookup(chair_form.email)
        if user is not None:
            result = commit_or_error(chair_form.email, group_services.appoint_chair, group, user)
            if result is not None:
                flash(f"{user.name} är nu ordförande i {group.name}.", "success")
                return redirect(url_for("admin.edit_group", id=group.id), code=303)
    form = _stored_group_form(group)
    return _group_form_page(group, form, chair_form, 422)
