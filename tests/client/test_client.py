"""The client against the in-process simulator and a real loopback server."""

from __future__ import annotations

import logging
import threading
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from webinar_insights import (
    AuthenticationError,
    BadResponseError,
    ConfigurationError,
    NotFoundError,
    PagingError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    TransportError,
)
from webinar_insights._time import split_range, time_range
from webinar_insights.client import Client, RetryPolicy
from webinar_insights.simulator import FaultKind, Simulator, SimulatorConfig, serve

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
START, END = "2025-10-01", "2026-12-31"
FAST_RETRY = RetryPolicy(attempts=8, base_delay=0.01, max_delay=0.05, retry_after_default=0.05)


def make_sim(**options: Any) -> Simulator:
    options.setdefault("now", NOW)
    options.setdefault("scale", 40)
    options.setdefault("rate_limit_window", 0.05)
    return Simulator(SimulatorConfig(**options))


@pytest.fixture
def sim() -> Simulator:
    return make_sim()


def client_for(sim: Simulator, **options: Any) -> Client:
    options.setdefault("progress", False)
    options.setdefault("retry", FAST_RETRY)
    return Client.simulator(simulator=sim, **options)


def test_multi_page_listings_make_exact_request_counts(sim: Simulator) -> None:
    with client_for(sim, per_page=7) as client:
        sessions = client.list_sessions(START, END)
        assert sorted(s["id"] for s in sessions) == sorted(
            s.session_id for s in sim.program.sessions
        )
        pick = next(s for s in sessions if s["uniqueParticipantCount"] > 20)
        participants = client.list_participants(pick["webinar"]["id"], pick["id"])
        registrants = client.list_registrants(pick["id"])
    stats = sim.stats()["requests"]
    # 2025-10-01 .. 2027-01-01 is six 90-day windows; each costs ceil(n / 7) pages, at least one.
    windows = split_range(*time_range(START, END), timedelta(days=90))
    assert len(windows) == 6
    ends = [s.listed_end_time(sim.now()) for s in sim.program.sessions]
    pages = sum(max(1, -(-sum(lo <= e <= hi for e in ends) // 7)) for lo, hi in windows)
    assert stats["rcwHistoryListAllCompanySessions"] == pages
    assert stats["getToken"] == 1
    assert stats["rcwHistoryListParticipants"] == -(-len(participants) // 7)
    assert stats["rcwRegListRegistrants"] == -(-len(registrants) // 7)
    assert len(participants) == pick["uniqueParticipantCount"]
    assert client.requests_sent == sum(stats.values())


def test_session_windows_and_own_sessions(sim: Simulator) -> None:
    with client_for(sim) as client:
        everything = client.list_sessions(START, END)
        mine = client.list_sessions(START, END, company=False)
        finished = client.list_sessions(START, END, status=["Finished"])
        host = sim.program.hosts[1].user_id
        hosted = client.list_sessions(START, END, hosts=[host])
    assert len({s["id"] for s in everything}) == len(everything) == 40
    me = sim.current_user.user_id
    assert {s["webinar"]["host"]["linkedUser"]["userId"] for s in mine} == {me}
    assert {s["status"] for s in finished} == {"Finished"}
    assert {s["webinar"]["host"]["linkedUser"]["userId"] for s in hosted} <= {host}
    with pytest.raises(ConfigurationError, match="reversed"):
        client.list_sessions("2026-05-01", "2026-01-01")


def test_zero_429s_under_a_shrunk_heavy_window() -> None:
    sim = make_sim(rate_limit_window=0.1, scale=30)
    with client_for(sim) as client:
        for session in client.list_sessions(START, END)[:25]:
            client.list_registrants(session["id"])
    stats = sim.stats()
    assert stats["requests_total"] > 25
    assert stats["rate_limited"] == 0
    assert client.rate_limited == 0


def test_threads_share_one_pacer() -> None:
    sim = make_sim(rate_limit_window=0.1, scale=30)
    client = client_for(sim)
    sessions = client.list_sessions(START, END)
    errors: list[BaseException] = []

    def work(part: list[dict[str, Any]]) -> None:
        try:
            for s in part:
                client.list_registrants(s["id"])
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(sessions[i::3],)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    client.close()
    assert not errors
    assert sim.stats()["rate_limited"] == 0


def test_processes_share_a_limiter_directory(tmp_path: Path) -> None:
    sim = make_sim(rate_limit_window=0.1, scale=30)
    first = client_for(sim, limiter_dir=tmp_path)
    second = client_for(sim, limiter_dir=tmp_path)  # same credential, separate pacer objects
    sessions = first.list_sessions(START, END)
    for a, b in zip(sessions[::2], sessions[1::2], strict=False):
        first.list_registrants(a["id"])
        second.list_registrants(b["id"])
    assert sim.stats()["rate_limited"] == 0
    assert not any("demo-jwt" in p.read_text() for p in tmp_path.iterdir() if p.suffix == ".json")


def test_token_expiry_mid_run_renews_without_errors() -> None:
    sim = make_sim(access_token_ttl=1)
    with client_for(sim) as client:
        sessions = client.list_sessions(START, END)
        time.sleep(1.1)
        client.list_registrants(sessions[0]["id"])
        assert client.token_requests == 2
    stats = sim.stats()
    assert stats["requests"]["getToken"] == 2


def test_refresh_failure_falls_back_to_the_jwt(sim: Simulator) -> None:
    with client_for(sim) as client:
        client.list_sessions(START, END)
        client._auth._refresh = "not-a-valid-refresh-token"
        client._auth._renew_at = 0  # force renewal
        client.list_sessions(START, END)
        assert client.token_requests == 3  # jwt, failed refresh, jwt again


def test_a_401_triggers_one_reauthentication(sim: Simulator) -> None:
    with client_for(sim) as client:
        sessions = client.list_sessions(START, END)
        for session in sim._oauth:
            session.access_token = "revoked-by-the-platform"
        client.list_registrants(sessions[0]["id"])
        assert client.token_requests == 2  # one refresh, one retry
        sim._oauth.clear()  # now the refresh token is gone too
        client.list_registrants(sessions[0]["id"])
        assert client.token_requests == 4  # a failed refresh, then the JWT again
    assert sim.stats()["requests"]["rcwRegListRegistrants"] == 4  # two 401s, two successes


@pytest.mark.parametrize(
    ("options", "hint"),
    [
        ({"client_secret": "wrong"}, "RC_APP_CLIENT_SECRET"),
        ({"jwt": "expired-jwt"}, "RC_USER_JWT"),
    ],
)
def test_bad_credentials(sim: Simulator, options: dict[str, str], hint: str) -> None:
    settings = {
        "client_id": "demo-client-id",
        "client_secret": "demo-client-secret",
        "jwt": "demo-jwt",
        **options,
    }
    with (
        Client(**settings, transport=sim.transport(), progress=False, retry=FAST_RETRY) as client,
        pytest.raises(AuthenticationError, match=hint) as caught,
    ):
        client.list_sessions(START, END)
    assert caught.value.status_code == 400


def test_403_explains_webinar_settings() -> None:
    sim = make_sim(webinar_settings_permission=False)
    with client_for(sim) as client:
        with pytest.raises(PermissionDeniedError, match="WebinarSettings") as caught:
            client.list_sessions(START, END)
        assert caught.value.error_code == "CMN-408"
        assert client.list_sessions(START, END, company=False)


def test_404_and_bad_ids(sim: Simulator) -> None:
    with client_for(sim) as client:
        with pytest.raises(NotFoundError) as caught:
            client.get_session("300000000", "999")
        assert caught.value.status_code == 404
        with pytest.raises(ConfigurationError):
            client.get_session("300000000", "../x")


def test_fail_fast_refuses_to_queue_behind_another_client(tmp_path: Path) -> None:
    sim = make_sim(rate_limit_window=3.0, scale=12)
    day = timedelta(days=1)
    with client_for(sim, limiter_dir=tmp_path) as other:  # the same credential, another client
        other.list_sessions(NOW - 10 * day, NOW, window=day)  # ten listings: the whole budget
    with client_for(sim, fail_fast=True, limiter_dir=tmp_path) as client:
        with pytest.raises(RateLimitedError, match="another client") as caught:
            client.list_sessions(START, END)
        assert 2.0 < caught.value.retry_after <= 3.0 * 1.03  # a window, plus the safety margin
    assert sim.stats()["rate_limited"] == 0  # it stopped before tripping the limit


def test_fail_fast_still_paces_its_own_requests() -> None:
    sim = make_sim(rate_limit_window=0.3, scale=12)
    started = time.monotonic()
    with client_for(sim, fail_fast=True, per_page=1) as client:
        assert len(client.list_sessions(START, END)) == 12  # 18 listing pages: it had to wait
    assert time.monotonic() - started > 0.3
    assert sim.stats()["rate_limited"] == 0


@pytest.mark.parametrize(
    "kind",
    [
        "latency", "http500", "http502", "http503", "http504", "http429",
        "http429-no-retry-after", "drop", "timeout", "truncate", "html", "empty",
    ],
)  # fmt: skip
def test_recovers_from_every_fault_kind(kind: FaultKind) -> None:
    clean = make_sim()
    with client_for(clean) as client:
        expected = sorted(s["id"] for s in client.list_sessions(START, END))
    faulty = make_sim(fault_rate=0.3, fault_kinds=(kind,), fault_seed=3, latency=0.05, hang=0.3)
    with client_for(faulty, timeout=0.2, per_page=9) as client:
        got = [s["id"] for s in client.list_sessions(START, END)]
    assert sorted(got) == expected
    assert faulty.stats()["faults_injected"] > 0


def test_gives_up_after_bounded_retries() -> None:
    sim = make_sim(fault_rate=1.0, fault_kinds=("http503",))
    with client_for(sim) as client, pytest.raises(ServerError, match="gave up after 8 attempts"):
        client.list_sessions(START, END)
    sim = make_sim(fault_rate=1.0, fault_kinds=("drop",))
    with client_for(sim) as client, pytest.raises(TransportError, match="gave up"):
        client.list_sessions(START, END)
    sim = make_sim(fault_rate=1.0, fault_kinds=("html",))
    with client_for(sim) as client, pytest.raises(BadResponseError, match="not JSON"):
        client.list_sessions(START, END)


def test_over_a_real_loopback_server() -> None:
    sim = make_sim(fault_rate=0.2, fault_kinds=("drop", "http502", "truncate"), fault_seed=1)
    with serve(sim) as server:
        client = Client(
            server_url=server.url,
            client_id="demo-client-id",
            client_secret="demo-client-secret",
            jwt="demo-jwt",
            progress=False,
            retry=FAST_RETRY,
            per_page=10,
        )
        with client:
            sessions = client.list_sessions(START, END)
    assert sorted(s["id"] for s in sessions) == sorted(s.session_id for s in sim.program.sessions)
    assert sim.stats()["rate_limited"] == 0


# -- paging adversity, scripted ------------------------------------------------------------------
def _scripted(pages: list[dict[str, Any]]) -> Client:
    served = iter(pages)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/restapi/oauth/token":
            return httpx.Response(
                200, json={"access_token": "t", "expires_in": 3600, "token_type": "bearer"}
            )
        return httpx.Response(200, json=next(served))

    return Client(
        client_id="id", client_secret="secret", jwt="jwt",
        transport=httpx.MockTransport(handler), progress=False, retry=FAST_RETRY,
    )  # fmt: skip


def _page(ids: list[str], token: str, next_token: str | None) -> dict[str, Any]:
    paging: dict[str, Any] = {"perPage": 2, "pageToken": token}
    if next_token:
        paging["nextPageToken"] = next_token
    return {"records": [{"id": i} for i in ids], "paging": paging}


def test_repeated_page_token_stops_with_an_error() -> None:
    client = _scripted([_page(["1", "2"], "a", "b"), _page(["3", "4"], "b", "b")])
    with pytest.raises(PagingError, match="again"):
        client.list_registrants("1")


def test_repeated_records_are_yielded_once_and_empty_pages_followed() -> None:
    client = _scripted(
        [_page(["1", "2"], "a", "b"), _page([], "b", "c"), _page(["2", "3"], "c", None)]
    )
    assert [r["id"] for r in client.list_registrants("1")] == ["1", "2", "3"]


# -- configuration and secrets ---------------------------------------------------------------------
def test_from_env_names_the_missing_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RC_APP_CLIENT_ID", "id")
    with pytest.raises(ConfigurationError, match="RC_APP_CLIENT_SECRET"):
        Client.from_env()
    (tmp_path / ".env").write_text(
        "RC_APP_CLIENT_SECRET=s\nRC_USER_JWT=j\nRC_SERVER_URL=https://example.test\n"
    )
    client = Client.from_env(progress=False)
    assert client.server_url == "https://example.test"
    assert repr(client) == "Client(server_url='https://example.test', client_id='id')"


SECRET, JWT = "s3cr3t-CLIENT-secret", "eyJ-fake-JWT-value"


@pytest.fixture
def secret_sim() -> Simulator:
    return make_sim(client_secret=SECRET, jwt=JWT, access_token_ttl=1, fault_rate=0.2, fault_seed=2)


def test_secrets_never_reach_logs_errors_or_reprs(
    secret_sim: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = Client(
            client_id="demo-client-id", client_secret=SECRET, jwt=JWT,
            transport=secret_sim.transport(), progress=False, retry=FAST_RETRY, per_page=5,
        )  # fmt: skip
        texts += [repr(client), str(client), repr(client._auth), repr(client._credentials)]
        sessions = client.list_sessions(START, END)
        time.sleep(1.05)  # the access token expires: a refresh happens
        client.list_registrants(sessions[0]["id"])
        for bad in ({"client_secret": SECRET + "x"}, {"jwt": JWT + "x"}):
            settings = {"client_id": "demo-client-id", "client_secret": SECRET, "jwt": JWT, **bad}
            try:
                Client(**settings, transport=secret_sim.transport(), progress=False).list_sessions(
                    START, END
                )
            except Exception as error:  # collecting every text
                texts += [str(error), repr(error), repr(error.__cause__)]
    tokens = [s.access_token for s in secret_sim._oauth] + [
        s.refresh_token for s in secret_sim._oauth if s.refresh_token
    ]
    texts += [r.getMessage() for r in caplog.records] + [str(w.message) for w in caught]
    haystack = "\n".join(texts)
    assert len(caplog.records) > 0
    for secret in [SECRET, JWT, *tokens]:
        assert secret not in haystack
