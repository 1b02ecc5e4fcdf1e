"""The models, one module per aggregate."""

from .audit import AuditEvent
from .base import Audited, UTCDateTime, utcnow
from .group import (
    LEADING_ROLES,
    ORDINARY_ROLES,
    ROLE_LABELS,
    Group,
    Membership,
    Municipality,
    Role,
)
from .meeting import (
    AgendaItem,
    AgendaTemplate,
    Answer,
    ItemType,
    Meeting,
    MeetingKind,
    MeetingResponse,
    MeetingStatus,
    OutgoingMail,
    Proposal,
    ProposalStatus,
    StandingKind,
    TemplateItem,
)
from .security import LoginFailure
from .user import ORGANISATION_KIND_LABELS, Organisation, OrganisationKind, User

__all__ = [
    "AgendaItem",
    "AgendaTemplate",
    "Answer",
    "ItemType",
    "Meeting",
    "MeetingKind",
    "MeetingResponse",
    "MeetingStatus",
    "OutgoingMail",
    "Proposal",
    "ProposalStatus",
    "StandingKind",
    "TemplateItem",
    "AuditEvent",
    "Audited",
    "Group",
    "LEADING_ROLES",
    "LoginFailure",
    "Membership",
    "Municipality",
    "ORDINARY_ROLES",
    "ORGANISATION_KIND_LABELS",
    "Organisation",
    "OrganisationKind",
    "ROLE_LABELS",
    "Role",
    "User",
    "UTCDateTime",
    "utcnow",
]
