"""HTTP tests of the agenda-template pages: the list, a new template and inline editing of items."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, func, select

from po_meetings import permissions
from po_meetings.agendas import tree
from po_meetings.extensions import db
from po_meetings.models import AgendaItem, AgendaTemplate, Meeting, TemplateItem
from po_meetings.personnummer import DEFAULT_MESSAGE

HTMX = {"HX-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
PERSONNUMMER = "19121212-1212"


# -- helpers --------------------------------------------------------------------------------


def root_id(html: str) -> str | None:
    """Return the id of a fragment's first element."""
    match = re.match(r"\s*<\w+[^>]*?\sid=\"([^\"]+)\"", html)
    return match.group(1) if match else None


def base(demo) -> str:
    """Return the URL of the demo group's templates."""
    return f"/groups/{demo.group_id}/templates"


def template_url(demo, template_id: int | None = None) -> str:
    """Return the editing page of a template (the operative demo template by default)."""
    return f"{base(demo)}/{template_id or demo.template_id}"


def item_url(demo, item_id: int, action: str = "", template_id: int | None = None) -> str:
    """Return the URL of an item of a template, with an action (edit, move, delete) if given."""
    url = f"{template_url(demo, template_id)}/items/{item_id}"
    return f"{url}/{action}" if action else url


def outline(app, template_id: int) -> list[tuple[str, str, int | None]]:
    """Return (number, title, minutes) of a template's items, as stored."""
    with app.app_context():
        template = db.session.get(AgendaTemplate, template_id)
        rows = []
        for entry in tree.numbered(template.items):
            rows.append((entry.number, entry.item.title, entry.item.minutes))
            rows += [(c.number, c.item.title, c.item.minutes) for c in entry.children]
        return rows


def item_id(app, template_id: int, title: str) -> int:
    """Return the id of a template's item by title."""
    with app.app_context():
        return db.session.scalar(
            select(TemplateItem.id).where(
                TemplateItem.template_id == template_id, TemplateItem.title == title
            )
        )


def stored_item(app, id_: int) -> TemplateItem | None:
    """Return a template item as stored (detached), or None."""
    with app.app_context():
        return db.session.get(TemplateItem, id_)


def other_template_id(app, group_id: int) -> int:
    """Return the id of a group's development template."""
    with app.app_context():
        return db.session.scalar(
            select(AgendaTemplate.id).where(
                AgendaTemplate.group_id == group_id, AgendaTemplate.kind == "development"
            )
        )


def count(app, model) -> int:
    """Return how many rows a table has."""
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def new_item(**values) -> dict:
    """Return the add-item form as a browser posts it."""
    fields = {"title": "Ny punkt", "minutes": "10", "parent_id": "", "item_type": "information"}
    fields.update({"standing_kind": "", "guidance": ""})
    fields.update(values)
    return {f"new-{name}": value for name, value in fields.items()}


def edited_item(id_: int, **values) -> dict:
    """Return an item's inline edit form as a browser posts it."""
    fields = {
        "title": "Formalia",
        "minutes": "15",
        "item_type": "decision",
        "standing_kind": "",
        "guidance": "",
    }
    fields.update(values)
    return {f"item-{id_}-{name}": value for name, value in fields.items()}


def settings(**values) -> dict:
    """Return the template settings form as a browser posts it."""
    fields = {"name": "Operativt möte (typagenda)", "kind": "operative", "meeting_minutes": "120"}
    fields.update({"max_new_system_errors": "5"})
    fields.update(values)
    return fields


def field_error(html: str, field_id: str) -> str:
    """Return the error message shown beside a field, or ''."""
    match = re.search(rf'<p class="field__error" id="{field_id}-error">(.*?)</p>', html)
    return match.group(1) if match else ""


def numbers(html: str) -> list[tuple[str, str]]:
    """Return (number, title) of every item row in the page or fragment, in order."""
    return re.findall(r'<span class="agenda-item__number">([^<]+)</span> ([^<]+)</h[34]>', html)


@pytest.fixture
def chair(auth, demo):
    """Log in as the chair."""
    auth.login_as(permissions.CHAIR)


# -- the list of templates ------------------------------------------------------------------


def test_index_lists_the_groups_templates_with_their_time(client, chair, demo):
    response = client.get(f"{base(demo)}/")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Dagordningsmallar</h1>" in html
    assert f'href="{template_url(demo)}">Operativt möte (typagenda)</a>' in html
    assert "Utvecklingsmöte (heldag)" in html
    row = re.search(r"<tr>\s*<td><a[^>]*>Operativt möte \(typagenda\).*?</tr>", html, re.DOTALL).group(0)
    assert "Operativt möte</td>" in row
    assert "5 punkter, 13 underpunkter" in row
    assert "120 av 120 min" in row
    assert "för lång" not in row
    assert f'href="{base(demo)}/new"' in html and "Ny mall" in html


def test_index_marks_a_template_that_runs_over(app, client, chair, demo):
    client.post(f"{template_url(demo)}/items", data=new_item(minutes="25"))
    row = re.search(r"<tr>\s*<td><a[^>]*>Operativt.*?</tr>", client.get(f"{base(demo)}/").text, re.DOTALL)
    assert "145 av 120 min" in row.group(0)
    assert "25 min för lång" in row.group(0)


def test_index_without_templates_says_so(app, client, chair, demo):
    for id_ in (demo.template_id, other_template_id(app, demo.group_id)):
        assert client.post(f"{template_url(demo, id_)}/delete").status_code == 303
    response = client.get(f"{base(demo)}/")
    assert "Gruppen har inga dagordningsmallar." in response.text
    assert "<table" not in response.text


def test_vice_chair_edits_templates_too(client, auth, demo):
    auth.login_as(permissions.VICE_CHAIR)
    assert client.get(f"{base(demo)}/").status_code == 200
    assert client.get(template_url(demo)).status_code == 200


@pytest.mark.parametrize("role", [permissions.MEMBER, permissions.SUBSTITUTE, permissions.OMBUD])
def test_members_and_ombuds_may_not_see_or_change_templates(app, client, auth, demo, role):
    auth.login_as(role)
    before = outline(app, demo.template_id)
    assert client.get(template_url(demo)).status_code == 403
    assert client.post(f"{template_url(demo)}/items", data=new_item()).status_code == 403
    assert client.post(item_url(demo, demo.template_item_id, "delete")).status_code == 403
    assert outline(app, demo.template_id) == before


def test_another_groups_chair_gets_404_and_none_of_the_data(client, auth, demo):
    auth.login_as(permissions.OTHER_GROUP)
    for url in (f"{base(demo)}/", template_url(demo), item_url(demo, demo.template_item_id, "edit")):
        response = client.get(url)
        assert response.status_code == 404
        assert "Formalia" not in response.text and "Mellanå" not in response.text


def test_the_group_links_lead_to_the_templates(client, chair, demo):
    html = client.get(template_url(demo)).text
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.DOTALL).group(0)
    assert f'href="/groups/{demo.group_id}"' in crumbs
    assert f'href="{base(demo)}/">Dagordningsmallar</a>' in crumbs


# -- a new template -------------------------------------------------------------------------


def test_new_template_form_offers_kinds_defaults_and_templates_to_copy(client, chair, demo):
    html = client.get(f"{base(demo)}/new").text
    assert '<option selected value="operative">Operativt möte</option>' in html
    assert '<option value="development">Utvecklingsmöte</option>' in html
    assert re.search(r'id="max_new_system_errors"[^>]*value="5"', html)
    assert re.search(r'id="meeting_minutes"[^>]*value="120"', html)  # the group's default length
    assert f'<option value="{demo.template_id}">En kopia av Operativt möte (typagenda)</option>' in html


def test_chair_creates_an_empty_template(app, client, chair, demo):
    response = client.post(
        f"{base(demo)}/",
        data={
            "name": "Kort möte",
            "kind": "operative",
            "meeting_minutes": "60",
            "max_new_system_errors": "3",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        created = db.session.scalar(select(AgendaTemplate).where(AgendaTemplate.name == "Kort möte"))
        assert (created.meeting_minutes, created.max_new_system_errors, created.items) == (60, 3, [])
    assert response.headers["Location"].endswith(template_url(demo, created.id))
    page = client.get(response.headers["Location"]).text
    assert "Mallen ”Kort möte” är skapad." in page
    assert "Mallen har inga punkter ännu." in page
    assert "Planerad tid: <strong>0 av 60 minuter</strong>" in page


def test_chair_creates_a_template_as_a_copy(app, client, chair, demo):
    response = client.post(
        f"{base(demo)}/",
        data={
            "name": "Långt operativt möte",
            "kind": "operative",
            "meeting_minutes": "150",
            "max_new_system_errors": "5",
            "copy_from": str(demo.template_id),
        },
    )
    assert response.status_code == 303
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert new_id != demo.template_id
    assert outline(app, new_id) == outline(app, demo.template_id)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": ""}, "name", "Ange ett namn på mallen."),
        (
            {"meeting_minutes": "två timmar"},
            "meeting_minutes",
            "Skriv mötets längd som ett heltal, till exempel 120.",
        ),
        ({"meeting_minutes": ""}, "meeting_minutes", "Ange mötets längd i minuter."),
        ({"meeting_minutes": "10"}, "meeting_minutes", "Ange en längd mellan 15 och 720 minuter."),
        ({"max_new_system_errors": "-1"}, "max_new_system_errors", "Ange ett antal mellan 0 och 50."),
        ({"kind": "party"}, "kind", "Inte ett giltigt val"),
        ({"copy_from": "999999"}, "copy_from", "Inte ett giltigt val"),
        (
            {"meeting_minutes": "30", "copy_from": "TEMPLATE"},
            "copy_from",
            "Mallen du utgår från har punkten ”Systemfrågor” på 45 minuter",
        ),
    ],
)
def test_bad_new_template_is_refused_beside_the_field_and_keeps_what_was_typed(
    app, client, chair, demo, values, field, message
):
    before = count(app, AgendaTemplate)
    data = {"name": "Kort möte", "kind": "operative", "meeting_minutes": "60", "max_new_system_errors": "5"}
    data.update({k: str(demo.template_id) if v == "TEMPLATE" else v for k, v in values.items()})
    response = client.post(f"{base(demo)}/", data=data)
    assert response.status_code == 422
    assert "<html" in response.text and "Formuläret innehåller fel" in response.text
    assert message in field_error(response.text, field)
    if field != "name":
        assert 'value="Kort möte"' in response.text
    if values.get("meeting_minutes") == "två timmar":
        assert 'value="två timmar"' in response.text
    assert count(app, AgendaTemplate) == before


def test_copying_another_groups_template_is_refused(app, client, chair, demo):
    foreign = other_template_id(app, demo.other_group_id)
    before = count(app, AgendaTemplate)
    response = client.post(
        f"{base(demo)}/",
        data={"name": "Stöld", "kind": "operative", "meeting_minutes": "480", "copy_from": str(foreign)},
    )
    assert response.status_code == 422
    assert "Inte ett giltigt val" in field_error(response.text, "copy_from")
    assert count(app, AgendaTemplate) == before


def test_personnummer_in_a_template_name_is_refused_and_not_echoed(app, client, chair, demo):
    before = count(app, AgendaTemplate)
    response = client.post(
        f"{base(demo)}/",
        data={
            "name": f"Mall {PERSONNUMMER}",
            "kind": "operative",
            "meeting_minutes": "60",
            "max_new_system_errors": "5",
        },
    )
    assert response.status_code == 422
    assert DEFAULT_MESSAGE in response.text
    assert PERSONNUMMER not in response.text
    assert count(app, AgendaTemplate) == before


# -- the editing page -----------------------------------------------------------------------


def test_show_numbers_items_and_shows_time_type_and_standing_kind(client, chair, demo):
    html = client.get(template_url(demo)).text
    assert numbers(html)[:6] == [
        ("1", "Formalia"),
        ("1a", "Mötets öppnande"),
        ("1b", "Val av sekreterare och justerare"),
        ("1c", "Föregående mötesprotokoll"),
        ("1d", "Uppföljning av tidigare beslut"),
        ("2", "Nytt från organisationerna"),
    ]
    assert [n for n, _ in numbers(html)][-4:] == ["5", "5a", "5b", "5c"]
    formalia = re.search(
        rf'id="template-item-{demo.template_item_id}".*?agenda-item__actions', html, re.DOTALL
    ).group(0)
    assert "15 min" in formalia and '<span class="badge">Beslut</span>' in formalia
    assert "Fylls i automatiskt: Föregående protokoll" in html
    assert "Fylls i automatiskt: Systemfel som väntar på att tas upp" in html
    assert "Planerad tid: <strong>120 av 120 minuter</strong> (0 minuter kvar)" in html
    assert 'role="alert"' not in html


def test_show_renders_guidance_as_markdown(app, client, chair, demo):
    client.post(
        item_url(demo, demo.template_item_id),
        data=edited_item(demo.template_item_id, guidance="Kontrollera **närvaron**.\n\n- en\n- två"),
    )
    html = client.get(template_url(demo)).text
    assert "Kontrollera <strong>närvaron</strong>." in html
    assert "<li>en</li>" in html
    assert "**närvaron**" not in html


def test_the_first_and_last_items_move_buttons_are_marked_disabled(app, client, chair, demo):
    html = client.get(template_url(demo)).text
    first, last = demo.template_item_id, item_id(app, demo.template_id, "Övrigt")
    assert re.search(rf'id="move-up-{first}"\s+aria-disabled="true"', html)
    assert not re.search(rf'id="move-down-{first}"\s+aria-disabled', html)
    assert re.search(rf'id="move-down-{last}"\s+aria-disabled="true"', html)
    # Every move is a real form that works without JavaScript.
    assert f'<form method="post" action="{item_url(demo, first, "move")}"' in html


def test_add_sub_item_link_preselects_the_section(app, client, chair, demo):
    systems = item_id(app, demo.template_id, "Systemfrågor")
    html = client.get(f"{template_url(demo)}?parent={systems}").text
    assert f'<option selected value="{systems}">Som underpunkt under Systemfrågor</option>' in html
    assert f'href="{template_url(demo)}?parent={systems}#new-item"' in html


@pytest.mark.parametrize("template_id", ["unknown", "foreign"])
def test_unknown_or_other_groups_template_is_404(app, client, chair, demo, template_id):
    id_ = 999999 if template_id == "unknown" else other_template_id(app, demo.other_group_id)
    assert client.get(template_url(demo, id_)).status_code == 404
    assert client.post(template_url(demo, id_), data=settings()).status_code == 404
    assert client.post(f"{template_url(demo, id_)}/items", data=new_item()).status_code == 404
    assert client.post(f"{template_url(demo, id_)}/delete").status_code == 404
    assert client.get(f"{base(demo)}/{id_}/items/1").status_code == 404


def test_the_editing_page_takes_a_handful_of_queries(app, client, chair, demo):
    statements = []

    def count_statement(*args):
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count_statement)
    try:
        assert client.get(template_url(demo)).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)
    assert len(statements) <= 12, statements


# -- template settings and deleting a template ----------------------------------------------


def test_update_saves_the_settings_and_redirects(app, client, chair, demo):
    response = client.post(
        template_url(demo),
        data=settings(name="Operativt möte, långt", meeting_minutes="150", max_new_system_errors="3"),
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(template_url(demo))
    page = client.get(response.headers["Location"]).text
    assert "Mallens inställningar är sparade." in page
    assert "<h1>Operativt möte, långt</h1>" in page
    assert "120 av 150 minuter" in page
    with app.app_context():
        saved = db.session.get(AgendaTemplate, demo.template_id)
        assert (saved.meeting_minutes, saved.max_new_system_errors) == (150, 3)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": "  "}, "name", "Ange ett namn på mallen."),
        ({"meeting_minutes": "abc"}, "meeting_minutes", "Skriv mötets längd som ett heltal"),
        (
            {"meeting_minutes": "40"},
            "meeting_minutes",
            "Punkten ”Systemfrågor” är 45 minuter, längre än mötet.",
        ),
        ({"max_new_system_errors": "51"}, "max_new_system_errors", "Ange ett antal mellan 0 och 50."),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_saved(app, client, chair, demo, values, field, message):
    response = client.post(template_url(demo), data=settings(**{"name": "Nytt namn", **values}))
    assert response.status_code == 422
    assert "<html" in response.text
    assert message in field_error(response.text, field)
    with app.app_context():
        saved = db.session.get(AgendaTemplate, demo.template_id)
        assert (saved.name, saved.meeting_minutes, saved.max_new_system_errors) == (
            "Operativt möte (typagenda)",
            120,
            5,
        )


def test_delete_removes_the_template_but_meetings_keep_their_agendas(app, client, chair, demo):
    with app.app_context():
        agenda_before = db.session.scalar(select(func.count(AgendaItem.id)))
        made_from = db.session.scalars(
            select(Meeting.id).where(Meeting.template_id == demo.template_id)
        ).all()
    assert made_from  # the demo meetings were made from this template
    html = client.get(template_url(demo)).text
    assert re.search(r'hx-confirm="Ta bort mallen ”Operativt möte \(typagenda\)”', html)

    response = client.post(f"{template_url(demo)}/delete")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{base(demo)}/")
    page = client.get(response.headers["Location"]).text
    assert "Mallen ”Operativt möte (typagenda)” är borttagen." in page
    assert client.get(template_url(demo)).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(AgendaItem.id))) == agenda_before
        assert all(db.session.get(Meeting, id_).items for id_ in made_from)


# -- adding items ---------------------------------------------------------------------------


def test_create_item_via_htmx_returns_the_renumbered_list_with_the_total_and_a_fresh_form(
    app, client, chair, demo
):
    response = client.post(
        f"{template_url(demo)}/items", data=new_item(title="Fika", minutes="10"), headers=HTMX
    )
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" not in response.text
    assert root_id(response.text) == "template-items"
    assert numbers(response.text)[-1] == ("6", "Fika")
    assert "Planerad tid: <strong>130 av 120 minuter</strong>" in response.text
    assert "punkterna tar 10 minuter mer än mötet" in response.text
    fresh = re.search(r'<div class="new-item" id="new-item" hx-swap-oob="true">.*', response.text, re.DOTALL)
    assert fresh and 'id="new-title"' in fresh.group(0) and 'value="Fika"' not in fresh.group(0)
    assert outline(app, demo.template_id)[-1] == ("6", "Fika", 10)


def test_create_item_without_htmx_redirects_to_the_new_row(app, client, chair, demo):
    for headers in ({}, BOOSTED):
        response = client.post(f"{template_url(demo)}/items", data=new_item(title="Fika"), headers=headers)
        assert response.status_code == 303
        new_id = item_id(app, demo.template_id, "Fika")
        assert response.headers["Location"].endswith(f"{template_url(demo)}#template-item-{new_id}")
        assert "Punkten ”Fika” är tillagd." in client.get(response.headers["Location"]).text
        client.post(item_url(demo, new_id, "delete"))


def test_create_sub_item_goes_last_in_its_section_and_may_have_no_time(app, client, chair, demo):
    response = client.post(
        f"{template_url(demo)}/items",
        data=new_item(
            title="Närvaro", minutes="", parent_id=str(demo.template_item_id), standing_kind="follow_up"
        ),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert ("1e", "Närvaro") in numbers(response.text)
    assert "Planerad tid: <strong>120 av 120 minuter</strong>" in response.text
    assert ("1e", "Närvaro", None) in outline(app, demo.template_id)
    # The fresh form keeps adding to the same section.
    assert (
        f'<option selected value="{demo.template_item_id}">Som underpunkt under Formalia</option>'
        in response.text
    )


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"title": "   "}, "new-title", "Ange en rubrik."),
        ({"minutes": ""}, "new-minutes", "Ange tiden i minuter."),
        ({"minutes": "0"}, "new-minutes", "Tiden ska vara minst 1 minut."),
        ({"minutes": "-3"}, "new-minutes", "Tiden ska vara minst 1 minut."),
        ({"minutes": "121"}, "new-minutes", "Tiden kan inte vara längre än mötet (120 minuter)."),
        ({"minutes": "tio"}, "new-minutes", "Skriv tiden som ett heltal, till exempel 15."),
        ({"item_type": "vote"}, "new-item_type", "Inte ett giltigt val"),
        ({"standing_kind": "everything"}, "new-standing_kind", "Inte ett giltigt val"),
        ({"parent_id": "999999"}, "new-parent_id", "Inte ett giltigt val"),
        ({"parent_id": "nonsense"}, "new-parent_id", "Inte ett giltigt val"),
    ],
)
def test_bad_item_via_htmx_returns_the_form_with_the_message_and_saves_nothing(
    app, client, chair, demo, values, field, message
):
    before = outline(app, demo.template_id)
    response = client.post(
        f"{template_url(demo)}/items",
        data=new_item(**{"title": "Fika", "guidance": "Ta med *kaka*", **values}),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#new-item"
    assert response.headers["HX-Reswap"] == "outerHTML"
    assert root_id(response.text) == "new-item"
    assert "<html" not in response.text
    assert message in field_error(response.text, field)
    assert "Ta med *kaka*" in response.text  # what was typed stays
    if field != "new-title":
        assert 'value="Fika"' in response.text
    assert outline(app, demo.template_id) == before


def test_bad_item_without_htmx_is_a_full_page_with_422(app, client, chair, demo):
    before = outline(app, demo.template_id)
    response = client.post(f"{template_url(demo)}/items", data=new_item(title="Fika", minutes="0"))
    assert response.status_code == 422
    assert "<html" in response.text and "Formuläret innehåller fel" in response.text
    assert "Tiden ska vara minst 1 minut." in field_error(response.text, "new-minutes")
    assert 'value="Fika"' in response.text
    assert outline(app, demo.template_id) == before


def test_a_sub_item_of_a_sub_item_is_not_offered_and_refused(app, client, chair, demo):
    sub = item_id(app, demo.template_id, "Mötets öppnande")
    assert f'<option value="{sub}">' not in client.get(template_url(demo)).text
    before = outline(app, demo.template_id)
    response = client.post(f"{template_url(demo)}/items", data=new_item(parent_id=str(sub)), headers=HTMX)
    assert "Inte ett giltigt val" in field_error(response.text, "new-parent_id")
    assert outline(app, demo.template_id) == before


def test_a_parent_from_another_template_is_refused(app, client, chair, demo):
    development = other_template_id(app, demo.group_id)
    foreign = item_id(app, development, "Inledning")
    before = outline(app, development), outline(app, demo.template_id)
    response = client.post(f"{template_url(demo)}/items", data=new_item(parent_id=str(foreign)), headers=HTMX)
    assert "Inte ett giltigt val" in field_error(response.text, "new-parent_id")
    assert (outline(app, development), outline(app, demo.template_id)) == before


def test_personnummer_in_guidance_is_refused_cleared_and_not_stored(app, client, chair, demo):
    before = outline(app, demo.template_id)
    response = client.post(
        f"{template_url(demo)}/items",
        data=new_item(title="Klientfall", guidance=f"Gäller {PERSONNUMMER}, se journal."),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert DEFAULT_MESSAGE in field_error(response.text, "new-guidance")
    assert PERSONNUMMER not in response.text
    assert outline(app, demo.template_id) == before


# -- one item: row, inline edit, save -------------------------------------------------------


@pytest.mark.parametrize("action", ["", "edit"])
def test_item_endpoints_answer_page_fragment_or_page(client, chair, demo, action):
    url = item_url(demo, demo.template_item_id, action)
    plain = client.get(url)
    fragment = client.get(url, headers=HTMX)
    boosted = client.get(url, headers=BOOSTED)
    for response in (plain, fragment, boosted):
        assert response.status_code == 200
        assert "HX-Request" in response.headers["Vary"]
    for page in (plain, boosted):
        assert "<html" in page.text
        assert f'id="template-item-{demo.template_item_id}"' in page.text
        assert 'id="template-items"' in page.text  # the whole template, item in place
    assert "<html" not in fragment.text and "<h1>" not in fragment.text
    assert root_id(fragment.text) == f"template-item-{demo.template_item_id}"


def test_edit_fragment_is_the_form_filled_with_the_items_values(client, chair, demo):
    id_ = demo.template_item_id
    html = client.get(item_url(demo, id_, "edit"), headers=HTMX).text
    assert f'hx-post="{item_url(demo, id_)}"' in html
    assert re.search(rf'id="item-{id_}-title"[^>]*value="Formalia"', html)
    assert re.search(rf'id="item-{id_}-minutes"[^>]*value="15"', html)
    assert '<option selected value="decision">Beslut</option>' in html
    assert re.search(rf'autofocus id="item-{id_}-title"', html)
    # Cancel works as a link without JavaScript and as an in-place swap with it.
    assert f'hx-get="{item_url(demo, id_)}"' in html


def test_row_fragment_of_a_sub_item_has_its_letter_number(app, client, chair, demo):
    id_ = item_id(app, demo.template_id, "Föregående mötesprotokoll")
    html = client.get(item_url(demo, id_), headers=HTMX).text
    assert numbers(html) == [("1c", "Föregående mötesprotokoll")]
    assert "Fylls i automatiskt: Föregående protokoll" in html
    assert "Lägg till underpunkt" not in html  # no sub-items under a sub-item


@pytest.mark.parametrize("which", ["unknown", "other template", "other group"])
def test_an_item_of_another_template_or_group_is_404(app, client, chair, demo, which):
    if which == "unknown":
        id_ = 999999
    elif which == "other template":
        id_ = item_id(app, other_template_id(app, demo.group_id), "Inledning")
    else:
        id_ = item_id(app, other_template_id(app, demo.other_group_id), "Inledning")
    before = stored_item(app, id_)
    assert client.get(item_url(demo, id_), headers=HTMX).status_code == 404
    assert client.get(item_url(demo, id_, "edit")).status_code == 404
    assert client.post(item_url(demo, id_), data=edited_item(id_, title="Kapad")).status_code == 404
    assert client.post(item_url(demo, id_, "move"), data={"direction": "down"}).status_code == 404
    assert client.post(item_url(demo, id_, "delete")).status_code == 404
    after = stored_item(app, id_)
    if before is None:
        assert after is None
    else:
        assert (after.title, after.position) == (before.title, before.position)


def test_update_item_via_htmx_returns_the_row_and_the_new_total(app, client, chair, demo):
    id_ = demo.template_item_id
    response = client.post(
        item_url(demo, id_),
        data=edited_item(
            id_, title="Inledning", minutes="30", item_type="information", standing_kind="previous_minutes"
        ),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert root_id(response.text) == f"template-item-{id_}"
    assert numbers(response.text) == [("1", "Inledning")]
    assert "30 min" in response.text and "Fylls i automatiskt: Föregående protokoll" in response.text
    assert f'name="item-{id_}-title"' not in response.text  # the row, not the form
    assert re.search(rf'hx-get="{item_url(demo, id_, "edit")}"[^>]*autofocus', response.text)
    total = re.search(
        r'<div class="agenda-total agenda-total--over" id="template-total" hx-swap-oob="true">.*?</div>',
        response.text,
        re.DOTALL,
    )
    assert total and "135 av 120 minuter" in total.group(0)
    assert 'role="alert">Varning: punkterna tar 15 minuter mer än mötet.' in total.group(0)
    saved = stored_item(app, id_)
    assert (saved.title, saved.minutes, saved.item_type, saved.standing_kind) == (
        "Inledning",
        30,
        "information",
        "previous_minutes",
    )


def test_update_item_without_htmx_redirects_to_the_row(app, client, chair, demo):
    id_ = demo.template_item_id
    for headers, title in (({}, "Inledning"), (BOOSTED, "Formalia och inledning")):
        response = client.post(item_url(demo, id_), data=edited_item(id_, title=title), headers=headers)
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"{template_url(demo)}#template-item-{id_}")
        assert f"Punkten ”{title}” är sparad." in client.get(response.headers["Location"]).text
        assert stored_item(app, id_).title == title


def test_a_sub_items_time_box_may_be_cleared(app, client, chair, demo):
    id_ = item_id(app, demo.template_id, "Mötets öppnande")
    client.post(
        item_url(demo, id_), data=edited_item(id_, title="Mötets öppnande", minutes="5"), headers=HTMX
    )
    assert stored_item(app, id_).minutes == 5
    response = client.post(
        item_url(demo, id_), data=edited_item(id_, title="Mötets öppnande", minutes=""), headers=HTMX
    )
    assert "Ingen egen tid" in response.text
    assert stored_item(app, id_).minutes is None


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"title": ""}, "title", "Ange en rubrik."),
        ({"minutes": ""}, "minutes", "Ange tiden i minuter."),
        ({"minutes": "0"}, "minutes", "Tiden ska vara minst 1 minut."),
        ({"minutes": "500"}, "minutes", "Tiden kan inte vara längre än mötet (120 minuter)."),
        ({"minutes": "1,5"}, "minutes", "Skriv tiden som ett heltal"),
        ({"guidance": f"Ring {PERSONNUMMER}"}, "guidance", DEFAULT_MESSAGE),
    ],
)
def test_bad_inline_edit_returns_the_form_with_the_message_and_saves_nothing(
    app, client, chair, demo, values, field, message
):
    id_ = demo.template_item_id
    data = edited_item(id_, **{"title": "Nytt namn", **values})
    response = client.post(item_url(demo, id_), data=data, headers=HTMX)
    assert response.status_code == 200
    assert root_id(response.text) == f"template-item-{id_}"
    assert message in field_error(response.text, f"item-{id_}-{field}")
    assert re.search(rf'autofocus id="item-{id_}-{field}"', response.text)  # focus on the field to fix
    assert PERSONNUMMER not in response.text
    if field != "title":
        assert 'value="Nytt namn"' in response.text
    saved = stored_item(app, id_)
    assert (saved.title, saved.minutes, saved.guidance) == ("Formalia", 15, None)

    full = client.post(item_url(demo, id_), data=data)
    assert full.status_code == 422
    assert "<html" in full.text and "Formuläret innehåller fel" in full.text
    assert message in field_error(full.text, f"item-{id_}-{field}")


# -- moving and deleting items --------------------------------------------------------------


def test_move_via_htmx_returns_the_renumbered_list_with_focus_on_the_same_button(app, client, chair, demo):
    id_ = demo.template_item_id
    response = client.post(item_url(demo, id_, "move"), data={"direction": "down"}, headers=HTMX)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert root_id(response.text) == "template-items"
    top = [(n, t) for n, t in numbers(response.text) if n.isdigit()]
    assert top[:2] == [("1", "Nytt från organisationerna"), ("2", "Formalia")]
    assert ("2a", "Mötets öppnande") in numbers(response.text)
    assert re.search(rf'id="move-down-{id_}"[^>]*autofocus', response.text)
    assert response.text.count("autofocus") == 1
    assert outline(app, demo.template_id)[1] == ("2", "Formalia", 15)


def test_move_without_htmx_redirects_to_the_row(app, client, chair, demo):
    id_ = item_id(app, demo.template_id, "Övrigt")
    for headers, expected in (({}, "4"), (BOOSTED, "3")):
        response = client.post(item_url(demo, id_, "move"), data={"direction": "up"}, headers=headers)
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"#template-item-{id_}")
        assert (expected, "Övrigt") in numbers(client.get(template_url(demo)).text)


@pytest.mark.parametrize(
    ("title", "direction", "message"),
    [
        ("Formalia", "up", "Punkten står redan först."),
        ("Övrigt", "down", "Punkten står redan sist."),
        ("Prioriterade frågor", "down", "Punkten står redan sist."),
        ("Övrigt", "sideways", "Ange upp eller ned."),
        ("Övrigt", "", "Ange upp eller ned."),
    ],
)
def test_a_move_that_cannot_be_made_says_why_and_changes_nothing(
    app, client, chair, demo, title, direction, message
):
    id_ = item_id(app, demo.template_id, title)
    before = outline(app, demo.template_id)
    response = client.post(item_url(demo, id_, "move"), data={"direction": direction}, headers=HTMX)
    assert response.status_code == 200
    assert root_id(response.text) == "template-items"
    assert f'<p class="field__error agenda-item__error" role="alert">{message}</p>' in response.text
    if direction in ("up", "down"):
        assert re.search(rf'id="move-{direction}-{id_}"[^>]*autofocus', response.text)
    assert outline(app, demo.template_id) == before

    full = client.post(item_url(demo, id_, "move"), data={"direction": direction})
    assert full.status_code == 422
    assert "<html" in full.text and message in full.text
    assert outline(app, demo.template_id) == before


def test_delete_item_via_htmx_returns_the_list_without_it_and_its_sub_items(app, client, chair, demo):
    id_ = item_id(app, demo.template_id, "Klientrapportering")
    html = client.get(template_url(demo)).text
    assert 'hx-confirm="Ta bort punkten ”Klientrapportering” och dess underpunkter?"' in html
    before = count(app, TemplateItem)

    response = client.post(item_url(demo, id_, "delete"), headers=HTMX)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert root_id(response.text) == "template-items"
    assert "Klientrapportering" not in [t for _, t in numbers(response.text)]
    assert "Statistik" not in response.text
    assert [(n, t) for n, t in numbers(response.text) if n.isdigit()][2:] == [
        ("3", "Systemfrågor"),
        ("4", "Övrigt"),
    ]
    assert "Planerad tid: <strong>90 av 120 minuter</strong> (30 minuter kvar)" in response.text
    assert re.search(
        r'role="status" tabindex="-1" autofocus>Punkten ”Klientrapportering” är borttagen.', response.text
    )
    assert count(app, TemplateItem) == before - 4


def test_delete_item_without_htmx_redirects_to_the_template(app, client, chair, demo):
    for headers, title in (({}, "Övrigt"), (BOOSTED, "Systemfrågor")):
        id_ = item_id(app, demo.template_id, title)
        response = client.post(item_url(demo, id_, "delete"), headers=headers)
        assert response.status_code == 303
        assert response.headers["Location"].endswith(template_url(demo))
        assert f"Punkten ”{title}” är borttagen." in client.get(response.headers["Location"]).text
        assert stored_item(app, id_) is None


def test_the_total_warning_appears_and_goes_with_the_list(app, client, chair, demo):
    response = client.post(
        f"{template_url(demo)}/items", data=new_item(title="Fika", minutes="20"), headers=HTMX
    )
    assert 'class="agenda-total agenda-total--over"' in response.text
    assert "punkterna tar 20 minuter mer än mötet" in client.get(template_url(demo)).text
    fika = item_id(app, demo.template_id, "Fika")
    response = client.post(item_url(demo, fika, "delete"), headers=HTMX)
    assert "agenda-total--over" not in response.text and 'role="alert"' not in response.text
    assert "120 av 120 minuter" in response.text
