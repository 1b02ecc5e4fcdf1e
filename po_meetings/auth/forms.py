"""Forms for login, the user's own password and how often they are told of changes."""

from wtforms import PasswordField, RadioField
from wtforms.validators import AnyOf, EqualTo, Length

from ..forms import BaseForm, email_field, options, required
from ..models import NOTIFY_FREQUENCY_LABELS
from ..notifications.services import INVALID_FREQUENCY

PASSWORD_MIN = 10


def new_password_validators() -> list:
    """Return the rules for a new password."""
    return [
        required("Välj ett lösenord."),
        Length(min=PASSWORD_MIN, max=200, message=f"Lösenordet ska ha minst {PASSWORD_MIN} tecken."),
    ]


class LoginForm(BaseForm):
    """Log in with e-mail and password (field names are relied on by tools)."""

    email = email_field("E-postadress")
    password = PasswordField("Lösenord", validators=[required("Fyll i lösenordet.")])


class ChangePasswordForm(BaseForm):
    """Change one's own password."""

    current_password = PasswordField(
        "Nuvarande lösenord", validators=[required("Fyll i ditt nuvarande lösenord.")]
    )
    new_password = PasswordField("Nytt lösenord", validators=new_password_validators())
    confirm_password = PasswordField(
        "Upprepa det nya lösenordet",
        validators=[
            required("Upprepa det nya lösenordet."),
            EqualTo("new_password", message="Lösenorden stämmer inte överens."),
        ],
    )


class NotificationsForm(BaseForm):
    """How often to be told of changes: at once, a daily or weekly digest, or not at all."""

    frequency = RadioField(
        "Aviseringar",
        choices=options((choice.value, label) for choice, label in NOTIFY_FREQUENCY_LABELS.items()),
        validate_choice=False,
        validators=[
            required(INVALID_FREQUENCY),
            AnyOf([choice.value for choice in NOTIFY_FREQUENCY_LABELS], message=INVALID_FREQUENCY),
        ],
    )
