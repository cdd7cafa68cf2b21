"""A client of a scripted server (``httpx.MockTransport``), for the client tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from webinar_insights.client import Client, RetryPolicy

QUICK = RetryPolicy(attempts=4, base_delay=0.001, max_delay=0.01, retry_after_default=0.01)
TOKEN = {"access_token": "tok", "token_type": "bearer", "expires_in": 3600}
FAST_LIMIT = {
    "X-Rate-Limit-Limit": "1000",
    "X-Rate-Limit-Remaining": "999",
    "X-Rate-Limit-Window": "0.01",
}
Handler = Callable[[httpx.Request], httpx.Response]


def scripted(handler: Handler, **options: Any) -> Client:
    """A client of a scripted server: the token endpoint answers, the rest is ``handler``'s."""
    calls: list[str] = []
    token_body = options.pop("token_body", TOKEN)

    def route(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/restapi/oauth/token":
            return httpx.Response(200, json=token_body)
        if request.url.path == "/restapi/oauth/revoke":
            return httpx.Response(200)
        response = handler(request)
        if "X-Rate-Limit-Limit" not in response.headers:  # a generous budget: no pacing waits
            response.headers.update(FAST_LIMIT)
        return response

    options.setdefault("retry", QUICK)
    client = Client(
        server_url="https://platform.example.test",
        client_id="id",
        client_secret="secret",
        jwt="jwt",
        transport=httpx.MockTransport(route),
        progress=False,
        limiter_dir=None,
        **options,
    )
    client.calls = calls  # type: ignore[attr-defined]
    return client


def page(records: list[dict[str, Any]], next_token: str | None) -> httpx.Response:
    paging: dict[str, Any] = {"perPage": 10}
    if next_token:
        paging["nextPageToken"] = next_token
    return httpx.Response(200, json={"records": records, "paging": paging})
