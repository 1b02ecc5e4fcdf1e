"""Forms for agenda templates and their items."""

from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import TextInput

from ..domain import DomainError
from ..forms import BaseForm, free_text, optional_id, options, required
from ..models import ItemType, MeetingKind, StandingKind
from . import tree
from .services import MAX_GUIDANCE, MAX_MEETING_MINUTES


def optional_value(value):
    """Coerce a select value to a string, or None for the empty choice."""
    return value or None


class WholeNumberField(IntegerField):
    """An integer field whose "not a number" message says what to type, in Swedish.

    It is a text input (with inputmode="numeric" in the template): a number input would hide
    what was typed when it is not a number, and the message would point at an empty field.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, message="Skriv ett heltal, till exempel 15.", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.number_message = message

    def process_formdata(self, valuelist):
        """Read the typed number; spaces around it are fine, anything else is refused."""
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError:
            self.data = None
            raise ValueError(self.number_message) from None


def number_between(low: int, high: int, missing: str, out_of_range: str):
    """Return a validator for a required whole number in a range (silent if it was not a number)."""

    def validate(form, field) -> None:
        if field.process_errors:
            raise StopValidation()
        if field.data is None:
            raise StopValidation(missing)
        if not low <= field.data <= high:
            raise ValidationError(out_of_range)

    return validate


class TemplateForm(BaseForm):
    """A template's name, kind, meeting length and cap on new system errors."""

    name = StringField("Mallens namn", validators=[required("Ange ett namn på mallen."), *free_text(200)])
    kind = SelectField(
        "Mötestyp", choices=options(MeetingKind.choices()), default=MeetingKind.OPERATIVE.value
    )
    meeting_minutes = WholeNumberField(
        "Mötets längd i minuter",
        message="Skriv mötets längd som ett heltal, till exempel 120.",
        validators=[
            number_between(
                15,
                MAX_MEETING_MINUTES,
                "Ange mötets längd i minuter.",
                f"Ange en längd mellan 15 och {MAX_MEETING_MINUTES} minuter.",
            )
        ],
        default=120,
    )
    max_new_system_errors = WholeNumberField(
        "Högst antal nya systemfel per möte",
        message="Skriv antalet som ett heltal, till exempel 5.",
        validators=[
            number_between(
                0,
                50,
                "Ange hur många nya systemfel ett möte högst tar upp.",
                "Ange ett antal mellan 0 och 50.",
            )
        ],
        default=5,
    )


class NewTemplateForm(TemplateForm):
    """A new template, empty or starting as a copy of another."""

    copy_from = SelectField("Utgå från", coerce=optional_id)

    def set_choices(self, templates) -> None:
        """Offer the group's templates to start from."""
        self.copy_from.choices = options(
            [(None, "– En tom mall –")] + [(t.id, f"En kopia av {t.name}") for t in templates]
        )


class ItemForm(BaseForm):
    """An item's title, time box, type, standing kind and guidance."""

    title = StringField("Rubrik", validators=[required("Ange en rubrik."), *free_text(200)])
    minutes = WholeNumberField("Tid i minuter", message="Skriv tiden som ett heltal, till exempel 15.")
    item_type = SelectField(
        "Typ av punkt", choices=options(ItemType.choices()), default=ItemType.INFORMATION.value
    )
    standing_kind = SelectField(
        "Fylls i automatiskt från gruppens register",
        choices=options([(None, "– Nej, fylls i för hand –")] + StandingKind.choices()),
        coerce=optional_value,
    )
    guidance = TextAreaField("Vägledning", validators=free_text(MAX_GUIDANCE))

    def __init__(self, *args, limit: int = MAX_MEETING_MINUTES, is_sub_item: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = limit
        self.is_sub_item = is_sub_item

    def validate_minutes(self, field) -> None:
        """Require a time box on a main item; refuse zero, negative or longer than the meeting."""
        if field.errors:
            return  # not a number: that message is enough
        try:
            tree.check_minutes(field.data, self.limit, required=not self.sub_item)
        except DomainError as error:
            raise ValidationError(str(error)) from None

    @property
    def sub_item(self) -> bool:
        """Return whether the item is (or becomes) a sub-item, whose time box is optional."""
        return self.is_sub_item


class NewItemForm(ItemForm):
    """A new item at the end of the template, or a sub-item at the end of a section."""

    parent_id = SelectField("Var ska punkten stå?", coerce=optional_id)

    def set_choices(self, sections) -> None:
        """Offer a new main item or a sub-item under any of the sections (top-level items)."""
        self.parent_id.choices = options(
            [(None, "Som ny huvudpunkt sist i mallen")]
            + [(s.id, f"Som underpunkt under {s.title}") for s in sections]
        )

    @property
    def sub_item(self) -> bool:
        """Return whether the new item goes under a section."""
        return self.parent_id.data is not None
