"""Routes for the system administrator."""

from flask import current_app, render_template, request, url_for
from flask_login import current_user

from .. import answers
from ..domain import get_or_404
from ..groups import services as group_services
from ..inputs import int_arg
from ..models import Group, Organisation, Role, User
from . import bp, queries, services, views
from .forms import AppointChairForm, GroupForm, NewGroupForm, NewUserForm, OrganisationForm, PasswordResetForm


@bp.get("/")
def index():
    """Show the administration overview."""
    return render_template("admin/index.html", counts=queries.counts())


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
    return views.new_user_page(views.user_form(NewUserForm)).render()


@bp.post("/users")
def create_user():
    """Create an account."""
    form = views.user_form(NewUserForm)
    done = answers.attempt(
        lambda: services.create_user(
            form.email.data,
            form.name.data,
            form.password.data,
            form.title.data,
            queries.organisation(form.organisation_id.data),
            form.is_admin.data,
        ),
        form=form,
        field=form.email,
        once=True,
    )
    if done:
        return answers.saved(f"Kontot för {done.value.name} är skapat.", to=url_for("admin.users"))
    return answers.refused(page=views.new_user_page(form))


@bp.get("/users/<int:id>/edit")
def edit_user(id):
    """Show an account's details for editing."""
    return views.user_page(get_or_404(User, id)).render()


@bp.post("/users/<int:id>")
def update_user(id):
    """Save an account's details."""
    user = get_or_404(User, id)
    form = views.user_form()
    done = answers.attempt(
        lambda: services.update_user(
            user,
            current_user,
            form.email.data,
            form.name.data,
            form.title.data,
            queries.organisation(form.organisation_id.data),
            form.is_admin.data,
        ),
        form=form,
        field=form.email,
    )
    if done:
        return answers.saved(f"Kontot för {user.name} är sparat.", to=url_for("admin.users"))
    return answers.refused(page=views.user_page(user, form=form))


def _account_action(id, action, notice: str):
    """Run an action on an account and return to its page with a message."""
    user = get_or_404(User, id)
    done = answers.attempt(action, user)
    back = url_for("admin.edit_user", id=user.id)
    if done:
        return answers.saved(notice.format(name=user.name), to=back)
    return answers.refused(page=answers.back_to(back), message=done.message)


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
    done = answers.attempt(
        services.reset_password,
        user,
        password_form.password.data,
        form=password_form,
        field=password_form.password,
    )
    if done:
        return answers.saved(
            f"{user.name} har fått ett nytt lösenord. Alla tidigare inloggningar är avslutade.",
            to=url_for("admin.edit_user", id=user.id),
        )
    # The account's form is filled from the database: the request holds only the password form.
    return answers.refused(page=views.user_page(user, password_form=password_form))


# -- organisations --------------------------------------------------------------------------


@bp.get("/organisations")
def organisations():
    """List organisations."""
    return render_template("admin/organisations.html", organisations=services.organisations())


@bp.get("/organisations/new")
def new_organisation():
    """Show the form for a new organisation."""
    return views.organisation_page(OrganisationForm()).render()


@bp.post("/organisations")
def create_organisation():
    """Create an organisation."""
    form = OrganisationForm()
    done = answers.attempt(
        services.create_organisation, form.name.data, form.kind.data, form=form, field=form.name, once=True
    )
    if done:
        return answers.saved(
            f"Organisationen {done.value.name} är skapad.", to=url_for("admin.organisations")
        )
    return answers.refused(page=views.organisation_page(form))


@bp.get("/organisations/<int:id>/edit")
def edit_organisation(id):
    """Show an organisation for editing."""
    organisation = get_or_404(Organisation, id)
    return views.organisation_page(OrganisationForm(obj=organisation), organisation).render()


@bp.post("/organisations/<int:id>")
def update_organisation(id):
    """Save an organisation."""
    organisation = get_or_404(Organisation, id)
    form = OrganisationForm()
    done = answers.attempt(
        services.update_organisation, organisation, form.name.data, form.kind.data, form=form, field=form.name
    )
    if done:
        return answers.saved(
            f"Organisationen {organisation.name} är sparad.", to=url_for("admin.organisations")
        )
    return answers.refused(page=views.organisation_page(form, organisation))


# -- groups ---------------------------------------------------------------------------------


@bp.get("/groups")
def groups():
    """List groups with their chairs and sizes (never their content)."""
    return render_template("admin/groups.html", groups=queries.groups(), chair_role=Role.CHAIR.value)


@bp.get("/groups/new")
def new_group():
    """Show the form for a new group."""
    return render_template(views.GROUP_PAGE, form=NewGroupForm(), group=None)


@bp.post("/groups")
def create_group():
    """Create a group with its first chair."""
    form = NewGroupForm()
    done = answers.attempt(
        lambda: group_services.create_group(
            form.name.data.strip(),
            group_services.parse_municipalities(form.municipalities.data),
            form.chair,
            default_meeting_minutes=form.default_meeting_minutes.data,
            is_confidential_by_default=form.is_confidential_by_default.data,
        ),
        form=form,
        field=form.name,
        once=True,
    )
    if done:
        return answers.saved(
            f"Ledningsgruppen {done.value.name} är skapad med {form.chair.name} som ordförande.",
            to=url_for("admin.groups"),
        )
    return answers.refused(page=answers.View(views.GROUP_PAGE, {"form": form, "group": None}))


@bp.get("/groups/<int:id>/edit")
def edit_group(id):
    """Show a group's name, municipalities and defaults for editing."""
    return views.group_page(get_or_404(Group, id)).render()


@bp.post("/groups/<int:id>")
def update_group(id):
    """Save a group's name, municipalities and defaults."""
    group = get_or_404(Group, id)
    form = GroupForm()
    done = answers.attempt(
        lambda: group_services.update_group(
            group,
            form.name.data.strip(),
            group_services.parse_municipalities(form.municipalities.data),
            form.default_meeting_minutes.data,
            form.is_confidential_by_default.data,
        ),
        form=form,
        field=form.name,
    )
    if done:
        return answers.saved(f"Ledningsgruppen {group.name} är sparad.", to=url_for("admin.groups"))
    return answers.refused(page=views.group_page(group, form=form))


@bp.post("/groups/<int:id>/chair")
def appoint_chair(id):
    """Appoint a new chair; the previous chair stays as an ordinary member."""
    group = get_or_404(Group, id)
    chair_form = AppointChairForm()
    done = answers.attempt(
        lambda: group_services.appoint_chair(group, chair_form.account),
        form=chair_form,
        field=chair_form.email,
    )
    if done:
        return answers.saved(
            f"{chair_form.account.name} är nu ordförande i {group.name}.",
            to=url_for("admin.edit_group", id=group.id),
        )
    return answers.refused(page=views.group_page(group, chair_form=chair_form))
