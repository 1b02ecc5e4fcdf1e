"""The group search's form, read from the query string so that a search can be bookmarked."""

from __future__ import annotations

from wtforms import HiddenField, SearchField

from ..forms import BaseForm


class SearchForm(BaseForm):
    """The words to look for, and the one kind of result to list in full (if any)."""

    class Meta:
        csrf = False

    q = SearchField("Sök i gruppen")
    kind = HiddenField()
