"""The wait a user of the real API feels: requests, at its limit of 10 Webinar requests a minute.

For programs of 20, 200 and 2,000 sessions spread over 1 and 3 years, at depth ``sessions`` and
``participants``, each on a fresh in-process simulator (pacing shrunk: only the count and order
of requests matter here, and the simulator counts them exactly):

* **cold**: a first sync into an empty store, against the *minimum* for the same records (one
  listing page per 1,000 sessions; one registrant page per 1,000 registrants of every session;
  one participant page per 1,000 participants of every Finished session) and against a *naive*
  client (a listing per calendar month, then every list);
* **warm**: the daily re-sync of the same program (the simulator's clock advanced one day, the
  store kept): the first one (``warm1``, which also confirms what the cold listing found
  settled, so it lists the whole range once more) and the one a day after it (``warm``, every
  day from then on), against the changed-data minimum of that day (the listing of what is not
  settled, the people of sessions whose status changed, the post-webinar checkpoints that came
  due) plus the daily refresh of sessions starting within 14 days; the naive client fetches
  everything again;
* **newest month complete**: the requests until every list of the newest month's sessions
  (the month of the latest session in the range, as issue 15 measures it) is stored, against
  the order before this wave (months listed oldest first, then people oldest first); and the
  same for the last month that has ended (``last_month``), which a report of "last month"
  needs.

Real-API minutes are requests / 10 (the sign-in is an Auth request and not counted).
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from webinar_insights import Client, RetryPolicy, Store, sync
from webinar_insights.client._client import SIMULATOR_URL
from webinar_insights.simulator import Simulator, SimulatorConfig
from webinar_insights.simulator import _render as render
from webinar_insights.simulator._program import Program, ProgramConfig, SessionPlan

from ._common import BenchResult, at_most, holds

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
PER_MINUTE = 10
SOON = timedelta(days=14)


class _Log(httpx.BaseTransport):
    """Passes requests to the simulator and remembers each Webinar request's path."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if "/oauth/" not in request.url.path:
            self.paths.append(request.url.path)
        return response


def _simulator(scale: int, years: int) -> Simulator:
    sim = Simulator(SimulatorConfig(seed=21, scale=scale, now=NOW, rate_limit_window=0.001))
    # A program spread over ``years`` (the simulator's config spreads one year back).
    sim._program = Program(
        ProgramConfig(seed=21, scale=scale, anchor=NOW, history_days=365 * years)
    )
    return sim


def _client(sim: Simulator, log: _Log) -> Client:
    return Client(
        server_url=SIMULATOR_URL,
        client_id=sim.config.client_id,
        client_secret=sim.config.client_secret,
        jwt=sim.config.jwt,
        transport=log,
        limiter_dir=None,
        progress=False,
        retry=RetryPolicy(base_delay=0.001, max_delay=0.01, retry_after_default=0.001),
    )


def _pages(count: int) -> int:
    return max(1, math.ceil(count / 1000))


def _people_pages(sim: Simulator, session: SessionPlan, now: datetime, depth: str) -> int:
    program = sim.program
    pages = _pages(len(render.visible_registrants(program, session, now)))
    if depth == "participants" and session.status(now) == "Finished":
        pages += _pages(len(render.visible_participants(program, session, now)))
    return pages


def _in_range(sim: Simulator, now: datetime, first: datetime, last: datetime) -> list[Any]:
    return [s for s in sim.program.sessions if first <= s.listed_end_time(now) <= last]


def _months(first: datetime, last: datetime) -> Iterator[datetime]:
    cursor = datetime(first.year, first.month, 1, tzinfo=UTC)
    while cursor < last:
        yield cursor
        cursor = datetime(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1, tzinfo=UTC)


def _month(session: Any, now: datetime) -> str:
    return f"{session.listed_end_time(now):%Y-%m}"


def _complete_after(paths: list[str], wanted: set[str]) -> int:
    """The number of requests until the last list of ``wanted`` sessions was asked for."""
    last = 0
    for index, path in enumerate(paths, 1):
        parts = path.split("/sessions/")
        if len(parts) > 1 and parts[1].split("/")[0] in wanted:
            last = index
    return last


def _one(scale: int, years: int, depth: str) -> dict[str, Any]:
    sim = _simulator(scale, years)
    first = NOW - timedelta(days=365 * years + 5)
    last = NOW + timedelta(days=40)
    span = {"start": first, "end": last}
    log = _Log(sim.transport())
    sessions = _in_range(sim, NOW, first, last)
    months = list(_months(first, last))
    people = (
        {s.session_id: _people_pages(sim, s, NOW, depth) for s in sessions}
        if depth != "sessions"
        else {}
    )
    minimum = _pages(len(sessions)) + sum(people.values())
    naive = len(months) + sum(people.values())
    with tempfile.TemporaryDirectory() as folder, _client(sim, log) as client:
        store = Store(folder)
        sync(client, store, depth=depth, **span)  # type: ignore[arg-type]
        cold = len(log.paths)
        row: dict[str, Any] = {
            "sessions": len(sessions),
            "years": years,
            "depth": depth,
            "cold": cold,
            "cold_min": minimum,
            "cold/min": round(cold / minimum, 3),
            "naive_cold": naive,
        }
        if depth != "sessions":
            # Before this wave: a listing per month oldest first, then people oldest first.
            ordered = sorted(sessions, key=lambda s: s.listed_end_time(NOW))
            previous = f"{(NOW.replace(day=1) - timedelta(days=1)):%Y-%m}"
            for label, month in (("newest", _month(ordered[-1], NOW)), ("last_month", previous)):
                wanted = {s.session_id for s in sessions if _month(s, NOW) == month}
                if not wanted:  # a small program may hold no session that month
                    row |= {label: None, f"{label}_before": None}
                    continue
                through = max(i for i, s in enumerate(ordered) if s.session_id in wanted)
                before = len(months) + sum(people[s.session_id] for s in ordered[: through + 1])
                row |= {label: _complete_after(log.paths, wanted), f"{label}_before": before}
        del log.paths[:]
        sim.advance(timedelta(days=1))
        sync(client, store, depth=depth, **span)  # type: ignore[arg-type]
        row["warm1"] = len(log.paths)
        # One more simulated day: what changed, and what a refresh must ask again.
        yesterday = NOW + timedelta(days=1)
        was = {s.session_id: s.status(yesterday) for s in sessions}
        sim.advance(timedelta(days=1))
        later = yesterday + timedelta(days=1)
        warm_sessions = _in_range(sim, later, first, last)
        changed = 0
        soon = 0
        unsettled = 0
        for s in warm_sessions:
            status = s.status(later)
            if status != "Finished":
                unsettled += 1
            if depth == "sessions":
                continue
            if status != was.get(s.session_id):
                changed += _people_pages(sim, s, later, depth)
            elif status == "Finished" and any(
                yesterday < s.end_time + timedelta(days=d) <= later for d in (1, 7, 30)
            ):
                changed += _pages(len(render.visible_registrants(sim.program, s, later)))
            elif status == "Scheduled" and s.scheduled_start - later <= SOON:
                soon += 1
        del log.paths[:]
        sync(client, store, depth=depth, **span)  # type: ignore[arg-type]
        warm = len(log.paths)
        warm_min = _pages(unsettled) + changed
        row |= {
            "warm": warm,
            "warm_min": warm_min,
            "soon": soon,
            "warm/(min+soon)": round(warm / (warm_min + soon), 3),
            "naive_warm": len(months)
            + sum(_people_pages(sim, s, later, depth) for s in warm_sessions)
            if depth != "sessions"
            else len(months),
        }
    return row


def run(smoke: bool) -> BenchResult:
    scales = [(20, 1)] if smoke else [(20, 1), (20, 3), (200, 1), (200, 3), (2000, 1), (2000, 3)]
    rows = [_one(n, years, depth) for n, years in scales for depth in ("sessions", "participants")]
    for row in rows:
        row["cold_min_real"] = round(row["cold"] / PER_MINUTE, 1)
    targets = []
    for row in rows:
        limit = 1.05 if row["sessions"] <= 20 and row["years"] == 3 else 1.02
        name = f"{row['sessions']} sessions, {row['years']} y, {row['depth']}"
        targets.append(at_most(f"cold: ours / minimum, {name}", row["cold/min"], limit))
        targets.append(
            at_most(f"warm: ours / (changed minimum + soon), {name}", row["warm/(min+soon)"], 1.5)
        )
    for row in rows:
        if row["depth"] != "participants" or row["sessions"] < (20 if smoke else 2000):
            continue
        speedup = row["newest_before"] / max(1, row["newest"])
        targets.append(
            holds(
                f"newest month complete >= 15x sooner than before this wave, {row['sessions']}"
                f" sessions, {row['years']} y ({row['newest']} vs {row['newest_before']}"
                f" requests: {speedup:.1f}x)",
                speedup >= 15,
            )
        )
    return BenchResult(
        title="the real API's wait: requests of cold and warm syncs against the minimum",
        params={"per_minute": PER_MINUTE, "scales": scales, "seed": 21},
        rows=rows,
        targets=targets,
        notes=[
            "minutes at the real limit = requests / 10; cold_min_real is ours in minutes",
            "naive: one listing per calendar month and every list, every time",
        ],
    )
