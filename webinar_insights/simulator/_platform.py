"""The simulated RingCentral platform: its state and the door every request passes.

The state is the program (planned once, lazily), the clock, the sessions deleted so far and the
sessions as the API shows them, the OAuth sessions, the rate limiters, the fault stream and the
request counts. ``Simulator.handle`` takes a plain request and returns a plain response: the
OAuth endpoints are answered here, the Webinar API operations by ``_operations`` through
``_routing``; the in-process httpx transport and the loopback HTTP server are thin adapters
around it.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import random
import secrets
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

from .._jwt import jwt_expiry
from ..fixtures import Fixture
from ._config import (
    JWT_GRANT,
    STATS_PATH,
    FaultKind,
    SimRequest,
    SimResponse,
    SimulatorConfig,
    json_response,
)
from ._errors import HttpError, api_error, gateway_error, oauth_error, rate_limited
from ._faults import early_fault, late_fault
from ._limits import SlidingWindowLimiter, limit_headers
from ._operations import ROUTES
from ._program import Host, NeverRanSession, Program, ProgramConfig, SessionPlan
from ._replay import Replay
from ._routing import Caller, Ctx, match
from ._transport import SimulatorTransport

# The history index at one clock: (now, the deletions it reflects, endTimes, sessions).
_IndexCache = tuple[datetime, frozenset[str], list[datetime], list[SessionPlan]]


@dataclass(slots=True)
class _OAuthSession:
    client_id: str
    user: int
    access_token: str
    access_expires: float
    refresh_token: str | None
    refresh_expires: float


class Simulator:
    """The simulated platform. Thread-safe: the loopback server calls it from many threads.

    With a ``fixture`` (:mod:`webinar_insights.fixtures`), the Webinar operations answer what
    it recorded instead of the simulated program (see ``_replay``).

    >>> sim = Simulator(SimulatorConfig(scale=20, now=datetime(2026, 11, 1, tzinfo=UTC)))
    >>> sim.handle(SimRequest("GET", "/webinar/history/v1/sessions")).status
    401
    """

    def __init__(
        self, config: SimulatorConfig | None = None, *, fixture: Fixture | None = None
    ) -> None:
        self.config = config or SimulatorConfig()
        self.replay = Replay(fixture) if fixture is not None else None
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

    def handle(self, request: SimRequest) -> SimResponse:
        if request.path == STATS_PATH:
            return json_response(200, self.stats())
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
        except HttpError as error:
            return json_response(error.status, error.body, error.headers)

    def _count(self, operation_id: str) -> None:
        with self._lock:
            self._counts[operation_id] += 1

    def _oauth_door(self, request: SimRequest) -> tuple[str, list[tuple[str, str]]]:
        """What every OAuth endpoint checks first: POST only, the app's own credentials, and
        the Auth group's rate limit. Returns the app's client id and the limit headers."""
        if request.method != "POST":
            raise api_error(405, "CMN-405", "Method not allowed")
        client_id = self._client_id(request)
        verdict = self._auth.check((client_id, "Auth"), time.monotonic())
        headers = limit_headers("Auth", verdict)
        if not verdict.allowed:
            self._noterate_limited()
            raise rate_limited(verdict.retry_after, headers)
        return client_id, headers

    def _token(self, request: SimRequest) -> SimResponse:
        client_id, headers = self._oauth_door(request)
        form = dict(parse_qsl(request.body.decode("utf-8", "replace")))
        grant = form.get("grant_type")
        config = self.config
        if grant == JWT_GRANT:
            if not secrets.compare_digest(form.get("assertion", ""), config.jwt):
                raise oauth_error("invalid_grant", "OAU-140", "Invalid or expired JWT assertion")
            expiry = jwt_expiry(config.jwt)  # as the platform, by the JWT's own exp
            if expiry is not None and expiry <= self.now():
                raise oauth_error("invalid_grant", "OAU-140", "Invalid or expired JWT assertion")
            session = self._new_session(client_id, form)
        elif grant == "refresh_token":
            session = self._refresh(client_id, form.get("refresh_token", ""), form)
        else:
            raise oauth_error(
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
        return json_response(200, body, headers)

    def _client_id(self, request: SimRequest) -> str:
        header = request.headers.get("authorization", "")
        scheme, _, encoded = header.partition(" ")
        try:
            decoded = base64.b64decode(encoded, validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            decoded = ""
        client_id, sep, secret = decoded.partition(":")
        if scheme.lower() != "basic" or not sep:
            raise oauth_error("invalid_client", "OAU-123", "Client authentication is required")
        ok_id = secrets.compare_digest(client_id, self.config.client_id)
        ok_secret = secrets.compare_digest(secret, self.config.client_secret)
        if not (ok_id and ok_secret):
            raise oauth_error("invalid_client", "OAU-123", "Invalid client credentials")
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
            raise oauth_error("invalid_request", "OAU-101", "Invalid access_token_ttl") from None
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
        raise oauth_error("invalid_grant", "OAU-211", "Refresh token has expired or was used")

    def _revoke(self, request: SimRequest) -> SimResponse:
        """RFC 7009 revocation: the token (access or refresh, in the form body or the ``token``
        query parameter) ends its whole OAuth session; an unknown token is no error."""
        client_id, headers = self._oauth_door(request)
        token = dict(parse_qsl(request.body.decode("utf-8", "replace"))).get("token")
        if not token:
            token = dict(request.query).get("token")
        if not token:
            error = oauth_error("invalid_request", "OAU-101", "Parameter [token] is required")
            error.headers = headers
            raise error
        with self._lock:
            self._oauth = [
                s
                for s in self._oauth
                if s.client_id != client_id or token not in (s.access_token, s.refresh_token)
            ]
        return SimResponse(200, headers=headers)

    def _caller(self, request: SimRequest) -> Caller:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise gateway_error(401, "AGW-401", "Authorization header is not specified")
        now = time.monotonic()
        with self._lock:
            for session in self._oauth:
                if secrets.compare_digest(session.access_token, token):
                    if session.access_expires <= now:
                        raise gateway_error(401, "OAU-213", "Token expired")
                    return Caller(session.client_id, session.user)
        raise gateway_error(401, "OAU-213", "Token not found")

    def _noterate_limited(self) -> None:
        with self._lock:
            self._rate_limited += 1

    def _api(self, request: SimRequest) -> SimResponse:
        route, params = match(ROUTES, request)
        self._count(route.operation_id)
        caller = self._caller(request)
        verdict = self._heavy.check((caller.client_id, str(caller.user), "Heavy"), time.monotonic())
        headers = limit_headers("Heavy", verdict)
        if not verdict.allowed:
            self._noterate_limited()
            raise rate_limited(verdict.retry_after, headers)
        fault = self._pick_fault()
        if fault is not None:
            early = early_fault(fault, headers, self.config)
            if early is not None:
                return early
        query: dict[str, list[str]] = {}
        for key, value in request.query:
            query.setdefault(key, []).append(value)
        ctx = Ctx(self, caller, self.now(), params, query)
        try:
            if self.replay is not None:
                body = self.replay.answer(route.operation_id, ctx)
            else:
                body = route.handler(ctx)
        except HttpError as error:
            error.headers.extend(headers)
            raise
        response = json_response(200, body, headers)
        if fault is not None:
            late_fault(fault, response, self.config)
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
