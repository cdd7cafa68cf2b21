"""Reliability: faults over a real loopback server, shared limits across processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from webinar_insights import Client, RetryPolicy, Store, WebinarInsightsError, sync
from webinar_insights.simulator import FAULT_KINDS, FaultKind, Simulator, SimulatorConfig, serve
from webinar_insights.simulator import _render as render

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
RANGE = {"start": "2025-09-01", "end": "2026-12-31"}
RETRY = RetryPolicy(attempts=6, base_delay=0.01, max_delay=0.05, retry_after_default=0.05)


def _sim(**options: object) -> Simulator:
    return Simulator(SimulatorConfig(seed=5, scale=15, now=NOW, rate_limit_window=0.02, **options))  # type: ignore[arg-type]


def _client(url: str) -> Client:
    return Client(
        server_url=url, client_id="demo-client-id", client_secret="demo-client-secret",
        jwt="demo-jwt", progress=False, retry=RETRY, timeout=0.2, per_page=100,
    )  # fmt: skip


def _contents(store: Store) -> tuple[list[str], dict[str, int], dict[str, int]]:
    sessions = sorted(store.sessions()["session_id"])
    participants = dict(store.participants().group_by("session_id").len().iter_rows())
    registrants = dict(store.registrants().group_by("session_id").len().iter_rows())
    assert store.participants().select("session_id", "participant_id").is_duplicated().sum() == 0
    assert store.registrants().select("session_id", "registrant_id").is_duplicated().sum() == 0
    return sessions, participants, registrants


@pytest.fixture(scope="module")
def clean(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[str], dict[str, int], dict[str, int]]:
    store = Store(tmp_path_factory.mktemp("clean"))
    with serve(_sim()) as server, _client(server.url) as client:
        sync(client, store, depth="participants", **RANGE)
    return _contents(store)


def test_clean_sync_is_the_simulated_program(
    clean: tuple[list[str], dict[str, int], dict[str, int]],
) -> None:
    sim = _sim()
    sessions, participants, _ = clean
    assert sessions == sorted(s.session_id for s in sim.program.sessions)
    expected = {
        s.session_id: len(render.visible_participants(sim.program, s, NOW))
        for s in sim.program.sessions
        if s.status(NOW) == "Finished"  # participants are fetched once a session is over
    }
    assert participants == {k: v for k, v in expected.items() if v}


@pytest.mark.parametrize("rate", [0.01, 0.1, 0.3])
@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_fault_matrix(
    tmp_path: Path,
    clean: tuple[list[str], dict[str, int], dict[str, int]],
    kind: FaultKind,
    rate: float,
) -> None:
    store = Store(tmp_path)
    sim = _sim(fault_rate=rate, fault_kinds=(kind,), fault_seed=11, latency=0.05, hang=0.4)
    with serve(sim) as server:
        with _client(server.url) as client:
            try:
                sync(client, store, depth="participants", **RANGE)
                stopped = None
            except WebinarInsightsError as error:  # bounded retries ran out: a clear error
                stopped = error
        if stopped is not None:
            assert "gave up" in str(stopped) or "rate limited" in str(stopped)
            with _client(server.url) as client:  # a later sync completes with nothing lost
                sync(client, store, depth="participants", **RANGE)
    assert _contents(store) == clean
    if rate >= 0.1:
        assert sim.stats()["faults_injected"] > 0


SHARED_SCRIPT = textwrap.dedent(
    """
    import sys
    from webinar_insights import Client, RetryPolicy
    client = Client(server_url=sys.argv[1], client_id="demo-client-id", client_secret="demo-client-secret",
                    jwt="demo-jwt", progress=False, limiter_dir=sys.argv[2], retry=RetryPolicy(rate_limited=0))
    sessions = client.list_sessions("2025-09-01", "2026-12-31")
    for session in sessions * 2:
        client.list_registrants(session["id"])
    print(client.rate_limited)
    """
)


@pytest.fixture
def slow_server() -> Iterator[tuple[Simulator, str]]:
    sim = Simulator(SimulatorConfig(seed=5, scale=15, now=NOW, rate_limit_window=0.3))
    with serve(sim) as server:
        yield sim, server.url


def test_two_processes_sharing_a_credential_share_one_limiter(
    slow_server: tuple[Simulator, str], tmp_path: Path
) -> None:
    sim, url = slow_server
    command = [sys.executable, "-c", SHARED_SCRIPT, url, str(tmp_path)]
    with (
        subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as first,
        subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as second,
    ):
        outputs = [first.communicate(timeout=120)[0], second.communicate(timeout=120)[0]]
        codes = [first.returncode, second.returncode]
    assert codes == [0, 0], outputs
    assert sim.stats()["rate_limited"] == 0
    assert sim.stats()["requests"]["rcwRegListRegistrants"] == 60


class _OutageAfter(Simulator):
    """A simulator whose API answers 503 to everything after its first ``healthy`` requests."""

    def __init__(self, healthy: int) -> None:
        super().__init__(SimulatorConfig(seed=5, scale=15, now=NOW, rate_limit_window=0.02))
        self.healthy = healthy
        self.outage = True

    def _pick_fault(self) -> FaultKind | None:
        if self.outage and self.stats()["requests_total"] > self.healthy:
            return "http503"
        return None


@pytest.mark.parametrize("healthy", [5, 40, 70])
def test_a_sync_stopped_by_an_outage_resumes_with_nothing_lost(
    tmp_path: Path, clean: tuple[list[str], dict[str, int], dict[str, int]], healthy: int
) -> None:
    sim = _OutageAfter(healthy)
    store = Store(tmp_path)
    with serve(sim) as server:
        with (
            _client(server.url) as client,
            pytest.raises(WebinarInsightsError, match="gave up after 6 attempts"),
        ):
            sync(client, store, depth="participants", **RANGE)
        sim.outage = False
        with _client(server.url) as client:
            sync(client, store, depth="participants", **RANGE)
    assert _contents(store) == clean
