"""Rate limits like the platform's: a sliding window per group and a penalty that restarts."""

from __future__ import annotations

import time

import httpx

from tests.support.simulator import BASE, make_sim, token_for
from tests.support.spec import SpecChecker
from webinar_insights.simulator._limits import SlidingWindowLimiter, format_seconds

SESSIONS = "/webinar/history/v1/sessions"
WIDE = {"endTimeFrom": "2024-01-01T00:00:00Z", "endTimeTo": "2028-01-01T00:00:00Z"}


def test_window_and_penalty_restart() -> None:
    limiter = SlidingWindowLimiter(limit=3, window=10.0)
    key = ("app", "user", "Heavy")
    assert [limiter.check(key, t).allowed for t in (0, 1, 2)] == [True, True, True]
    assert limiter.check(key, 3).remaining == 0
    assert limiter.check(key, 3).allowed is False  # penalty runs to 13
    assert limiter.check(key, 12).allowed is False  # sent during the penalty: now runs to 22
    assert limiter.check(key, 21).allowed is False  # and again: to 31
    assert limiter.check(key, 31.5).allowed is True
    assert limiter.check(("other",), 3).allowed is True  # keys are independent


def test_sliding_window_frees_slots_as_they_age() -> None:
    limiter = SlidingWindowLimiter(limit=2, window=10.0)
    assert limiter.check(("k",), 0).allowed
    assert limiter.check(("k",), 5).allowed
    assert limiter.check(("k",), 10.5).allowed  # the request at 0 left the window
    assert limiter.check(("k",), 14).allowed is False


def test_heavy_limit_over_http(spec: SpecChecker) -> None:
    sim = make_sim(rate_limit_window=0.4, heavy_limit=10)
    http = httpx.Client(transport=sim.transport(), base_url=BASE)
    token = token_for(http).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    remaining = []
    for _ in range(10):
        response = http.get(SESSIONS, params=WIDE, headers=headers)
        assert response.status_code == 200
        assert response.headers["X-Rate-Limit-Group"] == "Heavy"
        assert response.headers["X-Rate-Limit-Limit"] == "10"
        assert response.headers["X-Rate-Limit-Window"] == "0.4"
        remaining.append(int(response.headers["X-Rate-Limit-Remaining"]))
    assert remaining == list(range(9, -1, -1))
    limited = http.get(SESSIONS, params=WIDE, headers=headers)
    spec.check(limited)
    assert limited.status_code == 429
    assert limited.json()["errorCode"] == "CMN-301"
    assert float(limited.headers["Retry-After"]) == 0.4
    time.sleep(0.25)
    assert http.get(SESSIONS, params=WIDE, headers=headers).status_code == 429  # restarts it
    time.sleep(0.25)
    assert http.get(SESSIONS, params=WIDE, headers=headers).status_code == 429
    time.sleep(0.45)
    assert http.get(SESSIONS, params=WIDE, headers=headers).status_code == 200
    assert sim.stats()["rate_limited"] == 3


def test_auth_group_limits_the_token_endpoint() -> None:
    sim = make_sim(rate_limit_window=30)
    http = httpx.Client(transport=sim.transport(), base_url=BASE)
    statuses = [token_for(http).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_format_seconds() -> None:
    assert format_seconds(60.0) == "60"
    assert format_seconds(0.5) == "0.5"
    assert format_seconds(0.125) == "0.125"
