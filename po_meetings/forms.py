"""Shared form pieces: the Swedish base form and field helpers."""

import copy
from datetime import date, datetime

from flask import g, has_request_context
from flask_wtf import FlaskForm
from wtforms import DateTimeField, EmailField, HiddenField, IntegerField, SelectMultipleField, StringField
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.fields.core import Label
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import Input, Select

from .inputs import MAX_ID, UNSAFE_TEXT_MESSAGE, has_unsafe_characters, is_id, remove_unsafe_characters
from .markup import html_attributes, label_html, options_html, select_html
from .personnummer import NoPersonnummer, contains_personnummer

#: The dates the app accepts in any date field: a meeting, a deadline or a reply in year 1 or
#: 9999 is a typing error (and beyond what time zone arithmetic and the databases agree on).
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2100, 12, 31)
#: WTForms' own Swedish message for a value that is not among a select's choices.
CHOICE_MESSAGE = "Inte ett giltigt val"


class SafeText:
    """Refuse control characters and bidi overrides in a text field, before its other validators.

    The characters are invisible, so the field comes back without them (the user checks the text
    and saves again); text that would then show a personnummer comes back empty.
    """

    field_flags: dict = {}

    def __call__(self, form, field) -> None:
        """Stop validation with a Swedish message if the field's text holds unsafe characters."""
        if not has_unsafe_characters(field.data):
            return
        cleaned = remove_unsafe_characters(field.data)
        if contains_personnummer(cleaned):
            cleaned = ""
        field.data = cleaned
        field.raw_data = [cleaned]
        raise StopValidation(UNSAFE_TEXT_MESSAGE)


class DateInRange:
    """Refuse a date outside a sane range, beside the field."""

    field_flags: dict = {}

    def __init__(self, first: date = FIRST_DATE, last: date = LAST_DATE, message: str | None = None) -> None:
        self.first, self.last = first, last
        self.message = message or f"Ange ett datum mellan {first:%Y-%m-%d} och {last:%Y-%m-%d}."

    def __call__(self, form, field) -> None:
        """Raise ValidationError if the field holds a date outside the range."""
        value = field.data.date() if isinstance(field.data, datetime) else field.data
        if isinstance(value, date) and not self.first <= value <= self.last:
            raise ValidationError(self.message)


class IntInRange:
    """Refuse a whole number beyond what the database's integer holds, before the field's own range.

    WTForms' NumberRange cannot compare a number of hundreds of digits (it overflows a float).
    """

    field_flags: dict = {}

    def __call__(self, form, field) -> None:
        """Stop validation with a Swedish message if the number is too large or too small."""
        if isinstance(field.data, int) and not is_id(field.data):
            raise StopValidation("Talet är för stort." if field.data > 0 else "Talet är för litet.")


class QuickSelect(Select):
    """WTForms' select widget writing the same HTML faster.

    WTForms formats every option's attributes with ``html_params`` and ``Markup.format`` and
    inspects ``render_option``'s signature on each render: a page of selects (the register's
    filters, a report's moves) spent milliseconds there. Options with extra attributes, and
    grouped options, are left to WTForms.
    """

    def __call__(self, field, **kwargs):
        options = _options(field)
        if options is None:
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        if self.multiple:
            kwargs["multiple"] = True
        flags = getattr(field, "flags", {})
        for name in self.validation_attrs:
            if name not in kwargs and getattr(flags, name, False):
                kwargs[name] = getattr(flags, name)
        return select_html(f"<select {html_attributes(name=field.name, **kwargs)}>", options)


#: From how many choices a select's options are written once per request (see :func:`_options`).
LONG_LIST = 50


def _options(field) -> str | None:
    """Return a select's options as HTML, or None for WTForms to write them (grouped options, or
    options with attributes).

    A long list is written once per request for the same choices, the same value and the same kind
    of field (the minutes' report list is offered under every decision): it is remembered on
    ``flask.g`` under all that decides its HTML.
    """
    key = _long_list_key(field) if has_request_context() else None
    remembered = g.setdefault("select_options", {}) if key is not None else {}
    if key in remembered:
        return remembered[key]
    choices = list(field.iter_choices()) if not field.has_groups() else None
    if choices is None or any(not isinstance(c, Choice) or c.render_kw for c in choices):
        return None
    html = options_html([(_option_value(c.value), c.label or c.value, c.selected) for c in choices])
    if key is not None:
        remembered[key] = html
    return html


def _long_list_key(field) -> tuple | None:
    """Return what decides a long list's options (see :func:`_options`), or None."""
    choices = field.choices
    if type(choices) is not list or len(choices) < LONG_LIST:
        return None
    if any(type(c) is not SelectChoice or c.render_kw or c.optgroup is not None for c in choices):
        return None
    data = tuple(field.data) if isinstance(field.data, list) else field.data
    key = (type(field), field.coerce, data, tuple((c.value, c.label) for c in choices))
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _option_value(value):
    """Return an option's value as WTForms writes it (a bool as its name)."""
    return str(value) if isinstance(value, bool) else value


#: The one instance each kind of select renders with (a widget holds no state of a render).
_SELECTS = {False: QuickSelect(), True: QuickSelect(multiple=True)}


class QuickLabel(Label):
    """WTForms' label writing the same HTML with :func:`markup.html_attributes`."""

    def __call__(self, text=None, **kwargs):
        if "for_" in kwargs:
            kwargs["for"] = kwargs.pop("for_")
        else:
            kwargs.setdefault("for", self.field_id)
        return label_html(html_attributes(**kwargs), text or self.text)


#: Each input widget's quick twin (see :func:`_quick_input`), made once per widget instance.
_QUICK_INPUTS: dict = {}


def _quick_input(widget: Input) -> Input:
    """Return a copy of an input widget (text, date, check box, radio …) that writes its attributes
    with :func:`markup.html_attributes`: WTForms' ``Input`` reads ``self.html_params`` so that it can
    be replaced, and the HTML is the same."""
    quick = _QUICK_INPUTS.get(widget)
    if quick is None:
        quick = copy.copy(widget)
        quick.html_params = html_attributes
        _QUICK_INPUTS[widget] = quick
    return quick


class BaseForm(FlaskForm):
    """A form with WTForms' built-in Swedish messages and the app's checks on every field.

    Every text field (StringField and its kinds: text areas, e-mail, password, search, hidden)
    refuses control characters and bidi overrides first (:class:`SafeText`); every date field
    refuses a date outside 2000–2100 unless it has its own :class:`DateInRange`; every whole
    number field refuses what the database's integer cannot hold (:class:`IntInRange`).
    """

    class Meta:
        locales = ("sv_SE", "sv")

        def bind_field(self, form, unbound_field, options):
            """Bind a field and add the checks its kind takes."""
            field = super().bind_field(form, unbound_field, options)
            validators = list(field.validators or ())
            if isinstance(field, StringField):
                field.validators = [SafeText(), *validators]
            elif isinstance(field, DateTimeField) and not any(isinstance(v, DateInRange) for v in validators):
                field.validators = [*validators, DateInRange()]
            elif isinstance(field, IntegerField):
                field.validators = [IntInRange(), *validators]
            if type(field.widget) is Select:
                field.widget = _SELECTS[field.widget.multiple]
            elif isinstance(field.widget, Input):
                field.widget = _quick_input(field.widget)
            if isinstance(getattr(field, "option_widget", None), Input):  # a radio field's radios
                field.option_widget = _quick_input(field.option_widget)
            if type(field.label) is Label:
                field.label = QuickLabel(field.label.field_id, field.label.text)
            return field

    def validate(self, extra_validators=None) -> bool:
        """Validate; a list of choices that holds an unknown value says so without repeating it."""
        ok = super().validate(extra_validators)
        for field in self:
            if isinstance(field, SelectMultipleField) and field.errors:
                # WTForms quotes the values ("'123' är inte ett giltigt val …"), or fails to
                # coerce them in poor Swedish: what was sent is not shown again.
                field.errors[:] = [
                    CHOICE_MESSAGE if message.startswith("'") or "coerc" in message else message
                    for message in field.errors
                ]
        return ok


class ConfirmForm(BaseForm):
    """The second step of an act that asks first (start a meeting early, close a meeting).

    The first press of the button shows what the act would do; the page's own button sends
    ``confirm=yes``. A real form step: it works without JavaScript (no ``confirm()`` dialog).
    """

    confirm = HiddenField()

    def confirmed(self) -> bool:
        """Return whether the act was confirmed."""
        return self.confirm.data == "yes"


def options(pairs) -> list[SelectChoice]:
    """Return select options from (value, label) pairs; None becomes the empty option."""
    return [SelectChoice("" if value is None else value, label) for value, label in pairs]


def optional_id(value):
    """Coerce a select value to an id, or None for the empty choice.

    A value that is not a number, or a number no id column can hold, is passed on as it is: it
    matches no choice, so the user sees "Inte ett giltigt val" instead of WTForms' untranslatable
    coercion error (or the database's overflow).
    """
    if value in (None, "", "None"):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    return number if is_id(number) else value


def id_range(message: str = "Ange ett id större än noll.") -> NumberRange:
    """Return the range of an id typed as a number: 1 up to what the database's integer holds."""
    return NumberRange(min=1, max=MAX_ID, message=message)


def required(message: str = "Fyll i fältet.") -> DataRequired:
    """Return a required-field validator with a Swedish message."""
    return DataRequired(message=message)


def max_length(limit: int) -> Length:
    """Return a length validator with a Swedish message."""
    return Length(max=limit, message=f"Högst {limit} tecken.")


def free_text(limit: int | None = None) -> list:
    """Return the validators every free-text field takes: the personnummer guard, a length."""
    validators = [NoPersonnummer()]
    if limit:
        validators.append(max_length(limit))
    return validators


def _normalise_email(value):
    """Trim and lower-case an e-mail address as it is typed."""
    return value.strip().lower() if isinstance(value, str) else value


def email_field(label: str) -> EmailField:
    """Return an e-mail field that trims and lower-cases what is typed."""
    return EmailField(label, validators=email_address(), filters=[_normalise_email])


def email_address() -> list:
    """Return the validators of an e-mail field."""
    return [
        required("Fyll i e-postadressen."),
        Email(
            message="Skriv en giltig e-postadress, till exempel namn@kommun.se.", check_deliverability=False
        ),
        max_length(254),
        NoPersonnummer(),
    ]


__all__ = [
    "FIRST_DATE",
    "LAST_DATE",
    "BaseForm",
    "ConfirmForm",
    "DateInRange",
    "IntInRange",
    "SafeText",
    "id_range",
    "NoPersonnummer",
    "Optional",
    "email_address",
    "email_field",
    "free_text",
    "max_length",
    "optional_id",
    "options",
    "required",
]
