"""Routing a request to its operation, and what an operation reads from it: the caller, the
path and query parameters (checked as the platform checks them) and the page it asks for.

Page tokens are opaque to clients: an offset and a fingerprint of the query, so that a token
used with another query is refused as the platform refuses it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..openapi import path_pattern
from ._config import SimRequest
from ._errors import FORBIDDEN_COMPANY, api_error, invalid, missing, not_found
from ._program import Program, SessionPlan

if TYPE_CHECKING:
    from ._platform import Simulator


@dataclass(frozen=True, slots=True)
class Caller:
    client_id: str
    user: int  # host index


@dataclass(slots=True)
class Ctx:
    """One API request as an operation sees it."""

    sim: Simulator
    caller: Caller
    now: datetime
    params: dict[str, str]
    query: dict[str, list[str]]

    @property
    def program(self) -> Program:
        return self.sim.program

    def one(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def time(self, name: str, *, required: bool) -> datetime | None:
        value = self.one(name)
        if value is None or value == "":
            if required:
                raise missing(name)
            return None
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise invalid(name, value) from None
        if parsed.tzinfo is None:
            raise invalid(name, value, "has no time zone offset")
        return parsed.astimezone(UTC)

    def enums(self, name: str, allowed: Sequence[str], *, comma: bool = False) -> set[str] | None:
        values = self.query.get(name)
        if not values:
            return None
        if comma:
            values = [v for value in values for v in value.split(",")]
        for value in values:
            if value not in allowed:
                raise invalid(name, value)
        return set(values)

    def host_ids(self) -> set[str] | None:
        values = self.query.get("hostUserId")
        if not values:
            return None
        ids = [v for value in values for v in value.split(",") if v]
        if len(ids) > 10:
            raise invalid("hostUserId", ",".join(ids), "has more than 10 items")
        return set(ids)

    def boolean(self, name: str) -> bool:
        value = self.one(name)
        if value is None:
            return False
        if value not in ("true", "false"):
            raise invalid(name, value)
        return value == "true"

    def session(self) -> SessionPlan:
        session = self.sim.session(self.params["sessionId"])
        if session is None:
            raise not_found("sessionId")
        if "webinarId" in self.params:
            webinar = self.program.webinar_of(session)
            if webinar.webinar_id != self.params["webinarId"]:
                raise not_found("sessionId")
        self.require_access(session)
        return session

    def require_access(self, session: SessionPlan) -> None:
        host = self.program.webinar_of(session).host
        if host.index != self.caller.user and not self.sim.config.webinar_settings_permission:
            raise api_error(403, "CMN-419", "The user is not a host or co-host of this session")

    def require_admin(self) -> None:
        if not self.sim.config.webinar_settings_permission:
            raise api_error(403, "CMN-408", FORBIDDEN_COMPANY)

    def page(
        self,
        items: Sequence[Any],
        to_record: Callable[[Any], dict[str, Any]],
        *,
        backward: bool = True,
        shown: Callable[[Sequence[Any]], None] | None = None,
    ) -> dict[str, Any]:
        """One page of ``items`` with the spec's paging object (opaque tokens, no totals).

        ``shown`` is told the items of the page once its records are made.
        """
        per_page_raw = self.one("perPage")
        per_page = 100
        if per_page_raw is not None:
            try:
                per_page = int(per_page_raw)
            except ValueError:
                raise invalid("perPage", per_page_raw) from None
            if per_page < 1:
                raise invalid("perPage", per_page_raw, "must be at least 1")
            per_page = min(per_page, 1000)
        fingerprint = self._fingerprint()
        token = self.one("pageToken")
        offset = 0
        if token:
            offset = decode_token(token, fingerprint)
        chosen = items[offset : offset + per_page]
        records = [to_record(item) for item in chosen]
        if shown is not None:
            shown(chosen)
        paging: dict[str, Any] = {
            "perPage": per_page,
            "pageToken": encode_token(offset, fingerprint),
        }
        if offset + per_page < len(items):
            paging["nextPageToken"] = encode_token(offset + per_page, fingerprint)
        if backward and offset > 0:
            paging["previousPageToken"] = encode_token(max(0, offset - per_page), fingerprint)
        return {"records": records, "paging": paging}

    def _fingerprint(self) -> str:
        relevant = sorted(
            (k, v) for k, vs in self.query.items() if k not in ("pageToken", "perPage") for v in vs
        )
        text = json.dumps([self.params, relevant], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:10]


def encode_token(offset: int, fingerprint: str) -> str:
    return base64.urlsafe_b64encode(f"{offset}:{fingerprint}".encode()).decode().rstrip("=")


def decode_token(token: str, fingerprint: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        offset_text, token_fingerprint = raw.split(":")
        offset = int(offset_text)
    except (ValueError, UnicodeDecodeError):
        raise invalid("pageToken", token) from None
    if token_fingerprint != fingerprint or offset < 0:
        raise invalid("pageToken", token, "does not belong to this query")
    return offset


Handler = Callable[[Ctx], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    operation_id: str
    handler: Handler

    @classmethod
    def of(cls, method: str, path: str, operation_id: str, handler: Handler) -> Route:
        """The route of ``path``, whose ``{name}`` segments become path parameters."""
        return cls(method, path_pattern(path), operation_id, handler)


def match(routes: Sequence[Route], request: SimRequest) -> tuple[Route, dict[str, str]]:
    """The first route of ``routes`` serving the request, and its path parameters."""
    path_known = False
    for route in routes:
        found = route.pattern.match(request.path)
        if found:
            path_known = True
            if route.method == request.method:
                return route, found.groupdict()
    if path_known:
        raise api_error(405, "CMN-405", f"The simulator does not serve {request.method} here")
    raise api_error(404, "CMN-102", f"Resource not found: {request.path}")
