"""The app under gunicorn in a subprocess, and a small browser-like HTTP client for it.

For tests that need real concurrency (several worker processes, real connections and
transactions), not the Flask test client::

    with live_server(database_url) as server:
        browser = Browser(server.url)
        browser.login("ombud@demo.se", DEMO_PASSWORD)
        response = browser.post_form("/groups/1/system-errors/new", {...})

Only the standard library: ``urllib`` with a cookie jar, no redirects followed, so that a test
sees each answer (a 303 and its Location) as a browser's network log would.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: What the server runs with: development mode and the tests' cheap password hashing
#: (as tests/conftest.py's _test_config), mail only logged.
SERVER_SETTINGS = {
    "PRODUCTION": False,
    "SECRET_KEY": "live-server-secret-key-long-enough-for-the-tests",
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 1024,
    "ARGON2_PARALLELISM": 1,
    "MAIL_BACKEND": "console",
}

_CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@dataclass
class LiveServer:
    """A running server: its base URL and the file its output goes to."""

    url: str
    log_path: Path

    def log(self, tail: int = 8000) -> str:
        """Return the end of the server's output (for a failing test's message)."""
        text = self.log_path.read_text(errors="replace")
        return text[-tail:]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def live_server(database_url: str, workers: int = 4, timeout: float = 90, **settings) -> Iterator[LiveServer]:
    """Serve the app on ``database_url`` with gunicorn and ``workers`` worker processes.

    ``settings`` override SERVER_SETTINGS (as PO_MEETINGS_<KEY> variables, JSON-encoded). The
    database must be ready (schema at the latest revision). Stops the server on exit.
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PO_MEETINGS_") and k != "DATABASE_URL"}
    for key, value in {**SERVER_SETTINGS, **settings, "DATABASE_URL": database_url}.items():
        env[f"PO_MEETINGS_{key}"] = value if isinstance(value, str) else json.dumps(value)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "--preload",  # the app is imported once and forked: the workers start at once
        "--no-control-socket",  # one shared path per user otherwise
        "po_meetings:create_app()",
    ]
    with tempfile.TemporaryDirectory(prefix="po-live-") as tmp:
        log_path = Path(tmp) / "server.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: master and workers end together
            )
        server = LiveServer(f"http://127.0.0.1:{port}", log_path)
        try:
            _wait_until_up(process, server, timeout)
            yield server
        finally:
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Stop gunicorn and its workers: every request has been answered, so nothing is lost."""
    process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
    try:
        process.wait(timeout=1)
    except subprocess.TimeoutExpired:
        pass  # the workers quit at once; the master can take seconds over its own exit
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def _wait_until_up(process: subprocess.Popen, server: LiveServer, timeout: float) -> None:
    """Wait until the login page answers, or fail with the server's output."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{server.log()}")
        try:
            with urllib.request.urlopen(server.url + "/login", timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{server.log()}")


@dataclass
class Response:
    """What the server answered: status, headers and body (redirects are not followed)."""

    status: int
    headers: dict[str, str]
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: its own cookies (session), CSRF tokens scraped from the pages."""

    def __init__(self, base_url: str, timeout: float = 60) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects()
        )

    def _open(self, request: urllib.request.Request) -> Response:
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                return Response(
                    answer.status, _headers(answer.headers), answer.read().decode("utf-8", "replace")
                )
        except urllib.error.HTTPError as answer:  # 3xx (not followed), 4xx and 5xx
            with answer:
                body = answer.read().decode("utf-8", "replace")
            return Response(answer.code, _headers(answer.headers), body)

    def get(self, path: str) -> Response:
        """GET a page."""
        return self._open(urllib.request.Request(self.base_url + path))

    def csrf_token(self, path: str) -> str:
        """Return the CSRF token of the form on a page, as a browser would submit it."""
        page = self.get(path)
        match = _CSRF_INPUT.search(page.text) or _CSRF_META.search(page.text)
        if page.status != 200 or match is None:
            raise AssertionError(f"no CSRF token on {path} ({page.status}): {page.text[:500]}")
        return match.group(1)

    def post(self, path: str, data: dict, token: str) -> Response:
        """POST a form (list values become repeated fields) with a CSRF token."""
        body = urllib.parse.urlencode({**data, "csrf_token": token}, doseq=True).encode()
        request = urllib.request.Request(
            self.base_url + path,
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        return self._open(request)

    def post_form(self, path: str, data: dict, form_page: str | None = None) -> Response:
        """Load the form's page (``form_page``, else ``path``) for its CSRF token, then POST it."""
        return self.post(path, data, self.csrf_token(form_page or path))

    def login(self, email: str, password: str) -> None:
        """Log in through the login form; fail unless the server answers with its redirect."""
        response = self.post_form("/login", {"email": email, "password": password})
        if response.status != 303:
            raise AssertionError(f"login as {email} answered {response.status}: {response.text[:500]}")


def _headers(message) -> dict[str, str]:
    return {name.lower(): value for name, value in message.items()}
