"""What the group pages and the member rows show: context builders and the views routes answer with."""

from __future__ import annotations

from flask import current_app, g, request, url_for

from ..answers import View
from ..extensions import db
from ..forms import options
from ..inputs import int_arg
from ..models import Membership, Organisation
from ..models.audit import REDACTED
from ..models.base import Audited
from . import queries, services
from .forms import AuditFilterForm, MembershipForm

MEMBER_PAGE = "groups/member.html"
MEMBER = "groups/_member.html"
EDIT_MEMBER_PAGE = "groups/edit_member.html"
MEMBER_FORM = "groups/_member_form.html"
AUDIT_PAGE = "groups/audit.html"
AUDIT_EVENTS = "groups/_audit_events.html"


def members_url() -> str:
    """Return the URL of the member list the chair manages."""
    return url_for("groups.members", group_id=g.group.id)


def membership_form(form_class, membership=None, **kwargs):
    """Build a membership form with its choices filled in."""
    form = form_class(obj=membership, **kwargs)
    form.set_choices(
        queries.organisations(),
        services.ordinary_members(g.group),
        exclude_id=membership.id if membership else None,
    )
    return form


def membership_values(form: MembershipForm) -> dict:
    """Turn a validated membership form into service arguments."""
    return {
        "role": form.role_value,
        "organisation": queries.by_id(Organisation, form.organisation_id.data),
        "substitute_for": queries.by_id(Membership, form.substitute_for_id.data),
        "substitute_for_organisation": queries.by_id(Organisation, form.substitute_for_organisation_id.data),
    }


def member(membership, **extra) -> View:
    """One member's row of the list (its own page without htmx)."""
    return View(MEMBER, {"group": g.group, "member": membership, **extra})


def member_form(membership, form, page: bool = False) -> View:
    """A member's inline edit form (a page of its own without htmx)."""
    return View(
        EDIT_MEMBER_PAGE if page else MEMBER_FORM, {"group": g.group, "member": membership, "form": form}
    )


def _audit_labels() -> dict[str, str]:
    """Return the Swedish label of every audited table."""
    labels = {}
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        if issubclass(cls, Audited):
            labels[cls.__tablename__] = cls.__audit_label__
    return labels


def audit_context() -> dict:
    """Return the group's audit trail, filtered by the query string to one kind or one object."""
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
    return {
        "group": g.group,
        "form": form,
        "page": page,
        "labels": labels,
        "filters": {"object_type": object_type or "", "object_id": object_id or ""},
        "redacted": REDACTED,
    }
