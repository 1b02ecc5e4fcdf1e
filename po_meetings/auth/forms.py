"""Forms for login and the user's own password."""

from wtforms import PasswordField
from wtforms.validators import EqualTo, Length

from ..forms import BaseForm, email_field, required

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
