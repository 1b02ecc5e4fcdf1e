"""Swedish stems for full-text search, and the snippets that show where a search hit.

PostgreSQL stems with its ``swedish`` configuration; SQLite's FTS5 cannot, so on SQLite the
search index holds the Snowball stems of the text (:func:`stems`) and a search matches the
stems of its words, each as a prefix (:func:`fts5_query`): "väntetider" and "väntetid" both
become ``väntetid``, "bostadsanpassningen" becomes ``bostadsanpassning``. The same Snowball
algorithm finds the words to mark in a snippet (:func:`snippet`) on both databases, from the
original text of the rows a page shows.

Query strings are built from words only (letters and digits), so a user's ``"``, ``*``, ``(``
or NEAR never reaches either engine's query syntax.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer
from markupsafe import Markup

from .markup import mark_hits

#: A word: letters and digits (FTS5's unicode61 tokenizer splits at anything else, "_" too).
WORD = re.compile(r"[^\W_]+", re.UNICODE)
#: Characters that cannot be typed into a search, marking a hit until it becomes <mark>.
START, STOP = "\x02", "\x03"
#: How many words a snippet shows, and how many of them come before the first hit.
SNIPPET_WORDS = 28
BEFORE_HIT = 8

_STEMMER = snowballstemmer.stemmer("swedish")


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """Return the Swedish stem of one word (lower case)."""
    return _STEMMER.stemWord(word.lower())


def stems(text: str | None) -> str:
    """Return the stems of every word of a text, space-separated (what the SQLite index holds)."""
    return " ".join(stem(word) for word in WORD.findall(text or ""))


def query_stems(terms: list[str]) -> list[str]:
    """Return the distinct stems of a search's words, in their order."""
    found: list[str] = []
    for term in terms:
        for word in WORD.findall(term):
            word_stem = stem(word)
            if word_stem and word_stem not in found:
                found.append(word_stem)
    return found


def fts5_query(terms: list[str], any_term: bool = False) -> str:
    """Return an FTS5 query of the terms' stems as quoted prefixes (all of them, or any)."""
    return (" OR " if any_term else " ").join(f'"{s}"*' for s in query_stems(terms))


def ts_query(terms: list[str], any_term: bool = False) -> str:
    """Return a to_tsquery string of prefix lexemes; the ``swedish`` configuration stems them."""
    words = [word.lower() for term in terms for word in WORD.findall(term)]
    return (" | " if any_term else " & ").join(f"{word}:*" for word in words)


def is_hit(word: str, wanted: list[str]) -> bool:
    """Return whether a word of the text matches one of the search's stems (as a prefix)."""
    word_stem = stem(word)
    return any(word_stem.startswith(s) for s in wanted)


def _plain(text: str) -> str:
    """Return text between words without the hit markers (only hits may carry them)."""
    return text.replace(START, "").replace(STOP, "")


def snippet(text: str | None, terms: list[str], words: int = SNIPPET_WORDS) -> Markup | None:
    """Return a few words of the text around its first hit, the hits marked; None without a hit."""
    wanted = query_stems(terms)
    tokens = list(WORD.finditer(text or ""))
    hits = {i for i, token in enumerate(tokens) if is_hit(token.group(), wanted)} if wanted else set()
    if not hits:
        return None
    first = max(0, min(min(hits) - BEFORE_HIT, len(tokens) - words))
    last = min(len(tokens), first + words)
    pieces, position = [], tokens[first].start()
    for i in range(first, last):
        token = tokens[i]
        pieces.append(_plain(text[position : token.start()]))
        pieces.append(f"{START}{token.group()}{STOP}" if i in hits else token.group())
        position = token.end()
    if last == len(tokens):
        pieces.append(_plain(text[position:]))
    raw = " ".join("".join(pieces).split())
    raw = ("… " if first > 0 else "") + raw + (" …" if last < len(tokens) else "")
    return mark_hits(raw, START, STOP)
