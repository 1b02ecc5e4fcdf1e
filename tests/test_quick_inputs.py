"""The quick inputs and labels (po_meetings.forms, markup.html_attributes) write exactly WTForms' HTML."""

from __future__ import annotations

from datetime import date

import pytest
from markupsafe import Markup
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    StringField,
)
from wtforms.fields.core import Label
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import Input, html_params

from po_meetings.forms import BaseForm, QuickLabel, free_text, options
from po_meetings.markup import html_attributes

ODD = "Två \"citat\" & <tagg> 'apostrof'"


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"name": "x", "id": "y"},
        {"class_": "wide", "for_": "f", "data_hx_post": "/a?b=1&c=2", "aria_describedby": "hint error"},
        {"checked": True, "readonly": False, "value": ODD, "maxlength": 200, "min": 0},
        {"value": Markup('<b title="x">'), "placeholder": None, "autofocus": True},
        {"hx-target": "#paragraph-1", "x__": "trailing", "data_": "bare"},
    ],
)
def test_html_attributes_are_wtforms_html_params(kwargs):
    assert str(html_attributes(**kwargs)) == str(html_params(**kwargs))


class ExampleForm(BaseForm):
    class Meta:
        csrf = False

    text = StringField(f"Text {ODD}", validators=[DataRequired(), *free_text(200)])
    optional = StringField("Valfri", validators=[Optional(), *free_text()])
    day = DateField("Dag")
    flag = BooleanField("Flagga")
    number = IntegerField("Antal")
    hidden = HiddenField()
    email = EmailField("E-post")
    secret = PasswordField("Lösenord")
    choice = RadioField("Val", choices=options([("a", "A"), ("b", ODD)]), validators=[DataRequired()])


@pytest.mark.parametrize(
    "data",
    [{}, {"text": ODD, "day": date(2026, 12, 7), "flag": True, "number": 3, "choice": "b", "hidden": ODD}],
)
def test_the_quick_inputs_and_labels_write_what_wtforms_writes(app, data):
    with app.test_request_context():
        form = ExampleForm(data=data)
        stock_form = ExampleForm(data=data)
        kwargs = {"class_": "wide", "aria_describedby": "hint", "autofocus": True}
        for field in form:
            stock = stock_form[field.name]
            if isinstance(stock.widget, Input):
                stock.widget = type(stock.widget)()  # WTForms' own widget of that kind
            if isinstance(getattr(stock, "option_widget", None), Input):
                stock.option_widget = type(stock.option_widget)()
            stock.label = Label(stock.label.field_id, stock.label.text)
            assert isinstance(field.label, QuickLabel)
            if field.name != "choice":  # the radio field's own widget is a list; its radios are below
                assert field.widget.html_params is html_attributes
            assert str(field(**kwargs)) == str(stock(**kwargs))
            assert str(field.label(class_="visually-hidden")) == str(stock.label(class_="visually-hidden"))
            assert str(field.label("Annan <text>", for_="x")) == str(stock.label("Annan <text>", for_="x"))
        assert form.choice.option_widget.html_params is html_attributes
        radios = [str(option()) + str(option.label()) for option in form.choice]
        stock_radios = [str(option()) + str(option.label()) for option in stock_form.choice]
        assert radios == stock_radios
        assert 'value="b"' in "".join(radios)
