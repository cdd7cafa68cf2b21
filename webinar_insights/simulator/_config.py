"""The simulator's options and the plain request and response it answers with.

``SimRequest`` and ``SimResponse`` are what ``Simulator.handle`` takes and returns; the in-process
httpx transport and the loopback HTTP server translate to and from them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, get_args

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
    ``spec_drift``
        Answer as a later version of the beta API might, off the bundled spec: history session
        records carry ``captionLanguage``, a field the spec does not list, and a seventh of
        the recordings they show have the status ``Archived``, a value its enum lacks.
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
    spec_drift: bool = False

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


def json_response(status: int, body: Any, headers: Sequence[tuple[str, str]] = ()) -> SimResponse:
    """A JSON answer, compact and UTF-8 as the platform sends it."""
    payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    return SimResponse(status, payload, [("Content-Type", "application/json"), *headers])
