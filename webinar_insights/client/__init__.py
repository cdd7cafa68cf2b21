"""The RingCentral Webinar API client: JWT auth, paging, rate-limit pacing, retries."""

from __future__ import annotations

from ._auth import Credentials
from ._client import DEFAULT_SERVER_URL, Client, Page, RetryPolicy

__all__ = ["DEFAULT_SERVER_URL", "Client", "Credentials", "Page", "RetryPolicy"]
