"""``webinar-insights doctor``: does this account, this machine and this store match what the
code assumes? Plain lines, each with its fix.

The checks, in order: the JWT's own expiry date (read locally, never sent anywhere); the sign-in
(the token exchange: access token lifetime, refresh tokens issued or not, the app's scopes);
the clock against the server's ``Date``; a company-wide listing (the WebinarSettings
permission), else the user's own; the participants of a session someone else hosts (a
host-only interface refuses them); the rate-limit group and budget the server announces and
whether another client of the credential is spending it; whether the answers match the
bundled API spec (:class:`~webinar_insights.openapi.SpecDrift`); the store when one is given;
and, asked to, the answers written anonymised as a fixture the simulator can replay.

It sends one Auth request and at most :data:`HEAVY_REQUESTS` Heavy ones: the listing (twice
when the company-wide one is refused) and one participants page. Nothing it reads or prints
holds a secret: the JWT's expiry is read from its payload inside :mod:`client._auth`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

from .._time import api_time
from ..errors import (
    ApiError,
    AuthenticationError,
    ConfigurationError,
    PermissionDeniedError,
    TransportError,
)

if TYPE_CHECKING:
    from ..fixtures import FixtureRecorder
    from ..openapi import SpecDrift
    from ._client import Client


class Examinable(Protocol):
    """What the doctor can be given to check besides the account: a store examines itself."""

    def examine(self) -> Check: ...


__all__ = ["CLOCK_TOLERANCE", "HEAVY_REQUESTS", "Check", "Diagnosis", "Examinable", "diagnose"]

HEAVY_REQUESTS: Final = 3
"""Heavy requests the doctor sends at most (the real API allows 10 a minute)."""

CLOCK_TOLERANCE: Final = timedelta(seconds=60)
"""A difference between this machine's clock and the server's beyond which the doctor warns."""

Status = Literal["ok", "warn", "fail", "skip"]

_HISTORY = "/webinar/history/v1"
_LISTING_DAYS = 90


@dataclass(frozen=True)
class Check:
    """One finding: what was checked, how it went, what was seen and what to do."""

    name: str
    status: Status
    detail: str
    fix: str | None = None


@dataclass(frozen=True)
class Diagnosis:
    """The doctor's findings (:class:`Check`), with the requests it sent by rate-limit group."""

    checks: tuple[Check, ...]
    requests: Mapping[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """No check failed (warnings allowed)."""
        return all(check.status != "fail" for check in self.checks)

    def check(self, name: str) -> Check:
        """The check called ``name``."""
        for found in self.checks:
            if found.name == name:
                return found
        raise KeyError(name)

    def lines(self) -> list[str]:
        """The findings as the command prints them: status, name, what was seen; the fix
        indented under it."""
        width = max(len(check.name) for check in self.checks)
        out = []
        for check in self.checks:
            first, *more = check.detail.splitlines()
            out.append(f"{check.status:<4}  {check.name:<{width}}  {first}")
            out += [f"{'':<4}  {'':<{width}}  {line}" for line in more]
            if check.fix:
                out.append(f"{'':<4}  {'':<{width}}  fix: {check.fix}")
        sent = ", ".join(f"{n} {group}" for group, n in self.requests.items() if n)
        out.append(f"Requests sent: {sent or 'none'}.")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def diagnose(
    client: Client,
    *,
    store: Examinable | None = None,
    save_fixture: str | os.PathLike[str] | None = None,
) -> Diagnosis:
    """Run every check with ``client`` (and on ``store``): see the module's docstring. With
    ``save_fixture``, the answers are anonymised and written to that directory."""
    # Here, not at the top: the spec (YAML) and the anonymiser are the doctor's alone, and a
    # client that never sees a doctor should not pay their import.
    from ..fixtures import FixtureRecorder
    from ..openapi import SpecDrift

    drift = SpecDrift()
    recorder = FixtureRecorder() if save_fixture is not None else None
    hooks = [drift.observe] + ([recorder.observe] if recorder is not None else [])
    client.on_answer.extend(hooks)
    try:
        checks, heavy = _account_checks(client)
    finally:
        for hook in hooks:
            client.on_answer.remove(hook)
    checks.append(_spec_check(drift))
    if store is not None:
        checks.append(store.examine())
    if recorder is not None and save_fixture is not None:
        checks.append(_save(recorder, Path(save_fixture)))
    return Diagnosis(tuple(checks), {"Auth": client.token_requests, "Heavy": heavy})


def _account_checks(client: Client) -> tuple[list[Check], int]:
    """The checks that ask the server, and the Heavy requests they sent."""
    checks = [_jwt_check(client)]
    heavy = 0
    try:
        client.authenticate()
    except AuthenticationError as refused:
        checks.append(Check("sign-in", "fail", str(refused), _sign_in_fix(refused)))
    except (TransportError, ConfigurationError) as unreachable:
        checks.append(
            Check(
                "sign-in",
                "fail",
                f"no answer from {client.server_url}: {unreachable}",
                "check RC_SERVER_URL (or --server-url) and the network",
            )
        )
    else:
        checks += _grant_checks(client)
        checks.append(_clock_check(client))
        listing, sessions, heavy = _listing_checks(client)
        checks += listing
        participants, sent = _participants_check(client, sessions)
        checks.append(participants)
        heavy += sent
        checks.append(_rate_limit_check(client, heavy))
    return checks, heavy


# --------------------------------------------------------------------------- the checks


def _jwt_check(client: Client) -> Check:
    expiry = client.jwt_expiry
    if expiry is None:
        return Check("JWT", "skip", "its expiry date cannot be read (not a JWT's usual form)")
    now = datetime.now(expiry.tzinfo)
    if expiry <= now:
        return Check(
            "JWT",
            "fail",
            f"expired on {expiry:%Y-%m-%d %H:%M} UTC",
            "create a new JWT for this app (Developer Console > Credentials) and set RC_USER_JWT",
        )
    left = expiry - now
    if left < timedelta(days=14):
        return Check(
            "JWT",
            "warn",
            f"expires on {expiry:%Y-%m-%d} UTC, in {left.days} days",
            "create a new JWT before then and set RC_USER_JWT",
        )
    return Check("JWT", "ok", f"valid until {expiry:%Y-%m-%d} UTC")


def _sign_in_fix(refused: AuthenticationError) -> str:
    code = (refused.error_code or "").upper()
    if code == "INVALID_CLIENT" or code.startswith("OAU-123"):
        return "copy the app's client id and secret again into RC_APP_CLIENT_ID and RC_APP_CLIENT_SECRET"
    return (
        "the JWT must belong to this app and be neither expired nor revoked: create a new one"
        " (Developer Console > Credentials) and set RC_USER_JWT; the app must allow the JWT"
        " auth flow"
    )


def _grant_checks(client: Client) -> list[Check]:
    grant = client.last_grant
    if grant is None:  # a token was held already: nothing new to say
        return [Check("sign-in", "ok", "signed in")]
    detail = f"signed in; access tokens last {_duration(grant.lifetime)}"
    found = []
    if grant.refresh_issued:
        lifetime = grant.refresh_lifetime
        valid = f", valid {_duration(lifetime)}" if lifetime else ""
        found.append(Check("sign-in", "ok", f"{detail}; refresh tokens issued{valid}"))
    else:
        found.append(
            Check(
                "sign-in",
                "warn",
                f"{detail}; no refresh token issued: the JWT is exchanged again each time",
                "tick 'Issue refresh tokens' in the app's auth settings (Developer Console) to"
                " spare Auth requests; syncs work either way",
            )
        )
    if grant.scopes is None:
        found.append(Check("scopes", "skip", "the token answer names no scopes"))
    elif "ReadWebinars" in grant.scopes:
        found.append(Check("scopes", "ok", f"ReadWebinars granted ({' '.join(grant.scopes)})"))
    else:
        found.append(
            Check(
                "scopes",
                "fail",
                f"ReadWebinars is not among the app's scopes ({' '.join(grant.scopes) or 'none'})",
                "add the Read Webinars scope to the app (Developer Console > Settings); every"
                " Webinar request needs it",
            )
        )
    return found


def _clock_check(client: Client) -> Check:
    simulator = client.simulator_instance
    if simulator is not None and simulator.config.now is not None:
        return Check("clock", "skip", "the built-in simulator runs a clock of its own")
    offset = client.clock_offset
    if offset is None:
        return Check("clock", "skip", "the server sent no Date header")
    if abs(offset) <= CLOCK_TOLERANCE:
        return Check(
            "clock", "ok", f"within {_duration(abs(offset).total_seconds())} of the server's"
        )
    side = "behind" if offset > timedelta(0) else "ahead of"
    return Check(
        "clock",
        "warn",
        f"this machine's clock is {_duration(abs(offset).total_seconds())} {side} the server's",
        "set the clock right (NTP: 'timedatectl set-ntp true', or the system's time settings);"
        " a JWT is refused by a server that sees it issued in the future, and 'now' in the"
        " reports is the server's",
    )


def _listing_checks(client: Client) -> tuple[list[Check], list[dict[str, Any]], int]:
    """Company-wide listing, else the user's own: the checks, the sessions seen, requests."""
    now = client.server_now()
    params = [
        ("endTimeFrom", api_time(now - timedelta(days=_LISTING_DAYS))),
        ("endTimeTo", api_time(now)),
        ("perPage", "10"),
    ]
    found: list[Check] = []
    try:
        answer = client.get_json(f"{_HISTORY}/company/sessions", params=params, what="doctor")
    except PermissionDeniedError as refused:
        found.append(
            Check(
                "company listing",
                "warn",
                f"refused ({_code(refused)}): the user lacks the WebinarSettings permission, so"
                " only their own webinars can be listed",
                "sync with --own (your own webinars), or ask an admin to grant WebinarSettings"
                " for company-wide reports",
            )
        )
    except ApiError as failed:
        return [Check("company listing", "fail", str(failed), None)], [], 1
    else:
        sessions = _records(answer)
        found.append(
            Check(
                "company listing",
                "ok",
                f"allowed (WebinarSettings): the first page lists {_sessions_seen(sessions)}"
                f" of any host ending in the last {_LISTING_DAYS} days",
            )
        )
        return found, sessions, 1
    try:
        answer = client.get_json(f"{_HISTORY}/sessions", params=params, what="doctor")
    except ApiError as failed:
        found.append(
            Check(
                "own listing",
                "fail",
                f"refused too ({_code(failed)})",
                "the user cannot list webinars: check the ReadWebinars scope and the user's role",
            )
        )
        return found, [], 2
    sessions = _records(answer)
    found.append(
        Check(
            "own listing",
            "ok",
            f"allowed: the first page lists {_sessions_seen(sessions)} of yours",
        )
    )
    return found, sessions, 2


def _participants_check(client: Client, sessions: list[dict[str, Any]]) -> tuple[Check, int]:
    """One participants page of a Finished session, someone else's when one was listed."""
    grant = client.last_grant
    me = grant.owner_id if grant is not None else None
    finished = [s for s in sessions if s.get("status") == "Finished" and _ids(s) is not None]
    others = [s for s in finished if _host(s) not in (None, me)]
    candidates = others or finished
    if not candidates:
        return (
            Check("participants", "skip", f"no Finished session in the last {_LISTING_DAYS} days"),
            0,
        )
    webinar_id, session_id = _ids(candidates[0])  # type: ignore[misc]
    whose = "for a session someone else hosts" if others else "for a session you host"
    path = f"{_HISTORY}/webinars/{webinar_id}/sessions/{session_id}/participants"
    try:
        client.get_json(path, params=[("perPage", "100")], what="doctor")
    except PermissionDeniedError as refused:
        return (
            Check(
                "participants",
                "warn",
                f"refused {whose} ({_code(refused)}): participants are readable for the"
                " sessions the user hosts only",
                "a sync at depth participants then fetches your own sessions' people; for"
                " everyone's, ask an admin for WebinarSettings",
            ),
            1,
        )
    except ApiError as failed:
        return Check("participants", "fail", str(failed), None), 1
    return Check("participants", "ok", f"readable {whose}"), 1


def _rate_limit_check(client: Client, sent: int) -> Check:
    limit, remaining, window = client.rate_limits.get("Heavy", (None, None, None))
    if limit is None or remaining is None:
        return Check("rate limit", "skip", "the server announced no Heavy rate limit")
    span = f"{window:g} s" if window else "its window"
    detail = f"Heavy group: {limit} requests per {span}, {remaining} left"
    others = limit - remaining - sent
    if others > 0:
        return Check(
            "rate limit",
            "warn",
            f"{detail}: another client of this credential sent about {others} in the window",
            "a sync now shares the budget with it (on this machine they pace together);"
            " stop the other client, or expect the sync to take longer",
        )
    return Check("rate limit", "ok", f"{detail} (this doctor sent {sent})")


def _spec_check(drift: SpecDrift) -> Check:
    if not drift.answers_checked:
        return Check("spec", "skip", "no answer to check against the API spec")
    if not drift.differences:
        return Check("spec", "ok", drift.summary())
    return Check(
        "spec",
        "warn",
        drift.summary(),
        "nothing fails because of it (new values are kept as text); please report it with"
        " 'doctor --save-fixture DIR' attached, so that the simulator learns the new shape",
    )


def _save(recorder: FixtureRecorder, directory: Path) -> Check:
    from ..fixtures import anonymise

    recorded = recorder.fixture()
    try:
        written = anonymise(recorded).save(directory)
    except ConfigurationError as refused:
        return Check("fixture", "fail", str(refused), "choose a directory you can write to")
    n = len(recorded.answers)
    return Check(
        "fixture",
        "ok",
        f"{n} answer{'' if n == 1 else 's'} anonymised into {written}: names, e-mails, ids,"
        " titles and links replaced, times shifted by whole weeks; safe to attach to a report",
    )


# --------------------------------------------------------------------------- helpers


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "an unknown time"
    if seconds >= 2 * 86_400:
        return f"{seconds / 86_400:.0f} days"
    if seconds >= 2 * 3_600:
        return f"{seconds / 3_600:.0f} hours"
    if seconds >= 120:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"


def _code(error: ApiError) -> str:
    return f"HTTP {error.status_code}" + (f", {error.error_code}" if error.error_code else "")


def _records(answer: Mapping[str, Any]) -> list[dict[str, Any]]:
    records = answer.get("records")
    return [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []


def _sessions_seen(sessions: list[dict[str, Any]]) -> str:
    return f"{len(sessions)} session" + ("" if len(sessions) == 1 else "s")


def _ids(session: Mapping[str, Any]) -> tuple[str, str] | None:
    webinar = session.get("webinar")
    webinar_id = webinar.get("id") if isinstance(webinar, dict) else None
    session_id = session.get("id")
    if isinstance(webinar_id, str) and isinstance(session_id, str):
        return webinar_id, session_id
    return None


def _host(session: Mapping[str, Any]) -> str | None:
    webinar = session.get("webinar")
    host = webinar.get("host") if isinstance(webinar, dict) else None
    user = host.get("linkedUser") if isinstance(host, dict) else None
    user_id = user.get("userId") if isinstance(user, dict) else None
    return user_id if isinstance(user_id, str) else None
