"""The decision log: every decision of the group with how it was taken and how it is followed up."""

from flask import Blueprint

# /groups/<id>/decisions and /groups/<id>/decisions.csv share no common prefix beyond the group.
bp = Blueprint("decisions", __name__, url_prefix="/groups/<int:group_id>")

from . import routes  # noqa: E402,F401
