"""Each seeded fault kind, in-process and over a real loopback server."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest

from tests.support.simulator import BASE, make_sim, token_for
from webinar_insights.simulator import FAULT_KINDS, FaultKind, Simulator, serve

SESSIONS = "/webinar/history/v1/company/sessions"
WIDE = {"endTimeFrom": "2024-01-01T00:00:00Z", "endTimeTo": "2028-01-01T00:00:00Z"}


@pytest.fixture(params=["in-process", "loopback"])
def http_for(request: pytest.FixtureRequest) -> Iterator[object]:
    with ExitStack() as stack:

        def build(sim: Simulator) -> httpx.Client:
            if request.param == "in-process":
                client = httpx.Client(transport=sim.transport(), base_url=BASE, timeout=0.5)
            else:
                server = stack.enter_context(serve(sim))
                client = httpx.Client(base_url=server.url, timeout=0.5)
            return stack.enter_context(client)

        yield build


def _faulty(kind: FaultKind) -> Simulator:
    return make_sim(fault_rate=1.0, fault_kinds=(kind,), latency=0.2, hang=1.0)


def _call(http: httpx.Client) -> httpx.Response:
    token = token_for(http).json()["access_token"]  # the token endpoint is never faulted
    return http.get(SESSIONS, params=WIDE, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("kind", ["http500", "http502", "http503", "http504"])
def test_server_errors(http_for, kind: FaultKind) -> None:  # type: ignore[no-untyped-def]
    response = _call(http_for(_faulty(kind)))
    assert response.status_code == int(kind[4:])
    assert response.json()["errors"][0]["errorCode"]


def test_injected_429_with_and_without_retry_after(http_for) -> None:  # type: ignore[no-untyped-def]
    with_header = _call(http_for(_faulty("http429")))
    assert with_header.status_code == 429
    assert "Retry-After" in with_header.headers
    without = _call(http_for(_faulty("http429-no-retry-after")))
    assert without.status_code == 429
    assert "Retry-After" not in without.headers
    assert without.json()["errorCode"] == "CMN-301"


def test_latency(http_for) -> None:  # type: ignore[no-untyped-def]
    http = http_for(_faulty("latency"))
    started = time.monotonic()
    response = _call(http)
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.2


def test_dropped_connection(http_for) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        _call(http_for(_faulty("drop")))


def test_timeout(http_for) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(httpx.ReadTimeout):
        _call(http_for(_faulty("timeout")))


def test_truncated_html_and_empty_bodies(http_for) -> None:  # type: ignore[no-untyped-def]
    truncated = _call(http_for(_faulty("truncate")))
    assert truncated.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(truncated.content)
    html = _call(http_for(_faulty("html")))
    assert html.headers["content-type"].startswith("text/html")
    empty = _call(http_for(_faulty("empty")))
    assert empty.status_code == 200
    assert empty.content == b""


def test_fault_rate_is_seeded_and_counted() -> None:
    def run() -> tuple[list[int], dict[str, object]]:
        sim = make_sim(fault_rate=0.3, fault_kinds=("http500", "http503"), fault_seed=5)
        http = httpx.Client(transport=sim.transport(), base_url=BASE)
        token = token_for(http).json()["access_token"]
        statuses = [
            http.get(
                SESSIONS, params=WIDE, headers={"Authorization": f"Bearer {token}"}
            ).status_code
            for _ in range(60)
        ]
        return statuses, sim.stats()

    first, stats = run()
    second, _ = run()
    assert first == second
    faults = sum(s != 200 for s in first)
    assert 8 <= faults <= 30
    assert stats["faults_injected"] == faults
    assert set(FAULT_KINDS) >= {"drop", "timeout", "truncate", "html", "empty", "latency"}
