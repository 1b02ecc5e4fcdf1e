"""Routes for agenda templates (typagenda): the list, a new template and the editing page."""

from flask import abort, flash, g, redirect, render_template, request, url_for

from ..domain import DomainError, commit_or_error
from ..extensions import db
from ..htmx import render, wants_fragment
from ..models import MeetingKind
from . import bp, services, tree
from .forms import ItemForm, NewItemForm, NewTemplateForm, TemplateForm

# The new-item form and each inline edit form get their own prefix, so that several forms on
# one page never share an element id (labels and error messages point at ids).
NEW_ITEM_PREFIX = "new"


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


def _edit_prefix(item) -> str:
    """Return the form prefix of an item's inline edit form."""
    return f"item-{item.id}"


def _new_item_form(template, entries, formdata=None, **kwargs) -> NewItemForm:
    """Build the form that adds an item, its sections filled in (blank unless formdata is given)."""
    form = NewItemForm(formdata, prefix=NEW_ITEM_PREFIX, limit=template.meeting_minutes, **kwargs)
    form.set_choices([entry.item for entry in entries])
    return form


def _edit_item_form(item, formdata=None, **kwargs) -> ItemForm:
    """Build an item's inline edit form (filled from the item unless formdata is given)."""
    return ItemForm(
        formdata,
        prefix=_edit_prefix(item),
        limit=item.template.meeting_minutes,
        is_sub_item=item.parent_id is not None,
        **kwargs,
    )


def _row(entries, item) -> dict:
    """Return what an item's row needs: its number and whether it is first or last of its siblings."""
    for index, entry in enumerate(entries):
        if entry.item is item:
            return _row_values(entry, index, len(entries))
        for k, child in enumerate(entry.children):
            if child.item is item:
                return _row_values(child, k, len(entry.children))
    abort(404)  # not reached: the item belongs to the template


def _row_values(numbered, index: int, count: int) -> dict:
    """Return the row values of a numbered item at an index among its siblings."""
    return {"item": numbered.item, "number": numbered.number, "first": index == 0, "last": index == count - 1}


def _context(template, **extra) -> dict:
    """Return what the template's page and its fragments need."""
    entries = tree.numbered(template.items)
    context = {
        "group": g.group,
        "template": template,
        "entries": entries,
        "total": tree.total_minutes(template.items),
        "editing": None,
        "focus_id": None,
        "focus_control": None,
        "error_id": None,
        "error": None,
        "notice": None,
    }
    context.update(extra)
    if "item_form" not in context:
        parent_id = request.args.get("parent", type=int) if request.method == "GET" else None
        sections = {entry.item.id for entry in entries}
        context["item_form"] = _new_item_form(
            template, entries, data={"parent_id": parent_id} if parent_id in sections else None
        )
        context["focus_new_item"] = parent_id in sections
    if "settings_form" not in context:
        context["settings_form"] = TemplateForm(None, obj=template)
    return context


# -- the group's templates ------------------------------------------------------------------


@bp.get("/")
def index(group_id):
    """List the group's templates with their length against the meeting's."""
    templates = services.templates_of(g.group)
    return render_template(
        "agendas/index.html",
        group=g.group,
        templates=templates,
        totals={t.id: tree.total_minutes(t.items) for t in templates},
    )


def _new_template_form(**kwargs) -> NewTemplateForm:
    """Build the new-template form with the templates to copy from."""
    form = NewTemplateForm(**kwargs)
    form.set_choices(services.templates_of(g.group))
    return form


@bp.get("/new")
def new(group_id):
    """Show the form for a new template."""
    form = _new_template_form(data={"meeting_minutes": g.group.default_meeting_minutes})
    return render_template("agendas/new.html", group=g.group, form=form)


@bp.post("/")
def create(group_id):
    """Create a template, empty or as a copy of another of the group's templates."""
    form = _new_template_form()
    if form.validate():
        values = (
            form.name.data,
            MeetingKind(form.kind.data),
            form.meeting_minutes.data,
            form.max_new_system_errors.data,
        )
        source = services.get_template(g.group, form.copy_from.data) if form.copy_from.data else None
        if source is not None:
            template = commit_or_error(form.copy_from, services.copy_template, g.group, source, *values)
        else:
            template = commit_or_error(form.name, services.create_template, g.group, *values)
        if template is not None:
            flash(f"Mallen ”{template.name}” är skapad. Lägg till punkter nedan.", "success")
            return redirect(url_for("agendas.show", group_id=g.group.id, template_id=template.id), code=303)
    return render_template("agendas/new.html", group=g.group, form=form), 422


# -- one template: the editing page ---------------------------------------------------------


@bp.get("/<int:template_id>")
def show(group_id, template_id):
    """Show the template for editing: its settings, its numbered items and their total time."""
    template = _template_or_404(template_id)
    return render_template("agendas/show.html", **_context(template))


@bp.post("/<int:template_id>")
def update(group_id, template_id):
    """Save the template's name, kind, meeting length and cap on new system errors."""
    template = _template_or_404(template_id)
    form = TemplateForm()
    if form.validate() and commit_or_error(
        form.meeting_minutes,
        services.update_template,
        template,
        form.name.data,
        MeetingKind(form.kind.data),
        form.meeting_minutes.data,
        form.max_new_system_errors.data,
    ):
        flash("Mallens inställningar är sparade.", "success")
        return redirect(url_for("agendas.show", group_id=g.group.id, template_id=template.id), code=303)
    return render_template("agendas/show.html", **_context(template, settings_form=form)), 422


@bp.post("/<int:template_id>/delete")
def delete(group_id, template_id):
    """Delete the template; meetings made from it keep their own agendas."""
    template = _template_or_404(template_id)
    name = template.name
    services.delete_template(template)
    db.session.commit()
    flash(f"Mallen ”{name}” är borttagen. Möten som skapats från den behåller sina dagordningar.", "success")
    return redirect(url_for("agendas.index", group_id=g.group.id), code=303)


# -- the template's items -------------------------------------------------------------------


def _show_url(template, item=None) -> str:
    """Return the editing page's URL, at an item's row if given."""
    anchor = f"template-item-{item.id}" if item is not None else None
    return url_for("agendas.show", group_id=g.group.id, template_id=template.id, _anchor=anchor)


@bp.post("/<int:template_id>/items")
def create_item(group_id, template_id):
    """Add an item at the end, or a sub-item at the end of a section."""
    template = _template_or_404(template_id)
    form = _new_item_form(template, tree.numbered(template.items), request.form)
    item = None
    if form.validate():
        parent = services.get_item(template, form.parent_id.data) if form.parent_id.data else None
        item = commit_or_error(
            form.title,
            services.add_item,
            template,
            form.title.data,
            form.minutes.data,
            parent=parent,
            guidance=form.guidance.data,
            item_type=form.item_type.data,
            standing_kind=form.standing_kind.data,
        )
    if item is None:
        if wants_fragment():
            # The form posts into the list; on an error only the form itself is replaced.
            response = render(
                "agendas/show.html", "agendas/_new_item.html", **_context(template, item_form=form)
            )
            response.headers["HX-Retarget"] = "#new-item"
            response.headers["HX-Reswap"] = "outerHTML"
            return response
        return render_template("agendas/show.html", **_context(template, item_form=form)), 422
    if not wants_fragment():
        flash(f"Punkten ”{item.title}” är tillagd.", "success")
        return redirect(_show_url(template, item), code=303)
    context = _context(template, notice=f"Punkten ”{item.title}” är tillagd.")
    # A fresh form, still adding under the same section, replaces the one just sent.
    context["item_form"] = _new_item_form(
        template, context["entries"], data={"parent_id": item.parent_id, "item_type": item.item_type}
    )
    return render("agendas/show.html", "agendas/_items_and_form.html", **context)


@bp.get("/<int:template_id>/items/<int:item_id>")
def show_item(group_id, template_id, item_id):
    """Show one item (its row in the list for htmx; the whole template otherwise)."""
    template = _template_or_404(template_id)
    item = _item_or_404(template, item_id)
    context = _context(template, focus_id=item.id, focus_control="edit")
    return render("agendas/show.html", "agendas/_item.html", **context, **_row(context["entries"], item))


@bp.get("/<int:template_id>/items/<int:item_id>/edit")
def edit_item(group_id, template_id, item_id):
    """Show the form to change an item, in place of its row."""
    template = _template_or_404(template_id)
    item = _item_or_404(template, item_id)
    form = _edit_item_form(item, obj=item)
    context = _context(template, editing=item.id, edit_form=form)
    return render("agendas/show.html", "agendas/_item_form.html", **context, **_row(context["entries"], item))


@bp.post("/<int:template_id>/items/<int:item_id>")
def update_item(group_id, template_id, item_id):
    """Rename an item or change its time box, type, standing kind or guidance."""
    template = _template_or_404(template_id)
    item = _item_or_404(template, item_id)
    form = _edit_item_form(item, request.form)
    if form.validate() and commit_or_error(
        form.title,
        services.update_item,
        item,
        form.title.data,
        form.minutes.data,
        form.guidance.data,
        form.item_type.data,
        form.standing_kind.data,
    ):
        if not wants_fragment():
            flash(f"Punkten ”{item.title}” är sparad.", "success")
            return redirect(_show_url(template, item), code=303)
        context = _context(template, focus_id=item.id, focus_control="edit")
        # The row, and the total (out of band) since the time box may have changed.
        return render(
            "agendas/show.html",
            "agendas/_item_and_total.html",
            **context,
            **_row(context["entries"], item),
        )
    # htmx 2 does not swap 4xx responses, so an inline form with errors comes back as 200.
    status = 200 if wants_fragment() else 422
    context = _context(template, editing=item.id, edit_form=form)
    return render(
        "agendas/show.html",
        "agendas/_item_form.html",
        status=status,
        **context,
        **_row(context["entries"], item),
    )


@bp.post("/<int:template_id>/items/<int:item_id>/move")
def move_item(group_id, template_id, item_id):
    """Move an item up or down among its siblings; the list comes back renumbered."""
    template = _template_or_404(template_id)
    item = _item_or_404(template, item_id)
    direction = request.form.get("direction", "")
    focus = {"focus_id": item.id, "focus_control": direction if direction in ("up", "down") else None}
    try:
        services.move_item(item, direction)
    except DomainError as error:
        db.session.rollback()
        context = _context(template, error_id=item.id, error=str(error), **focus)
        status = 200 if wants_fragment() else 422
        return render("agendas/show.html", "agendas/_items.html", status=status, **context)
    db.session.commit()
    if not wants_fragment():
        return redirect(_show_url(template, item), code=303)
    # Focus stays on the button just used, now in the item's new place.
    return render("agendas/show.html", "agendas/_items.html", **_context(template, **focus))


@bp.post("/<int:template_id>/items/<int:item_id>/delete")
def delete_item(group_id, template_id, item_id):
    """Delete an item and its sub-items."""
    template = _template_or_404(template_id)
    item = _item_or_404(template, item_id)
    title = item.title
    services.delete_item(item)
    db.session.commit()
    notice = f"Punkten ”{title}” är borttagen."
    if not wants_fragment():
        flash(notice, "success")
        return redirect(_show_url(template), code=303)
    return render(
        "agendas/show.html", "agendas/_items.html", **_context(template, notice=notice, focus_notice=True)
    )
