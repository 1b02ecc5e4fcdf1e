"""make bench: the app's pages under load against a minimal Flask app (the floor), with wrk.

A throwaway database (SQLite, or with DB=postgresql a throwaway PostgreSQL server) gets the
demo group and a bulk register (``flask seed-bulk``); the app runs under gunicorn in production
mode on 127.0.0.1, and so does the floor (bench/floor/) on a copy of the same reports. As a
signed-in member, wrk loads one page after another (a warm-up thrown away, then BENCH_SECONDS
at 8 connections); for each: requests/s, latency, errors, the server's CPU time per request (the
whole gunicorn process tree, from /proc) and its peak memory. The medians of ROUNDS rounds go
to bench/RESULTS.md with the machine's facts.

Settings (environment variables; see README's "Benchmark"):
    DB=sqlite|postgresql   ROUNDS=3   BENCH_SECONDS=20   BENCH_WARMUP=3   WORKERS=2
    BENCH_CONNECTIONS=8    BENCH_THREADS=2   BENCH_REPORTS=20000   BENCH_MAX_REQUESTS=200000
    BENCH_USER=ordforande@demo.se   BENCH_PAGES=list,search,...   BENCH_OUT=bench/RESULTS.md
    BENCH_SIZES=2000,200000   the scale check instead (make bench-scale): the same pages with
                              that many reports in the database, BENCH_SCALE_GROUP (2000) of
                              them in the demo group and the rest in other groups
    BENCH_NOTE="..."          a line for RESULTS.md (e.g. "quick run on a shared machine")
"""

from __future__ import annotations

import contextlib
import math
import os
import platform
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: python bench/run.py
    sys.path.insert(0, str(ROOT))

from bench.measure import (  # noqa: E402
    Measured,
    Row,
    Summary,
    parse_wrk,
    replace_section,
    results_table,
    scale_table,
    summarise,
    tree_cpu_seconds,
    tree_rss_kb,
)

LUA = ROOT / "bench" / "wrk.lua"
#: A page answered fewer times than this in BENCH_SECONDS is measured again for longer, up to
#: SLOW_PAGE_SECONDS (each request's latency then holds the queue of 8 connections on the workers).
MIN_ANSWERS = 5
SLOW_PAGE_SECONDS = 60
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "demo-losenord"
#: The search of the benchmark: bulk.py puts it in about 8 % of the reports (BULK_RARE).
SEARCH_WORD = "förvaltningsrätten"
#: What the create form posts (a complete report, so it is submitted, not kept as a draft).
REPORT_FIELDS = {
    "title": "Lång väntan på färdtjänst för klienter med psykisk funktionsnedsättning",
    "description": "Under hösten har flera klienter väntat länge på beslut om färdtjänst och missat sina tider.",
    "causes": "Handläggningen har för få handläggare och ingen rutin för förtur.",
    "consequences": "Klienter uteblir från vården och blir mer isolerade.",
    "system_view": "Stödet samordnas inte mellan huvudmännen.",
    "proposal": "",
    "who_can_fix": "",
    "level": "local",
    "category": "local_resources",
    "client_count": "3",
    "action": "submit",
}
FLOOR_FIELDS = {
    "title": REPORT_FIELDS["title"],
    "description": REPORT_FIELDS["description"],
    "causes": REPORT_FIELDS["causes"],
    "consequences": REPORT_FIELDS["consequences"],
    "level": "local",
    "category": "local_resources",
    "client_count": "3",
}


def thousands(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


# -- settings ------------------------------------------------------------------------------------


@dataclass
class Settings:
    db: str = "sqlite"
    rounds: int = 3
    seconds: int = 20
    warmup: int = 3
    workers: int = 2
    connections: int = 8
    threads: int = 2
    reports: int = 20_000
    max_requests: int = 200_000
    user: str = "ordforande@demo.se"
    pages: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    scale_group: int = 2_000
    out: Path = ROOT / "bench" / "RESULTS.md"
    note: str = ""

    @classmethod
    def from_env(cls, env=os.environ) -> Settings:
        def number(name: str, default: int) -> int:
            value = env.get(name, "").strip()
            return int(value.replace("_", "")) if value else default

        db = env.get("DB", "sqlite").strip() or "sqlite"
        if db not in ("sqlite", "postgresql"):
            raise SystemExit(f"DB={db}: use sqlite or postgresql")
        return cls(
            db=db,
            rounds=max(1, number("ROUNDS", 3)),
            seconds=max(1, number("BENCH_SECONDS", 20)),
            warmup=max(0, number("BENCH_WARMUP", 3)),
            workers=max(1, number("WORKERS", 2)),
            connections=max(1, number("BENCH_CONNECTIONS", 8)),
            threads=max(1, number("BENCH_THREADS", 2)),
            reports=max(100, number("BENCH_REPORTS", 20_000)),
            max_requests=max(10, number("BENCH_MAX_REQUESTS", 200_000)),
            user=env.get("BENCH_USER", "ordforande@demo.se"),
            pages=[p.strip() for p in env.get("BENCH_PAGES", "").split(",") if p.strip()],
            sizes=[int(s.replace("_", "")) for s in env.get("BENCH_SIZES", "").split(",") if s.strip()],
            scale_group=number("BENCH_SCALE_GROUP", 2_000),
            out=Path(env.get("BENCH_OUT") or ROOT / "bench" / "RESULTS.md"),
            note=env.get("BENCH_NOTE", ""),
        )


# -- pages ----------------------------------------------------------------------------------------


@dataclass
class Page:
    """A page to load: on the app, and (if it has one) its counterpart on the floor."""

    key: str
    label: str
    path: str
    floor_path: str | None = None
    #: the floor page it is read against when it is not the same page
    floor_label: str | None = None
    #: create: GET the form at path, POST it to post_path with these fields
    post_path: str | None = None
    fields: dict[str, str] | None = None
    floor_fields: dict[str, str] | None = None

    @property
    def creates(self) -> bool:
        return self.post_path is not None


@dataclass
class Facts:
    """What the seeded database holds that the pages need."""

    group_id: int
    status: str
    status_count: int
    deep_page: int
    report_number: str
    report_events: int
    meeting_id: int
    search_hits: int
    visible_reports: int
    total_reports: int
    organisation_id: int
    floor_entry_id: int = 0

    @property
    def hit_rate(self) -> float:
        return self.search_hits / self.visible_reports if self.visible_reports else 0.0


def pages_of(facts: Facts) -> list[Page]:
    """Return the pages measured, in order."""
    g = facts.group_id
    base = f"/groups/{g}/system-errors"
    status = urllib.parse.quote(facts.status)
    query = urllib.parse.quote(SEARCH_WORD)
    entry = f"/entries/{facts.floor_entry_id}"
    return [
        Page(
            "list",
            f"register, status={facts.status}, page 1",
            f"{base}?status={status}",
            f"/entries?status={status}",
        ),
        Page(
            "list-deep",
            f"register, status={facts.status}, page {facts.deep_page}",
            f"{base}?status={status}&page={facts.deep_page}",
            f"/entries?status={status}&page={facts.deep_page}",
        ),
        Page(
            "report",
            f"one report with its history ({facts.report_number}, {facts.report_events} events)",
            f"{base}/{facts.report_number}",
            entry,
        ),
        Page(
            "search",
            f"search «{SEARCH_WORD}» ({facts.hit_rate:.1%} of reports)",
            f"{base}?q={query}",
            f"/entries?q={query}",
        ),
        Page(
            "create",
            "create a report (GET form + POST, per request)",
            f"{base}/new",
            "/entries/new",
            post_path=f"{base}/new",
            fields={
                **REPORT_FIELDS,
                "fixer_organisation_id": str(facts.organisation_id),
                "affected_organisation_ids": str(facts.organisation_id),
            },
            floor_fields=FLOOR_FIELDS,
        ),
        Page("meeting", "meeting page", f"/groups/{g}/meetings/{facts.meeting_id}", entry, "one entry"),
        Page(
            "minutes",
            "minutes page",
            f"/groups/{g}/meetings/{facts.meeting_id}/minutes/",
            entry,
            "one entry",
        ),
        Page("start", "start page", "/", "/"),
    ]


# -- the database ---------------------------------------------------------------------------------


class Database:
    """A throwaway database for the app and one for the floor: SQLite files or a PostgreSQL server."""

    def __init__(self, kind: str, workdir: Path) -> None:
        self.kind = kind
        self.workdir = workdir
        self.server = None
        self.generation = 0

    def __enter__(self) -> Database:
        if self.kind == "postgresql":
            from tests.support.pg_server import PostgresServer

            log("starting a throwaway PostgreSQL server")
            self.server = PostgresServer().start()
        return self

    def __exit__(self, *exc) -> None:
        if self.server is not None:
            self.server.stop()

    def fresh(self) -> tuple[str, str]:
        """Return the URLs of a new, empty app database and floor database."""
        self.generation += 1
        n = self.generation
        if self.server is not None:
            return self.server.create_database(f"po_bench_{n}"), self.server.create_database(f"floor_{n}")
        return f"sqlite:///{self.workdir}/app-{n}.sqlite", f"sqlite:///{self.workdir}/floor-{n}.sqlite"

    def server_pid(self) -> int | None:
        """Return the PostgreSQL postmaster's pid (its backends are its children)."""
        if self.server is None:
            return None
        return int((self.server.data / "postmaster.pid").read_text().split()[0])

    def version(self) -> str:
        if self.server is not None:
            import psycopg

            with psycopg.connect(
                f"host=127.0.0.1 port={self.server.port} user=postgres dbname=postgres"
            ) as c:
                return "PostgreSQL " + c.execute("SHOW server_version").fetchone()[0]
        return f"SQLite {sqlite3.sqlite_version}"


def app_env(database_url: str, secret: str) -> dict[str, str]:
    """Return the environment of the app: production mode, configured by PO_MEETINGS_* only.

    Plain http on loopback, so the cookies cannot be Secure (the two settings that exist for
    it); nothing else differs from a production configuration.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("PO_MEETINGS_") and k != "DATABASE_URL"}
    env.update(
        {
            "PO_MEETINGS_PRODUCTION": "true",
            "PO_MEETINGS_SECRET_KEY": secret,
            "PO_MEETINGS_DATABASE_URL": database_url,
            "PO_MEETINGS_SESSION_COOKIE_SECURE": "false",
            "PO_MEETINGS_REMEMBER_COOKIE_SECURE": "false",
        }
    )
    return env


def flask(env: dict[str, str], *args: str) -> str:
    """Run a ``flask --app po_meetings`` command; return its output."""
    started = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "po_meetings", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    last = (done.stdout.strip().splitlines() or [""])[-1]
    log(f"flask {' '.join(args)}: {time.perf_counter() - started:.1f} s  {last[:160]}")
    return done.stdout


def in_app(database_url: str):
    """Return the app on the database, for reading facts (not started for real: no startup check)."""
    from po_meetings import create_app

    return create_app(
        {
            "DATABASE_URL": database_url,
            "PRODUCTION": False,
            "SECRET_KEY": "bench-reads-facts-only-" + secrets.token_hex(8),
        }
    )


def extra_groups(database_url: str, count: int) -> list[int]:
    """Create ``count`` other groups (a chair and an ombud each, demo accounts); return their ids."""
    from sqlalchemy import select

    from po_meetings.domain import DomainError
    from po_meetings.extensions import db
    from po_meetings.groups import services as group_services
    from po_meetings.models import Role, User

    app = in_app(database_url)
    ids = []
    with app.app_context():
        users = {u.email: u for u in db.session.scalars(select(User))}
        for n in range(1, count + 1):
            group = group_services.create_group(
                f"Ledningsgruppen för personligt ombud i Bänkby {n}",
                [f"Bänkby {n}"],
                users["ordforande.norrsjo@demo.se"],
            )
            with contextlib.suppress(DomainError):
                group_services.add_member(group, users["ombud@demo.se"], Role.OMBUD)
            db.session.flush()
            ids.append(group.id)
        db.session.commit()
        db.session.remove()
    return ids


def seed(database_url: str, env: dict[str, str], settings: Settings, size: int | None) -> None:
    """Migrate and fill the app's database: the demo, then the bulk register.

    Without ``size``: BENCH_REPORTS reports in the demo group. With it (the scale check):
    BENCH_SCALE_GROUP in the demo group and the rest in other groups, about 20 000 each.
    """
    # The demo accounts' passwords hashed cheaply (production's argon2 takes seconds per account
    # on a loaded machine); the app checks any hash by its own parameters at login.
    env = {
        **env,
        "PO_MEETINGS_ARGON2_TIME_COST": "1",
        "PO_MEETINGS_ARGON2_MEMORY_COST": "1024",
        "PO_MEETINGS_ARGON2_PARALLELISM": "1",
    }
    flask(env, "db", "upgrade")
    flask(env, "seed-demo")
    own = settings.reports if size is None else min(size, settings.scale_group)
    flask(env, "seed-bulk", "--system-errors", str(own))
    rest = 0 if size is None else size - own
    if rest > 0:
        groups = extra_groups(database_url, max(1, math.ceil(rest / 20_000)))
        share, extra = divmod(rest, len(groups))
        for n, group_id in enumerate(groups):
            count = share + (1 if n < extra else 0)
            if count:
                flask(env, "seed-bulk", "--system-errors", str(count), "--group-id", str(group_id))
    if database_url.startswith("postgresql"):
        vacuum(database_url)  # what autovacuum would soon do, done before the clock starts


def vacuum(database_url: str) -> None:
    """VACUUM ANALYZE a freshly seeded PostgreSQL database: the planner's statistics, and the
    visibility map an index-only scan reads (else autovacuum does both while pages are measured,
    and its CPU is counted as theirs)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def facts_of(database_url: str, user_email: str) -> Facts:
    """Find the group, a status to filter by, a report with a long history, a meeting with minutes,
    and count how many of the visible reports the search finds (the app's own search)."""
    from sqlalchemy import func, select

    from po_meetings import demo
    from po_meetings.extensions import db
    from po_meetings.models import (
        Group,
        Minutes,
        Organisation,
        Paragraph,
        ReportEvent,
        ReportStatus,
        SystemErrorReport,
    )
    from po_meetings.system_errors import search

    R = SystemErrorReport
    app = in_app(database_url)
    with app.app_context():
        group_id = db.session.scalar(select(Group.id).where(Group.name == demo.GROUP_NAME))
        visible = select(R.id).where(R.group_id == group_id, R.status != ReportStatus.DRAFT.value)
        status, status_count = db.session.execute(
            select(R.status, func.count())
            .where(R.group_id == group_id, R.status == ReportStatus.SUBMITTED.value)
            .group_by(R.status)
        ).one()
        per_page = app.config["PAGE_SIZE"]
        deep_page = max(1, min(50, status_count // per_page))
        events = func.count(ReportEvent.id)
        report_id, report_events = db.session.execute(
            select(R.id, events)
            .join(ReportEvent, ReportEvent.report_id == R.id)
            .where(
                R.group_id == group_id, R.status == ReportStatus.ESCALATED.value, R.is_confidential.is_(False)
            )
            .group_by(R.id)
            .order_by(events.desc(), R.id)
            .limit(1)
        ).one()
        report_number = db.session.get(R, report_id).number
        meeting_id = db.session.scalar(
            select(Minutes.meeting_id)
            .join(Paragraph, Paragraph.minutes_id == Minutes.id)
            .where(Minutes.group_id == group_id)
            .group_by(Minutes.meeting_id)
            .order_by(func.count(Paragraph.id).desc(), Minutes.meeting_id)
            .limit(1)
        )
        hits = db.session.scalar(
            select(func.count()).select_from(
                search.matching(visible, search.terms_of(SEARCH_WORD), group_id).subquery()
            )
        )
        visible_count = db.session.scalar(select(func.count()).select_from(visible.subquery()))
        total = db.session.scalar(select(func.count(R.id)))
        organisation_id = db.session.scalar(select(Organisation.id).order_by(Organisation.id).limit(1))
        db.session.remove()
    return Facts(
        group_id=group_id,
        status=status,
        status_count=status_count,
        deep_page=deep_page,
        report_number=report_number,
        report_events=report_events,
        meeting_id=meeting_id,
        search_hits=hits,
        visible_reports=visible_count,
        total_reports=total,
        organisation_id=organisation_id,
        floor_entry_id=report_id,
    )


def count_reports(database_url: str, group_id: int) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT count(*) FROM system_error_report WHERE group_id = :g"), {"g": group_id}
        ).scalar_one()
    engine.dispose()
    return found


# -- servers ---------------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(
    name: str, target: str, env: dict[str, str], workers: int, workdir: Path, probe: str
) -> Iterator[Server]:
    """Serve a WSGI app with gunicorn as production would: sync workers, the app preloaded, no
    access log, on 127.0.0.1 and a free port."""
    port = free_port()
    log_path = workdir / f"{name}-{port}.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "--preload",
        "--no-control-socket",
        target,
    ]
    with open(log_path, "wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(name, f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait_until_up(server, probe)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_until_up(server: Server, probe: str, timeout: float = 60) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited with {server.process.returncode}:\n{server.log_text()[-4000:]}"
            )
        with contextlib.suppress(OSError, urllib.error.URLError):
            with urllib.request.urlopen(server.url + probe, timeout=2) as answer:
                if answer.status == 200:
                    return
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} did not answer within {timeout} s:\n{server.log_text()[-4000:]}")


def session_cookie(server: Server, user: str, form_path: str) -> str:
    """Log in as ``user`` through the login form and return the Cookie header a browser would send.

    The form page is loaded once first, so the session holds its CSRF secret: every form wrk then
    loads renders a token valid for this cookie.
    """
    from tests.support.live_server import Browser

    browser = Browser(server.url)
    browser.login(user, DEMO_PASSWORD)
    page = browser.get(form_path)
    if page.status != 200:
        raise RuntimeError(f"{form_path} answered {page.status} after login")
    return "; ".join(f"{c.name}={c.value}" for c in browser.cookies)


# -- one measurement -----------------------------------------------------------------------------


class PeakMemory:
    """Sample the process tree's memory every 0.2 s in a thread; keep the peak."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_kb(self.pid))
            self._stop.wait(0.2)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_rss_kb(self.pid))


def wait_until_idle(pid: int, db_pid: int | None, limit: float = 30) -> None:
    """Wait until the server (and the database server) use no CPU to speak of for a moment."""
    deadline = time.monotonic() + limit

    def used() -> float:
        return tree_cpu_seconds(pid) + (tree_cpu_seconds(db_pid) if db_pid else 0.0)

    last = used()
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = used()
        if now - last < 0.02:  # under 7 % of one core: a master's heartbeat, not a request
            return
        last = now


def wrk(url: str, seconds: int, settings: Settings, cookie: str | None, script_args: list[str]) -> str:
    """Run wrk against one URL; return its output."""
    limit = max(1, settings.max_requests // settings.threads)
    command = [
        "wrk",
        f"-t{settings.threads}",
        f"-c{settings.connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command += [url, "--", f"limit={limit}", *script_args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr}\n{done.stdout}")
    return done.stdout


def measure(
    server: Server,
    page: Page,
    settings: Settings,
    warm_up: bool,
    cookie: str | None,
    on_floor: bool,
    db_pid: int | None,
    count=None,
) -> tuple[Measured, int | None]:
    """Load one page: a warm-up (if asked) thrown away, then BENCH_SECONDS measured. With
    ``count`` (the create page) also return how many reports the measured run added."""
    path = (page.floor_path if on_floor else page.path) or page.path
    if page.creates:
        fields = page.floor_fields if on_floor else page.fields
        post = "/entries/new" if on_floor else page.post_path
        args = [
            "mode=create",
            f"form={path}",
            f"post={post}",
            "fields=" + urllib.parse.urlencode(fields or {}),
        ]
        if not on_floor:
            args.append("tokens=required")
    else:
        args = ["mode=get"]
    url = server.url + path
    wait_until_idle(server.pid, db_pid)  # the previous page's last requests are done
    if warm_up and settings.warmup:
        wrk(url, settings.warmup, settings, cookie, args)
        wait_until_idle(server.pid, db_pid)
    seconds = settings.seconds
    while True:
        reports_before = count() if count else None
        cpu_before = tree_cpu_seconds(server.pid)
        db_before = tree_cpu_seconds(db_pid) if db_pid else None
        with PeakMemory(server.pid) as memory:
            output = wrk(url, seconds, settings, cookie, args)
            # What wrk left in flight is still served: its CPU counts, and so do those requests.
            wait_until_idle(server.pid, db_pid)
        cpu = tree_cpu_seconds(server.pid) - cpu_before
        db_cpu = tree_cpu_seconds(db_pid) - db_before if db_pid else None
        added = count() - reports_before if count else None
        measured = Measured(parse_wrk(output), cpu, memory.peak, db_cpu)
        longer = min(SLOW_PAGE_SECONDS, 4 * seconds)
        if measured.run.requests >= MIN_ANSWERS or longer <= seconds:
            return measured, added
        # Slower than the run is long: 8 connections on 2 workers queue, and wrk drops what is
        # unanswered at its end. Measured again, longer, rather than reported as nothing.
        log(f"{page.key}: {measured.run.requests} answered in {seconds} s; measuring {longer} s instead")
        seconds = longer


# -- a whole run ----------------------------------------------------------------------------------


def git_commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return commit + (" (with uncommitted changes)" if dirty else "")


def machine_facts(database: Database) -> list[str]:
    def first(path: str, key: str) -> str:
        with contextlib.suppress(OSError):
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        return "?"

    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    import gunicorn as gunicorn_package

    memory_kb = first("/proc/meminfo", "MemTotal").split()[0]
    return [
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; git commit {git_commit()}",
        f"- Machine: {os.cpu_count()} cores, {first('/proc/cpuinfo', 'model name')}, "
        f"{int(memory_kb) / 1024 / 1024:.1f} GiB RAM; {platform.system()} {platform.release()}",
        f"- Load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"- Python {platform.python_version()}, gunicorn {gunicorn_package.__version__}, "
        f"{database.version()}, {(wrk_version.stdout or wrk_version.stderr).split(' [')[0].strip()}",
    ]


def run_settings(settings: Settings, facts: Facts) -> list[str]:
    return [
        f"- Settings: DB={settings.db}, ROUNDS={settings.rounds} (medians), BENCH_SECONDS={settings.seconds} "
        f"per page after a {settings.warmup} s warm-up (first round), wrk -t{settings.threads} "
        f"-c{settings.connections}, gunicorn {settings.workers} sync workers (--preload) for both apps, "
        f"at most {settings.max_requests} requests per run",
        f"- Data: {thousands(facts.total_reports)} reports in the database, {thousands(facts.visible_reports)} "
        f"visible in the demo group's register; the search finds {thousands(facts.search_hits)} of them "
        f"({facts.hit_rate:.1%}); signed in as {settings.user}",
    ]


def measure_all(
    settings: Settings,
    database: Database,
    workdir: Path,
    app_url: str,
    env: dict[str, str],
    floor_url: str | None,
    facts: Facts,
    notes: list[str],
) -> tuple[list[Page], dict[str, list[Measured]], dict[str, list[Measured]]]:
    """Measure every page on the app (and the floor), round after round; return the rounds."""
    pages = pages_of(facts)
    if settings.pages:
        pages = [p for p in pages if p.key in settings.pages]
    ours: dict[str, list[Measured]] = {p.key: [] for p in pages}
    floor: dict[str, list[Measured]] = {p.key: [] for p in pages}
    db_pid = database.server_pid()
    floor_env = {**os.environ, "FLOOR_DATABASE_URL": floor_url or "", "FLOOR_GROUP_ID": str(facts.group_id)}
    with contextlib.ExitStack() as stack:
        app_server = stack.enter_context(
            gunicorn("app", "po_meetings:create_app()", env, settings.workers, workdir, "/login")
        )
        floor_server = None
        if floor_url:
            floor_server = stack.enter_context(
                gunicorn("floor", "bench.floor.app:create_app()", floor_env, settings.workers, workdir, "/")
            )
        for round_number in range(settings.rounds):
            first = round_number == 0
            floor_done: dict[str, Measured] = {}  # a floor page read against several of ours runs once
            for page in pages:
                if floor_server is not None and page.floor_path:
                    m = floor_done.get(page.floor_path)
                    if m is None:
                        m, _ = measure(floor_server, page, settings, first, None, True, db_pid)
                        floor_done[page.floor_path] = m
                        log(f"round {round_number + 1} floor {page.key}: {describe(m)}")
                    floor[page.key].append(m)
                cookie = session_cookie(app_server, settings.user, page.path if page.creates else "/")
                count = (lambda: count_reports(app_url, facts.group_id)) if page.creates else None
                m, added = measure(app_server, page, settings, first, cookie, False, db_pid, count)
                ours[page.key].append(m)
                log(f"round {round_number + 1} ours  {page.key}: {describe(m)}")
                if page.creates:
                    notes.append(f"Round {round_number + 1}, create: {create_check(added, m)}")
                if m.run.errors:
                    notes.append(f"Round {round_number + 1}, {page.key}: errors; statuses {m.run.statuses}.")
                if m.run.seconds > settings.seconds + 1:
                    notes.append(
                        f"Round {round_number + 1}, {page.key}: fewer than {MIN_ANSWERS} answers in "
                        f"{settings.seconds} s, so measured for {m.run.seconds:.0f} s."
                    )
                if not m.run.requests:
                    notes.append(
                        f"Round {round_number + 1}, {page.key}: no request was answered within the run."
                    )
        for server in filter(None, (app_server, floor_server)):
            text = server.log_text()
            if "Traceback" in text:
                start = text.index("Traceback")
                notes.append(f"{server.name} logged a traceback:\n\n```\n{text[start : start + 3000]}\n```")
    return pages, ours, floor


def create_check(added: int, m: Measured) -> str:
    """Say whether the reports the run added are the POSTs answered 303 (and those in flight at the end)."""
    run = m.run
    per_create = f"{1000 * m.cpu_seconds / added:.1f}" if added else "–"
    if added == run.creates:
        verdict = f"{added} new reports in the database, as many as the POSTs answered 303"
    elif run.creates <= added <= run.creates + run.unanswered_posts:
        verdict = (
            f"{added} new reports in the database: the {run.creates} POSTs answered 303 and "
            f"{added - run.creates} of the {run.unanswered_posts} still in flight when wrk stopped"
        )
    else:
        verdict = (
            f"**{added} new reports in the database, but {run.creates} POSTs answered 303 "
            f"({run.unanswered_posts} in flight at the end)**"
        )
    return f"{verdict}; {per_create} server CPU ms per created report (its form's GET included)."


def describe(m: Measured) -> str:
    extra = f", {m.run.creates} created" if m.run.creates else ""
    return (
        f"{m.run.rate:.1f} req/s, {m.cpu_ms_per_request:.2f} CPU ms/req, p50 {m.run.p50:.1f} ms, "
        f"p95 {m.run.p95:.1f} ms, p99 {m.run.p99:.1f} ms, {m.run.errors} errors{extra}, "
        f"peak RSS {m.peak_rss_kb / 1024:.0f} MB"
    )


def header_note(settings: Settings) -> str:
    # make bench measures 3 rounds of 15 s a page (20 s would pass its 15 minutes): a full run.
    quick = settings.rounds < 3 or settings.seconds < 15
    lines = []
    if quick:
        lines.append(
            f"**Quick run** (ROUNDS={settings.rounds}, BENCH_SECONDS={settings.seconds}): indicative only."
        )
    if settings.note:
        lines.append(f"**Note:** {settings.note}")
    return "\n\n".join(lines)


def write_results(settings: Settings, section: str, title: str, body: str) -> None:
    out = settings.out
    document = out.read_text() if out.exists() else INTRO
    out.write_text(replace_section(document, section, f"## {title}\n\n{body}"))
    log(f"written to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


INTRO = """# Benchmark results

Written by `make bench` (bench/run.py; see README, "Benchmark"). Each section is replaced by the
next run of its kind. The floor is bench/floor/: bare Flask, Flask-SQLAlchemy and Jinja, one
table shaped like `system_error_report` holding a copy of the same reports, served with the same
gunicorn settings. *ratio CPU* is the app's server CPU per request divided by the floor's for the
same page (meeting and minutes pages are read against the floor's one-entry page). CPU is user +
system time of the whole gunicorn process tree (master and workers, from /proc) from the start
of the measured run until the server is idle again, divided by the requests it served (those
answered and those wrk left in flight at its end); on PostgreSQL the database server's CPU is
shown apart. Latencies are the app's, from wrk (8 connections). Peak RSS is the highest sum of VmRSS
over the app's gunicorn processes (shared pages of the forked workers counted in each). Errors
are answers other than the page expects (anything but 200; for create anything but the form's
200 and the POST's 303 to a page other than /login) and socket errors, app and floor together.
"""


def main() -> int:
    settings = Settings.from_env()
    if shutil.which("wrk") is None:
        print("wrk is not installed: run scripts/system-deps.sh bench (apt-get install wrk)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    secret = secrets.token_urlsafe(48)
    with tempfile.TemporaryDirectory(prefix="po-bench-") as tmp, Database(settings.db, Path(tmp)) as database:
        workdir = Path(tmp)
        facts_lines = machine_facts(database)
        if settings.sizes:
            return scale_run(settings, database, workdir, secret, facts_lines, started)
        app_url, floor_url = database.fresh()
        env = app_env(app_url, secret)
        seed(app_url, env, settings, None)
        facts = facts_of(app_url, settings.user)
        log(
            f"search «{SEARCH_WORD}» finds {facts.search_hits} of {facts.visible_reports} visible reports "
            f"({facts.hit_rate:.1%})"
        )
        from bench.floor.seed import copy_register

        copied = copy_register(app_url, floor_url)
        if settings.db == "postgresql":
            vacuum(floor_url)  # as the app's database is, before the clock starts
        log(f"floor: {copied} rows copied")
        notes: list[str] = []
        pages, ours, floor = measure_all(settings, database, workdir, app_url, env, floor_url, facts, notes)
        rows = []
        for page in pages:
            floor_summary = summarise(floor[page.key]) if floor[page.key] else None
            rows.append(Row(page.label, summarise(ours[page.key]), floor_summary, page.floor_label))
        table = results_table(rows, with_db_cpu=settings.db == "postgresql")
        elapsed = time.perf_counter() - started
        body = "\n".join(
            [
                header_note(settings),
                "",
                *facts_lines,
                *run_settings(settings, facts),
                f"- Whole run: {elapsed / 60:.1f} minutes; load average at the end: "
                + " ".join(f"{x:.2f}" for x in os.getloadavg()),
                "",
                table,
                "",
                *(f"- {n}" for n in notes),
            ]
        )
        print("\n" + table + "\n")
        section = settings.db + (f"-{settings.workers}-workers" if settings.workers != 2 else "")
        write_results(settings, section, f"{settings.db}, {settings.workers} workers", body)
    return 0


def scale_run(
    settings: Settings, database: Database, workdir: Path, secret: str, facts_lines: list[str], started: float
) -> int:
    """The scale check: the same pages with each size of register in the database (no floor)."""
    by_size: dict[int, dict[str, Summary]] = {}
    notes: list[str] = []
    data_lines = []
    pages: list[Page] = []
    for size in settings.sizes:
        app_url, _ = database.fresh()
        env = app_env(app_url, secret)
        seeding = time.perf_counter()
        seed(app_url, env, settings, size)
        seeded = time.perf_counter() - seeding
        facts = facts_of(app_url, settings.user)
        data_lines.append(
            f"- {thousands(size)} reports: {thousands(facts.total_reports)} in the database, "
            f"{thousands(facts.visible_reports)} visible in the demo group; page {facts.deep_page} of "
            f"status={facts.status}; the search finds {facts.hit_rate:.1%}; seeded in {seeded:.0f} s"
        )
        size_notes: list[str] = []
        pages, ours, _ = measure_all(settings, database, workdir, app_url, env, None, facts, size_notes)
        notes += [f"{thousands(size)} reports: {note}" for note in size_notes]
        by_size[size] = {p.key: summarise(ours[p.key]) for p in pages}
    keys = [p.key for p in pages]
    table = scale_table(keys, settings.sizes, by_size)
    elapsed = time.perf_counter() - started
    body = "\n".join(
        [
            header_note(settings),
            "",
            "The same pages with registers of different sizes in the database; the demo group's own "
            "register stays the same, the rest is in other groups. Pages: "
            + ", ".join(f"{p.key} = {p.label}" for p in pages)
            + ".",
            "",
            *facts_lines,
            f"- Settings: DB={settings.db}, ROUNDS={settings.rounds}, BENCH_SECONDS={settings.seconds}, "
            f"wrk -t{settings.threads} -c{settings.connections}, gunicorn {settings.workers} sync workers",
            *data_lines,
            f"- Whole run: {elapsed / 60:.1f} minutes",
            "",
            table,
            "",
            *(f"- {n}" for n in notes),
        ]
    )
    print("\n" + table + "\n")
    write_results(settings, f"scale-{settings.db}", f"Scale check, {settings.db}", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
