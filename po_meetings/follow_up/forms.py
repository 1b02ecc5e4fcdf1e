"""Forms of the follow-up page: an action item's status, an organisation's återrapport."""

from __future__ import annotations

from wtforms import SelectField, TextAreaField

from ..forms import BaseForm, free_text, options, required
from ..models import ActionStatus


class ActionStatusForm(BaseForm):
    """Move an uppdrag on: ej påbörjad, pågår, klar or struken (with a reason)."""

    status = SelectField(
        "Status",
        choices=options(ActionStatus.choices()),
        validators=[required("Välj en status för uppdraget.")],
    )
    reason = TextAreaField("Skäl (krävs om uppdraget stryks)", validators=free_text(2000))


class FollowUpDoneForm(BaseForm):
    """Mark an organisation's återrapportering done, with what it answered."""

    note = TextAreaField("Organisationens svar", validators=free_text(5000))
