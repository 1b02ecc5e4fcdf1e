"""Meetings: the agenda, topic intake, the kallelse, attendance answers and calendars."""

from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/groups/<int:group_id>/meetings")

from . import routes  # noqa: E402,F401
