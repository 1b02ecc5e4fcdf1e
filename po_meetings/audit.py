"""The audit trail, written by session listeners so that no write can forget it.

Every flush records what changed on :class:`~po_meetings.models.Audited` objects; the changes
of one transaction are merged per object and written as audit rows just before the commit,
on the same connection, so they commit or roll back with the data. The same listener runs
the personnummer guard over every text column before anything reaches the database.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask import g, has_request_context
from flask_sqlalchemy.session import Session
from sqlalchemy import String, Text, event, insert, inspect
from sqlalchemy.orm import object_session

from .inputs import ensure_safe_text
from .models import Audited, AuditEvent
from .models.audit import REDACTED
from .models.base import utcnow
from .personnummer import ensure_no_personnummer

_PENDING = "audit_pending"


class AuditTrailIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit row."""


def _columns(obj):
    """Yield the mapped column attributes of an object."""
    return inspect(obj).mapper.column_attrs


def _is_hidden(prop) -> bool:
    """Return whether a column's content must stay out of the audit trail."""
    info = prop.columns[0].info
    return bool(info.get("free_text") or info.get("secret"))


def _is_guarded(prop) -> bool:
    """Return whether a text column goes through the personnummer guard."""
    column = prop.columns[0]
    if column.info.get("secret") or column.info.get("pnr_exempt"):
        return False
    return isinstance(column.type, (String, Text))


def _plain(value):
    """Return a JSON-friendly form of a column value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _object_id(obj) -> int:
    """Return the primary key of an object (during a flush its identity is not set yet)."""
    return inspect(obj).mapper.primary_key_from_instance(obj)[0]


def _label(obj) -> str:
    """Return a readable name of the object, falling back to its id."""
    try:
        text = str(obj)
    except Exception:  # a relationship of a deleted object may be gone; the id will do
        text = ""
    return (text or f"#{_object_id(obj)}")[:300]


def _actor_id() -> int | None:
    """Return the id of the logged-in user without touching the database."""
    if not has_request_context():
        return None
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    identity = inspect(user).identity
    return identity[0] if identity else None


def _record(session, obj, action: str) -> None:
    """Merge one object's change into the transaction's pending audit entries."""
    state = inspect(obj)
    key = (obj.__tablename__, _object_id(obj))
    pending = session.info.setdefault(_PENDING, {})
    entry = pending.get(key)
    changes: dict = {} if entry is None else entry["changes"]

    for prop in _columns(obj):
        if action == "delete":
            break
        if action == "insert":
            value = getattr(obj, prop.key)
            if value is not None:
                changes[prop.key] = REDACTED if _is_hidden(prop) else [None, _plain(value)]
            continue
        history = state.attrs[prop.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if _is_hidden(prop):
            changes[prop.key] = REDACTED
        elif prop.key in changes and changes[prop.key] != REDACTED:
            changes[prop.key] = [changes[prop.key][0], _plain(new)]
        else:
            changes[prop.key] = [_plain(old), _plain(new)]

    if action == "update":
        changes = {k: v for k, v in changes.items() if v == REDACTED or v[0] != v[1]}
    if entry is not None and entry["action"] == "insert" and action == "delete":
        del pending[key]  # created and removed in one transaction: nothing was committed
        return
    if entry is not None and entry["action"] == "insert":
        action = "insert"
    if action == "update" and not changes:
        return
    pending[key] = {
        "action": action,
        "object_type": key[0],
        "object_id": key[1],
        "object_label": _label(obj),
        "group_id": obj.audit_group_id,
        "changes": changes if action != "delete" else {},
    }


@event.listens_for(Session, "before_flush")
def _before_flush(session, flush_context, instances) -> None:
    """Refuse changes to audit rows and text with a personnummer or unsafe characters, before any SQL runs."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditTrailIsAppendOnly("audit rows are never updated or deleted")
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, Audited):
            continue
        for prop in _columns(obj):
            if _is_guarded(prop):
                value = getattr(obj, prop.key)
                if isinstance(value, str):
                    ensure_no_personnummer(value)
                    ensure_safe_text(value)  # control and bidi override characters: 400 on both databases


@event.listens_for(Audited, "mapper_configured", propagate=True)
def _load_old_values(mapper, cls) -> None:
    """Load a column's old value before it is overwritten, so the trail can show old → new."""
    for prop in mapper.column_attrs:
        mapper.class_manager[prop.key].impl.active_history = True


def _on_row(action: str):
    """Return a mapper listener that records one row's change in its session's pending entries."""

    def listener(mapper, connection, target) -> None:
        session = object_session(target)
        if session is not None:
            _record(session, target, action)

    return listener


# Mapper events see every row a flush writes, cascaded deletes of orphans included.
event.listen(Audited, "after_insert", _on_row("insert"), propagate=True)
event.listen(Audited, "after_update", _on_row("update"), propagate=True)
event.listen(Audited, "after_delete", _on_row("delete"), propagate=True)


@event.listens_for(Session, "before_commit")
def _before_commit(session) -> None:
    """Flush, then write the transaction's audit rows on its own connection."""
    session.flush()
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    now = utcnow()
    actor_id = _actor_id()
    rows = [dict(entry, occurred_at=now, actor_id=actor_id) for entry in pending.values()]
    session.connection().execute(insert(AuditEvent.__table__), rows)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session) -> None:
    """Forget what a rolled-back transaction would have audited."""
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_soft_rollback")
def _after_soft_rollback(session, previous_transaction) -> None:
    """Forget pending entries when an inner rollback ends the transaction."""
    session.info.pop(_PENDING, None)
