"""The start page's reports (``queries.my_reports``) against a plain reading of the rule.

The query reads the first few reports of each reason from an index and counts each reason
apart; these tests check it against the rule written out in Python over a register of reports
with every combination of owner, organisation to fix, reporter, follower, status,
confidentiality and date, for each kind of member, with and without a last visit.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from po_meetings.extensions import db
from po_meetings.main import queries
from po_meetings.models import (
    Membership,
    Occurrence,
    Organisation,
    ReportFollower,
    ReportStatus,
    SystemErrorReport,
    User,
    utcnow,
)
from po_meetings.system_errors import services as register

STATUSES = [s.value for s in ReportStatus]
PEOPLE = ("chair", "member", "adjuster", "ombud")


def add_register(app, world, seed: int, count: int = 90) -> None:
    """Add ``count`` reports with random reasons to be on someone's page, in both groups."""
    rng = random.Random(seed)
    now = utcnow()
    with app.app_context():
        organisations = [None, *db.session.scalars(select(Organisation.id).order_by(Organisation.id))]
        memberships = db.session.scalars(select(Membership).order_by(Membership.id)).all()
        users = list(world.users.values())
        for n in range(count):
            group_id = rng.choice([world.group_id, world.group_id, world.other_group_id])
            owners = [m.id for m in memberships if m.group_id == group_id]
            report = SystemErrorReport(
                group_id=group_id,
                number_year=2020,
                number_seq=100 + n,
                reporter_id=rng.choice(users),
                status=rng.choice(STATUSES),
                title=f"Slumpad rapport {n}",
                level="local",
                category="accessibility",
                is_confidential=rng.random() < 0.3,
                owner_id=rng.choice([None, None, *owners]),
                fixer_organisation_id=rng.choice(organisations),
                search_text=f"Slumpad rapport {n}",
                submitted_at=now - timedelta(days=40),
                # Four dates only, so that many reports share one and the id decides their order.
                updated_at=now - timedelta(days=rng.choice([0, 1, 9, 10])),
            )
            db.session.add(report)
            db.session.flush()
            for user_id in users:
                if rng.random() < 0.2:
                    db.session.add(ReportFollower(report_id=report.id, user_id=user_id, group_id=group_id))
                if rng.random() < 0.1:
                    db.session.add(
                        Occurrence(
                            report_id=report.id,
                            group_id=group_id,
                            reporter_id=user_id,
                            occurred_on=now.date(),
                        )
                    )
        db.session.commit()


def by_the_rule(user_id: int, memberships: list[Membership], since) -> tuple[dict[int, list], dict[int, int]]:
    """Return the ids each group shows, in order, and each group's total, read from every report."""
    followed = set(
        db.session.scalars(select(ReportFollower.report_id).where(ReportFollower.user_id == user_id))
    )
    occurred = set(db.session.scalars(select(Occurrence.report_id).where(Occurrence.reporter_id == user_id)))
    open_ = set(queries.OPEN_REPORT)
    shown, totals = {}, {}
    for m in memberships:
        mine = []
        for r in db.session.scalars(
            select(SystemErrorReport).where(SystemErrorReport.group_id == m.group_id)
        ):
            if r.status == ReportStatus.DRAFT.value:
                continue
            if (
                not register.sees_all(m)
                and r.is_confidential
                and r.reporter_id != user_id
                and r.id not in occurred
            ):
                continue
            recent = r.status in open_ or (since is not None and r.updated_at > since)
            owned = r.owner_id == m.id
            fixes = m.organisation_id is not None and r.fixer_organisation_id == m.organisation_id
            if recent and (
                owned or (fixes and r.status in open_) or r.reporter_id == user_id or r.id in followed
            ):
                mine.append((not owned, -r.updated_at.timestamp(), -r.id, r.id))
        mine.sort()
        if mine:
            shown[m.group_id] = [key[-1] for key in mine[: queries.ROW_LIMIT]]
            totals[m.group_id] = len(mine)
    return shown, totals


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_member_sees_what_the_rule_says_in_its_order_with_its_totals(app, world, seed):
    add_register(app, world, seed)
    with app.app_context():
        for key in PEOPLE:
            user = db.session.get(User, world.users[key])
            memberships = db.session.scalars(
                select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
            ).all()
            for since in (None, utcnow() - timedelta(days=5)):
                rows, totals = queries.my_reports(user, memberships, since)
                shown: dict[int, list] = {}
                for row in rows:
                    shown.setdefault(row.report.group_id, []).append(row.report.id)
                expected_shown, expected_totals = by_the_rule(user.id, memberships, since)
                assert (shown, totals) == (expected_shown, expected_totals), (key, since)
                followed = set(
                    db.session.scalars(
                        select(ReportFollower.report_id).where(ReportFollower.user_id == user.id)
                    )
                )
                assert all(row.is_followed == (row.report.id in followed) for row in rows), key


def test_a_report_for_several_reasons_is_listed_and_counted_once(app, world):
    with app.app_context():
        report = db.session.get(SystemErrorReport, world.reports["fixable"])
        member = db.session.get(Membership, world.memberships["member"])
        report.owner_id = member.id  # owned, to be fixed by the member's organisation, and followed
        db.session.add(ReportFollower(report_id=report.id, user_id=member.user_id, group_id=report.group_id))
        db.session.commit()
        user = db.session.get(User, member.user_id)
        memberships = db.session.scalars(select(Membership).where(Membership.user_id == user.id)).all()
        rows, totals = queries.my_reports(user, memberships, None)
        ids = [row.report.id for row in rows]
        assert ids.count(report.id) == 1
        # Owned reports come first: the two the member owns, then the one they follow.
        assert set(ids[:2]) == {report.id, world.reports["owned"]} and ids[2:] == [world.reports["followed"]]
        assert totals == {world.group_id: 3}
