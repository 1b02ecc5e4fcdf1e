"""The rules of the minutes: attendance, officers, §§, jäv, decisions, votes, reservations,
protokollsanteckningar, action items, closing, justering and rättelser.

Every function takes ``by``, the membership of the person acting, checks that person's right
from the meeting's own roles (chair, secretary, justerare) and raises :class:`DomainError` with a
Swedish message when a rule is broken. Functions flush, never commit.

One module per concern, each importing only those before it in this list:

- ``rules``: who may do what, the roles and messages, the checks every rule shares;
- ``finding``: a meeting's minutes, and the §§ and decisions a member may see;
- ``opening``: opening the minutes when a meeting starts (a meeting hook), § numbers of a year;
- ``quorum``: who votes in a §, the quorum, a votering's result;
- ``attendance``: officers, attendance and guests;
- ``paragraphs``: §§ and jäv;
- ``decisions``: decisions, votes, reservations and protokollsanteckningar;
- ``follow_up``: uppdrag, återrapportering, linked system errors, what is open for the next meeting;
- ``closing``: closing the meeting, justering and rättelser;
- ``tabling``: bordläggning, and taking a tabled matter up again at a later meeting.

Other code imports this package (``from ..minutes import services``) and finds every rule here.
"""

from ...dates import STOCKHOLM as STOCKHOLM  # minutes/document.py reads it from here
from .attendance import (
    OFFICER_FIELDS,
    AttendanceEntry,
    AttendanceRefusal,
    OfficerChoice,
    add_guest,
    choose_officers,
    remove_guest,
    set_attendance,
    set_attendances,
    set_officers,
)
from .attendance import _attendance as _attendance  # the rule tests look at a member's row
from .closing import (
    ClosingSummary,
    add_correction,
    approvers,
    close,
    closing_summary,
    current_approvals,
    justera,
    withdraw_justering,
)
from .decisions import (
    add_decision,
    cast_vote,
    decide_note,
    delete_decision,
    motivate,
    record_votes,
    request_note,
    reserve,
    set_organisation_approval,
    update_decision,
    withdraw_vote,
)
from .finding import current_members, get_decision, get_paragraph, minutes_of, visible_paragraphs
from .follow_up import (
    REPORT_EFFECTS,
    OpenFollowUps,
    add_action,
    link_report,
    mark_follow_up_done,
    open_follow_ups,
    paragraph_count,
    set_action_status,
)
from .opening import open_minutes, renumber_year
from .paragraphs import (
    add_paragraph,
    approve_at_meeting,
    recusal_candidates,
    recuse,
    release_paragraph,
    save_paragraph,
    set_paragraph_confidential,
    withdraw_recusal,
)
from .quorum import Participation, compute_result, participation, present_at, voting_seats
from .quorum import voted_against as voted_against  # the reservation rule, also for the decision view
from .rules import (
    CLOSED,
    LOCKED,
    NON_VOTING_ROLES,
    RESTRICTED_ROLES,
    SEAT_ROLES,
    EditConflict,
    can_approve,
    can_write,
    is_adjuster,
    is_chair,
    is_secretary,
    leads,
    sees_confidential,
)
from .tabling import (
    is_open_tabled,
    open_tabled,
    resumed_in,
    table_paragraph,
    take_up_tabled,
    untable_paragraph,
)

__all__ = [
    "OFFICER_FIELDS",
    "AttendanceEntry",
    "AttendanceRefusal",
    "ClosingSummary",
    "OfficerChoice",
    "choose_officers",
    "closing_summary",
    "current_members",
    "recusal_candidates",
    "set_attendances",
    "withdraw_justering",
    "CLOSED",
    "LOCKED",
    "NON_VOTING_ROLES",
    "REPORT_EFFECTS",
    "RESTRICTED_ROLES",
    "SEAT_ROLES",
    "EditConflict",
    "OpenFollowUps",
    "Participation",
    "add_action",
    "add_correction",
    "add_decision",
    "add_guest",
    "add_paragraph",
    "approve_at_meeting",
    "approvers",
    "can_approve",
    "can_write",
    "cast_vote",
    "close",
    "compute_result",
    "current_approvals",
    "decide_note",
    "delete_decision",
    "get_decision",
    "get_paragraph",
    "is_adjuster",
    "is_chair",
    "is_open_tabled",
    "is_secretary",
    "justera",
    "leads",
    "link_report",
    "mark_follow_up_done",
    "minutes_of",
    "motivate",
    "open_follow_ups",
    "open_minutes",
    "open_tabled",
    "paragraph_count",
    "participation",
    "present_at",
    "record_votes",
    "recuse",
    "release_paragraph",
    "remove_guest",
    "renumber_year",
    "request_note",
    "reserve",
    "resumed_in",
    "save_paragraph",
    "sees_confidential",
    "set_action_status",
    "set_attendance",
    "set_officers",
    "set_organisation_approval",
    "set_paragraph_confidential",
    "table_paragraph",
    "take_up_tabled",
    "untable_paragraph",
    "update_decision",
    "visible_paragraphs",
    "voting_seats",
    "withdraw_recusal",
    "withdraw_vote",
]
