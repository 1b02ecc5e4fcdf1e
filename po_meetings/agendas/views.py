"""What the template pages and their fragments show: context builders and the views routes answer with.

A template's editing page has its numbered items (``#template-items``, each row
``#template-item-<id>``), the add-item form (``#new-item``) and the settings form. A failed form is
kept under one of the keys below (``answers.kept``), so the fragment or the page shows it again.
"""

from __future__ import annotations

from flask import abort, g, request, url_for

from .. import answers
from ..answers import View
from . import services, tree
from .forms import ItemForm, NewItemForm, NewTemplateForm, TemplateForm

INDEX = "agendas/index.html"
NEW_PAGE = "agendas/new.html"
PAGE = "agendas/show.html"
ITEMS = "agendas/_items.html"
ITEMS_AND_FORM = "agendas/_items_and_form.html"
ITEM = "agendas/_item.html"
ITEM_AND_TOTAL = "agendas/_item_and_total.html"
ITEM_FORM = "agendas/_item_form.html"
NEW_ITEM_FORM = "agendas/_new_item.html"

# The new-item form and each inline edit form get their own prefix, so that several forms on
# one page never share an element id (labels and error messages point at ids).
NEW_ITEM_PREFIX = "new"

#: Where a failed form is kept: the add-item form and the settings form (one of each on the page).
NEW_ITEM = "new-item"
SETTINGS = "settings"


def edit_key(item_id: int) -> tuple:
    """Return the key a failed inline edit of an item is kept under."""
    return ("item", item_id)


def show_url(template, item=None) -> str:
    """Return the editing page's URL, at an item's row if given."""
    anchor = f"template-item-{item.id}" if item is not None else None
    return url_for("agendas.show", group_id=g.group.id, template_id=template.id, _anchor=anchor)


# -- forms -----------------------------------------------------------------------------------------


def new_template_form(**kwargs) -> NewTemplateForm:
    """Build the new-template form with the templates to copy from."""
    form = NewTemplateForm(**kwargs)
    form.set_choices(services.templates_of(g.group))
    return form


def new_item_form(template, entries, formdata=None, **kwargs) -> NewItemForm:
    """Build the form that adds an item, its sections filled in (blank unless formdata is given)."""
    form = NewItemForm(formdata, prefix=NEW_ITEM_PREFIX, limit=template.meeting_minutes, **kwargs)
    form.set_choices([entry.item for entry in entries])
    return form


def edit_item_form(item, formdata=None, **kwargs) -> ItemForm:
    """Build an item's inline edit form (filled from the item unless formdata is given)."""
    return ItemForm(
        formdata,
        prefix=f"item-{item.id}",
        limit=item.template.meeting_minutes,
        is_sub_item=item.parent_id is not None,
        **kwargs,
    )


# -- context ---------------------------------------------------------------------------------------


def index_context() -> dict:
    """Return the group's templates with their length against the meeting's."""
    templates = services.templates_of(g.group)
    return {
        "group": g.group,
        "templates": templates,
        "totals": {t.id: tree.total_minutes(t.items) for t in templates},
    }


def row(entries, item) -> dict:
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


def context(template, **extra) -> dict:
    """Return what the template's page and its fragments need (failed forms if kept)."""
    entries = tree.numbered(template.items)
    result = {
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
    result.update(extra)
    if "item_form" not in result:
        kept = answers.kept(NEW_ITEM)
        parent_id = request.args.get("parent", type=int) if request.method == "GET" else None
        sections = {entry.item.id for entry in entries}
        result["item_form"] = kept or new_item_form(
            template, entries, data={"parent_id": parent_id} if parent_id in sections else None
        )
        result["focus_new_item"] = kept is None and parent_id in sections
    if "settings_form" not in result:
        result["settings_form"] = answers.kept(SETTINGS, lambda: TemplateForm(None, obj=template))
    return result


def row_context(template, item, **extra) -> dict:
    """Return the page's context with one item's row values."""
    result = context(template, **extra)
    return {**result, **row(result["entries"], item)}


def edit_context(template, item) -> dict:
    """Return the context of an item's inline edit form (the failed one if kept)."""
    form = answers.kept(edit_key(item.id), lambda: edit_item_form(item, obj=item))
    return row_context(template, item, editing=item.id, edit_form=form)


# -- the views the routes answer with --------------------------------------------------------------


def page(template, **extra) -> View:
    """The template's editing page."""
    return View(PAGE, lambda: context(template, **extra))


def items(template, **extra) -> View:
    """The numbered items with their total."""
    return View(ITEMS, lambda: context(template, **extra))


def new_item(template) -> View:
    """The add-item form on its own: the form posts into the list, but its errors replace only it."""
    return View(NEW_ITEM_FORM, lambda: context(template), retarget="#new-item")


def items_and_form(template, item, notice: str) -> View:
    """The list with an item just added, and a fresh form still adding under the same section."""

    def build() -> dict:
        result = context(template, notice=notice)
        result["item_form"] = new_item_form(
            template, result["entries"], data={"parent_id": item.parent_id, "item_type": item.item_type}
        )
        return result

    return View(ITEMS_AND_FORM, build)


def item_and_total(template, item) -> View:
    """An item's row after a save, and the total (out of band, since the time box may have changed)."""
    return View(ITEM_AND_TOTAL, lambda: row_context(template, item, focus_id=item.id, focus_control="edit"))


def edit_row(template, item) -> View:
    """An item's inline edit form, in place of its row."""
    return View(ITEM_FORM, lambda: edit_context(template, item))
