"""Minutes and decisions: the meeting itself, attendance, §§, votes, reservations, justering."""

from flask import Blueprint

bp = Blueprint("minutes", __name__, url_prefix="/groups/<int:group_id>/meetings/<int:meeting_id>/minutes")

# The routes register themselves on bp: the page and its §§, the decisions, the printed protokoll,
# bordläggning; the follow-up standing item and the tabled matters register with the meetings' agenda.
from . import decision_routes, document_routes, routes, standing, tabling_routes  # noqa: E402,F401
