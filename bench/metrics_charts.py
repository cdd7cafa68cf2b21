"""Metrics and charts at scale: 100,000 sessions, 10 million participants.

Two parts, each in a fresh subprocess so that its peak resident memory is its own (read from
``VmHWM``, which a new process starts afresh, unlike ``ru_maxrss``, which Linux carries over from
the parent at fork time):

* **session level**: ``metrics.session_metrics`` on 100,000 sessions, then every session-level
  chart of ``webinar_insights.charts`` built and turned into a spec (``to_dict()``: Altair's
  validation included). Target: under 2 s in all. Each chart must also embed at most
  ``charts.MAX_ROWS`` rows.
* **participant level**: ``metrics.retention_curve`` and ``metrics.peak_concurrency`` over
  10 million participants (about 100 per started session, full participants schema, names and
  emails included). Target: peak RSS under 4 GiB.

The frames are synthetic, built in polars with the declared schemas (a fixed program: the same
frames every run) and handed to the subprocess as parquet; reading them is not timed. Before
timing, the session part builds every chart once on 100 sessions, so that one-off costs
(imports, Altair's schema compilation) are reported apart (``warm_up_s``).
Smoke: 1,000 sessions and 100,000 participants.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import polars as pl

from tests.support.synthetic import NOW
from tests.support.synthetic import participants as make_participants
from tests.support.synthetic import sessions as make_sessions

from ._common import ROOT, BenchResult, at_most, holds

PARTICIPANTS_PER_SESSION = 100
SESSION_TARGET_S = 2.0
PARTICIPANT_TARGET_GIB = 4.0

# The chart calls of the session part, by name (each gets the frame from session_metrics).
CHARTS = {
    "attendance_rate_chart": "charts.attendance_rate_chart(frame)",
    "start_delay_chart": "charts.start_delay_chart(frame)",
    "status_timeline_chart": "charts.status_timeline_chart(frame, now=NOW)",
    "weekday_hour_chart": "charts.weekday_hour_chart(frame)",
    "weekday_hour_chart (rate)": "charts.weekday_hour_chart(frame, value='attendance_rate')",
    "overrun_chart": "charts.overrun_chart(frame)",
}

SESSION_RUNNER = """
import json, sys, time
from datetime import UTC, datetime
import polars as pl
from bench._common import peak_kib
from webinar_insights import charts, metrics

NOW = datetime.fromisoformat(sys.argv[2])
CHARTS = {charts_literal}

def rows(spec):
    total = sum(len(values) for values in spec.get("datasets", {{}}).values())
    stack = [{{k: v for k, v in spec.items() if k != "datasets"}}]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                total += len(data["values"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return total

sessions = pl.read_parquet(sys.argv[1])
started = time.perf_counter()
small = metrics.session_metrics(sessions.head(100))
for code in CHARTS.values():
    eval(code, {{"charts": charts, "frame": small, "NOW": NOW}}).to_dict()
warm_up = time.perf_counter() - started
base = peak_kib()
figures = {{}}
started = time.perf_counter()
frame = metrics.session_metrics(sessions)
figures["session_metrics"] = {{"seconds": time.perf_counter() - started, "rows": frame.height}}
for name, code in CHARTS.items():
    began = time.perf_counter()
    spec = eval(code, {{"charts": charts, "frame": frame, "NOW": NOW}}).to_dict()
    figures[name] = {{"seconds": time.perf_counter() - began, "rows": rows(spec)}}
total = time.perf_counter() - started
peak = peak_kib()
print(json.dumps({{"parts": figures, "total": total, "warm_up": warm_up,
                  "base_kib": base, "peak_kib": peak}}))
"""

PARTICIPANT_RUNNER = """
import json, sys, time
import polars as pl
from bench._common import peak_kib
from webinar_insights import metrics

sessions = metrics.session_metrics(pl.read_parquet(sys.argv[1]))
participants = pl.read_parquet(sys.argv[2])
base = peak_kib()
figures = {}
started = time.perf_counter()
curve = metrics.retention_curve(participants, sessions)
figures["retention_curve"] = {"seconds": time.perf_counter() - started, "rows": curve.height}
del curve
began = time.perf_counter()
peaks = metrics.peak_concurrency(participants, sessions)
figures["peak_concurrency"] = {"seconds": time.perf_counter() - began, "rows": peaks.height}
total = time.perf_counter() - started
peak = peak_kib()
print(json.dumps({"parts": figures, "total": total, "participants": participants.height,
                  "base_kib": base, "peak_kib": peak}))
"""


def _run(code: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False, cwd=ROOT
    )
    if done.returncode:
        raise RuntimeError(f"benchmark subprocess failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _mib(kib: int) -> float:
    return round(kib / 1024, 1)


def run(smoke: bool) -> BenchResult:
    n_sessions = 1_000 if smoke else 100_000
    n_participants = 100_000 if smoke else 10_000_000
    sessions = make_sessions(n_sessions)
    # Participants of the started sessions, as many per session as it takes (about 100).
    started = sessions.filter(pl.col("broadcast_start").is_not_null())
    per_session = -(-n_participants // started.height)
    participants = make_participants(started, per_session).head(n_participants)
    with tempfile.TemporaryDirectory() as folder:
        sessions_path = Path(folder) / "sessions.parquet"
        people_sessions_path = Path(folder) / "people_sessions.parquet"
        participants_path = Path(folder) / "participants.parquet"
        sessions.write_parquet(sessions_path)
        started.write_parquet(people_sessions_path)
        participants.write_parquet(participants_path)
        del participants
        session_code = SESSION_RUNNER.format(charts_literal=repr(CHARTS))
        session_part = _run(textwrap.dedent(session_code), str(sessions_path), NOW.isoformat())
        participant_part = _run(
            textwrap.dedent(PARTICIPANT_RUNNER), str(people_sessions_path), str(participants_path)
        )

    rows: list[dict[str, Any]] = []
    for name, figures in session_part["parts"].items():
        rows.append(
            {
                "part": name,
                "input_rows": n_sessions,
                "seconds": round(figures["seconds"], 3),
                "rows_out": figures["rows"],
            }
        )
    rows.append(
        {
            "part": "session level total",
            "input_rows": n_sessions,
            "seconds": round(session_part["total"], 3),
            "peak_rss_mib": _mib(session_part["peak_kib"]),
            "added_rss_mib": _mib(session_part["peak_kib"] - session_part["base_kib"]),
        }
    )
    for name, figures in participant_part["parts"].items():
        rows.append(
            {
                "part": name,
                "input_rows": participant_part["participants"],
                "seconds": round(figures["seconds"], 3),
                "rows_out": figures["rows"],
            }
        )
    peak_gib = participant_part["peak_kib"] / 2**20
    rows.append(
        {
            "part": "participant level total",
            "input_rows": participant_part["participants"],
            "seconds": round(participant_part["total"], 3),
            "peak_rss_mib": _mib(participant_part["peak_kib"]),
            "added_rss_mib": _mib(participant_part["peak_kib"] - participant_part["base_kib"]),
        }
    )
    chart_rows = [
        figures["rows"] for name, figures in session_part["parts"].items() if name in CHARTS
    ]
    return BenchResult(
        title="session metrics and charts, participant metrics, at scale",
        params={
            "sessions": n_sessions,
            "participants": participant_part["participants"],
            "participants_per_session": per_session,
            "charts": len(CHARTS),
        },
        rows=rows,
        targets=[
            at_most(
                "session level: session_metrics + every chart's to_dict(), seconds",
                round(session_part["total"], 3),
                SESSION_TARGET_S,
            ),
            at_most("participant level: peak RSS, GiB", round(peak_gib, 2), PARTICIPANT_TARGET_GIB),
            holds("every chart embeds at most 5,000 rows", max(chart_rows) <= 5_000),
        ],
        notes=[
            f"session part warm-up (charts on 100 sessions first: imports, Altair schema"
            f" compilation) took {session_part['warm_up']:.2f} s, not counted above",
            "rows_out: rows a metric returned, or data rows a chart's spec embeds",
        ],
    )
