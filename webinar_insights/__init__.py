"""webinar_insights: understand a RingCentral Webinar program from Jupyter.

The API's metadata becomes polars DataFrames, Altair charts and offline HTML reports. A simulator
of the Webinar API (``webinar_insights.simulator``) is the embedded default.
"""

from __future__ import annotations

from .client import Client, RetryPolicy
from .errors import (
    ApiError,
    AuthenticationError,
    BadDataError,
    BadRequestError,
    BadResponseError,
    ConfigurationError,
    DataWarning,
    NotFoundError,
    PagingError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    StoreError,
    SyncInterrupted,
    TransportError,
    WebinarInsightsError,
)
from .store import Store
from .sync import SyncSummary, sync

__version__ = "0.1.0"

__all__ = [
    "ApiError",
    "AuthenticationError",
    "BadDataError",
    "BadRequestError",
    "BadResponseError",
    "Client",
    "ConfigurationError",
    "DataWarning",
    "NotFoundError",
    "PagingError",
    "PermissionDeniedError",
    "RateLimitedError",
    "RetryPolicy",
    "ServerError",
    "Store",
    "StoreError",
    "SyncInterrupted",
    "SyncSummary",
    "TransportError",
    "WebinarInsightsError",
    "__version__",
    "sync",
]
