"""po_meetings: agendas, minutes, decisions and the systemfel register of a PO ledningsgrupp."""

from __future__ import annotations

import os

from flask import Flask

from . import audit  # noqa: F401  (registers the audit and personnummer listeners)
from .config import DEFAULTS, check_production, database_url, engine_options
from .paths import PROJECT_ROOT


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the application."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("PO_MEETINGS")
    if test_config:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config[key] is None:
            app.config[key] = bool(app.config["PRODUCTION"])
    check_production(app.config)
    os.makedirs(app.instance_path, exist_ok=True)

    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    _init_extensions(app)
    _register_blueprints(app)

    from . import cli, errors, filters, startup

    errors.init_app(app)
    filters.init_app(app)
    cli.init_app(app)
    # Started for real (gunicorn, flask): refuse a missing or unmigrated database at once.
    startup.check_database(app, from_test_config=test_config is not None)
    return app


def _init_extensions(app: Flask) -> None:
    """Bind the extensions and the request checks, in the order they must run."""
    from . import database, form_tokens, inputs, logs, markup, permissions, security
    from .auth.services import load_user
    from .extensions import csrf, db, htmx, login_manager, migrate

    inputs.init_app(app)  # the bounded int converter before any route; odd addresses refused first
    logs.init_app(app)  # no stored text in the log, not even at DEBUG
    db.init_app(app)
    database.init_app(app)  # SQLite: WAL, busy timeout, writing transactions lock first
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login_form"
    login_manager.login_message = "Logga in för att se sidan."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    markup.init_app(app)
    form_tokens.init_app(app)  # a fresh one-time token in every form (create forms save once)
    security.init_app(app)  # idle timeout and disabled accounts before permissions
    permissions.init_app(app)


def _register_blueprints(app: Flask) -> None:
    """Register one blueprint per area."""
    from .admin import bp as admin_bp
    from .agendas import bp as agendas_bp
    from .annual_reports import bp as annual_reports_bp
    from .auth import bp as auth_bp
    from .calendar import bp as calendar_bp
    from .decisions import bp as decisions_bp
    from .follow_up import bp as follow_up_bp
    from .groups import bp as groups_bp
    from .main import bp as main_bp
    from .meetings import bp as meetings_bp
    from .minutes import bp as minutes_bp
    from .search import bp as search_bp
    from .statistics import bp as statistics_bp
    from .system_errors import bp as system_errors_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(agendas_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(system_errors_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(minutes_bp)
    app.register_blueprint(follow_up_bp)
    app.register_blueprint(decisions_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(statistics_bp)
    app.register_blueprint(annual_reports_bp)
