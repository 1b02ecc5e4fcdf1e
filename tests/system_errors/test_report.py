"""HTTP tests of one systemfel report's page: showing it, occurrences, comments, following, and
the small forms that move it on (status, classification, escalations, owner, confidentiality)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from po_meetings import permissions
from po_meetings.extensions import db
from po_meetings.models import (
    Escalation,
    Group,
    Meeting,
    Municipality,
    Occurrence,
    ReportEvent,
    ReportFollower,
    ReportStatus,
    SystemErrorReport,
    User,
)
from po_meetings.personnummer import DEFAULT_MESSAGE
from po_meetings.system_errors import services

HTMX = {"HX-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
PERSONNUMMER = "19121212-1212"
OMBUD = "ombud@demo.se"
OMBUD2 = "ombud2@demo.se"
CHAIR = "ordforande@demo.se"
MEMBER = "ledamot@demo.se"
ANSWERS = {
    "title": "Väntetid på LSS-beslut över ett halvår",
    "description": "Under våren har flera klienter väntat **över sex månader** på beslut om boendestöd.",
    "causes": "Handläggarna räcker inte till; ärenden ligger obemannade.",
    "consequences": "Klienterna blir utan stöd och hamnar i akuta lägen.",
    "system_view": "Behoven möttes inte och stödet samordnades inte.",
    "proposal": "Ett gemensamt flöde för ärenden som väntat länge.",
    "level": "local",
    "category": "local_resources",
    "client_count": 4,
}


# -- helpers -------------------------------------------------------------------------------------


def submit_report(app, demo, email=OMBUD, **values) -> str:
    """Submit a report through the service as a user; return its number."""
    with app.app_context():
        group = db.session.get(Group, demo.group_id)
        user = db.session.get(User, demo.users[email])
        report = services.save_report(group, user, {**ANSWERS, **values}, submit=True)
        db.session.commit()
        return report.number


def save_draft(app, demo, email=OMBUD) -> str:
    """Save a draft through the service; return its URL number (U-<id>)."""
    with app.app_context():
        group = db.session.get(Group, demo.group_id)
        report = services.save_report(group, db.session.get(User, demo.users[email]), dict(ANSWERS))
        db.session.commit()
        return services.url_number(report)


def report_of(app, number) -> SystemErrorReport:
    """Return a report (detached, with the values tests look at) by its number."""
    with app.app_context():
        year, seq = number.split("-")[1:]
        report = db.session.scalar(
            select(SystemErrorReport).where(
                SystemErrorReport.number_year == int(year), SystemErrorReport.number_seq == int(seq)
            )
        )
        db.session.expunge(report)
        return report


def events_of(app, number) -> list[tuple[str, str | None, str | None]]:
    """Return the history of a report as (kind, from_status, to_status)."""
    report_id = report_of(app, number).id
    with app.app_context():
        events = db.session.scalars(
            select(ReportEvent).where(ReportEvent.report_id == report_id).order_by(ReportEvent.id)
        ).all()
        return [(e.kind, e.from_status, e.to_status) for e in events]


def count(app, model, number) -> int:
    """Return how many rows of a model (Occurrence, Escalation) belong to a report."""
    report_id = report_of(app, number).id
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)).where(model.report_id == report_id))


def last_escalation(app, number) -> int:
    """Return the id of a report's newest escalation."""
    report_id = report_of(app, number).id
    with app.app_context():
        return db.session.scalar(select(func.max(Escalation.id)).where(Escalation.report_id == report_id))


def url(demo, number, tail="") -> str:
    return f"/groups/{demo.group_id}/system-errors/{number}{tail}"


def move(client, demo, number, to, headers=None, **fields):
    """Post a status move."""
    return client.post(url(demo, number, "/status"), data={"to": to, **fields}, headers=headers or {})


def take_up_and_assign(app, client, auth, demo, number):
    """As the chair: take the report up at the demo meeting and give it an owner (the member)."""
    auth.login(CHAIR)
    assert move(client, demo, number, "taken_up", meeting_id=demo.meeting_id).status_code == 303
    response = move(
        client,
        demo,
        number,
        "in_progress",
        owner_id=demo.membership(MEMBER),
        next_review_on=(date.today() + timedelta(days=30)).isoformat(),
    )
    assert response.status_code == 303
    auth.logout()


def municipality_id(app, demo, group_id=None) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Municipality.id).where(Municipality.group_id == (group_id or demo.group_id))
        )


def text_of(response) -> str:
    """Return the page as text, tags removed and whitespace collapsed."""
    body = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


# -- the page ------------------------------------------------------------------------------------


def test_the_report_page_shows_every_answer_and_the_summary(app, client, auth, demo):
    """Every answer of the guided form is shown (Markdown rendered), with level, status and counts."""
    number = submit_report(app, demo)
    auth.login(MEMBER)
    response = client.get(url(demo, number))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    text = text_of(response)
    assert number in text and ANSWERS["title"] in text
    assert "<strong>över sex månader</strong>" in body  # Markdown
    for answer in ("causes", "consequences", "system_view", "proposal"):
        assert ANSWERS[answer] in text
    assert "Lokal nivå" in text and "Resurser och förutsättningar" in text and "Inskickad" in text
    assert "Lina Åkesson" in text  # the reporter
    assert 'id="report-history"' in body and 'id="report-occurrences"' in body


def test_an_unknown_number_and_another_groups_report_are_404(app, client, auth, demo):
    """A number that does not exist, is malformed or belongs to another group answers 404."""
    number = submit_report(app, demo)
    auth.login(CHAIR)
    assert client.get(url(demo, "SF-2020-999")).status_code == 404
    assert client.get(url(demo, "nonsens")).status_code == 404
    assert client.get(f"/groups/{demo.other_group_id}/system-errors/{number}").status_code == 404
    auth.logout()
    auth.login("ordforande.norrsjo@demo.se")  # chair of the other group
    assert client.get(f"/groups/{demo.other_group_id}/system-errors/{number}").status_code == 404


def test_a_draft_is_shown_only_to_its_author_and_offers_no_moves(app, client, auth, demo):
    """A draft (U-<id>) is the author's alone: the chair gets 404; no occurrences or comments."""
    number = save_draft(app, demo)
    auth.login(OMBUD)
    response = client.get(url(demo, number))
    assert response.status_code == 200
    assert "Utkast: bara du ser rapporten" in text_of(response)
    assert "Lägg till en förekomst" not in text_of(response)
    response = client.post(url(demo, number, "/occurrences"), data={"occurred_on": date.today().isoformat()})
    assert response.status_code == 422
    assert "Ett utkast kan inte få förekomster" in text_of(response)
    auth.logout()
    auth.login(CHAIR)
    assert client.get(url(demo, number)).status_code == 404
    assert move(client, demo, number, "submitted").status_code == 404


def test_the_report_page_is_a_handful_of_queries(app, client, auth, demo):
    """The page loads its occurrences, escalations and history in a few queries, not one per row."""
    number = submit_report(app, demo)
    for email in (OMBUD2, MEMBER, "vice@demo.se"):
        auth.login(email)
        client.post(
            url(demo, number, "/occurrences"), data={"occurred_on": date.today().isoformat(), "note": "Igen."}
        )
        client.post(url(demo, number, "/comments"), data={"text": f"Kommentar från {email}"})
        auth.logout()
    auth.login(CHAIR)
    from sqlalchemy import event as sa_event

    with app.app_context():
        engine = db.engine
    counter = {"n": 0}

    def count(*args):
        counter["n"] += 1

    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url(demo, number)).status_code == 200
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
    assert counter["n"] <= 16, f"{counter['n']} queries"


# -- the story of the issue ----------------------------------------------------------------------


def test_done_means_submit_occurrence_take_up_owner_escalate_reply(app, client, auth, demo):
    """The issue's "done means": from an ombud's report to Länsstyrelsen's reply, every step on
    the report's history, and the ombud sees what happened."""
    # An ombud submits a report through the guided form.
    auth.login(OMBUD)
    response = client.post(
        f"/groups/{demo.group_id}/system-errors/new",
        data={**ANSWERS, "action": "submit", "client_count": "4"},
    )
    assert response.status_code == 303
    with app.app_context():
        number = db.session.scalar(select(SystemErrorReport).order_by(SystemErrorReport.id.desc())).number
    assert number and number.startswith("SF-")
    auth.logout()

    # A second ombud finds it while typing and adds an occurrence instead of filing a duplicate.
    auth.login(OMBUD2)
    similar = client.get(
        f"/groups/{demo.group_id}/system-errors/similar",
        query_string={"title": "Väntetid på beslut om boendestöd"},
        headers=HTMX,
    )
    assert f"/{number}/occurrences/new" in similar.get_data(as_text=True)
    page = client.get(url(demo, number, "/occurrences/new"))
    assert page.status_code == 200
    assert f'value="{date.today().isoformat()}"' in page.get_data(as_text=True)  # today by default
    response = client.post(
        url(demo, number, "/occurrences"),
        data={
            "occurred_on": date.today().isoformat(),
            "municipality_id": municipality_id(app, demo),
            "client_count": "2",
            "note": "Samma sak i Åsby.",
        },
    )
    assert response.status_code == 303
    text = text_of(client.get(response.headers["Location"]))
    assert "Förekomsten är tillagd" in text and "Samma sak i Åsby." in text
    assert re.search(r"Ombud 2 ", text) and re.search(r"Berörda klienter, alla förekomster 6 ", text)
    auth.logout()

    # The chair takes it up at the coming meeting and gives it an owner.
    auth.login(CHAIR)
    page = client.get(url(demo, number))
    assert "Ta upp på ett möte" in text_of(page)
    response = move(
        client, demo, number, "taken_up", meeting_id=demo.meeting_id, agenda_item_id=demo.agenda_item_id
    )
    assert response.status_code == 303
    review = (date.today() + timedelta(days=30)).isoformat()
    response = move(
        client, demo, number, "in_progress", owner_id=demo.membership(MEMBER), next_review_on=review
    )
    assert response.status_code == 303
    text = text_of(client.get(url(demo, number)))
    assert "Under arbete" in text and "Fatima Hassan" in text and review in text
    assert "Nytt operativt" in text or "Togs upp" in text
    auth.logout()

    # The owner (an ordinary member) escalates it to Länsstyrelsen and records the reply.
    auth.login(MEMBER)
    sent = date.today().isoformat()
    response = client.post(
        url(demo, number, "/escalations"),
        data={"body": "county_board", "sent_on": sent, "channel": "Brev", "reply_expected_by": ""},
    )
    assert response.status_code == 303
    escalation_id = last_escalation(app, number)
    response = client.post(
        url(demo, number, f"/escalations/{escalation_id}/reply"),
        data={
            "received_on": sent,
            "reply": "Länsstyrelsen granskar kommunens handläggning.",
            "outcome": "Tillsyn inledd.",
        },
    )
    assert response.status_code == 303
    auth.logout()

    # Every step is on the history, in order; the ombud sees the status.
    assert [kind for kind, *_ in events_of(app, number)] == [
        "created",
        "submitted",
        "occurrence",
        "status",
        "owner",
        "status",
        "status",
        "escalation_reply",
    ]
    auth.login(OMBUD)
    response = client.get(url(demo, number))
    text = text_of(response)
    assert "Eskalerad" in text and "Länsstyrelsen" in text
    assert "Länsstyrelsen granskar kommunens handläggning." in text and "Tillsyn inledd." in text
    assert "Inskickad → Upptagen" in text and "Upptagen → Under arbete" in text
    assert "Under arbete → Eskalerad" in text
    assert 'id="report-actions"' not in response.get_data(as_text=True)  # an ombud may not act
    assert number in text_of(client.get(f"/groups/{demo.group_id}/system-errors/mine"))


# -- refused -------------------------------------------------------------------------------------


def test_a_move_that_is_not_allowed_is_refused_with_nothing_saved(app, client, auth, demo):
    """Inskickad cannot jump to åtgärdad; an unknown status is refused too."""
    number = submit_report(app, demo)
    auth.login(CHAIR)
    response = move(client, demo, number, "resolved", reason="Klart.")
    assert response.status_code == 422
    assert "kan inte få status åtgärdad" in text_of(response)
    response = move(client, demo, number, "bogus")
    assert response.status_code == 422
    assert "Välj en giltig status" in text_of(response)
    assert report_of(app, number).status == "submitted"
    assert len(events_of(app, number)) == 2


def test_closing_without_a_reason_is_refused_and_with_one_it_closes(app, client, auth, demo):
    number = submit_report(app, demo)
    auth.login(CHAIR)
    response = move(client, demo, number, "closed", reason="  ")
    assert response.status_code == 422
    assert "Ange skälet till att rapporten avslutas utan åtgärd" in text_of(response)
    assert report_of(app, number).status == "submitted"
    response = move(client, demo, number, "closed", reason="Felet ligger utanför gruppens område.")
    assert response.status_code == 303
    report = report_of(app, number)
    assert report.status == "closed" and report.close_reason == "Felet ligger utanför gruppens område."
    text = text_of(client.get(url(demo, number)))
    assert "Felet ligger utanför gruppens område." in text


def test_moving_back_needs_a_reason(app, client, auth, demo):
    number = submit_report(app, demo)
    auth.login(CHAIR)
    move(client, demo, number, "taken_up", meeting_id=demo.meeting_id)
    response = move(client, demo, number, "submitted")
    assert response.status_code == 422 and "Skriv varför rapporten flyttas tillbaka" in text_of(response)
    assert move(client, demo, number, "submitted", reason="Fel möte.").status_code == 303
    assert report_of(app, number).status == "submitted"


def test_taking_up_needs_a_meeting_of_the_group(app, client, auth, demo):
    number = submit_report(app, demo)
    auth.login(CHAIR)
    response = move(client, demo, number, "taken_up")
    assert response.status_code == 422 and "Välj mötet där rapporten togs upp" in text_of(response)
    with app.app_context():
        other = db.session.scalar(select(Meeting.id).where(Meeting.group_id == demo.other_group_id))
    if other is not None:
        response = move(client, demo, number, "taken_up", meeting_id=other)
        assert response.status_code == 422
    assert report_of(app, number).status == "submitted"


def test_an_escalation_without_a_body_is_refused(app, client, auth, demo):
    number = submit_report(app, demo)
    take_up_and_assign(app, client, auth, demo, number)
    auth.login(CHAIR)
    response = client.post(
        url(demo, number, "/escalations"), data={"body": "", "sent_on": date.today().isoformat()}
    )
    assert response.status_code == 422
    assert "Välj vart rapporten eskaleras" in text_of(response)
    response = client.post(
        url(demo, number, "/escalations"), data={"body": "other", "sent_on": date.today().isoformat()}
    )
    assert "Skriv vilken instans rapporten eskaleras till" in text_of(response)
    response = client.post(url(demo, number, "/escalations"), data={"body": "region", "sent_on": "igår"})
    assert "Skriv datumet som ÅÅÅÅ-MM-DD" in text_of(response)
    assert count(app, Escalation, number) == 0
    assert report_of(app, number).status == "in_progress"


def test_a_report_can_be_escalated_twice_and_stays_open(app, client, auth, demo):
    number = submit_report(app, demo)
    take_up_and_assign(app, client, auth, demo, number)
    auth.login(CHAIR)
    today = date.today().isoformat()
    assert (
        client.post(url(demo, number, "/escalations"), data={"body": "region", "sent_on": today}).status_code
        == 303
    )
    response = client.post(
        url(demo, number, "/escalations"),
        data={"body": "other", "body_other": "IVO", "sent_on": today},
    )
    assert response.status_code == 303
    text = text_of(client.get(url(demo, number)))
    assert "Till Regionen" in text and "Till IVO" in text and "Eskalera igen" in text
    assert report_of(app, number).status == "escalated"


def test_an_occurrence_on_another_groups_report_is_404(app, client, auth, demo):
    """The ombud of group A cannot reach a report through group B's URL, nor B's report at all."""
    number = submit_report(app, demo)
    auth.login("ordforande.norrsjo@demo.se")
    data = {"occurred_on": date.today().isoformat()}
    assert (
        client.post(
            f"/groups/{demo.other_group_id}/system-errors/{number}/occurrences", data=data
        ).status_code
        == 404
    )
    assert (
        client.get(f"/groups/{demo.other_group_id}/system-errors/{number}/occurrences/new").status_code == 404
    )
    assert count(app, Occurrence, number) == 0


def test_an_occurrence_in_another_groups_municipality_or_the_future_is_refused(app, client, auth, demo):
    number = submit_report(app, demo)
    auth.login(OMBUD2)
    response = client.post(
        url(demo, number, "/occurrences"),
        data={
            "occurred_on": date.today().isoformat(),
            "municipality_id": municipality_id(app, demo, demo.other_group_id),
        },
    )
    assert response.status_code == 422
    response = client.post(
        url(demo, number, "/occurrences"),
        data={"occurred_on": (date.today() + timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 422 and "Datumet kan inte ligga i framtiden" in text_of(response)
    response = client.post(url(demo, number, "/occurrences"), data={"occurred_on": "", "client_count": "-1"})
    assert response.status_code == 422
    assert count(app, Occurrence, number) == 0


def test_an_occurrence_reopens_a_finished_report_and_says_so(app, client, auth, demo):
    number = submit_report(app, demo)
    auth.login(CHAIR)
    move(client, demo, number, "closed", reason="Ingen åtgärd behövs.")
    auth.logout()
    auth.login(OMBUD2)
    response = client.post(url(demo, number, "/occurrences"), data={"occurred_on": date.today().isoformat()})
    assert response.status_code == 303
    text = text_of(client.get(response.headers["Location"]))
    assert "har återöppnats" in text
    assert report_of(app, number).status == "submitted"
    assert events_of(app, number)[-1] == ("reopened", "closed", "submitted")


@pytest.mark.parametrize(
    ("tail", "field", "extra"),
    [
        ("/comments", "text", {}),
        ("/occurrences", "note", {"occurred_on": date.today().isoformat()}),
        ("/status", "reason", {"to": "closed"}),
    ],
)
def test_a_personnummer_is_refused_in_comment_note_and_reason(app, client, auth, demo, tail, field, extra):
    number = submit_report(app, demo)
    auth.login(CHAIR)
    response = client.post(url(demo, number, tail), data={field: f"Gäller {PERSONNUMMER}.", **extra})
    assert response.status_code == 422
    assert DEFAULT_MESSAGE in response.get_data(as_text=True)
    assert PERSONNUMMER not in response.get_data(as_text=True)
    assert len(events_of(app, number)) == 2
    assert report_of(app, number).status == "submitted"


@pytest.mark.parametrize(
    ("tail", "data"),
    [
        ("/status", {"to": "taken_up"}),
        ("/classification", {"level": "central", "category": "regulation"}),
        ("/escalations", {"body": "region", "sent_on": "2026-01-01"}),
    ],
)
def test_a_member_who_is_not_the_owner_may_not_act(app, client, auth, demo, tail, data):
    """A member who does not own the report is refused with a Swedish message, and sees no actions."""
    number = submit_report(app, demo)
    with app.app_context():
        meeting = demo.meeting_id
    data = {**data, "meeting_id": meeting}
    auth.login("ersattare@demo.se")
    assert 'id="report-actions"' not in client.get(url(demo, number)).get_data(as_text=True)
    response = client.post(url(demo, number, tail), data=data)
    assert response.status_code == 422
    assert "Bara ordföranden, vice ordföranden eller rapportens ansvariga" in text_of(response)
    assert len(events_of(app, number)) == 2


def test_the_owner_may_act_but_not_set_owner_or_confidentiality(app, client, auth, demo):
    number = submit_report(app, demo)
    take_up_and_assign(app, client, auth, demo, number)
    auth.login(MEMBER)  # the owner
    page = client.get(url(demo, number)).get_data(as_text=True)
    assert 'id="report-actions"' in page and "Markera som åtgärdad" in page
    assert "Markera som sekretess" not in page
    assert client.post(url(demo, number, "/confidentiality"), data={"confidential": "1"}).status_code == 403
    assert not report_of(app, number).is_confidential
    response = client.post(
        url(demo, number, "/classification"), data={"level": "central", "category": "regulation"}
    )
    assert response.status_code == 303
    text = text_of(client.get(url(demo, number)))
    assert (
        "Nivå: Lokal nivå → Central nivå" in text
        and "Kategori: Resurser och förutsättningar → Regelverk" in text
    )


def test_a_category_of_another_level_is_refused(app, client, auth, demo):
    number = submit_report(app, demo)
    auth.login(CHAIR)
    response = client.post(
        url(demo, number, "/classification"), data={"level": "caseworker", "category": "regulation"}
    )
    assert response.status_code == 422
    assert "hör inte till handläggarnivå" in text_of(response)
    assert report_of(app, number).level == "local"


def test_a_reply_to_another_reports_escalation_is_404_and_an_empty_reply_is_refused(app, client, auth, demo):
    first = submit_report(app, demo)
    second = submit_report(app, demo, title="Ett annat fel")
    take_up_and_assign(app, client, auth, demo, first)
    auth.login(CHAIR)
    client.post(
        url(demo, first, "/escalations"), data={"body": "region", "sent_on": date.today().isoformat()}
    )
    escalation_id = last_escalation(app, first)
    today = date.today().isoformat()
    assert (
        client.post(
            url(demo, second, f"/escalations/{escalation_id}/reply"),
            data={"received_on": today, "reply": "x"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            url(demo, first, "/escalations/99999/reply"), data={"received_on": today, "reply": "x"}
        ).status_code
        == 404
    )
    response = client.post(
        url(demo, first, f"/escalations/{escalation_id}/reply"), data={"received_on": today, "reply": ""}
    )
    assert response.status_code == 422 and "Sammanfatta svaret" in text_of(response)


def test_the_chair_sets_an_owner_and_a_substitute_cannot_be_refused_silently(app, client, auth, demo):
    number = submit_report(app, demo)
    auth.login(CHAIR)
    response = client.post(
        url(demo, number, "/owner"), data={"owner_id": demo.membership(OMBUD), "next_review_on": "2027-01-01"}
    )
    assert response.status_code == 422  # an ombud is not among the choices
    response = client.post(
        url(demo, number, "/owner"), data={"owner_id": demo.membership(MEMBER), "next_review_on": ""}
    )
    assert response.status_code == 422 and "Ange när rapporten ska följas upp" in text_of(response)
    response = client.post(
        url(demo, number, "/owner"),
        data={"owner_id": demo.membership(MEMBER), "next_review_on": "2027-01-01"},
    )
    assert response.status_code == 303
    assert report_of(app, number).next_review_on == date(2027, 1, 1)
    assert "Ansvarig: – → Fatima Hassan" in text_of(client.get(url(demo, number)))


# -- confidentiality -----------------------------------------------------------------------------


def test_a_confidential_report_is_hidden_from_other_ombuds_and_co_opted(app, client, auth, demo):
    number = submit_report(app, demo)
    auth.login(CHAIR)
    response = client.post(url(demo, number, "/confidentiality"), data={"confidential": "1"})
    assert response.status_code == 303
    assert "Sekretess" in text_of(client.get(url(demo, number)))
    auth.logout()
    for email in (OMBUD2, "adjungerad@demo.se"):
        auth.login(email)
        assert client.get(url(demo, number)).status_code == 404, email
        assert client.post(url(demo, number, "/comments"), data={"text": "Hej"}).status_code == 404
        auth.logout()
    for email in (OMBUD, MEMBER, "ersattare@demo.se"):
        auth.login(email)
        assert client.get(url(demo, number)).status_code == 200, email
        auth.logout()
    auth.login(CHAIR)
    assert client.post(url(demo, number, "/confidentiality"), data={"confidential": "1"}).status_code == 422
    assert client.post(url(demo, number, "/confidentiality"), data={"confidential": "0"}).status_code == 303
    auth.logout()
    auth.login(OMBUD2)
    assert client.get(url(demo, number)).status_code == 200


# -- comments and following ----------------------------------------------------------------------


def test_a_comment_shows_in_the_history_as_markdown(app, client, auth, demo):
    number = submit_report(app, demo)
    auth.login(OMBUD2)
    response = client.post(url(demo, number, "/comments"), data={"text": "Vi ser *samma* sak."})
    assert response.status_code == 303
    body = client.get(response.headers["Location"].split("#")[0]).get_data(as_text=True)
    assert "Vi ser <em>samma</em> sak." in body
    response = client.post(url(demo, number, "/comments"), data={"text": " "})
    assert response.status_code == 422 and "Skriv en kommentar" in text_of(response)


def test_follow_and_unfollow(app, client, auth, demo):
    number = submit_report(app, demo)
    report_id = report_of(app, number).id
    user_id = demo.users[OMBUD2]

    def following():
        with app.app_context():
            return db.session.get(ReportFollower, (report_id, user_id)) is not None

    auth.login(OMBUD2)
    assert "Följ rapporten" in text_of(client.get(url(demo, number)))
    assert client.post(url(demo, number, "/follow")).status_code == 303 and following()
    assert "Sluta följa" in text_of(client.get(url(demo, number)))
    assert client.post(url(demo, number, "/unfollow")).status_code == 303 and not following()
    response = client.post(url(demo, number, "/unfollow"))
    assert response.status_code == 303
    assert "Du följer inte rapporten" in text_of(client.get(response.headers["Location"]))


def test_a_draft_cannot_be_followed(app, client, auth, demo):
    """The author's draft offers no follow button, and a posted follow is refused (service rule)."""
    number = save_draft(app, demo)
    auth.login(OMBUD)
    response = client.post(url(demo, number, "/follow"))
    assert response.status_code == 303
    assert "Ett utkast kan inte följas" in text_of(client.get(response.headers["Location"]))
    response = client.post(url(demo, number, "/follow"), headers=HTMX)
    assert response.status_code == 200 and "Ett utkast kan inte följas" in text_of(response)
    with app.app_context():
        assert db.session.get(ReportFollower, (int(number[2:]), demo.users[OMBUD])) is None


# -- htmx, three ways ----------------------------------------------------------------------------


def test_show_three_ways(app, client, auth, demo):
    number = submit_report(app, demo)
    auth.login(CHAIR)
    plain = client.get(url(demo, number))
    fragment = client.get(url(demo, number), headers=HTMX)
    boosted = client.get(url(demo, number), headers=BOOSTED)
    assert "<html" in plain.get_data(as_text=True) and "<html" in boosted.get_data(as_text=True)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith('<section id="report"')
    for response in (plain, fragment, boosted):
        assert "HX-Request" in response.headers["Vary"]


def test_follow_three_ways(app, client, auth, demo):
    number = submit_report(app, demo)
    auth.login(OMBUD2)
    response = client.post(url(demo, number, "/follow"), headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<div id="report-follow"')
    assert "Sluta följa" in body and "HX-Request" in response.headers["Vary"]
    response = client.post(url(demo, number, "/unfollow"), headers=BOOSTED)
    assert response.status_code == 303
    response = client.post(url(demo, number, "/unfollow"), headers=HTMX)
    assert response.status_code == 200 and "Du följer inte rapporten" in text_of(response)


def test_transition_three_ways(app, client, auth, demo):
    """htmx gets the new #report section (or the refused form with status 200); otherwise 303/422."""
    number = submit_report(app, demo)
    auth.login(CHAIR)
    response = move(client, demo, number, "closed", headers=HTMX)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<section id="report"')
    assert "<html" not in body and "Ange skälet" in body
    assert response.headers["Vary"] and "HX-Request" in response.headers["Vary"]
    response = move(client, demo, number, "closed", headers=BOOSTED)
    assert response.status_code == 422 and "<html" in response.get_data(as_text=True)
    response = move(client, demo, number, "taken_up", headers=HTMX, meeting_id=demo.meeting_id)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert "Rapporten har nu status upptagen." in body and "Inskickad → Upptagen" in text_of(response)
    assert "Börja arbeta" in body  # the next moves are offered
    response = move(client, demo, number, "submitted", headers=BOOSTED, reason="Fel möte.")
    assert response.status_code == 303


def test_comment_three_ways(app, client, auth, demo):
    number = submit_report(app, demo)
    auth.login(OMBUD)
    response = client.post(url(demo, number, "/comments"), data={"text": "Först."}, headers=HTMX)
    body = response.get_data(as_text=True)
    assert (
        response.status_code == 200 and body.lstrip().startswith('<section id="report"') and "Först." in body
    )
    response = client.post(url(demo, number, "/comments"), data={"text": ""}, headers=HTMX)
    assert response.status_code == 200 and "Skriv en kommentar" in response.get_data(as_text=True)
    response = client.post(url(demo, number, "/comments"), data={"text": "Sist."}, headers=BOOSTED)
    assert response.status_code == 303


def test_the_occurrence_page_is_a_full_page(app, client, auth, demo):
    number = submit_report(app, demo)
    auth.login(OMBUD2)
    response = client.get(url(demo, number, "/occurrences/new"))
    body = response.get_data(as_text=True)
    assert "<html" in body and "Mellanå" in body and "Åsby" in body
    assert permissions.PERMISSIONS["system_errors.add_occurrence"]
    assert ReportStatus.SUBMITTED.value == report_of(app, number).status


def test_malformed_numbers_and_dates_get_swedish_messages(app, client, auth, demo):
    number = submit_report(app, demo)
    auth.login(OMBUD2)
    response = client.post(
        url(demo, number, "/occurrences"), data={"occurred_on": "31/12", "client_count": "många"}
    )
    assert response.status_code == 422
    text = text_of(response)
    assert "Skriv datumet som ÅÅÅÅ-MM-DD" in text
    assert "Ange ett heltal" in text and "Not a valid" not in text
    assert 'value="många"' in response.get_data(as_text=True)  # what was typed is kept
    assert count(app, Occurrence, number) == 0


# -- the demo data -------------------------------------------------------------------------------


def test_the_demo_reports_are_shown_as_their_visibility_says(app, client, auth, demo):
    """The demo's escalated report shows its escalation; the confidential one is hidden from the
    co-opted member and the ombud; the draft only its author sees."""
    auth.login(OMBUD)
    response = client.get(url(demo, demo.report_number))
    assert response.status_code == 200 and "Eskalerad" in text_of(response)
    assert f"/escalations/{demo.escalation_id}/reply" not in response.get_data(
        as_text=True
    )  # ombuds don't act
    assert client.get(url(demo, demo.confidential_report_number)).status_code == 404
    assert client.get(url(demo, demo.draft_number)).status_code == 200
    auth.logout()
    auth.login("adjungerad@demo.se")
    assert client.get(url(demo, demo.confidential_report_number)).status_code == 404
    assert client.get(url(demo, demo.draft_number)).status_code == 404
    auth.logout()
    auth.login(CHAIR)
    response = client.get(url(demo, demo.report_number))
    assert f"/escalations/{demo.escalation_id}/reply" in response.get_data(as_text=True)
    assert client.get(url(demo, demo.confidential_report_number)).status_code == 200
    assert client.get(url(demo, demo.draft_number)).status_code == 404
