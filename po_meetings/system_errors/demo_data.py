"""What the demo register is made of: the titles the tests look reports up by, the
organisations and ombuds the reports name, and the ombud's drafts. The submitted reports are in
:mod:`.demo_reports`; :mod:`.demo` seeds both.

The reports describe patterns, never a client.
"""

from __future__ import annotations

#: Titles the tests look reports up by (tests/conftest.py, the ``demo`` fixture).
ESCALATED_TITLE = "Krav på BankID för att skriva in sig på Arbetsförmedlingen"
CONFIDENTIAL_TITLE = "Ingen jourhavande socialsekreterare nåbar för psykiatrins akutmottagning"
DRAFT_TITLE = "Tolk saknas vid återbesök på vårdcentralen"

MK = "Mellanå kommun, socialtjänsten"
AK = "Åsby kommun, socialtjänsten"
PSY = "Region Mellanland, psykiatrin"
VC = "Region Mellanland, primärvården"
AF = "Arbetsförmedlingen"
FK = "Försäkringskassan"

OMBUD, OMBUD2 = "ombud@demo.se", "ombud2@demo.se"

#: Drafts of ombud@demo.se (not submitted: no number, only the author sees them).
DRAFTS: list[dict] = [
    {
        "title": DRAFT_TITLE,
        "level": "local",
        "category": "local_resources",
        "description": "Vårdcentralen bokar inte tolk vid återbesök; klienten får ta med en anhörig.",
        "causes": None,
        "consequences": None,
        "system_view": None,
        "affected": [VC],
    },
    {
        "title": "Bostadsbolaget kräver fast inkomst för förstahandskontrakt",
        "level": "central",
        "category": "central_resources",
        "description": "Klienter med aktivitetsersättning nekas lägenhet.",
        "causes": "Bolagets uthyrningspolicy.",
        "consequences": None,
        "system_view": None,
        "affected": [MK],
    },
]
