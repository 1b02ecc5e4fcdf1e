"""The pure parts of the benchmark: wrk's output as numbers, CPU time and memory of a process
tree from /proc, medians of rounds and the Markdown tables (tested in tests/test_bench.py)."""

from __future__ import annotations

import json
import math
import os
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: The line bench/wrk.lua's done() prints: the run as JSON.
JSON_MARK = "BENCH_JSON "
_REQUESTS_PER_SEC = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


@dataclass
class WrkRun:
    """One wrk run: its requests, their latency (ms) and what went wrong."""

    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float
    #: answers other than the page expects (a login redirect, a 4xx, a 5xx), and socket errors
    errors: int
    statuses: dict[str, int] = field(default_factory=dict)
    #: reports created (303 after the POST of the form), for the create page
    creates: int = 0
    #: POSTs sent but not answered when wrk stopped (the server may still have saved them)
    unanswered_posts: int = 0
    #: requests sent (0: not known); those not answered were still being served when wrk stopped
    sent: int = 0

    @property
    def in_flight(self) -> int:
        return max(0, self.sent - self.requests)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def parse_wrk(output: str) -> WrkRun:
    """Read a run from wrk's output: the JSON line of bench/wrk.lua, checked against wrk's own summary.

    Socket errors (connect, read, write, timeout) and non-2xx/3xx answers count as errors, and
    so does any answer the script did not expect (it counts those itself).
    """
    line = next((ln for ln in output.splitlines() if ln.startswith(JSON_MARK)), None)
    if line is None:
        raise ValueError(f"wrk printed no {JSON_MARK.strip()} line:\n{output[-2000:]}")
    data = json.loads(line[len(JSON_MARK) :])
    socket_errors = sum(int(data.get(key, 0)) for key in ("connect", "read", "write", "timeout"))
    match = _SOCKET_ERRORS.search(output)
    if match:
        socket_errors = max(socket_errors, sum(int(n) for n in match.groups()))
    non_2xx = _NON_2XX.search(output)
    unexpected = max(int(data.get("bad", 0)), int(non_2xx.group(1)) if non_2xx else 0)
    return WrkRun(
        requests=int(data["requests"]),
        seconds=int(data["duration_us"]) / 1e6,
        p50=int(data["p50_us"]) / 1000,
        p95=int(data["p95_us"]) / 1000,
        p99=int(data["p99_us"]) / 1000,
        errors=unexpected + socket_errors,
        statuses={str(k): int(v) for k, v in (data.get("statuses") or {}).items()},
        creates=int(data.get("creates", 0)),
        unanswered_posts=int(data.get("unanswered_posts", 0)),
        sent=int(data.get("sent", 0)),
    )


def requests_per_second(output: str) -> float | None:
    """Return wrk's own "Requests/sec" figure, if it printed one."""
    match = _REQUESTS_PER_SEC.search(output)
    return float(match.group(1)) if match else None


# -- a process tree in /proc --------------------------------------------------------------------


@dataclass(frozen=True)
class ProcStat:
    """What /proc/<pid>/stat says of a process: its parent and its CPU time in clock ticks."""

    pid: int
    ppid: int
    utime: int
    stime: int
    cutime: int
    cstime: int


def parse_stat(text: str) -> ProcStat:
    """Parse /proc/<pid>/stat (the name in parentheses may hold spaces and parentheses)."""
    head, _, rest = text.rpartition(")")
    pid = int(head.split("(", 1)[0])
    fields = rest.split()
    # fields[0] is field 3 (state) of proc(5): ppid is 4, utime 14, stime 15, cutime 16, cstime 17.
    return ProcStat(pid, int(fields[1]), *(int(fields[i]) for i in (11, 12, 13, 14)))


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None


def _stats(proc: Path) -> dict[int, ProcStat]:
    found = {}
    for entry in proc.iterdir():
        if entry.name.isdigit():
            text = _read(entry / "stat")
            if text:
                found[int(entry.name)] = parse_stat(text)
    return found


def tree(root: int, proc: Path = Path("/proc")) -> list[ProcStat]:
    """Return the process ``root`` and all its descendants (those alive now)."""
    stats = _stats(proc)
    if root not in stats:
        return []
    children: dict[int, list[int]] = {}
    for stat in stats.values():
        children.setdefault(stat.ppid, []).append(stat.pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(stats[pid])
        todo.extend(children.get(pid, ()))
    return found


def cpu_ticks(processes: Iterable[ProcStat], root: int) -> int:
    """Return the CPU time of a tree in clock ticks: user and system time of each process, and
    that of the root's children which have already ended (cutime, cstime: a worker restarted)."""
    total = 0
    for stat in processes:
        total += stat.utime + stat.stime
        if stat.pid == root:
            total += stat.cutime + stat.cstime
    return total


def tree_cpu_seconds(root: int, proc: Path = Path("/proc")) -> float:
    """Return the CPU seconds the tree under ``root`` has used so far."""
    return cpu_ticks(tree(root, proc), root) / os.sysconf("SC_CLK_TCK")


def status_kb(text: str, key: str) -> int:
    """Return a ``kB`` line of /proc/<pid>/status (VmRSS, VmHWM), 0 if absent (a kernel thread)."""
    match = re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


def tree_rss_kb(root: int, proc: Path = Path("/proc")) -> int:
    """Return the resident memory of the tree: the sum of its processes' VmRSS (shared pages
    of forked workers count once per process, as ``ps`` shows them)."""
    total = 0
    for stat in tree(root, proc):
        text = _read(proc / str(stat.pid) / "status")
        if text:
            total += status_kb(text, "VmRSS")
    return total


# -- rounds and tables ---------------------------------------------------------------------------


@dataclass
class Measured:
    """One page measured on one server: wrk's run, the server's CPU and its peak memory."""

    run: WrkRun
    cpu_seconds: float
    peak_rss_kb: int
    #: CPU of the database server (PostgreSQL), None on SQLite
    db_cpu_seconds: float | None = None

    @property
    def served(self) -> int:
        """Requests the server served in full: those answered, and those wrk left in flight at its
        end (the CPU is read once the server is idle again, so it holds all of their work)."""
        return self.run.requests + self.run.in_flight

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * self.cpu_seconds / self.served if self.run.requests else float("nan")

    @property
    def db_cpu_ms_per_request(self) -> float | None:
        if self.db_cpu_seconds is None or not self.run.requests:
            return None
        return 1000 * self.db_cpu_seconds / self.served


@dataclass
class Summary:
    """The median of a page's rounds on one server (errors are summed: one is one too many)."""

    rate: float
    cpu_ms: float
    p50: float
    p95: float
    p99: float
    errors: int
    peak_rss_kb: int
    requests: int
    rounds: int
    db_cpu_ms: float | None = None


def summarise(rounds: Sequence[Measured]) -> Summary:
    """Return the medians of a page's rounds."""
    if not rounds:
        raise ValueError("no rounds")
    db = [m.db_cpu_ms_per_request for m in rounds if m.db_cpu_ms_per_request is not None]
    answered = [m for m in rounds if m.run.requests] or list(rounds)  # a run with no answer has no latency
    nan = float("nan")
    return Summary(
        rate=statistics.median(m.run.rate for m in rounds),
        cpu_ms=statistics.median(m.cpu_ms_per_request for m in answered) if answered[0].run.requests else nan,
        p50=statistics.median(m.run.p50 for m in answered) if answered[0].run.requests else nan,
        p95=statistics.median(m.run.p95 for m in answered) if answered[0].run.requests else nan,
        p99=statistics.median(m.run.p99 for m in answered) if answered[0].run.requests else nan,
        errors=sum(m.run.errors for m in rounds),
        peak_rss_kb=max(m.peak_rss_kb for m in rounds),
        requests=sum(m.run.requests for m in rounds),
        rounds=len(rounds),
        db_cpu_ms=statistics.median(db) if db else None,
    )


def _num(value: float | None, digits: int = 1) -> str:
    if value is None or value != value:  # None or NaN
        return "–"
    return f"{value:,.{digits}f}".replace(",", " ")


def _positive(*values: float | None) -> bool:
    """Return whether every value is a number above zero (not None, not NaN)."""
    return all(v is not None and math.isfinite(v) and v > 0 for v in values)


def _mb(kb: int | None) -> str:
    return "–" if not kb else f"{kb / 1024:.0f} MB"


@dataclass
class Row:
    """One line of the results: a page of the app and its counterpart on the floor (if any)."""

    page: str
    ours: Summary
    floor: Summary | None = None
    #: which floor page it is read against, when not the same page (e.g. a meeting against an entry)
    floor_page: str | None = None


def results_table(rows: Sequence[Row], with_db_cpu: bool = False) -> str:
    """Render the results as a Markdown table, the app's figures beside the floor's."""
    header = [
        "page",
        "floor req/s",
        "floor CPU ms/req",
        "ours req/s",
        "ours CPU ms/req",
        "ratio CPU",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "peak RSS",
    ]
    if with_db_cpu:
        header += ["PostgreSQL CPU ms/req floor / ours"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    for row in rows:
        floor, ours = row.floor, row.ours
        ratio = ours.cpu_ms / floor.cpu_ms if floor and _positive(floor.cpu_ms, ours.cpu_ms) else None
        name = row.page + (f" (floor: {row.floor_page})" if floor and row.floor_page else "")
        cells = [
            name,
            _num(floor.rate if floor else None),
            _num(floor.cpu_ms if floor else None, 2),
            _num(ours.rate),
            _num(ours.cpu_ms, 2),
            f"{ratio:.1f}×" if ratio else "–",
            _num(ours.p50),
            _num(ours.p95),
            _num(ours.p99),
            str(ours.errors + (floor.errors if floor else 0)),
            _mb(ours.peak_rss_kb),
        ]
        if with_db_cpu:
            cells.append(f"{_num(floor.db_cpu_ms if floor else None, 2)} / {_num(ours.db_cpu_ms, 2)}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def scale_table(pages: Sequence[str], sizes: Sequence[int], by_size: dict[int, dict[str, Summary]]) -> str:
    """Render the scale check: each page's CPU, rate and p95 at each register size, and the
    ratio of the CPU at the largest size to that at the smallest.

    On PostgreSQL the database server's CPU per request is shown at each size too, and the ratio
    is of the two together: a page whose cost moved into the database has not stopped growing.
    """
    summaries = [s for size in sizes for s in by_size.get(size, {}).values()]
    with_db = any(s.db_cpu_ms is not None for s in summaries)
    header = ["page"]
    for size in sizes:
        label = f"{size:,}".replace(",", " ")
        header += [f"CPU ms/req @{label}"]
        header += [f"PostgreSQL CPU ms/req @{label}"] if with_db else []
        header += [f"req/s @{label}", f"p95 ms @{label}"]
    header += ["CPU ratio largest/smallest" + (" (app + PostgreSQL)" if with_db else ""), "errors"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]

    def cost(summary: Summary) -> float:
        return summary.cpu_ms + (summary.db_cpu_ms or 0.0)

    for page in pages:
        cells = [page]
        found = [by_size.get(size, {}).get(page) for size in sizes]
        for summary in found:
            if summary is None:
                cells += ["–"] * (4 if with_db else 3)
                continue
            cells.append(_num(summary.cpu_ms, 2))
            cells += [_num(summary.db_cpu_ms, 2)] if with_db else []
            cells += [_num(summary.rate), _num(summary.p95)]
        first, last = found[0], found[-1]
        ratio = cost(last) / cost(first) if first and last and _positive(cost(first), cost(last)) else None
        cells.append(f"{ratio:.2f}×" if ratio else "–")
        cells.append(str(sum(s.errors for s in found if s)))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def replace_section(document: str, name: str, body: str) -> str:
    """Put ``body`` between the markers of section ``name`` (appended if the document has none)."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    block = f"{start}\n{body.strip()}\n{end}"
    if start in document and end in document:
        before = document[: document.index(start)]
        after = document[document.index(end) + len(end) :]
        return before + block + after
    return document.rstrip() + "\n\n" + block + "\n"
