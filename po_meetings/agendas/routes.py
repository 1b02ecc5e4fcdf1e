"""Routes for agenda templates (typagenda): the list, a new template and the editing page."""

from flask import abort, g, render_template, request, url_for

from .. import answers
from ..answers import View
from ..htmx import render
from ..models import MeetingKind
from . import bp, services, tree, views
from .forms import TemplateForm


def _template_or_404(template_id: int):
    """Return a template of the current group, or answer 404."""
    template = services.get_template(g.group, template_id)
    if template is None:
        abort(404)
    return template


def _item_or_404(template, item_id: int):
    """Return an item of the template, or answer 404."""
    item = services.get_item(template, item_id)
    if item is None:
        abort(404)
    return item


# -- the group's templates ------------------------------------------------------------------


@bp.get("/")
def index(group_id):
    """List the group's templates with their length against the meeting's."""
    return render_template(views.INDEX, **views.index_context())


@bp.get("/new")
def new(group_id):
    """Show the form for a new template."""
    form = views.new_template_form(data={"meeting_minutes": g.group.default_meeting_minutes})
    return render_template(views.NEW_PAGE, group=g.group, form=form)


def _create_template(form):
    """Create the template a validated form describes: empty, or a copy of one of the group's."""
    values = (
        form.name.data,
        MeetingKind(form.kind.data),
        form.meeting_minutes.data,
        form.max_new_system_errors.data,
    )
    source = services.get_template(g.group, form.copy_from.data) if form.copy_from.data else None
    if source is not None:
        return services.copy_template(g.group, source, *values)
    return services.create_template(g.group, *values)


@bp.post("/")
def create(group_id):
    """Create a template, empty or as a copy of another of the group's templates."""
    form = views.new_template_form()
    done = answers.attempt(
        _create_template,
        form,
        form=form,
        field=form.copy_from if form.copy_from.data else form.name,
        once=True,
    )
    if done:
        template = done.value
        return answers.saved(
            f"Mallen ”{template.name}” är skapad. Lägg till punkter nedan.",
            to=url_for("agendas.show", group_id=g.group.id, template_id=template.id),
        )
    return answers.refused(page=View(views.NEW_PAGE, {"group": g.group, "form": form}))


# -- one template: the editing page ---------------------------------------------------------


@bp.get("/<int:template_id>")
def show(group_id, template_id):
    """Show the template for editing: its settings, its numbered items and their total time."""
    template = _template_or_404(template_id)
    return render_template(views.PAGE, **views.context(template))


@bp.post("/<int:template_id>")
def update(group_id, template_id):
    """Save the template's name, kind, meeting length and cap on new system errors."""
    template = _template_or_404(template_id)
    form = TemplateForm()
    done = answers.attempt(
        lambda: services.update_template(
            template,
            form.name.data,
            MeetingKind(form.kind.data),
            form.meeting_minutes.data,
            form.max_new_system_errors.data,
        ),
        form=form,
        field=form.meeting_minutes,
        keep_as=views.SETTINGS,
    )
    if done:
        return answers.saved(
            "Mallens inställningar är sparade.",
            to=url_for("agendas.show", group_id=g.group.id, template_id=template.id),
        )
    return answers.refused(page=views.page(template))


@bp.post("/<int:template_id>/delete")
def delete(group_id, template_id):
    """Delete the template; meetings made from it keep their own agendas."""
    template = _template_or_404(template_id)
    name = template.name
    done = answers.attempt(services.delete_template, template)
    if not done:
        return answers.refused(page=answers.back_to(views.show_url(template)), message=done.message)
    return answers.saved(
        f"Mallen ”{name}” är borttagen. Möten som skapats från den behåller sina dagordningar.",
        to=url_for("agendas.index", group_id=g.group.id),
    )


# -- the template's items -------------------------------------------------------------------


def _add_item(template, form):
    """Add the item a validated form describes, at the end or last in its section."""
    parent = services.get_item(template, form.parent_id.data) if form.parent_id.data else None
    return services.add_item(
        template,
        form.title.data,
        form.minutes.data,
        parent=parent,
        guidance=form.guidance.data,
        item_type=form.item_type.data,
        standing_kind=form.standing_kind.data,
    )


@bp.post("/<int:template_id>/items")
def create_item(group_id, template_id):
    """Add an item at the end, or a sub-item at the end of a section."""
    template = _template_or_404(template_id)
    form = views.new_item_form(template, tree.numbered(template.items), request.form)
    done = answers.attempt(
        _add_item, template, form, form=form, field=form.title, keep_as=views.NEW_ITEM, once=True
    )
    if done:
        item = done.value
        notice = f"Punkten ”{item.title}” är tillagd."
        # A fresh form, still adding under the same section, replaces the one just sent.
        fragment = views.items_and_form(template, item, notice)
        return answers.saved(notice, to=views.show_url(template, item), fragment=fragment)
    return answers.refused(fragment=views.new_item(template), page=views.page(template))


@bp.get("/<int:template_id>/items/<int:item_id>")
def show_item(group_id, template_id, item_id):
    """Show one item (its row in the list for htmx; the whole template otherwise)."""
    template = _template_or_404(template_id)
    item = _item_or_404(template, item_id)
    context = views.row_context(template, item, focus_id=item.id, focus_control="edit")
    return render(views.PAGE, views.ITEM, **context)


@bp.get("/<int:template_id>/items/<int:item_id>/edit")
def edit_item(group_id, template_id, item_id):
    """Show the form to change an item, in place of its row."""
    template = _template_or_404(template_id)
    item = _item_or_404(template, item_id)
    return render(views.PAGE, views.ITEM_FORM, **views.edit_context(template, item))


@bp.post("/<int:template_id>/items/<int:item_id>")
def update_item(group_id, template_id, item_id):
    """Rename an item or change its time box, type, standing kind or guidance."""
    template = _template_or_404(template_id)
    item = _item_or_404(template, item_id)
    form = views.edit_item_form(item, request.form)
    done = answers.attempt(
        services.update_item,
        item,
        form.title.data,
        form.minutes.data,
        form.guidance.data,
        form.item_type.data,
        form.standing_kind.data,
        form=form,
        field=form.title,
        keep_as=views.edit_key(item.id),
    )
    if done:
        return answers.saved(
            f"Punkten ”{item.title}” är sparad.",
            to=views.show_url(template, item),
            fragment=views.item_and_total(template, item),
        )
    return answers.refused(
        fragment=views.edit_row(template, item),
        page=View(views.PAGE, lambda: views.edit_context(template, item)),
    )


@bp.post("/<int:template_id>/items/<int:item_id>/move")
def move_item(group_id, template_id, item_id):
    """Move an item up or down among its siblings; the list comes back renumbered."""
    template = _template_or_404(template_id)
    item = _item_or_404(template, item_id)
    direction = request.form.get("direction", "")
    # Focus stays on the button just used, now in the item's new place.
    focus = {"focus_id": item.id, "focus_control": direction if direction in ("up", "down") else None}
    done = answers.attempt(services.move_item, item, direction)
    if done:
        return answers.saved(None, to=views.show_url(template, item), fragment=views.items(template, **focus))
    refusal = {"error_id": item.id, "error": done.message, **focus}
    return answers.refused(fragment=views.items(template, **refusal), page=views.page(template, **refusal))


@bp.post("/<int:template_id>/items/<int:item_id>/delete")
def delete_item(group_id, template_id, item_id):
    """Delete an item and its sub-items."""
    template = _template_or_404(template_id)
    item = _item_or_404(template, item_id)
    title = item.title
    done = answers.attempt(services.delete_item, item)
    if not done:
        refusal = {"error_id": item.id, "error": done.message}
        return answers.refused(
            fragment=views.items(template, **refusal), page=views.page(template, **refusal)
        )
    notice = f"Punkten ”{title}” är borttagen."
    # The row that had focus is gone: focus lands on the message instead.
    fragment = views.items(template, notice=notice, focus_notice=True)
    return answers.saved(notice, to=views.show_url(template), fragment=fragment)
