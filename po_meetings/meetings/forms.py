"""Forms for meetings, their agenda items, proposals, answers and status changes."""

from __future__ import annotations

from datetime import datetime, timedelta

from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from ..forms import BaseForm, free_text, optional_id, options, required
from ..models import Answer, ItemType, MeetingKind

VIDEO_SCHEMES = ("https://", "http://")


class MeetingForm(BaseForm):
    """A meeting's title, time (Europe/Stockholm) and place or video link."""

    title = StringField("Rubrik", validators=free_text(200))
    day = DateField(
        "Datum",
        validators=[InputRequired("Ange datum.")],
        render_kw={"autocomplete": "off"},
    )
    starts = TimeField("Börjar", validators=[InputRequired("Ange när mötet börjar.")])
    ends = TimeField("Slutar", validators=[Optional()])
    place = StringField("Plats", validators=free_text(200))
    video_link = StringField("Länk till videomöte", validators=free_text(500))

    def validate_ends(self, field) -> None:
        """Refuse an end that is not after the start."""
        if field.data is not None and self.starts.data is not None and field.data <= self.starts.data:
            raise ValidationError("Mötet måste sluta efter att det börjar.")

    def validate_place(self, field) -> None:
        """Ask for a place, a video link or both."""
        if not (field.data or "").strip() and not (self.video_link.data or "").strip():
            raise ValidationError("Ange en plats, en länk till videomötet eller båda.")

    def validate_video_link(self, field) -> None:
        """Accept only a web address for the video meeting."""
        link = (field.data or "").strip()
        if link and (not link.lower().startswith(VIDEO_SCHEMES) or link.lower() in VIDEO_SCHEMES):
            raise ValidationError("Länken till videomötet ska börja med https://")

    def end_clock(self, default_minutes: int):
        """Return the end time: the one typed, or the start plus the default length."""
        if self.ends.data is not None:
            return self.ends.data
        start = datetime.combine(self.day.data, self.starts.data)
        end = start + timedelta(minutes=default_minutes)
        # A default that runs past midnight is refused by the length rule; keep the clock sane.
        return end.time() if end.date() == start.date() else self.starts.data


class EditMeetingForm(MeetingForm):
    """A meeting's details after it is created: the title is required."""

    title = StringField("Rubrik", validators=[required("Ange en rubrik."), *free_text(200)])


class NewMeetingForm(MeetingForm):
    """A new meeting from one of the group's agenda templates."""

    template_id = SelectField("Dagordningsmall", coerce=optional_id)
    kind = SelectField("Mötestyp", choices=[])

    def set_choices(self, templates) -> None:
        """Offer the group's templates (and an empty agenda) and the meeting kinds."""
        self.template_id.choices = options(
            [(t.id, f"{t.name} ({t.meeting_minutes} minuter)") for t in templates]
            + [(None, "Ingen mall – tom dagordning")]
        )
        self.kind.choices = options([("", "Som mallen")] + MeetingKind.choices())


class AgendaItemForm(BaseForm):
    """An agenda item: title, type, presenter, description, time box and confidentiality."""

    title = StringField("Rubrik", validators=[required("Ange en rubrik."), *free_text(200)])
    item_type = SelectField("Typ", choices=options(ItemType.choices()), default=ItemType.INFORMATION.value)
    presenter_id = SelectField("Föredragande", coerce=optional_id)
    minutes = IntegerField(
        "Tid i minuter",
        validators=[Optional(), NumberRange(min=1, message="Tiden ska vara minst 1 minut.")],
    )
    description = TextAreaField("Beskrivning", validators=free_text(20_000))
    is_confidential = BooleanField("Sekretess: visas inte för ombud och adjungerade")

    def set_choices(self, members) -> None:
        """Offer the group's active members as presenters."""
        self.presenter_id.choices = options(
            [(None, "– Ingen –")] + [(m.id, f"{m.user.name} ({m.role_label})") for m in members]
        )


class NewAgendaItemForm(AgendaItemForm):
    """A new item, at the end of the agenda or as a sub-item of an item."""

    parent_id = SelectField("Placering", coerce=optional_id)

    def set_parents(self, numbered) -> None:
        """Offer the top-level items as parents."""
        self.parent_id.choices = options(
            [(None, "Ny punkt sist på dagordningen")]
            + [(entry.item.id, f"Underpunkt till {entry.number}. {entry.item.title}") for entry in numbered]
        )


class ProposalForm(BaseForm):
    """A proposed agenda item."""

    title = StringField("Rubrik", validators=[required("Ange en rubrik."), *free_text(200)])
    description = TextAreaField("Beskrivning", validators=free_text(5000))


class AcceptProposalForm(BaseForm):
    """Where an accepted proposal goes on the agenda, and its time box."""

    parent_id = SelectField("Placering", coerce=optional_id)
    minutes = IntegerField(
        "Tid i minuter",
        validators=[Optional(), NumberRange(min=1, message="Tiden ska vara minst 1 minut.")],
    )

    def set_parents(self, numbered) -> None:
        """Offer a main item of its own (before Övrigt) or a sub-item of a main item."""
        self.parent_id.choices = options(
            [(None, "Egen huvudpunkt, före Övrigt")]
            + [(entry.item.id, f"Underpunkt till {entry.number}. {entry.item.title}") for entry in numbered]
        )


class ReasonForm(BaseForm):
    """A short reason: why a proposal is declined or a meeting cancelled."""

    reason = TextAreaField("Skäl", validators=[required("Skriv ett kort skäl."), *free_text(1000)])


class AnswerForm(BaseForm):
    """A member's answer to the kallelse."""

    answer = SelectField(
        "Svar", choices=options(Answer.choices()), validators=[required("Välj deltar eller förhinder.")]
    )


class MoveForm(BaseForm):
    """Move an item up or down."""

    direction = SelectField(
        "Riktning",
        choices=options([("up", "Upp"), ("down", "Ned")]),
        validators=[required("Ange upp eller ned.")],
    )
