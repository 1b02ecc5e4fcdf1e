"""The start page: the user's groups."""

from flask import render_template

from . import bp


@bp.get("/")
def index():
    """List the user's groups."""
    return render_template("main/index.html")
