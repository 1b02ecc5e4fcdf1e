"""HTTP tests of the meeting pages: the list, the meeting page and its agenda, the lifecycle and
the kallelse, topic intake and the answers to the kallelse."""

from __future__ import annotations

import re
import socket
from datetime import time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import event, func, select

from po_meetings import permissions
from po_meetings.extensions import db
from po_meetings.meetings import services
from po_meetings.models import (
    AgendaItem,
    AgendaTemplate,
    Group,
    Meeting,
    MeetingResponse,
    MeetingStatus,
    Membership,
    Minutes,
    OutgoingMail,
    Proposal,
    User,
    utcnow,
)
from po_meetings.personnummer import DEFAULT_MESSAGE

from ..support.smtp_server import smtp_server  # noqa: F401

HTMX = {"HX-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
PERSONNUMMER = "19121212-1212"
CONFIDENTIAL_TITLE = "Samverkan kring utskrivning från slutenvården"
CONFIDENTIAL_TEXT = "Underlaget innehåller uppgifter om enskilda enheters bemanning."


# -- helpers --------------------------------------------------------------------------------


def base(demo, group_id: int | None = None) -> str:
    """Return the URL of the group's meetings."""
    return f"/groups/{group_id or demo.group_id}/meetings"


def page(demo, meeting_id: int | None = None) -> str:
    """Return the URL of a meeting page (the demo's coming meeting by default)."""
    return f"{base(demo)}/{meeting_id or demo.meeting_id}"


def root_id(html: str) -> str | None:
    """Return the id of a fragment's first element."""
    match = re.match(r"\s*<\w+[^>]*?\sid=\"([^\"]+)\"", html)
    return match.group(1) if match else None


def text_of(html: str) -> str:
    """Return the page's text without tags and with collapsed whitespace."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def in_request(app, function, *args, **kwargs):
    """Run a service in a request context of its own and commit."""
    with app.test_request_context("/"):
        result = function(*args, **kwargs)
        db.session.commit()
        return result


def new_draft(app, demo, title: str = "Extra möte", days: int = 40, from_template: bool = True) -> int:
    """Create a draft meeting in the demo group (from the operative template); return its id."""

    def create():
        group = db.session.get(Group, demo.group_id)
        template = db.session.get(AgendaTemplate, demo.template_id) if from_template else None
        day = services.local(utcnow()).date() + timedelta(days=days)
        starts_at = services.local_datetime(day, time(13, 0))
        ends_at = services.local_datetime(day, time(15, 0))
        return services.create_meeting(group, template, title, starts_at, ends_at, place="Kommunhuset").id

    return in_request(app, create)


def set_status(app, meeting_id: int, *statuses: MeetingStatus) -> None:
    """Move a meeting through statuses (no mail)."""

    def move():
        meeting = db.session.get(Meeting, meeting_id)
        for status in statuses:
            services.change_status(meeting, status)

    in_request(app, move)


def close_coming(app, demo) -> None:
    """Hold and close the demo's coming meeting."""
    set_status(app, demo.meeting_id, MeetingStatus.IN_PROGRESS, MeetingStatus.CLOSED)


def meeting_row(app, meeting_id: int) -> SimpleNamespace:
    """Return a meeting's values and its agenda as plain data."""
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        entries = services.tree.numbered(meeting.items)
        return SimpleNamespace(
            status=meeting.status,
            title=meeting.title,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            place=meeting.place,
            video_link=meeting.video_link,
            cancel_reason=meeting.cancel_reason,
            template_id=meeting.template_id,
            kind=meeting.kind,
            titles=[e.item.title for e in entries],
            items={
                i.id: (i.title, i.minutes, i.item_type, i.presenter_id, i.is_confidential)
                for i in meeting.items
            },
        )


def item_id_by_title(app, meeting_id: int, title: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(AgendaItem.id).where(AgendaItem.meeting_id == meeting_id, AgendaItem.title == title)
        )


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)).where(*where))


def proposal_row(app, proposal_id: int) -> SimpleNamespace:
    with app.app_context():
        p = db.session.get(Proposal, proposal_id)
        return SimpleNamespace(
            title=p.title, status=p.status, reason=p.decline_reason, agenda_item_id=p.agenda_item_id
        )


def active_emails(app, group_id: int) -> list[str]:
    with app.app_context():
        rows = db.session.scalars(
            select(Membership).where(Membership.group_id == group_id, Membership.ended_at.is_(None))
        ).all()
        return sorted(m.user.email for m in rows)


def closed_port() -> int:
    """Return a loopback port where nothing listens: an SMTP server that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def meeting_form(**overrides) -> dict:
    """Return the new-meeting form as a browser posts it."""
    values = {
        "template_id": "",
        "kind": "",
        "title": "",
        "day": "2031-03-04",
        "starts": "14:05",
        "ends": "",
        "place": "Kommunhuset, sal Åsen",
        "video_link": "",
    }
    values.update(overrides)
    return values


def item_form(prefix: str = "new", **overrides) -> dict:
    """Return an agenda item form as a browser posts it (prefix new- or item-<id>-)."""
    values = {
        "title": "Bostadsfrågor",
        "item_type": "discussion",
        "presenter_id": "",
        "minutes": "10",
        "description": "",
    }
    values.update(overrides)
    if prefix == "new":
        values.setdefault("parent_id", "")
    return {f"{prefix}-{key}": value for key, value in values.items()}


def assert_fragment(response, element_id: str) -> None:
    assert response.status_code == 200
    assert "<html" not in response.text
    assert root_id(response.text) == element_id
    assert "HX-Request" in response.headers.get("Vary", "")


def assert_full_page(response) -> None:
    assert response.status_code == 200
    assert "<html" in response.text
    assert "HX-Request" in response.headers.get("Vary", "")


# -- the meetings list ---------------------------------------------------------------------------


def test_the_list_shows_coming_and_past_meetings_with_their_status(app, client, auth, demo):
    auth.login_as(permissions.MEMBER)
    response = client.get(f"{base(demo)}/")
    assert response.status_code == 200
    coming, _, past = response.text.partition("<h2>Tidigare möten</h2>")
    assert f'href="{page(demo)}"' in coming and "Kallad" in coming
    row = meeting_row(app, demo.meeting_id)
    assert services.local(row.starts_at).strftime("kl. %H.%M") in coming
    for past_id in demo.past_meeting_ids:
        assert f'href="{page(demo, past_id)}"' in past
    with app.app_context():
        justerade = db.session.scalar(
            select(func.count(Minutes.id)).where(
                Minutes.group_id == demo.group_id, Minutes.approved_at.is_not(None)
            )
        )
    assert justerade >= 2
    assert past.count("Justerad") == justerade  # each past meeting says whether its minutes are justerade
    assert "Utvecklingsdag" in past


def test_a_draft_is_listed_only_for_the_chair_and_vice_chair(app, client, auth, demo):
    new_draft(app, demo, "Hemligt utkast")
    auth.login_as(permissions.VICE_CHAIR)
    assert "Hemligt utkast" in client.get(f"{base(demo)}/").text
    assert "Utkast" in client.get(f"{base(demo)}/").text
    auth.logout()
    for role in (permissions.MEMBER, permissions.SUBSTITUTE, permissions.CO_OPTED, permissions.OMBUD):
        auth.login_as(role)
        assert "Hemligt utkast" not in client.get(f"{base(demo)}/").text, role
        auth.logout()


def test_a_cancelled_meeting_is_listed_with_its_reason(app, client, auth, demo):
    meeting_id = new_draft(app, demo, "Julmöte")
    in_request(
        app, lambda: services.cancel_meeting(db.session.get(Meeting, meeting_id), "Lokalen är upptagen.")
    )
    auth.login_as(permissions.OMBUD)
    text = text_of(client.get(f"{base(demo)}/").text)
    assert "Julmöte Inställt" in text
    assert "Inställt: Lokalen är upptagen." in text


def test_only_leaders_get_the_new_meeting_button(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    assert f'href="{base(demo)}/new"' in client.get(f"{base(demo)}/").text
    auth.logout()
    auth.login_as(permissions.MEMBER)
    assert f'href="{base(demo)}/new"' not in client.get(f"{base(demo)}/").text


def test_a_group_without_meetings_says_so(client, auth, demo):
    auth.login_as(permissions.OTHER_GROUP)  # the chair of Norrsjö, which has no meetings
    response = client.get(f"{base(demo, demo.other_group_id)}/")
    assert response.status_code == 200
    assert "Inga kommande möten." in response.text
    assert "Inga tidigare möten." in response.text


def test_the_group_tabs_lead_to_meetings_and_for_leaders_to_templates(client, auth, demo):
    auth.login_as(permissions.OMBUD)
    html = client.get(f"/groups/{demo.group_id}").text
    assert f'<a href="{base(demo)}/">Möten</a>' in html
    assert "Dagordningsmallar" not in html
    # inside a meeting the tab marks the section
    assert f'<a href="{base(demo)}/" aria-current="true">Möten</a>' in client.get(page(demo)).text
    auth.logout()
    auth.login_as(permissions.CHAIR)
    html = client.get(f"{base(demo)}/").text
    assert f'<a href="{base(demo)}/" aria-current="page">Möten</a>' in html
    assert ">Dagordningsmallar</a>" in html


# -- a new meeting ---------------------------------------------------------------------------------


def test_the_new_meeting_form_offers_the_groups_templates(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.get(f"{base(demo)}/new")
    assert response.status_code == 200
    with app.app_context():
        names = [
            t.name
            for t in db.session.scalars(
                select(AgendaTemplate).where(AgendaTemplate.group_id == demo.group_id)
            )
        ]
        other = db.session.scalars(
            select(AgendaTemplate.id).where(AgendaTemplate.group_id == demo.other_group_id)
        ).all()
    assert names and all(name in response.text for name in names)
    assert f'<option selected value="{demo.template_id}">' in response.text
    assert not any(f'value="{template_id}"' in response.text for template_id in other)
    assert 'type="date"' in response.text and 'type="time"' in response.text


def test_the_chair_creates_a_meeting_from_the_template(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{base(demo)}/", data=meeting_form(template_id=str(demo.template_id)))
    assert response.status_code == 303
    meeting_id = int(response.headers["Location"].rsplit("/", 1)[1])
    row = meeting_row(app, meeting_id)
    with app.app_context():
        template = db.session.get(AgendaTemplate, demo.template_id)
        template_titles = [e.item.title for e in services.tree.numbered(template.items)]
        minutes = template.meeting_minutes
        template_count = len(template.items)
    assert row.status == "draft"
    assert row.title == "Operativt möte"  # the kind's name when no title is given
    assert row.titles == template_titles and len(row.items) == template_count
    starts = services.local(row.starts_at)
    assert (starts.date().isoformat(), starts.strftime("%H:%M")) == ("2031-03-04", "14:05")
    assert row.ends_at - row.starts_at == timedelta(minutes=minutes)  # the template's length by default
    shown = client.get(response.headers["Location"])
    assert "Mötet är skapat som utkast." in shown.text
    assert "tisdag 4 mars 2031 kl. 14.05" in shown.text


def test_a_meeting_in_summer_time_is_stored_in_utc(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.post(
        f"{base(demo)}/",
        data=meeting_form(
            template_id=str(demo.template_id),
            day="2031-07-01",
            starts="09:00",
            ends="16:00",
            title="Utvecklingsdag",
        ),
    )
    row = meeting_row(app, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert (row.starts_at.hour, row.ends_at.hour) == (7, 14)  # CEST is UTC+2
    assert row.title == "Utvecklingsdag"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"starts": "15:00", "ends": "13:00"}, "Mötet måste sluta efter att det börjar."),
        ({"starts": "15:00", "ends": "15:00"}, "Mötet måste sluta efter att det börjar."),
        ({"place": "", "video_link": ""}, "Ange en plats, en länk till videomötet eller båda."),
        ({"video_link": "javascript:alert(1)"}, "Länken till videomötet ska börja med https://"),
        ({"video_link": "video.mellana.se/rum"}, "Länken till videomötet ska börja med https://"),
        ({"day": ""}, "Ange datum."),
        ({"starts": ""}, "Ange när mötet börjar."),
        ({"day": "4 mars"}, "Inte ett giltigt datum"),
    ],
)
def test_a_bad_meeting_is_refused_beside_the_field_and_nothing_is_saved(
    app, client, auth, demo, overrides, message
):
    before = count(app, Meeting)
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{base(demo)}/", data=meeting_form(title="Mitt möte", **overrides))
    assert response.status_code == 422
    assert message in response.text
    assert "Formuläret innehåller fel" in response.text
    assert 'value="Mitt möte"' in response.text  # what was typed is kept
    assert count(app, Meeting) == before


def test_a_personnummer_in_the_place_is_refused_and_not_echoed(app, client, auth, demo):
    before = count(app, Meeting)
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{base(demo)}/", data=meeting_form(place=f"Hemma hos {PERSONNUMMER}"))
    assert response.status_code == 422
    assert DEFAULT_MESSAGE in response.text
    assert PERSONNUMMER not in response.text
    assert count(app, Meeting) == before


def test_a_template_of_another_group_cannot_be_chosen(app, client, auth, demo):
    with app.app_context():
        other = db.session.scalars(
            select(AgendaTemplate.id).where(AgendaTemplate.group_id == demo.other_group_id)
        ).first()
    before = count(app, Meeting)
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{base(demo)}/", data=meeting_form(template_id=str(other)))
    assert response.status_code == 422
    assert "Inte ett giltigt val" in response.text
    assert count(app, Meeting) == before


def test_changing_the_template_after_creating_does_not_change_the_meeting(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{base(demo)}/", data=meeting_form(template_id=str(demo.template_id)))
    meeting_id = int(response.headers["Location"].rsplit("/", 1)[1])
    before = meeting_row(app, meeting_id)

    def change_template():
        from po_meetings.agendas import services as agenda_services

        template = db.session.get(AgendaTemplate, demo.template_id)
        agenda_services.add_item(template, "Ny mallpunkt", 10)
        first = services.tree.numbered(template.items)[0].item
        agenda_services.update_item(first, "Omdöpt formalia", 5, None, "information", None)

    in_request(app, change_template)
    after = meeting_row(app, meeting_id)
    assert after.titles == before.titles and after.items == before.items
    html = client.get(page(demo, meeting_id)).text
    assert "Ny mallpunkt" not in html and "Omdöpt formalia" not in html


# -- the meeting page ----------------------------------------------------------------------------------


def test_the_meeting_page_is_a_page_or_its_agenda(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    plain = client.get(page(demo))
    assert_full_page(plain)
    for part in ('id="agenda"', 'id="responses"', 'id="proposals"'):
        assert part in plain.text
    fragment = client.get(page(demo), headers=HTMX)
    assert_fragment(fragment, "agenda")
    assert 'id="responses"' not in fragment.text
    assert_full_page(client.get(page(demo), headers=BOOSTED))


def test_the_header_shows_time_place_video_and_calendar_file(app, client, auth, demo):
    auth.login_as(permissions.MEMBER)
    html = client.get(page(demo)).text
    row = meeting_row(app, demo.meeting_id)
    from po_meetings.filters import format_long

    assert f"{format_long(row.starts_at)}–15.00" in html
    assert "Kommunhuset, sal Åsen" in html
    assert 'href="https://video.mellana.se/po-ledningsgrupp"' in html
    assert f'href="{page(demo)}.ics"' in html


def test_the_agenda_is_numbered_with_planned_times(client, auth, demo):
    auth.login_as(permissions.MEMBER)
    text = text_of(client.get(page(demo)).text)
    assert "1 Punkt 1: Formalia" in text
    assert "1a Punkt 1a: Mötets öppnande" in text
    assert "kl. 13.00 15 min" in text
    assert "kl. 13.15 10 min" in text  # Nytt från organisationerna starts after Formalia's 15 minutes
    assert "Planerad tid 120 av mötets 120 minuter." in text


def test_descriptions_are_markdown_and_standing_items_fill_themselves(client, auth, demo):
    auth.login_as(permissions.MEMBER)
    html = client.get(page(demo)).text
    assert "<strong>nya öppettider</strong>" in html
    assert "Föregående möte:" in html
    assert f'href="{page(demo, demo.past_meeting_ids[-1])}"' in html
    assert "Öppna uppdrag:" in html  # from the demo's justerade minutes
    assert "Försenad" in html


def test_an_overrun_is_warned_about(app, client, auth, demo):
    in_request(app, lambda: services.add_item(db.session.get(Meeting, demo.meeting_id), "Extra", 25))
    auth.login_as(permissions.CHAIR)
    text = text_of(client.get(page(demo)).text)
    assert "Planerad tid 145 av mötets 120 minuter." in text
    assert "Dagordningen är 25 minuter längre än mötet." in text


@pytest.mark.parametrize(
    "role", [permissions.MEMBER, permissions.SUBSTITUTE, permissions.CO_OPTED, permissions.OMBUD]
)
def test_a_draft_is_not_found_for_anyone_but_the_leaders(app, client, auth, demo, role):
    draft = new_draft(app, demo, "Hemligt utkast")
    auth.login_as(role)
    response = client.get(page(demo, draft))
    assert response.status_code == 404
    assert "Hemligt utkast" not in response.text
    assert client.get(f"{page(demo, draft)}/proposals/new").status_code == 404
    assert client.post(f"{page(demo, draft)}/respond", data={"answer": "attending"}).status_code == 404


def test_the_vice_chair_sees_a_draft(app, client, auth, demo):
    draft = new_draft(app, demo, "Hemligt utkast")
    auth.login_as(permissions.VICE_CHAIR)
    response = client.get(page(demo, draft))
    assert response.status_code == 200
    assert "Utkast: bara ordföranden och vice ordföranden ser mötet." in response.text


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (permissions.CHAIR, True),
        (permissions.MEMBER, True),
        (permissions.SUBSTITUTE, True),
        (permissions.CO_OPTED, False),
        (permissions.OMBUD, False),
    ],
)
def test_confidential_items_are_shown_only_to_those_who_may_see_them(client, auth, demo, role, sees):
    auth.login_as(role)
    html = client.get(page(demo)).text
    assert (CONFIDENTIAL_TITLE in html) is sees
    assert (CONFIDENTIAL_TEXT in html) is sees
    assert ("Sekretess</span>" in html) is sees
    item_page = client.get(f"{page(demo)}/items/{demo.confidential_item_id}")
    assert item_page.status_code == (200 if sees else 404)
    assert (CONFIDENTIAL_TITLE in item_page.text) is sees
    fragment = client.get(page(demo), headers=HTMX).text
    assert (CONFIDENTIAL_TITLE in fragment) is sees


def test_an_ombud_keeps_the_real_numbers_and_times_around_a_hidden_item(app, client, auth, demo):
    in_request(app, lambda: services.move_item(db.session.get(AgendaItem, demo.confidential_item_id), "up"))
    auth.login_as(permissions.OMBUD)
    text = text_of(client.get(page(demo)).text)
    assert "4 Punkt 4: Systemfrågor" in text
    assert "5 Punkt 5" not in text  # the confidential item, now fifth
    assert "6 Punkt 6: Övrigt kl. 14.45" in text  # after the hidden item's 10 minutes
    assert "Punkter som gruppen har sekretessmarkerat visas inte för dig." in text
    assert "Planerad tid" not in text


@pytest.mark.parametrize(
    "suffix", ["", "/edit", "/proposals/new", ".ics", "/items/{item}", "/items/{item}/edit"]
)
def test_a_meeting_of_another_group_is_not_found(client, auth, demo, suffix):
    auth.login_as(permissions.OTHER_GROUP)  # chair of Norrsjö, using the Mellanå meeting's id
    url = f"{base(demo, demo.other_group_id)}/{demo.meeting_id}" + suffix.format(item=demo.agenda_item_id)
    response = client.get(url)
    assert response.status_code == 404
    assert "Formalia" not in response.text


def test_unknown_ids_are_not_found(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    assert client.get(page(demo, 99999)).status_code == 404
    assert client.get(f"{page(demo)}/items/99999").status_code == 404
    assert client.post(f"{page(demo)}/proposals/99999/accept").status_code == 404


def test_an_item_of_another_meeting_is_not_found_under_this_one(app, client, auth, demo):
    with app.app_context():
        other_item = db.session.scalars(
            select(AgendaItem.id).where(AgendaItem.meeting_id == demo.past_meeting_ids[0])
        ).first()
    auth.login_as(permissions.CHAIR)
    assert client.get(f"{page(demo)}/items/{other_item}").status_code == 404
    assert (
        client.post(f"{page(demo)}/items/{other_item}", data=item_form(f"item-{other_item}")).status_code
        == 404
    )
    assert client.post(f"{page(demo)}/items/{other_item}/delete").status_code == 404


def test_members_get_no_edit_controls(client, auth, demo):
    auth.login_as(permissions.MEMBER)
    html = client.get(page(demo)).text
    assert "Lägg till punkt" not in html
    assert "/edit" not in html
    assert "Publicera" not in html and "Ställ in mötet" not in html


def test_the_chair_gets_the_controls_the_status_allows(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    html = client.get(page(demo)).text  # kallad
    assert "Ta tillbaka till utkast" in html and "Starta mötet" in html and "Ställ in mötet" in html
    assert "Publicera dagordningen och skicka kallelse" not in html
    assert "Lägg till punkt" in html
    draft = new_draft(app, demo)
    html = client.get(page(demo, draft)).text
    assert "Publicera dagordningen och skicka kallelse" in html and "Starta mötet" not in html


def test_the_show_page_makes_a_handful_of_queries(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    statements = []

    def count_statement(*args):
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count_statement)
    try:
        assert client.get(page(demo)).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)
    # Fixed: the standing items add a few (the client statistics one query, whatever the quarters).
    assert len(statements) <= 23, "\n".join(statements)


# -- editing the meeting's details ---------------------------------------------------------------


def test_the_edit_form_shows_stockholm_times(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    html = client.get(f"{page(demo)}/edit").text
    assert 'value="13:00"' in html and 'value="15:00"' in html
    assert 'value="Kommunhuset, sal Åsen"' in html


def test_the_chair_moves_the_meeting(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.post(
        page(demo),
        data=meeting_form(
            title="Flyttat möte", day="2031-05-06", starts="09:30", ends="11:00", place="Stadshuset"
        ),
    )
    assert response.status_code == 303
    row = meeting_row(app, demo.meeting_id)
    assert (row.title, row.place) == ("Flyttat möte", "Stadshuset")
    assert services.local(row.starts_at).strftime("%Y-%m-%d %H:%M") == "2031-05-06 09:30"
    assert row.ends_at - row.starts_at == timedelta(minutes=90)
    assert "ändrad kallelse" in client.get(response.headers["Location"]).text


def test_an_edit_ending_before_it_starts_is_refused(app, client, auth, demo):
    before = meeting_row(app, demo.meeting_id)
    auth.login_as(permissions.CHAIR)
    response = client.post(page(demo), data=meeting_form(title="X", starts="15:00", ends="14:00"))
    assert response.status_code == 422
    assert "Mötet måste sluta efter att det börjar." in response.text
    assert meeting_row(app, demo.meeting_id).starts_at == before.starts_at


def test_an_empty_title_is_refused_on_edit(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.post(page(demo), data=meeting_form(title="  "))
    assert response.status_code == 422
    assert "Ange en rubrik." in response.text
    assert meeting_row(app, demo.meeting_id).title == "Operativt möte"


def test_a_closed_meeting_cannot_be_edited(app, client, auth, demo):
    close_coming(app, demo)
    auth.login_as(permissions.CHAIR)
    response = client.get(f"{page(demo)}/edit")
    assert response.status_code == 303
    assert "dagordningen kan inte längre ändras" in client.get(response.headers["Location"]).text
    response = client.post(page(demo), data=meeting_form(title="Ny rubrik"))
    assert response.status_code == 303
    assert meeting_row(app, demo.meeting_id).title == "Operativt möte"


# -- the lifecycle and the kallelse --------------------------------------------------------------------


def test_publishing_sends_the_kallelse_to_every_active_member_by_smtp(app, client, auth, demo, smtp_server):  # noqa: F811
    draft = new_draft(app, demo, "Kallat möte")
    in_request(
        app,
        lambda: services.add_item(
            db.session.get(Meeting, draft),
            "Hemlig strategi för nästa år",
            10,
            description="Detaljer som inte får spridas",
            is_confidential=True,
        ),
    )
    recipients = active_emails(app, demo.group_id)
    auth.login_as(permissions.CHAIR)

    response = client.post(f"{page(demo, draft)}/publish")
    assert response.status_code == 303
    messages = smtp_server.wait_for(len(recipients))
    assert sorted(m["To"] for m in messages) == recipients
    assert {"ombud@demo.se", "ombud2@demo.se", "adjungerad@demo.se"} <= {m["To"] for m in messages}
    row = meeting_row(app, draft)
    assert row.status == "called"
    from po_meetings.filters import format_long

    for message in messages:
        body = message.get_content()
        text = message["Subject"] + body
        assert message["Subject"].startswith("Kallelse: Ledningsgruppen för personligt ombud i Mellanå")
        assert "Ledningsgruppen för personligt ombud i Mellanå" in body
        assert format_long(row.starts_at) in body and "–15.00" in body
        assert "Kommunhuset" in body
        assert f"http://localhost{page(demo, draft)}" in body
        for title, *_ in row.items.values():
            assert title not in text
        assert "Detaljer som inte får spridas" not in text
        assert "Hemlig strategi" not in text
    shown = client.get(response.headers["Location"]).text
    assert f"{len(recipients)} personer har fått kallelsen med e-post." in shown
    with app.app_context():
        assert (
            db.session.scalar(select(func.count(OutgoingMail.id)).where(OutgoingMail.sent_at.is_(None))) == 0
        )


def test_republishing_after_unpublish_sends_a_changed_kallelse(app, client, auth, demo, smtp_server):  # noqa: F811
    draft = new_draft(app, demo)
    recipients = active_emails(app, demo.group_id)
    auth.login_as(permissions.CHAIR)
    client.post(f"{page(demo, draft)}/publish")
    smtp_server.wait_for(len(recipients))

    response = client.post(f"{page(demo, draft)}/unpublish")
    assert response.status_code == 303
    assert meeting_row(app, draft).status == "draft"
    assert (
        "När du publicerar igen får alla en ändrad kallelse." in client.get(response.headers["Location"]).text
    )
    auth.logout()
    auth.login_as(permissions.MEMBER)
    assert client.get(page(demo, draft)).status_code == 404
    auth.logout()
    auth.login_as(permissions.CHAIR)

    response = client.post(f"{page(demo, draft)}/publish")
    messages = smtp_server.wait_for(2 * len(recipients))[len(recipients) :]
    assert len(messages) == len(recipients)
    assert all(m["Subject"].startswith("Ändrad kallelse:") for m in messages)
    assert all("Dagordningen till mötet har ändrats." in m.get_content() for m in messages)
    assert "har fått den ändrade kallelsen med e-post." in client.get(response.headers["Location"]).text


def test_publishing_while_the_mail_server_is_down_still_calls_the_meeting(app, client, auth, demo):
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port(), MAIL_TIMEOUT=2)
    draft = new_draft(app, demo)
    recipients = active_emails(app, demo.group_id)
    auth.login_as(permissions.CHAIR)

    response = client.post(f"{page(demo, draft)}/publish")
    assert response.status_code == 303
    assert meeting_row(app, draft).status == "called"
    html = client.get(response.headers["Location"]).text
    assert "Dagordningen är publicerad och mötet är kallat." in html
    assert "E-postservern svarar inte just nu" in html and "skickas igen senare" in html
    with app.app_context():
        rows = db.session.scalars(select(OutgoingMail)).all()
        assert sorted(r.recipient for r in rows) == recipients
        assert all(r.sent_at is None and r.attempts == 1 and r.last_error for r in rows)


@pytest.mark.parametrize(
    ("action", "statuses", "expected"),
    [
        ("start", [], "draft"),  # a draft cannot start
        ("close", [], "draft"),
        ("close", [MeetingStatus.CALLED], "called"),
        ("publish", [MeetingStatus.CALLED], "called"),
        ("unpublish", [MeetingStatus.CALLED, MeetingStatus.IN_PROGRESS], "in_progress"),
        ("start", [MeetingStatus.CANCELLED], "cancelled"),
    ],
)
def test_refused_status_changes_say_why_and_change_nothing(
    app, client, auth, demo, action, statuses, expected
):
    draft = new_draft(app, demo)
    set_status(app, draft, *statuses)
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{page(demo, draft)}/{action}")
    assert response.status_code == 303
    assert "kan inte få status" in client.get(response.headers["Location"]).text
    assert meeting_row(app, draft).status == expected
    assert count(app, OutgoingMail) == 0


def test_an_empty_agenda_is_not_published(app, client, auth, demo):
    draft = new_draft(app, demo, from_template=False)
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{page(demo, draft)}/publish")
    assert "Dagordningen är tom" in client.get(response.headers["Location"]).text
    assert meeting_row(app, draft).status == "draft"


def test_the_chair_starts_and_closes_the_meeting(app, client, auth, demo):
    auth.login_as(permissions.VICE_CHAIR)
    assert client.post(f"{page(demo)}/start", data={"confirm": "yes"}).status_code == 303
    assert meeting_row(app, demo.meeting_id).status == "in_progress"
    html = client.get(page(demo)).text
    assert "Avsluta mötet" in html and "Pågår" in html
    response = client.post(f"{page(demo)}/close", data={"confirm": "yes"})
    assert meeting_row(app, demo.meeting_id).status == "in_progress"
    assert response.headers["Location"].endswith("/minutes/")  # fixed where the officers are chosen
    assert "Välj mötets sekreterare" in client.get(response.headers["Location"]).text
    choose_officers(app, demo)
    response = client.post(f"{page(demo)}/close", data={"confirm": "yes"})
    assert meeting_row(app, demo.meeting_id).status == "closed"
    assert "Mötet är avslutat." in client.get(response.headers["Location"]).text


def choose_officers(app, demo):
    """Choose a secretary and a justerare for the started demo meeting (closing needs them)."""
    from po_meetings.minutes import services as minutes_services

    with app.app_context():
        meeting = db.session.get(Meeting, demo.meeting_id)
        minutes = minutes_services.minutes_of(meeting)
        chair = db.session.get(Membership, demo.membership("ordforande@demo.se"))
        secretary, adjuster = (
            db.session.get(Membership, demo.membership(e)) for e in ("ledamot@demo.se", "ledamot.vc@demo.se")
        )
        for person in (chair, secretary, adjuster):
            minutes_services.set_attendance(minutes, chair, person.id, "present")
        minutes_services.set_officers(minutes, chair, chair.id, secretary.id, [adjuster.id])
        db.session.commit()


def test_cancelling_needs_a_reason(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{page(demo)}/cancel", data={"reason": "  "})
    assert response.status_code == 422
    assert "Skriv ett kort skäl." in response.text
    assert '<details class="meeting-cancel" open>' in response.text
    assert meeting_row(app, demo.meeting_id).status == "called"


def test_cancelling_a_kallad_meeting_keeps_it_and_tells_everyone(app, client, auth, demo, smtp_server):  # noqa: F811
    recipients = active_emails(app, demo.group_id)
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{page(demo)}/cancel", data={"reason": "Ordföranden är sjuk."})
    assert response.status_code == 303
    row = meeting_row(app, demo.meeting_id)
    assert (row.status, row.cancel_reason) == ("cancelled", "Ordföranden är sjuk.")
    messages = smtp_server.wait_for(len(recipients))
    assert all(m["Subject"].startswith("Inställt möte:") for m in messages)
    auth.logout()
    auth.login_as(permissions.OMBUD)
    html = client.get(page(demo)).text
    assert "Inställt" in html and "Ordföranden är sjuk." in html


def test_a_personnummer_in_a_cancel_reason_is_refused(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{page(demo)}/cancel", data={"reason": f"Gäller {PERSONNUMMER}"})
    assert response.status_code == 422
    assert DEFAULT_MESSAGE in response.text and PERSONNUMMER not in response.text
    assert meeting_row(app, demo.meeting_id).status == "called"


# -- the agenda, inline ------------------------------------------------------------------------------


def test_adding_an_item_plain_redirects_to_it(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{page(demo)}/items", data=item_form(title="Bostadsfrågor"))
    assert response.status_code == 303
    item_id = item_id_by_title(app, demo.meeting_id, "Bostadsfrågor")
    assert response.headers["Location"].endswith(f"{page(demo)}#agenda-item-{item_id}")
    assert meeting_row(app, demo.meeting_id).titles[-1] == "Bostadsfrågor"


def test_adding_an_item_with_htmx_returns_the_agenda(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    presenter = demo.membership("ombud@demo.se")
    response = client.post(
        f"{page(demo)}/items",
        data=item_form(
            title="Bostadsfrågor", presenter_id=str(presenter), item_type="decision", is_confidential="y"
        ),
        headers=HTMX,
    )
    assert_fragment(response, "agenda")
    assert response.headers["HX-Retarget"] == "#agenda"
    text = text_of(response.text)
    assert "Punkten ”Bostadsfrågor” är tillagd." in text
    assert "7 Punkt 7: Bostadsfrågor Sekretess" in text
    assert "Föredragande: Lina Åkesson" in text
    item_id = item_id_by_title(app, demo.meeting_id, "Bostadsfrågor")
    title, minutes, item_type, presenter_id, confidential = meeting_row(app, demo.meeting_id).items[item_id]
    assert (minutes, item_type, presenter_id, confidential) == (10, "decision", presenter, True)
    # the add form is empty again and keeps the keyboard
    title_input = re.search(r'<input[^>]*id="new-title"[^>]*>', response.text).group(0)
    assert "autofocus" in title_input and 'value=""' in title_input


def test_adding_an_item_boosted_redirects_like_a_plain_form(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{page(demo)}/items", data=item_form(title="Boostad"), headers=BOOSTED)
    assert response.status_code == 303
    assert_full_page(client.get(response.headers["Location"], headers=BOOSTED))


def test_adding_a_sub_item(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.post(
        f"{page(demo)}/items",
        data=item_form(title="Resultat från enkäten", minutes="", parent_id=str(demo.agenda_item_id)),
        headers=HTMX,
    )
    assert "1e Punkt 1e: Resultat från enkäten" in text_of(response.text)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Ange en rubrik."),
        ({"minutes": "0"}, "Tiden ska vara minst 1 minut."),
        ({"minutes": "121"}, "Tiden kan inte vara längre än mötet (120 minuter)."),
        ({"minutes": ""}, "Ange tiden i minuter."),
        ({"minutes": "tio"}, "Inte ett giltigt heltal"),
        ({"description": f"Klienten {PERSONNUMMER} väntar"}, DEFAULT_MESSAGE),
        ({"item_type": "vote"}, "Inte ett giltigt val"),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_bad_item_is_refused_beside_the_field(app, client, auth, demo, overrides, message, headers):
    before = meeting_row(app, demo.meeting_id)
    auth.login_as(permissions.CHAIR)
    data = item_form(**{"title": "Min punkt", **overrides})
    response = client.post(f"{page(demo)}/items", data=data, headers=headers)
    if headers:
        assert_fragment(response, "agenda")
    else:
        assert response.status_code == 422 and "<html" in response.text
    assert message in response.text
    assert 'class="field field--error"' in response.text
    assert PERSONNUMMER not in response.text
    if overrides.get("title") != "":
        assert 'value="Min punkt"' in response.text
    assert meeting_row(app, demo.meeting_id).items == before.items


@pytest.mark.parametrize(
    ("url", "element_id"),
    [("/items/{item}", "agenda-item-{item}"), ("/items/{item}/edit", "agenda-item-{item}")],
)
def test_item_views_answer_page_fragment_or_page(client, auth, demo, url, element_id):
    auth.login_as(permissions.CHAIR)
    target = page(demo) + url.format(item=demo.agenda_item_id)
    assert_full_page(client.get(target))
    assert_fragment(client.get(target, headers=HTMX), element_id.format(item=demo.agenda_item_id))
    assert_full_page(client.get(target, headers=BOOSTED))


def test_the_edit_fragment_is_the_form_filled_in(client, auth, demo):
    auth.login_as(permissions.CHAIR)
    html = client.get(f"{page(demo)}/items/{demo.agenda_item_id}/edit", headers=HTMX).text
    prefix = f"item-{demo.agenda_item_id}"
    assert f'name="{prefix}-title"' in html and 'value="Formalia"' in html
    assert f'id="{prefix}-minutes"' in html and 'value="15"' in html
    assert "Karin Lindqvist (Ordförande)" in html and "Lina Åkesson (Personligt ombud)" in html
    assert "autofocus" in html


def test_saving_an_item_with_htmx_returns_the_whole_agenda(app, client, auth, demo):
    item = demo.agenda_item_id
    presenter = demo.membership("vice@demo.se")
    auth.login_as(permissions.CHAIR)
    response = client.post(
        f"{page(demo)}/items/{item}",
        data=item_form(
            f"item-{item}",
            title="Formalia och val",
            minutes="20",
            presenter_id=str(presenter),
            item_type="decision",
            description="Vi väljer **justerare**.",
        ),
        headers=HTMX,
    )
    assert_fragment(response, "agenda")
    assert response.headers["HX-Retarget"] == "#agenda"
    text = text_of(response.text)
    assert "1 Punkt 1: Formalia och val" in text
    assert "kl. 13.20 10 min" in text  # the next item starts later now
    assert "Planerad tid 125 av mötets 120 minuter." in text
    assert "<strong>justerare</strong>" in response.text
    assert meeting_row(app, demo.meeting_id).items[item] == (
        "Formalia och val",
        20,
        "decision",
        presenter,
        False,
    )


def test_saving_an_item_with_an_error_returns_the_form_with_200(app, client, auth, demo):
    item = demo.agenda_item_id
    auth.login_as(permissions.CHAIR)
    before = meeting_row(app, demo.meeting_id).items[item]
    response = client.post(
        f"{page(demo)}/items/{item}",
        data=item_form(f"item-{item}", title="Ny rubrik", minutes="0"),
        headers=HTMX,
    )
    assert_fragment(response, f"agenda-item-{item}")
    assert "Tiden ska vara minst 1 minut." in response.text
    assert 'value="Ny rubrik"' in response.text
    assert meeting_row(app, demo.meeting_id).items[item] == before


def test_saving_an_item_without_htmx(app, client, auth, demo):
    item = demo.agenda_item_id
    auth.login_as(permissions.CHAIR)
    response = client.post(
        f"{page(demo)}/items/{item}", data=item_form(f"item-{item}", title="Öppning", minutes="15")
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#agenda-item-{item}")
    response = client.post(
        f"{page(demo)}/items/{item}", data=item_form(f"item-{item}", title="", minutes="15")
    )
    assert response.status_code == 422
    assert (
        "<html" in response.text
        and "Ange en rubrik." in response.text
        and "Formuläret innehåller fel" in response.text
    )
    assert meeting_row(app, demo.meeting_id).items[item][0] == "Öppning"


def test_moving_items_up_and_down(app, client, auth, demo):
    titles = meeting_row(app, demo.meeting_id).titles
    second = item_id_by_title(app, demo.meeting_id, titles[1])
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{page(demo)}/items/{second}/move", data={"direction": "up"}, headers=HTMX)
    assert_fragment(response, "agenda")
    assert meeting_row(app, demo.meeting_id).titles[:2] == [titles[1], titles[0]]
    assert text_of(response.text).index(titles[1]) < text_of(response.text).index(titles[0])
    # now first: the up button is gone, so focus goes to its down button
    moved = response.text.split(f'id="agenda-item-{second}"', 1)[1].split("</li>", 1)[0]
    assert "Flytta upp" not in moved
    assert re.search(r'value="down">\s*<button[^>]*autofocus', moved)

    response = client.post(f"{page(demo)}/items/{second}/move", data={"direction": "up"}, headers=HTMX)
    assert "Punkten står redan först." in response.text
    response = client.post(f"{page(demo)}/items/{second}/move", data={"direction": "sideways"})
    assert response.status_code == 303
    response = client.post(f"{page(demo)}/items/{second}/move", data={"direction": "down"})
    assert response.status_code == 303
    assert meeting_row(app, demo.meeting_id).titles == titles


def test_deleting_an_item(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{page(demo)}/items/{demo.agenda_item_id}/delete", headers=HTMX)
    assert_fragment(response, "agenda")
    assert "Punkten ”Formalia” är borttagen." in response.text
    assert "Formalia" not in meeting_row(app, demo.meeting_id).titles
    assert "Mötets öppnande" not in text_of(response.text)  # its sub-items went with it
    other = item_id_by_title(app, demo.meeting_id, "Övrigt")
    assert client.post(f"{page(demo)}/items/{other}/delete").status_code == 303
    assert "Övrigt" not in meeting_row(app, demo.meeting_id).titles


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_agenda_of_a_closed_meeting_cannot_be_changed(app, client, auth, demo, headers):
    close_coming(app, demo)
    before = meeting_row(app, demo.meeting_id)
    item = demo.agenda_item_id
    auth.login_as(permissions.CHAIR)
    html = client.get(page(demo)).text
    assert "Lägg till punkt" not in html and "Flytta upp" not in html and f"items/{item}/edit" not in html

    attempts = [
        (f"{page(demo)}/items", item_form(title="Sent påkommen")),
        (f"{page(demo)}/items/{item}", item_form(f"item-{item}", title="Ändrad")),
        (f"{page(demo)}/items/{item}/move", {"direction": "down"}),
        (f"{page(demo)}/items/{item}/delete", {}),
    ]
    for url, data in attempts:
        response = client.post(url, data=data, headers=headers)
        if headers:
            assert_fragment(response, "agenda")
            assert "Mötet är avslutad: dagordningen kan inte längre ändras." in response.text
        else:
            assert response.status_code == 303
            assert "dagordningen kan inte längre ändras" in client.get(response.headers["Location"]).text
    assert meeting_row(app, demo.meeting_id).items == before.items


def test_the_agenda_of_an_approved_meeting_cannot_be_changed(app, client, auth, demo):
    close_coming(app, demo)
    set_status(app, demo.meeting_id, MeetingStatus.APPROVED)
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{page(demo)}/items", data=item_form(title="Sent påkommen"), headers=HTMX)
    assert "Mötet är justerad: dagordningen kan inte längre ändras." in response.text
    assert "Sent påkommen" not in meeting_row(app, demo.meeting_id).titles


# -- topic intake ---------------------------------------------------------------------------------------


def test_an_ombud_proposes_an_item_and_sees_it_waiting(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    form = client.get(f"{page(demo)}/proposals/new")
    assert form.status_code == 200 and "Föreslå punkt" in form.text
    response = client.post(
        f"{page(demo)}/proposals",
        data={"title": "Stängda kontor i juli", "description": "Ett mönster vi ser."},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{page(demo)}#proposals")
    html = client.get(response.headers["Location"]).text
    assert "väntar på ordförandens beslut" in html
    proposals = html.split('id="proposals"', 1)[1]
    assert "Stängda kontor i juli" in proposals and "Väntar" in proposals
    assert "Arbetsförmedlingens nya kontorstider" not in proposals  # a member's proposal
    assert "Ta upp på dagordningen" not in proposals
    assert "Stängda kontor i juli" not in meeting_row(app, demo.meeting_id).titles


def test_members_see_every_proposal_and_leaders_can_decide(client, auth, demo):
    auth.login_as(permissions.SUBSTITUTE)
    html = client.get(page(demo)).text
    assert "Långa väntetider för bostadsanpassning" in html and "Arbetsförmedlingens nya kontorstider" in html
    assert "Ta upp på dagordningen" not in html
    auth.logout()
    auth.login_as(permissions.CHAIR)
    html = client.get(page(demo)).text
    assert html.count("Ta upp på dagordningen") == 2
    assert f'id="decline-reason-{demo.proposal_ids[0]}"' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "description": "Text"}, "Ange en rubrik."),
        ({"title": "Förslag", "description": f"Klienten {PERSONNUMMER}"}, DEFAULT_MESSAGE),
        ({"title": f"Om {PERSONNUMMER}", "description": ""}, DEFAULT_MESSAGE),
    ],
)
def test_a_bad_proposal_is_refused_beside_the_field(app, client, auth, demo, data, message):
    before = count(app, Proposal)
    auth.login_as(permissions.OMBUD)
    response = client.post(f"{page(demo)}/proposals", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert PERSONNUMMER not in response.text
    assert count(app, Proposal) == before


@pytest.mark.parametrize("when", ["past", "closed", "cancelled"])
def test_no_proposals_to_a_past_closed_or_cancelled_meeting(app, client, auth, demo, when):
    meeting_id = demo.meeting_id
    if when == "past":
        meeting_id = demo.past_meeting_ids[-1]
    elif when == "closed":
        close_coming(app, demo)
    else:
        set_status(app, meeting_id, MeetingStatus.CANCELLED)
    before = count(app, Proposal)
    auth.login_as(permissions.OMBUD)
    assert "Föreslå punkt</a>" not in client.get(page(demo, meeting_id)).text
    form = client.get(f"{page(demo, meeting_id)}/proposals/new")
    assert "Det går bara att föreslå punkter till kommande möten." in form.text
    assert "<textarea" not in form.text
    response = client.post(
        f"{page(demo, meeting_id)}/proposals", data={"title": "För sent", "description": ""}
    )
    assert response.status_code == 422
    assert "Det går bara att föreslå punkter till kommande möten." in response.text
    assert count(app, Proposal) == before


def test_accepting_a_proposal_with_htmx_updates_the_backlog_and_tells_the_agenda(app, client, auth, demo):
    proposal = demo.proposal_ids[0]
    auth.login_as(permissions.CHAIR)
    response = client.post(
        f"{page(demo)}/proposals/{proposal}/accept", data={f"accept-{proposal}-minutes": "15"}, headers=HTMX
    )
    assert_fragment(response, "proposals")
    assert response.headers["HX-Trigger"] == "agenda-changed"
    text = text_of(response.text)
    assert "”Långa väntetider för bostadsanpassning” är tagen på dagordningen." in text
    assert "Tagen på dagordningen som punkt 5 av Karin Lindqvist" in text
    row = proposal_row(app, proposal)
    assert row.status == "accepted" and row.agenda_item_id is not None
    titles = meeting_row(app, demo.meeting_id).titles
    # A main item of its own goes before Övrigt, not after it.
    assert titles.index("Långa väntetider för bostadsanpassning") == titles.index("Övrigt") - 1
    # the agenda, asked for again after the event, shows the new item
    assert "Långa väntetider för bostadsanpassning" in client.get(page(demo), headers=HTMX).text


def test_accepting_a_proposal_without_htmx(app, client, auth, demo):
    auth.login_as(permissions.VICE_CHAIR)
    data = {f"accept-{demo.proposal_ids[1]}-minutes": "10"}
    response = client.post(f"{page(demo)}/proposals/{demo.proposal_ids[1]}/accept", data=data)
    assert response.status_code == 303
    item = proposal_row(app, demo.proposal_ids[1]).agenda_item_id
    assert response.headers["Location"].endswith(f"#agenda-item-{item}")
    response = client.post(f"{page(demo)}/proposals/{demo.proposal_ids[1]}/accept", data=data)
    assert "Förslaget är redan tagen på dagordningen." in client.get(response.headers["Location"]).text
    assert count(app, AgendaItem, AgendaItem.title == "Arbetsförmedlingens nya kontorstider") == 1


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_main_item_needs_the_time_the_chair_gives_it(app, client, auth, demo, headers):
    proposal = demo.proposal_ids[0]
    auth.login_as(permissions.CHAIR)
    before = count(app, AgendaItem)
    response = client.post(f"{page(demo)}/proposals/{proposal}/accept", data={}, headers=headers)
    if headers:
        assert_fragment(response, "proposals")
    else:
        assert response.status_code == 422 and "<html" in response.text
    assert (
        f'id="accept-{proposal}-minutes-error">Ange hur många minuter punkten får på dagordningen.'
        in response.text
    )
    assert proposal_row(app, proposal).status == "pending"
    assert count(app, AgendaItem) == before


def test_a_proposal_can_go_under_a_main_item_and_the_overrun_is_told(app, client, auth, demo):
    proposal = demo.proposal_ids[0]
    systems = in_request(
        app,
        lambda: db.session.scalar(
            select(AgendaItem.id).where(
                AgendaItem.meeting_id == demo.meeting_id, AgendaItem.title == "Systemfrågor"
            )
        ),
    )
    auth.login_as(permissions.CHAIR)
    page_text = client.get(page(demo)).text
    assert f'<option value="{systems}">Underpunkt till 4. Systemfrågor</option>' in page_text
    response = client.post(
        f"{page(demo)}/proposals/{proposal}/accept",
        data={f"accept-{proposal}-parent_id": str(systems)},
        headers=HTMX,
    )
    assert "Tagen på dagordningen som punkt 4d" in text_of(response.text)
    assert "längre än mötet" not in response.text  # a sub-item lives in its main item's time
    # A main item that does not fit says how far the agenda now runs over.
    other = demo.proposal_ids[1]
    response = client.post(
        f"{page(demo)}/proposals/{other}/accept", data={f"accept-{other}-minutes": "30"}, headers=HTMX
    )
    assert "Dagordningen är nu 30 min längre än mötet." in text_of(response.text)


def test_a_placement_that_is_not_a_main_item_is_refused(app, client, auth, demo):
    proposal = demo.proposal_ids[0]
    auth.login_as(permissions.CHAIR)
    response = client.post(
        f"{page(demo)}/proposals/{proposal}/accept",
        data={f"accept-{proposal}-parent_id": "999999", f"accept-{proposal}-minutes": "10"},
        headers=HTMX,
    )
    assert "Inte ett giltigt val" in response.text
    assert proposal_row(app, proposal).status == "pending"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_declining_needs_a_reason(app, client, auth, demo, headers):
    proposal = demo.proposal_ids[0]
    auth.login_as(permissions.CHAIR)
    response = client.post(f"{page(demo)}/proposals/{proposal}/decline", data={"reason": ""}, headers=headers)
    if headers:
        assert_fragment(response, "proposals")
    else:
        assert response.status_code == 422 and "<html" in response.text
    assert "Skriv ett kort skäl." in response.text
    assert (
        f'aria-describedby="decline-reason-{proposal}-hint decline-reason-{proposal}-error"' in response.text
    )
    assert proposal_row(app, proposal).status == "pending"


def test_the_ombud_sees_what_became_of_their_proposals(app, client, auth, demo):
    accepted = in_request(
        app,
        lambda: (
            services.propose_item(
                db.session.get(Meeting, demo.meeting_id),
                db.session.get(User, demo.users["ombud@demo.se"]),
                "Hemlöshet bland unga",
                None,
            ).id
        ),
    )
    auth.login_as(permissions.CHAIR)
    client.post(
        f"{page(demo)}/proposals/{demo.proposal_ids[0]}/decline",
        data={"reason": "Tas upp på utvecklingsdagen."},
        headers=HTMX,
    )
    client.post(
        f"{page(demo)}/proposals/{accepted}/accept", data={f"accept-{accepted}-minutes": "10"}, headers=HTMX
    )
    auth.logout()

    auth.login_as(permissions.OMBUD)
    proposals = text_of(client.get(page(demo)).text.split('id="proposals"', 1)[1])
    assert "Långa väntetider för bostadsanpassning Avböjd" in proposals
    assert "Skäl: Tas upp på utvecklingsdagen." in proposals
    assert "Hemlöshet bland unga Tagen på dagordningen" in proposals
    assert "som punkt 5" in proposals
    assert "Hemlöshet bland unga" in text_of(client.get(page(demo)).text.split('id="proposals"', 1)[0])


def test_a_decline_reason_with_a_personnummer_is_refused(app, client, auth, demo):
    proposal = demo.proposal_ids[0]
    auth.login_as(permissions.CHAIR)
    response = client.post(
        f"{page(demo)}/proposals/{proposal}/decline", data={"reason": PERSONNUMMER}, headers=HTMX
    )
    assert DEFAULT_MESSAGE in response.text and PERSONNUMMER not in response.text
    assert proposal_row(app, proposal).status == "pending"


def test_a_proposal_of_another_meeting_is_not_found(app, client, auth, demo):
    draft = new_draft(app, demo)
    auth.login_as(permissions.CHAIR)
    assert client.post(f"{page(demo, draft)}/proposals/{demo.proposal_ids[0]}/accept").status_code == 404
    assert proposal_row(app, demo.proposal_ids[0]).status == "pending"


# -- answers to the kallelse ------------------------------------------------------------------------------


def test_answering_with_htmx_returns_the_answers_part(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    response = client.post(f"{page(demo)}/respond", data={"answer": "attending"}, headers=HTMX)
    assert_fragment(response, "responses")
    text = text_of(response.text)
    assert "Ditt svar är sparat: deltar." in text
    assert "Ditt svar: Deltar" in text
    assert 'value="attending" aria-pressed="true"' in response.text
    with app.app_context():
        answers = db.session.scalars(
            select(MeetingResponse.answer).where(
                MeetingResponse.membership_id == demo.membership("ombud@demo.se")
            )
        ).all()
    assert answers == ["attending"]


def test_answering_without_htmx_redirects_to_the_answers(client, auth, demo):
    auth.login_as(permissions.MEMBER)
    response = client.post(f"{page(demo)}/respond", data={"answer": "apologies"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#responses")
    html = client.get(response.headers["Location"]).text
    assert "Ditt svar är sparat: förhinder." in html
    assert "Du har ingen utsedd ersättare i gruppen." in html


def test_a_member_with_apologies_sees_their_substitute(client, auth, demo):
    auth.login("ledamot.fk@demo.se")  # Per Sandberg, Försäkringskassan; already answered förhinder
    text = text_of(client.get(page(demo)).text)
    assert "Ditt svar: Förhinder" in text
    assert "Din ersättare: Sara Öberg." in text
    response = client.post(f"{page(demo)}/respond", data={"answer": "attending"}, headers=HTMX)
    assert "Din ersättare" not in response.text


def test_the_chair_sees_everyones_answers(app, client, auth, demo):
    members = len(active_emails(app, demo.group_id))
    auth.login_as(permissions.CHAIR)
    html = client.get(page(demo)).text
    text = text_of(html.split('id="responses"', 1)[1].split('id="proposals"', 1)[0])
    assert f"Deltar 1 · Förhinder 1 · Inte svarat {members - 2}" in text
    assert "Fatima Hassan Ledamot Deltar" in text
    assert "Per Sandberg Ledamot Förhinder Ersättare: Sara Öberg" in text
    assert "Lina Åkesson Personligt ombud Inte svarat" in text
    auth.logout()
    auth.login_as(permissions.MEMBER)
    assert "Gruppens svar" not in client.get(page(demo)).text


def test_a_bad_answer_is_refused(app, client, auth, demo):
    auth.login_as(permissions.CO_OPTED)
    response = client.post(f"{page(demo)}/respond", data={"answer": "maybe"}, headers=HTMX)
    assert_fragment(response, "responses")
    assert "Välj deltar eller förhinder." in response.text
    assert (
        count(app, MeetingResponse, MeetingResponse.membership_id == demo.membership("adjungerad@demo.se"))
        == 0
    )


def test_no_answers_to_a_past_meeting(app, client, auth, demo):
    auth.login_as(permissions.MEMBER)
    past = demo.past_meeting_ids[-1]
    assert "Det går inte längre att svara på kallelsen." in client.get(page(demo, past)).text
    response = client.post(f"{page(demo, past)}/respond", data={"answer": "attending"})
    assert (
        "Det går bara att svara på kallelsen till ett kommande möte."
        in client.get(response.headers["Location"]).text
    )
    assert count(app, MeetingResponse, MeetingResponse.meeting_id == past) == 0


# -- the calendar file --------------------------------------------------------------------------------------


def test_the_meeting_downloads_as_an_ics_file(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    response = client.get(f"{page(demo)}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    day = services.local(meeting_row(app, demo.meeting_id).starts_at).strftime("%Y-%m-%d")
    assert response.headers["Content-Disposition"] == f'attachment; filename="mote-{day}.ics"'
    body = response.data.decode()
    assert body.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in body
    assert CONFIDENTIAL_TITLE not in body and "Formalia" not in body


# -- every htmx write, boosted: a full-page form post that ends in a redirect -------------------------


@pytest.mark.parametrize(
    ("suffix", "data", "anchor"),
    [
        (
            "/items",
            {"new-title": "Boostad", "new-minutes": "5", "new-item_type": "information"},
            "#agenda-item-",
        ),
        (
            "/items/{item}",
            {
                "item-{item}-title": "Öppning",
                "item-{item}-minutes": "15",
                "item-{item}-item_type": "information",
            },
            "#agenda-item-",
        ),
        ("/items/{item}/move", {"direction": "down"}, "#agenda-item-"),
        ("/items/{item}/delete", {}, "#agenda"),
        ("/proposals/{proposal}/accept", {"accept-{proposal}-minutes": "10"}, "#agenda-item-"),
        ("/proposals/{proposal}/decline", {"reason": "Inte nu."}, "#proposals"),
        ("/respond", {"answer": "attending"}, "#responses"),
    ],
)
def test_boosted_writes_redirect_to_the_full_page(client, auth, demo, suffix, data, anchor):
    values = {"item": demo.agenda_item_id, "proposal": demo.proposal_ids[0]}
    auth.login_as(permissions.CHAIR)
    response = client.post(
        page(demo) + suffix.format(**values),
        data={key.format(**values): value for key, value in data.items()},
        headers=BOOSTED,
    )
    assert response.status_code == 303
    assert anchor in response.headers["Location"]
    assert_full_page(client.get(response.headers["Location"], headers=BOOSTED))
