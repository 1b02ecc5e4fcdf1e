"""Routes for a meeting's agenda, edited inline: add, show, change, move and delete items.

Every write answers htmx with the whole agenda (``views.agenda``, swapped in place of
``#agenda``), since numbers, planned times and the total move together.
"""

from __future__ import annotations

from .. import answers
from ..htmx import render
from . import bp, lookups, services, views
from .forms import MoveForm
from .routes import agenda_refused


def _item_url(meeting, item_id: int) -> str:
    """Return the meeting page's URL at one agenda item."""
    return views.show_url(meeting, f"agenda-item-{item_id}")


@bp.post("/<int:meeting_id>/items")
def create_item(group_id, meeting_id):
    """Add an item (or a sub-item) to the agenda."""
    meeting = lookups.meeting_or_404(meeting_id)
    locked = services.agenda_locked(meeting)
    if locked:
        return agenda_refused(meeting, locked)
    form = views.new_item_form(meeting)
    done = answers.attempt(
        lambda: services.add_item(
            meeting,
            parent=services.get_item(meeting, form.parent_id.data)
            if form.parent_id.data is not None
            else None,
            **views.item_values(form),
        ),
        form=form,
        field=form.minutes,
        keep_as=views.NEW_ITEM,
        once=True,
    )
    if done:
        item = done.value
        notice = f"Punkten ”{item.title}” är tillagd."
        fragment = views.agenda(meeting_id, notice=notice, focus=(None, "add"))
        return answers.saved(notice, to=_item_url(meeting, item.id), fragment=fragment)
    return answers.refused(fragment=views.agenda(meeting_id), page=views.page(meeting_id))


@bp.get("/<int:meeting_id>/items/<int:item_id>")
def show_item(group_id, meeting_id, item_id):
    """Show one agenda item (for htmx: the item in the agenda, e.g. when an edit is cancelled)."""
    meeting = lookups.meeting_or_404(meeting_id)
    item = lookups.item_or_404(meeting, item_id)
    context = views.item_context(meeting, item, focus=(item.id, "edit"))
    return render(views.ITEM_PAGE, views.ITEM, **context)


@bp.get("/<int:meeting_id>/items/<int:item_id>/edit")
def edit_item(group_id, meeting_id, item_id):
    """Show the form to change an item (inline in the agenda for htmx)."""
    meeting = lookups.meeting_or_404(meeting_id)
    item = lookups.item_or_404(meeting, item_id)
    locked = services.agenda_locked(meeting)
    if locked:
        return agenda_refused(meeting, locked)
    return render(views.EDIT_ITEM_PAGE, views.EDIT_ITEM, **views.edit_item_context(meeting, item))


@bp.post("/<int:meeting_id>/items/<int:item_id>")
def update_item(group_id, meeting_id, item_id):
    """Change an agenda item."""
    meeting = lookups.meeting_or_404(meeting_id)
    item = lookups.item_or_404(meeting, item_id)
    locked = services.agenda_locked(meeting)
    if locked:
        return agenda_refused(meeting, locked)
    form = views.edit_item_form(meeting, item)
    done = answers.attempt(
        lambda: services.update_item(item, **views.item_values(form)),
        form=form,
        field=form.minutes,
        keep_as=views.edit_key(item_id),
    )
    if done:
        return answers.saved(
            f"Punkten ”{item.title}” är sparad.",
            to=_item_url(meeting, item_id),
            fragment=views.agenda(meeting_id, focus=(item_id, "edit")),
        )
    # The form with its messages replaces itself (in the agenda for htmx, as a page otherwise).
    return answers.refused(
        fragment=views.edit_item(meeting_id, item_id), page=views.edit_item_page(meeting_id, item_id)
    )


@bp.post("/<int:meeting_id>/items/<int:item_id>/move")
def move_item(group_id, meeting_id, item_id):
    """Move an item up or down among its siblings."""
    meeting = lookups.meeting_or_404(meeting_id)
    item = lookups.item_or_404(meeting, item_id)
    form = MoveForm()
    done = answers.attempt(lambda: services.move_item(item, form.direction.data), form=form)
    if done:
        fragment = views.agenda(meeting_id, focus=(item_id, form.direction.data))
        return answers.saved(None, to=_item_url(meeting, item_id), fragment=fragment)
    return agenda_refused(meeting, done.message or "Ange om punkten ska flyttas upp eller ned.")


@bp.post("/<int:meeting_id>/items/<int:item_id>/delete")
def delete_item(group_id, meeting_id, item_id):
    """Delete an item and its sub-items."""
    meeting = lookups.meeting_or_404(meeting_id)
    item = lookups.item_or_404(meeting, item_id)
    title = item.title
    done = answers.attempt(services.delete_item, item)
    if not done:
        return agenda_refused(meeting, done.message)
    notice = f"Punkten ”{title}” är borttagen."
    return answers.saved(
        notice, to=views.show_url(meeting, "agenda"), fragment=views.agenda(meeting_id, notice=notice)
    )
