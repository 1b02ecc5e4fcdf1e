"""Rules for accounts and organisations. Functions flush, never commit."""

from __future__ import annotations

from sqlalchemy import select

from ..auth.services import (
    end_user_sessions,
    find_user_by_email,
    hash_password,
    normalise_email,
    set_password,
)
from ..domain import DomainError
from ..extensions import db
from ..models import Group, Organisation, OrganisationKind, User


def users_page(query_text: str, page: int, per_page: int):
    """Return one page of accounts, optionally matching a name or e-mail in any case."""
    query = select(User).order_by(User.name, User.id)
    if query_text:
        # Matched in Python: SQL lower() leaves Å, Ä and Ö alone (SQLite, PostgreSQL's C locale)
        # and LIKE would read % and _ as wildcards. Accounts are few; this reads three columns.
        needle = query_text.casefold()
        matching = [
            user_id
            for user_id, name, email in db.session.execute(select(User.id, User.name, User.email))
            if needle in name.casefold() or needle in email.casefold()
        ]
        query = query.where(User.id.in_(matching))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def _check_email_free(email: str, user: User | None = None) -> None:
    """Raise DomainError if another account has this e-mail."""
    other = find_user_by_email(email)
    if other is not None and other is not user:
        raise DomainError("Det finns redan ett konto med den e-postadressen.")


def create_user(
    email: str,
    name: str,
    password: str,
    title: str | None = None,
    organisation: Organisation | None = None,
    is_admin: bool = False,
) -> User:
    """Create an account."""
    _check_email_free(email)
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        title=(title or "").strip() or None,
        organisation=organisation,
        password_hash=hash_password(password),
        is_admin=is_admin,
    )
    db.session.add(user)
    db.session.flush()
    return user


def update_user(
    user: User,
    acting: User,
    email: str,
    name: str,
    title: str | None,
    organisation: Organisation | None,
    is_admin: bool,
) -> User:
    """Change an account's details."""
    _check_email_free(email, user)
    if user.id == acting.id and user.is_admin and not is_admin:
        raise DomainError("Du kan inte ta bort din egen administratörsbehörighet.")
    user.email = normalise_email(email)
    user.name = name.strip()
    user.title = (title or "").strip() or None
    user.organisation = organisation
    user.is_admin = is_admin
    db.session.flush()
    return user


def disable_user(user: User, acting: User) -> User:
    """Disable an account and end its sessions: the user is logged out at their next request."""
    if user.id == acting.id:
        raise DomainError("Du kan inte stänga av ditt eget konto.")
    if user.is_disabled:
        raise DomainError("Kontot är redan avstängt.")
    user.is_disabled = True
    user.session_epoch = (user.session_epoch or 0) + 1
    end_user_sessions(user)
    db.session.flush()
    return user


def enable_user(user: User) -> User:
    """Enable a disabled account again."""
    if not user.is_disabled:
        raise DomainError("Kontot är redan aktivt.")
    user.is_disabled = False
    db.session.flush()
    return user


def reset_password(user: User, password: str) -> User:
    """Give an account a new password chosen by the administrator."""
    set_password(user, password)
    return user


def organisations() -> list[Organisation]:
    """Return every organisation, by name."""
    return db.session.scalars(select(Organisation).order_by(Organisation.name)).all()


def _check_organisation_name(name: str, organisation: Organisation | None = None) -> None:
    """Raise DomainError if another organisation has this name, in any case."""
    # Compared in Python: SQL lower() leaves Å, Ä and Ö alone (SQLite, PostgreSQL's C locale).
    wanted = name.strip().casefold()
    for other_id, other_name in db.session.execute(select(Organisation.id, Organisation.name)):
        if other_name.casefold() == wanted and (organisation is None or other_id != organisation.id):
            raise DomainError("Det finns redan en organisation med det namnet.")


def create_organisation(name: str, kind: OrganisationKind) -> Organisation:
    """Create an organisation."""
    _check_organisation_name(name)
    organisation = Organisation(name=name.strip(), kind=OrganisationKind(kind).value)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def update_organisation(organisation: Organisation, name: str, kind: OrganisationKind) -> Organisation:
    """Rename an organisation or change its kind."""
    _check_organisation_name(name, organisation)
    organisation.name = name.strip()
    organisation.kind = OrganisationKind(kind).value
    db.session.flush()
    return organisation


def groups() -> list[Group]:
    """Return every group, by name."""
    return db.session.scalars(select(Group).order_by(Group.name)).all()
