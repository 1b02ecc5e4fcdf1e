"""The systemfel register: ombuds submit system errors, the group owns them until resolved."""

from flask import Blueprint

bp = Blueprint("system_errors", __name__, url_prefix="/groups/<int:group_id>/system-errors")

# The routes register themselves on bp: the lists, one report's page, the guided form; the
# "nya systemfel" standing item registers with the meetings' agenda.
from . import report_routes, routes, standing, submit_routes  # noqa: E402,F401
