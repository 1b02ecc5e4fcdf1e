"""Forms for the decisions part of a §: decisions, votes, reservations, notes, action items, reports."""

from __future__ import annotations

from flask import request
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, Optional, ValidationError

from ..domain import DomainError
from ..forms import BaseForm, free_text, optional_id, options, required
from ..inputs import parse_id
from ..models import DecisionMethod, EscalationBody, VoteChoice

#: The names of a decision's methods as the form offers them.
METHOD_LABELS = {
    DecisionMethod.CONSENSUS.value: "Konsensus (beslut i enighet)",
    DecisionMethod.VOTE.value: "Votering (röster räknas och antecknas)",
}
#: What linking a report can do, as the form offers it.
EFFECT_LABELS = {
    "link": "Bara koppla rapporten till beslutet",
    "take_up": "Ta upp rapporten på mötet",
    "set_owner": "Utse ansvarig",
    "escalate": "Eskalera",
}
#: The prefix of the vote radio groups: ``vote-<membership id>``.
VOTE_PREFIX = "vote-"


def _date_field(label: str) -> DateField:
    """Return an optional date field."""
    return DateField(label, validators=[Optional()], render_kw={"autocomplete": "off"})


def _an_id(field, message: str, required: bool) -> None:
    """Refuse a select value that is not one of the offered ids (or no value when one is needed)."""
    if field.data is None and not required:
        return
    if not isinstance(field.data, int):
        raise ValidationError(message)


def member_label(membership) -> str:
    """Return a member as a select shows them: name and organisation (or role)."""
    organisation = membership.organisation.name if membership.organisation else membership.role_label
    return f"{membership.user.name} ({organisation})"


class DecisionForm(BaseForm):
    """A new decision: its att-clauses, konsensus or votering, and the economic-mandate flag."""

    text = TextAreaField("Beslut", validators=[required("Skriv beslutet."), *free_text(20_000)])
    method = RadioField(
        "Beslutsform",
        choices=options(METHOD_LABELS.items()),
        default=DecisionMethod.CONSENSUS.value,
        validators=[required("Välj konsensus eller votering.")],
    )
    needs_organisation_approval = BooleanField(
        "Utan ekonomiskt mandat – återrapportering från varje organisation"
    )


class EditDecisionForm(BaseForm):
    """A decision's text and economic-mandate flag (the method stays as it was taken)."""

    text = TextAreaField("Beslut", validators=[required("Skriv beslutet."), *free_text(20_000)])
    needs_organisation_approval = BooleanField(
        "Utan ekonomiskt mandat – återrapportering från varje organisation"
    )


class VotesForm(BaseForm):
    """A votering: one ja/nej/avstår radio group per voter, named ``vote-<membership id>``.

    The groups are not WTForms fields: every group sent is passed on to the service, so that a
    vote by someone who may not vote, or a second vote by one person, gets the service's refusal
    instead of being silently dropped. A refusal goes among the form's own errors.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sent = request.form  # the radio groups, read by votes() and chosen()

    def validate(self, extra_validators=None) -> bool:
        """Check the form's token; an expired form asks for a reload."""
        if super().validate(extra_validators):
            return True
        self.form_errors.append("Formuläret har gått ut. Ladda om sidan och försök igen.")
        return False

    def votes(self) -> list[tuple[int, str]]:
        """Return the (membership id, choice) pairs sent, in the order sent; blank groups are skipped."""
        pairs = []
        for key in self.sent:
            if not key.startswith(VOTE_PREFIX):
                continue
            raw = key[len(VOTE_PREFIX) :]
            if parse_id(raw) is None:  # "²".isdigit() is true; int() refuses it
                raise DomainError("Rösten gäller ingen person i gruppen.")
            for choice in self.sent.getlist(key):
                if choice:
                    pairs.append((int(raw), choice))
        return pairs

    def chosen(self) -> dict[int, str]:
        """Return the choice sent for each voter (to fill the form again after a refusal)."""
        chosen = {}
        for key in self.sent:
            raw = key[len(VOTE_PREFIX) :]
            if key.startswith(VOTE_PREFIX) and parse_id(raw) is not None:
                chosen[int(raw)] = self.sent.get(key)
        return chosen


#: The choices a voter has, for the radio groups.
VOTE_CHOICES = VoteChoice.choices()


class ReservationForm(BaseForm):
    """A reservation: who reserves, and the motivation if it is already written."""

    membership_id = SelectField("Vem reserverar sig?", coerce=optional_id, validate_choice=False)
    motivation = TextAreaField("Motivering (kan lämnas senare)", validators=free_text(10_000))

    def validate_membership_id(self, field) -> None:
        """Ask who reserves."""
        _an_id(field, "Välj vem som reserverar sig.", required=True)

    def set_choices(self, members) -> None:
        """Offer those who may reserve."""
        self.membership_id.choices = options([(m.id, member_label(m)) for m in members])


class MotivationForm(BaseForm):
    """A reservation's written motivation."""

    motivation = TextAreaField("Motivering", validators=[required("Skriv motiveringen."), *free_text(10_000)])


class NoteForm(BaseForm):
    """A protokollsanteckning: its text, and for the secretary whom it is for."""

    membership_id = SelectField("Vem begär anteckningen?", coerce=optional_id, validate_choice=False)
    text = TextAreaField(
        "Protokollsanteckning", validators=[required("Skriv vad som ska antecknas."), *free_text(10_000)]
    )

    def validate_membership_id(self, field) -> None:
        """Refuse a value that is not a person (none means the one asking)."""
        _an_id(field, "Välj en person i listan.", required=False)

    def set_choices(self, members) -> None:
        """Offer those present at the § (the writer enters a note on someone's behalf)."""
        self.membership_id.choices = options([(m.id, member_label(m)) for m in members])


class NoteVerdictForm(BaseForm):
    """The chair's answer to a protokollsanteckning (the button pressed)."""

    verdict = SelectField(
        "Beslut",
        choices=options([("accept", "För in anteckningen"), ("decline", "För inte in anteckningen")]),
        validate_choice=False,  # one message for a missing and an unknown answer
        validators=[AnyOf(["accept", "decline"], message="Välj godkänn eller avslå.")],
    )


class ActionForm(BaseForm):
    """An uppdrag from a decision: what, who and by when."""

    title = StringField("Uppdrag", validators=[required("Skriv vad som ska göras."), *free_text(300)])
    owner_id = SelectField("Ansvarig", coerce=optional_id, validate_choice=False)
    due_on = _date_field("Klart senast (frivilligt)")

    def validate_owner_id(self, field) -> None:
        """Refuse a value that is not a person (the service asks for a missing owner)."""
        _an_id(field, "Välj en person i listan.", required=False)

    def field_for(self, refusal: str):
        """Return the field a refusal of the uppdrag is about: the date, the owner, else the title."""
        if "slutdatum" in refusal:
            return self.due_on
        if "ansvar" in refusal:
            return self.owner_id
        return self.title

    def set_choices(self, members) -> None:
        """Offer the group's members and substitutes as owners."""
        self.owner_id.choices = options(
            [(None, "– Välj ansvarig –")] + [(m.id, member_label(m)) for m in members]
        )


class ReportLinkForm(BaseForm):
    """Link a system error to a decision, and what the decision does with it."""

    report_id = SelectField("Systemfel", coerce=optional_id, validate_choice=False)
    effect = RadioField(
        "Vad gör beslutet med rapporten?",
        choices=options(EFFECT_LABELS.items()),
        default="link",
        validators=[required("Välj vad beslutet gör med rapporten.")],
    )
    owner_id = SelectField("Ansvarig (vid utse ansvarig)", coerce=optional_id, validate_choice=False)
    next_review_on = _date_field("Nästa uppföljning (vid utse ansvarig)")
    body = SelectField(
        "Eskaleras till (vid eskalering)",
        choices=options([(None, "– Välj –"), *EscalationBody.choices()]),
        validate_choice=False,  # the register refuses an unknown body in Swedish
    )
    body_other = StringField("Annan instans", validators=free_text(200))
    sent_on = _date_field("Eskaleringen skickades (vid eskalering)")

    def set_choices(self, reports, members) -> None:
        """Offer the group's submitted reports (open ones first) and the possible owners."""
        self.report_id.choices = options(
            [(None, "– Välj rapport –")]
            + [(r.id, f"{r.number} {r.title} ({r.status_label.lower()})") for r in reports]
        )
        self.owner_id.choices = options(
            [(None, "– Välj ansvarig –")] + [(m.id, member_label(m)) for m in members]
        )

    def escalation(self) -> dict:
        """Return the escalation's values for the register."""
        return {
            "body": self.body.data or None,
            "body_other": self.body_other.data,
            "sent_on": self.sent_on.data,
        }
