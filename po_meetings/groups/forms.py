"""Forms for members and group settings."""

from wtforms import BooleanField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional

from ..auth.services import find_user_by_email
from ..forms import BaseForm, email_field, free_text, id_range, optional_id, options, required
from ..models import ROLE_LABELS, Role

ROLE_CHOICES = options((role.value, label) for role, label in ROLE_LABELS.items())


class MembershipForm(BaseForm):
    """A member's role in the group and whom they represent or stand in for."""

    role = SelectField(
        "Roll", choices=ROLE_CHOICES, default=Role.MEMBER.value, validators=[required("Välj en roll.")]
    )
    organisation_id = SelectField("Organisation som personen representerar", coerce=optional_id)
    substitute_for_id = SelectField("Ersättare för ledamot", coerce=optional_id)
    substitute_for_organisation_id = SelectField("Ersättare för organisation", coerce=optional_id)

    def set_choices(self, organisations, ordinary_members, exclude_id=None) -> None:
        """Fill the selects from the organisations and the group's ordinary members."""
        none = [(None, "– Ingen –")]
        orgs = [(o.id, o.name) for o in organisations]
        self.organisation_id.choices = options([(None, "– Kontots organisation –")] + orgs)
        self.substitute_for_id.choices = options(
            none
            + [
                (m.id, f"{m.user.name} ({m.organisation.name if m.organisation else m.role_label})")
                for m in ordinary_members
                if m.id != exclude_id
            ]
        )
        self.substitute_for_organisation_id.choices = options(none + orgs)

    @property
    def role_value(self) -> Role:
        """Return the chosen role."""
        return Role(self.role.data)


class NewMemberForm(MembershipForm):
    """Add an existing account to the group."""

    email = email_field("Personens e-postadress")

    #: The account the e-mail address belongs to (found when the rest of the form is valid).
    account = None

    def validate(self, extra_validators=None) -> bool:
        """Validate the fields, then find the account to add (only the administrator creates accounts)."""
        if not super().validate(extra_validators):
            return False
        self.account = find_user_by_email(self.email.data)
        if self.account is None:
            self.email.errors.append(
                "Det finns inget konto med den e-postadressen. Be systemadministratören skapa kontot först."
            )
            return False
        return True


class GroupSettingsForm(BaseForm):
    """The group's defaults for new meetings."""

    default_meeting_minutes = IntegerField(
        "Mötets längd i minuter (förval)",
        validators=[
            # Not required(): DataRequired takes 0 for a missing value and hides "not a number".
            InputRequired("Ange mötets längd i minuter."),
            NumberRange(min=15, max=600, message="Ange en längd mellan 15 och 600 minuter."),
        ],
    )
    is_confidential_by_default = BooleanField(
        "Det gruppen diskuterar är sekretessbelagt tills gruppen beslutar annat"
    )
    chair_has_casting_vote = BooleanField("Ordföranden har utslagsröst vid lika röstetal")
    mandate = TextAreaField("Gruppens uppdrag och arbetsformer", validators=free_text(20_000))


class AuditFilterForm(BaseForm):
    """Filter the audit trail by object (read from the query string)."""

    class Meta:
        csrf = False

    object_type = SelectField("Typ av objekt", choices=[], validate_choice=False)
    object_id = IntegerField(
        "Objektets id",
        validators=[Optional(), id_range("Ange ett id från 1 till 2147483647.")],
        default=None,
    )
