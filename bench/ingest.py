"""Ingest: raw participant pages (as the store keeps them) to the participants frame.

1 million participant records in pages of 1,000, as the API sends them, built into the typed
participants frame the way the store does it (``participants_frame_from_session_pages``: every
page of every session read together). Beside it, in the same run and on the same bytes:

* the parse floor: ``orjson.loads`` of every page (no typing, no frame);
* what an analyst would write: ``pandas.json_normalize`` of every page's records, concatenated.

Each contender runs in a fresh subprocess so that its peak resident memory is its own, and
only its work is timed (its imports are not).
Targets: at least 10 times faster than pandas, within 3 times the parse floor.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import tempfile
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from webinar_insights.simulator import Simulator, SimulatorConfig
from webinar_insights.simulator import _render as render

from ._common import ROOT, BenchResult, at_most

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
PER_PAGE = 1000

# (setup, timed code) per contender: imports are set-up, so each is timed on the work alone.
CONTENDERS = {
    "ours (participants frame)": (
        "from webinar_insights.frames import participants_frame_from_session_pages",
        """
        frame = participants_frame_from_session_pages(sessions)
        rows = frame.height
        """,
    ),
    "orjson.loads (parse floor)": (
        "import orjson",
        """
        rows = sum(len(orjson.loads(page)["records"]) for _, _, pages in sessions for page in pages)
        """,
    ),
    "pandas.json_normalize": (
        "import orjson; import pandas as pd",
        """
        frames = []
        for sid, wid, pages in sessions:
            for page in pages:
                part = pd.json_normalize(orjson.loads(page)["records"])
                part["session_id"] = sid
                part["webinar_id"] = wid
                frames.append(part)
        frame = pd.concat(frames, ignore_index=True)
        for column in ("joinTime", "leaveTime"):
            frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
        rows = len(frame)
        """,
    ),
}

RUNNER = """
import pickle, sys, time
from bench._common import peak_kib
{setup}

with open(sys.argv[1], "rb") as handle:
    sessions = pickle.load(handle)
base = peak_kib()
started = time.perf_counter()
{code}
elapsed = time.perf_counter() - started
print(rows, elapsed, base, peak_kib())
"""


def make_pages(target: int) -> tuple[list[tuple[str, str, list[bytes]]], int, int]:
    """Participant pages of simulated sessions, reused under new session ids up to ``target``."""
    sim = Simulator(SimulatorConfig(seed=11, scale=300, now=NOW))
    program = sim.program
    templates = []
    for session in program.sessions:
        people = render.visible_participants(program, session, NOW)
        if not people:
            continue
        records = [render.participant(program, session, p, NOW) for p in people]
        pages = [
            json.dumps(
                {
                    "records": records[i : i + PER_PAGE],
                    "paging": {"perPage": PER_PAGE, "pageToken": str(i)},
                },
                separators=(",", ":"),
            ).encode()
            for i in range(0, len(records), PER_PAGE)
        ]
        templates.append((program.webinar_of(session).webinar_id, pages, len(records)))
    sessions: list[tuple[str, str, list[bytes]]] = []
    total = size = 0
    while total < target:
        webinar_id, pages, count = templates[len(sessions) % len(templates)]
        sessions.append((str(900_000_000 + len(sessions)), webinar_id, pages))
        total += count
        size += sum(len(p) for p in pages)
    return sessions, total, size


def _measure(name: str, data: Path) -> dict[str, Any]:
    setup, timed = CONTENDERS[name]
    code = RUNNER.format(setup=setup, code=textwrap.dedent(timed))
    out = subprocess.run(
        [sys.executable, "-c", code, str(data)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.split()
    rows, elapsed, base_kib, peak_kib = int(out[0]), float(out[1]), int(out[2]), int(out[3])
    return {
        "contender": name,
        "rows": rows,
        "seconds": round(elapsed, 3),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "added_rss_mib": round((peak_kib - base_kib) / 1024, 1),
    }


def run(smoke: bool) -> BenchResult:
    target = 20_000 if smoke else 1_000_000
    sessions, records, size = make_pages(target)
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "pages.pickle"
        data.write_bytes(pickle.dumps(sessions))
        rows = [_measure(name, data) for name in CONTENDERS]
    ours, floor, pandas = rows
    for row in rows:
        row["vs_ours"] = round(row["seconds"] / ours["seconds"], 2)
    notes = [
        f"{records:,} records in {sum(len(p) for _, _, p in sessions):,} pages, {size / 2**20:.0f} MiB of JSON"
    ]
    if any(r["rows"] != records for r in rows):
        notes.append(f"row counts differ: {[r['rows'] for r in rows]}")
    return BenchResult(
        title="raw participant pages to the participants frame",
        params={"records": records, "sessions": len(sessions), "per_page": PER_PAGE},
        rows=rows,
        targets=[
            at_most("ours / pandas.json_normalize time", ours["seconds"] / pandas["seconds"], 0.1),
            at_most(
                "ours / orjson.loads time (parse floor)", ours["seconds"] / floor["seconds"], 3.0
            ),
        ],
        notes=notes,
    )
