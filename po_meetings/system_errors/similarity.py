"""How strongly a report in the register looks like the one being typed.

The full-text search finds every report that shares any typed word; most of those share one
common word and are no help. A suggestion must share a fair part of the informative words that
were typed, compared by their Swedish stems ("väntetider" and "väntetid" are one word), the same
on SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import snowballstemmer

WORD = re.compile(r"\w+", re.UNICODE)
#: Words of four letters or more that say nothing about which error it is.
STOP_WORDS = frozenset(
    """
    alla allt andra annan annat bara blev blir blivit denna detta dessa deras efter eftersom
    eller emot enligt finns från fått får genom hade haft hans hennes inga ingen inget inom
    inte även kommer kunde kunna många mellan mycket när något några någon också samma sedan
    sina sitt skall skulle själv sådan sådana till under utan vara varit vart vilka vilken vilket
    vill ännu över
    """.split()
)
#: The share of the informative typed words a suggestion must contain, and at least this many
#: of them (or all, when fewer were typed).
SHARE = 1 / 3
AT_LEAST = 2


def _stem(word: str) -> str:
    """Return the Swedish stem of a word."""
    return snowballstemmer.stemmer("swedish").stemWord(word.lower())


def informative(terms: Iterable[str]) -> list[str]:
    """Return the typed words that can tell one error from another (no stop words)."""
    return [t for t in terms if t.lower() not in STOP_WORDS]


def needed(count: int) -> int:
    """Return how many of ``count`` informative typed words a suggestion must share."""
    return max(min(AT_LEAST, count), math.ceil(count * SHARE))


def shared(terms: Iterable[str], text: str | None) -> int:
    """Return how many of the typed words (by stem) the text contains."""
    stems = {_stem(word) for word in WORD.findall(text or "")}
    return sum(1 for term in {_stem(t) for t in terms} if term in stems)


def strongest(reports: list, terms: list[str], text_of, limit: int) -> list:
    """Return the reports that share enough of the typed words, most shared first (the search's
    own order among equals), at most ``limit``."""
    words = informative(terms)
    if not words:
        return []
    least = needed(len({_stem(w) for w in words}))
    scored = [(shared(words, text_of(r)), i, r) for i, r in enumerate(reports)]
    strong = sorted((s for s in scored if s[0] >= least), key=lambda s: (-s[0], s[1]))
    return [r for _, _, r in strong[:limit]]
