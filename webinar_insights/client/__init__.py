"""The RingCentral Webinar API client: JWT auth, paging, rate-limit pacing, retries."""

from __future__ import annotations

from ._auth import Credentials
from ._client import DEFAULT_SERVER_URL, MAX_ID_LENGTH, Client, Page, RetryPolicy, api_id

__all__ = [
    "DEFAULT_SERVER_URL",
    "MAX_ID_LENGTH",
    "Client",
    "Credentials",
    "Page",
    "RetryPolicy",
    "api_id",
]
