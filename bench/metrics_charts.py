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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from webinar_insights import schemas

from ._common import ROOT, BenchResult, at_most, holds

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)  # a fixed clock: the same program every run
PARTICIPANTS_PER_SESSION = 100
ZONES = ("America/New_York", "Europe/Berlin", "Asia/Tokyo", "UTC", "Australia/Sydney")
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


def _spread(index: pl.Expr, seed: int, modulo: int) -> pl.Expr:
    """A fixed pseudo-random whole number in [0, modulo) per row."""
    return (index.hash(seed) % modulo).cast(pl.Int64)


def make_sessions(n: int) -> pl.DataFrame:
    """``n`` sessions of ``schemas.SESSIONS``: 10 minutes apart up to ``NOW``, the last 1 %
    Scheduled in the future, two Active, the rest Finished; 400 hosts, five time zones."""
    i = pl.int_range(n, dtype=pl.Int64)
    future = max(1, n // 100)
    start = pl.lit(NOW) + pl.duration(minutes=(i - (n - future)) * 10)
    status = (
        pl.when(i >= n - future)
        .then(pl.lit("Scheduled"))
        .when(i >= n - future - 2)
        .then(pl.lit("Active"))
        .otherwise(pl.lit("Finished"))
    )
    planned = pl.duration(minutes=30 + _spread(i, 1, 4) * 15)
    live = start + pl.duration(seconds=_spread(i, 2, 1_200) - 300)
    end = live + planned + pl.duration(seconds=_spread(i, 3, 1_800) - 900)
    registrants = 50 + _spread(i, 4, 250)
    frame = pl.select(
        session_id=pl.format("s{}", i),
        webinar_id=pl.format("w{}", i // 3),
        webinar_title=pl.format("Webinar {}", i // 3),
        session_title=pl.format("Session {}", i),
        host_user_id=pl.format("u{}", _spread(i, 5, 400)),
        host_name=pl.format("Host {}", _spread(i, 5, 400)),
        status=status,
        runtime_status=pl.when(status == "Active").then(pl.lit("Live")),
        time_zone=_spread(i, 6, len(ZONES)).replace_strict(
            list(range(len(ZONES))), list(ZONES), return_dtype=pl.String
        ),
        scheduled_start=start,
        scheduled_duration=planned,
        scheduled_end=start + planned,
        start_time=pl.when(status == "Scheduled").then(start).otherwise(live),
        end_time=end,
        broadcast_start=pl.when(status != "Scheduled").then(live),
        broadcast_end=pl.when(status == "Finished").then(end),
        participant_count=pl.lit(PARTICIPANTS_PER_SESSION),
        attendee_count=pl.lit(PARTICIPANTS_PER_SESSION),
        unique_participant_count=pl.lit(PARTICIPANTS_PER_SESSION),
        unique_attendee_count=pl.when(status == "Finished").then(
            registrants * (40 + _spread(i, 7, 50)) // 100
        ),
        registrant_count=registrants,
        post_webinar_registrant_count=_spread(i, 8, 10),
        recording_status=pl.lit(None),
        created_at=start - pl.duration(days=14),
        modified_at=start,
    )
    return frame.select(pl.col(name).cast(dtype) for name, dtype in schemas.SESSIONS.items())


def make_participants(sessions: pl.DataFrame, per_session: int) -> pl.DataFrame:
    """``per_session`` participants (``schemas.PARTICIPANTS``) for every started session: 95 %
    attendees, joining from 5 minutes before the start, leaving at any time up to the end."""
    started = sessions.filter(pl.col("broadcast_start").is_not_null()).select(
        "session_id",
        "webinar_id",
        start=pl.col("broadcast_start"),
        end=pl.coalesce("broadcast_end", pl.col("broadcast_start") + pl.col("scheduled_duration")),
    )
    people = (
        started.with_columns(slot=pl.int_ranges(0, per_session)).explode("slot").with_row_index("n")
    )
    n = pl.col("n").cast(pl.Int64)
    length_s = (pl.col("end") - pl.col("start")).dt.total_seconds()
    join = pl.col("start") + pl.duration(seconds=_spread(n, 1, 2_100) - 300)
    stay = pl.duration(seconds=60 + _spread(n, 2, 1_000_000) * length_s // 1_000_000)
    leave = pl.min_horizontal(join + stay, pl.col("end"))
    role = (
        pl.when(pl.col("slot") == 0)
        .then(pl.lit("Host"))
        .when(pl.col("slot") < per_session // 20)
        .then(pl.lit("Panelist"))
        .otherwise(pl.lit("Attendee"))
    )
    frame = people.select(
        "session_id",
        "webinar_id",
        participant_id=pl.format("p{}", n),
        role=role,
        original_role=role,
        participant_type=pl.lit("User"),
        join_time=join,
        leave_time=leave,
        was_ejected=pl.lit(False),
        registrant_id=pl.format("r{}", n),
        unique_user_hash=pl.format("h{}", _spread(n, 3, 10**12)),
        first_name=pl.format("First{}", _spread(n, 4, 5_000)),
        last_name=pl.format("Last{}", _spread(n, 5, 20_000)),
        email=pl.format("person{}@example.com", n),
        time_in_session=leave - join,
    )
    return frame.select(pl.col(name).cast(dtype) for name, dtype in schemas.PARTICIPANTS.items())


def make_registrants(sessions: pl.DataFrame, per_session: int) -> pl.DataFrame:
    """``per_session`` registrants (``schemas.REGISTRANTS``) for every session, registering up
    to 30 days before its scheduled start; 5 % after it (post-webinar). Registrant n of a
    started session is ``r{n}``, the ``registrant_id`` of participant ``p{n}`` of
    :func:`make_participants` with the same ``per_session`` when the started sessions come
    first (as in :func:`make_sessions`); 80 % of them carry that ``participant_id``."""
    people = (
        sessions.select(
            "session_id",
            "scheduled_start",
            started=pl.col("broadcast_start").is_not_null(),
            slot=pl.int_ranges(0, per_session),
        )
        .explode("slot")
        .with_row_index("n")
    )
    n = pl.col("n").cast(pl.Int64)
    post = pl.col("slot") >= per_session - max(1, per_session // 20)
    lead = pl.duration(seconds=_spread(n, 11, 30 * 86_400))
    attended = pl.col("started") & ~post & (_spread(n, 12, 100) < 80)
    frame = people.select(
        registrant_id=pl.format("r{}", n),
        session_id="session_id",
        registration_time=pl.when(post)
        .then(pl.col("scheduled_start") + pl.duration(days=1) + lead)
        .otherwise(pl.col("scheduled_start") - lead),
        source=pl.lit("web"),
        participant_id=pl.when(attended).then(pl.format("p{}", n)),
        attended=attended,
        registered_post_webinar=post,
        first_name=pl.format("First{}", _spread(n, 4, 5_000)),
        last_name=pl.format("Last{}", _spread(n, 5, 20_000)),
        email=pl.format("person{}@example.com", n),
    )
    return frame.select(pl.col(name).cast(dtype) for name, dtype in schemas.REGISTRANTS.items())


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
