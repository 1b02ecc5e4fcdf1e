"""Every create form saves once: a submission sent twice (a double click, Enter pressed twice, a page
sent again) with the same one-time form token writes nothing new and answers as the first did.

Each create endpoint is posted twice over HTTP with one token; the database holds exactly as many
rows after the second post as after the first, and the second goes where the first went. The
occurrence form ("Lägg till förekomsten", the issue's example) is also sent twice at the same time,
from two threads against a live server.
"""

from __future__ import annotations

import re
import threading
from datetime import date
from types import SimpleNamespace

import pytest
from flask import url_for
from flask_migrate import stamp
from sqlalchemy import func, select

from po_meetings import create_app, form_tokens, permissions
from po_meetings.extensions import db
from po_meetings.meetings import services as meeting_services
from po_meetings.minutes import services as minutes_services
from po_meetings.models import (
    Group,
    Meeting,
    Membership,
    Presence,
    ReportStatus,
    SystemErrorReport,
)
from po_meetings.statistics import services as statistics_services
from po_meetings.statistics.services import Quarter as StatisticsQuarter

from .conftest import DEMO_PASSWORD, _test_config
from .statistics.test_routes import form_data as statistics_form_data
from .statistics.test_services import balanced as statistics_counts
from .support import snapshot
from .support.endpoints import url_args
from .support.live_server import Browser, live_server

CHAIR = "ordforande@demo.se"
SECRETARY = "ledamot@demo.se"
ADJUSTER = "ledamot.vc@demo.se"
VICE = "vice@demo.se"
MEMBER = "ledamot.asby@demo.se"
OMBUD = "ombud@demo.se"
TOKEN = "double-submit-token-0123456789"

REPORT = {
    "title": "Väntetid på LSS-beslut över ett halvår",
    "description": "Flera klienter har väntat över sex månader på beslut om boendestöd.",
    "causes": "Handläggarna räcker inte till.",
    "consequences": "Klienterna blir utan stöd.",
    "system_view": "Behoven möttes inte.",
    "proposal": "Ett gemensamt flöde för ärenden som väntat länge.",
    "level": "local",
    "category": "local_resources",
    "client_count": "4",
    "action": "submit",
}


def rows() -> int:
    """Return how many rows the whole database holds (every table the app knows)."""
    return sum(
        db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables
    )


def url_of(app, endpoint: str, demo, **args) -> str:
    with app.test_request_context():
        return url_for(endpoint, **{**url_args(endpoint, demo), **args})


def held(app, demo) -> SimpleNamespace:
    """Start the demo's coming meeting with attendance and officers; return its ids."""
    with app.app_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        meeting_services.start_meeting(meeting)
        minutes = minutes_services.minutes_of(meeting)
        chair = db.session.get(Membership, demo.membership(CHAIR))
        for email in (CHAIR, SECRETARY, ADJUSTER, VICE, MEMBER):
            minutes_services.set_attendance(minutes, chair, demo.membership(email), Presence.PRESENT)
        minutes_services.set_officers(
            minutes, chair, chair.id, demo.membership(SECRETARY), [demo.membership(ADJUSTER)]
        )
        paragraph = next(p for p in minutes.paragraphs if not p.is_confidential)
        decision = minutes_services.add_decision(
            paragraph, db.session.get(Membership, demo.membership(SECRETARY)), "att anta planen", "consensus"
        )
        secretary = db.session.get(Membership, demo.membership(SECRETARY))
        other = [p for p in minutes.paragraphs if not p.is_confidential][1]
        voted = minutes_services.add_decision(other, secretary, "att köpa in datorer", "vote")
        votes = [(demo.membership(email), "yes") for email in (CHAIR, SECRETARY, ADJUSTER, VICE)]
        minutes_services.record_votes(voted, secretary, [*votes, (demo.membership(MEMBER), "no")])
        db.session.commit()
        return SimpleNamespace(paragraph_id=paragraph.id, decision_id=decision.id, vote_id=voted.id)


def report_of(demo) -> SystemErrorReport:
    """Return the demo's escalated report."""
    year, seq = demo.report_number.split("-")[1:]
    return db.session.scalar(
        select(SystemErrorReport).where(
            SystemErrorReport.group_id == demo.group_id,
            SystemErrorReport.number_year == int(year),
            SystemErrorReport.number_seq == int(seq),
        )
    )


def report_owner(app, demo) -> str:
    with app.app_context():
        report = report_of(demo)
        return report.owner.user.email


def submitted_report_id(app, demo) -> int:
    with app.app_context():
        return db.session.scalar(
            select(SystemErrorReport.id).where(
                SystemErrorReport.group_id == demo.group_id,
                SystemErrorReport.status == ReportStatus.SUBMITTED.value,
            )
        )


def municipality_id(app, demo) -> int:
    with app.app_context():
        return db.session.get(Group, demo.group_id).municipalities[0].id


# Each case: (endpoint, who logs in, URL arguments beyond the demo's, the posted fields), built
# from the app and the demo data.


def _admin(app, demo):
    return {
        "admin.create_user": (
            permissions.ADMIN,
            {},
            {"name": "Nils Nilsson", "email": "nils@example.se", "title": "", "organisation_id": ""}
            | {"password": "ett-langt-losenord"},
        ),
        "admin.create_organisation": (
            permissions.ADMIN,
            {},
            {"name": "Kriminalvården Mellanå", "kind": "other"},
        ),
        "admin.create_group": (
            permissions.ADMIN,
            {},
            {
                "name": "Ledningsgruppen i Västby",
                "municipalities": "Västby",
                "default_meeting_minutes": "120",
                "chair_email": "ordforande.norrsjo@demo.se",
            },
        ),
    }


def _group(app, demo):
    return {
        "groups.create_member": (
            permissions.CHAIR,
            {},
            {
                "role": "co_opted",
                "email": "ordforande.norrsjo@demo.se",
                "organisation_id": "",
                "substitute_for_id": "",
                "substitute_for_organisation_id": "",
            },
        ),
        "agendas.create": (
            permissions.CHAIR,
            {},
            {
                "name": "Extra möte",
                "kind": "operative",
                "meeting_minutes": "60",
                "max_new_system_errors": "5",
            },
        ),
        "agendas.create_item": (
            permissions.CHAIR,
            {},
            {
                "new-title": "Ny punkt",
                "new-minutes": "10",
                "new-parent_id": "",
                "new-item_type": "information",
            }
            | {"new-standing_kind": "", "new-guidance": ""},
        ),
        "meetings.create": (
            permissions.CHAIR,
            {},
            {"template_id": "", "kind": "", "title": "Extramöte", "day": "2031-03-04", "starts": "14:05"}
            | {"ends": "", "place": "Kommunhuset", "video_link": ""},
        ),
        "meetings.create_item": (
            permissions.CHAIR,
            {},
            {"new-title": "Bostadsfrågor", "new-item_type": "discussion", "new-presenter_id": ""}
            | {"new-minutes": "10", "new-description": "", "new-parent_id": ""},
        ),
        "meetings.create_proposal": (
            OMBUD,
            {},
            {"title": "Stängda kontor i juli", "description": "Ett mönster vi ser."},
        ),
    }


def _statistics(app, demo):
    """The first entry of the current quarter (not yet entered in the demo), by an ombud."""
    quarter = StatisticsQuarter.of(statistics_services.today())
    return {
        "statistics.save": (
            OMBUD,
            {"year": quarter.year, "quarter": quarter.number},
            statistics_form_data(statistics_counts()),
        )
    }


def _annual_reports(app, demo):
    """A year the demo has not drafted, by the chair; last year's demo report marked final."""
    year = statistics_services.today().year
    return {
        "annual_reports.create": (CHAIR, {}, {"year": str(year - 3)}),
        "annual_reports.finalise": (CHAIR, {"year": year - 1}, {"confirm": "yes"}),
    }


def _register(app, demo):
    today = date.today().isoformat()
    owner = report_owner(app, demo)
    return {
        "system_errors.create": (OMBUD, {}, dict(REPORT)),
        "system_errors.add_occurrence": (
            OMBUD,
            {},
            {"occurred_on": today, "municipality_id": municipality_id(app, demo), "client_count": "2"}
            | {"note": "Samma sak i Åsby."},
        ),
        "system_errors.comment": (OMBUD, {}, {"text": "Samma sak hos oss."}),
        "system_errors.escalate": (
            owner,
            {},
            {"body": "county_board", "sent_on": today, "channel": "Brev", "reply_expected_by": ""},
        ),
        "system_errors.record_reply": (
            owner,
            {},
            {"received_on": today, "reply": "Länsstyrelsen granskar saken.", "outcome": "Tillsyn inledd."},
        ),
    }


def _minutes(app, demo):
    ids = held(app, demo)
    meeting = {"meeting_id": demo.meeting_id}
    paragraph = {**meeting, "paragraph_id": ids.paragraph_id}
    decision = {**meeting, "decision_id": ids.decision_id}
    p, d = ids.paragraph_id, ids.decision_id
    return {
        "minutes.create_paragraph": (SECRETARY, meeting, {"new-paragraph-title": "Övriga frågor"}),
        "minutes.create_guest": (SECRETARY, paragraph, {f"guest-{p}-name": "Anna Gäst"}),
        "minutes.create_recusal": (
            SECRETARY,
            paragraph,
            {f"recusal-{p}-membership_id": demo.membership(MEMBER), f"recusal-{p}-ground": "Släktskap"},
        ),
        "minutes.create_decision": (
            SECRETARY,
            paragraph,
            {f"new-decision-{p}-text": "att lägga till", f"new-decision-{p}-method": "consensus"},
        ),
        "minutes.create_note": (MEMBER, paragraph, {f"note-{p}-text": "Klienterna väntar för länge."}),
        "minutes.create_reservation": (
            SECRETARY,
            {**meeting, "decision_id": ids.vote_id},
            {f"reservation-{ids.vote_id}-membership_id": demo.membership(MEMBER)},
        ),
        "minutes.create_action": (
            SECRETARY,
            decision,
            {f"action-{d}-title": "Skriv en rutin", f"action-{d}-owner_id": demo.membership(VICE)},
        ),
        "minutes.link_report": (
            SECRETARY,
            decision,
            {f"report-{d}-report_id": submitted_report_id(app, demo), f"report-{d}-effect": "take_up"},
        ),
    }


def _corrections(app, demo):
    return {
        "minutes.create_correction": (
            permissions.CHAIR,
            {},
            {"correction-paragraph_id": "", "correction-text": "Rätt datum är 3 mars."}
            | {"correction-reason": "Fel datum i protokollet."},
        ),
    }


BUILDERS = {
    **dict.fromkeys(["admin.create_user", "admin.create_organisation", "admin.create_group"], _admin),
    **dict.fromkeys(
        [
            "groups.create_member",
            "agendas.create",
            "agendas.create_item",
            "meetings.create",
            "meetings.create_item",
            "meetings.create_proposal",
        ],
        _group,
    ),
    **dict.fromkeys(
        [
            "system_errors.create",
            "system_errors.add_occurrence",
            "system_errors.comment",
            "system_errors.escalate",
            "system_errors.record_reply",
        ],
        _register,
    ),
    **dict.fromkeys(
        [
            "minutes.create_paragraph",
            "minutes.create_guest",
            "minutes.create_recusal",
            "minutes.create_decision",
            "minutes.create_note",
            "minutes.create_reservation",
            "minutes.create_action",
            "minutes.link_report",
        ],
        _minutes,
    ),
    "minutes.create_correction": _corrections,
    "statistics.save": _statistics,
    **dict.fromkeys(["annual_reports.create", "annual_reports.finalise"], _annual_reports),
}


def login(auth, who: str) -> None:
    if who in permissions.ALL_ROLES:
        auth.login_as(who)
    else:
        auth.login(who)


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["plain", "htmx"])
@pytest.mark.parametrize("endpoint", sorted(BUILDERS))
def test_a_create_form_sent_twice_saves_once(app, client, auth, demo, endpoint, headers):
    who, args, data = BUILDERS[endpoint](app, demo)[endpoint]
    url = url_of(app, endpoint, demo, **args)
    login(auth, who)
    with app.app_context():
        before = rows()
    first = client.post(url, data={**data, "form_token": TOKEN}, headers=headers)
    assert first.status_code in (200, 303), (first.status_code, first.get_data(as_text=True)[:3000])
    with app.app_context():
        saved = rows()
    assert saved > before, "the first submission saved nothing"
    client.get("/")  # the first answer's notice is shown and gone (the start page notes the visit)
    with app.app_context():
        saved = rows()

    second = client.post(url, data={**data, "form_token": TOKEN}, headers=headers)
    with app.app_context():
        assert rows() == saved, "the repeated submission wrote something"
    if headers:
        assert second.status_code == 200
        assert second.headers.get("HX-Redirect") or second.headers.get("HX-Refresh")
        if first.headers.get("HX-Redirect"):
            assert second.headers["HX-Redirect"] == first.headers["HX-Redirect"]
    else:
        assert second.status_code == 303
        if first.status_code == 303:
            assert second.headers["Location"] == first.headers["Location"]
    with client.session_transaction() as session:
        assert form_tokens.REPEATED in [message for _, message in session.get("_flashes", [])]

    third = client.post(url, data={**data, "form_token": TOKEN + "-x"}, headers=headers)
    assert third.status_code < 500  # a fresh token is a new submission (saved or refused as a duplicate)


def test_every_create_endpoint_is_covered(app):
    creates = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ())
        and rule.endpoint.split(".")[1].startswith(("create", "add_"))
        and rule.endpoint != "auth.create_calendar_token"  # replaces the one link, never adds a second
    }
    assert creates <= set(BUILDERS)


def test_a_form_without_a_token_is_saved_as_before(app, client, auth, demo):
    auth.login(OMBUD)
    url = url_of(app, "meetings.create_proposal", demo)
    data = {"title": "Stängda kontor i juli", "description": "Ett mönster vi ser."}
    with app.app_context():
        before = rows()
    assert client.post(url, data=data).status_code == 303
    assert client.post(url, data=data).status_code == 303
    with app.app_context():
        assert rows() > before


def test_every_form_carries_a_fresh_token(client, auth, demo):
    auth.login(OMBUD)
    html = client.get(f"/groups/{demo.group_id}/system-errors/{demo.report_number}/occurrences/new").text
    assert 'name="form_token"' in html
    again = client.get(f"/groups/{demo.group_id}/system-errors/{demo.report_number}/occurrences/new").text
    token = html.split('name="form_token" value="')[1].split('"')[0]
    assert token not in again
    assert 'hx-disabled-elt="find button[type=submit]"' in html or "hx-disabled-elt" in html


@pytest.fixture
def live(demo, _demo_snapshot, postgres, tmp_path):
    """Serve a copy of the demo data under gunicorn; yield the server and an app on that copy."""
    url = (
        postgres.create_database("po_double")
        if postgres is not None
        else f"sqlite:///{tmp_path / 'live.sqlite'}"
    )
    app = create_app(_test_config(url))
    with app.app_context():
        db.create_all()
        with db.engine.begin() as connection:
            snapshot.restore(connection, _demo_snapshot.rows)
        stamp()
        db.session.remove()
        db.engine.dispose()
        try:
            with live_server(url, workers=2) as server:
                yield SimpleNamespace(server=server, app=app)
        finally:
            db.session.remove()
            db.engine.dispose()


def test_the_occurrence_form_sent_twice_at_once_saves_once(demo, live):
    """Two submissions of one rendering of "Lägg till förekomsten", at the same moment: one
    occurrence is saved, and both answers go to the report."""
    url = f"/groups/{demo.group_id}/system-errors/{demo.report_number}"
    browser = Browser(live.server.url)
    browser.login(OMBUD, DEMO_PASSWORD)
    page = browser.get(f"{url}/occurrences/new")
    assert page.status == 200
    token = re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    with live.app.app_context():
        report = report_of(demo)
        before = len(report.occurrences)
        municipality = report.group.municipalities[0].id
        db.session.remove()
    fields = {
        "occurred_on": date.today().isoformat(),
        "municipality_id": str(municipality),
        "client_count": "2",
        "note": "Samma sak i Åsby.",
        "form_token": token,
    }
    answers: list = []
    barrier = threading.Barrier(2)

    def send():
        barrier.wait(timeout=60)
        answers.append(browser.post(f"{url}/occurrences", fields, csrf))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert [a.status for a in answers] == [303, 303], [(a.status, a.text[:300]) for a in answers]
    assert all(a.location.split("#")[0].endswith(url) for a in answers), (
        [a.location for a in answers],
        live.server.log(),
    )
    with live.app.app_context():
        report = report_of(demo)
        assert len(report.occurrences) == before + 1
        db.session.remove()
