"""Shared form pieces: the Swedish base form and field helpers."""

from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from .personnummer import NoPersonnummer


class BaseForm(FlaskForm):
    """A form with WTForms' built-in Swedish messages."""

    class Meta:
        locales = ("sv_SE", "sv")


def options(pairs) -> list[SelectChoice]:
    """Return select options from (value, label) pairs; None becomes the empty option."""
    return [SelectChoice("" if value is None else value, label) for value, label in pairs]


def optional_id(value):
    """Coerce a select value to an id, or None for the empty choice.

    A value that is not a number is passed on as it is: it matches no choice, so the user sees
    "Inte ett giltigt val" instead of WTForms' untranslatable coercion error.
    """
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


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
    "BaseForm",
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
