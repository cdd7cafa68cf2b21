"""Map an HTTP error answer to the library's error tree.

RingCentral sends three shapes: the Webinar API's ``{"errors": [{"errorCode", "message"}]}``,
the gateway's top-level ``errorCode``/``message`` (429 CMN-301, 401), and OAuth's
``error``/``error_description``. All carry an ``errorCode`` somewhere; branch on it, not on text.
"""

from __future__ import annotations

import email.utils
import json
import math
from datetime import UTC, datetime
from typing import Any

import httpx

from ..errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
)

DEFAULT_RETRY_AFTER = 60.0  # RingCentral's default penalty: one 60 s window
MAX_RETRY_AFTER = 900.0  # a longer Retry-After is taken as this (never an endless sleep)
HINTS = {
    401: "the access token was refused; check RC_APP_CLIENT_ID, RC_APP_CLIENT_SECRET and RC_USER_JWT",
    403: "the user or app lacks a permission for this call",
    404: "it does not exist or this user cannot see it",
    429: "the rate limit was exceeded",
}
COMPANY_HINT = (
    "company-wide endpoints need the user permission WebinarSettings "
    "(an admin grants it in the RingCentral admin portal), or sync the user's own webinars "
    "only (--own on the command line, company=False in Python)"
)


def error_details(response: httpx.Response) -> tuple[str | None, str | None]:
    """``(errorCode, message)`` from any of the three error shapes, if the body has them."""
    try:
        body: Any = json.loads(response.content)
    except ValueError:
        return None, None
    if not isinstance(body, dict):
        return None, None
    code, message = body.get("errorCode"), body.get("message")
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        code = code or errors[0].get("errorCode")
        message = message or errors[0].get("message")
    if "error" in body:
        code = code or body.get("error")
        message = body.get("error_description") or message
    return (str(code) if code else None), (str(message) if message else None)


def retry_after(response: httpx.Response, *, default: float = DEFAULT_RETRY_AFTER) -> float:
    """Seconds to wait: the answer's ``Retry-After`` (seconds or an HTTP date), else
    ``default``; never more than ``MAX_RETRY_AFTER``, so one odd header cannot hang a sync."""
    value = response.headers.get("Retry-After")
    if value is None:
        return default
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return default
        if when.tzinfo is None:
            return default
        seconds = (when - datetime.now(UTC)).total_seconds()
    if not math.isfinite(seconds):
        return default
    return min(MAX_RETRY_AFTER, max(0.0, seconds))


def error_for(response: httpx.Response, *, what: str) -> ApiError:
    """The error to raise for an error ``response`` to the call described by ``what``."""
    status = response.status_code
    code, api_message = error_details(response)
    detail = f" [{code}: {api_message}]" if code or api_message else ""
    if status == 429:
        wait = retry_after(response)
        return RateLimitedError(
            f"{what}: rate limited; retry after {wait:g} s{detail}",
            retry_after=wait,
            error_code=code,
            api_message=api_message,
        )
    hint = HINTS.get(status, "")
    if status == 403 and "/company/" in response.request.url.path:
        hint = COMPANY_HINT
    message = f"{what}: HTTP {status}{detail}" + (f"; {hint}" if hint else "")
    kind: type[ApiError]
    if status == 401:
        kind = AuthenticationError
    elif status == 403:
        kind = PermissionDeniedError
    elif status == 404:
        kind = NotFoundError
    elif status >= 500:
        kind = ServerError
    else:
        kind = BadRequestError
    return kind(message, status_code=status, error_code=code, api_message=api_message)
