"""Minutes and decisions: the meeting itself, attendance, §§, votes, reservations, justering."""

from flask import Blueprint

bp = Blueprint("minutes", __name__, url_prefix="/groups/<int:group_id>/meetings/<int:meeting_id>/minutes")

from . import routes  # noqa: E402,F401
