"""The quick select widget (po_meetings.forms.QuickSelect) writes exactly WTForms' HTML."""

from __future__ import annotations

import pytest
from flask import g
from wtforms import SelectField, SelectMultipleField
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import Select

from po_meetings.forms import BaseForm, QuickSelect, optional_id, options

CHOICES = options([(None, "– Välj –"), (1, "Ett"), (2, 'Två "citat" & <tagg>'), ("x'y", "Apostrof")])


class ExampleForm(BaseForm):
    class Meta:
        csrf = False

    plain = SelectField("Val", choices=CHOICES, validators=[Optional()])
    required = SelectField("Krävs", choices=CHOICES, coerce=str, validators=[DataRequired()])
    many = SelectMultipleField("Flera", choices=options([(1, "Ett"), (2, "Två")]), coerce=int)
    flag = SelectField(
        "Ja/nej", choices=options([(True, "Ja"), (False, "Nej")]), coerce=lambda v: v in (True, "True")
    )


@pytest.mark.parametrize("data", [{}, {"plain": "2", "required": "x'y", "many": [1, 2], "flag": "True"}])
def test_the_quick_select_writes_what_wtforms_writes(app, data):
    with app.test_request_context():
        form = ExampleForm(data=data)
        for field in form:
            assert isinstance(field.widget, QuickSelect)
            quick = str(field(class_="wide", aria_describedby="hint"))
            stock = str(Select(multiple=field.widget.multiple)(field, class_="wide", aria_describedby="hint"))
            assert quick == stock
        assert " selected " in str(form.plain()) or not data


LONG = options(
    [(None, "– Välj rapport –")] + [(n, f'SF-2026-{n:03d} Rapport <{n}> & "{n}"') for n in range(1, 80)]
)


class LongForm(BaseForm):
    class Meta:
        csrf = False

    first = SelectField("Första", choices=LONG, coerce=optional_id, validate_choice=False)
    second = SelectField("Andra", choices=LONG, coerce=optional_id, validate_choice=False)
    third = SelectField("Tredje", choices=LONG, coerce=optional_id, validate_choice=False)


def test_a_long_list_is_written_once_a_request_as_wtforms_writes_it(app):
    with app.test_request_context():
        form = LongForm(data={"first": 3, "second": 3, "third": 7})
        for field in form:
            assert str(field()) == str(Select()(field))
        assert 'selected value="3"' in str(form.second()) and 'selected value="3"' not in str(form.third())
        assert 'selected value="7"' in str(form.third())
        assert len(g.select_options) == 2  # the first two share their options; the third is chosen apart
