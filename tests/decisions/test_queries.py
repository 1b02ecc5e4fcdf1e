"""The decision log's queries: a page makes the same number of queries with 5 decisions or 50,
each with its votes, reservation, uppdrag, återrapportering and linked system error."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from po_meetings import permissions
from po_meetings.decisions import queries
from po_meetings.extensions import db
from po_meetings.models import (
    ActionItem,
    Decision,
    DecisionReport,
    DecisionResult,
    Membership,
    Minutes,
    Organisation,
    OrganisationFollowUp,
    Paragraph,
    Reservation,
    SystemErrorReport,
    Vote,
    VoteChoice,
)

from ..support.query_count import counting_queries


def add_decisions(app, demo, count: int) -> None:
    """Add decisions taken by votering to a § of the demo's justerade minutes, each with a vote,
    a reservation, an uppdrag (some overdue), an återrapportering and a linked report."""
    with app.app_context():
        paragraph = db.session.scalars(
            select(Paragraph).join(Minutes).where(Minutes.group_id == demo.group_id).order_by(Paragraph.id)
        ).first()
        owner = db.session.get(Membership, demo.membership("ledamot.asby@demo.se"))
        voter = db.session.get(Membership, demo.membership("ledamot@demo.se"))
        organisation = db.session.scalar(select(Organisation).order_by(Organisation.id))
        report = db.session.scalar(
            select(SystemErrorReport)
            .where(SystemErrorReport.group_id == demo.group_id, SystemErrorReport.number_seq.is_not(None))
            .order_by(SystemErrorReport.id)
        )
        for n in range(count):
            decision = Decision(
                paragraph=paragraph,
                group_id=demo.group_id,
                position=100 + n,
                text=f"att pröva beslut nummer {n}",
                method="vote",
                result=DecisionResult.ADOPTED.value,
            )
            decision.votes.append(Vote(group_id=demo.group_id, membership=voter, choice=VoteChoice.NO.value))
            decision.reservations.append(Reservation(group_id=demo.group_id, membership=voter))
            decision.actions.append(
                ActionItem(
                    group_id=demo.group_id,
                    title=f"Uppdrag {n}",
                    owner=owner,
                    due_on=date.today() + timedelta(days=n - count // 2),
                )
            )
            decision.follow_ups.append(
                OrganisationFollowUp(group_id=demo.group_id, organisation=organisation)
            )
            decision.report_links.append(
                DecisionReport(group_id=demo.group_id, report=report, effect="tagen upp")
            )
            db.session.add(decision)
        db.session.commit()


def count_page_queries(app, client, url: str) -> tuple[int, str]:
    """Return how many statements the page made, and its HTML."""
    with app.app_context():
        engine = db.engine
    with counting_queries(engine) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def test_a_page_of_50_decisions_makes_as_many_queries_as_a_page_of_5(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    url = f"/groups/{demo.group_id}/decisions?state=open&owner={demo.membership('ledamot.asby@demo.se')}"
    add_decisions(app, demo, 5)
    few, html = count_page_queries(app, client, url)
    assert html.count('class="decision-log__row"') == 6  # the demo's own uppdrag of Åsby's member, and 5
    add_decisions(app, demo, 60)
    many, html = count_page_queries(app, client, url)
    assert html.count('class="decision-log__row"') == 50 and "Sida 1 av 2" in html
    assert many == few
    # Unfiltered too, and the export loads its relations per relation, not per row.
    everything, _ = count_page_queries(app, client, f"/groups/{demo.group_id}/decisions")
    export, _ = count_page_queries(app, client, f"/groups/{demo.group_id}/decisions.csv")
    assert everything <= few + 2 and export <= few + 2


def test_the_filters_offer_only_what_the_viewer_may_see(app, demo):
    with app.app_context():
        ombud = db.session.get(Membership, demo.membership("ombud@demo.se"))
        chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
        chair_owners = {m.id for m in queries.owners(demo.group_id, chair)}
        ombud_owners = {m.id for m in queries.owners(demo.group_id, ombud)}
        # The chair's only uppdrag is in a confidential §.
        assert chair.id in chair_owners and chair.id not in ombud_owners
        assert ombud_owners < chair_owners
        assert queries.years(demo.group_id, ombud) == queries.years(demo.group_id, chair)
        assert queries.organisations(demo.group_id, ombud)
        assert queries.owners(demo.other_group_id, chair) == []
