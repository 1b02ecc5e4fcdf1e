"""Follow-up between meetings: open action items (uppdrag) and återrapportering per organisation."""

from flask import Blueprint

bp = Blueprint("follow_up", __name__, url_prefix="/groups/<int:group_id>/follow-up")

from . import routes  # noqa: E402,F401
