"""Forms for the minutes page: officers, attendance, §§, guests, jäv, justering and rättelser.

Several copies of a form can sit on the page at once (one per § or attendance row); each gets its
own ``prefix`` so that element ids stay unique and labels point at the right field.
"""

from __future__ import annotations

from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from ..forms import BaseForm, free_text, optional_id, options, required
from ..models import Presence


def _names(memberships) -> list[tuple[int, str]]:
    """Return (id, "Name (role)") pairs for a select of members."""
    return [(m.id, f"{m.user.name} ({m.role_label.lower()})") for m in memberships]


class OfficersForm(BaseForm):
    """The meeting's chair, secretary and one or two justerare."""

    chair_id = SelectField("Mötesordförande", coerce=optional_id, validators=[Optional()])
    secretary_id = SelectField("Sekreterare", coerce=optional_id, validators=[Optional()])
    adjuster_id = SelectField("Justerare", coerce=optional_id, validators=[Optional()])
    second_adjuster_id = SelectField("Andra justerare (valfri)", coerce=optional_id, validators=[Optional()])
    #: what a partly refused save did save (shown above the form with the other fields' messages)
    saved_notice: str | None = None

    def set_choices(self, chairs, seats) -> None:
        """Offer ordinary members as chair and members with a seat as secretary and justerare."""
        self.chair_id.choices = options([(None, "Välj ordförande")] + _names(chairs))
        for select in (self.secretary_id, self.adjuster_id, self.second_adjuster_id):
            select.choices = options([(None, "Ingen vald")] + _names(seats))


class AttendanceForm(BaseForm):
    """One person's presence, whom a substitute serves for, and a late arrival or early leave."""

    presence = RadioField("Närvaro", validators=[InputRequired("Välj närvaro.")])
    serving_for_id = SelectField("Tjänstgör för", coerce=optional_id, validators=[Optional()])
    arrived_at_id = SelectField("Kom vid", coerce=optional_id, validators=[Optional()])
    left_after_id = SelectField("Gick efter", coerce=optional_id, validators=[Optional()])

    def set_choices(self, ordinary, paragraphs) -> None:
        """Offer the presences, the members one may serve for and the §§ of the meeting."""
        self.presence.choices = options(Presence.choices())
        self.serving_for_id.choices = options([(None, "Tjänstgör inte")] + _names(ordinary))
        labels = [(p.id, p.label) for p in paragraphs]
        self.arrived_at_id.choices = options([(None, "Från början")] + labels)
        self.left_after_id.choices = options([(None, "Till slutet")] + labels)


class AttendanceListForm(BaseForm):
    """Everyone's attendance in one form and one save: one :class:`AttendanceForm` per person.

    The rows keep their own prefixes (``attendance-<membership id>``), so each field's id and label
    stay unique on the page; the list validates them all.
    """

    def __init__(self, rows: dict | None = None, **kwargs) -> None:
        super().__init__(prefix="attendance-list", **kwargs)
        #: membership id → that person's AttendanceForm, in the page's order
        self.rows = rows or {}

    def validate(self, extra_validators=None) -> bool:
        """Validate the form and every person's row."""
        ok = super().validate(extra_validators)
        for row in self.rows.values():
            ok = row.validate() and ok
        return ok

    @property
    def has_errors(self) -> bool:
        """Return whether the list or any row has a message to show."""
        return bool(self.form_errors) or any(row.errors for row in self.rows.values())


class ParagraphForm(BaseForm):
    """A §'s title and text, with the version the writer started from (optimistic lock)."""

    title = StringField("Rubrik", validators=[required("Ange en rubrik."), *free_text(200)])
    body = TextAreaField("Text", validators=free_text(50_000))
    version = HiddenField()

    def version_number(self) -> int | None:
        """Return the version the writer started from, or None if it is missing."""
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class NewParagraphForm(BaseForm):
    """A new § for a matter raised at the meeting."""

    title = StringField(
        "Rubrik för den nya paragrafen", validators=[required("Ange en rubrik."), *free_text(200)]
    )


class GuestForm(BaseForm):
    """Someone else present at one §."""

    name = StringField("Namn", validators=[required("Skriv namnet."), *free_text(200)])
    description = StringField("Titel eller organisation", validators=free_text(200))


class RecusalForm(BaseForm):
    """A member who is jävig in one §."""

    membership_id = SelectField("Jävig", coerce=optional_id, validators=[required("Välj vem som är jävig.")])
    ground = StringField(
        "Jävsgrund",
        validators=[
            required("Skriv jävsgrunden, till exempel släktskap eller eget intresse."),
            *free_text(500),
        ],
    )

    def set_choices(self, memberships) -> None:
        """Offer the voters present at the § (only they can be jäviga)."""
        self.membership_id.choices = options([(None, "Välj person")] + _names(memberships))


class ConfidentialForm(BaseForm):
    """Mark a § confidential or open."""

    confidential = HiddenField()

    def wanted(self) -> bool:
        """Return whether the § should become confidential."""
        return self.confidential.data in ("1", "true", "on")


class JusteraForm(BaseForm):
    """Approve the minutes, or send them back with comments."""

    verdict = HiddenField()
    comment = TextAreaField("Synpunkter", validators=free_text(10_000))

    def approves(self) -> bool:
        """Return whether the approver approves (the button pressed says so)."""
        return self.verdict.data == "approve"


class WithdrawJusteringForm(BaseForm):
    """Take back one's own justering, with a reason."""

    reason = TextAreaField(
        "Varför tar du tillbaka din justering?", validators=[required("Skriv skälet."), *free_text(10_000)]
    )


class CorrectionForm(BaseForm):
    """A rättelse to justerade minutes."""

    paragraph_id = SelectField("Gäller", coerce=optional_id, validators=[Optional()])
    text = TextAreaField("Rättelse", validators=[required("Skriv rättelsen."), *free_text(10_000)])
    reason = TextAreaField(
        "Varför rättas protokollet?", validators=[required("Skriv skälet."), *free_text(2000)]
    )

    def set_choices(self, paragraphs) -> None:
        """Offer the §§ the writer may see (or the minutes as a whole)."""
        self.paragraph_id.choices = options(
            [(None, "Hela protokollet")] + [(p.id, str(p)) for p in paragraphs]
        )
