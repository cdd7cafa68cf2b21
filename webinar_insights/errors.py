"""The errors webinar_insights raises, and the one warning category it emits.

Everything derives from one root, so ``except WebinarInsightsError`` catches all of it::

    WebinarInsightsError
    ├── ConfigurationError        missing or invalid settings (RC_* variables, arguments)
    ├── ApiError                  the API answered with an error (status, error_code, message)
    │   ├── AuthenticationError   401, or the token endpoint refused the credentials
    │   ├── PermissionDeniedError 403 (company endpoints need the WebinarSettings permission)
    │   ├── NotFoundError         404
    │   ├── RateLimitedError      429 (``retry_after`` in seconds)
    │   ├── BadRequestError       400 and other 4xx
    │   └── ServerError           5xx
    ├── TransportError            no usable answer: connection dropped, timeout, DNS
    ├── BadResponseError          an answer that is not what the API specifies (non-JSON, wrong shape)
    ├── PagingError               the API's paging went wrong (a repeated page token)
    ├── BadDataError              a record holds a value the frames cannot use (names record and field)
    ├── StoreError                the local store is locked, corrupt or unreadable
    └── SyncInterrupted           Ctrl-C during a sync (what was stored stays; run it again)

``retryable`` tells whether sending the same request again later can help.
No exception from httpx crosses the public API: the client wraps them in ``TransportError``.
"""

from __future__ import annotations

__all__ = [
    "ApiError",
    "AuthenticationError",
    "BadDataError",
    "BadRequestError",
    "BadResponseError",
    "ConfigurationError",
    "DataWarning",
    "NotFoundError",
    "PagingError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ServerError",
    "StoreError",
    "SyncInterrupted",
    "TransportError",
    "WebinarInsightsError",
]


class WebinarInsightsError(Exception):
    """Root of every error raised by webinar_insights."""

    retryable: bool = False


class ConfigurationError(WebinarInsightsError):
    """A setting is missing or invalid; the message names it and how to set it."""


class ApiError(WebinarInsightsError):
    """The API answered with an error status.

    Parameters
    ----------
    message:
        What happened and what to do, for a person.
    status_code:
        The HTTP status.
    error_code:
        RingCentral's ``errorCode`` (e.g. ``CMN-301``) when the body carried one.
    api_message:
        The API's own message, when the body carried one.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        error_code: str | None = None,
        api_message: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.error_code = error_code
        self.api_message = api_message


class AuthenticationError(ApiError):
    """The credentials were refused (token endpoint) or the access token was not accepted."""


class PermissionDeniedError(ApiError):
    """HTTP 403: the user or app lacks a permission for this call."""


class NotFoundError(ApiError):
    """HTTP 404: the webinar, session, recording or registrant does not exist or is hidden."""


class BadRequestError(ApiError):
    """HTTP 400 (or another 4xx): the request was invalid."""


class RateLimitedError(ApiError):
    """HTTP 429, or a fail-fast client that would have to wait: ``retry_after`` seconds."""

    retryable = True

    def __init__(
        self,
        message: str,
        *,
        retry_after: float,
        status_code: int = 429,
        error_code: str | None = None,
        api_message: str | None = None,
    ) -> None:
        super().__init__(
            message, status_code=status_code, error_code=error_code, api_message=api_message
        )
        self.retry_after = retry_after


class ServerError(ApiError):
    """HTTP 5xx from the API or its gateway."""

    retryable = True


class TransportError(WebinarInsightsError):
    """The request got no usable answer: the connection failed, dropped or timed out."""

    retryable = True


class BadResponseError(WebinarInsightsError):
    """The API answered 2xx with a body that is not what it specifies (not JSON, wrong shape)."""

    retryable = True


class PagingError(WebinarInsightsError):
    """The API's paging cannot be followed safely (for example a page token that repeats)."""


class BadDataError(WebinarInsightsError):
    """A record holds a value that cannot be used; the message names the record id and field."""


class StoreError(WebinarInsightsError):
    """The local store is locked by another writer, or a file in it is unreadable."""


class SyncInterrupted(WebinarInsightsError):
    """The user interrupted a sync (Ctrl-C). Every unit finished before it is stored, so running
    the same sync again resumes; ``done`` and ``total`` count the units of work (listings and
    per-session fetches) known when it stopped."""

    def __init__(self, *, done: int, total: int) -> None:
        super().__init__(
            f"interrupted after {done:,} of {total:,} steps (session listings and "
            "per-session fetches); run the same command to resume"
        )
        self.done = done
        self.total = total


class DataWarning(UserWarning):
    """Data was kept but something in it was odd (an unknown enum value, a leave before a join)."""
