"""Client pacing: fetch a whole program under the Heavy limit with a shrunk window.

The work: every history session of a simulated company program, then each session's
participants and registrants (all pages). Two contenders do it, each on a fresh simulator with
the same seed, so the work is the same:

* ours, ``webinar_insights.client.Client``, which paces itself to the limit;
* a naive client (plain httpx) that sends as fast as it can and, after a 429, sleeps the
  ``Retry-After`` it was given and sends again.

The floor is the least time the rate limit allows: (requests the work needs) x window / limit,
where the requests the work needs are the API answers that came back 200 (the token request
excluded). Target for ours: wall / floor <= 1.05 and no 429 at all. On the real platform a
Heavy 429 costs a 60 s penalty that every request sent during it restarts, so a 429 is never
free; the naive client is stopped after a time cap so that the suite stays fast.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from webinar_insights.client import Client
from webinar_insights.simulator import STATS_PATH, SimRequest, SimResponse, Simulator
from webinar_insights.simulator import SimulatorConfig as SimConfig

from ._common import BenchResult, Target, at_most, holds

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)  # a fixed clock: the same program every run
SPAN_START = NOW - timedelta(days=400)  # the program spans 365 days back, 30 ahead
SPAN_END = NOW + timedelta(days=40)
LISTING_WINDOW = timedelta(days=90)  # ours lists in 90-day windows; the naive client does too
TOKEN_PATH = "/restapi/oauth/token"
HISTORY = "/webinar/history/v1"
REGISTRATION = "/webinar/registration/v1"
TARGET_RATIO = 1.05


@dataclass(frozen=True, slots=True)
class Scenario:
    seed: int
    scale: int  # sessions in the program
    window: float  # seconds (the platform's is 60)
    limit: int  # Heavy requests per window
    naive_cap: float  # seconds the naive client may run before it is stopped


FULL = Scenario(seed=7, scale=400, window=0.5, limit=10, naive_cap=60.0)
SMOKE = Scenario(seed=7, scale=20, window=0.05, limit=10, naive_cap=3.0)


class TallyingSimulator(Simulator):
    """A simulator that also counts its answers by kind (``api`` or ``token``) and status."""

    def __init__(self, config: SimConfig) -> None:
        super().__init__(config)
        self.answers: Counter[tuple[str, int]] = Counter()
        self._tally_lock = threading.Lock()

    def handle(self, request: SimRequest) -> SimResponse:
        response = super().handle(request)
        if request.path != STATS_PATH:
            kind = "token" if request.path.startswith("/restapi/oauth/") else "api"  # and revoke
            with self._tally_lock:
                self.answers[kind, response.status] += 1
        return response


def fresh_simulator(scenario: Scenario) -> TallyingSimulator:
    sim = TallyingSimulator(
        SimConfig(
            seed=scenario.seed,
            scale=scenario.scale,
            now=NOW,
            rate_limit_window=scenario.window,
            heavy_limit=scenario.limit,
        )
    )
    sim.history_index(sim.now())  # plan the program before any clock starts
    return sim


@dataclass(slots=True)
class Fetched:
    sessions: int = 0
    sessions_done: int = 0  # sessions whose participants and registrants were all fetched
    participants: int = 0
    registrants: int = 0

    @property
    def records(self) -> int:
        return self.sessions + self.participants + self.registrants


# -- ours ---------------------------------------------------------------------------------------
def fetch_ours(sim: Simulator) -> tuple[Fetched, int]:
    """Fetch the program with ``Client``; return what came back and the client's request count."""
    fetched = Fetched()
    with Client.simulator(simulator=sim, progress=False) as client:
        sessions = client.list_sessions(SPAN_START, SPAN_END)
        fetched.sessions = len(sessions)
        for session in sessions:
            webinar_id, session_id = session["webinar"]["id"], session["id"]
            fetched.participants += len(client.list_participants(webinar_id, session_id))
            fetched.registrants += len(client.list_registrants(session_id))
            fetched.sessions_done += 1
    return fetched, client.requests_sent  # after close(), which revokes the token


# -- the naive client ---------------------------------------------------------------------------
class Capped(Exception):
    """The naive client ran out of its time cap."""


class NaiveClient:
    """Plain httpx: no pacing; after a 429 it sleeps ``Retry-After`` and sends the request again."""

    def __init__(self, sim: Simulator, *, deadline: float) -> None:
        self._sim = sim
        self._deadline = deadline
        self._http = httpx.Client(base_url="https://simulator.invalid", transport=sim.transport())
        self._token: str | None = None

    def close(self) -> None:
        self._http.close()

    def _send(self, method: str, path: str, **options: Any) -> httpx.Response:
        while True:
            if time.perf_counter() >= self._deadline:
                raise Capped
            response = self._http.request(method, path, **options)
            if response.status_code != 429:
                response.raise_for_status()
                return response
            time.sleep(
                float(response.headers.get("Retry-After", self._sim.config.rate_limit_window))
            )

    def authenticate(self) -> None:
        config = self._sim.config
        form = {
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "assertion": config.jwt,
        }
        response = self._send(
            "POST", TOKEN_PATH, data=form, auth=(config.client_id, config.client_secret)
        )
        self._token = str(response.json()["access_token"])

    def records(self, path: str, params: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
        """Every record of a listing, page after page."""
        query = {**(params or {}), "perPage": "1000"}
        headers = {"Authorization": f"Bearer {self._token}"}
        while True:
            body = self._send("GET", path, params=query, headers=headers).json()
            yield from body["records"]
            next_token = body["paging"].get("nextPageToken")
            if not next_token:
                return
            query["pageToken"] = next_token


def _api_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def fetch_naive(sim: Simulator, *, cap: float) -> tuple[Fetched, bool]:
    """Fetch the program naively; return what came back and whether the time cap stopped it."""
    fetched = Fetched()
    naive = NaiveClient(sim, deadline=time.perf_counter() + cap)
    try:
        naive.authenticate()
        sessions: dict[str, dict[str, Any]] = {}
        lower = SPAN_START
        while lower < SPAN_END:
            upper = min(SPAN_END, lower + LISTING_WINDOW)
            params = {"endTimeFrom": _api_time(lower), "endTimeTo": _api_time(upper)}
            for record in naive.records(f"{HISTORY}/company/sessions", params):
                sessions.setdefault(record["id"], record)
            lower = upper
        fetched.sessions = len(sessions)
        for session in sessions.values():
            webinar_id, session_id = session["webinar"]["id"], session["id"]
            path = f"{HISTORY}/webinars/{webinar_id}/sessions/{session_id}/participants"
            fetched.participants += sum(1 for _ in naive.records(path))
            path = f"{REGISTRATION}/sessions/{session_id}/registrants"
            fetched.registrants += sum(1 for _ in naive.records(path))
            fetched.sessions_done += 1
    except Capped:
        return fetched, True
    finally:
        naive.close()
    return fetched, False


# -- the benchmark ------------------------------------------------------------------------------
def figures(
    name: str,
    sim: TallyingSimulator,
    fetched: Fetched,
    *,
    wall: float,
    capped: bool,
    scenario: Scenario,
) -> dict[str, Any]:
    stats = sim.stats()
    needed = sim.answers["api", 200]
    floor = needed * scenario.window / scenario.limit
    return {
        "client": name,
        "wall_s": wall,
        "requests": stats["requests_total"],
        "needed": needed,
        "429s": stats["rate_limited"],
        "floor_s": floor,
        "wall/floor": wall / floor if floor else None,
        "needed/s": needed / wall if wall else None,
        "sessions_done": f"{fetched.sessions_done}/{fetched.sessions}",
        "records": fetched.records,
        "capped": capped,
    }


def _unexpected(sim: TallyingSimulator) -> dict[str, int]:
    return {f"{kind} {status}": n for (kind, status), n in sim.answers.items() if status != 200}


def run(smoke: bool) -> BenchResult:
    scenario = SMOKE if smoke else FULL
    notes: list[str] = []

    ours_sim = fresh_simulator(scenario)
    started = time.perf_counter()
    ours_fetched, ours_sent = fetch_ours(ours_sim)
    ours_wall = time.perf_counter() - started
    ours = figures(
        "ours (Client)", ours_sim, ours_fetched, wall=ours_wall, capped=False, scenario=scenario
    )

    naive_sim = fresh_simulator(scenario)
    started = time.perf_counter()
    naive_fetched, naive_capped = fetch_naive(naive_sim, cap=scenario.naive_cap)
    naive_wall = time.perf_counter() - started
    naive = figures(
        "naive httpx",
        naive_sim,
        naive_fetched,
        wall=naive_wall,
        capped=naive_capped,
        scenario=scenario,
    )

    if ours_sent != ours["requests"]:
        notes.append(f"ours counted {ours_sent} requests, the simulator {ours['requests']}")
    if naive_capped:
        notes.append(
            f"naive client stopped at its {scenario.naive_cap:g} s cap after "
            f"{naive['sessions_done']} sessions; its wall/floor covers the work it finished"
        )
    elif naive_wall:
        notes.append(f"naive wall / ours wall = {naive_wall / ours_wall:.3f}")
    unexpected = {k: v for k, v in _unexpected(ours_sim).items() if not k.endswith(" 429")}
    if unexpected:
        notes.append(f"ours met answers other than 200 and 429: {unexpected}")

    targets: list[Target] = [
        at_most("ours: wall / floor", ours["wall/floor"], TARGET_RATIO),
        at_most("ours: 429 answers", ours["429s"], 0),
    ]
    if not naive_capped:
        same = naive_fetched.records == ours_fetched.records and naive["needed"] == ours["needed"]
        targets.append(holds("ours and naive fetched the same records", same))
    return BenchResult(
        title="fetch sessions, registrants and participants under the Heavy limit",
        params={
            "seed": scenario.seed,
            "scale": scenario.scale,
            "window_s": scenario.window,
            "heavy_limit": scenario.limit,
            "ideal_needed/s": scenario.limit / scenario.window,
            "naive_cap_s": scenario.naive_cap,
        },
        rows=[ours, naive],
        targets=targets,
        notes=notes,
    )
