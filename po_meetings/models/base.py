"""Shared column types and mixins for the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, TypeDecorator


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Store aware datetimes as UTC and always hand back aware UTC datetimes.

    SQLite keeps no time zone, PostgreSQL keeps one; this makes both behave the same.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Convert to UTC before storing; refuse naive datetimes."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store aware UTC datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        """Return an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Audited:
    """Mixin for domain models whose every insert, update and delete is audited.

    Columns with ``info={"free_text": True}`` are recorded as changed without their content
    and are checked by the personnummer guard before every flush. Columns with
    ``info={"secret": True}`` are recorded as changed without content and never guarded.
    """

    #: Label used in the audit trail for this kind of object.
    __audit_label__ = "objekt"

    @property
    def audit_group_id(self) -> int | None:
        """Return the group this object belongs to, for scoping its audit rows."""
        return getattr(self, "group_id", None)
