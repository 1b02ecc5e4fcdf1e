"""Rules for groups and memberships. Functions flush, never commit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..agendas.services import create_standard_templates
from ..domain import DomainError
from ..extensions import db
from ..models import (
    LEADING_ROLES,
    ORDINARY_ROLES,
    AuditEvent,
    Group,
    Membership,
    Municipality,
    Occurrence,
    Organisation,
    Role,
    User,
    utcnow,
)

#: Roles a group has at most one of.
SINGLE_ROLES = {Role.CHAIR: "en ordförande", Role.VICE_CHAIR: "en vice ordförande"}


def active_memberships(group: Group) -> list[Membership]:
    """Return the group's current memberships with everything a member list shows."""
    return db.session.scalars(
        select(Membership)
        .where(Membership.group_id == group.id, Membership.ended_at.is_(None))
        .options(  # each is many-to-one: joined into the one query
            joinedload(Membership.user),
            joinedload(Membership.organisation),
            joinedload(Membership.substitute_for).joinedload(Membership.user),
            joinedload(Membership.substitute_for_organisation),
        )
    ).all()


def ended_memberships(group: Group) -> list[Membership]:
    """Return the group's ended memberships, latest first."""
    return db.session.scalars(
        select(Membership)
        .where(Membership.group_id == group.id, Membership.ended_at.is_not(None))
        .options(selectinload(Membership.user), selectinload(Membership.organisation))
        .order_by(Membership.ended_at.desc())
    ).all()


ROLE_ORDER = list(Role)


def sort_members(memberships: list[Membership]) -> list[Membership]:
    """Order memberships by role (chair first), then name."""
    return sorted(memberships, key=lambda m: (ROLE_ORDER.index(m.role_enum), m.user.name))


def get_membership(group: Group, membership_id: int) -> Membership | None:
    """Return a membership of this group (None if it belongs to another group)."""
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.group_id != group.id:
        return None
    return membership


def ordinary_members(group: Group) -> list[Membership]:
    """Return the active ordinary members, whom a substitute can stand in for."""
    return [m for m in sort_members(active_memberships(group)) if m.role_enum in ORDINARY_ROLES]


def _check_role_rules(
    group: Group,
    role: Role,
    organisation: Organisation | None,
    substitute_for: Membership | None,
    substitute_for_organisation: Organisation | None,
    membership: Membership | None = None,
) -> None:
    """Raise DomainError if a membership with these values would break the group's rules."""
    if role in SINGLE_ROLES:
        holder = db.session.scalar(
            select(Membership).where(
                Membership.group_id == group.id,
                Membership.role == role.value,
                Membership.ended_at.is_(None),
            )
        )
        if holder is not None and holder is not membership:
            raise DomainError(
                f"Gruppen har redan {SINGLE_ROLES[role]} ({holder.user.name}). "
                "Ändra först den personens roll."
            )
    if role in ORDINARY_ROLES and organisation is None:
        raise DomainError("En ledamot representerar en organisation. Välj organisation.")
    if role == Role.SUBSTITUTE:
        if substitute_for is None and substitute_for_organisation is None:
            raise DomainError("Ange vilken ledamot eller organisation ersättaren går in för.")
        if substitute_for is not None and substitute_for_organisation is not None:
            raise DomainError("Välj antingen en ledamot eller en organisation, inte båda.")
        if substitute_for is not None:
            if substitute_for.group_id != group.id or not substitute_for.is_active:
                raise DomainError("Ersättaren kan bara gå in för en nuvarande ledamot i gruppen.")
            if substitute_for.role_enum not in ORDINARY_ROLES:
                raise DomainError("En ersättare går in för en ordinarie ledamot.")
            if membership is not None and substitute_for.id == membership.id:
                raise DomainError("En person kan inte vara ersättare för sig själv.")
    elif substitute_for is not None or substitute_for_organisation is not None:
        raise DomainError("Bara en ersättare kan gå in för någon annan.")


def _keeps_a_chair(membership: Membership, new_role: Role | None) -> None:
    """Raise DomainError if the change would leave the group without a chair."""
    if membership.role_enum == Role.CHAIR and new_role != Role.CHAIR:
        raise DomainError(
            "Gruppen måste ha en ordförande. Utse en ny ordförande innan du ändrar den här rollen."
        )


def add_member(
    group: Group,
    user: User,
    role: Role,
    organisation: Organisation | None = None,
    substitute_for: Membership | None = None,
    substitute_for_organisation: Organisation | None = None,
) -> Membership:
    """Add a person to the group in a role."""
    if user.is_disabled:
        raise DomainError("Kontot är avstängt och kan inte läggas till i gruppen.")
    existing = db.session.scalar(
        select(Membership).where(
            Membership.group_id == group.id,
            Membership.user_id == user.id,
            Membership.ended_at.is_(None),
        )
    )
    if existing is not None:
        raise DomainError(f"{user.name} är redan med i gruppen som {existing.role_label.lower()}.")
    organisation = organisation if organisation is not None else user.organisation
    _check_role_rules(group, role, organisation, substitute_for, substitute_for_organisation)
    membership = Membership(
        group=group,
        user=user,
        role=role.value,
        organisation=organisation,
        substitute_for=substitute_for,
        substitute_for_organisation=substitute_for_organisation,
    )
    db.session.add(membership)
    db.session.flush()
    return membership


def update_member(
    membership: Membership,
    role: Role,
    organisation: Organisation | None,
    substitute_for: Membership | None = None,
    substitute_for_organisation: Organisation | None = None,
) -> Membership:
    """Change a member's role, organisation or whom they stand in for."""
    if not membership.is_active:
        raise DomainError("Medlemskapet är avslutat och kan inte ändras.")
    _keeps_a_chair(membership, role)
    _check_role_rules(
        membership.group, role, organisation, substitute_for, substitute_for_organisation, membership
    )
    if role not in ORDINARY_ROLES:
        _release_substitutes(membership)
    membership.role = role.value
    membership.organisation = organisation
    membership.substitute_for = substitute_for
    membership.substitute_for_organisation = substitute_for_organisation
    db.session.flush()
    return membership


def end_member(membership: Membership) -> Membership:
    """End a membership; it is kept for the record. Its substitutes go on for the organisation."""
    if not membership.is_active:
        raise DomainError("Medlemskapet är redan avslutat.")
    _keeps_a_chair(membership, None)
    _release_substitutes(membership)
    membership.ended_at = utcnow()
    db.session.flush()
    return membership


def _release_substitutes(membership: Membership) -> None:
    """Let the substitutes of a member who leaves an ordinary seat stand in for the organisation."""
    for substitute in substitutes_of(membership):
        substitute.substitute_for = None
        substitute.substitute_for_organisation = (
            membership.organisation or substitute.organisation or substitute.user.organisation
        )


def substitutes_of(membership: Membership) -> list[Membership]:
    """Return the active substitutes who stand in for a member."""
    return db.session.scalars(
        select(Membership).where(Membership.substitute_for_id == membership.id, Membership.ended_at.is_(None))
    ).all()


def parse_municipalities(text: str) -> list[str]:
    """Split a list of municipalities written one per line or separated by commas."""
    names = []
    for part in (text or "").replace(",", "\n").splitlines():
        name = " ".join(part.split())
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names


def set_municipalities(group: Group, names: list[str]) -> None:
    """Make the group serve exactly these municipalities."""
    if not names:
        raise DomainError("Ange minst en kommun som gruppen arbetar för.")
    keep = {n.casefold() for n in names}
    for municipality in list(group.municipalities):
        if municipality.name.casefold() not in keep:
            if municipality.id is not None and db.session.scalar(
                select(Occurrence.id).where(Occurrence.municipality_id == municipality.id).limit(1)
            ):
                raise DomainError(
                    f"{municipality.name} kan inte tas bort: det finns förekomster av systemfel i kommunen."
                )
            group.municipalities.remove(municipality)
    have = {m.name.casefold() for m in group.municipalities}
    for name in names:
        if name.casefold() not in have:
            group.municipalities.append(Municipality(name=name))


def _check_group_name(name: str, group: Group | None = None) -> None:
    """Raise DomainError if another group has this name, in any case."""
    # Compared in Python: SQL lower() leaves Å, Ä and Ö alone (SQLite, PostgreSQL's C locale).
    wanted = name.strip().casefold()
    for other_id, other_name in db.session.execute(select(Group.id, Group.name)):
        if other_name.casefold() == wanted and (group is None or other_id != group.id):
            raise DomainError("Det finns redan en ledningsgrupp med det namnet.")


def create_group(
    name: str,
    municipalities: list[str],
    chair: User,
    chair_organisation: Organisation | None = None,
    default_meeting_minutes: int = 120,
    is_confidential_by_default: bool = True,
) -> Group:
    """Create a group with its municipalities, its first chair and the standard agenda templates."""
    _check_group_name(name)
    group = Group(
        name=name,
        default_meeting_minutes=default_meeting_minutes,
        is_confidential_by_default=is_confidential_by_default,
    )
    db.session.add(group)
    set_municipalities(group, municipalities)
    db.session.flush()
    add_member(group, chair, Role.CHAIR, chair_organisation)
    create_standard_templates(group)
    return group


def update_group(
    group: Group,
    name: str,
    municipalities: list[str],
    default_meeting_minutes: int,
    is_confidential_by_default: bool,
) -> Group:
    """Change a group's name, municipalities and defaults."""
    _check_group_name(name, group)
    group.name = name
    set_municipalities(group, municipalities)
    update_settings(group, default_meeting_minutes, is_confidential_by_default)
    return group


def update_settings(
    group: Group,
    default_meeting_minutes: int,
    is_confidential_by_default: bool,
    mandate: str | None = None,
    chair_has_casting_vote: bool | None = None,
) -> Group:
    """Change the group's defaults for new meetings and, if given, its mandate text and voting rule."""
    if not 15 <= default_meeting_minutes <= 600:
        raise DomainError("Mötets längd ska vara mellan 15 och 600 minuter.")
    group.default_meeting_minutes = default_meeting_minutes
    group.is_confidential_by_default = is_confidential_by_default
    if mandate is not None:
        group.mandate = mandate.strip() or None
    if chair_has_casting_vote is not None:
        group.chair_has_casting_vote = bool(chair_has_casting_vote)
    db.session.flush()
    return group


def appoint_chair(group: Group, user: User) -> Membership:
    """Make a person the group's chair; the previous chair stays on as an ordinary member."""
    current = db.session.scalar(
        select(Membership).where(
            Membership.group_id == group.id,
            Membership.role == Role.CHAIR.value,
            Membership.ended_at.is_(None),
        )
    )
    if current is not None and current.user_id == user.id:
        raise DomainError(f"{user.name} är redan ordförande.")
    if current is not None:
        current.role = Role.MEMBER.value
        db.session.flush()
    membership = db.session.scalar(
        select(Membership).where(
            Membership.group_id == group.id,
            Membership.user_id == user.id,
            Membership.ended_at.is_(None),
        )
    )
    if membership is None:
        return add_member(group, user, Role.CHAIR)
    organisation = membership.organisation or user.organisation
    return update_member(membership, Role.CHAIR, organisation)


def audit_page(group: Group, object_type: str | None, object_id: int | None, page: int, per_page: int):
    """Return one page of the group's audit trail, newest first, optionally for one object."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.group_id == group.id)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == object_id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def audit_object_types(group: Group) -> list[str]:
    """Return the kinds of object that appear in the group's audit trail."""
    return db.session.scalars(
        select(AuditEvent.object_type).where(AuditEvent.group_id == group.id).distinct()
    ).all()


def is_leader(membership: Membership | None) -> bool:
    """Return whether a membership may lead the group."""
    return membership is not None and membership.role_enum in LEADING_ROLES
