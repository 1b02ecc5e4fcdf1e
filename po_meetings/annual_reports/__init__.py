"""The yearly report to Länsstyrelsen, drafted from the group's records (SFS 2013:522 § 10)."""

from flask import Blueprint

bp = Blueprint("annual_reports", __name__, url_prefix="/groups/<int:group_id>/annual-reports")

# The routes register themselves on bp.
from . import export_routes, routes  # noqa: E402,F401
