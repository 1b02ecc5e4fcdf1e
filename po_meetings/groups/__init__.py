"""A ledningsgrupp: its page, members, settings and audit trail."""

from flask import Blueprint

bp = Blueprint("groups", __name__, url_prefix="/groups")

from . import routes  # noqa: E402,F401
