"""The platform's error answers, in the three shapes it sends them.

* Webinar API errors: ``{"errors": [{"errorCode", "message", ...}]}`` (``api_error`` and the
  parameter helpers ``invalid``, ``missing``, ``not_found``).
* API gateway errors (authorization, rate limits, upstream failures): a top-level
  ``errorCode`` and ``message`` as well as ``errors[]`` (``gateway_error``, ``rate_limited``).
* OAuth errors: RFC 6749's ``error`` and ``error_description`` as well as ``errors[]``
  (``oauth_error``), always 400.

Each is raised as an ``HttpError``, which ``Simulator.handle`` turns into the JSON answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._limits import format_seconds

FORBIDDEN_COMPANY = (
    "In order to call this API endpoint, user needs to have [WebinarSettings] permission "
    "for requested resource."
)


class HttpError(Exception):
    def __init__(self, status: int, body: dict[str, Any], headers: Sequence[tuple[str, str]] = ()):
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = list(headers)


def api_error(status: int, code: str, message: str, **extra: str) -> HttpError:
    return HttpError(status, {"errors": [{"errorCode": code, "message": message, **extra}]})


def gateway_error(status: int, code: str, message: str) -> HttpError:
    body = {
        "errorCode": code,
        "message": message,
        "errors": [{"errorCode": code, "message": message}],
    }
    return HttpError(status, body)


def oauth_error(error: str, code: str, description: str) -> HttpError:
    body = {
        "error": error,
        "error_description": description,
        "errors": [{"errorCode": code, "message": description}],
    }
    return HttpError(400, body)


def invalid(name: str, value: str, why: str = "is invalid") -> HttpError:
    return api_error(
        400, "CMN-101", f"Parameter [{name}] value {why}", parameterName=name, parameterValue=value
    )


def missing(name: str) -> HttpError:
    return api_error(400, "CMN-100", f"Parameter [{name}] is required", parameterName=name)


def not_found(name: str) -> HttpError:
    return api_error(404, "CMN-102", f"Resource for parameter [{name}] is not found")


def rate_limited(retry_after: float, headers: list[tuple[str, str]]) -> HttpError:
    error = gateway_error(429, "CMN-301", "Request rate exceeded")
    error.headers = [*headers, ("Retry-After", format_seconds(retry_after))]
    return error
