"""Every free-text field of every form goes through the personnummer guard."""

import importlib
import pkgutil

from wtforms import StringField, TextAreaField
from wtforms.fields import EmailField, PasswordField, SearchField

import po_meetings
from po_meetings.forms import BaseForm
from po_meetings.personnummer import NoPersonnummer


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
