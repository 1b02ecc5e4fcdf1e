"""Profile the benchmarked pages in-process: CPU per request, SQL statements and their times.

Run against a database made with ``flask seed-demo`` and ``flask seed-bulk`` (bench/PROFILE.md)::

    PO_MEETINGS_DATABASE_URL=sqlite:////tmp/perf.sqlite .venv/bin/python bench/profile_pages.py
    .venv/bin/python bench/profile_pages.py --page list --queries   # the page's statements, slowest first
    .venv/bin/python bench/profile_pages.py --page search --pyinstrument

Logged in as the demo chair through the Flask test client (no network, one thread), so the CPU
per request is the app's and its database driver's. A create POST writes a report each round.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from collections import defaultdict

from sqlalchemy import event, select, true

from po_meetings import create_app
from po_meetings.extensions import db
from po_meetings.models import SystemErrorReport

CHAIR = "ordforande@demo.se"
PASSWORD = "demo-losenord"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def pages(group_id: int, number: str) -> dict[str, tuple[str, str]]:
    """Return the benchmarked pages: name → (method, URL)."""
    base = f"/groups/{group_id}/system-errors"
    return {
        "list": ("GET", f"{base}?status=submitted"),
        "list-p50": ("GET", f"{base}?status=submitted&page=50"),
        "report": ("GET", f"{base}/{number}"),
        "search": ("GET", f"{base}?q=f%C3%B6rvaltningsr%C3%A4tten"),
        "search-all": ("GET", f"/groups/{group_id}/search?q=f%C3%A4rdtj%C3%A4nst"),
        "create": ("POST", f"{base}/new"),
        "meeting": ("GET", f"/groups/{group_id}/meetings/2"),
        "minutes": ("GET", f"/groups/{group_id}/meetings/2/minutes/"),
        "start": ("GET", "/"),
    }


def report_form(n: int) -> dict:
    """Return a complete report to submit (without its CSRF token); tests/test_query_counts.py
    submits the same."""
    return {
        "title": f"Mätrapport {n}",
        "description": "Vid flera utskrivningar i veckan saknades planeringen som ska följa med.",
        "causes": "Två journalsystem som inte talar med varandra.",
        "consequences": "Klienterna står utan stöd de första dagarna hemma.",
        "who_can_fix": "Verksamhetscheferna",
        "proposal": "En gemensam checklista vid utskrivning.",
        "system_view": "Samordningen mellan region och kommun brister.",
        "level": "caseworker",
        "category": "treatment",
        "client_count": "2",
        "action": "submit",
    }


class Statements:
    """Collect each statement's SQL and time (before/after_cursor_execute)."""

    def __init__(self, engine) -> None:
        self.rows: list[tuple[float, str]] = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("started", []).append(time.perf_counter())

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        self.rows.append((time.perf_counter() - conn.info["started"].pop(), statement))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--page", action="append", help="only these pages (repeatable)")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--group-id", type=int, help="the group whose pages to load (else the newest report's)"
    )
    parser.add_argument("--queries", action="store_true", help="print each page's statements")
    parser.add_argument("--width", type=int, default=300, help="how much of each statement to print")
    parser.add_argument("--pyinstrument", action="store_true", help="print a pyinstrument profile")
    args = parser.parse_args()

    app = create_app({"PRODUCTION": False, "SECRET_KEY": "x" * 40, "MAIL_BACKEND": "console"})
    with app.app_context():
        report = db.session.scalars(
            select(SystemErrorReport)
            .where(
                SystemErrorReport.number_seq.is_not(None),
                SystemErrorReport.group_id == args.group_id if args.group_id else true(),
            )
            .order_by(SystemErrorReport.id.desc())
            .limit(1)
        ).one()
        group_id, number = report.group_id, report.number
        total = db.session.query(SystemErrorReport).count()
    client = app.test_client()
    login = client.get("/login")
    token = _CSRF.search(login.text).group(1)
    answer = client.post("/login", data={"csrf_token": token, "email": CHAIR, "password": PASSWORD})
    assert answer.status_code == 303, answer.status_code
    token = _CSRF.search(client.get(f"/groups/{group_id}/system-errors/new").text).group(1)

    with app.app_context():
        engine = db.engine
    statements = Statements(engine)
    print(f"{total} reports in the database; report {number}; {args.rounds} rounds per page")
    print(f"{'page':<11}{'CPU ms':>8}{'median':>8}{'p95':>8}{'SQL ms':>8}{'queries':>8}{'KB':>8}")
    chosen = {k: v for k, v in pages(group_id, number).items() if not args.page or k in args.page}
    created = 0
    for name, (method, url) in chosen.items():

        def request(method=method, url=url):
            nonlocal created
            if method == "POST":
                created += 1
                return client.post(url, data={"csrf_token": token, **report_form(created)})
            return client.get(url)

        def forget_flashes(method=method):
            # A browser follows the redirect and shows the flash; here it would pile up in the
            # session cookie, so drop it outside the measured time.
            if method == "POST":
                with client.session_transaction() as session:
                    session.pop("_flashes", None)

        first = request()  # warm up (templates, caches of the app's own)
        assert first.status_code in (200, 303), (name, first.status_code, first.text[:500])
        forget_flashes()
        cpu, sql, counts = [], [], []
        per_statement = defaultdict(list)
        for _ in range(args.rounds):
            statements.rows.clear()
            started = time.process_time()
            response = request()
            cpu.append((time.process_time() - started) * 1000)
            forget_flashes()
            sql.append(sum(t for t, _ in statements.rows) * 1000)
            counts.append(len(statements.rows))
            for seconds, statement in statements.rows:
                per_statement[statement].append(seconds * 1000)
        p95 = statistics.quantiles(cpu, n=20)[-1] if len(cpu) >= 2 else cpu[0]
        print(
            f"{name:<11}{statistics.mean(cpu):8.1f}{statistics.median(cpu):8.1f}{p95:8.1f}"
            f"{statistics.median(sql):8.1f}"
            f"{statistics.mean(counts):8.0f}{len(response.data) / 1024:8.0f}"
        )
        if args.queries:
            slowest = sorted(per_statement.items(), key=lambda kv: -sum(kv[1]))
            for statement, times in slowest[:12]:
                shown = " ".join(statement.split())[: args.width]
                print(f"    {sum(times) / args.rounds:7.2f} ms x{len(times) / args.rounds:.0f}  {shown}")
        if args.pyinstrument:
            from pyinstrument import Profiler

            profiler = Profiler()
            with profiler:
                for _ in range(args.rounds):
                    request()
                    forget_flashes()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
    if created:
        print(f"(created {created} reports)")


if __name__ == "__main__":
    os.environ.setdefault("PO_MEETINGS_PRODUCTION", "false")
    main()
