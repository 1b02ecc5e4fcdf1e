"""Every free-text field of every form, and every text column at the flush, goes through the personnummer guard."""

import importlib
import pkgutil

from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import StringField, TextAreaField
from wtforms.fields import EmailField, PasswordField, SearchField

import po_meetings
from po_meetings.audit import _is_guarded
from po_meetings.extensions import db
from po_meetings.forms import BaseForm
from po_meetings.models import Audited
from po_meetings.personnummer import NoPersonnummer, PersonnummerError


def _all_form_classes():
    for module in pkgutil.walk_packages(po_meetings.__path__, "po_meetings."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    seen, stack = set(), [BaseForm]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return seen


def test_every_text_field_has_the_guard(app):
    forms = _all_form_classes()
    assert len(forms) > 5
    unguarded = []
    with app.test_request_context():
        for form_class in forms:
            form = form_class(meta={"csrf": False})
            for field in form:
                if isinstance(field, (EmailField, PasswordField, SearchField)):
                    continue  # addresses and secrets are not free text
                if isinstance(field, (StringField, TextAreaField)) and field.type in {
                    "StringField",
                    "TextAreaField",
                }:
                    if not any(isinstance(v, NoPersonnummer) for v in field.validators):
                        unguarded.append(f"{form_class.__name__}.{field.name}")
    assert unguarded == [], f"add NoPersonnummer (po_meetings.forms.free_text) to: {unguarded}"


# 811218-9876 (1981-12-18, check digit 6) written the ways that got past the guard before; each
# shows a personnummer on the page or to anyone reading the stored text.
HARD_VARIANTS = {
    "escaped hyphen": "Klient 811218\\-9876",
    "entity for the hyphen": "Klient 811218&#45;9876",
    "entity for a digit": "Klient &#56;11218-9876",
    "full-width digits": "Klient \uff18\uff11\uff11\uff12\uff11\uff18-\uff19\uff18\uff17\uff16",
    "emphasis inside": "Klient 8112*18*-9876",
    "spaces instead of the hyphen": "Klient 81 12 18 98 76",
    "spaces around the hyphen": "Klient 811218 - 9876",
    "zero-width space": "Klient 811218\u200b9876",
}


def _guarded_fields(app):
    """Yield (form class, field name, the field's NoPersonnummer message) for every free-text field."""
    with app.test_request_context():
        for form_class in sorted(_all_form_classes(), key=lambda cls: cls.__qualname__):
            for field in form_class(meta={"csrf": False}):
                guards = [v for v in field.validators if isinstance(v, NoPersonnummer)]
                if guards and field.type in {"StringField", "TextAreaField"}:
                    yield form_class, field.name, guards[0].message


def test_every_text_field_refuses_the_hard_variants_and_does_not_echo_them(app):
    fields = list(_guarded_fields(app))
    assert len(fields) > 20
    passed = []
    with app.test_request_context():
        for form_class, name, message in fields:
            for label, text in HARD_VARIANTS.items():
                form = form_class(MultiDict({name: text}), meta={"csrf": False})
                field = form[name]
                if field.validate(form) or message not in field.errors:
                    passed.append(f"{form_class.__name__}.{name}: {label}")
                # Nothing refused comes back: not in the field's value, not in the rendered input.
                assert field.data == "", (form_class.__name__, name, label)
                assert "9876" not in field() and "\uff19" not in field()
    assert passed == []


def _guarded_columns():
    """Yield (model, column key) for every text column the flush guard checks."""
    for mapper in db.Model.registry.mappers:
        if issubclass(mapper.class_, Audited):
            for prop in mapper.column_attrs:
                if _is_guarded(prop):
                    yield mapper.class_, prop.key


def test_the_flush_guard_refuses_the_hard_variants_in_every_text_column(app_ctx, demo):
    columns = sorted(_guarded_columns(), key=lambda pair: (pair[0].__name__, pair[1]))
    checked, stored = [], []
    for model, key in columns:
        obj = db.session.scalars(select(model).limit(1)).first()
        if obj is None:
            continue  # the demo has no row of this kind
        checked.append(f"{model.__name__}.{key}")
        for label, text in HARD_VARIANTS.items():
            setattr(obj, key, text)
            try:
                db.session.flush()
            except PersonnummerError:
                pass
            else:
                stored.append(f"{model.__name__}.{key}: {label}")
            db.session.rollback()
            obj = db.session.scalars(select(model).limit(1)).first()
        assert getattr(obj, key) is None or "9876" not in getattr(obj, key)
    assert stored == []
    assert len(checked) > 20, checked
