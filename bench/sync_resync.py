"""Sync: a whole program into a store under the Heavy limit, then a warm re-sync.

``webinar_insights.sync`` (depth participants) of a simulated program with the Heavy window
shrunk, timed against its floor (the requests it needs x window / limit, where the requests it
needs are the minimum for the work: one listing page per month window plus every page of every
session's registrants and participants). Then the same sync again with nothing changed: the
requests it makes (only listings of windows that are not settled yet: those near "now").
Targets: wall / floor <= 1.05, zero 429s, no request beyond the minimum; a warm re-sync makes
only listing requests.
"""

from __future__ import annotations

import math
import tempfile
import time
from datetime import UTC, datetime

from webinar_insights import Client, Store, sync
from webinar_insights.simulator import Simulator, SimulatorConfig
from webinar_insights.simulator import _render as render
from webinar_insights.sync import month_windows

from ._common import BenchResult, at_most, holds

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
START, END = "2025-09-01", "2026-12-31"


def _minimum_requests(sim: Simulator) -> int:
    """Listing pages per month window plus every registrant and participant page."""
    program, now = sim.program, sim.now()
    first, last = datetime(2025, 9, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    ends = [s.listed_end_time(now) for s in program.sessions]
    listing = sum(
        max(1, math.ceil(sum(lo <= e <= hi for e in ends) / 1000))
        for lo, hi in month_windows(first, last)
    )
    people = 0
    for session in program.sessions:
        people += max(1, math.ceil(len(render.visible_registrants(program, session, now)) / 1000))
        if session.status(now) != "Scheduled":
            people += max(
                1, math.ceil(len(render.visible_participants(program, session, now)) / 1000)
            )
    return listing + people


def run(smoke: bool) -> BenchResult:
    scale, window = (30, 0.05) if smoke else (150, 1.0)
    sim = Simulator(SimulatorConfig(seed=13, scale=scale, now=NOW, rate_limit_window=window))
    minimum = _minimum_requests(sim)
    with (
        tempfile.TemporaryDirectory() as folder,
        Client.simulator(simulator=sim, progress=False) as client,
    ):
        store = Store(folder)
        started = time.perf_counter()
        first = sync(client, store, start=START, end=END, depth="participants")
        cold = time.perf_counter() - started
        before = sim.stats()["requests_total"]
        started = time.perf_counter()
        warm = sync(client, store, start=START, end=END, depth="participants")
        warm_seconds = time.perf_counter() - started
        warm_ops = dict(sim.stats()["requests"])
        warm_requests = sim.stats()["requests_total"] - before
    floor = minimum * window / 10
    rows = [
        {
            "run": "cold sync",
            "seconds": round(cold, 3),
            "requests": first.requests,
            "minimum": minimum,
            "429s": first.rate_limited,
            "floor_s": round(floor, 3),
            "wall/floor": round(cold / floor, 3),
        },
        {
            "run": "warm re-sync",
            "seconds": round(warm_seconds, 3),
            "requests": warm_requests,
            "minimum": warm.windows_listed,
            "429s": warm.rate_limited,
            "floor_s": None,
            "wall/floor": None,
        },
    ]
    statuses = [s.status(sim.now()) for s in sim.program.sessions]
    only_unfinished = warm.registrants_fetched == sum(st != "Finished" for st in statuses) and (
        warm.participants_fetched == statuses.count("Active")
    )
    return BenchResult(
        title="sync a program under the Heavy limit, then re-sync with nothing changed",
        params={"scale": scale, "window_s": window, "heavy_limit": 10, "depth": "participants"},
        rows=rows,
        targets=[
            at_most("cold sync: wall / floor", cold / floor, 1.05),
            at_most("cold sync: 429 answers", first.rate_limited, 0),
            at_most(
                "cold sync: requests beyond the minimum (token excluded)",
                first.requests - 1 - minimum,
                0,
            ),
            holds(
                "warm re-sync: people fetched again only for unfinished sessions", only_unfinished
            ),
        ],
        notes=[
            f"warm re-sync listed {warm.windows_listed} windows, skipped {warm.windows_skipped} settled ones, "
            f"fetched registrants of {warm.registrants_fetched} and participants of {warm.participants_fetched} "
            "unfinished sessions (Scheduled and Active sessions are fetched again by design)",
            f"operations over both runs: {warm_ops}",
        ],
    )
