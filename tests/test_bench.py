"""The benchmark's pure parts (bench/measure.py, bench/run.py) and the floor app (bench/floor/).

wrk is never run here: make bench runs it; these check what the runner makes of its output,
the CPU accounting over a process tree, the tables, and that the floor serves its pages.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path

import pytest

from bench import measure
from bench.floor.app import create_app, create_schema
from bench.measure import Measured, Row, Summary, WrkRun
from bench.run import Facts, Settings, create_check, header_note, pages_of

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:4711/groups/1/system-errors?status=submitted
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    30.68ms   12.73ms 104.63ms   80.07%
    Req/Sec   131.10     39.40   210.00     75.00%
  1310 requests in 5.01s, 13.03MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:    261.47
Transfer/sec:      2.60MB
BENCH_JSON {"requests": 1310, "duration_us": 5010000, "answered": 1310, "ok": 1302, "bad": 5, \
"creates": 0, "unanswered_posts": 0, "sent": 1316, "connect": 0, "read": 1, "write": 0, "timeout": 2, \
"status_errors": 4, "p50_us": 27351, "p95_us": 48808, "p99_us": 84839, "mean_us": 30682, \
"max_us": 104630, "statuses": {"200": 1305, "302": 1, "500": 4}}
"""


def test_parse_wrk_reads_the_json_line_and_counts_every_error():
    run = measure.parse_wrk(WRK_OUTPUT)
    assert run.requests == 1310
    assert run.seconds == pytest.approx(5.01)
    assert run.rate == pytest.approx(1310 / 5.01)
    assert (run.p50, run.p95, run.p99) == (
        pytest.approx(27.351),
        pytest.approx(48.808),
        pytest.approx(84.839),
    )
    # 5 answers the script did not expect (a 302 to the login page counts) + 3 socket errors
    assert run.errors == 5 + 3
    assert run.statuses == {"200": 1305, "302": 1, "500": 4}
    assert measure.requests_per_second(WRK_OUTPUT) == pytest.approx(261.47)
    # 6 requests were still being served when wrk stopped: the server's CPU is shared by 1316
    assert run.in_flight == 6
    assert Measured(run, 13.16, 1).cpu_ms_per_request == pytest.approx(10.0)


def test_parse_wrk_without_the_scripts_line_fails_loudly():
    with pytest.raises(ValueError, match="BENCH_JSON"):
        measure.parse_wrk("Running 5s test @ http://127.0.0.1:1/\nRequests/sec: 0.00\n")


def _stat(pid: int, name: str, ppid: int, utime: int, stime: int, cutime: int = 0, cstime: int = 0) -> str:
    # proc(5): pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
    #          utime stime cutime cstime ...
    return f"{pid} ({name}) S {ppid} 1 1 0 -1 4194560 10 0 0 0 {utime} {stime} {cutime} {cstime} 20 0 1 0"


@pytest.fixture
def fake_proc(tmp_path: Path) -> Path:
    """A /proc with a gunicorn master (100), two workers, a worker's child and a stranger."""
    processes = {
        100: ("gunicorn: master [po_meetings:create_app()]", 1, 50, 10, 7, 3, 20_000),
        101: ("gunicorn: worker", 100, 400, 40, 0, 0, 150_000),
        102: ("gunicorn: worker", 100, 300, 30, 0, 0, 140_000),
        103: ("sh) (odd name", 101, 5, 5, 0, 0, 1_000),
        200: ("postgres", 1, 9_999, 9_999, 0, 0, 99_999),
    }
    for pid, (name, ppid, utime, stime, cutime, cstime, rss) in processes.items():
        folder = tmp_path / str(pid)
        folder.mkdir()
        (folder / "stat").write_text(_stat(pid, name, ppid, utime, stime, cutime, cstime))
        (folder / "status").write_text(f"Name:\t{name[:15]}\nVmHWM:\t{rss + 5} kB\nVmRSS:\t{rss} kB\n")
    (tmp_path / "self").mkdir()  # not a pid: ignored
    return tmp_path


def test_parse_stat_survives_parentheses_and_spaces_in_the_name():
    stat = measure.parse_stat(_stat(103, "sh) (odd name", 101, 5, 6, 7, 8))
    assert stat == measure.ProcStat(pid=103, ppid=101, utime=5, stime=6, cutime=7, cstime=8)


def test_cpu_of_a_process_tree_counts_the_master_workers_and_their_children(fake_proc):
    processes = measure.tree(100, fake_proc)
    assert sorted(p.pid for p in processes) == [100, 101, 102, 103]
    # every process's utime + stime, and the master's ended children (cutime + cstime)
    assert measure.cpu_ticks(processes, 100) == (50 + 10 + 7 + 3) + 440 + 330 + 10
    assert measure.tree(999, fake_proc) == []


def test_memory_of_a_process_tree_sums_vmrss(fake_proc):
    assert measure.tree_rss_kb(100, fake_proc) == 20_000 + 150_000 + 140_000 + 1_000
    assert measure.status_kb("Name:\tkthreadd\n", "VmRSS") == 0


def _measured(rate_requests: int, cpu: float, p50: float, errors: int = 0, rss: int = 100_000) -> Measured:
    run = WrkRun(rate_requests, 10.0, p50, p50 * 2, p50 * 3, errors)
    return Measured(run, cpu, rss)


def test_summaries_are_medians_of_the_rounds_and_errors_add_up():
    summary = measure.summarise(
        [_measured(1000, 5.0, 10, rss=90_000), _measured(1200, 7.0, 30, 1), _measured(800, 4.0, 20, 2)]
    )
    assert summary.rate == pytest.approx(100.0)  # median of 100, 120, 80 req/s
    assert summary.cpu_ms == pytest.approx(5.0)  # median of 5.0, 5.83, 5.0 ms
    assert summary.p50 == 20
    assert summary.errors == 3
    assert summary.peak_rss_kb == 100_000
    assert summary.rounds == 3
    silent = measure.summarise([_measured(0, 1.0, 0)])
    assert math.isnan(silent.cpu_ms) and math.isnan(silent.p95)


def _summary(rate: float, cpu_ms: float, errors: int = 0) -> Summary:
    return Summary(rate, cpu_ms, 10.0, 20.0, 30.0, errors, 200 * 1024, 1000, 3)


def test_results_table_sets_ours_beside_the_floor():
    table = measure.results_table(
        [
            Row("register page 1", _summary(50, 40.0, 1), _summary(500, 4.0)),
            Row("meeting page", _summary(20, 10.0), _summary(400, 2.5), "one entry"),
            Row("start page", _summary(30, 12.0)),
        ]
    )
    lines = table.splitlines()
    assert lines[0].startswith(
        "| page | floor req/s | floor CPU ms/req | ours req/s | ours CPU ms/req | ratio CPU"
    )
    assert lines[0].endswith("| errors | peak RSS |")
    assert len(lines) == 5 and all(line.count("|") == lines[0].count("|") for line in lines)
    assert (
        "| register page 1 | 500.0 | 4.00 | 50.0 | 40.00 | 10.0× | 10.0 | 20.0 | 30.0 | 1 | 200 MB |" in lines
    )
    assert lines[3].startswith("| meeting page (floor: one entry) |") and "| 4.0× |" in lines[3]
    assert "| start page | – | – | 30.0 | 12.00 | – |" in lines[4]
    with_db = measure.results_table([Row("x", _summary(1, 1.0), _summary(2, 0.5))], with_db_cpu=True)
    assert with_db.splitlines()[0].endswith("| PostgreSQL CPU ms/req floor / ours |")


def test_scale_table_and_result_sections():
    table = measure.scale_table(
        ["list"], [2000, 200_000], {2000: {"list": _summary(50, 10.0)}, 200_000: {"list": _summary(40, 15.0)}}
    )
    assert "CPU ms/req @200 000" in table.splitlines()[0]
    assert "| 1.50× |" in table
    assert "PostgreSQL" not in table


def test_the_scale_table_on_postgresql_counts_the_database_in_the_ratio():
    small = replace(_summary(50, 10.0), db_cpu_ms=5.0)
    large = replace(_summary(30, 11.0), db_cpu_ms=19.0)  # the app's CPU the same, the database's not
    table = measure.scale_table(
        ["search"], [2000, 200_000], {2000: {"search": small}, 200_000: {"search": large}}
    )
    header, _, row = table.splitlines()
    assert "PostgreSQL CPU ms/req @200 000" in header and "(app + PostgreSQL)" in header
    assert row == "| search | 10.00 | 5.00 | 50.0 | 20.0 | 11.00 | 19.00 | 30.0 | 20.0 | 2.00× | 0 |"
    document = measure.replace_section("# Results\n", "sqlite", "## old")
    document = measure.replace_section(document, "postgresql", "## pg")
    document = measure.replace_section(document, "sqlite", "## new")
    assert "## old" not in document and document.index("## new") < document.index("## pg")
    assert document.count("<!-- bench:sqlite:start -->") == 1


def _facts() -> Facts:
    return Facts(
        group_id=1,
        status="submitted",
        status_count=5600,
        deep_page=50,
        report_number="SF-2025-012",
        report_events=14,
        meeting_id=3,
        search_hits=1600,
        visible_reports=20_000,
        total_reports=20_040,
        organisation_id=2,
        floor_entry_id=77,
    )


def test_pages_and_the_create_check():
    pages = {p.key: p for p in pages_of(_facts())}
    assert pages["list-deep"].path == "/groups/1/system-errors?status=submitted&page=50"
    assert pages["search"].path.startswith("/groups/1/system-errors?q=f%C3%B6rvaltningsr%C3%A4tten")
    assert "8.0%" in pages["search"].label
    assert pages["report"].path == "/groups/1/system-errors/SF-2025-012"
    assert pages["minutes"].path == "/groups/1/meetings/3/minutes/"
    assert pages["meeting"].floor_path == pages["report"].floor_path == "/entries/77"
    create = pages["create"]
    assert create.creates and create.post_path == "/groups/1/system-errors/new"
    assert create.fields["affected_organisation_ids"] == "2" and create.fields["action"] == "submit"

    run = WrkRun(200, 10.0, 1, 2, 3, 0, creates=100, unanswered_posts=3)
    assert create_check(100, Measured(run, 2.0, 1)).startswith("100 new reports in the database, as many as")
    assert "2 of the 3 still in flight" in create_check(102, Measured(run, 2.0, 1))
    assert create_check(90, Measured(run, 2.0, 1)).startswith("**90 new reports")


def test_settings_from_the_environment():
    settings = Settings.from_env({"DB": "postgresql", "ROUNDS": "1", "BENCH_SECONDS": "3", "WORKERS": "4"})
    assert (settings.db, settings.rounds, settings.seconds, settings.workers) == ("postgresql", 1, 3, 4)
    assert Settings.from_env({"BENCH_SIZES": "2000,200_000"}).sizes == [2000, 200_000]
    with pytest.raises(SystemExit):
        Settings.from_env({"DB": "mysql"})


def test_the_floor_app_serves_its_pages(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'floor.sqlite'}")
    with app.app_context():
        create_schema()
    client = app.test_client()
    assert client.get("/entries/new").status_code == 200
    for n, word in enumerate(["förvaltningsrätten", "färdtjänst", "bostadsanpassning"]):
        answer = client.post(
            "/entries/new",
            data={"title": f"Rapport {n}", "description": f"Klienten och {word}.", "level": "local"},
        )
        assert answer.status_code == 303
    assert client.post("/entries/new", data={"title": ""}).status_code == 422
    listed = client.get("/entries?status=submitted")
    assert listed.status_code == 200 and listed.text.count("<tr>") == 1 + 3
    assert client.get("/entries?status=submitted&page=50").status_code == 200
    found = client.get("/entries?q=förvaltningsrätten")
    assert found.status_code == 200 and "Rapport 0" in found.text and "Rapport 1" not in found.text
    entry = client.get("/entries/1")
    assert entry.status_code == 200 and re.search(r"SF-\d{4}-001 Rapport 0", entry.text)
    assert client.get("/entries/999").status_code == 404
    assert client.get("/").status_code == 200


def test_make_bench_defaults_are_a_full_run_and_fewer_rounds_or_seconds_are_a_quick_one():
    assert "Quick run" not in header_note(Settings(rounds=3, seconds=15))  # make bench
    assert "Quick run" in header_note(Settings(rounds=1, seconds=15))
    assert "Quick run" in header_note(Settings(rounds=3, seconds=5))
