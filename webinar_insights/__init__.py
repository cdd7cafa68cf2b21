"""webinar_insights: understand a RingCentral Webinar program from Jupyter.

The API's metadata becomes polars DataFrames, Altair charts and offline HTML reports. A simulator
of the Webinar API (``webinar_insights.simulator``) is the embedded default.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _package_version

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
from .syncing import SyncSummary, sync

try:  # the one place the version is read: the installed package's metadata (pyproject.toml)
    __version__ = _package_version("webinar-insights")
except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
    __version__ = "0+unknown"

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
