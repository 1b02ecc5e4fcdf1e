"""Rules for agenda templates. Functions flush, never commit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain import DomainError, refuse_personnummer
from ..extensions import db
from ..models import AgendaTemplate, Group, ItemType, Meeting, MeetingKind, StandingKind, TemplateItem
from . import tree
from .standard import STANDARD_TEMPLATES

MAX_MEETING_MINUTES = 720
MAX_GUIDANCE = 5000


def templates_of(group: Group) -> list[AgendaTemplate]:
    """Return the group's templates with their items, by name."""
    return db.session.scalars(
        select(AgendaTemplate)
        .where(AgendaTemplate.group_id == group.id)
        .options(selectinload(AgendaTemplate.items))
        .order_by(AgendaTemplate.name)
    ).all()


def get_template(group: Group, template_id: int) -> AgendaTemplate | None:
    """Return a template of this group (None if it belongs to another group)."""
    template = db.session.get(AgendaTemplate, template_id)
    return template if template is not None and template.group_id == group.id else None


def get_item(template: AgendaTemplate, item_id: int) -> TemplateItem | None:
    """Return an item of this template, or None."""
    item = db.session.get(TemplateItem, item_id)
    return item if item is not None and item.template_id == template.id else None


def _check_template_values(name: str, meeting_minutes: int, max_new_system_errors: int) -> str:
    """Validate a template's own values and return the cleaned name."""
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("Ange ett namn på mallen.")
    if len(name) > 200:
        raise DomainError("Namnet får vara högst 200 tecken.")
    refuse_personnummer(name)
    if not 15 <= meeting_minutes <= MAX_MEETING_MINUTES:
        raise DomainError(f"Mötets längd ska vara mellan 15 och {MAX_MEETING_MINUTES} minuter.")
    if not 0 <= max_new_system_errors <= 50:
        raise DomainError("Antalet nya systemfel per möte ska vara mellan 0 och 50.")
    return name


def create_template(
    group: Group,
    name: str,
    kind: MeetingKind,
    meeting_minutes: int,
    max_new_system_errors: int = 5,
) -> AgendaTemplate:
    """Create an empty template."""
    name = _check_template_values(name, meeting_minutes, max_new_system_errors)
    template = AgendaTemplate(
        group_id=group.id,
        name=name,
        kind=MeetingKind(kind).value,
        meeting_minutes=meeting_minutes,
        max_new_system_errors=max_new_system_errors,
    )
    db.session.add(template)
    db.session.flush()
    return template


def update_template(
    template: AgendaTemplate,
    name: str,
    kind: MeetingKind,
    meeting_minutes: int,
    max_new_system_errors: int,
) -> AgendaTemplate:
    """Change a template's name, kind, length and cap on new system errors."""
    name = _check_template_values(name, meeting_minutes, max_new_system_errors)
    too_long = next((i for i in template.items if (i.minutes or 0) > meeting_minutes), None)
    if too_long is not None:
        raise DomainError(
            f"Punkten ”{too_long.title}” är {too_long.minutes} minuter, längre än mötet. "
            "Korta punkten först eller välj en längre mötestid."
        )
    template.name = name
    template.kind = MeetingKind(kind).value
    template.meeting_minutes = meeting_minutes
    template.max_new_system_errors = max_new_system_errors
    db.session.flush()
    return template


def copy_template(
    group: Group,
    source: AgendaTemplate,
    name: str,
    kind: MeetingKind,
    meeting_minutes: int,
    max_new_system_errors: int = 5,
) -> AgendaTemplate:
    """Create a template that starts as a copy of another template of the group."""
    if source.group_id != group.id:
        raise DomainError("Mallen du utgår från hör inte till gruppen.")
    too_long = next((i for i in source.items if (i.minutes or 0) > meeting_minutes), None)
    if too_long is not None:
        raise DomainError(
            f"Mallen du utgår från har punkten ”{too_long.title}” på {too_long.minutes} minuter, "
            "längre än mötet. Välj en längre mötestid."
        )
    template = create_template(group, name, kind, meeting_minutes, max_new_system_errors)
    for n, entry in enumerate(tree.numbered(source.items)):
        section = _copy_item(entry.item, template, None, n)
        for k, child in enumerate(entry.children):
            _copy_item(child.item, template, section, k)
    db.session.flush()
    return template


def _copy_item(original: TemplateItem, template: AgendaTemplate, parent, position: int) -> TemplateItem:
    """Add a copy of an item to a template."""
    copy = TemplateItem(
        template=template,
        group_id=template.group_id,
        parent=parent,
        position=position,
        title=original.title,
        minutes=original.minutes,
        guidance=original.guidance,
        item_type=original.item_type,
        standing_kind=original.standing_kind,
    )
    db.session.add(copy)
    return copy


def delete_template(template: AgendaTemplate) -> None:
    """Delete a template; meetings made from it keep their own copies."""
    # The foreign key sets this to NULL on PostgreSQL; doing it here keeps SQLite the same.
    for meeting in db.session.scalars(select(Meeting).where(Meeting.template_id == template.id)):
        meeting.template_id = None
    db.session.delete(template)
    db.session.flush()


def _check_item_values(
    template: AgendaTemplate, parent, minutes, item_type, standing_kind, title, guidance
) -> None:
    """Refuse an item that breaks the template's rules."""
    refuse_personnummer(title, guidance)
    if parent is not None:
        if parent.template_id != template.id:
            raise DomainError("Underpunkten måste höra till en punkt i samma mall.")
        if parent.parent_id is not None:
            raise DomainError("En underpunkt kan inte ha egna underpunkter.")
    tree.check_minutes(minutes, template.meeting_minutes, required=parent is None)
    if guidance and len(guidance) > MAX_GUIDANCE:
        raise DomainError(f"Vägledningen får vara högst {MAX_GUIDANCE} tecken.")
    if item_type not in set(ItemType):
        raise DomainError("Välj beslut, information eller diskussion.")
    if standing_kind and standing_kind not in set(StandingKind):
        raise DomainError("Okänd stående punkt.")


def add_item(
    template: AgendaTemplate,
    title: str,
    minutes: int | None = None,
    parent: TemplateItem | None = None,
    guidance: str | None = None,
    item_type: ItemType = ItemType.INFORMATION,
    standing_kind: StandingKind | None = None,
) -> TemplateItem:
    """Add an item (or a sub-item under ``parent``) at the end."""
    title = tree.clean_title(title)
    _check_item_values(template, parent, minutes, item_type, standing_kind, title, guidance)
    item = TemplateItem(
        template=template,
        group_id=template.group_id,
        parent=parent,
        position=tree.next_position(template.items, parent.id if parent else None),
        title=title,
        minutes=minutes,
        guidance=(guidance or "").strip() or None,
        item_type=ItemType(item_type).value,
        standing_kind=StandingKind(standing_kind).value if standing_kind else None,
    )
    db.session.add(item)
    db.session.flush()
    return item


def update_item(
    item: TemplateItem,
    title: str,
    minutes: int | None,
    guidance: str | None,
    item_type: ItemType,
    standing_kind: StandingKind | None,
) -> TemplateItem:
    """Rename an item or change its time box, guidance, type or standing kind."""
    title = tree.clean_title(title)
    _check_item_values(item.template, item.parent, minutes, item_type, standing_kind, title, guidance)
    item.title = title
    item.minutes = minutes
    item.guidance = (guidance or "").strip() or None
    item.item_type = ItemType(item_type).value
    item.standing_kind = StandingKind(standing_kind).value if standing_kind else None
    db.session.flush()
    return item


def move_item(item: TemplateItem, direction: str) -> TemplateItem:
    """Move an item up or down among its siblings."""
    tree.move(item, item.template.items, direction)
    db.session.flush()
    return item


def delete_item(item: TemplateItem) -> None:
    """Delete an item and its sub-items."""
    template = item.template
    for child in tree.siblings(template.items, item.id):
        template.items.remove(child)
    template.items.remove(item)
    db.session.flush()


def create_standard_templates(group: Group) -> list[AgendaTemplate]:
    """Give a new group the standard operative and development templates."""
    created = []
    for spec in STANDARD_TEMPLATES:
        template = create_template(group, spec["name"], spec["kind"], spec["meeting_minutes"])
        for title, minutes, item_type, standing, children in spec["items"]:
            section = add_item(template, title, minutes, item_type=item_type, standing_kind=standing)
            for child_title, child_standing in children:
                add_item(
                    template, child_title, parent=section, item_type=item_type, standing_kind=child_standing
                )
        created.append(template)
    return created
