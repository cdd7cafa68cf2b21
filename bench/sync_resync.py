"""Sync: a whole program into a store under the Heavy limit, then a warm re-sync.

``webinar_insights.sync`` (depth participants) of a simulated program with the Heavy window
shrunk, timed against its floor (the requests it needs x window / limit, where the requests it
needs are the minimum for the work: one listing page per 1,000 sessions plus every page of every
session's registrants and of every Finished session's participants). Then the same sync again
with nothing changed: the requests it makes (one listing of what is not settled yet).
Targets: wall / floor <= 1.05, zero 429s, no request beyond the minimum; a warm re-sync with
nothing changed makes one listing request and nothing else.
"""

from __future__ import annotations

import math
import tempfile
import time
from datetime import UTC, datetime

from webinar_insights import Client, Store, sync
from webinar_insights.simulator import Simulator, SimulatorConfig
from webinar_insights.simulator import _render as render

from ._common import BenchResult, at_most, holds

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
START, END = "2025-09-01", "2026-12-31"


def _minimum_requests(sim: Simulator) -> int:
    """Listing pages (1,000 sessions each) plus every registrant and participant page."""
    program, now = sim.program, sim.now()
    first, last = datetime(2025, 9, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    ends = [s.listed_end_time(now) for s in program.sessions]
    listing = max(1, math.ceil(sum(first <= e <= last for e in ends) / 1000))
    people = 0
    for session in program.sessions:
        people += max(1, math.ceil(len(render.visible_registrants(program, session, now)) / 1000))
        if session.status(now) == "Finished":
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
            "minimum": 1,
            "429s": warm.rate_limited,
            "floor_s": None,
            "wall/floor": None,
        },
    ]
    only_listing = warm_requests == warm.listings == 1
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
            holds("warm re-sync with nothing changed: one listing request only", only_listing),
        ],
        notes=[
            f"warm re-sync: {warm.listings} listing, registrants of {warm.registrants_fetched} and"
            f" participants of {warm.participants_fetched} sessions (nothing changed, nothing due)",
            f"operations over both runs: {warm_ops}",
        ],
    )
