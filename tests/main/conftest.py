"""A small world of its own for the start page's tests: two groups, a few members, a closed
meeting whose minutes wait for justering, uppdrag (one overdue), reports and a called meeting.

Built straight from the models so the tests depend neither on the demo data nor on its timing.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from po_meetings.admin.services import create_user
from po_meetings.dates import local
from po_meetings.extensions import db
from po_meetings.models import (
    ActionItem,
    ActionStatus,
    Decision,
    Group,
    Meeting,
    MeetingStatus,
    Membership,
    Minutes,
    Organisation,
    OrganisationFollowUp,
    Paragraph,
    Proposal,
    ReportFollower,
    ReportStatus,
    Role,
    SystemErrorReport,
    utcnow,
)

PASSWORD = "ett-bra-losenord"

OVERDUE = "Skicka remissvaret till socialnämnden"
SOON = "Boka in enhetschefen på nästa möte"
LATER = "Sammanställ väntetiderna per kommun"
OTHERS = "Någon annans uppdrag om boendestöd"
OWNED_REPORT = "Ingen samordnad utskrivning från slutenvården"
FIXABLE_REPORT = "Långa handläggningstider för sjukpenning"
FOLLOWED_REPORT = "Stängd reception på eftermiddagar"
HIDDEN_REPORT = "Sekretessbelagd rapport om ett enskilt boende"


class World(SimpleNamespace):
    """Ids and e-mail addresses of the start page's test world, and helpers that add to it."""

    def add_actions(self, app, count: int, owner: str = "member") -> None:
        """Give the member ``count`` more open uppdrag (for the query budget)."""
        with app.app_context():
            decision = db.session.get(Decision, self.decision_id)
            for n in range(count):
                db.session.add(
                    ActionItem(
                        decision=decision,
                        group_id=decision.group_id,
                        title=f"Extra uppdrag {n + 1}",
                        owner_id=self.memberships[owner],
                        due_on=local(utcnow()).date() + timedelta(days=n - 2),
                        status=ActionStatus.NOT_STARTED.value,
                    )
                )
            db.session.commit()


def _user(email: str, name: str, organisation: Organisation | None) -> int:
    user = create_user(email=email, name=name, password=PASSWORD, organisation=organisation)
    db.session.flush()
    return user.id


@pytest.fixture
def world(app) -> World:
    """Create the start page's test world and return its ids."""
    with app.app_context():
        now = utcnow()
        today = local(now).date()
        fk = Organisation(name="Försäkringskassan Testby", kind="social_insurance")
        kommun = Organisation(name="Testby kommun", kind="municipality")
        db.session.add_all([fk, kommun])
        group = Group(name="Testby ledningsgrupp")
        other_group = Group(name="Annanby ledningsgrupp")
        db.session.add_all([group, other_group])
        db.session.flush()
        users = {
            "chair": _user("chair@test.se", "Cecilia Ordförande", kommun),
            "member": _user("member@test.se", "Maria Ledamot", fk),
            "adjuster": _user("adjuster@test.se", "Jonas Justerare", kommun),
            "ombud": _user("ombud@test.se", "Olle Ombud", None),
            "outsider": _user("outsider@test.se", "Ulla Utanför", None),
        }
        roles = {
            "chair": (Role.CHAIR, kommun),
            "member": (Role.MEMBER, fk),
            "adjuster": (Role.MEMBER, kommun),
            "ombud": (Role.OMBUD, None),
        }
        memberships = {}
        for key, (role, organisation) in roles.items():
            membership = Membership(
                group=group,
                user_id=users[key],
                role=role.value,
                organisation_id=organisation and organisation.id,
            )
            db.session.add(membership)
            db.session.flush()
            memberships[key] = membership.id
        outsider = Membership(group=other_group, user_id=users["outsider"], role=Role.CHAIR.value)
        # The member sits in the other group too, as an ordinary member.
        member_elsewhere = Membership(
            group=other_group, user_id=users["member"], role=Role.MEMBER.value, organisation_id=fk.id
        )
        db.session.add_all([outsider, member_elsewhere])

        past = Meeting(
            group_id=group.id,
            title="Möte i mars",
            status=MeetingStatus.CLOSED.value,
            starts_at=now - timedelta(days=10),
            ends_at=now - timedelta(days=10) + timedelta(hours=2),
        )
        coming = Meeting(
            group_id=group.id,
            title="Möte i april",
            status=MeetingStatus.CALLED.value,
            starts_at=now + timedelta(days=10),
            ends_at=now + timedelta(days=10, hours=2),
            published_at=now,
        )
        db.session.add_all([past, coming])
        db.session.flush()
        minutes = Minutes(
            meeting=past,
            group_id=group.id,
            chair_id=memberships["chair"],
            secretary_id=memberships["member"],
            adjuster_id=memberships["adjuster"],
            opened_at=past.starts_at,
            closed_at=past.ends_at,
        )
        db.session.add(minutes)
        db.session.flush()
        paragraph = Paragraph(
            minutes=minutes, group_id=group.id, year=today.year, number=1, title="Uppföljning av remissen"
        )
        db.session.add(paragraph)
        db.session.flush()
        decision = Decision(paragraph=paragraph, group_id=group.id, text="Att skicka remissvaret.")
        db.session.add(decision)
        db.session.flush()

        def action(title, owner, days):
            item = ActionItem(
                decision=decision,
                group_id=group.id,
                title=title,
                owner_id=memberships[owner],
                due_on=today + timedelta(days=days),
                status=ActionStatus.NOT_STARTED.value,
            )
            db.session.add(item)
            db.session.flush()
            return item.id

        actions = {
            "later": action(LATER, "member", 30),
            "overdue": action(OVERDUE, "member", -3),
            "soon": action(SOON, "member", 5),
            "others": action(OTHERS, "adjuster", 5),
        }
        follow_up = OrganisationFollowUp(decision=decision, group_id=group.id, organisation_id=fk.id)
        db.session.add(follow_up)

        def report(seq, title, **kw):
            values = dict(
                group_id=group.id,
                number_year=today.year,
                number_seq=seq,
                reporter_id=users["ombud"],
                status=ReportStatus.SUBMITTED.value,
                title=title,
                level="local",
                category="accessibility",
                submitted_at=now - timedelta(days=20),
                search_text=title,
            )
            values.update(kw)
            item = SystemErrorReport(**values)
            db.session.add(item)
            db.session.flush()
            return item

        owned = report(1, OWNED_REPORT, owner_id=memberships["member"], status=ReportStatus.IN_PROGRESS.value)
        fixable = report(2, FIXABLE_REPORT, fixer_organisation_id=fk.id)
        followed = report(3, FOLLOWED_REPORT, status=ReportStatus.TAKEN_UP.value)
        hidden = report(4, HIDDEN_REPORT, is_confidential=True, reporter_id=users["chair"])
        db.session.add(ReportFollower(report_id=followed.id, user_id=users["member"], group_id=group.id))
        db.session.add(
            Proposal(
                meeting=coming,
                group_id=group.id,
                proposer_id=users["member"],
                title="Bostadsförsörjning för målgruppen",
            )
        )
        db.session.commit()
        return World(
            group_id=group.id,
            other_group_id=other_group.id,
            users=users,
            memberships=memberships,
            outsider_membership_id=outsider.id,
            past_meeting_id=past.id,
            meeting_id=coming.id,
            minutes_id=minutes.id,
            decision_id=decision.id,
            actions=actions,
            follow_up_id=follow_up.id,
            reports={"owned": owned.id, "fixable": fixable.id, "followed": followed.id, "hidden": hidden.id},
            report_numbers={
                "owned": owned.number,
                "fixable": fixable.number,
                "followed": followed.number,
                "hidden": hidden.number,
            },
        )


@pytest.fixture
def login(client):
    """Return a function that logs the test client in as one of the world's people."""

    def log_in(key: str):
        client.post("/logout")
        response = client.post("/login", data={"email": f"{key}@test.se", "password": PASSWORD})
        assert response.status_code == 303, f"login as {key} failed"
        return response

    return log_in
