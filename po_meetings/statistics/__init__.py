"""Client statistics from the ombuds: aggregate counts per quarter, never a client record."""

from flask import Blueprint

bp = Blueprint("statistics", __name__, url_prefix="/groups/<int:group_id>/statistics")

# The routes register themselves on bp; the "klientstatistik" standing item registers with the
# meetings' agenda.
from . import routes, standing  # noqa: E402,F401
