"""Bad input is refused in one place, the same on SQLite and PostgreSQL, and never answers 500.

Ids beyond the database's integer range answer 404 (po_meetings.inputs); control characters and
bidi overrides in text are refused beside the field (po_meetings.forms.BaseForm), at flush
(po_meetings.audit) and in the path (po_meetings.inputs.check_request), which removes them from
the query string; dates outside 2000–2100 are refused beside the field.
"""

from __future__ import annotations

import re

import pytest
from flask import url_for
from sqlalchemy import func, select
from wtforms import DateTimeField, IntegerField, StringField

from po_meetings import permissions
from po_meetings.extensions import db
from po_meetings.forms import BaseForm, DateInRange, IntInRange, SafeText
from po_meetings.inputs import MAX_ID, UnsafeTextError
from po_meetings.models import AuditEvent, Group, Meeting, Organisation, SystemErrorReport

from .support.endpoints import url_args

HUGE_IDS = [str(MAX_ID + 1), str(2**63), "99999999999999999999", "9" * 5000]
UNSAFE = {
    "NUL": "\x00",
    "BEL": "\x07",
    "ESC": "\x1b",
    "DEL": "\x7f",
    "C1": "\x85",
    "RLO": "\u202e",
    "LRE": "\u202a",
    "RLI": "\u2067",
    "PDI": "\u2069",
}
UNSAFE_MESSAGE = "otillåtna tecken"
DATE_MESSAGE = "Ange ett datum mellan 2000-01-01 och 2100-12-31."


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def audit_count(app) -> int:
    return count(app, AuditEvent)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def without_tokens(html: str) -> str:
    """Return a page without its CSRF tokens (they carry the second they were made)."""
    return re.sub(r'(name="csrf_token" value|name="csrf-token" content)="[^"]*"', "", html)


def int_rules(app):
    """Return the app's rules that take an int in their path, with their int argument names."""
    rules = []
    for rule in app.url_map.iter_rules():
        names = [name for name, conv in rule._converters.items() if conv.__class__.__name__ == "IdConverter"]
        if names:
            rules.append((rule, names))
    return rules


# -- ids in the address ---------------------------------------------------------------------


def test_every_int_in_a_route_is_bounded_to_the_database_integer(app):
    rules = int_rules(app)
    assert len(rules) > 60
    for rule, _ in rules:
        assert all(c.__class__.__name__ != "IntegerConverter" for c in rule._converters.values()), rule


@pytest.mark.parametrize("huge", ["99999999999999999999", str(MAX_ID + 1), "9" * 5000, "00000000001"])
def test_a_huge_group_id_is_not_found_before_login(client, demo, huge):
    response = client.get(f"/groups/{huge}")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.text


MARK = 7654321  # stands in for the huge id in url_for, then replaced by it


def huge_id_urls(app, demo, huge: str) -> list[tuple[str, str, str]]:
    """Return (rule, method, url) with each int argument of each route, in turn, set to a huge id."""
    result = []
    with app.test_request_context():
        for rule, names in int_rules(app):
            for name in names:
                args = {**url_args(rule.endpoint, demo), name: MARK}
                url = url_for(rule.endpoint, **args).replace(f"/{MARK}", f"/{huge}")
                for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                    result.append((rule.rule, method, url))
    return result


@pytest.mark.parametrize(
    ("role", "huge"), [(permissions.CHAIR, str(MAX_ID + 1)), (permissions.ADMIN, str(2**64))]
)
def test_a_huge_id_in_any_route_is_not_found(app, client, auth, demo, role, huge):
    auth.login_as(role)
    before = audit_count(app)
    urls = huge_id_urls(app, demo, huge)
    assert len(urls) > 100
    for rule, method, url in urls:
        response = client.open(url, method=method)
        assert response.status_code == 404, (rule, method, response.status_code)
    assert audit_count(app) == before


@pytest.mark.parametrize(
    "number", ["SF-2026-99999999999", "SF-99999999999-1", "U-99999999999", "U-²", "SF-²-1", "SF-2026-٣", "U-"]
)
def test_a_report_number_beyond_the_integer_range_is_not_found(client, auth, demo, number):
    auth.login_as(permissions.CHAIR)
    base = f"/groups/{demo.group_id}/system-errors/{number}"
    for url in (base, f"{base}/edit", f"{base}/occurrences/new"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{base}/comments", data={"text": "Kommentar"}).status_code == 404


# -- integer query arguments ----------------------------------------------------------------


def list_urls(demo) -> dict[str, str]:
    """Return the paged lists and the role that sees each."""
    return {
        "/admin/users": permissions.ADMIN,
        f"/groups/{demo.group_id}/system-errors": permissions.CHAIR,
        f"/groups/{demo.group_id}/audit": permissions.CHAIR,
    }


@pytest.mark.parametrize("page", [str(MAX_ID + 1), str(2**63), "99999999999999999999", "0", "-1"])
def test_a_page_number_out_of_range_is_not_found(client, auth, demo, page):
    for url, role in list_urls(demo).items():
        auth.logout()
        auth.login_as(role)
        response = client.get(f"{url}?page={page}")
        assert response.status_code == 404, url
        assert "Sidan finns inte" in response.text


@pytest.mark.parametrize("page", ["", "abc", "1.5", "9" * 5000, str(MAX_ID)])
def test_a_page_that_is_not_a_number_or_beyond_the_last_shows_a_page(client, auth, demo, page):
    for url, role in list_urls(demo).items():
        auth.logout()
        auth.login_as(role)
        assert client.get(f"{url}?page={page}").status_code == 200, url


@pytest.mark.parametrize("object_id", [str(MAX_ID + 1), "99999999999999999999", "9" * 5000])
def test_an_audit_filter_by_a_huge_object_id_is_refused_beside_the_field(client, auth, demo, object_id):
    auth.login_as(permissions.CHAIR)
    response = client.get(f"/groups/{demo.group_id}/audit?object_type=membership&object_id={object_id}")
    assert response.status_code == 200
    text = text_of(response.text)
    assert "Talet är för stort." in text or "Inte ett giltigt heltal" in text  # 5000 digits: not a number


# -- control characters in the address --------------------------------------------------------


@pytest.mark.parametrize("name", ["NUL", "ESC", "RLO"])
def test_unsafe_characters_in_the_query_string_are_removed_before_the_view_reads_it(client, auth, demo, name):
    char = UNSAFE[name]
    auth.login_as(permissions.CHAIR)
    base = f"/groups/{demo.group_id}/system-errors"
    for url, odd, plain in (
        (base, {"q": f"tolk{char}"}, {"q": "tolk"}),
        (f"{base}/similar", {"title": f"tolk{char} saknas"}, {"title": "tolk saknas"}),
        (f"{base}/categories", {"level": f"central{char}"}, {"level": "central"}),
    ):
        response = client.get(url, query_string=odd)
        assert response.status_code == 200, url
        assert char not in response.text
        plain_text = client.get(url, query_string=plain).text
        assert without_tokens(response.text) == without_tokens(plain_text), url  # as if typed without it


def test_a_nul_in_next_is_not_echoed(client, demo):
    response = client.get("/login", query_string={"next": "/groups\x00\u202e"})
    assert response.status_code == 200
    assert "\x00" not in response.text and "\u202e" not in response.text


def test_a_control_character_in_the_path_is_refused(client, auth, demo):
    assert client.get(f"/groups/{demo.group_id}/system-errors/SF%00").status_code == 400
    auth.login_as(permissions.CHAIR)
    response = client.get(f"/groups/{demo.group_id}/system-errors/SF-2026-1%E2%80%AE")
    assert response.status_code == 400
    assert UNSAFE_MESSAGE in response.text
    assert client.get("/calendar/abc%00.ics").status_code == 400


def test_a_control_character_in_a_posted_field_name_is_refused(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    before = audit_count(app)
    response = client.post(f"/groups/{demo.group_id}/settings", data={"mandate\x00": "x"})
    assert response.status_code == 400
    assert audit_count(app) == before


# -- control characters and bidi overrides in text -------------------------------------------


def report_answers(demo, **overrides) -> dict:
    values = {
        "title": "Ingen tolk vid utskrivningssamtal",
        "description": "Vid tre utskrivningssamtal saknades tolk.",
        "causes": "Tolkbokningen avbokas vid flytt.",
        "consequences": "Klienterna förstod inte sina läkemedel.",
        "fixer_organisation_id": "",
        "who_can_fix": "",
        "proposal": "",
        "system_view": "Behovet av tolk var känt.",
        "level": "caseworker",
        "category": "treatment",
        "client_count": "",
        "action": "submit",
    }
    values.update(overrides)
    return values


def report_titles(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(SystemErrorReport.title)))


@pytest.mark.parametrize("name", list(UNSAFE))
def test_unsafe_characters_in_a_report_are_refused_beside_the_field_and_nothing_is_stored(
    app, client, auth, demo, name
):
    char = UNSAFE[name]
    auth.login_as(permissions.OMBUD)
    before, audit_before = count(app, SystemErrorReport), audit_count(app)
    response = client.post(
        f"/groups/{demo.group_id}/system-errors/new",
        data=report_answers(demo, title=f"Tolk{char} saknas", description=f"Rad ett{char}\r\nRad två"),
    )
    assert response.status_code == 422
    assert UNSAFE_MESSAGE in response.text
    assert char not in response.text
    assert "Tolk saknas" in response.text  # the title comes back without the invisible character
    assert count(app, SystemErrorReport) == before
    assert audit_count(app) == audit_before


def test_newlines_tabs_and_direction_marks_are_kept(app, client, auth, demo):
    auth.login_as(permissions.OMBUD)
    title = "Tolk saknas \u200f(\u05e2\u05d1\u05e8\u05d9\u05ea)\u200e\tvid samtal"
    response = client.post(
        f"/groups/{demo.group_id}/system-errors/new",
        data=report_answers(demo, title=title, description="Rad ett\r\nRad två\tmed tabb"),
    )
    assert response.status_code == 303
    assert title in report_titles(app)


def test_a_right_to_left_override_in_a_group_name_is_refused(app, client, auth, demo):
    auth.login_as(permissions.ADMIN)
    before = count(app, Group)
    response = client.post(
        "/admin/groups",
        data={
            "name": "Ledningsgruppen i \u202eybtsäV",
            "municipalities": "Västby",
            "default_meeting_minutes": "120",
            "chair_email": "ordforande.norrsjo@demo.se",
        },
    )
    assert response.status_code == 422
    assert UNSAFE_MESSAGE in response.text
    assert "\u202e" not in response.text
    assert count(app, Group) == before


def test_a_nul_in_the_login_email_is_refused_not_an_error(app, client, demo):
    response = client.post("/login", data={"email": "ordforande\x00@demo.se", "password": "demo-losenord"})
    assert response.status_code == 422
    assert UNSAFE_MESSAGE in response.text


def test_text_that_passes_no_form_is_refused_at_flush(app_ctx, demo):
    db.session.add(Organisation(name="Region\x00Mellanland", kind="region"))
    with pytest.raises(UnsafeTextError):
        db.session.flush()
    db.session.rollback()


def test_the_flush_refusal_answers_400_in_swedish_and_stores_nothing(app, client, auth, demo, monkeypatch):
    from po_meetings.forms import SafeText

    monkeypatch.setattr(SafeText, "__call__", lambda self, form, field: None)  # as if a form forgot it
    auth.login_as(permissions.OMBUD)
    before, audit_before = count(app, SystemErrorReport), audit_count(app)
    response = client.post(
        f"/groups/{demo.group_id}/system-errors/new", data=report_answers(demo, title="Tolk\x00 saknas")
    )
    assert response.status_code == 400
    assert "Inget har sparats" in response.text
    assert count(app, SystemErrorReport) == before
    assert audit_count(app) == audit_before


def all_form_classes():
    seen, stack = set(), [BaseForm]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return seen


def test_every_field_of_every_form_takes_the_checks_of_its_kind(app):
    """No form needs to remember: BaseForm gives each field the check its kind takes."""
    forms = all_form_classes()
    assert len(forms) > 30
    missing = []
    with app.test_request_context():
        for form_class in forms:
            form = form_class(meta={"csrf": False})
            for field in form:
                kinds = {StringField: SafeText, DateTimeField: DateInRange, IntegerField: IntInRange}
                for kind, check in kinds.items():
                    if isinstance(field, kind) and not any(isinstance(v, check) for v in field.validators):
                        missing.append(f"{form_class.__name__}.{field.name}")
    assert missing == []


@pytest.mark.parametrize(
    ("typed", "refused"),
    [("1999-12-31", True), ("2000-01-01", False), ("2100-12-31", False), ("2101-01-01", True)],
)
def test_dates_from_2000_to_2100_are_accepted(app, typed, refused):
    from wtforms import DateField

    class Form(BaseForm):
        day = DateField("Datum")

    with app.test_request_context(method="POST", data={"day": typed}):
        form = Form(meta={"csrf": False})
        assert form.validate() is not refused
        assert (DATE_MESSAGE in form.day.errors) is refused


def test_a_number_of_hundreds_of_digits_is_too_large_not_an_error(app):
    from wtforms import IntegerField
    from wtforms.validators import NumberRange

    class Form(BaseForm):
        count = IntegerField("Antal", validators=[NumberRange(min=0, max=10)])

    with app.test_request_context(method="POST", data={"count": "9" * 400}):
        form = Form(meta={"csrf": False})
        assert not form.validate()
        assert form.count.errors == ["Talet är för stort."]


# -- ids in form bodies -----------------------------------------------------------------------


@pytest.mark.parametrize("huge", [str(MAX_ID + 1), "99999999999999999999", "-99999999999999999999"])
def test_a_huge_id_in_a_form_is_not_a_valid_choice(app, client, auth, demo, huge):
    auth.login_as(permissions.OMBUD)
    before = count(app, SystemErrorReport)
    for field in ("fixer_organisation_id", "affected_organisation_ids"):
        response = client.post(
            f"/groups/{demo.group_id}/system-errors/new", data=report_answers(demo, **{field: huge})
        )
        assert response.status_code == 422, field
        assert "Inte ett giltigt val" in response.text
        assert huge not in response.text  # the typed value is not echoed
    assert count(app, SystemErrorReport) == before


# -- dates ------------------------------------------------------------------------------------


def meeting_form(**overrides) -> dict:
    values = {
        "template_id": "",
        "kind": "",
        "title": "Extra möte",
        "day": "2031-03-04",
        "starts": "14:05",
        "ends": "",
        "place": "Kommunhuset",
        "video_link": "",
    }
    values.update(overrides)
    return values


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
def test_a_meeting_outside_2000_to_2100_is_refused_beside_the_date(app, client, auth, demo, day):
    auth.login_as(permissions.CHAIR)
    before = count(app, Meeting)
    response = client.post(f"/groups/{demo.group_id}/meetings/", data=meeting_form(day=day))
    assert response.status_code == 422
    assert DATE_MESSAGE in text_of(response.text)
    assert count(app, Meeting) == before


def test_a_meeting_on_the_last_day_of_2100_is_accepted(app, client, auth, demo):
    auth.login_as(permissions.CHAIR)
    before = count(app, Meeting)
    response = client.post(f"/groups/{demo.group_id}/meetings/", data=meeting_form(day="2100-12-31"))
    assert response.status_code == 303
    assert count(app, Meeting) == before + 1


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_report_dates_outside_the_range_are_refused_beside_the_field(app, client, auth, demo, day):
    auth.login_as(permissions.CHAIR)
    base = f"/groups/{demo.group_id}/system-errors/{demo.report_number}"
    before = audit_count(app)
    for path, data in (
        ("/occurrences", {"occurred_on": day}),
        ("/escalations", {"body": "region", "sent_on": day}),
        ("/escalations", {"body": "region", "sent_on": "2025-01-01", "reply_expected_by": day}),
        (f"/escalations/{demo.escalation_id}/reply", {"received_on": day, "reply": "Svar"}),
    ):
        response = client.post(base + path, data=data)
        assert response.status_code == 422, path
        assert DATE_MESSAGE in text_of(response.text), path
    assert audit_count(app) == before
