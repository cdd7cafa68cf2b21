"""Crash safety: kill -9 at random points during sync and during table writes.

`make test` runs a few trials of each; `make test-slow` runs the full twenty.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from webinar_insights import Client, Store, sync
from webinar_insights.simulator import Simulator, SimulatorConfig
from webinar_insights.simulator import _render as render

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
RANGE = {"start": "2025-09-01", "end": "2026-12-31"}
SCRIPT = textwrap.dedent(
    """
    import sys
    from datetime import datetime, UTC
    from webinar_insights import Client, Store, sync
    from webinar_insights.simulator import Simulator, SimulatorConfig
    sim = Simulator(SimulatorConfig(seed=8, scale=40, now=datetime(2026, 11, 1, 12, tzinfo=UTC), rate_limit_window=0.25))
    store = Store(sys.argv[1])
    print("ready", flush=True)
    if sys.argv[2] == "sync":
        sync(Client.simulator(simulator=sim, progress=False), store, start="2025-09-01", end="2026-12-31", depth="participants")
    else:
        while True:
            store.rebuild()
    """
)


def _sim() -> Simulator:
    return Simulator(SimulatorConfig(seed=8, scale=40, now=NOW, rate_limit_window=0.01))


def _kill_during(store_path: Path, phase: str, delay: float) -> bool:
    with subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(store_path), phase], stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
        time.sleep(delay)
        alive = process.poll() is None
        if alive:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
    return alive


def _check_and_finish(store_path: Path) -> None:
    store = Store(store_path)  # the store always opens
    if (store_path / "tables" / "sessions.parquet").exists():
        sessions = store.sessions()
        assert sessions["session_id"].n_unique() == sessions.height
    sim = _sim()
    sync(Client.simulator(simulator=sim, progress=False), store, depth="participants", **RANGE)
    participants = store.participants()
    assert participants.select("session_id", "participant_id").is_duplicated().sum() == 0
    expected = sum(
        len(render.visible_participants(sim.program, s, NOW))
        for s in sim.program.sessions
        if s.status(NOW) == "Finished"  # participants are fetched once a session is over
    )
    assert participants.height == expected
    assert set(store.sessions()["session_id"]) == {s.session_id for s in sim.program.sessions}


def _trials(count: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    return [round(rng.uniform(0.02, 2.0), 3) for _ in range(count)]


@pytest.mark.parametrize("delay", _trials(3, seed=1))
def test_kill_during_sync(tmp_path: Path, delay: float) -> None:
    assert _kill_during(tmp_path / "store", "sync", delay), "the sync ended before the kill"
    _check_and_finish(tmp_path / "store")


@pytest.mark.parametrize("delay", _trials(2, seed=2))
def test_kill_during_table_writes(tmp_path: Path, delay: float) -> None:
    store_path = tmp_path / "store"
    sync(
        Client.simulator(simulator=_sim(), progress=False),
        Store(store_path),
        depth="participants",
        **RANGE,
    )
    assert _kill_during(
        store_path, "rebuild", delay
    )  # it rebuilds in a loop: always killed mid-way
    _check_and_finish(store_path)


@pytest.mark.slow
@pytest.mark.parametrize("delay", _trials(20, seed=3))
def test_twenty_kills_during_sync(tmp_path: Path, delay: float) -> None:
    assert _kill_during(tmp_path / "store", "sync", delay), "the sync ended before the kill"
    _check_and_finish(tmp_path / "store")


@pytest.mark.slow
@pytest.mark.parametrize("delay", _trials(20, seed=4))
def test_twenty_kills_during_table_writes(tmp_path: Path, delay: float) -> None:
    store_path = tmp_path / "store"
    sync(
        Client.simulator(simulator=_sim(), progress=False),
        Store(store_path),
        depth="participants",
        **RANGE,
    )
    assert _kill_during(store_path, "rebuild", delay)
    _check_and_finish(store_path)
