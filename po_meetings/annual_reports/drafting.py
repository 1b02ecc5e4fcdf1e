"""Draft a group's yearly report from its records: :func:`compute` counts everything as of a moment.

Everything is counted up to the *cut*: the report's date (``as_of``) or the end of 31 December
in Sweden, whichever comes first, so a record changed after the report's date does not change a
drafted report, and a draft made during the year counts the year so far. The members are those
of the group at the cut; the meetings are those held during the year (started, closed or
justerade; never a draft, a kallad one that was not held or a cancelled one) with the decisions
recorded by the cut; the system errors come from the register's history (:mod:`.drafting_errors`).

The client statistics are the quarters entered for the year: by the report's date for a draft
made during the year; every one entered for a year gone by (a quarter is entered after it ends,
so the fourth quarter comes in January, after the moment the year's report is counted as of).

A bounded number of queries, however many meetings, reports and quarters the year holds.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..dates import local, local_datetime
from ..extensions import db
from ..models import (
    AGE_GROUPS,
    AgendaTemplate,
    CategoryKind,
    ClientStatistics,
    Decision,
    Flow,
    Gender,
    Group,
    Level,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Membership,
    Minutes,
    Paragraph,
    Role,
    utcnow,
)
from ..models.statistics import AGE_LABELS, CATEGORY_KIND_LABELS, GENDER_LABELS, TOTAL
from .content import Chart, Figures, HeldMeeting, Member, Row, Series, Table
from .drafting_errors import compute_errors, per_level

#: The meetings a group has held: started, closed or justerade.
HELD = (MeetingStatus.IN_PROGRESS.value, MeetingStatus.CLOSED.value, MeetingStatus.APPROVED.value)
#: The members in the order the report lists them.
ROLE_ORDER = (Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER, Role.SUBSTITUTE, Role.CO_OPTED, Role.OMBUD)
QUARTERS = ("Kv 1", "Kv 2", "Kv 3", "Kv 4")
GENDER_COLUMNS = tuple(GENDER_LABELS[g] for g in Gender) + ("Totalt",)
CHILDREN_ROWS = (
    "Klienter med minderåriga barn som PO har vetskap om",
    "Varav antal klienter med hemmaboende barn (även växelvis boende)",
)
#: A meeting kind in a count: one, several.
KIND_WORDS = {
    MeetingKind.OPERATIVE: ("operativt möte", "operativa möten"),
    MeetingKind.DEVELOPMENT: ("utvecklingsmöte", "utvecklingsmöten"),
}
#: "var sjätte vecka": how often, in weeks, in words.
EVERY_WEEKS = {
    1: "varje vecka",
    2: "varannan vecka",
    3: "var tredje vecka",
    4: "var fjärde vecka",
    5: "var femte vecka",
    6: "var sjätte vecka",
    7: "var sjunde vecka",
    8: "var åttonde vecka",
    9: "var nionde vecka",
    10: "var tionde vecka",
    11: "var elfte vecka",
    12: "var tolfte vecka",
}


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """Return the first moment of a year in Sweden and the first moment of the next (UTC)."""
    return local_datetime(date(year, 1, 1), time(0)), local_datetime(date(year + 1, 1, 1), time(0))


def end_of_year(year: int) -> datetime:
    """Return the last moment of 31 December of a year in Stockholm, in UTC (a whole second)."""
    return local_datetime(date(year, 12, 31), time(23, 59, 59))


def cut_of(year: int, as_of: datetime) -> datetime:
    """Return the moment a year's report counts up to: its date, or the end of 31 December
    (never later than now: the records say nothing yet of what is to come)."""
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=UTC)
    _, next_start = year_bounds(year)
    return min(as_of.astimezone(UTC), next_start - timedelta(microseconds=1), utcnow())


def _quarter(moment: datetime) -> int:
    """Return the quarter (1–4) a moment falls in, in Sweden."""
    return (local(moment).month - 1) // 3 + 1


def compute(group_id: int, year: int, as_of: datetime) -> Figures:
    """Return the figures of a group's yearly report, counted from its records as of ``as_of``."""
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=UTC)
    group = db.session.scalar(
        select(Group).where(Group.id == group_id).options(selectinload(Group.municipalities))
    )
    if group is None:
        raise LookupError(f"no group {group_id}")
    year_start, next_start = year_bounds(year)
    cut = cut_of(year, as_of)
    whole_year = cut >= next_start - timedelta(microseconds=1)
    day = "31 december" if whole_year else local(cut).date().isoformat()

    meetings = _meetings(group_id, year_start, next_start, cut)
    decisions = _decisions_per_meeting(group_id, [m.id for m in meetings], cut)
    errors = compute_errors(group_id, year_start, cut, day)
    quarters = _quarters(group_id, year, as_of) if year_start <= cut else {}
    this_year = {q: s for (y, q), s in quarters.items() if y == year}

    charts = []
    open_, closed = per_level(errors.counted)
    if any(open_) or any(closed):
        charts.append(
            Chart(
                f"Systemfel per nivå och status {day}",
                tuple(level.label for level in Level),
                (Series("Öppna", open_), Series("Avslutade under året", closed)),
                kind="stacked",
                masks_small=False,
            )
        )
    if meetings:
        per_quarter = Counter(_quarter(m.starts_at) for m in meetings)
        decided = Counter()
        for meeting in meetings:
            decided[_quarter(meeting.starts_at)] += decisions.get(meeting.id, 0)
        charts.append(
            Chart(
                "Möten och beslut per kvartal",
                QUARTERS,
                (
                    Series("Möten", tuple(per_quarter[q] for q in range(1, 5))),
                    Series("Beslut", tuple(decided[q] for q in range(1, 5))),
                ),
                masks_small=False,
            )
        )
    if this_year:
        charts.append(_clients_chart(this_year))

    return Figures(
        year=year,
        as_of=as_of,
        group_name=group.name,
        municipalities=tuple(group.municipality_names),
        members=_members(group_id, cut),
        ways_of_working=_ways_of_working(group, meetings),
        meetings=tuple(
            HeldMeeting(local(m.starts_at).date(), m.title, MeetingKind(m.kind).label) for m in meetings
        ),
        contact_reasons=_categories(this_year, CategoryKind.CONTACT_REASON),
        contact_ways=_categories(this_year, CategoryKind.CONTACT_WAY),
        errors_by_level=errors.by_level,
        errors_by_category=errors.by_category,
        errors_by_organisation=errors.by_organisation,
        handled_errors=errors.handled,
        client_totals=_client_totals(year, quarters),
        closed_by_age=_closed_by_age(year, this_year),
        children=_children(year, this_year),
        quarters_entered=tuple(sorted(this_year)),
        charts=tuple(charts),
    )


# -- the group: members and ways of working ----------------------------------------------------


def _members(group_id: int, cut: datetime) -> tuple[Member, ...]:
    """Return the group's members at the cut, chair first, then by role and name."""
    memberships = db.session.scalars(
        select(Membership)
        .where(
            Membership.group_id == group_id,
            Membership.created_at <= cut,
            (Membership.ended_at.is_(None)) | (Membership.ended_at > cut),
        )
        .options(joinedload(Membership.user), joinedload(Membership.organisation))
    ).all()
    order = {role.value: index for index, role in enumerate(ROLE_ORDER)}
    memberships = sorted(memberships, key=lambda m: (order.get(m.role, len(order)), m.user.name, m.id))
    return tuple(
        Member(m.user.name, m.role_label, m.organisation.name if m.organisation is not None else "")
        for m in memberships
    )


def _ways_of_working(group: Group, meetings: list[Meeting]) -> tuple[str, ...]:
    """Return the group's ways of working in words: its templates, meeting length and rhythm."""
    templates = db.session.scalars(
        select(AgendaTemplate).where(AgendaTemplate.group_id == group.id).order_by(AgendaTemplate.name)
    ).all()
    lines = [f"Dagordningsmall: {t.name}, {t.meeting_minutes} minuter" for t in templates]
    lines.append(f"Mötets längd som förval: {group.default_meeting_minutes} minuter")
    if not meetings:
        lines.append("Gruppen höll inga möten under året.")
        return tuple(lines)
    kinds = Counter(m.kind for m in meetings)
    held = "ett möte" if len(meetings) == 1 else f"{len(meetings)} möten"
    parts = [
        f"{kinds[kind.value]} {KIND_WORDS[kind][0 if kinds[kind.value] == 1 else 1]}"
        for kind in MeetingKind
        if kinds[kind.value]
    ]
    lines.append(f"Möten under året: {held} ({', '.join(parts)})")
    if len(meetings) >= 2:
        days = [local(m.starts_at).date() for m in meetings]
        average = (days[-1] - days[0]).days / (len(days) - 1)
        weeks = max(1, round(average / 7))
        every = EVERY_WEEKS.get(weeks, f"var {weeks}:e vecka")
        lines.append(f"Mötesrytm: ungefär {every} (i genomsnitt {round(average)} dagar mellan mötena)")
    return tuple(lines)


# -- meetings and decisions ---------------------------------------------------------------------


def _meetings(group_id: int, year_start: datetime, next_start: datetime, cut: datetime) -> list[Meeting]:
    """Return the meetings the group held during the year up to the cut, in date order."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.group_id == group_id,
                Meeting.status.in_(HELD),
                Meeting.starts_at >= year_start,
                Meeting.starts_at < next_start,
                Meeting.starts_at <= cut,
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def _decisions_per_meeting(group_id: int, meeting_ids: list[int], cut: datetime) -> dict[int, int]:
    """Return how many decisions each meeting's minutes recorded by the cut, in one query."""
    if not meeting_ids:
        return {}
    rows = db.session.execute(
        select(Minutes.meeting_id, func.count(Decision.id))
        .join(Paragraph, Paragraph.id == Decision.paragraph_id)
        .join(Minutes, Minutes.id == Paragraph.minutes_id)
        .where(
            Decision.group_id == group_id,
            Minutes.meeting_id.in_(meeting_ids),
            Decision.created_at <= cut,
        )
        .group_by(Minutes.meeting_id)
    )
    return {meeting_id: count for meeting_id, count in rows}


# -- client statistics --------------------------------------------------------------------------


def _quarters(group_id: int, year: int, as_of: datetime) -> dict[tuple[int, int], ClientStatistics]:
    """Return the quarters of the year and the last quarter of the year before, by (year,
    quarter); their cells come with them.

    A draft made during the year counts the quarters entered by its date. A quarter is entered
    after it ends, so the report of a year gone by (counted as of the end of 31 December or
    later) counts every quarter entered for the year, the fourth one entered in January included.
    """
    query = select(ClientStatistics).where(
        ClientStatistics.group_id == group_id,
        (ClientStatistics.year == year)
        | ((ClientStatistics.year == year - 1) & (ClientStatistics.quarter == 4)),
    )
    if as_of < end_of_year(year):
        query = query.where(ClientStatistics.created_at <= as_of)
    return {(s.year, s.quarter): s for s in db.session.scalars(query).all()}


def _gender_row(label: str, quarters, flow: str, age_group: str = TOTAL) -> Row:
    """Return a row of one flow summed over the quarters: each gender and the total."""
    values = [sum(s.cell(flow, gender, age_group) for s in quarters) for gender in Gender]
    return Row(label, (*values, sum(values)))


def _client_totals(year: int, quarters: dict[tuple[int, int], ClientStatistics]) -> Table:
    """Return the form's first table: clients at the two year ends, new and closed clients."""
    this_year = [s for (y, _), s in sorted(quarters.items()) if y == year]
    if not this_year:
        return Table("Klienter", GENDER_COLUMNS, ())
    before = quarters.get((year - 1, 4))
    first = quarters.get((year, 1))
    at_start = before.clients_at_end if before is not None else (first.clients_at_start if first else None)
    last = quarters.get((year, 4))
    at_end = last.clients_at_end if last is not None else None
    return Table(
        "Klienter",
        GENDER_COLUMNS,
        (
            Row(f"Klienter 31 december {year - 1}", (None, None, None, at_start)),
            Row(f"Klienter 31 december {year}", (None, None, None, at_end)),
            _gender_row(f"Nya klienter {year}", this_year, Flow.NEW.value),
            _gender_row(f"Avslutade klienter {year}", this_year, Flow.CLOSED.value),
        ),
    )


def _closed_by_age(year: int, this_year: dict[int, ClientStatistics]) -> Table:
    """Return the clients closed during the year by age group and gender."""
    caption = f"Klienter som avslutats under {year}, per åldersgrupp"
    if not this_year:
        return Table(caption, GENDER_COLUMNS, ())
    quarters = list(this_year.values())
    return Table(
        caption,
        GENDER_COLUMNS,
        tuple(_gender_row(AGE_LABELS[age], quarters, Flow.CLOSED.value, age) for age in AGE_GROUPS),
    )


def _children(year: int, this_year: dict[int, ClientStatistics]) -> Table:
    """Return the clients with children, from the latest quarter of the year entered."""
    if not this_year:
        return Table("Klienter med barn", ("Antal",), ())
    number = max(this_year)
    latest = this_year[number]
    return Table(
        f"Klienter med barn (kvartal {number} {year})",
        ("Antal",),
        (
            Row(CHILDREN_ROWS[0], (latest.with_minor_children,)),
            Row(CHILDREN_ROWS[1], (latest.with_children_at_home,)),
        ),
    )


def _categories(this_year: dict[int, ClientStatistics], kind: CategoryKind) -> Table:
    """Return the clients per category summed over the year, the most common first (no zeros)."""
    totals: Counter[str] = Counter()
    positions: dict[str, tuple[int, int]] = {}
    for statistics in this_year.values():
        for count in statistics.category_counts:
            if count.category.kind == kind.value:
                totals[count.category.name] += count.count
                positions[count.category.name] = (count.category.position, count.category.id)
    rows = sorted(
        ((name, total) for name, total in totals.items() if total),
        key=lambda item: (-item[1], positions[item[0]]),
    )
    return Table(CATEGORY_KIND_LABELS[kind], ("Antal",), tuple(Row(name, (total,)) for name, total in rows))


def _clients_chart(this_year: dict[int, ClientStatistics]) -> Chart:
    """Return the clients at each quarter's end and the new ones (a quarter not entered as 0)."""
    missing = [q for q in range(1, 5) if q not in this_year]
    title = "Klienter per kvartal"
    if missing:
        title += " (ej inrapporterat: " + ", ".join(QUARTERS[q - 1].lower() for q in missing) + ")"
    return Chart(
        title,
        QUARTERS,
        (
            Series(
                "Klienter vid kvartalets slut",
                tuple(this_year[q].clients_at_end if q in this_year else 0 for q in range(1, 5)),
            ),
            Series("Nya", tuple(this_year[q].new_clients if q in this_year else 0 for q in range(1, 5))),
        ),
    )
