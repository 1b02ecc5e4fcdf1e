"""What the administrator's pages show: context builders and the views routes answer with."""

from __future__ import annotations

from ..answers import View
from ..models import Role
from . import queries, services
from .forms import AppointChairForm, GroupForm, NewUserForm, PasswordResetForm, UserForm

USER_PAGE = "admin/user_form.html"
ORGANISATION_PAGE = "admin/organisation_form.html"
GROUP_PAGE = "admin/group_form.html"


def user_form(form_class=UserForm, **kwargs) -> UserForm | NewUserForm:
    """Build an account form with the organisations to choose from."""
    form = form_class(**kwargs)
    form.set_choices(services.organisations())
    return form


def new_user_page(form) -> View:
    """The page for a new account."""
    return View(USER_PAGE, {"form": form, "user": None})


def user_page(user, form=None, password_form=None) -> View:
    """An account's page: its details, a new password, its groups."""
    return View(
        USER_PAGE,
        lambda: {
            "form": form or user_form(formdata=None, obj=user),
            "user": user,
            "password_form": password_form or PasswordResetForm(),
            "memberships": queries.memberships_of(user),
        },
    )


def organisation_page(form, organisation=None) -> View:
    """The page for a new organisation or one to edit."""
    return View(ORGANISATION_PAGE, {"form": form, "organisation": organisation})


def stored_group_form(group) -> GroupForm:
    """Return the group's form filled from the database, its municipalities one per line."""
    # formdata=None: after a failed chair appointment the request holds only the chair's e-mail.
    form = GroupForm(formdata=None, obj=group)
    # Set after construction: obj= would win over a keyword and show the Municipality objects.
    form.municipalities.data = "\n".join(group.municipality_names)
    return form


def group_page(group, form=None, chair_form=None) -> View:
    """A group's edit page with both of its forms: the group's details and a new chair."""

    def build() -> dict:
        chair = next(
            (m for m in group.memberships if m.role == Role.CHAIR.value and m.ended_at is None), None
        )
        return {
            "form": form or stored_group_form(group),
            "group": group,
            "chair_form": chair_form or AppointChairForm(),
            "chair": chair,
        }

    return View(GROUP_PAGE, build)
