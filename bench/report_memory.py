"""Report memory: peak resident memory of ``report_from_store`` + ``write_html`` on a store of
100,000 sessions with 100 registrants and 100 participants each (10 million of each).

The store is a directory holding only ``tables/sessions.parquet``, ``tables/registrants.parquet``
and ``tables/participants.parquet`` with the package's schemas, written from the synthetic
program of ``bench.metrics_charts`` (a fixed program: the same tables every run). Each
contender runs in a fresh subprocess so that its peak is its own (``VmHWM``, which a new process
starts afresh; see ``bench._common.peak_kib``):

* **ours**: ``report_from_store(Store(path), start=..., end=..., now=...)`` over the whole
  program (every session in range, so every registrant and participant counts), then
  ``Report.write_html``.
* **whole tables read**: ``pl.read_parquet`` of the three tables and nothing else, the floor of
  any report that loads whole tables first (the report before this benchmark did, then built
  its people frames on top).

Figures: ``peak_gib`` (peak RSS), ``base_gib`` (RSS after the imports, before any work),
``seconds`` and ``x_people_data``: the peak over the people data's in-memory size
(``pl.DataFrame.estimated_size()`` of the registrants and participants tables).

Target: ours under 4 GiB peak at 100,000 sessions. Smoke: 1,000 sessions.
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
from tests.support.synthetic import registrants as make_registrants
from tests.support.synthetic import sessions as make_sessions

from ._common import ROOT, BenchResult, Target, at_most

PEOPLE_PER_SESSION = 100
PEAK_TARGET_GIB = 4.0

OURS = """
import json, sys, time
from datetime import datetime
from bench._common import peak_kib
from webinar_insights import Store
from webinar_insights.report import report_from_store

folder, start, end, now = sys.argv[1:5]
base = peak_kib()
began = time.perf_counter()
report = report_from_store(Store(folder), start=start, end=end, now=datetime.fromisoformat(now))
report.write_html(f"{folder}/report.html")
seconds = time.perf_counter() - began
print(json.dumps({"seconds": seconds, "base_kib": base, "peak_kib": peak_kib()}))
"""

WHOLE_TABLES = """
import json, sys, time
import polars as pl
from bench._common import peak_kib

folder = sys.argv[1]
base = peak_kib()
began = time.perf_counter()
tables = [pl.read_parquet(f"{folder}/tables/{name}.parquet")
          for name in ("sessions", "registrants", "participants")]
seconds = time.perf_counter() - began
print(json.dumps({"seconds": seconds, "base_kib": base, "peak_kib": peak_kib()}))
"""


def write_store(folder: Path, n_sessions: int) -> dict[str, Any]:
    """Write the three tables of ``n_sessions`` sessions into ``folder / "tables"``; return the
    program's first and last day and the people data's in-memory size."""
    tables = folder / "tables"
    tables.mkdir(parents=True)
    sessions = make_sessions(n_sessions)
    sessions.write_parquet(tables / "sessions.parquet")
    started = sessions.filter(pl.col("broadcast_start").is_not_null())
    participants = make_participants(started, PEOPLE_PER_SESSION)
    size = participants.estimated_size()
    counts = {"participants": participants.height}
    participants.write_parquet(tables / "participants.parquet")
    del participants
    registrants = make_registrants(sessions, PEOPLE_PER_SESSION)
    size += registrants.estimated_size()
    counts["registrants"] = registrants.height
    registrants.write_parquet(tables / "registrants.parquet")
    del registrants
    first, last = sessions.select(
        first=pl.col("scheduled_start").min().dt.date(),
        last=pl.col("scheduled_start").max().dt.date(),
    ).row(0)
    return {"start": first.isoformat(), "end": last.isoformat(), "people_bytes": size, **counts}


def _run(code: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode:
        raise RuntimeError(f"benchmark subprocess failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _gib(kib: int) -> float:
    return round(kib / 2**20, 3)


def run(smoke: bool) -> BenchResult:
    scales = (1_000,) if smoke else (60_000, 100_000)
    rows: list[dict[str, Any]] = []
    targets: list[Target] = []
    params: dict[str, Any] = {"people_per_session": PEOPLE_PER_SESSION, "now": NOW.isoformat()}
    for n in scales:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            facts = write_store(folder, n)
            people_gib = facts["people_bytes"] / 2**30
            params[f"people_data_gib_{n}"] = round(people_gib, 3)
            contenders = {
                "ours (report_from_store + write_html)": _run(
                    OURS, str(folder), facts["start"], facts["end"], NOW.isoformat()
                ),
                "whole tables read (read_parquet x3)": _run(WHOLE_TABLES, str(folder)),
            }
        for name, figures in contenders.items():
            peak = _gib(figures["peak_kib"])
            rows.append(
                {
                    "contender": name,
                    "sessions": n,
                    "registrants": facts["registrants"],
                    "participants": facts["participants"],
                    "seconds": round(figures["seconds"], 2),
                    "base_gib": _gib(figures["base_kib"]),
                    "peak_gib": peak,
                    "x_people_data": round(peak / people_gib, 2),
                }
            )
        ours = rows[-2]
        targets.append(
            at_most(f"ours: peak RSS at {n:,} sessions, GiB", ours["peak_gib"], PEAK_TARGET_GIB)
        )
    return BenchResult(
        title="report_from_store + write_html: peak resident memory",
        params=params,
        rows=rows,
        targets=targets,
        notes=[
            "the range is the whole program (first to last session day): every person counts",
            "x_people_data: peak RSS over the registrants and participants tables' in-memory"
            " size (polars estimated_size)",
        ],
    )
