"""The decision log's filter form, read from the query string so a filtered log can be bookmarked."""

from __future__ import annotations

from wtforms import SelectField

from ..forms import FIRST_DATE, LAST_DATE, BaseForm, optional_id, options
from .queries import STATES, Filters

#: What the log says beside a filter it cannot use (the value itself is never repeated).
YEAR_MESSAGE = f"Välj ett år mellan {FIRST_DATE.year} och {LAST_DATE.year}. Beslut från alla år visas."
STATE_MESSAGE = "Okänt läge för uppföljningen. Beslut i alla lägen visas."
OWNER_MESSAGE = "Ingen med uppdrag i beslutsloggen har valts. Beslut med alla ansvariga visas."
ORGANISATION_MESSAGE = "Ingen organisation i beslutsloggen har valts. Beslut för alla organisationer visas."


class DecisionFilterForm(BaseForm):
    """Filter the log by year, follow-up state, the owner of an uppdrag and organisation."""

    class Meta:
        csrf = False

    year = SelectField("År", coerce=optional_id, validate_choice=False)
    state = SelectField(
        "Uppföljning", choices=options([(None, "Alla beslut"), *STATES]), validate_choice=False
    )
    owner = SelectField("Ansvarig för uppdrag", coerce=optional_id, validate_choice=False)
    organisation = SelectField("Organisation", coerce=optional_id, validate_choice=False)

    def set_choices(self, years, owners, organisations) -> None:
        """Fill the years, owners (memberships) and organisations the log offers.

        A year in range that has no decisions is offered too when chosen, so the log can say it
        is empty rather than pretend the filter was not asked for.
        """
        everyone = [(None, "Alla")]
        chosen = self.year.data
        if isinstance(chosen, int) and FIRST_DATE.year <= chosen <= LAST_DATE.year and chosen not in years:
            years = sorted([*years, chosen], reverse=True)
        self.year.choices = options([(None, "Alla år"), *((y, str(y)) for y in years)])
        self.owner.choices = options(everyone + [(m.id, m.user.name) for m in owners])
        self.organisation.choices = options(everyone + [(o.id, o.name) for o in organisations])

    def chosen(self) -> Filters:
        """Return the filters the URL asks for; one that is not a choice is ignored, with a
        message beside its field."""
        messages = {
            "year": YEAR_MESSAGE,
            "state": STATE_MESSAGE,
            "owner": OWNER_MESSAGE,
            "organisation": ORGANISATION_MESSAGE,
        }
        values = {}
        for name, message in messages.items():
            field = self[name]
            field.errors = []
            data = field.data
            if data in (None, ""):
                values[name] = None
            elif str(data) in {str(value) for value, *_ in field.iter_choices()}:
                values[name] = data
            else:
                field.errors = [message]
                field.data = None
                values[name] = None
        return Filters(**values)
