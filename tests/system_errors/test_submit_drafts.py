"""HTTP tests of the guided form's traps (issue 14): a draft needs only a title, "Lägg till en
förekomst" of a look-alike report keeps what was typed, the look-alikes are strong matches only
and can be skipped, and the forms cannot be sent twice by a second Enter (hx-disabled-elt)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from po_meetings import permissions
from po_meetings.extensions import db
from po_meetings.models import Group, Occurrence, SystemErrorReport, User
from po_meetings.personnummer import DEFAULT_MESSAGE
from po_meetings.system_errors import demo as se_demo
from po_meetings.system_errors import services
from po_meetings.system_errors.submit_routes import TITLE_TO_KEEP

from .test_submit import answers, base, find, report_count, root_id

HTMX = {"HX-Request": "true"}
PERSONNUMMER = "19121212-1212"


def occurrences_of(app, number: str) -> list[Occurrence]:
    """Return the occurrences of a report, detached."""
    with app.app_context():
        year, seq = (int(part) for part in number.split("-")[1:])
        rows = db.session.scalars(
            select(Occurrence)
            .join(SystemErrorReport)
            .where(SystemErrorReport.number_year == year, SystemErrorReport.number_seq == seq)
        ).all()
        db.session.expunge_all()
        return rows


def field_error(html: str, field: str) -> str | None:
    """Return the message shown beside a field of the guided form."""
    match = re.search(rf'<p class="field__error" id="{field}-error">([^<]*)</p>', html)
    return match.group(1) if match else None


# -- a draft needs only a title --------------------------------------------------------------------


def test_a_draft_with_only_a_title_is_saved(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    response = client.post(f"{base(demo)}/new", data={"title": "Bara en rubrik", "action": "draft"})
    assert response.status_code == 303
    draft = find(app, "Bara en rubrik")
    assert draft.status == "draft" and (draft.level, draft.category) == ("", "")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and 'value="Bara en rubrik"' in page.get_data(as_text=True)
    # The draft's own page and "Mina rapporter" show it without a level.
    shown = client.get(f"{base(demo)}/U-{draft.id}").get_data(as_text=True)
    assert "Ej vald" in shown
    assert "Bara en rubrik" in client.get(f"{base(demo)}/mine").get_data(as_text=True)
    listed = client.get(base(demo), query_string={"status": "draft"}).get_data(as_text=True)
    assert "Bara en rubrik" in listed
    export = client.get(f"{base(demo)}/export.csv", query_string={"status": "draft"})
    assert export.status_code == 200 and "Bara en rubrik" in export.get_data(as_text=True)


def test_a_draft_keeps_a_level_without_a_category_and_refuses_an_unknown_one(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    data = {"title": "Halv klassning", "action": "draft", "level": "local"}
    assert client.post(f"{base(demo)}/new", data=data).status_code == 303
    assert (find(app, "Halv klassning").level, find(app, "Halv klassning").category) == ("local", "")
    before = report_count(app)
    response = client.post(f"{base(demo)}/new", data={**data, "title": "Fel", "level": "nonsense"})
    assert response.status_code == 422 and report_count(app) == before


def test_submitting_without_level_and_category_says_which_field(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    before = report_count(app)
    response = client.post(f"{base(demo)}/new", data=answers(demo, level="", category=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and report_count(app) == before
    assert field_error(html, "level") == "Välj en nivå innan du skickar in rapporten."
    assert field_error(html, "category") == "Välj en kategori innan du skickar in rapporten."
    assert field_error(html, "title") is None
    # The same draft, saved, is submitted once the choices are made.
    client.post(f"{base(demo)}/new", data=answers(demo, level="", category="", action="draft"))
    draft = find(app, "Ingen tolk vid utskrivningssamtal")
    edit = f"{base(demo)}/U-{draft.id}/edit"
    response = client.post(edit, data=answers(demo, category=""))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "category")
    assert client.post(edit, data=answers(demo)).status_code == 303
    assert find(app, "Ingen tolk vid utskrivningssamtal").status == "submitted"


def test_the_service_submits_nothing_without_level_and_category(app_ctx, demo):
    from po_meetings.domain import DomainError

    group = db.session.get(Group, demo.group_id)
    user = db.session.get(User, demo.users["ombud@demo.se"])
    draft = services.save_report(group, user, {"title": "Bara rubrik"})
    assert draft.status == "draft" and draft.level == "" and draft.level_label == "Ej vald"
    texts = {k: "Text." for k in ("description", "causes", "consequences", "system_view")}
    with pytest.raises(DomainError, match="Välj en nivå"):
        services.save_report(group, user, {"title": "Bara rubrik", **texts}, report=draft, submit=True)
    with pytest.raises(DomainError, match="hör inte till"):
        services.save_report(group, user, {"title": "X", "level": "central", "category": "treatment"})


# -- "Lägg till en förekomst" from the form keeps what was typed ----------------------------------


def test_going_on_to_an_occurrence_keeps_the_draft_and_takes_the_description_along(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    number = demo.report_number
    earlier = [o.id for o in occurrences_of(app, number)]
    typed = answers(demo, title="BankID igen", action=f"occurrence:{number}", level="", category="")
    response = client.post(f"{base(demo)}/new", data=typed)
    assert response.status_code == 303
    draft = find(app, "BankID igen")
    assert draft.status == "draft" and draft.causes == typed["causes"]  # everything typed is kept
    location = response.headers["Location"]
    assert location.endswith(f"{base(demo)}/{number}/occurrences/new?draft=U-{draft.id}")
    page = client.get(location).get_data(as_text=True)
    # The description is the note, editable; the page links back to the draft.
    assert re.search(r'<textarea[^>]*name="note"[^>]*>\s*Vid tre utskrivningssamtal i mars', page)
    assert f"{base(demo)}/U-{draft.id}/edit" in page and "Mina rapporter" in page
    assert [o.id for o in occurrences_of(app, number)] == earlier  # nothing added until it is sent
    # The ombud shortens the note and adds the occurrence; the draft is still hers.
    action = re.search(r'<form id="occurrence-form" method="post" action="([^"]+)"', page).group(1)
    response = client.post(
        action.replace("&amp;", "&"),
        data={"occurred_on": date.today().isoformat(), "note": "Samma sak i maj."},
    )
    assert response.status_code == 303
    added = [o.note for o in occurrences_of(app, number) if o.id not in earlier]
    assert added == ["Samma sak i maj."]
    assert find(app, "BankID igen").status == "draft"


def test_going_on_from_a_draft_saves_the_draft_first(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    edit = f"{base(demo)}/{demo.draft_number}/edit"
    data = {
        "title": se_demo.DRAFT_TITLE,
        "description": "Ny text.",
        "action": f"occurrence:{demo.report_number}",
    }
    response = client.post(edit, data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"?draft={demo.draft_number}")
    assert find(app, se_demo.DRAFT_TITLE).description == "Ny text."


def test_without_a_title_the_typed_text_comes_back_and_nothing_is_saved(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    before = report_count(app)
    data = {"title": "", "description": "Krav på BankID igen.", "action": f"occurrence:{demo.report_number}"}
    response = client.post(f"{base(demo)}/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and report_count(app) == before
    assert field_error(html, "title") == TITLE_TO_KEEP
    assert "Krav på BankID igen." in html
    # Nothing typed at all: straight on to the occurrence.
    response = client.post(f"{base(demo)}/new", data={"action": f"occurrence:{demo.report_number}"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{base(demo)}/{demo.report_number}/occurrences/new")
    assert report_count(app) == before


def test_a_personnummer_in_the_description_is_refused_before_it_goes_anywhere(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    before = report_count(app)
    data = answers(demo, description=f"Gäller {PERSONNUMMER}.", action=f"occurrence:{demo.report_number}")
    response = client.post(f"{base(demo)}/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and DEFAULT_MESSAGE in html and PERSONNUMMER not in html
    assert report_count(app) == before


@pytest.mark.parametrize("target", ["draft", "confidential", "unknown"])
def test_an_occurrence_of_a_report_one_may_not_see_is_404_and_saves_nothing(app, client, auth, demo, target):
    auth.login_as(permissions.OMBUD)
    number = {
        "draft": demo.draft_number,
        "confidential": demo.confidential_report_number,
        "unknown": "SF-2020-999",
    }[target]
    before = report_count(app)
    response = client.post(f"{base(demo)}/new", data=answers(demo, action=f"occurrence:{number}"))
    assert response.status_code == 404 and report_count(app) == before


def test_someone_elses_draft_is_not_prefilled(app, client, auth, demo):
    auth.login_as(permissions.MEMBER)
    url = f"{base(demo)}/{demo.report_number}/occurrences/new?draft={demo.draft_number}"
    html = client.get(url).get_data(as_text=True)
    assert "Vårdcentralen bokar inte tolk" not in html and se_demo.DRAFT_TITLE not in html


def test_with_htmx_a_refusal_swaps_the_form_and_a_save_loads_the_next_page(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    response = client.post(f"{base(demo)}/new", data=answers(demo, title=""), headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and root_id(html) == "report-form" and "<html" not in html
    assert "Ange en kort rubrik." in html and 'class="error-summary"' in html
    response = client.post(f"{base(demo)}/new", data=answers(demo, action="draft"), headers=HTMX)
    draft = find(app, "Ingen tolk vid utskrivningssamtal")
    assert response.headers["HX-Redirect"].endswith(f"{base(demo)}/U-{draft.id}/edit")
    data = answers(demo, action=f"occurrence:{demo.report_number}")
    response = client.post(f"{base(demo)}/U-{draft.id}/edit", data=data, headers=HTMX)
    assert response.headers["HX-Redirect"].endswith(f"/occurrences/new?draft=U-{draft.id}")


# -- the look-alike reports ------------------------------------------------------------------------


def _look_alikes(app, demo, count: int) -> list[str]:
    """Submit ``count`` reports about one error as another ombud; return their numbers."""
    with app.app_context():
        group = db.session.get(Group, demo.group_id)
        user = db.session.get(User, demo.users["ombud2@demo.se"])
        numbers = []
        for n in range(count):
            values = {
                "title": f"Färdtjänsten nekar ledsagare {n}",
                "description": "Färdtjänsten nekar ledsagare till resor för klienter med ångest.",
                "causes": "Regelverket.",
                "consequences": "Klienten stannar hemma.",
                "system_view": "Behoven tillgodosågs inte.",
                "level": "local",
                "category": "governance",
            }
            numbers.append(services.save_report(group, user, values, submit=True).number)
        db.session.commit()
        return numbers


def _items(html: str) -> list[str]:
    return re.findall(r'class="se-row__number">(SF-\d{4}-\d{3})<', html)


def test_only_strong_matches_are_suggested_three_at_first(app, client, auth, demo):
    strong = _look_alikes(app, demo, 5)
    auth.login_as(permissions.OMBUD)
    query = {"title": "Färdtjänsten nekar ledsagare", "description": "vid resor med ångest", "within": "form"}
    html = client.get(f"{base(demo)}/similar", query_string=query, headers=HTMX).get_data(as_text=True)
    shown, more = html.split("<details", 1)
    assert len(_items(shown)) == 3 and set(_items(html)) == set(strong)
    assert "Visa fler liknande rapporter (2)" in more
    # A report that shares only one common word ("klienter") of four is not suggested.
    weak = client.get(
        f"{base(demo)}/similar", query_string={"title": "Klienter väntar länge på bostad"}, headers=HTMX
    ).get_data(as_text=True)
    assert not set(_items(weak)) & set(strong)


def test_the_suggestions_can_be_skipped_and_add_occurrences_through_the_form(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    query = {"title": "BankID krävs", "description": "för att skriva in sig", "within": "form"}
    html = client.get(f"{base(demo)}/similar", query_string=query, headers=HTMX).get_data(as_text=True)
    assert '<a class="se-similar__skip" href="#causes">Hoppa över liknande rapporter</a>' in html
    assert f'name="action" value="occurrence:{demo.report_number}"' in html
    assert f"/{demo.report_number}/occurrences/new" not in html  # a button of the form, not a link away
    # Outside the form (the standalone page) it stays a link, and there is nothing to skip to.
    del query["within"]
    html = client.get(f"{base(demo)}/similar", query_string=query, headers=HTMX).get_data(as_text=True)
    assert f"/{demo.report_number}/occurrences/new" in html and "Hoppa över" not in html


def test_the_form_asks_for_suggestions_within_itself_and_enter_still_submits(client, auth, demo):
    auth.login_as(permissions.OMBUD)
    html = client.get(f"{base(demo)}/new").get_data(as_text=True)
    assert 'hx-vals="{&#34;within&#34;: &#34;form&#34;}"' in html or '"within": "form"' in html
    form = html[html.index('<form id="report-form"') :]
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert 'value="submit"' in first_button  # Enter in a text field submits, as before


def test_a_draft_shows_its_look_alikes_at_once(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    typed = answers(
        demo,
        title="Krav på BankID vid inskrivning",
        description="Arbetsförmedlingen kräver BankID.",
        action="draft",
    )
    client.post(f"{base(demo)}/new", data=typed)
    draft = find(app, "Krav på BankID vid inskrivning")
    html = client.get(f"{base(demo)}/U-{draft.id}/edit").get_data(as_text=True)
    assert demo.report_number in html


# -- no second submission from the client -----------------------------------------------------------


def test_the_registers_create_forms_disable_their_buttons_while_sending(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    disabled = 'hx-disabled-elt="find button[type=submit]"'
    new = client.get(f"{base(demo)}/new").get_data(as_text=True)
    # Every submit button of the guided form (the first one is the hidden default for Enter).
    every = 'hx-disabled-elt="#report-form button[type=submit]"'
    assert re.search(rf'<form id="report-form"[^>]*{re.escape(every)}', new)
    occurrence = client.get(f"{base(demo)}/{demo.report_number}/occurrences/new").get_data(as_text=True)
    assert re.search(rf'<form id="occurrence-form"[^>]*{re.escape(disabled)}', occurrence)
    page = client.get(f"{base(demo)}/{demo.report_number}").get_data(as_text=True)
    for tail in ("/comments", "/escalations", f"/escalations/{demo.escalation_id}/reply"):
        form = re.search(rf'<form[^>]*action="[^"]*{re.escape(tail)}"[^>]*>', page)
        assert form and disabled in form.group(0), tail


def test_a_comment_sent_twice_from_the_report_page_is_saved_once(app, client, auth, demo):
    """The report page's forms carry the one-time token, so a second Enter saves nothing new."""
    auth.login_as(permissions.OMBUD)
    page = client.get(f"{base(demo)}/{demo.report_number}").get_data(as_text=True)
    form = re.search(r'<form[^>]*action="[^"]*/comments".*?</form>', page, re.S).group(0)
    token = re.search(r'name="form_token" value="([^"]+)"', form).group(1)
    data = {"text": "Samma sak i Norrby.", "form_token": token}
    first = client.post(f"{base(demo)}/{demo.report_number}/comments", data=data)
    second = client.post(f"{base(demo)}/{demo.report_number}/comments", data=data)
    assert first.status_code == second.status_code == 303
    shown = client.get(f"{base(demo)}/{demo.report_number}").get_data(as_text=True)
    assert shown.count("Samma sak i Norrby.") == 1


def test_with_htmx_a_refused_occurrence_swaps_its_form_and_a_saved_one_loads_the_report(
    app, client, auth, demo
):
    auth.login_as(permissions.OMBUD)
    url = f"{base(demo)}/{demo.report_number}/occurrences"
    response = client.post(url, data={"occurred_on": "31/12"}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and root_id(html) == "occurrence-form" and "ÅÅÅÅ-MM-DD" in html
    response = client.post(url, data={"occurred_on": date.today().isoformat()}, headers=HTMX)
    assert response.headers["HX-Redirect"].endswith(f"/{demo.report_number}#report-occurrences")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Occurrence)) >= 1
