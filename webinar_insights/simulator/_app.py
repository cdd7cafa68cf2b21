"""The simulated RingCentral platform: OAuth, the Webinar API operations, limits and faults.

``Simulator.handle`` takes a plain request and returns a plain response; the in-process httpx
transport and the loopback HTTP server are thin adapters around it.
"""

from __future__ import annotations

import base64
import bisect
import email.utils
import hashlib
import json
import random
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, get_args
from urllib.parse import parse_qsl

from . import _render as render
from ._limits import SlidingWindowLimiter, format_seconds

if TYPE_CHECKING:
    from ._transport import SimulatorTransport
from ._program import (
    SECOND,
    Host,
    NeverRanSession,
    Participant,
    Program,
    ProgramConfig,
    SessionPlan,
    Webinar,
)

FaultKind = Literal[
    "latency",
    "http500",
    "http502",
    "http503",
    "http504",
    "http429",
    "http429-no-retry-after",
    "drop",
    "timeout",
    "truncate",
    "html",
    "empty",
]
FAULT_KINDS: tuple[FaultKind, ...] = get_args(FaultKind)
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
STATS_PATH = "/__simulator__/stats"
DEMO_CLIENT_ID = "demo-client-id"
DEMO_CLIENT_SECRET = "demo-client-secret"
DEMO_JWT = "demo-jwt"


@dataclass(frozen=True, slots=True)
class SimulatorConfig:
    """Options of the simulated platform (all have demo-friendly defaults).

    ``now`` fixes the clock (reproducible output); without it the clock is real time and the
    program is planned around the moment the simulator started. ``rate_limit_window`` applies to
    both the Heavy (webinar) and Auth (token) groups.

    Harsher platform behaviour, all off by default (the default answers do not change); which
    sessions they touch is a stable hash of (seed, session id), never the program's stream:

    ``delete_after_listing``
        Share (0..1) of the sessions listed as Scheduled by a history listing that their host
        deletes right after that answer: from then on they are absent from every listing and
        every per-session operation answers 404 (``CMN-102``).
    ``host_only_participants``
        The participants listing is a host interface: 403 (``CMN-419``) for sessions of
        webinars the caller does not host, even with the WebinarSettings permission.
    ``never_ran_share``
        Share (0..1) of sessions the host never started: they stay Scheduled at every clock,
        with their planned times, no participants and no recording (registrants remain).
    ``max_oauth_sessions``
        OAuth sessions kept per (user, app); a new JWT exchange beyond it evicts the oldest,
        whose tokens then answer 401 (access) and ``invalid_grant`` (refresh).
    """

    seed: int = 42
    scale: int = 200
    now: datetime | None = None
    max_sessions_per_webinar: int = 1
    client_id: str = DEMO_CLIENT_ID
    client_secret: str = DEMO_CLIENT_SECRET
    jwt: str = DEMO_JWT
    access_token_ttl: int | None = None  # None: honour the request's access_token_ttl (600-3600)
    refresh_token_ttl: int = 604_800
    issue_refresh_tokens: bool = True
    webinar_settings_permission: bool = True
    rate_limit_window: float = 60.0
    heavy_limit: int = 10
    auth_limit: int = 5
    fault_rate: float = 0.0
    fault_kinds: tuple[FaultKind, ...] = FAULT_KINDS
    fault_seed: int = 0
    latency: float = 0.3
    hang: float = 5.0
    delete_after_listing: float = 0.0
    host_only_participants: bool = False
    never_ran_share: float = 0.0
    max_oauth_sessions: int = 5

    def __post_init__(self) -> None:
        for name in ("delete_after_listing", "never_ran_share"):
            share = getattr(self, name)
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"{name} must be a share between 0 and 1, not {share!r}")
        if self.max_oauth_sessions < 1:
            raise ValueError(
                f"max_oauth_sessions must be at least 1, not {self.max_oauth_sessions!r}"
            )


@dataclass(frozen=True, slots=True)
class SimRequest:
    method: str
    path: str
    query: Sequence[tuple[str, str]] = ()
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""


@dataclass(slots=True)
class SimResponse:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    delay: float = 0.0  # seconds to wait before answering
    drop: bool = False  # close the connection without answering
    hang: bool = False  # wait ``delay`` and then drop: a client read timeout


class _HttpError(Exception):
    def __init__(self, status: int, body: dict[str, Any], headers: Sequence[tuple[str, str]] = ()):
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = list(headers)


def _api_error(status: int, code: str, message: str, **extra: str) -> _HttpError:
    return _HttpError(status, {"errors": [{"errorCode": code, "message": message, **extra}]})


def _gateway_error(status: int, code: str, message: str) -> _HttpError:
    # The API gateway's shape: a top-level errorCode as well as errors[].
    body = {
        "errorCode": code,
        "message": message,
        "errors": [{"errorCode": code, "message": message}],
    }
    return _HttpError(status, body)


def _oauth_error(error: str, code: str, description: str) -> _HttpError:
    body = {
        "error": error,
        "error_description": description,
        "errors": [{"errorCode": code, "message": description}],
    }
    return _HttpError(400, body)


def _invalid(name: str, value: str, why: str = "is invalid") -> _HttpError:
    return _api_error(
        400, "CMN-101", f"Parameter [{name}] value {why}", parameterName=name, parameterValue=value
    )


def _missing(name: str) -> _HttpError:
    return _api_error(400, "CMN-100", f"Parameter [{name}] is required", parameterName=name)


def _not_found(name: str) -> _HttpError:
    return _api_error(404, "CMN-102", f"Resource for parameter [{name}] is not found")


FORBIDDEN_COMPANY = (
    "In order to call this API endpoint, user needs to have [WebinarSettings] permission "
    "for requested resource."
)


@dataclass(slots=True)
class _OAuthSession:
    client_id: str
    user: int
    access_token: str
    access_expires: float
    refresh_token: str | None
    refresh_expires: float


@dataclass(frozen=True, slots=True)
class _Caller:
    client_id: str
    user: int  # host index


@dataclass(slots=True)
class _Ctx:
    sim: Simulator
    caller: _Caller
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
                raise _missing(name)
            return None
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise _invalid(name, value) from None
        if parsed.tzinfo is None:
            raise _invalid(name, value, "has no time zone offset")
        return parsed.astimezone(UTC)

    def enums(self, name: str, allowed: Sequence[str], *, comma: bool = False) -> set[str] | None:
        values = self.query.get(name)
        if not values:
            return None
        if comma:
            values = [v for value in values for v in value.split(",")]
        for value in values:
            if value not in allowed:
                raise _invalid(name, value)
        return set(values)

    def host_ids(self) -> set[str] | None:
        values = self.query.get("hostUserId")
        if not values:
            return None
        ids = [v for value in values for v in value.split(",") if v]
        if len(ids) > 10:
            raise _invalid("hostUserId", ",".join(ids), "has more than 10 items")
        return set(ids)

    def boolean(self, name: str) -> bool:
        value = self.one(name)
        if value is None:
            return False
        if value not in ("true", "false"):
            raise _invalid(name, value)
        return value == "true"

    def session(self) -> SessionPlan:
        session = self.sim.session(self.params["sessionId"])
        if session is None:
            raise _not_found("sessionId")
        if "webinarId" in self.params:
            webinar = self.program.webinar_of(session)
            if webinar.webinar_id != self.params["webinarId"]:
                raise _not_found("sessionId")
        self.require_access(session)
        return session

    def require_access(self, session: SessionPlan) -> None:
        host = self.program.webinar_of(session).host
        if host.index != self.caller.user and not self.sim.config.webinar_settings_permission:
            raise _api_error(403, "CMN-419", "The user is not a host or co-host of this session")

    def require_admin(self) -> None:
        if not self.sim.config.webinar_settings_permission:
            raise _api_error(403, "CMN-408", FORBIDDEN_COMPANY)

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
                raise _invalid("perPage", per_page_raw) from None
            if per_page < 1:
                raise _invalid("perPage", per_page_raw, "must be at least 1")
            per_page = min(per_page, 1000)
        fingerprint = self._fingerprint()
        token = self.one("pageToken")
        offset = 0
        if token:
            offset = _decode_token(token, fingerprint)
        chosen = items[offset : offset + per_page]
        records = [to_record(item) for item in chosen]
        if shown is not None:
            shown(chosen)
        paging: dict[str, Any] = {
            "perPage": per_page,
            "pageToken": _encode_token(offset, fingerprint),
        }
        if offset + per_page < len(items):
            paging["nextPageToken"] = _encode_token(offset + per_page, fingerprint)
        if backward and offset > 0:
            paging["previousPageToken"] = _encode_token(max(0, offset - per_page), fingerprint)
        return {"records": records, "paging": paging}

    def _fingerprint(self) -> str:
        relevant = sorted(
            (k, v) for k, vs in self.query.items() if k not in ("pageToken", "perPage") for v in vs
        )
        text = json.dumps([self.params, relevant], sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:10]


def _encode_token(offset: int, fingerprint: str) -> str:
    return base64.urlsafe_b64encode(f"{offset}:{fingerprint}".encode()).decode().rstrip("=")


def _decode_token(token: str, fingerprint: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        offset_text, token_fingerprint = raw.split(":")
        offset = int(offset_text)
    except (ValueError, UnicodeDecodeError):
        raise _invalid("pageToken", token) from None
    if token_fingerprint != fingerprint or offset < 0:
        raise _invalid("pageToken", token, "does not belong to this query")
    return offset


Handler = Callable[[_Ctx], dict[str, Any]]
# The history index at one clock: (now, the deletions it reflects, endTimes, sessions).
_IndexCache = tuple[datetime, frozenset[str], list[datetime], list[SessionPlan]]


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    operation_id: str
    handler: Handler


_ROUTES: list[Route] = []


def _route(method: str, path: str, operation_id: str) -> Callable[[Handler], Handler]:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)

    def register(handler: Handler) -> Handler:
        _ROUTES.append(Route(method, re.compile(f"^{regex}$"), operation_id, handler))
        return handler

    return register


def operation_ids() -> list[str]:
    """The spec operation ids the simulator serves."""
    return [route.operation_id for route in _ROUTES]


class Simulator:
    """The simulated platform. Thread-safe: the loopback server calls it from many threads.

    >>> sim = Simulator(SimulatorConfig(scale=20, now=datetime(2026, 11, 1, tzinfo=UTC)))
    >>> sim.handle(SimRequest("GET", "/webinar/history/v1/sessions")).status
    401
    """

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()
        self._started_at = datetime.now(UTC).replace(second=0, microsecond=0)
        self._clock_offset = timedelta(0)
        self._program: Program | None = None
        self._program_lock = threading.Lock()
        self._lock = threading.Lock()
        self._oauth: list[_OAuthSession] = []
        window = self.config.rate_limit_window
        self._heavy = SlidingWindowLimiter(limit=self.config.heavy_limit, window=window)
        self._auth = SlidingWindowLimiter(limit=self.config.auth_limit, window=window)
        self._faults = random.Random(self.config.fault_seed)
        self._counts: Counter[str] = Counter()
        self._fault_counts: Counter[str] = Counter()
        self._requests_total = 0
        self._rate_limited = 0
        self._index_cache: _IndexCache | None = None
        self._deleted: frozenset[str] = frozenset()  # replaced whole under the lock
        self._views: list[SessionPlan] | None = None
        self._views_by_id: dict[str, SessionPlan] = {}

    # -- clock and data ---------------------------------------------------------------------
    def now(self) -> datetime:
        base = self.config.now.astimezone(UTC) if self.config.now else datetime.now(UTC)
        return base + self._clock_offset

    def http_date(self) -> str:
        """The simulated clock as an HTTP ``Date`` header: clients read the server's time
        from it (the platform sends one with every answer)."""
        return email.utils.format_datetime(self.now(), usegmt=True)

    def advance(self, delta: timedelta) -> None:
        """Move the simulated clock forward (sessions start, finish, recordings get ready)."""
        with self._lock:
            self._clock_offset += delta

    @property
    def program(self) -> Program:
        if self._program is None:
            with self._program_lock:
                if self._program is None:
                    anchor = self.config.now or self._started_at
                    self._program = Program(
                        ProgramConfig(
                            seed=self.config.seed,
                            scale=self.config.scale,
                            anchor=anchor.astimezone(UTC),
                            max_sessions_per_webinar=self.config.max_sessions_per_webinar,
                        )
                    )
        return self._program

    # -- sessions as the API shows them ---------------------------------------------------------
    def sessions(self) -> list[SessionPlan]:
        """Every session not deleted, in program order, as the API shows it: those that never
        ran as ``NeverRanSession`` views (the program's own plans are unchanged)."""
        deleted = self._deleted
        return [s for s in self._all_views() if s.session_id not in deleted]

    def session(self, session_id: str) -> SessionPlan | None:
        """The session as the API shows it, or None when unknown or deleted."""
        plan = self.program.sessions_by_id.get(session_id)
        if plan is None or session_id in self._deleted:
            return None
        self._all_views()
        return self._views_by_id.get(session_id, plan)

    def never_ran(self, session: SessionPlan) -> bool:
        """Whether the host never starts ``session`` (``never_ran_share``): it stays Scheduled."""
        return _picked(self.config, session.session_id, "never-ran", self.config.never_ran_share)

    def _all_views(self) -> list[SessionPlan]:
        if self._views is None:
            program = self.program
            with self._program_lock:
                if self._views is None:
                    views = []
                    for plan in program.sessions:
                        if self.never_ran(plan):
                            plan = NeverRanSession.of(plan)
                            self._views_by_id[plan.session_id] = plan
                        views.append(plan)
                    self._views = views
        return self._views

    def delete_session(self, session_id: str) -> None:
        """Delete one session now, as its host would: from then on it is in no listing and
        every operation on it answers 404. Deleting a deleted session does nothing."""
        if session_id not in self.program.sessions_by_id:
            raise KeyError(f"no session {session_id!r} in the program")
        with self._lock:
            self._deleted = self._deleted | {session_id}

    @property
    def deleted_session_ids(self) -> frozenset[str]:
        """The sessions deleted so far (by ``delete_session`` or ``delete_after_listing``)."""
        return self._deleted

    def _listed(self, sessions: Sequence[SessionPlan], now: datetime) -> None:
        """A history listing showed ``sessions``: the host deletes some of the Scheduled ones."""
        share = self.config.delete_after_listing
        if share <= 0:
            return
        doomed = {
            s.session_id
            for s in sessions
            if s.status(now) == "Scheduled"
            and _picked(self.config, s.session_id, "delete-after-listing", share)
        }
        if doomed:
            with self._lock:
                self._deleted = self._deleted | doomed

    @property
    def current_user(self) -> Host:
        """The user the demo JWT belongs to (the busiest host)."""
        return self.program.hosts[0]

    def transport(self) -> SimulatorTransport:
        """An httpx transport answering from this simulator in-process."""
        from ._transport import SimulatorTransport

        return SimulatorTransport(self)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests_total": self._requests_total,
                "requests": dict(self._counts),
                "rate_limited": self._rate_limited,
                "faults_injected": sum(self._fault_counts.values()),
                "faults": dict(self._fault_counts),
            }

    def reset_stats(self) -> None:
        with self._lock:
            self._counts.clear()
            self._fault_counts.clear()
            self._requests_total = 0
            self._rate_limited = 0

    # -- entry point --------------------------------------------------------------------------
    def handle(self, request: SimRequest) -> SimResponse:
        if request.path == STATS_PATH:
            return _json(200, self.stats())
        with self._lock:
            self._requests_total += 1
        try:
            if request.path == "/restapi/oauth/token":
                self._count("getToken")
                return self._token(request)
            if request.path == "/restapi/oauth/revoke":
                self._count("revokeToken")
                return self._revoke(request)
            return self._api(request)
        except _HttpError as error:
            return _json(error.status, error.body, error.headers)

    def _count(self, operation_id: str) -> None:
        with self._lock:
            self._counts[operation_id] += 1

    # -- OAuth --------------------------------------------------------------------------------
    def _oauth_door(self, request: SimRequest) -> tuple[str, list[tuple[str, str]]]:
        """What every OAuth endpoint checks first: POST only, the app's own credentials, and
        the Auth group's rate limit. Returns the app's client id and the limit headers."""
        if request.method != "POST":
            raise _api_error(405, "CMN-405", "Method not allowed")
        client_id = self._client_id(request)
        verdict = self._auth.check((client_id, "Auth"), time.monotonic())
        limit_headers = _limit_headers("Auth", verdict)
        if not verdict.allowed:
            self._note_rate_limited()
            raise _rate_limited(verdict.retry_after, limit_headers)
        return client_id, limit_headers

    def _token(self, request: SimRequest) -> SimResponse:
        client_id, limit_headers = self._oauth_door(request)
        form = dict(parse_qsl(request.body.decode("utf-8", "replace")))
        grant = form.get("grant_type")
        config = self.config
        if grant == JWT_GRANT:
            if not secrets.compare_digest(form.get("assertion", ""), config.jwt):
                raise _oauth_error("invalid_grant", "OAU-140", "Invalid or expired JWT assertion")
            session = self._new_session(client_id, form)
        elif grant == "refresh_token":
            session = self._refresh(client_id, form.get("refresh_token", ""), form)
        else:
            raise _oauth_error(
                "unsupported_grant_type", "OAU-250", f"Unsupported grant type: {grant or '(none)'}"
            )
        now = time.monotonic()
        body: dict[str, Any] = {
            "access_token": session.access_token,
            "token_type": "bearer",
            "expires_in": round(session.access_expires - now),
            "scope": "ReadWebinars EditWebinars",
            "owner_id": self.program.hosts[session.user].user_id,
            "endpoint_id": "sim-endpoint",
            "session_id": hashlib.sha256(session.access_token.encode()).hexdigest()[:16],
        }
        if session.refresh_token is not None:
            body["refresh_token"] = session.refresh_token
            body["refresh_token_expires_in"] = round(session.refresh_expires - now)
        return _json(200, body, limit_headers)

    def _client_id(self, request: SimRequest) -> str:
        header = request.headers.get("authorization", "")
        scheme, _, encoded = header.partition(" ")
        try:
            decoded = base64.b64decode(encoded, validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            decoded = ""
        client_id, sep, secret = decoded.partition(":")
        if scheme.lower() != "basic" or not sep:
            raise _oauth_error("invalid_client", "OAU-123", "Client authentication is required")
        ok_id = secrets.compare_digest(client_id, self.config.client_id)
        ok_secret = secrets.compare_digest(secret, self.config.client_secret)
        if not (ok_id and ok_secret):
            raise _oauth_error("invalid_client", "OAU-123", "Invalid client credentials")
        return client_id

    def _new_session(self, client_id: str, form: Mapping[str, str]) -> _OAuthSession:
        ttl = self._access_ttl(form)
        now = time.monotonic()
        refresh = secrets.token_urlsafe(24) if self.config.issue_refresh_tokens else None
        session = _OAuthSession(
            client_id=client_id,
            user=0,
            access_token=secrets.token_urlsafe(32),
            access_expires=now + ttl,
            refresh_token=refresh,
            refresh_expires=now + self.config.refresh_token_ttl,
        )
        with self._lock:
            self._oauth.append(session)
            mine = [s for s in self._oauth if (s.client_id, s.user) == (client_id, 0)]
            for old in mine[: -self.config.max_oauth_sessions]:  # the platform keeps about five
                self._oauth.remove(old)
        return session

    def _access_ttl(self, form: Mapping[str, str]) -> float:
        if self.config.access_token_ttl is not None:
            return self.config.access_token_ttl
        raw = form.get("access_token_ttl")
        if raw is None:
            return 3600
        try:
            ttl = int(raw)
        except ValueError:
            raise _oauth_error("invalid_request", "OAU-101", "Invalid access_token_ttl") from None
        return min(3600, max(600, ttl))

    def _refresh(self, client_id: str, token: str, form: Mapping[str, str]) -> _OAuthSession:
        now = time.monotonic()
        with self._lock:
            for session in self._oauth:
                if (
                    session.refresh_token is not None
                    and secrets.compare_digest(session.refresh_token, token)
                    and session.client_id == client_id
                ):
                    if session.refresh_expires <= now:
                        break
                    # Refresh tokens are single use; the old access token dies with them.
                    session.access_token = secrets.token_urlsafe(32)
                    session.access_expires = now + self._access_ttl(form)
                    session.refresh_token = secrets.token_urlsafe(24)
                    return session
        raise _oauth_error("invalid_grant", "OAU-211", "Refresh token has expired or was used")

    def _revoke(self, request: SimRequest) -> SimResponse:
        """RFC 7009 revocation: the token (access or refresh, in the form body or the ``token``
        query parameter) ends its whole OAuth session; an unknown token is no error."""
        client_id, limit_headers = self._oauth_door(request)
        token = dict(parse_qsl(request.body.decode("utf-8", "replace"))).get("token")
        if not token:
            token = dict(request.query).get("token")
        if not token:
            error = _oauth_error("invalid_request", "OAU-101", "Parameter [token] is required")
            error.headers = limit_headers
            raise error
        with self._lock:
            self._oauth = [
                s
                for s in self._oauth
                if s.client_id != client_id or token not in (s.access_token, s.refresh_token)
            ]
        return SimResponse(200, headers=limit_headers)

    def _caller(self, request: SimRequest) -> _Caller:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise _gateway_error(401, "AGW-401", "Authorization header is not specified")
        now = time.monotonic()
        with self._lock:
            for session in self._oauth:
                if secrets.compare_digest(session.access_token, token):
                    if session.access_expires <= now:
                        raise _gateway_error(401, "OAU-213", "Token expired")
                    return _Caller(session.client_id, session.user)
        raise _gateway_error(401, "OAU-213", "Token not found")

    def _note_rate_limited(self) -> None:
        with self._lock:
            self._rate_limited += 1

    # -- Webinar API --------------------------------------------------------------------------
    def _api(self, request: SimRequest) -> SimResponse:
        route, params = _match(request)
        self._count(route.operation_id)
        caller = self._caller(request)
        verdict = self._heavy.check((caller.client_id, str(caller.user), "Heavy"), time.monotonic())
        limit_headers = _limit_headers("Heavy", verdict)
        if not verdict.allowed:
            self._note_rate_limited()
            raise _rate_limited(verdict.retry_after, limit_headers)
        fault = self._pick_fault()
        if fault is not None:
            early = self._early_fault(fault, limit_headers)
            if early is not None:
                return early
        query: dict[str, list[str]] = {}
        for key, value in request.query:
            query.setdefault(key, []).append(value)
        ctx = _Ctx(self, caller, self.now(), params, query)
        try:
            body = route.handler(ctx)
        except _HttpError as error:
            error.headers.extend(limit_headers)
            raise
        response = _json(200, body, limit_headers)
        if fault is not None:
            self._late_fault(fault, response)
        return response

    def _pick_fault(self) -> FaultKind | None:
        config = self.config
        if config.fault_rate <= 0 or not config.fault_kinds:
            return None
        with self._lock:
            if self._faults.random() >= config.fault_rate:
                return None
            kind = self._faults.choice(config.fault_kinds)
            self._fault_counts[kind] += 1
        return kind

    def _early_fault(self, kind: FaultKind, headers: list[tuple[str, str]]) -> SimResponse | None:
        """Faults that replace the answer; None for those that alter a real answer."""
        if kind in ("http500", "http503"):
            code = "CMN-500" if kind == "http500" else "CMN-503"
            error = _api_error(int(kind[4:]), code, "Internal error, please try again later")
            return _json(error.status, error.body, headers)
        if kind in ("http502", "http504"):
            error = _gateway_error(
                int(kind[4:]), "AGW-" + kind[4:], "Bad gateway or upstream timeout"
            )
            return _json(error.status, error.body, headers)
        if kind in ("http429", "http429-no-retry-after"):
            error = _rate_limited(self.config.rate_limit_window, headers)
            if kind == "http429-no-retry-after":
                error.headers = [h for h in error.headers if h[0] != "Retry-After"]
            return _json(error.status, error.body, error.headers)
        if kind == "drop":
            return SimResponse(0, drop=True)
        if kind == "timeout":
            return SimResponse(0, delay=self.config.hang, hang=True)
        if kind == "html":
            page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
            return SimResponse(200, page, [("Content-Type", "text/html"), *headers])
        if kind == "empty":
            return SimResponse(200, b"", [("Content-Type", "application/json"), *headers])
        return None

    def _late_fault(self, kind: FaultKind, response: SimResponse) -> None:
        if kind == "latency":
            response.delay = self.config.latency
        elif kind == "truncate":
            response.body = response.body[: max(1, len(response.body) // 2)]

    # -- indexes ------------------------------------------------------------------------------
    def history_index(self, now: datetime) -> tuple[list[datetime], list[SessionPlan]]:
        """Sessions (not deleted) sorted by the ``endTime`` the history API shows at ``now``."""
        deleted = self._deleted
        cache = self._index_cache
        if cache is not None and cache[0] == now:
            if cache[1] == deleted:
                return cache[2], cache[3]
            # Deletions since: drop them, the order of the others stands.
            kept = [i for i, s in enumerate(cache[3]) if s.session_id not in deleted]
            ends, sessions = [cache[2][i] for i in kept], [cache[3][i] for i in kept]
        else:
            pairs = sorted(
                ((s.listed_end_time(now), s.index, s) for s in self.sessions()),
                key=lambda t: (t[0], t[1]),
            )
            ends = [p[0] for p in pairs]
            sessions = [p[2] for p in pairs]
        self._index_cache = (now, deleted, ends, sessions)
        return ends, sessions


def _picked(config: SimulatorConfig, session_id: str, purpose: str, share: float) -> bool:
    """Whether ``session_id`` falls in ``share`` for ``purpose``: a stable hash of the seed, the
    session and the purpose, so the program's own random stream is never drawn from."""
    if share <= 0:
        return False
    if share >= 1:
        return True
    digest = hashlib.sha256(f"{config.seed}:{session_id}:{purpose}".encode()).digest()
    return int.from_bytes(digest[:8], "big") < share * 2**64


def _match(request: SimRequest) -> tuple[Route, dict[str, str]]:
    path_known = False
    for route in _ROUTES:
        found = route.pattern.match(request.path)
        if found:
            path_known = True
            if route.method == request.method:
                return route, found.groupdict()
    if path_known:
        raise _api_error(405, "CMN-405", f"The simulator does not serve {request.method} here")
    raise _api_error(404, "CMN-102", f"Resource not found: {request.path}")


def _limit_headers(group: str, verdict: Any) -> list[tuple[str, str]]:
    return [
        ("X-Rate-Limit-Group", group),
        ("X-Rate-Limit-Limit", str(verdict.limit)),
        ("X-Rate-Limit-Remaining", str(verdict.remaining)),
        ("X-Rate-Limit-Window", format_seconds(verdict.window)),
    ]


def _rate_limited(retry_after: float, headers: list[tuple[str, str]]) -> _HttpError:
    error = _gateway_error(429, "CMN-301", "Request rate exceeded")
    error.headers = [*headers, ("Retry-After", format_seconds(retry_after))]
    return error


def _json(status: int, body: Any, headers: Sequence[tuple[str, str]] = ()) -> SimResponse:
    payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    return SimResponse(status, payload, [("Content-Type", "application/json"), *headers])


# == operations ===============================================================================
HISTORY = "/webinar/history/v1"
CONFIG = "/webinar/configuration/v1"
REGISTRATION = "/webinar/registration/v1"
SESSION_STATUSES = ("Scheduled", "Active", "Finished")
ROLES = ("Panelist", "CoHost", "Host", "Attendee")
RECORDING_STATUSES = ("Processing", "Available", "Failed", "Purged")


def _history_sessions(ctx: _Ctx, *, company: bool) -> dict[str, Any]:
    start = ctx.time("endTimeFrom", required=True)
    end = ctx.time("endTimeTo", required=True)
    assert start is not None and end is not None
    statuses = ctx.enums("status", SESSION_STATUSES)
    name = (ctx.one("nameFragment") or "").lower() if not company else ""
    hosts = ctx.host_ids() if company else None
    if company:
        ctx.require_admin()
    ends, ordered = ctx.sim.history_index(ctx.now)
    window = ordered[bisect.bisect_left(ends, start) : bisect.bisect_right(ends, end)]
    program, now, me = ctx.program, ctx.now, ctx.caller.user
    chosen = []
    for session in reversed(window):  # endTime descending
        host = program.webinar_of(session).host
        if not company and host.index != me:
            continue
        if hosts is not None and host.user_id not in hosts:
            continue
        if statuses is not None and session.status(now) not in statuses:
            continue
        if name and name not in f"{session.title} {program.webinar_of(session).title}".lower():
            continue
        chosen.append(session)
    return ctx.page(
        chosen,
        lambda s: render.history_session(program, s, now, list_item=True),
        shown=lambda page: ctx.sim._listed(page, now),
    )


@_route("GET", HISTORY + "/sessions", "rcwHistoryListAllSessions")
def _list_history_sessions(ctx: _Ctx) -> dict[str, Any]:
    return _history_sessions(ctx, company=False)


@_route("GET", HISTORY + "/company/sessions", "rcwHistoryListAllCompanySessions")
def _list_history_company_sessions(ctx: _Ctx) -> dict[str, Any]:
    return _history_sessions(ctx, company=True)


def _webinar(ctx: _Ctx) -> Webinar:
    webinar = ctx.program.webinars_by_id.get(ctx.params["webinarId"])
    if webinar is None:
        raise _not_found("webinarId")
    if webinar.host.index != ctx.caller.user and not ctx.sim.config.webinar_settings_permission:
        raise _api_error(403, "CMN-419", "The user is not the host of this webinar")
    return webinar


@_route("GET", HISTORY + "/webinars/{webinarId}", "rcwHistoryGetWebinar")
def _get_history_webinar(ctx: _Ctx) -> dict[str, Any]:
    return render.history_webinar(ctx.program, _webinar(ctx), ctx.now)


@_route("GET", HISTORY + "/webinars/{webinarId}/sessions/{sessionId}", "rcwHistoryGetSession")
def _get_history_session(ctx: _Ctx) -> dict[str, Any]:
    return render.history_session(ctx.program, ctx.session(), ctx.now, list_item=False)


def _role_filter(ctx: _Ctx, people: list[Participant]) -> list[Participant]:
    roles = ctx.enums("role", ROLES)
    original = ctx.enums("originalRole", ROLES)
    return [
        p
        for p in people
        if (roles is None or p.role in roles) and (original is None or p.original_role in original)
    ]


@_route(
    "GET",
    HISTORY + "/webinars/{webinarId}/sessions/{sessionId}/participants",
    "rcwHistoryListParticipants",
)
def _list_participants(ctx: _Ctx) -> dict[str, Any]:
    session = ctx.session()
    host = ctx.program.webinar_of(session).host
    if ctx.sim.config.host_only_participants and host.index != ctx.caller.user:
        raise _api_error(403, "CMN-419", "The user is not a host or co-host of this session")
    people = _role_filter(ctx, render.visible_participants(ctx.program, session, ctx.now))
    return ctx.page(people, lambda p: render.participant(ctx.program, session, p, ctx.now))


@_route(
    "GET",
    HISTORY + "/webinars/{webinarId}/sessions/{sessionId}/participants/self",
    "rcwHistoryGetParticipantInfo",
)
def _get_participant_self(ctx: _Ctx) -> dict[str, Any]:
    session = ctx.session()
    me = ctx.program.hosts[ctx.caller.user].user_id
    for p in render.visible_participants(ctx.program, session, ctx.now):
        if p.user_id == me:
            return render.participant_self(ctx.program, session, p)
    raise _api_error(404, "CMN-102", "The caller did not participate in this session")


@_route(
    "GET",
    HISTORY + "/webinars/{webinarId}/sessions/{sessionId}/invitees",
    "rcwHistoryListInvitees",
)
def _list_history_invitees(ctx: _Ctx) -> dict[str, Any]:
    session = ctx.session()
    people = _role_filter(ctx, render.panel(ctx.program, session))
    return ctx.page(people, lambda p: render.history_invitee(ctx.program, session, p, ctx.now))


def _invitee(ctx: _Ctx, session: SessionPlan) -> Participant:
    for p in render.panel(ctx.program, session):
        if render.invitee_id(session, p) == ctx.params["inviteeId"]:
            return p
    raise _not_found("inviteeId")


@_route(
    "GET",
    HISTORY + "/webinars/{webinarId}/sessions/{sessionId}/invitees/{inviteeId}",
    "rcwHistoryGetInvitee",
)
def _get_history_invitee(ctx: _Ctx) -> dict[str, Any]:
    session = ctx.session()
    return render.history_invitee(ctx.program, session, _invitee(ctx, session), ctx.now)


def _recordings(ctx: _Ctx, *, company: bool) -> list[SessionPlan]:
    start = ctx.time("creationTimeFrom", required=True)
    end = ctx.time("creationTimeTo", required=True)
    assert start is not None and end is not None
    statuses = ctx.enums("status", RECORDING_STATUSES)
    hosts = ctx.host_ids() if company else None
    name = (ctx.one("nameFragment") or "").lower() if company else ""
    if company:
        ctx.require_admin()
    chosen = []
    program, now = ctx.program, ctx.now
    for session in ctx.sim.sessions():
        state = render.recording_state(session, now)
        if state is None:
            continue
        host = program.webinar_of(session).host
        if not company and host.index != ctx.caller.user:
            continue
        created = session.end_time + 60 * SECOND
        if not start <= created <= end:
            continue
        if statuses is not None and state not in statuses:
            continue
        if hosts is not None and host.user_id not in hosts:
            continue
        if name and name not in f"{session.title} {program.webinar_of(session).title}".lower():
            continue
        chosen.append(session)
    chosen.sort(key=lambda s: (s.end_time, s.index), reverse=True)
    return chosen


def _recording_item(ctx: _Ctx, session: SessionPlan, *, extended: bool) -> dict[str, Any]:
    record = render.recording_item(ctx.program, session, ctx.now, extended=extended)
    assert record is not None
    return record


@_route("GET", HISTORY + "/recordings", "rcwHistoryListRecordings")
def _list_recordings(ctx: _Ctx) -> dict[str, Any]:
    chosen = _recordings(ctx, company=False)
    return ctx.page(chosen, lambda s: _recording_item(ctx, s, extended=False))


@_route("GET", HISTORY + "/company/recordings", "rcwHistoryAdminListRecordings")
def _list_company_recordings(ctx: _Ctx) -> dict[str, Any]:
    chosen = _recordings(ctx, company=True)
    return ctx.page(chosen, lambda s: _recording_item(ctx, s, extended=False))


def _recorded(ctx: _Ctx) -> SessionPlan:
    """The session of the path's recording, which must exist at ``ctx.now``."""
    plan = ctx.program.recording_ids.get(ctx.params["recordingId"])
    session = ctx.sim.session(plan.session_id) if plan is not None else None
    if session is None or render.recording_state(session, ctx.now) is None:
        raise _not_found("recordingId")
    return session


def _recording_session(ctx: _Ctx, *, company: bool) -> SessionPlan:
    if company:
        ctx.require_admin()
    session = _recorded(ctx)
    if not company and ctx.program.webinar_of(session).host.index != ctx.caller.user:
        raise _not_found("recordingId")
    return session


@_route("GET", HISTORY + "/recordings/{recordingId}", "rcwHistoryGetRecording")
def _get_recording(ctx: _Ctx) -> dict[str, Any]:
    return _recording_item(ctx, _recording_session(ctx, company=False), extended=True)


@_route("GET", HISTORY + "/company/recordings/{recordingId}", "rcwHistoryAdminGetRecording")
def _get_company_recording(ctx: _Ctx) -> dict[str, Any]:
    return _recording_item(ctx, _recording_session(ctx, company=True), extended=True)


@_route("GET", HISTORY + "/recordings/{recordingId}/download", "rcwHistoryGetRecordingDownload")
def _get_recording_download(ctx: _Ctx) -> dict[str, Any]:
    media = ctx.enums("recordingMediaType", ("Video", "Audio"))
    session = _recorded(ctx)
    state = render.recording_state(session, ctx.now)
    if state != "Available":
        raise _api_error(403, "CMN-403", f"The recording cannot be downloaded (status {state})")
    audio = media == {"Audio"}
    seconds = session.broadcast_length
    return {
        "downloadUri": f"https://media.ringcentral.com/webinar/recordings/{ctx.params['recordingId']}"
        + ("/audio.m4a" if audio else "/video.mp4"),
        "downloadContentType": "audio/m4a" if audio else "video/mp4",
        "downloadSize": seconds * (16_000 if audio else 250_000),
    }


# -- configuration --------------------------------------------------------------------------
@_route("GET", CONFIG + "/webinars", "rcwConfigListWebinars")
def _list_config_webinars(ctx: _Ctx) -> dict[str, Any]:
    start = ctx.time("creationTimeFrom", required=True)
    assert start is not None
    mine = [
        w for w in ctx.program.webinars if w.host.index == ctx.caller.user and w.created >= start
    ]
    mine.sort(key=lambda w: (w.created, w.index))
    return ctx.page(mine, lambda w: render.config_webinar(ctx.program, w, ctx.now))


@_route("GET", CONFIG + "/webinars/{webinarId}", "rcwConfigGetWebinar")
def _get_config_webinar(ctx: _Ctx) -> dict[str, Any]:
    return render.config_webinar(ctx.program, _webinar(ctx), ctx.now)


def _config_sessions(ctx: _Ctx, *, company: bool) -> dict[str, Any]:
    start = ctx.time("endTimeFrom", required=True)
    assert start is not None
    statuses = ctx.enums("status", SESSION_STATUSES)
    hosts = ctx.host_ids() if company else None
    name = (ctx.one("nameFragment") or "").lower() if not company else ""
    if company:
        ctx.require_admin()
    program, now = ctx.program, ctx.now
    chosen = []
    for session in ctx.sim.sessions():
        host = program.webinar_of(session).host
        if not company and host.index != ctx.caller.user:
            continue
        if session.scheduled_end < start:
            continue
        if hosts is not None and host.user_id not in hosts:
            continue
        if statuses is not None and session.status(now) not in statuses:
            continue
        if name and name not in f"{session.title} {program.webinar_of(session).title}".lower():
            continue
        chosen.append(session)
    chosen.sort(key=lambda s: (s.scheduled_start, s.index))
    return ctx.page(chosen, lambda s: render.config_session(program, s, now, list_item=True))


@_route("GET", CONFIG + "/sessions", "rcwConfigListAllSessions")
def _list_config_sessions(ctx: _Ctx) -> dict[str, Any]:
    return _config_sessions(ctx, company=False)


@_route("GET", CONFIG + "/company/sessions", "rcwConfigListAllCompanySessions")
def _list_config_company_sessions(ctx: _Ctx) -> dict[str, Any]:
    return _config_sessions(ctx, company=True)


@_route("GET", CONFIG + "/webinars/{webinarId}/sessions/{sessionId}", "rcwConfigGetSession")
def _get_config_session(ctx: _Ctx) -> dict[str, Any]:
    return render.config_session(ctx.program, ctx.session(), ctx.now, list_item=False)


@_route(
    "GET", CONFIG + "/webinars/{webinarId}/sessions/{sessionId}/invitees", "rcwConfigListInvitees"
)
def _list_config_invitees(ctx: _Ctx) -> dict[str, Any]:
    session = ctx.session()
    people = render.panel(ctx.program, session)
    return ctx.page(people, lambda p: render.config_invitee(ctx.program, session, p))


@_route(
    "GET",
    CONFIG + "/webinars/{webinarId}/sessions/{sessionId}/invitees/{inviteeId}",
    "rcwConfigGetInvitee",
)
def _get_config_invitee(ctx: _Ctx) -> dict[str, Any]:
    session = ctx.session()
    return render.config_invitee(ctx.program, session, _invitee(ctx, session))


# -- registration ---------------------------------------------------------------------------
@_route("GET", REGISTRATION + "/sessions/{sessionId}", "rcwRegGetSession")
def _get_registration_session(ctx: _Ctx) -> dict[str, Any]:
    return render.registration_session(ctx.program, ctx.session(), ctx.now)


def _joined(ctx: _Ctx, session: SessionPlan) -> dict[str, datetime]:
    return {
        p.participant_id: p.join_time
        for p in render.visible_participants(ctx.program, session, ctx.now)
    }


@_route("GET", REGISTRATION + "/sessions/{sessionId}/registrants", "rcwRegListRegistrants")
def _list_registrants(ctx: _Ctx) -> dict[str, Any]:
    session = ctx.session()
    questionnaire = ctx.boolean("includeQuestionnaire")
    registrants = render.visible_registrants(ctx.program, session, ctx.now)
    joined = _joined(ctx, session)
    return ctx.page(
        registrants,
        lambda r: render.registrant(
            ctx.program, session, r, ctx.now, questionnaire=questionnaire, joined=joined
        ),
        backward=False,
    )


@_route(
    "GET",
    REGISTRATION + "/sessions/{sessionId}/registrants/{registrantId}",
    "rcwRegGetRegistrant",
)
def _get_registrant(ctx: _Ctx) -> dict[str, Any]:
    session = ctx.session()
    questionnaire = ctx.boolean("includeQuestionnaire")
    for r in render.visible_registrants(ctx.program, session, ctx.now):
        if r.registrant_id == ctx.params["registrantId"]:
            return render.registrant(
                ctx.program,
                session,
                r,
                ctx.now,
                questionnaire=questionnaire,
                joined=_joined(ctx, session),
            )
    raise _not_found("registrantId")
