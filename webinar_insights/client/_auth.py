"""The OAuth token lifecycle: JWT bearer grant, single-use refresh tokens, re-exchange.

Only one thread does token work at a time; the others wait for its result.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from .._jwt import jwt_expiry as read_expiry
from ..errors import AuthenticationError
from ._errors import error_details

logger = logging.getLogger("webinar_insights")
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"

# A token lifetime outside these bounds (0, negative, NaN) is taken as the least: renewing too
# often costs a request, trusting a huge one costs a 401 and a retry.
MIN_LIFETIME = 60.0
MAX_LIFETIME = 7 * 24 * 3600.0


class Secret:
    """A client secret, JWT or token. ``repr`` and ``str`` never show it, so a traceback that
    prints local variables (IPython's verbose mode, rich, Sentry) shows nothing usable;
    ``reveal()`` gives it, and the client calls that only inside the expression that sends it."""

    __slots__ = ("_value",)

    def __init__(self, value: str | Secret) -> None:
        self._value = value.reveal() if isinstance(value, Secret) else str(value)

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret(***)"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("a Secret is not pickled")


TokenForm = dict[str, "str | Secret"]
SendToken = Callable[[TokenForm], httpx.Response]


@dataclass(frozen=True, slots=True)
class Credentials:
    """An app (client id and secret) and a user's JWT. The repr shows the client id only."""

    client_id: str
    client_secret: Secret
    jwt: Secret

    def __repr__(self) -> str:
        return f"Credentials(client_id={self.client_id!r}, client_secret=***, jwt=***)"


@dataclass(frozen=True)
class TokenGrant:
    """What a token answer said, without its tokens: the access token's lifetime (s), whether
    a refresh token came and its lifetime, the app's scopes and the user's id (None when not
    sent)."""

    lifetime: float
    refresh_issued: bool
    refresh_lifetime: float | None
    scopes: tuple[str, ...] | None
    owner_id: str | None


def jwt_expiry(jwt: Secret) -> datetime | None:
    """When ``jwt`` expires (:func:`webinar_insights._jwt.jwt_expiry`), the secret revealed
    only inside the call."""
    return read_expiry(jwt.reveal())


def _margin(lifetime: float) -> float:
    """Renew this long before expiry: a minute, or less for short-lived tokens."""
    return min(60.0, lifetime / 2)


class TokenManager:
    def __init__(self, credentials: Credentials, *, clock: Callable[[], float] = time.monotonic):
        self._credentials = credentials
        self._clock = clock
        self._lock = threading.Lock()
        self._access: Secret | None = None
        self._renew_at = 0.0
        self._refresh: Secret | None = None
        self._refresh_renew_at = 0.0
        self.exchanges = 0  # token requests made, for tests and provenance
        self.last_grant: TokenGrant | None = None  # what the last token answer said (no token)

    def __repr__(self) -> str:
        return "TokenManager(<tokens hidden>)"

    def access_token(self, send: SendToken) -> Secret:
        with self._lock:
            if self._access is None or self._clock() >= self._renew_at:
                self._renew(send)
            assert self._access is not None
            return self._access

    def forget(self) -> Secret | None:
        """Drop the tokens held; return one that identifies the OAuth session (to revoke it)."""
        with self._lock:
            token = self._refresh or self._access
            self._access = self._refresh = None
            return token

    def invalidate(self, token: Secret) -> None:
        """The server refused ``token``: the next call gets a new one (unless already renewed)."""
        with self._lock:
            if self._access is token:
                self._access = None

    def _renew(self, send: SendToken) -> None:
        if self._refresh is not None and self._clock() < self._refresh_renew_at:
            form: TokenForm = {"grant_type": "refresh_token", "refresh_token": self._refresh}
            self._refresh = None  # single use, whatever happens next
            try:
                self._store(self._exchange(send, form, "refresh"))
                return
            except AuthenticationError:
                logger.info("Refreshing the access token failed; exchanging the JWT again")
        self._store(
            self._exchange(
                send, {"grant_type": JWT_GRANT, "assertion": self._credentials.jwt}, "jwt"
            )
        )

    def _exchange(self, send: SendToken, form: TokenForm, kind: str) -> httpx.Response:
        self.exchanges += 1
        response = send(form)
        if response.status_code == 200:
            return response
        code, message = error_details(response)
        if kind == "refresh":
            what = "the refresh token was refused"
        elif code == "invalid_client" or (code or "").startswith("OAU-123"):
            what = (
                "the app credentials were refused: check RC_APP_CLIENT_ID and RC_APP_CLIENT_SECRET"
            )
        else:
            what = "the JWT was refused: check RC_USER_JWT (expired, revoked, or for another app?)"
        raise AuthenticationError(
            f"Authentication failed (HTTP {response.status_code}, {code or 'no error code'}): {what}",
            status_code=response.status_code,
            error_code=code,
            api_message=message,
        )

    def _store(self, response: httpx.Response) -> None:
        fields = _token_fields(response)
        if fields is None:
            raise AuthenticationError(
                "Authentication failed: the token endpoint sent an unreadable answer",
                status_code=response.status_code,
            )
        access, lifetime, refresh, refresh_lifetime, scope, owner = fields
        self.last_grant = TokenGrant(
            lifetime=lifetime,
            refresh_issued=refresh is not None,
            refresh_lifetime=refresh_lifetime if refresh is not None else None,
            scopes=tuple(scope.split()) if scope is not None else None,
            owner_id=owner,
        )
        if not MIN_LIFETIME <= lifetime <= MAX_LIFETIME:  # 0, negative, NaN or absurd
            logger.info(
                "The token endpoint said expires_in=%s; assuming %s s", lifetime, MIN_LIFETIME
            )
            lifetime = MIN_LIFETIME
        now = self._clock()
        self._access = access
        self._renew_at = now + lifetime - _margin(lifetime)
        self._refresh = refresh
        if refresh is not None:
            if not 0 <= refresh_lifetime <= MAX_LIFETIME * 24 * 365:
                refresh_lifetime = 0.0  # unknown: use the JWT again when the access token ends
            self._refresh_renew_at = now + refresh_lifetime - _margin(refresh_lifetime)
        logger.debug("Obtained an access token valid for %.0f s", lifetime)


def _token_fields(
    response: httpx.Response,
) -> tuple[Secret, float, Secret | None, float, str | None, str | None] | None:
    """The tokens and lifetimes of a token answer, wrapped at once; None when unreadable.

    Nothing that holds a token outlives this function unwrapped, and it raises nothing, so no
    traceback ever shows its locals.
    """
    try:
        body = response.json()
        access = Secret(body["access_token"]) if isinstance(body["access_token"], str) else None
        lifetime = float(body["expires_in"])
        raw_refresh = body.get("refresh_token")
        refresh = Secret(raw_refresh) if isinstance(raw_refresh, str) and raw_refresh else None
        try:
            refresh_lifetime = float(body.get("refresh_token_expires_in", 0) or 0)
        except (ValueError, TypeError):
            refresh_lifetime = 0.0
        scope = body.get("scope") if isinstance(body.get("scope"), str) else None
        owner = body.get("owner_id")
        owner = str(owner) if isinstance(owner, str | int) and not isinstance(owner, bool) else None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    finally:
        body = raw_refresh = None  # drop the parsed answer before anything else can happen
    if not access:
        return None
    return access, lifetime, refresh, refresh_lifetime, scope, owner
