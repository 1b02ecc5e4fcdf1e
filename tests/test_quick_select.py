"""The quick select widget (po_meetings.forms.QuickSelect) writes exactly WTForms' HTML."""

from __future__ import annotations

import pytest
from wtforms import SelectField, SelectMultipleField
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import Select

from po_meetings.forms import BaseForm, QuickSelect, options

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
