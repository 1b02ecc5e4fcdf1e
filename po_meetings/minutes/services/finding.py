"""Finding minutes, and the §§ and decisions of them a member may see."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from ...extensions import db
from ...models import (
    ActionItem,
    Approval,
    Attendance,
    Correction,
    Decision,
    DecisionReport,
    Guest,
    Meeting,
    Membership,
    Minutes,
    MinutesNote,
    Organisation,
    OrganisationFollowUp,
    Paragraph,
    Recusal,
    Reservation,
    SystemErrorReport,
    Vote,
)
from .rules import sees_confidential

# The minutes page's statements, built once: a statement built per request (or a selectinload's,
# per relationship and request) costs more Python to build and to key for the compiled cache than
# the database takes to run it. Each reads one table's rows of one minutes, in the relationship's
# order (by id where the relationship has none).
_MINUTES_ID = bindparam("minutes_id")
_PARAGRAPH_IDS = select(Paragraph.id).where(Paragraph.minutes_id == _MINUTES_ID).scalar_subquery()
_DECISION_IDS = select(Decision.id).where(Decision.paragraph_id.in_(_PARAGRAPH_IDS)).scalar_subquery()
_MINUTES = select(Minutes).where(Minutes.meeting_id == bindparam("meeting_id"))
_PARAGRAPHS = select(Paragraph).where(Paragraph.minutes_id == _MINUTES_ID).order_by(Paragraph.position)
_DECISIONS = select(Decision).where(Decision.paragraph_id.in_(_PARAGRAPH_IDS)).order_by(Decision.position)


def _rows_of(model, parent: str, parent_ids):
    """Return (the rows' key to their parent, the select of the rows under these parents, by id)."""
    return parent, select(model).where(getattr(model, parent).in_(parent_ids)).order_by(model.id)


#: collection → (the child's key to its parent, the select of the children of one minutes' parents)
_OF_MINUTES = {
    "attendances": (
        "minutes_id",
        select(Attendance).where(Attendance.minutes_id == _MINUTES_ID).order_by(Attendance.id),
    ),
    "approvals": (
        "minutes_id",
        select(Approval).where(Approval.minutes_id == _MINUTES_ID).order_by(Approval.id),
    ),
    "corrections": (
        "minutes_id",
        select(Correction).where(Correction.minutes_id == _MINUTES_ID).order_by(Correction.id),
    ),
}
_OF_PARAGRAPHS = {
    "recusals": _rows_of(Recusal, "paragraph_id", _PARAGRAPH_IDS),
    "guests": _rows_of(Guest, "paragraph_id", _PARAGRAPH_IDS),
    "notes": _rows_of(MinutesNote, "paragraph_id", _PARAGRAPH_IDS),
}
_OF_DECISIONS = {
    "votes": _rows_of(Vote, "decision_id", _DECISION_IDS),
    "reservations": _rows_of(Reservation, "decision_id", _DECISION_IDS),
    "actions": _rows_of(ActionItem, "decision_id", _DECISION_IDS),
    "follow_ups": _rows_of(OrganisationFollowUp, "decision_id", _DECISION_IDS),
    "report_links": _rows_of(DecisionReport, "decision_id", _DECISION_IDS),
}


# The rows the §§ and decisions point to (many-to-one), read when the session lacks one of them.
_RESUMING = aliased(Paragraph)
_RESUMED = select(Paragraph).where(
    Paragraph.id.in_(
        select(_RESUMING.resumes_id).where(_RESUMING.minutes_id == _MINUTES_ID).scalar_subquery()
    )
)
_FOLLOWED_UP = select(Organisation).where(
    Organisation.id.in_(
        select(OrganisationFollowUp.organisation_id)
        .where(OrganisationFollowUp.decision_id.in_(_DECISION_IDS))
        .scalar_subquery()
    )
)
_LINKED = select(SystemErrorReport).where(
    SystemErrorReport.id.in_(
        select(DecisionReport.report_id)
        .where(DecisionReport.decision_id.in_(_DECISION_IDS))
        .scalar_subquery()
    )
)


def minutes_of(meeting: Meeting) -> Minutes | None:
    """Return a meeting's minutes, with everything the minutes page shows, in a fixed few queries.

    The people the minutes name (officers, attendance, votes, reservations, recusals, notes, action
    owners) are memberships of the group: they are loaded once, with their users and organisations,
    and each reference to one is then found in the session instead of by a query of its own. The
    §§, their decisions and the rows under them are read a table a statement and put in their
    collections (as ``selectinload`` would, a collection already loaded is left as it is); the
    rows they point to (a resumed §, a follow-up's organisation, a linked report) are read only if
    the session does not have them yet.
    """
    _load_people(meeting)
    session = db.session
    minutes = session.scalar(_MINUTES, {"meeting_id": meeting.id})
    if minutes is None:
        return None
    params = {"minutes_id": minutes.id}
    with session.no_autoflush:
        paragraphs = session.scalars(_PARAGRAPHS, params).all()
        _fill([minutes], "paragraphs", "minutes_id", paragraphs)
        for name, (parent, query) in _OF_MINUTES.items():
            _fill([minutes], name, parent, session.scalars(query, params).all())
        if not paragraphs:
            return minutes
        decisions = session.scalars(_DECISIONS, params).all()
        _fill(paragraphs, "decisions", "paragraph_id", decisions)
        for name, (parent, query) in _OF_PARAGRAPHS.items():
            _fill(paragraphs, name, parent, session.scalars(query, params).all())
        _refer(paragraphs, "resumes", "resumes_id", Paragraph, _RESUMED, params)
        if not decisions:
            return minutes
        children = {}
        for name, (parent, query) in _OF_DECISIONS.items():
            children[name] = session.scalars(query, params).all()
            _fill(decisions, name, parent, children[name])
        _refer(children["follow_ups"], "organisation", "organisation_id", Organisation, _FOLLOWED_UP, params)
        _refer(children["report_links"], "report", "report_id", SystemErrorReport, _LINKED, params)
    return minutes


def _fill(parents: list, name: str, parent_key: str, children: list) -> None:
    """Set each parent's collection ``name`` to its children (in the order given), unless loaded."""
    by_parent = defaultdict(list)
    for child in children:
        by_parent[getattr(child, parent_key)].append(child)
    for parent in parents:
        if name not in parent.__dict__:
            set_committed_value(parent, name, by_parent.get(parent.id, []))


def _refer(rows: list, name: str, key: str, model, query, params: dict) -> None:
    """Set each row's many-to-one ``name`` (the ``model`` row its column ``key`` names) from the
    session; if the session lacks one (or holds it expired), ``query`` reads them all, as
    ``selectinload`` would."""
    identity_map = db.session.identity_map
    found, missing = {}, False
    for row in rows:
        target = getattr(row, key)
        if target is not None and target not in found:
            obj = identity_map.get(identity_key(model, target))
            if obj is None or inspect(obj).expired:
                missing = True
            else:
                found[target] = obj
    if missing:
        found.update((obj.id, obj) for obj in db.session.scalars(query, params))
    for row in rows:
        target = getattr(row, key)
        if target is not None and name not in row.__dict__:
            set_committed_value(row, name, found.get(target))


def _load_people(meeting: Meeting) -> None:
    """Load the group's memberships, ended ones too, with their users and organisations (their own
    and, for a substitute, the one they stand in for).

    They are kept as the group's ``memberships`` (the session holds loaded rows only weakly), so
    the many-to-one references above resolve from the session's identity map without SQL. A user
    who is not a member (an administrator who edited a §) is still loaded on first use.
    """
    group = meeting.group
    if "memberships" in group.__dict__:
        return
    people = db.session.scalars(
        select(Membership)
        .where(Membership.group_id == group.id)
        .options(
            joinedload(Membership.user),
            joinedload(Membership.organisation),
            joinedload(Membership.substitute_for_organisation),
        )
    ).all()
    set_committed_value(group, "memberships", people)


def current_members(meeting: Meeting) -> list[Membership]:
    """Return the group's current memberships (as ``groups.services.active_memberships``), from the
    people :func:`minutes_of` loads: no statement of its own after it."""
    _load_people(meeting)
    return [m for m in meeting.group.memberships if m.is_active]


def visible_paragraphs(minutes: Minutes, by: Membership | None) -> list[Paragraph]:
    """Return the §§ the member may see: confidential ones are left out for ombuds and co-opted."""
    if sees_confidential(by):
        return list(minutes.paragraphs)
    return [p for p in minutes.paragraphs if not p.is_secret]


def get_paragraph(minutes: Minutes, paragraph_id: int, by: Membership | None) -> Paragraph | None:
    """Return a § of these minutes that the member may see, or None."""
    for paragraph in visible_paragraphs(minutes, by):
        if paragraph.id == paragraph_id:
            return paragraph
    return None


def get_decision(minutes: Minutes, decision_id: int, by: Membership | None) -> Decision | None:
    """Return a decision in a § the member may see, or None."""
    for paragraph in visible_paragraphs(minutes, by):
        for decision in paragraph.decisions:
            if decision.id == decision_id:
                return decision
    return None
