"""The form of a quarter's client statistics: a whole number in every cell, empty meaning 0."""

from __future__ import annotations

from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import NumberRange, Optional

from ..forms import BaseForm, free_text
from ..models import AGE_GROUPS, CategoryKind, Flow, Gender
from ..models.statistics import AGE_LABELS, FLOW_LABELS, GENDER_LABELS, TOTAL, cell_key
from .services import NEGATIVE_MESSAGE, Counts, category_cell


def _count(label: str) -> IntegerField:
    """Return one count cell: empty is 0, a negative number is refused beside it."""
    return IntegerField(
        label,
        validators=[Optional(), NumberRange(min=0, message=NEGATIVE_MESSAGE)],
        render_kw={"inputmode": "numeric", "min": 0},
    )


class StatisticsForm(BaseForm):
    """A quarter's counts; the category cells are added per group (:func:`statistics_form`)."""

    version = HiddenField()
    clients_at_start = _count("Klienter vid kvartalets början")
    clients_at_end = _count("Klienter vid kvartalets slut")
    with_minor_children = _count("Klienter med minderåriga barn som ombudet känner till")
    with_children_at_home = _count("varav klienter med hemmaboende barn (även växelvis boende)")

    #: Set by statistics_form: (kind, field name, category name) of every category cell.
    category_fields: tuple[tuple[str, str, str], ...] = ()

    def value(self, name: str) -> int:
        """Return a cell's number (an empty cell is 0)."""
        return self[name].data or 0

    def counts(self) -> Counts:
        """Return what the form holds as plain counts for the service."""
        by_kind: dict[str, dict[str, int]] = {kind.value: {} for kind in CategoryKind}
        for kind, name, category in self.category_fields:
            by_kind[kind][category] = self.value(name)
        return Counts(
            clients_at_start=self.value("clients_at_start"),
            clients_at_end=self.value("clients_at_end"),
            with_minor_children=self.value("with_minor_children"),
            with_children_at_home=self.value("with_children_at_home"),
            cells={
                cell_key(f, g, a): self.value(cell_key(f, g, a)) for f in Flow for g in Gender for a in _AGES
            },
            contact_ways=by_kind[CategoryKind.CONTACT_WAY],
            contact_reasons=by_kind[CategoryKind.CONTACT_REASON],
        )

    def posted_version(self) -> int:
        """Return the version the form was filled from (0: not yet entered); -1, which no quarter
        has, when it is missing, so that a post without it never saves over someone's numbers."""
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return -1

    def field_of(self, cell: str):
        """Return the field a refusal's cell names (a category by its kind and name), or None."""
        for kind, name, category in self.category_fields:
            if category_cell(kind, category) == cell:
                return self[name]
        return self._fields.get(cell)


_AGES = (TOTAL, *AGE_GROUPS)

for _flow in Flow:
    for _gender in Gender:
        for _age in _AGES:
            _what = "totalt" if _age == TOTAL else AGE_LABELS[_age]
            setattr(
                StatisticsForm,
                cell_key(_flow, _gender, _age),
                _count(f"{FLOW_LABELS[_flow]}, {GENDER_LABELS[_gender].lower()}, {_what}"),
            )


def statistics_form(ways: list[str], reasons: list[str], **kwargs) -> StatisticsForm:
    """Return the form with a cell for each of the group's categories."""
    fields = []
    attributes = {}
    for kind, names, prefix, what in (
        (CategoryKind.CONTACT_WAY.value, ways, "way", "Kontaktväg"),
        (CategoryKind.CONTACT_REASON.value, reasons, "reason", "Kontaktorsak"),
    ):
        for index, category in enumerate(names):
            name = f"{prefix}_{index}"
            attributes[name] = _count(f"{what}: {category}")
            fields.append((kind, name, category))
    attributes["category_fields"] = tuple(fields)
    form_class = type("GroupStatisticsForm", (StatisticsForm,), attributes)
    return form_class(**kwargs)


class CategoriesForm(BaseForm):
    """The group's two category lists, one category per line."""

    contact_ways = TextAreaField(
        "Hur klienterna kom i kontakt (en kategori per rad)", validators=free_text(7000)
    )
    contact_reasons = TextAreaField("Orsaker till kontakt (en kategori per rad)", validators=free_text(7000))

    @staticmethod
    def lines(text: str | None) -> list[str]:
        """Return the non-empty lines of a list."""
        return [line.strip() for line in (text or "").splitlines() if line.strip()]
