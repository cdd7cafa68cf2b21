"""Ctrl-C in a real process: one line on stderr, exit status 130, and a sync that resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from webinar_insights import Client, Store, sync
from webinar_insights.simulator import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_JWT,
    Simulator,
    SimulatorConfig,
    serve,
)

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
RANGE = ("--from", "2025-10-01", "--to", "2026-12-31")


def start(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("RC_")}
    return subprocess.Popen(
        [sys.executable, "-m", "webinar_insights.cli", *args],
        cwd=cwd, env={**base, **(env or {})}, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def wait_for(condition: object, *, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not callable(condition) or not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def by_id(frame: pl.DataFrame, *keys: str) -> pl.DataFrame:
    return frame.sort(keys)


def test_ctrl_c_during_sync_exits_130_with_one_line_and_the_same_command_resumes(
    tmp_path: Path,
) -> None:
    # Ten requests per 0.3 s: about seventy requests take two seconds, time to press Ctrl-C.
    config = SimulatorConfig(seed=11, scale=30, now=NOW, rate_limit_window=0.3)
    env = {
        "RC_APP_CLIENT_ID": DEMO_CLIENT_ID,
        "RC_APP_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        "RC_USER_JWT": DEMO_JWT,
    }
    raw = tmp_path / "store" / "raw"
    with serve(Simulator(config)) as server:
        argv = ("sync", "--server-url", server.url, *RANGE, "--depth", "participants",
                "--store", "store", "--no-progress")  # fmt: skip
        process = start(*argv, cwd=tmp_path, env=env)
        # Every listing stored and some people: the sync is in its per-session fetches.
        wait_for(lambda: raw.is_dir() and sum(1 for p in raw.rglob("*.gz")) >= 20)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
        assert process.returncode == 130, err
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1, err
        assert lines[0].startswith("webinar-insights: interrupted after ")
        assert "resume" in lines[0]
        assert "Traceback" not in err
        assert "Synced in" not in out  # it did stop before the end
        partial = Store(tmp_path / "store").provenance()["syncs"]
        assert [s["finished"] for s in partial] == [None]

        again = start(*argv, cwd=tmp_path, env=env)
        out, err = again.communicate(timeout=60)
        assert again.returncode == 0, err
        assert err == ""
        assert "Synced in" in out

    clean = Store(tmp_path / "clean")
    with Client.simulator(simulator=Simulator(config), progress=False) as client:
        sync(client, clean, start=RANGE[1], end=RANGE[3], depth="participants")
    resumed = Store(tmp_path / "store")
    assert resumed.sessions().height == 30
    assert resumed.participants().height > 0
    assert_frame_equal(
        by_id(resumed.sessions(), "session_id"), by_id(clean.sessions(), "session_id")
    )
    assert_frame_equal(
        by_id(resumed.registrants(), "session_id", "registrant_id"),
        by_id(clean.registrants(), "session_id", "registrant_id"),
    )
    assert_frame_equal(
        by_id(resumed.participants(), "session_id", "participant_id"),
        by_id(clean.participants(), "session_id", "participant_id"),
    )


def test_ctrl_c_in_another_command_prints_one_line_and_exits_130(tmp_path: Path) -> None:
    # The demo prints its program summary, then lists 20,000 sessions: seconds of work.
    process = start("demo", "--scale", "20000", cwd=tmp_path)
    assert process.stdout is not None
    assert process.stdout.readline().startswith("Simulated RingCentral Webinar program")
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err == "webinar-insights: interrupted\n"
    assert "Fetched" not in out
