"""Generated input to every form of the app: never a 500, nothing half-saved, nothing unsafe kept.

Nothing is listed by hand. Each test posts once to one endpoint of the app (tests/support/endpoints.py
knows a demo URL for each), as a person the permission table lets in, and records the forms the
view binds to the posted data: their fields (names with any prefix), kinds and choices. Then:

* **Every form, 200 examples** (``PO_MEETINGS_FUZZ_EXAMPLES``): the form the view built is given
  generated data and validated, as the view would, in a request to its URL. It never raises,
  and when it says the data is valid, no text field holds a control character or bidi override,
  no date lies outside 2000–2100 and no number or id outside the database's integer. This is
  where bad input is refused (po_meetings.forms.BaseForm), and it is cheap enough to run every
  form this often.
* **Every endpoint over HTTP** (``PO_MEETINGS_FUZZ_HTTP_EXAMPLES``, 8 by default; a request that
  renders the minutes page costs a few hundred milliseconds, so 200 per endpoint would take an
  hour): generated values for the same fields, plus names that are no field (votes, the draft
  button, ``next``). The answer is never a 500 (in tests an unexpected error reaches the test as
  an exception); a refused answer (4xx) adds no audit row, so it saved nothing; and afterwards no
  text column anywhere holds a control character or bidi override, and no date column a year
  outside 1990–2101.
* **Every list with filters** (GET forms bound to the query string) the same way.

Values drawn: text with NUL, other control characters and bidi overrides, very long text, huge,
negative and non-ASCII numbers, dates in year 1 and 9999, choices that exist and ids that do
not, empty values — and valid-looking ones, so that some examples are saved.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date

import pytest
from flask import has_request_context, url_for
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Date, DateTime, String, Text, func, select
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    DateTimeField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
)

from po_meetings import permissions
from po_meetings.extensions import db
from po_meetings.forms import FIRST_DATE, LAST_DATE, BaseForm
from po_meetings.inputs import MAX_ID, has_unsafe_characters, is_id
from po_meetings.models import AuditEvent

from .conftest import DEMO_PASSWORD, ROLE_LOGINS, _empty_tables, _test_config
from .support.endpoints import url_args

EXAMPLES = int(os.environ.get("PO_MEETINGS_FUZZ_EXAMPLES", "200"))
HTTP_EXAMPLES = int(os.environ.get("PO_MEETINGS_FUZZ_HTTP_EXAMPLES", "8"))

#: Not fuzzed: logging out ends the session the examples run in; static files take no input.
SKIPPED = {"auth.logout", "static"}
#: The role an endpoint is fuzzed as: the first of these the permission table lets in.
ROLE_PREFERENCE = (
    permissions.CHAIR,
    permissions.ADMIN,
    permissions.MEMBER,
    permissions.OMBUD,
    permissions.ANONYMOUS,
)
SETTINGS = dict(
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@dataclass
class FieldInfo:
    name: str
    kind: str
    choices: list[str] = field(default_factory=list)


def _kind(f) -> str:
    """Return the kind of value a field reads."""
    if isinstance(f, SelectMultipleField):
        return "multi"
    if isinstance(f, (SelectField, RadioField)):
        return "select"
    if isinstance(f, BooleanField):
        return "bool"
    if isinstance(f, IntegerField):
        return "int"
    if isinstance(f, TimeField):
        return "time"
    if isinstance(f, (DateField, DateTimeField)):
        return "date"
    if isinstance(f, StringField):
        return "text"
    return "other"


def _choices(f) -> list[str]:
    """Return the values a select offers (none if it has no choices yet)."""
    if getattr(f, "choices", None) is None:
        return []
    return [str(value) for value, *_ in f.iter_choices()]


def fields_of(form) -> dict[str, FieldInfo]:
    return {f.name: FieldInfo(f.name, _kind(f), _choices(f)) for f in form if f.type != "CSRFTokenField"}


def _rules() -> list[tuple[str, str]]:
    """Return (endpoint, method) of every route, read from an app built for it."""
    from po_meetings import create_app

    app = create_app(_test_config("sqlite://"))
    return sorted(
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
        if rule.endpoint not in SKIPPED
    )


RULES = _rules()
POSTS = [endpoint for endpoint, method in RULES if method == "POST"]
GETS = [endpoint for endpoint, method in RULES if method == "GET"]


def role_for(endpoint: str) -> str:
    allowed = permissions.PERMISSIONS[endpoint]
    return next(role for role in ROLE_PREFERENCE if role in allowed)


def login(client, role: str) -> None:
    if role == permissions.ANONYMOUS:
        return
    response = client.post("/login", data={"email": ROLE_LOGINS[role], "password": DEMO_PASSWORD})
    assert response.status_code == 303, role


def url_of(app, endpoint: str, demo) -> str:
    with app.test_request_context():
        return url_for(endpoint, **url_args(endpoint, demo))


class Recorder:
    """Record the forms a view binds to submitted data (query string or form body)."""

    def __init__(self, monkeypatch) -> None:
        self.forms: dict[str, BaseForm] = {}
        original = FlaskForm.Meta.wrap_formdata

        def recording(meta, form, formdata):
            wrapped = original(meta, form, formdata)
            if wrapped is not None and has_request_context() and isinstance(form, BaseForm):
                self.forms.setdefault(type(form).__name__, form)
            return wrapped

        monkeypatch.setattr(FlaskForm.Meta, "wrap_formdata", recording)


# -- what is posted ---------------------------------------------------------------------------

UNSAFE = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ODD = "\t\n\r \u00a0\u200b\u200e\u200f\u2028\ufeff'\"<>&%;-–²٣"
NUMBERS = [
    str(MAX_ID),
    str(MAX_ID + 1),
    str(2**63),
    "99999999999999999999",
    "-1",
    "0",
    "-2147483649",
    "1e9",
    "٣",
    "²",
    " 7 ",
    "9" * 400,
    "1" + "0" * 5000,
]
DATES = [
    "0001-01-01",
    "9999-12-31",
    "1999-12-31",
    "2101-01-01",
    "2000-01-01",
    "2100-12-31",
    "2026-02-30",
    "2026-13-01",
    "igår",
    "2026-06-01T12:00",
]

text = st.text(
    alphabet=st.characters(codec="utf-8") | st.sampled_from(UNSAFE + ODD) | st.sampled_from("aåö 1-"),
    max_size=30,
)
long_text = st.builds(
    lambda part, times: part * times,
    st.sampled_from(["a", "å\x00", "\u202e", "9", "Tolk saknas. "]),
    st.sampled_from([201, 301, 1001, 5001, 20_001, 60_000]),
)
junk = st.one_of(
    st.just(""),
    text,
    long_text,
    st.sampled_from(NUMBERS),
    st.sampled_from(DATES),
    st.integers(-(2**70), 2**70).map(str),
)
plain = st.sampled_from(["Tolk saknas", "Mötet i mars", "https://möte.example.se/abc", "Kommunhuset", "ok"])


def value_for(info: FieldInfo):
    """Return a strategy for one field's posted values (a list: a field may be sent 0, 1 or 2 times)."""
    kinds = {
        "text": st.one_of(plain, text, long_text),
        "select": st.sampled_from(info.choices) if info.choices else junk,
        "multi": st.sampled_from(info.choices) if info.choices else junk,
        "bool": st.sampled_from(["y", "", "on", "false"]),
        "int": st.one_of(st.integers(-5, 130).map(str), st.sampled_from(NUMBERS)),
        "date": st.one_of(
            st.dates(date(2000, 1, 1), date(2100, 12, 31)).map(date.isoformat), st.sampled_from(DATES)
        ),
        "time": st.sampled_from(["09:00", "14:05", "23:59", "24:00", "25:61", "9", "09:00:00"]),
    }
    one = st.one_of(kinds.get(info.kind, junk), junk)
    return st.one_of(st.just([]), st.lists(one, min_size=1, max_size=2 if info.kind == "multi" else 1))


def extras(demo):
    """Posted names that are not fields: the votes, the draft button, a direction, ?next."""
    membership = demo.membership("ledamot@demo.se")
    names = st.sampled_from(
        ["action", "direction", "next", "verdict", f"vote-{membership}", "vote-²", f"vote-{MAX_ID + 1}"]
    )
    return st.dictionaries(
        names, st.one_of(st.sampled_from(["draft", "submit", "ja", "nej", "up"]), junk), max_size=2
    )


def form_data(fields_info: dict[str, FieldInfo], demo):
    """Return a strategy for one submission: {name: [values]} for the fields and a few other names."""
    fields = st.fixed_dictionaries({name: value_for(f) for name, f in fields_info.items()})
    return st.tuples(fields, extras(demo)).map(lambda pair: _merge(*pair))


def _merge(fields: dict, extra: dict) -> dict:
    data = {name: values for name, values in fields.items() if values}
    for name, value in extra.items():
        data.setdefault(name, [value])
    return data


# -- the checks -------------------------------------------------------------------------------


def audit_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def unsafe_or_absurd_values() -> list[str]:
    """Return table.column of every stored text with unsafe characters or date out of range."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, Date, DateTime))]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if isinstance(value, str) and has_unsafe_characters(value):
                    found.append(f"{table.name}.{column.name}")
                elif isinstance(value, date) and not 1990 <= value.year <= 2101:
                    found.append(f"{table.name}.{column.name}={value}")
    return found


def accepted_values_are_sane(form) -> None:
    """Assert that a form that says it is valid holds no unsafe text, absurd date or huge number.

    Selects are left out: one that does not check its choices passes any value on to the service,
    which refuses what it does not know.
    """
    for f in form:
        where, data = f"{type(form).__name__}.{f.name}", f.data
        if isinstance(f, StringField) and isinstance(data, str):
            assert not has_unsafe_characters(data), f"{where} let {data!r} through"
        elif isinstance(f, (DateField, DateTimeField)) and isinstance(data, date):
            day = data.date() if hasattr(data, "date") else data
            assert FIRST_DATE <= day <= LAST_DATE, f"{where} let {data} through"
        elif isinstance(f, IntegerField) and data is not None:
            assert is_id(data), f"{where} let {data} through"


#: The form classes fuzzed so far (each once, at the first endpoint that binds it).
FUZZED: set[str] = set()


def form_classes(form: BaseForm) -> set[str]:
    """Return the names of a form's class and of the form classes it is made from."""
    return {c.__name__ for c in type(form).__mro__ if isinstance(c, type) and issubclass(c, BaseForm)}


def fuzz_forms(app, url: str, method: str, forms: dict[str, BaseForm], demo) -> None:
    """Validate each recorded form, not yet fuzzed, with EXAMPLES generated submissions."""
    for name, form in forms.items():
        if name in FUZZED:
            continue
        # A form class made per request (type(...) over a base, as the statistics form is) stands
        # for its base: the base counts as fuzzed whether or not the made class is still alive.
        FUZZED.update(form_classes(form))
        if "csrf_token" in form:
            del form["csrf_token"]  # the token is checked over HTTP; here the fields are
        info = fields_of(form)
        if not info:
            continue  # a button: its input is the request itself, posted below

        validate_examples(app, url, method, form, info, demo)


def validate_examples(app, url: str, method: str, form: BaseForm, info: dict[str, FieldInfo], demo) -> None:
    """Process and validate one form with EXAMPLES generated submissions, as its view would."""

    @settings(max_examples=EXAMPLES, **SETTINGS)
    @given(data=form_data(info, demo))
    def validate(data):
        formdata = MultiDict([(key, value) for key, values in data.items() for value in values])
        with app.test_request_context(url, method=method):
            form.process(formdata)
            if form.validate():
                accepted_values_are_sane(form)

    validate()


def fuzz_http(app, client, url: str, method: str, info: dict[str, FieldInfo], demo) -> None:
    """Send HTTP_EXAMPLES generated submissions to one URL."""

    @settings(max_examples=HTTP_EXAMPLES, **SETTINGS)
    @given(data=form_data(info, demo))
    def send(data):
        with app.app_context():
            before = audit_rows()
        if method == "POST":
            response = client.post(url, data=MultiDict([(k, v) for k, vs in data.items() for v in vs]))
        else:
            response = client.get(url, query_string=MultiDict([(k, v) for k, vs in data.items() for v in vs]))
        response.close()
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code >= 400:
            with app.app_context():
                assert audit_rows() == before, f"{url}: a refused answer ({response.status_code}) saved"

    send()
    with app.app_context():
        assert unsafe_or_absurd_values() == []


def probe(app, demo, endpoint: str, method: str, monkeypatch):
    """Log in as the endpoint's role, send one empty request, return (client, url, bound forms)."""
    url = url_of(app, endpoint, demo)
    client = app.test_client()
    login(client, role_for(endpoint))
    recorder = Recorder(monkeypatch)
    response = client.post(url, data={}) if method == "POST" else client.get(url)
    response.close()
    monkeypatch.undo()
    return client, url, recorder.forms


def probe_from_demo(app, demo, demo_snapshot, endpoint: str, method: str, monkeypatch):
    """Probe an endpoint as :func:`probe` does; if the probe saved (a button), put the demo data
    back and log a new client in, so what follows starts from the demo again.

    Return (client, url, bound forms, the demo's ids).
    """
    with app.app_context():
        before = audit_rows()
    client, url, forms = probe(app, demo, endpoint, method, monkeypatch)
    with app.app_context():
        if audit_rows() == before:
            return client, url, forms, demo
        _empty_tables()
    demo = demo_snapshot.load()
    client = app.test_client()
    login(client, role_for(endpoint))
    return client, url, forms, demo


# -- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", POSTS)
def test_generated_input_to_every_write_breaks_nothing(app, demo, _demo_snapshot, endpoint, monkeypatch):
    client, url, forms, demo = probe_from_demo(app, demo, _demo_snapshot, endpoint, "POST", monkeypatch)
    fields: dict[str, FieldInfo] = {}
    for form in forms.values():
        fields.update(fields_of(form))
    fuzz_forms(app, url, "POST", forms, demo)
    fuzz_http(app, client, url, "POST", fields, demo)


def test_generated_query_strings_to_every_list_break_nothing(app, demo, monkeypatch):
    fuzzed = []
    for endpoint in GETS:
        client, url, forms = probe(app, demo, endpoint, "GET", monkeypatch)
        if not forms:
            continue
        fields: dict[str, FieldInfo] = {}
        for form in forms.values():
            fields.update(fields_of(form))
        fuzz_forms(app, url, "GET", forms, demo)
        fuzz_http(app, client, url, "GET", fields, demo)
        fuzzed.append(endpoint)
    assert {"groups.audit", "system_errors.index"} <= set(fuzzed)


def test_every_form_class_is_bound_by_an_endpoint_fuzzed_above(app, demo, _demo_snapshot, monkeypatch):
    """Every form of the app (base classes aside) is bound by a view the tests above fuzz.

    The tests above fuzz every form their endpoints bind; this probes the same endpoints once
    each, so it holds in any order and in whichever worker process it runs.
    """
    bound: set[str] = set()
    for method, endpoints in (("POST", POSTS), ("GET", GETS)):
        for endpoint in endpoints:
            _, _, forms, demo = probe_from_demo(app, demo, _demo_snapshot, endpoint, method, monkeypatch)
            for form in forms.values():
                # A form class made per request (over a base, as the statistics form is) stands for its base.
                bound.update(form_classes(form))
    assert len(bound) > 10
    leaves, stack = set(), [BaseForm]
    while stack:
        cls = stack.pop()
        subclasses = cls.__subclasses__()
        if not subclasses and cls.__module__.startswith("po_meetings."):  # not a test's own form
            leaves.add(cls.__name__)
        stack.extend(subclasses)
    assert sorted(leaves - bound) == []
