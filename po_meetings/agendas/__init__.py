"""Agenda templates (typagenda): what a chair starts each meeting from."""

from flask import Blueprint

bp = Blueprint("agendas", __name__, url_prefix="/groups/<int:group_id>/templates")

from . import routes  # noqa: E402,F401
