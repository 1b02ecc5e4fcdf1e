"""The yearly report's forms: the year to draft, the parts the group writes, a correction's reason."""

from __future__ import annotations

from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional, ValidationError

from ..forms import BaseForm, ConfirmForm, free_text, required
from ..models.annual_report import ENTERED_PARTS
from .posts import PostsError, parse_posts
from .services import (
    MAX_PERSONS,
    NEGATIVE_MESSAGE,
    REASON_LIMIT,
    REASON_MESSAGE,
    TEXT_LIMIT,
    TOO_MANY_PERSONS_MESSAGE,
)

OPTIONAL = " (frivilligt)"


class YearForm(BaseForm):
    """The year of a new report."""

    year = IntegerField(
        "År",
        validators=[required("Ange ett år, till exempel 2025.")],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )


def _posts_valid(form, field) -> None:
    """Refuse posts that cannot be read as a Swedish decimal, beside the field."""
    try:
        parse_posts(field.data)
    except PostsError as error:
        raise ValidationError(str(error)) from None


def _posts(label: str) -> StringField:
    """Return a field for posts, typed as "1,5"."""
    return StringField(
        label + OPTIONAL,
        validators=[*free_text(20), _posts_valid],
        description="Antal heltidstjänster, till exempel 1,5.",
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )


def _persons(label: str) -> IntegerField:
    """Return a field for a number of persons."""
    return IntegerField(
        label + OPTIONAL,
        validators=[
            Optional(),
            NumberRange(min=0, message=NEGATIVE_MESSAGE),
            NumberRange(max=MAX_PERSONS, message=TOO_MANY_PERSONS_MESSAGE),
        ],
        render_kw={"inputmode": "numeric", "min": 0, "autocomplete": "off"},
    )


class EnteredForm(BaseForm):
    """The parts of the report the chair or vice chair writes, in the order of the 2013 form.

    The text fields are added below, one per part of :data:`ENTERED_PARTS` (Markdown).
    """

    lock_version = HiddenField()
    posts_this_year = _posts("Antal tjänster som personligt ombud under året")
    persons_this_year = _persons("Antal personer som arbetat som personligt ombud under året")
    posts_planned = _posts("Planerat antal tjänster nästa år")
    persons_planned = _persons("Planerat antal personer nästa år")

    def values(self) -> dict[str, object]:
        """Return what the form holds, by the report's column names, for the service."""
        values: dict[str, object] = {
            "posts_this_year": self.posts_this_year.data or "",
            "persons_this_year": self.persons_this_year.data,
            "posts_planned": self.posts_planned.data or "",
            "persons_planned": self.persons_planned.data,
        }
        values.update({column: self[column].data for column, _, _ in ENTERED_PARTS})
        return values

    def posted_lock(self) -> int:
        """Return the report's version the form was filled from; -1, which no report has, when missing,
        so that a post without it never saves over someone's text."""
        try:
            return int(self.lock_version.data)
        except (TypeError, ValueError):
            return -1


for _column, _heading, _question in ENTERED_PARTS:
    setattr(
        EnteredForm,
        _column,
        TextAreaField(_heading + OPTIONAL, validators=free_text(TEXT_LIMIT), description=_question),
    )


class CorrectionForm(BaseForm):
    """Why a final report is opened again for a new version."""

    reason = TextAreaField(
        "Varför rättas redovisningen?",
        validators=[required(REASON_MESSAGE), *free_text(REASON_LIMIT)],
        description="Skälet står i den nya versionen och i versionslistan.",
    )


class FinaliseForm(ConfirmForm):
    """The last step of marking the report final, with the report's version the page showed."""

    lock_version = HiddenField()

    def posted_lock(self) -> int | None:
        """Return the report's version the confirmation page showed, or None when not sent."""
        try:
            return int(self.lock_version.data)
        except (TypeError, ValueError):
            return None
