"""Meetings: the agenda, topic intake, the kallelse, attendance answers and calendars."""

from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/groups/<int:group_id>/meetings")

# The routes register themselves on bp: the meeting and its lifecycle, its agenda, proposals and answers.
from . import agenda_routes, kallelse_routes, proposal_routes, routes  # noqa: E402,F401
