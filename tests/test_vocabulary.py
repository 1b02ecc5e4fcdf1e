"""One vocabulary in the interface (../shared/DOMAIN.md, "Vocabulary for the interface"): phrases
that users found wrong or inconsistent never come back, neither in the code and templates nor on
any page the chair can open."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from po_meetings.paths import PROJECT_ROOT

from .support.endpoints import endpoint_urls

#: Known wrong phrases, each with what the interface says instead.
WRONG = {
    "till väntar till": 'the waiting count read "3 till väntar till ett senare möte"',
    "väntar till ett senare möte": "reports wait to be taken up, they are not put off to a later meeting",
    "Bifallet": 'a decision\'s result reads "Förslaget bifölls"',
    "Avslaget": 'a decision\'s result reads "Förslaget avslogs"',
    "(valfritt)": 'optional fields say "(frivilligt)" everywhere',
    "Antal klienter": 'client counts say "Berörda klienter"',
}

SOURCE_DIRS = ("po_meetings", "templates")
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
#: Demo texts written by ombuds are the group's own words, not the interface's.
NOT_INTERFACE = re.compile(r"demo_reports\.py$|bulk\.py$")


def _interface_files():
    for folder in SOURCE_DIRS:
        for path in sorted((PROJECT_ROOT / folder).rglob("*")):
            if path.suffix in SOURCE_SUFFIXES and not NOT_INTERFACE.search(str(path)):
                yield path


def test_no_known_wrong_phrase_in_code_or_templates():
    found = []
    for path in _interface_files():
        text = path.read_text(encoding="utf-8")
        for phrase, instead in WRONG.items():
            for number, line in enumerate(text.splitlines(), start=1):
                if phrase in line:
                    found.append(f"{Path(path).relative_to(PROJECT_ROOT)}:{number}: {phrase!r} – {instead}")
    assert not found, "\n".join(found)


def test_one_word_for_optional_fields():
    labels = set()
    for path in _interface_files():
        labels.update(
            re.findall(
                r"\((frivilligt|valfritt|ej obligatoriskt|inte obligatoriskt)\)", path.read_text("utf-8")
            )
        )
    assert labels <= {"frivilligt"}, labels


@pytest.mark.parametrize("role", ["chair"])
def test_no_page_the_chair_opens_shows_a_wrong_phrase(app, client, auth, demo, role):
    auth.login_as(role)
    found = []
    for endpoint, method, url in endpoint_urls(app, demo):
        if (
            method != "GET"
            or endpoint in {"static", "calendar.feed"}
            or url.endswith((".pdf", ".csv", ".ics"))
        ):
            continue
        response = client.get(url)
        if response.status_code != 200 or not response.mimetype.startswith("text/html"):
            continue
        text = response.get_data(as_text=True)
        found += [f"{url}: {phrase}" for phrase in WRONG if phrase in text]
    assert not found, "\n".join(found)
