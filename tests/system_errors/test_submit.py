"""HTTP tests of the guided systemfel form: submitting, drafts, validation, the categories of a
level and the look-alike suggestions shown while a report is typed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from po_meetings import permissions
from po_meetings.extensions import db
from po_meetings.models import Category, Level, SystemErrorReport
from po_meetings.personnummer import DEFAULT_MESSAGE
from po_meetings.system_errors import demo as se_demo

HTMX = {"HX-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
PERSONNUMMER = "19121212-1212"
FREE_TEXT_FIELDS = (
    "title",
    "description",
    "causes",
    "consequences",
    "who_can_fix",
    "proposal",
    "system_view",
)


def base(demo, group_id: int | None = None) -> str:
    """Return the URL of the group's register."""
    return f"/groups/{group_id or demo.group_id}/system-errors"


def root_id(html: str) -> str | None:
    """Return the id of a fragment's first element."""
    match = re.match(r"\s*<\w+[^>]*?\sid=\"([^\"]+)\"", html)
    return match.group(1) if match else None


def answers(demo, **overrides) -> dict:
    """Return a complete answer to every question of the form."""
    values = {
        "title": "Ingen tolk vid utskrivningssamtal",
        "description": "Vid tre utskrivningssamtal i mars saknades tolk trots att det bokats.",
        "causes": "Tolkbokningen görs av avdelningen men avbokas automatiskt vid flytt.",
        "consequences": "Klienterna förstod inte sina läkemedel och kom tillbaka inom en vecka.",
        "fixer_organisation_id": str(demo.organisations["Region Mellanland, psykiatrin"]),
        "who_can_fix": "Vårdenhetschefen",
        "proposal": "Tolkbokningen följer med klienten vid flytt.",
        "system_view": "Klienten bemöttes inte med respekt: behovet av tolk var känt.",
        "affected_organisation_ids": [
            str(demo.organisations["Region Mellanland, psykiatrin"]),
            str(demo.organisations["Mellanå kommun, socialtjänsten"]),
        ],
        "level": "caseworker",
        "category": "treatment",
        "client_count": "3",
        "action": "submit",
    }
    values.update(overrides)
    return values


def report_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SystemErrorReport))


def find(app, title: str) -> SystemErrorReport | None:
    """Return a report by title with what the tests look at loaded."""
    with app.app_context():
        report = db.session.scalar(select(SystemErrorReport).where(SystemErrorReport.title == title))
        if report is not None:
            report.affected_organisations  # noqa: B018 - load before the session closes
            report.fixer_organisation  # noqa: B018
            db.session.expunge(report)
        return report


# -- the form ------------------------------------------------------------------------------------


def test_the_form_asks_every_question_of_the_routine(client, auth, demo):
    auth.login_as(permissions.OMBUD)
    response = client.get(f"{base(demo)}/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for name in (*FREE_TEXT_FIELDS, "level", "category", "client_count", "fixer_organisation_id"):
        assert f'name="{name}"' in html, name
    assert 'name="affected_organisation_ids" type="checkbox"' in html or 'type="checkbox"' in html
    assert "konkret: tid, plats och händelse" in html.lower()
    assert "tillgodosågs" in html
    assert ">Spara utkast<" in html and ">Skicka in<" in html
    # Without JavaScript every category is offered, grouped by its level.
    assert '<optgroup label="Handläggarnivå">' in html and '<optgroup label="Central nivå">' in html
    # The htmx hooks sit on real form fields.
    assert f'hx-get="{base(demo)}/categories"' in html
    assert f'hx-get="{base(demo)}/similar"' in html and "delay:500ms" in html


def test_an_ombud_submits_a_report_with_every_field(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    response = client.post(f"{base(demo)}/new", data=answers(demo))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{base(demo)}/mine")
    report = find(app, "Ingen tolk vid utskrivningssamtal")
    assert report.status == "submitted"
    assert re.fullmatch(r"SF-\d{4}-\d{3}", report.number)
    assert report.causes.startswith("Tolkbokningen") and report.proposal.startswith("Tolkbokningen följer")
    assert report.who_can_fix == "Vårdenhetschefen" and report.client_count == 3
    assert report.fixer_organisation.name == "Region Mellanland, psykiatrin"
    assert {o.name for o in report.affected_organisations} == {
        "Region Mellanland, psykiatrin",
        "Mellanå kommun, socialtjänsten",
    }
    assert (report.level, report.category) == ("caseworker", "treatment")
    assert report.reporter_id == demo.users["ombud@demo.se"]
    mine = client.get(response.headers["Location"]).get_data(as_text=True)
    assert report.number in mine and "Inskickad" in mine


def test_numbers_follow_each_other_within_the_group_and_year(app, client, auth, demo):
    auth.login_as(permissions.MEMBER)
    client.post(f"{base(demo)}/new", data=answers(demo, title="Första"))
    client.post(f"{base(demo)}/new", data=answers(demo, title="Andra"))
    first, second = find(app, "Första"), find(app, "Andra")
    assert first.number_year == second.number_year
    assert second.number_seq == first.number_seq + 1


def test_an_empty_title_is_refused_and_nothing_is_stored(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    before = report_count(app)
    response = client.post(f"{base(demo)}/new", data=answers(demo, title=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ange en kort rubrik." in html
    assert "Vid tre utskrivningssamtal i mars" in html  # what was typed is kept
    assert report_count(app) == before


def test_a_category_of_another_level_is_refused(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    before = report_count(app)
    response = client.post(f"{base(demo)}/new", data=answers(demo, level="central", category="treatment"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Kategorin bemötande hör inte till central nivå." in html
    assert report_count(app) == before


@pytest.mark.parametrize("field", FREE_TEXT_FIELDS)
def test_a_personnummer_in_any_free_text_field_is_refused_and_not_echoed(app, client, auth, demo, field):
    auth.login_as(permissions.OMBUD)
    before = report_count(app)
    typed = f"Gäller klient {PERSONNUMMER} i mars"
    response = client.post(f"{base(demo)}/new", data=answers(demo, **{field: typed}))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert DEFAULT_MESSAGE in html
    assert PERSONNUMMER not in html and "Gäller klient" not in html
    assert report_count(app) == before


def test_a_bad_client_count_and_an_unknown_organisation_are_refused(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    before = report_count(app)
    response = client.post(
        f"{base(demo)}/new", data=answers(demo, client_count="-1", fixer_organisation_id="999999")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ange ett heltal från 0 till 100 000." in html
    assert "Inte ett giltigt val" in html
    assert report_count(app) == before


def test_submitting_needs_the_routines_answers_but_a_draft_does_not(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    sparse = answers(demo, description="", causes="", consequences="", system_view="", title="Halvfärdig")
    response = client.post(f"{base(demo)}/new", data=sparse)
    assert response.status_code == 422
    assert "Fyll i fältet innan du skickar in rapporten." in response.get_data(as_text=True)
    assert find(app, "Halvfärdig") is None

    response = client.post(f"{base(demo)}/new", data={**sparse, "action": "draft"})
    assert response.status_code == 303
    draft = find(app, "Halvfärdig")
    assert draft.status == "draft" and draft.number is None
    assert response.headers["Location"].endswith(f"{base(demo)}/U-{draft.id}/edit")


def test_a_draft_is_saved_and_submitted_later(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    client.post(f"{base(demo)}/new", data=answers(demo, title="Utkast om tolk", action="draft"))
    draft = find(app, "Utkast om tolk")
    assert draft.status == "draft" and draft.number is None
    edit_url = f"{base(demo)}/U-{draft.id}/edit"

    # Only its author sees the draft.
    html = client.get(edit_url).get_data(as_text=True)
    assert "Vid tre utskrivningssamtal i mars" in html and 'value="Utkast om tolk"' in html
    assert "Utkast om tolk" not in client.get(base(demo)).get_data(as_text=True)
    assert "Utkast om tolk" in client.get(f"{base(demo)}/mine").get_data(as_text=True)
    auth.logout()
    auth.login_as(permissions.CHAIR)
    assert client.get(edit_url).status_code == 404
    assert client.post(edit_url, data=answers(demo)).status_code == 404
    auth.logout()

    auth.login_as(permissions.OMBUD)
    response = client.post(edit_url, data=answers(demo, title="Utkast om tolk", causes="Ny analys."))
    assert response.status_code == 303
    report = find(app, "Utkast om tolk")
    assert report.id == draft.id and report.status == "submitted" and report.number
    assert report.causes == "Ny analys."
    # A submitted report is no longer edited through the draft form.
    response = client.get(f"{base(demo)}/{report.number}/edit")
    assert response.status_code == 303 and response.headers["Location"].endswith(
        f"{base(demo)}/{report.number}"
    )


def test_the_draft_form_shows_errors_and_keeps_the_draft(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    response = client.post(
        f"{base(demo)}/{demo.draft_number}/edit", data=answers(demo, title="", action="draft")
    )
    assert response.status_code == 422
    assert "Ange en kort rubrik." in response.get_data(as_text=True)
    with app.app_context():
        draft = db.session.get(SystemErrorReport, int(demo.draft_number[2:]))
        assert draft.title == se_demo.DRAFT_TITLE


def test_another_groups_member_gets_404(client, auth, demo):
    auth.login_as(permissions.OTHER_GROUP)
    assert client.get(f"{base(demo)}/new").status_code == 404
    assert client.post(f"{base(demo)}/new", data=answers(demo)).status_code == 404
    assert client.get(f"{base(demo)}/similar?title=BankID").status_code == 404


def test_unknown_numbers_answer_404(client, auth, demo):
    auth.login_as(permissions.OMBUD)
    for number in ("SF-2020-999", "U-999999", "nonsense", "SF-x-y"):
        assert client.get(f"{base(demo)}/{number}/edit").status_code == 404


# -- categories of a level -----------------------------------------------------------------------


@pytest.mark.parametrize("level", list(Level))
def test_the_categories_fragment_offers_only_the_levels_categories(client, auth, demo, level):
    from po_meetings.models import TAXONOMY

    auth.login_as(permissions.OMBUD)
    response = client.get(f"{base(demo)}/categories?level={level.value}", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert root_id(html) == "category-field" and "<html" not in html
    offered = set(re.findall(r'<option[^>]*value="([^"]+)"', html))
    assert offered == {c.value for c in TAXONOMY[level]}
    assert "<optgroup" not in html


def test_the_categories_endpoint_three_ways(client, auth, demo):
    auth.login_as(permissions.OMBUD)
    url = f"{base(demo)}/categories?level=local&category=boundaries"
    plain = client.get(url)
    assert plain.status_code == 200 and "<html" in plain.get_data(as_text=True)
    assert "HX-Request" in plain.headers["Vary"]
    fragment = client.get(url, headers=HTMX).get_data(as_text=True)
    assert root_id(fragment) == "category-field"
    assert re.search(r'<option selected value="boundaries">|<option value="boundaries" selected', fragment)
    boosted = client.get(url, headers=BOOSTED).get_data(as_text=True)
    assert "<html" in boosted


def test_the_categories_endpoint_survives_odd_input(client, auth, demo):
    auth.login_as(permissions.OMBUD)
    for query in ("", "?level=", "?level=nonsense", "?level=central&category=treatment", "?level=%00%22"):
        response = client.get(f"{base(demo)}/categories{query}", headers=HTMX)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, query
        assert 'selected value="treatment"' not in html  # a category of another level is dropped
    # Without a level every category is offered, grouped by level.
    html = client.get(f"{base(demo)}/categories", headers=HTMX).get_data(as_text=True)
    assert len(re.findall(r'<option[^>]*value="[a-z_]+"', html)) == len(Category)


# -- similar reports -------------------------------------------------------------------------------


def similar(client, demo, headers=HTMX, **params):
    return client.get(f"{base(demo)}/similar", query_string=params, headers=headers)


def test_similar_reports_are_suggested_while_typing(client, auth, demo):
    auth.login_as(permissions.OMBUD2 if hasattr(permissions, "OMBUD2") else permissions.OMBUD)
    response = similar(client, demo, title="BankID krävs", description="för att skriva in sig")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert root_id(html) == "similar-reports" and "<html" not in html
    assert se_demo.ESCALATED_TITLE in html
    assert demo.report_number in html
    assert f"{base(demo)}/{demo.report_number}/occurrences/new" in html
    assert html.count('class="se-similar__item"') <= 5


def test_the_similar_endpoint_three_ways(client, auth, demo):
    auth.login_as(permissions.OMBUD)
    plain = similar(client, demo, headers={}, title="BankID")
    assert "<html" in plain.get_data(as_text=True) and se_demo.ESCALATED_TITLE in plain.get_data(as_text=True)
    assert "HX-Request" in plain.headers["Vary"]
    assert root_id(similar(client, demo, title="BankID").get_data(as_text=True)) == "similar-reports"
    assert "<html" in similar(client, demo, headers=BOOSTED, title="BankID").get_data(as_text=True)


def test_similar_suggestions_respect_confidentiality(client, auth, demo):
    words = se_demo.CONFIDENTIAL_TITLE
    auth.login_as(permissions.OMBUD)
    assert se_demo.CONFIDENTIAL_TITLE not in similar(client, demo, title=words).get_data(as_text=True)
    auth.logout()
    auth.login_as(permissions.CO_OPTED)
    assert se_demo.CONFIDENTIAL_TITLE not in similar(client, demo, title=words).get_data(as_text=True)
    auth.logout()
    auth.login_as(permissions.MEMBER)
    assert se_demo.CONFIDENTIAL_TITLE in similar(client, demo, title=words).get_data(as_text=True)


def test_drafts_are_never_suggested(client, auth, demo):
    auth.login_as(permissions.OMBUD)  # the author of the demo draft
    html = similar(client, demo, title=se_demo.DRAFT_TITLE).get_data(as_text=True)
    assert demo.draft_number not in html
    assert se_demo.DRAFT_TITLE not in html


def test_a_personnummer_gives_no_suggestions_and_is_not_logged(client, auth, demo, caplog):
    auth.login_as(permissions.OMBUD)
    response = similar(client, demo, title=f"BankID {PERSONNUMMER}", description="Arbetsförmedlingen")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert se_demo.ESCALATED_TITLE not in html and PERSONNUMMER not in html
    assert "personnummer" in html
    assert PERSONNUMMER not in caplog.text


@pytest.mark.parametrize(
    "title",
    ["", "   ", "a b c", '"NEAR(*', "x" * 10_000, "ÅÄÖ åäö ’”", "AND OR NOT", "(((", "%_\\"],
)
def test_odd_input_gives_an_empty_answer_not_an_error(client, auth, demo, title):
    auth.login_as(permissions.OMBUD)
    response = similar(client, demo, title=title, description=title[:50])
    assert response.status_code == 200
    assert root_id(response.get_data(as_text=True)) == "similar-reports"


def test_no_match_shows_an_empty_state(client, auth, demo):
    auth.login_as(permissions.OMBUD)
    html = similar(client, demo, title="Zyxwvutsr qwertyuiop").get_data(as_text=True)
    assert "Inga liknande rapporter hittades." in html
