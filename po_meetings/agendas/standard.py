"""The standard agendas every new group starts from (DOMAIN.md, "The standard agenda")."""

from ..models import ItemType, MeetingKind, StandingKind

# (title, minutes, item type, standing kind, [(sub-item title, standing kind)])
OPERATIVE = {
    "name": "Operativt möte (typagenda)",
    "kind": MeetingKind.OPERATIVE,
    "meeting_minutes": 120,
    "items": [
        (
            "Formalia",
            15,
            ItemType.DECISION,
            None,
            [
                ("Mötets öppnande", None),
                ("Val av sekreterare och justerare", None),
                ("Föregående mötesprotokoll", StandingKind.PREVIOUS_MINUTES),
                ("Uppföljning av tidigare beslut", StandingKind.FOLLOW_UP),
            ],
        ),
        ("Nytt från organisationerna", 15, ItemType.INFORMATION, None, []),
        (
            "Klientrapportering",
            30,
            ItemType.INFORMATION,
            None,
            [
                ("Statistik", StandingKind.CLIENT_STATISTICS),
                ("Metoderfarenheter", None),
                ("Prioriterade frågor", None),
            ],
        ),
        (
            "Systemfrågor",
            45,
            ItemType.DECISION,
            None,
            [
                ("Rapporter", StandingKind.NEW_SYSTEM_ERRORS),
                ("Diskussion", None),
                ("Beslut om hur gruppen går vidare", None),
            ],
        ),
        (
            "Övrigt",
            15,
            ItemType.INFORMATION,
            None,
            [
                ("Administration", None),
                ("Kommande möten", None),
                ("Gruppens fortsatta arbete och planering", None),
            ],
        ),
    ],
}

DEVELOPMENT = {
    "name": "Utvecklingsmöte (heldag)",
    "kind": MeetingKind.DEVELOPMENT,
    "meeting_minutes": 420,
    "items": [
        (
            "Inledning",
            20,
            ItemType.DECISION,
            None,
            [("Mötets öppnande", None), ("Val av sekreterare och justerare", None)],
        ),
        (
            "Årets systemfel: sammanställning och analys",
            120,
            ItemType.DISCUSSION,
            None,
            [
                ("Sammanställning av årets rapporter", StandingKind.NEW_SYSTEM_ERRORS),
                ("Analys per nivå: handläggare, lokalt, centralt", None),
                ("Beslut om åtgärder och eskalering", None),
            ],
        ),
        ("Lunch", 60, ItemType.INFORMATION, None, []),
        ("Gruppens roll, mandat och sammansättning", 60, ItemType.DISCUSSION, None, []),
        ("Förankring i huvudmännens organisationer", 45, ItemType.DISCUSSION, None, []),
        ("Verksamhetens framtid och nästa års plan", 60, ItemType.DECISION, None, []),
        (
            "Avslutning",
            15,
            ItemType.INFORMATION,
            None,
            [("Utvärdering av dagen", None), ("Nästa steg", None)],
        ),
    ],
}

STANDARD_TEMPLATES = (OPERATIVE, DEVELOPMENT)
