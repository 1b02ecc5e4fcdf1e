"""The systemfel register: ombuds submit system errors, the group owns them until resolved."""

from flask import Blueprint

bp = Blueprint("system_errors", __name__, url_prefix="/groups/<int:group_id>/system-errors")

from . import routes  # noqa: E402,F401
