"""The client under RingCentral's rougher rules: endless paging, odd Retry-After values, 5xx
with Retry-After, tokens that must be revoked, bad or unreachable servers, one limiter per
credential on the machine."""

from __future__ import annotations

import json
import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest

from tests.support.client import TOKEN, page, scripted
from webinar_insights import ConfigurationError, PagingError, TransportError
from webinar_insights.client import Client, RetryPolicy
from webinar_insights.client._client import default_limiter_dir
from webinar_insights.client._errors import MAX_RETRY_AFTER, retry_after
from webinar_insights.client._pacing import FilePacer
from webinar_insights.simulator import Simulator, SimulatorConfig

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def test_a_server_that_invents_page_tokens_is_stopped_by_the_expected_size() -> None:
    counter = iter(range(10_000))

    def endless(request: httpx.Request) -> httpx.Response:
        n = next(counter)
        return page([{"id": f"p{n}-{i}"} for i in range(10)], f"token-{n}")

    client = scripted(endless, per_page=10)
    with pytest.raises(PagingError, match="past 7 pages"):
        list(client.participant_pages("300000001", "500000001", expected=25))
    # 25 expected: twice that plus a page is 60 records, 6 pages, and one more for slack.
    assert sum(path.endswith("/participants") for path in client.calls) == 7  # type: ignore[attr-defined]


def test_empty_pages_that_point_onwards_stop_after_three() -> None:
    counter = iter(range(10_000))

    def empty(request: httpx.Request) -> httpx.Response:
        return page([], f"token-{next(counter)}")

    client = scripted(empty)
    with pytest.raises(PagingError, match="3 empty pages in a row"):
        list(client.registrant_pages("500000001"))


def test_without_an_expected_size_the_record_cap_bounds_the_chain() -> None:
    counter = iter(range(100_000))

    def endless(request: httpx.Request) -> httpx.Response:
        n = next(counter)
        return page([{"id": f"s{n}-{i}"} for i in range(1000)], f"token-{n}")

    client = scripted(endless, per_page=1000)
    with pytest.raises(PagingError, match="past 201 pages"):
        list(client.registrant_pages("500000001"))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("7", 7.0),
        ("0.25", 0.25),
        ("-3", 0.0),
        ("1e9", MAX_RETRY_AFTER),
        ("inf", 42.0),
        ("nan", 42.0),
        ("soon", 42.0),
        (None, 42.0),
    ],
)
def test_retry_after_values_are_bounded(header: str | None, expected: float) -> None:
    headers = {"Retry-After": header} if header is not None else {}
    assert retry_after(httpx.Response(429, headers=headers), default=42.0) == expected


def test_retry_after_as_an_http_date() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    seconds = retry_after(httpx.Response(503, headers={"Retry-After": when}), default=0)
    assert 25 <= seconds <= 31


def test_retry_after_is_honoured_on_a_503() -> None:
    answers = iter(
        [
            httpx.Response(503, headers={"Retry-After": "0.4"}, json={"errorCode": "CMN-503"}),
            page([{"id": "1"}], None),
        ]
    )
    client = scripted(lambda request: next(answers))
    started = time.monotonic()
    assert [p.records for p in client.registrant_pages("500000001")] == [[{"id": "1"}]]
    assert time.monotonic() - started >= 0.4  # the backoff alone would be a millisecond


def test_a_429_without_retry_after_waits_the_window_last_announced() -> None:
    limits = {"X-Rate-Limit-Limit": "10", "X-Rate-Limit-Remaining": "9"}
    answers = iter(
        [
            page([], None),  # announces a 0.5 s window
            httpx.Response(429, headers={**limits, "X-Rate-Limit-Window": "0.5"}),
            page([{"id": "1"}], None),
        ]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        response = next(answers)
        response.headers.update({**limits, "X-Rate-Limit-Window": "0.5"})
        return response

    client = scripted(handler)
    list(client.registrant_pages("500000001"))
    started = time.monotonic()
    list(client.registrant_pages("500000002"))
    assert time.monotonic() - started >= 0.5  # not retry_after_default's 0.01 s
    assert client.rate_limited == 1


@pytest.mark.parametrize("lifetime", [0, -60, "NaN"])
def test_a_non_positive_token_lifetime_is_clamped(lifetime: object) -> None:
    body = {**TOKEN, "expires_in": lifetime}
    client = scripted(lambda request: page([], None), token_body=body)
    for sid in ("1", "2", "3"):
        list(client.registrant_pages(sid))
    assert client.token_requests == 1  # not a token before every call


def test_close_revokes_the_oauth_session() -> None:
    sim = Simulator(SimulatorConfig(now=NOW, scale=20, rate_limit_window=0.05))
    with Client.simulator(simulator=sim, progress=False) as client:
        client.list_sessions("2026-10-01", "2026-11-30")
    assert sim.stats()["requests"].get("revokeToken") == 1
    assert sim._oauth == []  # the platform holds no session of ours any more


def test_short_runs_do_not_evict_a_long_lived_client() -> None:
    """RingCentral keeps about five OAuth sessions per user and app; runs that revoke theirs
    on close leave a notebook's long-lived client alone."""
    # Auth limit out of the way: a revoke refused with 429 is dropped (it never waits), and
    # then the platform does evict; how many land in one 10 ms window depends on the machine.
    sim = Simulator(SimulatorConfig(now=NOW, scale=20, rate_limit_window=0.01, auth_limit=1_000))
    notebook = Client.simulator(simulator=sim, progress=False)
    notebook.list_sessions("2026-10-01", "2026-11-30")
    for _ in range(8):
        with Client.simulator(simulator=sim, progress=False) as run:
            run.list_sessions("2026-10-01", "2026-11-30")
    notebook.list_sessions("2026-10-01", "2026-11-30")
    assert notebook.token_requests == 1  # its token was never evicted: no 401, no new exchange
    notebook.close()


def test_revoking_never_raises_or_waits() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return page([], None)

    client = scripted(refuse)
    list(client.registrant_pages("1"))
    client._http.close()  # the connection is gone already: close() still returns quietly
    client.close()


@pytest.mark.parametrize("url", ["not-a-url", "ftp://platform.ringcentral.com", "https://", ""])
def test_a_server_url_that_cannot_work_fails_at_once(url: str) -> None:
    with pytest.raises(ConfigurationError, match="server URL"):
        Client(server_url=url, client_id="a", client_secret="b", jwt="c", limiter_dir=None)


def test_server_url_argument_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RC_SERVER_URL", "https://platform.ringcentral.com")
    for name, value in (
        ("RC_APP_CLIENT_ID", "a"),
        ("RC_APP_CLIENT_SECRET", "b"),
        ("RC_USER_JWT", "c"),
    ):
        monkeypatch.setenv(name, value)
    client = Client.from_env(env_file=None, server_url="http://127.0.0.1:9", limiter_dir=None)
    assert client.server_url == "http://127.0.0.1:9"
    assert Client.from_env(env_file=None, limiter_dir=None).server_url == (
        "https://platform.ringcentral.com"
    )


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_server_is_given_up_quickly_and_named() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    client = Client(
        server_url=url,
        client_id="a",
        client_secret="b",
        jwt="c",
        limiter_dir=None,
        retry=RetryPolicy(base_delay=0.2, unreachable_after=1.0),
    )
    started = time.monotonic()
    with pytest.raises(TransportError, match=f"cannot reach {url}"):
        client.list_sessions("2026-10-01", "2026-10-31")
    assert time.monotonic() - started < 3


def test_an_unknown_host_is_a_configuration_error() -> None:
    client = Client(
        server_url="http://no-such-host.invalid",
        client_id="a",
        client_secret="b",
        jwt="c",
        limiter_dir=None,
    )
    started = time.monotonic()
    with pytest.raises(ConfigurationError, match=r"no-such-host\.invalid"):
        client.authenticate()
    assert time.monotonic() - started < 10


def test_real_servers_pace_through_one_file_per_credential(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("WEBINAR_INSIGHTS_LIMITER_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert default_limiter_dir() == tmp_path / "cache" / "webinar-insights" / "limiter"

    def make(jwt: str) -> Client:
        return Client(server_url="https://platform.example.test", client_id="app",
                      client_secret="s", jwt=jwt)  # fmt: skip

    first, second, other_user = make("jwt-1"), make("jwt-1"), make("jwt-2")
    assert isinstance(first._pacer, FilePacer)
    assert isinstance(second._pacer, FilePacer)
    assert isinstance(other_user._pacer, FilePacer)
    assert first._pacer.path == second._pacer.path != other_user._pacer.path
    assert first._pacer.path.parent == default_limiter_dir()
    assert "jwt-1" not in first._pacer.path.name
    simulated = Client.simulator(scale=5, progress=False)
    assert not isinstance(simulated._pacer, FilePacer)  # each simulator is a platform of its own


def test_the_limiter_file_keeps_no_secret(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        response = page([], None)
        response.headers.update(
            {"X-Rate-Limit-Limit": "10", "X-Rate-Limit-Remaining": "9", "X-Rate-Limit-Window": "60"}
        )
        return response

    client = scripted(handler)
    client.share_limiter(tmp_path)
    list(client.registrant_pages("1"))
    text = "".join(p.read_text() for p in tmp_path.glob("*.json"))
    assert json.loads(text)["Heavy"]["limit"] == 10
    for secret in ("secret", "jwt", "tok"):
        assert f'"{secret}"' not in text
