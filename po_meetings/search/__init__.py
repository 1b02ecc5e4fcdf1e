"""One search over the group's decisions, §§, agenda items and system errors, in Swedish."""

from flask import Blueprint

bp = Blueprint("search", __name__, url_prefix="/groups/<int:group_id>/search")

from . import index, routes  # noqa: E402,F401  (index: the SQLite index's listeners and DDL)
