"""The RingCentral Webinar API client: JWT auth, paging, rate-limit pacing, retries."""

from __future__ import annotations

from ._auth import Credentials
from ._client import DEFAULT_SERVER_URL, MAX_ID_LENGTH, Client, Page, RetryPolicy, api_id
from ._doctor import CLOCK_TOLERANCE, HEAVY_REQUESTS, Check, Diagnosis, Examinable

__all__ = [
    "CLOCK_TOLERANCE",
    "DEFAULT_SERVER_URL",
    "HEAVY_REQUESTS",
    "MAX_ID_LENGTH",
    "Check",
    "Client",
    "Credentials",
    "Diagnosis",
    "Examinable",
    "Page",
    "RetryPolicy",
    "api_id",
]
