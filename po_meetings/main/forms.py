"""Forms of the start page: one-click buttons for an uppdrag and for the answer to a kallelse."""

from __future__ import annotations

from wtforms import HiddenField, SelectField

from ..forms import BaseForm, optional_id, options, required
from ..models import ActionStatus, Answer

#: The steps an uppdrag's owner takes from the start page (striking one needs a reason: the
#: follow-up page does that).
START_STEPS = (ActionStatus.IN_PROGRESS, ActionStatus.DONE)


class ActionStepForm(BaseForm):
    """Mark an uppdrag påbörjad or klar (the pressed button carries the status)."""

    status = SelectField(
        "Status",
        choices=options([(s.value, s.label) for s in START_STEPS]),
        validators=[required("Välj påbörjad eller klar.")],
    )


class CallAnswerForm(BaseForm):
    """Answer a kallelse from the start page: the pressed button carries the answer; the hidden
    field says whose answer it is, so that a page left open under another membership is refused."""

    answer = SelectField(
        "Svar", choices=options(Answer.choices()), validators=[required("Välj deltar eller förhinder.")]
    )
    membership_id = HiddenField("Medlemskap")

    def whose(self) -> int | str | None:
        """Return the membership the answer is for (an id, or what was sent if it is none)."""
        return optional_id(self.membership_id.data)
