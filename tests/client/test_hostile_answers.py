"""Answers and files a hostile or broken server could leave behind cannot hang, bloat or poison
the client: bounded waits, bounded bodies, a limiter file that is replaced rather than obeyed,
and no secret in a traceback that prints local variables."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import time
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from rich.console import Console
from rich.traceback import Traceback

from tests.support.client import FAST_LIMIT, page, scripted
from tests.support.hostile import zeros_gzip
from webinar_insights import (
    AuthenticationError,
    BadResponseError,
    NotFoundError,
    RateLimitedError,
    TransportError,
    WebinarInsightsError,
)
from webinar_insights.client import Client, RetryPolicy
from webinar_insights.client._pacing import MAX_PENALTY, FilePacer
from webinar_insights.simulator import Simulator, SimulatorConfig

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def test_a_gzip_bomb_stops_at_the_body_cap() -> None:
    def bomb(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            headers={"Content-Type": "application/json", "Content-Encoding": "gzip", **FAST_LIMIT},
            content=zeros_gzip(200 * 2**20),
        )

    client = scripted(bomb, retry=RetryPolicy(attempts=2, base_delay=0.001))
    with pytest.raises(BadResponseError, match="larger than 64 MiB"):
        list(client.registrant_pages("500000001"))


@pytest.mark.parametrize(
    ("body", "encoding"),
    [("zeros_gzip(2**30)", "gzip"), ("(bytes(2**20) for _ in range(200))", "identity")],
    ids=["1-GiB-gzip-bomb", "200-MB-body"],
)
def test_an_oversized_answer_costs_little_memory(tmp_path: Path, body: str, encoding: str) -> None:
    """Peak memory of a fresh process that meets a 1 GiB gzip bomb (a 1 MB download) or a
    plain 200 MB body."""
    script = textwrap.dedent(
        """
        import sys, httpx
        def peak_mib():  # VmHWM: this process's own high-water mark (ru_maxrss keeps the
            # forking parent's across exec on Linux, so a big pytest would be counted)
            for line in open("/proc/self/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
        sys.path.insert(0, sys.argv[1])
        from tests.support.hostile import zeros_gzip
        from tests.support.client import FAST_LIMIT, scripted
        from webinar_insights import BadResponseError
        from webinar_insights.client import RetryPolicy
        before = peak_mib()
        def bomb(request):
            return httpx.Response(200, content=BODY, headers={
                "Content-Type": "application/json", "Content-Encoding": "ENCODING", **FAST_LIMIT})
        client = scripted(bomb, retry=RetryPolicy(attempts=1))
        try:
            list(client.registrant_pages("1"))
        except BadResponseError as error:
            print(before, peak_mib(), error)
        """
    )
    script = script.replace("BODY", body).replace("ENCODING", encoding)
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", script, str(root)],
        capture_output=True, text=True, check=True, cwd=root,
    )  # fmt: skip
    before_mib, peak_mib, message = result.stdout.split(" ", 2)
    assert "larger than 64 MiB" in message
    # Python with polars and the test helpers imported is ~160 MiB; the bomb may add the cap.
    assert int(peak_mib) - int(before_mib) <= 80, result.stdout
    assert int(peak_mib) < 300, result.stdout


def test_a_trickling_server_is_cut_off_by_the_overall_deadline() -> None:
    def trickle() -> Iterator[bytes]:
        yield b'{"records": ['
        for _ in range(100):
            time.sleep(0.1)
            yield b" "

    def slow(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"Content-Type": "application/json", **FAST_LIMIT}, content=trickle()
        )

    client = scripted(slow, timeout=0.5, retry=RetryPolicy(attempts=2, base_delay=0.001))
    started = time.monotonic()
    with pytest.raises(TransportError, match="timed out"):
        list(client.registrant_pages("500000001"))
    assert time.monotonic() - started < 2.5  # two attempts of 0.5 s, not 2 × 10 s of trickle


@pytest.mark.parametrize(
    "state",
    [
        {"Heavy": {"limit": 0, "window": 60, "sent": [], "blocked_until": 0}},
        {"Heavy": {"limit": 10, "window": 1e9, "sent": [], "blocked_until": 0}},
        {"Heavy": {"limit": 10, "window": 60, "sent": [], "blocked_until": 1e18}},
        {"Heavy": {"limit": 10, "window": 60, "sent": [1e18] * 10, "blocked_until": 0}},
        {"Heavy": {"limit": 10, "window": "NaN", "sent": [], "blocked_until": 0}},
        {"Heavy": {"limit": 10, "window": 60, "sent": "nope", "blocked_until": 0}},
        {"Heavy": [1, 2, 3]},
        [1, 2, 3],
        "not json at all {",
    ],
    ids=["limit-0", "window-1e9", "blocked-forever", "sent-in-the-future", "window-nan",
         "sent-not-a-list", "group-not-an-object", "not-an-object", "not-json"],
)  # fmt: skip
def test_a_damaged_limiter_file_is_replaced_not_obeyed(
    tmp_path: Path, state: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = scripted(lambda request: page([], None))
    client.share_limiter(tmp_path)
    assert isinstance(client._pacer, FilePacer)
    pacer_file = client._pacer.path
    pacer_file.write_text(state if isinstance(state, str) else json.dumps(state))
    started = time.monotonic()
    list(client.registrant_pages("1"))
    assert time.monotonic() - started < 1
    assert "Replacing the rate-limit state" in caplog.text
    saved = json.loads(pacer_file.read_text())
    assert 1 <= saved["Heavy"]["limit"] <= 10_000
    assert saved["Heavy"]["window"] <= 3600


def test_absurd_rate_limit_headers_are_not_kept(tmp_path: Path) -> None:
    def absurd(request: httpx.Request) -> httpx.Response:
        response = page([], None)
        response.headers.update(
            {"X-Rate-Limit-Limit": "0", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Window": "1e9"}
        )
        return response

    client = scripted(absurd)
    client.share_limiter(tmp_path)
    list(client.registrant_pages("1"))
    saved = json.loads(next(iter(tmp_path.glob("*.json"))).read_text())
    assert saved["Heavy"]["window"] <= 3600
    assert saved["Heavy"]["limit"] >= 1


def test_a_retry_after_of_a_billion_seconds_is_bounded_and_not_persisted_beyond_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "1e9", **FAST_LIMIT})

    client = scripted(refuse, fail_fast=True)
    client.share_limiter(tmp_path)
    with pytest.raises(RateLimitedError) as caught:
        list(client.registrant_pages("1"))
    assert caught.value.retry_after == 900
    assert "asked for a pause of '1e9' s; pausing 900 s at most" in caplog.text
    saved = json.loads(next(iter(tmp_path.glob("*.json"))).read_text())
    assert saved["Heavy"]["blocked_until"] <= time.time() + MAX_PENALTY
    assert saved["Heavy"]["blocked_until"] <= time.time() + 901


# -- secrets in tracebacks --------------------------------------------------------------------
SECRET, JWT = "hostile-S3CRET-9f8e7d", "hostile-JWT-1a2b3c4d5e"


def _secrets_of(sim: Simulator) -> list[str]:
    tokens = [t for s in sim._oauth for t in (s.access_token, s.refresh_token) if t]
    return [SECRET, JWT, *tokens]


def _rendered(error: BaseException) -> str:
    """The traceback as verbose reporters show it: every frame's local variables."""
    plain = "".join(
        traceback.TracebackException.from_exception(error, capture_locals=True).format()
    )
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(
        Traceback.from_exception(type(error), error, error.__traceback__, show_locals=True)
    )
    rich_text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "locals" in rich_text.lower() or "│" in rich_text  # rich drew its locals panels
    return plain + rich_text


def _caught(call: Any) -> WebinarInsightsError:
    try:
        call()
    except WebinarInsightsError as error:
        return error
    raise AssertionError("no error")


def test_no_secret_in_a_traceback_with_locals() -> None:
    sim = Simulator(
        SimulatorConfig(now=NOW, scale=10, rate_limit_window=0.01, client_secret=SECRET, jwt=JWT)
    )
    client = Client(
        server_url="https://simulator.example.test", client_id=sim.config.client_id,
        client_secret=SECRET, jwt=JWT, transport=sim.transport(), progress=False,
        limiter_dir=None, retry=RetryPolicy(attempts=2, base_delay=0.001),
    )  # fmt: skip
    errors = [
        _caught(lambda: client.get_session("300000000", "999999999")),  # 404 with a live token
    ]
    assert isinstance(errors[0], NotFoundError)
    secrets = _secrets_of(sim)
    assert len(secrets) >= 3  # an access token was issued and is being looked for
    wrong = Client(
        server_url="https://simulator.example.test", client_id=sim.config.client_id,
        client_secret=SECRET, jwt=JWT + "-revoked", transport=sim.transport(), progress=False,
        limiter_dir=None,
    )  # fmt: skip
    refused = _caught(wrong.authenticate)
    assert isinstance(refused, AuthenticationError)
    errors.append(refused)
    bad_url = _caught(
        lambda: Client(server_url="nowhere", client_id="a", client_secret=SECRET, jwt=JWT)
    )
    errors.append(bad_url)
    for error in errors:
        text = _rendered(error)
        for secret in [*secrets, JWT + "-revoked"]:
            assert secret not in text, (type(error).__name__, secret[:8])
