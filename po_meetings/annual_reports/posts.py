"""Ombud posts as the report writes them: Swedish decimals ("1,5 tjänster"), stored in hundredths.

A leaf module (it imports nothing of the app's), so the services, the forms, the page and the
exports all read and write the number the same way.
"""

from __future__ import annotations

import re

#: The most posts a report can state (a typing error beyond this).
MAX_POSTS = 999
_POSTS = re.compile(r"(\d{1,3})(?:[,.](\d{1,2}))?")

NEGATIVE_MESSAGE = "Antalet kan inte vara negativt."
TOO_MANY_POSTS_MESSAGE = f"Ange högst {MAX_POSTS} tjänster."
POSTS_FORMAT_MESSAGE = "Skriv antalet tjänster som ett tal med högst två decimaler, till exempel 1,5."


class PostsError(ValueError):
    """A number of posts that cannot be read; the message is Swedish."""


def parse_posts(text: str | None) -> int | None:
    """Return posts typed as "1,5" (or "1.5", "2") in hundredths (150); None for an empty field."""
    text = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if text.startswith(("-", "\u2212")):
        raise PostsError(NEGATIVE_MESSAGE)
    if re.fullmatch(r"\d+(?:[,.]\d+)?", text) and float(text.replace(",", ".")) > MAX_POSTS:
        raise PostsError(TOO_MANY_POSTS_MESSAGE)
    match = _POSTS.fullmatch(text)
    if match is None:
        raise PostsError(POSTS_FORMAT_MESSAGE)
    whole, decimals = match.groups()
    hundredths = int(whole) * 100 + int((decimals or "0").ljust(2, "0"))
    if hundredths > MAX_POSTS * 100:
        raise PostsError(TOO_MANY_POSTS_MESSAGE)
    return hundredths


def format_posts(hundredths: int | None) -> str:
    """Return posts in hundredths as the report writes them: 150 → "1,5", 200 → "2", 75 → "0,75"."""
    if hundredths is None:
        return ""
    whole, rest = divmod(hundredths, 100)
    if not rest:
        return str(whole)
    return f"{whole},{rest:02d}".rstrip("0")
