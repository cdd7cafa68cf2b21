"""OAuth sessions per user and app (``max_oauth_sessions``), the Heavy bucket they share, and
revocation."""

from __future__ import annotations

import time

import httpx

from tests.support.simulator import BASE, make_sim, token_for
from tests.support.simulator_paths import CLIENT, WIDE, H
from tests.support.spec import SpecChecker


def _get(http: httpx.Client, token: str) -> httpx.Response:
    return http.get(H + "/sessions", params=WIDE, headers={"Authorization": f"Bearer {token}"})


def _refresh(http: httpx.Client, token: str) -> httpx.Response:
    form = {"grant_type": "refresh_token", "refresh_token": token}
    return http.post("/restapi/oauth/token", data=form, auth=CLIENT)


def test_a_new_exchange_evicts_the_oldest_oauth_session(spec: SpecChecker) -> None:
    sim = make_sim(max_oauth_sessions=2, auth_limit=100)
    http = httpx.Client(transport=sim.transport(), base_url=BASE)
    first, second, third = (token_for(http).json() for _ in range(3))
    evicted = _get(http, first["access_token"])
    spec.check(evicted)
    assert evicted.status_code == 401
    assert evicted.json()["errorCode"] == "OAU-213"
    assert evicted.json()["message"] == "Token not found"
    refused = _refresh(http, first["refresh_token"])
    spec.check(refused)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    assert _get(http, second["access_token"]).status_code == 200
    assert _get(http, third["access_token"]).status_code == 200
    assert _refresh(http, second["refresh_token"]).status_code == 200  # a refresh evicts nothing
    assert _get(http, third["access_token"]).status_code == 200


def test_heavy_bucket_is_shared_by_the_tokens_of_one_credential(spec: SpecChecker) -> None:
    sim = make_sim(rate_limit_window=0.8, heavy_limit=6)
    one = httpx.Client(transport=sim.transport(), base_url=BASE)
    two = httpx.Client(transport=sim.transport(), base_url=BASE)
    token_one = token_for(one).json()["access_token"]
    token_two = token_for(two).json()["access_token"]
    assert token_one != token_two

    def remaining(http: httpx.Client, token: str) -> int:
        response = _get(http, token)
        assert response.status_code == 200
        return int(response.headers["X-Rate-Limit-Remaining"])

    assert [remaining(one, token_one) for _ in range(3)] == [5, 4, 3]
    assert [remaining(two, token_two) for _ in range(3)] == [2, 1, 0]  # the first's bucket
    refused = _get(one, token_one)
    spec.check(refused)
    assert refused.status_code == 429
    assert refused.json()["errorCode"] == "CMN-301"
    assert _get(two, token_two).status_code == 429
    # The penalty restarts with every request sent during it, whichever token sends it.
    for http, token in ((one, token_one), (two, token_two)):
        time.sleep(0.4)  # a penalty that did not restart would be over at the second
        assert _get(http, token).status_code == 429
    time.sleep(0.9)
    assert _get(two, token_two).status_code == 200
    assert sim.stats()["rate_limited"] == 4


def test_revoke_ends_the_whole_oauth_session(spec: SpecChecker) -> None:
    sim = make_sim(auth_limit=100)
    http = httpx.Client(transport=sim.transport(), base_url=BASE)
    by_body, by_query, other = (token_for(http).json() for _ in range(3))

    revoked = http.post(
        "/restapi/oauth/revoke", data={"token": by_body["access_token"]}, auth=CLIENT
    )
    spec.check(revoked)
    assert revoked.status_code == 200
    assert revoked.headers["X-Rate-Limit-Group"] == "Auth"
    assert _get(http, by_body["access_token"]).status_code == 401
    assert _refresh(http, by_body["refresh_token"]).json()["error"] == "invalid_grant"

    revoked = http.post(
        "/restapi/oauth/revoke", params={"token": by_query["refresh_token"]}, auth=CLIENT
    )
    spec.check(revoked)
    assert revoked.status_code == 200
    assert _get(http, by_query["access_token"]).status_code == 401
    assert _refresh(http, by_query["refresh_token"]).status_code == 400

    assert _get(http, other["access_token"]).status_code == 200  # other sessions live on
    unknown = http.post("/restapi/oauth/revoke", data={"token": "not-a-token"}, auth=CLIENT)
    assert unknown.status_code == 200  # RFC 7009: nothing to revoke is no error
    for response, error in [
        (http.post("/restapi/oauth/revoke", data={}, auth=CLIENT), "invalid_request"),
        (
            http.post("/restapi/oauth/revoke", data={"token": other["access_token"]}),
            "invalid_client",
        ),
    ]:
        spec.check(response)
        assert response.status_code == 400
        assert response.json()["error"] == error
    assert _get(http, other["access_token"]).status_code == 200


def test_revoke_is_in_the_auth_group() -> None:
    sim = make_sim(rate_limit_window=30, auth_limit=2)
    http = httpx.Client(transport=sim.transport(), base_url=BASE)
    token = token_for(http).json()["access_token"]
    assert http.post("/restapi/oauth/revoke", data={"token": token}, auth=CLIENT).status_code == 200
    limited = http.post("/restapi/oauth/revoke", data={"token": token}, auth=CLIENT)
    assert limited.status_code == 429
    assert limited.headers["X-Rate-Limit-Group"] == "Auth"
