"""Configuration: defaults, PO_MEETINGS_* variables, the test dict, and production safety."""

import pytest

from po_meetings import create_app
from po_meetings.config import DEV_SECRET_KEY, ConfigError, normalise_database_url


def test_production_refuses_the_default_secret_key(monkeypatch, tmp_sqlite_url):
    monkeypatch.delenv("PO_MEETINGS_SECRET_KEY", raising=False)
    monkeypatch.delenv("PO_MEETINGS_PRODUCTION", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": tmp_sqlite_url})


def test_production_refuses_a_short_secret_key(tmp_sqlite_url):
    with pytest.raises(ConfigError):
        create_app({"DATABASE_URL": tmp_sqlite_url, "SECRET_KEY": "kort"})


def test_production_refuses_debug(tmp_sqlite_url):
    with pytest.raises(ConfigError, match="Debug"):
        create_app({"DATABASE_URL": tmp_sqlite_url, "SECRET_KEY": "s" * 40, "DEBUG": True})


def test_production_starts_with_a_real_key(tmp_sqlite_url):
    app = create_app({"DATABASE_URL": tmp_sqlite_url, "SECRET_KEY": "s" * 40})
    assert app.config["PRODUCTION"] is True
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_development_mode_allows_the_default_key(tmp_sqlite_url):
    app = create_app({"DATABASE_URL": tmp_sqlite_url, "PRODUCTION": False})
    assert app.config["SECRET_KEY"] == DEV_SECRET_KEY
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_environment_variables_override_defaults_and_the_test_dict_overrides_them(
    monkeypatch, tmp_sqlite_url
):
    monkeypatch.setenv("PO_MEETINGS_PRODUCTION", "false")
    monkeypatch.setenv("PO_MEETINGS_IDLE_TIMEOUT_MINUTES", "45")
    monkeypatch.setenv("PO_MEETINGS_PAGE_SIZE", "20")
    app = create_app({"DATABASE_URL": tmp_sqlite_url, "PAGE_SIZE": 10})
    assert app.config["PRODUCTION"] is False
    assert app.config["IDLE_TIMEOUT_MINUTES"] == 45
    assert app.config["PAGE_SIZE"] == 10


def test_database_url_from_the_environment(monkeypatch, tmp_sqlite_url):
    monkeypatch.setenv("DATABASE_URL", tmp_sqlite_url)
    app = create_app({"PRODUCTION": False})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == tmp_sqlite_url


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("PO_MEETINGS_DATABASE_URL", raising=False)
    app = create_app({"PRODUCTION": False})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/po_meetings.sqlite")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.sqlite", "sqlite:////tmp/x.sqlite"),
    ],
)
def test_postgresql_urls_use_psycopg_3(given, expected):
    assert normalise_database_url(given) == expected


def test_trusted_proxies_give_the_client_address(tmp_sqlite_url):
    from flask import request

    app = create_app({"DATABASE_URL": tmp_sqlite_url, "PRODUCTION": False, "TRUSTED_PROXIES": 1})
    seen = {}

    @app.get("/_probe")
    def _probe():
        seen["addr"] = request.remote_addr
        return ""

    from po_meetings.permissions import EVERYONE, PERMISSIONS

    PERMISSIONS["_probe"] = EVERYONE
    try:
        app.test_client().get("/_probe", headers={"X-Forwarded-For": "203.0.113.9"})
    finally:
        del PERMISSIONS["_probe"]
    assert seen["addr"] == "203.0.113.9"
