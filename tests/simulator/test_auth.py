"""OAuth: the JWT grant, single-use refresh tokens, expiry, and the error shapes."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from tests.support.simulator import BASE, Api, make_sim, token_for
from tests.support.spec import SpecChecker
from webinar_insights.simulator._config import JWT_GRANT

SESSIONS = "/webinar/history/v1/sessions"
WIDE = {"endTimeFrom": "2024-01-01T00:00:00Z", "endTimeTo": "2028-01-01T00:00:00Z"}


def _http(**options: object) -> httpx.Client:
    return httpx.Client(transport=make_sim(**options).transport(), base_url=BASE)


def _get(http: httpx.Client, token: str) -> httpx.Response:
    return http.get(SESSIONS, params=WIDE, headers={"Authorization": f"Bearer {token}"})


def test_jwt_grant_issues_tokens(spec: SpecChecker) -> None:
    http = _http()
    response = token_for(http)
    spec.check(response)
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["refresh_token"]
    assert _get(http, body["access_token"]).status_code == 200


def test_requested_ttl_is_honoured_within_bounds() -> None:
    http = _http()
    assert token_for(http, access_token_ttl="900").json()["expires_in"] == 900
    assert token_for(http, access_token_ttl="5").json()["expires_in"] == 600


@pytest.mark.parametrize(
    ("auth", "form", "error", "code"),
    [
        (
            ("demo-client-id", "wrong"),
            {"grant_type": JWT_GRANT, "assertion": "demo-jwt"},
            "invalid_client",
            "OAU-123",
        ),
        (None, {"grant_type": JWT_GRANT, "assertion": "demo-jwt"}, "invalid_client", "OAU-123"),
        (
            ("demo-client-id", "demo-client-secret"),
            {"grant_type": JWT_GRANT, "assertion": "x"},
            "invalid_grant",
            "OAU-140",
        ),
        (
            ("demo-client-id", "demo-client-secret"),
            {"grant_type": "password"},
            "unsupported_grant_type",
            "OAU-250",
        ),
        (
            ("demo-client-id", "demo-client-secret"),
            {"grant_type": "refresh_token", "refresh_token": "nope"},
            "invalid_grant",
            "OAU-211",
        ),
    ],
)
def test_bad_credentials_get_the_oauth_error_shape(
    spec: SpecChecker, auth: tuple[str, str] | None, form: dict[str, str], error: str, code: str
) -> None:
    http = _http()
    response = http.post("/restapi/oauth/token", data=form, auth=auth)
    spec.check(response)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == error
    assert body["errors"][0]["errorCode"] == code


def test_refresh_is_single_use_and_kills_the_old_access_token() -> None:
    http = _http()
    first = token_for(http).json()
    form = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    auth = ("demo-client-id", "demo-client-secret")
    second = http.post("/restapi/oauth/token", data=form, auth=auth)
    assert second.status_code == 200
    assert _get(http, first["access_token"]).status_code == 401
    assert _get(http, second.json()["access_token"]).status_code == 200
    again = http.post("/restapi/oauth/token", data=form, auth=auth)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_access_tokens_expire(spec: SpecChecker) -> None:
    http = _http(access_token_ttl=1)
    body = token_for(http).json()
    assert body["expires_in"] == 1
    assert _get(http, body["access_token"]).status_code == 200
    time.sleep(1.05)
    expired = _get(http, body["access_token"])
    spec.check(expired)
    assert expired.status_code == 401


def test_missing_and_unknown_tokens_get_401(spec: SpecChecker) -> None:
    http = _http()
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}):
        response = http.get(SESSIONS, params=WIDE, headers=headers)
        spec.check(response)
        assert response.status_code == 401


def test_no_refresh_token_when_the_app_does_not_issue_them() -> None:
    body = token_for(_http(issue_refresh_tokens=False)).json()
    assert "refresh_token" not in body


def test_only_five_sessions_per_user_and_app() -> None:
    http = _http(auth_limit=100)
    tokens = [token_for(http).json()["access_token"] for _ in range(6)]
    assert _get(http, tokens[0]).status_code == 401
    assert all(_get(http, t).status_code == 200 for t in tokens[1:])


def test_changed_credentials_are_used(api_for: Callable[..., Api]) -> None:
    http = _http(client_id="acme", client_secret="s3", jwt="j")
    ok = http.post(
        "/restapi/oauth/token",
        data={"grant_type": JWT_GRANT, "assertion": "j"},
        auth=("acme", "s3"),
    )
    assert ok.status_code == 200
    assert token_for(http).status_code == 400
