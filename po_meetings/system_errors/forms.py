"""Forms of the systemfel register: the guided report form, the list's filters and search, and
the small forms of the report page that move a report on."""

from __future__ import annotations

from datetime import date

from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..agendas.tree import numbered
from ..domain import DomainError
from ..forms import BaseForm, free_text, optional_id, options, required
from ..models import TAXONOMY, EscalationBody, Level, ReportStatus
from . import services

#: The questions of the reporting routine that must be answered before a report is submitted.
REQUIRED_TO_SUBMIT = ("description", "causes", "consequences", "system_view")
#: The choices a report needs before it is submitted (a draft may leave them open), and what
#: an unchosen one says beside its field.
CHOICES_TO_SUBMIT = {
    "level": "Välj en nivå innan du skickar in rapporten.",
    "category": "Välj en kategori innan du skickar in rapporten.",
}
_DATE_MESSAGE = "Skriv datumet som ÅÅÅÅ-MM-DD."


def category_choices(level: str | None = None) -> list[SelectChoice]:
    """Return the category options: one level's, or all of them grouped by level."""
    choices = [SelectChoice("", "– Välj kategori –")]
    if level and services.categories_of(level):
        choices += [SelectChoice(c.value, c.label) for c in services.categories_of(level)]
        return choices
    for lvl, categories in TAXONOMY.items():
        choices += [SelectChoice(c.value, c.label, optgroup=lvl.label) for c in categories]
    return choices


# -- the guided form ------------------------------------------------------------------------------


class ReportForm(BaseForm):
    """The guided form: one field per question of the reporting routine (seed 002, § 3.2).

    ``submitting`` says whether the report is to be submitted (every question of the routine but
    the proposal answered) or saved as a draft.
    """

    title = StringField("Rubrik", validators=[required("Ange en kort rubrik."), *free_text(200)])
    description = TextAreaField("Beskrivning", validators=free_text(10_000))
    causes = TextAreaField("Analys av orsaker", validators=free_text(10_000))
    consequences = TextAreaField("Konsekvenser", validators=free_text(10_000))
    fixer_organisation_id = SelectField("Organisation", coerce=optional_id)
    who_can_fix = StringField("… eller beskriv vem som kan åtgärda det", validators=free_text(300))
    proposal = TextAreaField("Förslag till lösning (frivilligt)", validators=free_text(10_000))
    system_view = TextAreaField("Systemperspektiv", validators=free_text(10_000))
    affected_organisation_ids = SelectMultipleField(
        "Berörda organisationer",
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    # Level and category are asked for on submission only (check_complete): a draft needs a title.
    # A post without them (a draft saved by a script or an older page) is "not chosen", not invalid.
    level = SelectField("Nivå", choices=options([(None, "– Välj nivå –"), *Level.choices()]), default="")
    category = SelectField("Kategori", default="")
    client_count = IntegerField(
        "Antal berörda klienter (frivilligt)",
        validators=[
            Optional(),
            NumberRange(min=0, max=100_000, message="Ange ett heltal från 0 till 100 000."),
        ],
    )

    def __init__(self, *args, submitting: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.submitting = submitting

    def set_choices(self, organisations) -> None:
        """Fill the organisation lists; the category list holds every level's categories."""
        orgs = [(o.id, o.name) for o in organisations]
        self.fixer_organisation_id.choices = options([(None, "– Ingen vald –"), *orgs])
        self.affected_organisation_ids.choices = options(orgs)
        self.category.choices = category_choices()

    def validate(self, extra_validators=None) -> bool:
        """Validate the answers; a report to be submitted must also be complete."""
        ok = super().validate(extra_validators)
        if self.submitting:
            ok = self.check_complete() and ok
        return ok

    def validate_category(self, field) -> None:
        """Refuse a category of another level with the taxonomy's own message."""
        if self.level.data and field.data:
            try:
                services.check_classification(self.level.data, field.data)
            except DomainError as error:
                raise ValidationError(str(error)) from None

    def check_complete(self) -> bool:
        """Before submitting: every question of the routine but the proposal is answered, and a
        level and a category are chosen."""
        ok = True
        missing = {name: "Fyll i fältet innan du skickar in rapporten." for name in REQUIRED_TO_SUBMIT}
        for name, message in (missing | CHOICES_TO_SUBMIT).items():
            field = self[name]
            if not (field.data or "").strip() and not field.errors:
                field.errors = [*field.errors, message]
                ok = False
        return ok

    def values(self) -> dict:
        """Return the answers as save_report takes them."""
        names = (
            "title",
            "description",
            "causes",
            "consequences",
            "fixer_organisation_id",
            "who_can_fix",
            "proposal",
            "system_view",
            "level",
            "category",
            "client_count",
            "affected_organisation_ids",
        )
        return {name: self[name].data for name in names}


# -- the list's filters ---------------------------------------------------------------------------

SORT_CHOICES = (
    ("newest", "Senast inskickade först"),
    ("oldest", "Äldst först"),
    ("number", "Nummer"),
    ("status", "Status"),
)


class ReportFilterForm(BaseForm):
    """The list's filters and search, read from the query string so a list can be bookmarked."""

    class Meta:
        csrf = False

    q = SearchField("Sök i rapporter")
    status = SelectField(
        "Status",
        choices=options([(None, "Alla utom utkast"), *ReportStatus.choices()]),
        validate_choice=False,
    )
    level = SelectField("Nivå", choices=options([(None, "Alla"), *Level.choices()]), validate_choice=False)
    category = SelectField("Kategori", validate_choice=False)
    # Two questions, so two filters: who can fix the error, and whom it affects.
    fixer = SelectField("Kan åtgärdas av", coerce=optional_id, validate_choice=False)
    affected = SelectField("Berörda organisationer", coerce=optional_id, validate_choice=False)
    owner = SelectField("Ansvarig", coerce=optional_id, validate_choice=False)
    reporter = SelectField("Rapportör", coerce=optional_id, validate_choice=False)
    year = SelectField("År", coerce=optional_id, validate_choice=False)
    sort = SelectField("Sortering", choices=options(SORT_CHOICES), validate_choice=False)

    def set_choices(self, organisations, owners, reporters, years) -> None:
        """Fill the lists of organisations, owners (memberships), reporters (users) and years."""
        everyone = [(None, "Alla")]
        self.category.choices = [SelectChoice("", "Alla"), *category_choices()[1:]]
        self.fixer.choices = options(everyone + [(o.id, o.name) for o in organisations])
        self.affected.choices = options(everyone + [(o.id, o.name) for o in organisations])
        self.owner.choices = options(everyone + [(m.id, m.user.name) for m in owners])
        self.reporter.choices = options(everyone + [(u.id, u.name) for u in reporters])
        self.year.choices = options(everyone + [(y, str(y)) for y in years])

    def value(self, name: str):
        """Return a filter's value if it is one of its choices, else None (an odd URL is ignored)."""
        field = self[name]
        allowed = {str(choice[0]) for choice in field.iter_choices()}
        data = field.data
        if data in (None, "") or str(data) not in allowed:
            return None
        return data


# -- the report page --------------------------------------------------------------------------------
# The report page's small forms. Their field names are what the routes and the issue promise
# (to, reason, meeting_id, owner_id …), so several forms on one page post the same names; the
# templates give each rendering its own ids.


def _date_field(label: str, default=None) -> DateField:
    """Return an optional date field with a Swedish message for a malformed date."""
    return DateField(label, default=default, validators=[Optional()], render_kw={"autocomplete": "off"})


def _count_field(label: str) -> IntegerField:
    """Return an optional, non-negative count."""
    return IntegerField(
        label,
        validators=[
            Optional(),
            NumberRange(min=0, max=100_000, message="Ange ett heltal från 0 och uppåt."),
        ],
    )


def _fix_parse_errors(form) -> None:
    """Replace WTForms' untranslated parsing messages (a date, a number) with Swedish ones."""
    for f in form:
        if f.errors and f.raw_data and f.raw_data[0] and f.data is None:
            if isinstance(f, DateField):
                f.errors[:] = [_DATE_MESSAGE]
            elif isinstance(f, IntegerField):
                f.errors[:] = ["Ange ett heltal, till exempel 3."]


def _owner_label(membership) -> str:
    """Return how an owner is shown in a select: name and organisation."""
    organisation = membership.organisation.name if membership.organisation else membership.role_label
    return f"{membership.user.name} ({organisation})"


class _ReportPageForm(BaseForm):
    """A report-page form: validation with Swedish messages for malformed dates and numbers."""

    def validate(self, extra_validators=None) -> bool:
        """Validate, then put Swedish messages on dates and numbers that could not be read."""
        ok = super().validate(extra_validators)
        _fix_parse_errors(self)
        return ok


class CommentForm(_ReportPageForm):
    """A comment on a report (Markdown)."""

    text = TextAreaField("Kommentar", validators=[required("Skriv en kommentar."), *free_text(10_000)])


class OccurrenceForm(_ReportPageForm):
    """Another time the error was met."""

    occurred_on = _date_field("När hände det?", default=date.today)
    municipality_id = SelectField("Kommun", coerce=optional_id)
    client_count = _count_field("Antal berörda klienter (frivilligt)")
    note = TextAreaField("Kort anteckning (valfri)", validators=free_text(2000))

    def set_choices(self, municipalities) -> None:
        """Offer the group's municipalities."""
        self.municipality_id.choices = options(
            [(None, "– Ingen särskild kommun –")] + [(m.id, m.name) for m in municipalities]
        )


def _escalation_fields(cls):
    """Add the escalation's fields to a form class."""
    cls.body = SelectField(
        "Till vilken instans?",
        choices=options([(None, "– Välj –")] + list(EscalationBody.choices())),
        validate_choice=False,  # the service refuses an unknown body in Swedish
    )
    cls.body_other = StringField("Annan instans", validators=free_text(200))
    cls.sent_on = _date_field("Skickad", default=date.today)
    cls.channel = StringField("Hur (brev, e-post, möte …)", validators=free_text(200))
    cls.reply_expected_by = _date_field("Svar väntas senast (frivilligt)")
    return cls


def escalation_values(form) -> dict:
    """Return the escalation fields of a form as the services take them."""
    return {
        "body": form.body.data or None,
        "body_other": form.body_other.data,
        "sent_on": form.sent_on.data,
        "channel": form.channel.data,
        "reply_expected_by": form.reply_expected_by.data,
    }


@_escalation_fields
class TransitionForm(_ReportPageForm):
    """Move a report to another status, with what that move needs."""

    to = HiddenField("Ny status")
    reason = TextAreaField("Anteckning", validators=free_text(5000))
    meeting_id = SelectField("Möte", coerce=optional_id)
    agenda_item_id = SelectField("Dagordningspunkt (valfri)", coerce=optional_id)
    owner_id = SelectField("Ansvarig", coerce=optional_id)
    next_review_on = _date_field("Nästa uppföljning")

    def set_choices(self, meetings, owners) -> None:
        """Offer the group's meetings (newest first), their agenda items and the possible owners."""
        self.use_choices(self.choices_for(meetings, owners))

    @staticmethod
    def choices_for(meetings, owners) -> dict[str, list]:
        """Return the choices of each select, made once for all the move forms of a page."""
        items = []
        for m in meetings:
            for top in numbered(m.items):
                for entry in (top, *top.children):
                    items.append(
                        (entry.item.id, f"{m.starts_at:%Y-%m-%d}: {entry.number}. {entry.item.title}")
                    )
        return {
            "meeting_id": options(
                [(None, "– Välj möte –")] + [(m.id, f"{m.starts_at:%Y-%m-%d} {m.title}") for m in meetings]
            ),
            "agenda_item_id": options([(None, "– Ingen särskild punkt –")] + items),
            "owner_id": options([(None, "– Välj ansvarig –")] + [(o.id, _owner_label(o)) for o in owners]),
        }

    def use_choices(self, choices: dict[str, list]) -> None:
        """Offer choices made by :meth:`choices_for` (a field does not change its choices)."""
        for name, offered in choices.items():
            self[name].choices = offered

    def status(self) -> ReportStatus | None:
        """Return the status the report is to move to (None for one a report cannot move to)."""
        try:
            to = ReportStatus(self.to.data)
        except ValueError:
            return None
        return None if to == ReportStatus.DRAFT else to

    def validate_to(self, field) -> None:
        """Refuse a status that is not one of the register's."""
        if self.status() is None:
            raise ValidationError("Välj en giltig status.")


@_escalation_fields
class EscalationForm(_ReportPageForm):
    """Escalate a report (again) to a body outside the group."""

    reason = TextAreaField("Anteckning (valfri)", validators=free_text(5000))


class ReplyForm(_ReportPageForm):
    """The reply to an escalation."""

    received_on = _date_field("Svaret kom", default=date.today)
    reply = TextAreaField("Svaret i korthet", validators=free_text(10_000))
    outcome = TextAreaField("Utfall (frivilligt)", validators=free_text(10_000))


class ReclassifyForm(_ReportPageForm):
    """Change level and category after analysis."""

    level = SelectField("Nivå", choices=options([(None, "– Välj –")] + list(Level.choices())))
    category = SelectField(
        "Kategori",
        choices=options(
            [(None, "– Välj –")]
            + [(c.value, f"{level.label}: {c.label}") for level, cats in TAXONOMY.items() for c in cats]
        ),
    )


class OwnerForm(_ReportPageForm):
    """Give a report an owner and a next review date."""

    owner_id = SelectField("Ansvarig", coerce=optional_id)
    next_review_on = _date_field("Nästa uppföljning")

    def set_choices(self, owners) -> None:
        """Offer the group's members and substitutes."""
        self.owner_id.choices = options(
            [(None, "– Välj ansvarig –")] + [(o.id, _owner_label(o)) for o in owners]
        )


class ConfidentialityForm(_ReportPageForm):
    """Mark a report confidential (1) or not (0)."""

    confidential = SelectField("Sekretess", choices=options([("1", "Sekretess"), ("0", "Ingen sekretess")]))

    def is_confidential(self) -> bool:
        """Return whether the report is to be confidential."""
        return self.confidential.data == "1"
