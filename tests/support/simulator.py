"""Simulator helpers for tests: a simulator with test-friendly options, a token, and an
authenticated raw HTTP session that checks every answer against the spec."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from tests.support.spec import BASE, SpecChecker
from webinar_insights.simulator import Simulator, SimulatorConfig
from webinar_insights.simulator._config import JWT_GRANT

__all__ = ["BASE", "NOW", "Api", "make_sim", "token_for"]

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def make_sim(**options: Any) -> Simulator:
    options.setdefault("now", NOW)
    options.setdefault("scale", 60)
    options.setdefault("rate_limit_window", 0.01)
    options.setdefault("heavy_limit", 1000)
    return Simulator(SimulatorConfig(**options))


def token_for(http: httpx.Client, **form: str) -> httpx.Response:
    data = {"grant_type": JWT_GRANT, "assertion": "demo-jwt", **form}
    return http.post(
        "/restapi/oauth/token", data=data, auth=("demo-client-id", "demo-client-secret")
    )


class Api:
    """An authenticated raw HTTP session on a simulator, checking every answer against the spec."""

    def __init__(self, http: httpx.Client, spec: SpecChecker) -> None:
        self.http = http
        self.spec = spec
        response = token_for(http)
        spec.check(response)
        self.token = response.json()["access_token"]

    def get(self, path: str, **params: Any) -> httpx.Response:
        response = self.http.get(
            path, params=params, headers={"Authorization": f"Bearer {self.token}"}
        )
        self.spec.check(response)
        return response

    def all_pages(self, path: str, **params: Any) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        token = None
        while True:
            page_params = dict(params)
            if token:
                page_params["pageToken"] = token
            response = self.get(path, **page_params)
            assert response.status_code == 200, response.text
            body = response.json()
            records.extend(body["records"])
            token = body["paging"].get("nextPageToken")
            if token is None:
                return records
