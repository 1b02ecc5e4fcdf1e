"""Forms for accounts, organisations and groups."""

from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from ..auth.forms import new_password_validators
from ..auth.services import find_user_by_email
from ..forms import BaseForm, email_field, free_text, optional_id, options, required
from ..groups.services import parse_municipalities
from ..models import ORGANISATION_KIND_LABELS


class UserForm(BaseForm):
    """An account's details."""

    name = StringField("Namn", validators=[required("Fyll i namnet."), *free_text(200)])
    email = email_field("E-postadress (inloggning)")
    title = StringField("Titel", validators=free_text(200))
    organisation_id = SelectField("Organisation", coerce=optional_id)
    is_admin = BooleanField("Systemadministratör (skapar grupper och konton, ser inte gruppernas innehåll)")

    def set_choices(self, organisations) -> None:
        """Fill the organisation select."""
        self.organisation_id.choices = options(
            [(None, "– Ingen –")] + [(o.id, o.name) for o in organisations]
        )


class NewUserForm(UserForm):
    """A new account with its first password."""

    password = PasswordField("Lösenord", validators=new_password_validators())


class PasswordResetForm(BaseForm):
    """A new password set by the administrator."""

    password = PasswordField("Nytt lösenord", validators=new_password_validators())


class OrganisationForm(BaseForm):
    """An organisation and its kind."""

    name = StringField("Namn", validators=[required("Fyll i organisationens namn."), *free_text(200)])
    kind = SelectField(
        "Typ av organisation",
        choices=options((kind.value, label) for kind, label in ORGANISATION_KIND_LABELS.items()),
        validators=[required("Välj typ av organisation.")],
    )


class GroupForm(BaseForm):
    """A group's name, municipalities and defaults."""

    name = StringField("Gruppens namn", validators=[required("Fyll i gruppens namn."), *free_text(200)])
    municipalities = TextAreaField(
        "Kommuner som gruppen arbetar för",
        validators=[required("Ange minst en kommun."), *free_text(2000)],
    )
    default_meeting_minutes = IntegerField(
        "Mötets längd i minuter (förval)",
        default=120,
        validators=[
            # Not required(): DataRequired takes 0 for a missing value and hides "not a number".
            InputRequired("Ange mötets längd i minuter."),
            NumberRange(min=15, max=600, message="Ange en längd mellan 15 och 600 minuter."),
        ],
    )
    is_confidential_by_default = BooleanField(
        "Det gruppen diskuterar är sekretessbelagt tills gruppen beslutar annat", default=True
    )

    def validate_municipalities(self, field) -> None:
        """Refuse a list of only commas and blanks here, so the message sits beside this field."""
        if not parse_municipalities(field.data):
            raise ValidationError("Ange minst en kommun.")


NO_ACCOUNT = "Det finns inget konto med den e-postadressen. Skapa kontot först."


def _find_account(field):
    """Return the account named in a validated e-mail field, or put the refusal beside the field."""
    account = find_user_by_email(field.data)
    if account is None:
        field.errors.append(NO_ACCOUNT)
    return account


class NewGroupForm(GroupForm):
    """A new group and its first chair."""

    chair_email = email_field("Ordförandens e-postadress")

    #: The chair's account (found when the rest of the form is valid).
    chair = None

    def validate(self, extra_validators=None) -> bool:
        """Validate the fields, then find the chair's account (it is created first)."""
        if not super().validate(extra_validators):
            return False
        self.chair = _find_account(self.chair_email)
        return self.chair is not None


class AppointChairForm(BaseForm):
    """Appoint a new chair of a group."""

    email = email_field("Den nya ordförandens e-postadress")

    #: The new chair's account (found when the e-mail address is valid).
    account = None

    def validate(self, extra_validators=None) -> bool:
        """Validate the address, then find the new chair's account (it is created first)."""
        if not super().validate(extra_validators):
            return False
        self.account = _find_account(self.email)
        return self.account is not None
