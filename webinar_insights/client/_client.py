"""``Client``: the RingCentral Webinar API as lazy record iterators, within the rate limit."""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import os
import random
import socket
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

import httpx
import platformdirs
from dotenv import dotenv_values
from tqdm.auto import tqdm

from .._time import TimeLike, api_time, split_range, time_range
from ..errors import (
    BadResponseError,
    ConfigurationError,
    PagingError,
    RateLimitedError,
    ServerError,
    TransportError,
)
from ._auth import Credentials, Secret, TokenForm, TokenGrant, TokenManager, jwt_expiry
from ._doctor import Diagnosis, Examinable, diagnose
from ._errors import DEFAULT_RETRY_AFTER, MAX_RETRY_AFTER, error_for, retry_after
from ._pacing import FilePacer, Pacer, SharedBudget

if TYPE_CHECKING:
    from ..openapi import SpecDrift
    from ..simulator import Simulator

logger = logging.getLogger("webinar_insights")

DEFAULT_SERVER_URL = "https://platform.ringcentral.com"
SIMULATOR_URL = "https://simulator.webinar-insights.invalid"
HISTORY = "/webinar/history/v1"
CONFIG = "/webinar/configuration/v1"
REGISTRATION = "/webinar/registration/v1"
ENV_VARIABLES = {
    "server_url": "RC_SERVER_URL",
    "client_id": "RC_APP_CLIENT_ID",
    "client_secret": "RC_APP_CLIENT_SECRET",
    "jwt": "RC_USER_JWT",
}

# Paging bounds: a listing with no known size stops after this many records, and any listing
# after this many empty pages in a row that still name a next page.
MAX_RECORDS = 200_000
MAX_EMPTY_PAGES = 3
# An id as the API spells them (RcwResourceIdModel: 1 to 20 characters), with room to spare.
MAX_ID_LENGTH = 64
# The most an answer may weigh once decoded: a full page of 1,000 records with questionnaires is
# a few MB, so this only stops a gzip bomb or a runaway body before it costs the machine.
MAX_BODY_BYTES = 64 * 2**20

Record = dict[str, Any]
SessionStatus = Literal["Scheduled", "Active", "Finished"]
Role = Literal["Panelist", "CoHost", "Host", "Attendee"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try before giving up on one request.

    ``attempts`` bounds tries after server errors, dropped connections, timeouts and unreadable
    answers (exponential backoff from ``base_delay`` doubling up to ``max_delay``, with jitter);
    ``rate_limited`` bounds how many 429 answers one request may meet, and
    ``retry_after_default`` is the least pause after a 429 that carries no ``Retry-After`` (the
    rate-limit window last announced is waited if longer: RingCentral's penalty is one window).
    ``unreachable_after`` bounds, in seconds, how long a server that has not answered once is
    tried before the client gives up and names it: a wrong URL or a dead network fails fast.
    """

    attempts: int = 5
    base_delay: float = 2.0
    max_delay: float = 60.0
    rate_limited: int = 5
    retry_after_default: float = DEFAULT_RETRY_AFTER
    unreachable_after: float = 10.0

    def backoff(self, attempt: int) -> float:
        delay = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        jitter: float = random.uniform(0.5, 1.0)  # keeps parallel clients apart
        return delay * jitter


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a listing: its records (repeats removed) and the body exactly as received."""

    operation: str
    params: tuple[tuple[str, str], ...]
    records: list[Record]
    content: bytes


class Client:
    """A RingCentral Webinar API client (sync, on ``httpx.Client``).

    Parameters
    ----------
    server_url, client_id, client_secret, jwt:
        Where and who. ``Client.from_env()`` reads them from ``RC_*`` variables, and
        ``Client.simulator()`` builds a client of the built-in simulator.
    transport:
        An httpx transport (tests and the simulator pass one).
    per_page:
        Records per page (the API's maximum, 1000, by default: fewer requests).
    fail_fast:
        Raise ``RateLimitedError(retry_after=...)`` instead of waiting for the rate limit.
    progress:
        Show a progress bar (``tqdm.auto``: notebook or terminal) for listings.
    limiter_dir:
        Where the pacing state of this credential lives. RingCentral limits each user and app
        together, so by default every client of one credential on this machine (notebooks, CLI
        syncs, any store) paces through one file in the user's cache directory
        (``default_limiter_dir()``); ``None`` paces this client alone. The simulator's in-process
        clients pace alone by default: each simulator is a platform of its own.
    check_spec:
        Check every answer against the bundled OpenAPI spec; ``spec_drift`` then tallies the
        differences (never fatal) and a sync warns once with their summary.

    Attributes
    ----------
    on_answer:
        Callables given each final answer (an ``httpx.Response`` whose request shows method,
        path and query): a usable one, or the 4xx refusal a request ends with (not the answers
        it retries). The spec check and the doctor's fixture recorder use it.
    spec_drift:
        The differences from the spec seen so far (``check_spec=True``), else None.

    Examples
    --------
    >>> with Client.simulator(seed=1, scale=20, progress=False) as client:
    ...     sessions = client.list_sessions("2025-11-01", "2026-12-31")
    """

    def __init__(
        self,
        *,
        server_url: str = DEFAULT_SERVER_URL,
        client_id: str,
        client_secret: str | Secret,
        jwt: str | Secret,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        per_page: int = 1000,
        retry: RetryPolicy | None = None,
        fail_fast: bool = False,
        progress: bool = True,
        limiter_dir: str | os.PathLike[str] | Literal["default"] | None = "default",
        check_spec: bool = False,
    ) -> None:
        # From here on only redacted wrappers: a traceback that prints locals shows no secret.
        self._credentials = Credentials(client_id, Secret(client_secret), Secret(jwt))
        del client_secret, jwt
        for name, value in (
            ("client_id", self._credentials.client_id),
            ("client_secret", self._credentials.client_secret),
            ("jwt", self._credentials.jwt),
        ):
            if not value:
                raise ConfigurationError(f"{name} is empty; set {ENV_VARIABLES[name]}")
        if not 1 <= per_page <= 1000:
            raise ConfigurationError(f"per_page must be between 1 and 1000, got {per_page}")
        self.server_url = checked_server_url(server_url)
        self.timeout = timeout
        self._auth = TokenManager(self._credentials)
        self._http = httpx.Client(
            base_url=self.server_url,
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={
                "User-Agent": "webinar-insights/0.1",
                "Accept": "application/json",
                "Accept-Encoding": "gzip, deflate",  # the ones _BoundedBody decodes
            },
        )
        self.per_page = per_page
        self.retry = retry or RetryPolicy()
        self.fail_fast = fail_fast
        self.progress = progress
        self._pacer: Pacer = Pacer()
        self.simulator_instance: Simulator | None = None
        self.requests_sent = 0
        self.rate_limited = 0
        self._answered = False  # the server has answered at least once
        self._clock_offset = timedelta(0)  # server's Date minus this machine's clock
        # The last X-Rate-Limit-* headers of each group: group -> (limit, remaining, window s).
        self.rate_limits: dict[str, tuple[int | None, int | None, float | None]] = {}
        self.on_answer: list[Callable[[httpx.Response], None]] = []
        self.spec_drift: SpecDrift | None = None
        if check_spec:
            from ..openapi import SpecDrift

            self.spec_drift = SpecDrift()
            self.on_answer.append(self.spec_drift.observe)
        if limiter_dir == "default":
            limiter_dir = default_limiter_dir()
        if limiter_dir is not None:
            self.share_limiter(Path(limiter_dir))

    @classmethod
    def from_env(
        cls, *, env_file: str | os.PathLike[str] | None = ".env", **options: Any
    ) -> Client:
        """A client from ``RC_SERVER_URL``, ``RC_APP_CLIENT_ID``, ``RC_APP_CLIENT_SECRET`` and
        ``RC_USER_JWT`` (the process environment wins over a ``.env`` file in the working directory)."""
        settings = _settings_from_env(env_file)
        server_url = options.pop("server_url", None) or settings.get(
            "server_url", DEFAULT_SERVER_URL
        )
        return cls(
            server_url=str(server_url),
            client_id=str(settings["client_id"]),
            client_secret=settings["client_secret"],
            jwt=settings["jwt"],
            **options,
        )

    @classmethod
    def simulator(
        cls,
        *,
        seed: int = 42,
        scale: int = 200,
        now: datetime | None = None,
        rate_limit_window: float = 0.05,
        simulator: Simulator | None = None,
        **options: Any,
    ) -> Client:
        """A client of the built-in simulator, in-process, with its demo credentials.

        The simulator's rate-limit window defaults to 0.05 s (10 requests per 0.05 s), so a demo
        over thousands of sessions takes seconds; everything else behaves as the real API.
        Pass ``simulator=`` to reuse one (its clock, faults and statistics).
        """
        from ..simulator import Simulator, SimulatorConfig

        sim = simulator or Simulator(
            SimulatorConfig(seed=seed, scale=scale, now=now, rate_limit_window=rate_limit_window)
        )
        options.setdefault(
            "retry",
            RetryPolicy(
                base_delay=0.05, max_delay=1.0, retry_after_default=sim.config.rate_limit_window
            ),
        )
        options.setdefault("limiter_dir", None)
        client = cls(
            server_url=SIMULATOR_URL,
            client_id=sim.config.client_id,
            client_secret=sim.config.client_secret,
            jwt=sim.config.jwt,
            transport=sim.transport(),
            **options,
        )
        client.simulator_instance = sim
        return client

    def share_limiter(self, directory: Path) -> None:
        """Pace together with every process using ``directory`` and the same credential."""
        key = "|".join(
            (
                self.server_url,
                self._credentials.client_id,
                hashlib.sha256(self._credentials.jwt.reveal().encode()).hexdigest(),
            )
        )
        if isinstance(self._pacer, FilePacer) and self._pacer.path.parent == directory:
            return
        self._pacer = FilePacer(directory, key)

    def __repr__(self) -> str:
        # Robust to a half-built client: a traceback of a failed __init__ shows this repr.
        server_url = getattr(self, "server_url", None)
        credentials = getattr(self, "_credentials", None)
        client_id = credentials.client_id if credentials is not None else None
        return f"Client(server_url={server_url!r}, client_id={client_id!r})"

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Revoke the OAuth session (best effort: never raises, never waits for the rate limit)
        and close the connections. RingCentral keeps only a few sessions per user and app, so
        short runs that left theirs open would evict a long-lived notebook client's."""
        token = self._auth.forget()
        if token is not None and not self._http.is_closed:
            try:
                self._revoke(token)
            except Exception as error:  # best effort: a failed revoke costs nothing
                logger.debug(
                    "Revoking the token failed (%s); it expires on its own", type(error).__name__
                )
        self._http.close()

    def _revoke(self, token: Secret) -> None:
        if self._pacer.pending_block("Auth") > 0:
            return
        sent_at = self._pacer.wait_turn("Auth", sleep=_never_wait)
        self.requests_sent += 1
        try:
            response = self._http.post(
                "/restapi/oauth/revoke",
                data={"token": token.reveal()},
                auth=(self._credentials.client_id, self._credentials.client_secret.reveal()),
                timeout=5.0,
            )
            self._observe("Auth", response, sent_at)
        finally:
            self._pacer.done("Auth", sent_at)

    def authenticate(self) -> None:
        """Exchange the credentials for an access token now, unless one is held: the cheapest
        proof that the server answers and the credentials work (one Auth request)."""
        self._auth.access_token(self._send_token)

    @property
    def token_requests(self) -> int:
        return self._auth.exchanges

    def _wait_turn(self, group: str) -> float:
        """Wait for a send slot in ``group``. With ``fail_fast``, a wait that another client of
        the credential causes (its sends in the window, or a 429 penalty) raises
        ``RateLimitedError`` instead; this client's own pacing still waits."""
        try:
            return self._pacer.wait_turn(group, refuse_to_share=self.fail_fast)
        except SharedBudget as shared:
            raise RateLimitedError(
                f"another client of this credential is spending the rate limit, or a 429 penalty"
                f" is running: the next request would wait {shared.seconds:.1f} s and fail_fast"
                " is set",
                retry_after=shared.seconds,
            ) from None

    def _send_token(self, form: TokenForm) -> httpx.Response:
        """POST to the token endpoint (Auth group), retrying transient failures."""
        return self._request(
            "POST",
            "/restapi/oauth/token",
            group="Auth",
            what="token request",
            data=form,
            basic=True,
        )

    def _request(
        self,
        method: str,
        path: str,
        *,
        group: str,
        what: str,
        params: Sequence[tuple[str, str]] = (),
        data: TokenForm | None = None,
        basic: bool = False,
    ) -> httpx.Response:
        """Send one request until it gets a usable answer, within the retry policy.

        ``basic`` authenticates with the app's credentials (the token endpoint) instead of the
        bearer token. Secrets stay wrapped in this frame: they are revealed only inside the
        expression that hands them to httpx.
        """
        failures: list[str] = []
        limited = 0
        reauthenticated = False
        began = time.monotonic()
        while True:
            token = None
            if not basic:  # token work first: the paced slot must be used at once
                token = self._auth.access_token(self._send_token)
            sent_at = self._wait_turn(group)
            self.requests_sent += 1
            server_delay = 0.0  # a Retry-After on a 5xx answer
            try:
                response = self._send(
                    self._http.build_request(
                        method,
                        path,
                        params=list(params),
                        data=_revealed(data),
                        headers=_bearer(token),
                    ),
                    auth=self._basic() if basic else None,
                )
            except httpx.TimeoutException:
                self._pacer.done(group, sent_at)
                failures.append("timed out")
            except _TooLarge as too_large:
                self._answered = True
                self._pacer.done(group, sent_at)
                failures.append(str(too_large))
            except httpx.TransportError as failure:
                self._pacer.done(group, sent_at)
                if _unknown_host(failure):
                    raise ConfigurationError(
                        f"{self.server_url}: the server's host name is unknown; check "
                        "--server-url or RC_SERVER_URL (and the network's DNS)"
                    ) from None
                failures.append(f"connection failed ({type(failure).__name__})")
            else:
                self._answered = True
                self._read_clock(response)
                self._observe(group, response, sent_at)  # before done(): it counts this send
                self._pacer.done(group, sent_at)
                status = response.status_code
                if status == 401 and token is not None and not reauthenticated:
                    reauthenticated = True  # one new token and one retry
                    self._auth.invalidate(token)
                    continue
                if status == 429:
                    self.rate_limited += 1
                    limited += 1
                    least = max(self.retry.retry_after_default, self._pacer.window(group))
                    wait = retry_after(response, default=least)
                    self._pacer.penalize(group, wait)
                    asked = response.headers.get("Retry-After", "")
                    if wait >= MAX_RETRY_AFTER:
                        logger.warning(
                            "%s: the server asked for a pause of %r s; pausing %.0f s at most",
                            what,
                            asked[:40],
                            wait,
                        )
                    else:
                        logger.warning("%s: rate limited (429); pausing %.1f s", what, wait)
                    if (
                        self.fail_fast
                        or limited > self.retry.rate_limited
                        or (basic and limited > 1)
                    ):
                        raise error_for(response, what=what)
                    continue
                if status >= 500:
                    failures.append(f"HTTP {status}")
                    server_delay = retry_after(response, default=0.0)
                    if len(failures) >= self.retry.attempts:
                        last = error_for(response, what=what)
                        raise ServerError(
                            f"{last} (gave up after {len(failures)} attempts: {', '.join(failures)})",
                            status_code=status,
                            error_code=last.error_code,
                            api_message=last.api_message,
                        )
                elif basic:
                    return response  # the token manager reads OAuth answers itself
                elif status >= 400:
                    self._tell(response)  # a refusal is an answer too (a fixture keeps it)
                    raise error_for(response, what=what)
                else:
                    problem = _json_problem(response)
                    if problem is None:
                        self._tell(response)
                        return response
                    failures.append(problem)
            delay = max(self.retry.backoff(len(failures)), server_delay)
            if not self._answered:
                # Nothing has ever answered: a wrong URL or a dead network. Give up early.
                spent = time.monotonic() - began
                if spent + delay > self.retry.unreachable_after:
                    raise TransportError(
                        f"cannot reach {self.server_url} ({what}: {', '.join(failures)} in "
                        f"{spent:.1f} s); check --server-url or RC_SERVER_URL and the network"
                    )
            if len(failures) >= self.retry.attempts:
                kind = BadResponseError if failures[-1].startswith("answer") else TransportError
                raise kind(
                    f"{what}: gave up after {len(failures)} attempts ({', '.join(failures)}) "
                    f"from {self.server_url}; the API or the network is failing, try again later"
                )
            logger.info("%s: %s; retrying in %.2f s", what, failures[-1], delay)
            time.sleep(delay)

    def _tell(self, response: httpx.Response) -> None:
        """Hand a final answer (a usable one, or a refusal the request ends with) to each
        :attr:`on_answer` callable."""
        for hook in self.on_answer:
            hook(response)

    def server_now(self) -> datetime:
        """The server's clock as its last ``Date`` header showed it (this machine's clock
        before any answer). Whether a session is overdue is the server's call, not ours. A
        client of the in-process simulator reads the simulator's clock itself."""
        if self.simulator_instance is not None:
            return self.simulator_instance.now()
        return datetime.now(UTC) + self._clock_offset

    @property
    def clock_offset(self) -> timedelta | None:
        """The server's clock minus this machine's, from the last ``Date`` header (None before
        any answer)."""
        return self._clock_offset if self._answered else None

    @property
    def jwt_expiry(self) -> datetime | None:
        """When the JWT expires by its own ``exp`` claim (None when it has none)."""
        return jwt_expiry(self._credentials.jwt)

    @property
    def last_grant(self) -> TokenGrant | None:
        """What the last token answer said (lifetimes, refresh token, scopes; no token)."""
        return self._auth.last_grant

    def doctor(
        self,
        *,
        store: Examinable | None = None,
        save_fixture: str | os.PathLike[str] | None = None,
    ) -> Diagnosis:
        """Check this client's account against what webinar_insights needs, in plain lines
        with a fix each (``webinar_insights.client.Diagnosis``). Sends one Auth request and at
        most :data:`HEAVY_REQUESTS` Heavy ones, and checks their answers against the API spec;
        ``store`` adds its state; ``save_fixture`` writes the answers, anonymised, to that
        directory (``webinar_insights.fixtures``)."""
        return diagnose(self, store=store, save_fixture=save_fixture)

    def _read_clock(self, response: httpx.Response) -> None:
        value = response.headers.get("Date")
        if not value:
            return
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return
        if when.tzinfo is not None:
            self._clock_offset = when - datetime.now(UTC)

    def _basic(self) -> httpx.BasicAuth:
        return httpx.BasicAuth(
            self._credentials.client_id, self._credentials.client_secret.reveal()
        )

    def _send(self, request: httpx.Request, *, auth: httpx.Auth | None) -> httpx.Response:
        """Send ``request`` and read its answer within one overall deadline (``timeout``: a
        server trickling bytes cannot hold a request longer) and ``MAX_BODY_BYTES`` decoded
        (a gzip bomb or a huge body costs that much memory at most)."""
        deadline = time.monotonic() + self.timeout
        response = self._http.send(request, auth=auth, stream=True)
        try:
            if response.is_stream_consumed:  # an in-process transport's answer, read and decoded
                body = _BoundedBody(None)
                raws: Iterable[bytes] = [response.content]
            else:
                body = _BoundedBody(response.headers.get("Content-Encoding"))
                raws = response.iter_raw()
            for raw in raws:
                body.feed(raw)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout(
                        f"the answer took longer than {self.timeout:g} s", request=request
                    )
            body.finish()
        finally:
            response.close()
        headers = [
            (name, value)
            for name, value in response.headers.multi_items()
            if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx.Response(
            response.status_code, headers=headers, content=body.content(), request=request
        )

    def _observe(self, group: str, response: httpx.Response, sent_at: float) -> None:
        headers = response.headers
        if "X-Rate-Limit-Limit" not in headers:
            return
        self.rate_limits[headers.get("X-Rate-Limit-Group") or group] = (
            _int(headers.get("X-Rate-Limit-Limit")),
            _int(headers.get("X-Rate-Limit-Remaining")),
            _float(headers.get("X-Rate-Limit-Window")),
        )
        self._pacer.observe(
            group,
            sent_at=sent_at,
            limit=_int(headers.get("X-Rate-Limit-Limit")),
            window=_float(headers.get("X-Rate-Limit-Window")),
            remaining=_int(headers.get("X-Rate-Limit-Remaining")),
        )

    def get_json(
        self, path: str, *, params: Iterable[tuple[str, str]] = (), what: str | None = None
    ) -> Record:
        """GET one resource as a dict."""
        response = self._request(
            "GET", path, group="Heavy", what=what or f"GET {path}", params=tuple(params)
        )
        body = response.json()
        if not isinstance(body, dict):
            raise BadResponseError(
                f"{what or path}: expected a JSON object, got {type(body).__name__}"
            )
        return body

    def iter_pages(
        self,
        path: str,
        params: Iterable[tuple[str, str]] = (),
        *,
        operation: str,
        what: str,
        expected: int | None = None,
    ) -> Iterator[Page]:
        """Every page of a listing, following ``nextPageToken`` until it is absent.

        The chain is bounded, so a server that invents tokens cannot keep a sync busy: a page
        token that comes back, ``MAX_EMPTY_PAGES`` empty pages in a row that still point
        onwards, or more pages than ``expected`` records (when the caller knows how many to
        expect; ``MAX_RECORDS`` otherwise) can fill raise ``PagingError``. A record (by ``id``)
        already yielded on an earlier page is dropped from later ones.
        """
        base = tuple(params)
        limit = MAX_RECORDS if expected is None else 2 * max(0, expected) + self.per_page
        max_pages = -(-limit // self.per_page) + 1
        seen_tokens: set[str] = set()
        seen_ids: set[str] = set()
        token: str | None = None
        pages = empty_run = 0
        while True:
            query = (*base, ("perPage", str(self.per_page)))
            if token is not None:
                query = (*query, ("pageToken", token))
            response = self._request("GET", path, group="Heavy", what=what, params=query)
            body = response.json()
            records, paging = body.get("records"), body.get("paging")
            if not isinstance(records, list) or not isinstance(paging, dict):
                raise BadResponseError(
                    f"{what}: a page without 'records' and 'paging' (page {pages + 1})"
                )
            pages += 1
            empty_run = 0 if records else empty_run + 1
            fresh = []
            for record in records:
                key = _record_key(record)
                if key is not None:
                    if key in seen_ids:
                        continue
                    seen_ids.add(key)
                fresh.append(record)
            yield Page(operation, query, fresh, response.content)
            next_token = paging.get("nextPageToken")
            if not next_token:
                return
            if token is not None:
                seen_tokens.add(token)
            current = paging.get("pageToken")
            if isinstance(current, str):
                seen_tokens.add(current)
            stop = None
            if not isinstance(next_token, str) or next_token in seen_tokens:
                stop = f"the API sent page token {str(next_token)[:24]!r} again"
            elif empty_run >= MAX_EMPTY_PAGES:
                stop = f"{empty_run} empty pages in a row still pointed to a next page"
            elif pages >= max_pages:
                stop = f"the listing went on past {pages} pages" + (
                    f", more than {expected:,} records could fill" if expected else ""
                )
            if stop:
                raise PagingError(
                    f"{what}: {stop}; stopping instead of looping (nothing after page {pages} "
                    "was read)"
                )
            token = next_token

    def _records(self, pages: Iterable[Page], *, what: str) -> Iterator[Record]:
        with tqdm(desc=what, unit=" records", disable=not self.progress, leave=False) as bar:
            for page in pages:
                bar.update(len(page.records))
                yield from page.records

    def session_pages(
        self,
        start: TimeLike,
        end: TimeLike,
        *,
        company: bool = True,
        status: Sequence[SessionStatus] | None = None,
        hosts: Sequence[str] | None = None,
        name: str | None = None,
        window: timedelta = timedelta(days=90),
    ) -> Iterator[Page]:
        """Pages of history sessions whose ``endTime`` falls in ``[start, end]``.

        The range is split into windows of at most ``window`` (the API requires both ends) and
        host filters into groups of ten (its limit); a session seen in one window is not repeated.
        """
        first, last = time_range(start, end)
        if hosts is not None and not company:
            raise ConfigurationError("hosts= filters company-wide listings; pass company=True")
        if name is not None and company:
            raise ConfigurationError(
                "name= is only supported for the user's own sessions (company=False)"
            )
        path = HISTORY + ("/company/sessions" if company else "/sessions")
        operation = "rcwHistoryListAllCompanySessions" if company else "rcwHistoryListAllSessions"
        host_groups: list[list[str] | None] = [None]
        if hosts:
            unique = list(dict.fromkeys(hosts))
            host_groups = [unique[i : i + 10] for i in range(0, len(unique), 10)]
        seen: set[str] = set()
        for lower, upper in split_range(first, last, window):
            for group in host_groups:
                params: list[tuple[str, str]] = [
                    ("endTimeFrom", api_time(lower)),
                    ("endTimeTo", api_time(upper)),
                ]
                params += [("status", s) for s in status or ()]
                if group:
                    params.append(("hostUserId", ",".join(group)))
                if name:
                    params.append(("nameFragment", name))
                what = f"sessions ending {lower:%Y-%m-%d}..{upper:%Y-%m-%d}"
                for page in self.iter_pages(path, params, operation=operation, what=what):
                    fresh = [r for r in page.records if _record_key(r) not in seen]
                    seen.update(key for r in fresh if (key := _record_key(r)) is not None)
                    yield Page(page.operation, page.params, fresh, page.content)

    def iter_sessions(self, start: TimeLike, end: TimeLike, **filters: Any) -> Iterator[Record]:
        """History session records (``SessionGlobalResource``) ending in ``[start, end]``, lazily.

        Filters: ``company`` (default True: all hosts, needs WebinarSettings), ``status``,
        ``hosts`` (user ids), ``name`` (own sessions only), ``window``.
        """
        return self._records(self.session_pages(start, end, **filters), what="sessions")

    def list_sessions(self, start: TimeLike, end: TimeLike, **filters: Any) -> list[Record]:
        return list(self.iter_sessions(start, end, **filters))

    def get_webinar(self, webinar_id: str) -> Record:
        return self.get_json(f"{HISTORY}/webinars/{_id(webinar_id)}", what=f"webinar {webinar_id}")

    def get_session(self, webinar_id: str, session_id: str) -> Record:
        path = f"{HISTORY}/webinars/{_id(webinar_id)}/sessions/{_id(session_id)}"
        return self.get_json(path, what=f"session {session_id}")

    def participant_pages(
        self,
        webinar_id: str,
        session_id: str,
        *,
        role: Sequence[Role] | None = None,
        original_role: Sequence[Role] | None = None,
        expected: int | None = None,
    ) -> Iterator[Page]:
        """Pages of a session's participants; ``expected`` (its ``uniqueParticipantCount``)
        bounds how many pages the listing may take."""
        path = f"{HISTORY}/webinars/{_id(webinar_id)}/sessions/{_id(session_id)}/participants"
        params = [("role", r) for r in role or ()] + [
            ("originalRole", r) for r in original_role or ()
        ]
        return self.iter_pages(
            path,
            params,
            operation="rcwHistoryListParticipants",
            what=f"participants of session {session_id}",
            expected=expected,
        )

    def iter_participants(
        self, webinar_id: str, session_id: str, **filters: Any
    ) -> Iterator[Record]:
        """Participants of a session: one record per person, earliest join and latest leave."""
        return self._records(
            self.participant_pages(webinar_id, session_id, **filters), what="participants"
        )

    def list_participants(self, webinar_id: str, session_id: str, **filters: Any) -> list[Record]:
        return list(self.iter_participants(webinar_id, session_id, **filters))

    def invitee_pages(self, webinar_id: str, session_id: str) -> Iterator[Page]:
        path = f"{HISTORY}/webinars/{_id(webinar_id)}/sessions/{_id(session_id)}/invitees"
        return self.iter_pages(
            path, (), operation="rcwHistoryListInvitees", what=f"invitees of session {session_id}"
        )

    def iter_invitees(self, webinar_id: str, session_id: str) -> Iterator[Record]:
        return self._records(self.invitee_pages(webinar_id, session_id), what="invitees")

    def list_invitees(self, webinar_id: str, session_id: str) -> list[Record]:
        return list(self.iter_invitees(webinar_id, session_id))

    def registrant_pages(
        self, session_id: str, *, include_questionnaire: bool = False
    ) -> Iterator[Page]:
        path = f"{REGISTRATION}/sessions/{_id(session_id)}/registrants"
        params = [("includeQuestionnaire", "true")] if include_questionnaire else []
        return self.iter_pages(
            path,
            params,
            operation="rcwRegListRegistrants",
            what=f"registrants of session {session_id}",
        )

    def iter_registrants(
        self, session_id: str, *, include_questionnaire: bool = False
    ) -> Iterator[Record]:
        """Registrants of a session (``participantId`` is set for those who attended)."""
        pages = self.registrant_pages(session_id, include_questionnaire=include_questionnaire)
        return self._records(pages, what="registrants")

    def list_registrants(
        self, session_id: str, *, include_questionnaire: bool = False
    ) -> list[Record]:
        return list(self.iter_registrants(session_id, include_questionnaire=include_questionnaire))

    def get_registration_session(self, session_id: str) -> Record:
        """Registration state and counts of a session (``RegSessionModel``)."""
        return self.get_json(
            f"{REGISTRATION}/sessions/{_id(session_id)}",
            what=f"registration of session {session_id}",
        )

    def recording_pages(
        self,
        start: TimeLike,
        end: TimeLike,
        *,
        company: bool = True,
        status: Sequence[str] | None = None,
        hosts: Sequence[str] | None = None,
    ) -> Iterator[Page]:
        first, last = time_range(start, end)
        path = HISTORY + ("/company/recordings" if company else "/recordings")
        operation = "rcwHistoryAdminListRecordings" if company else "rcwHistoryListRecordings"
        params = [("creationTimeFrom", api_time(first)), ("creationTimeTo", api_time(last))]
        params += [("status", s) for s in status or ()]
        if hosts:
            params.append(("hostUserId", ",".join(hosts)))
        return self.iter_pages(path, params, operation=operation, what="recordings")

    def iter_recordings(self, start: TimeLike, end: TimeLike, **filters: Any) -> Iterator[Record]:
        """Recordings created in ``[start, end]`` (company-wide by default)."""
        return self._records(self.recording_pages(start, end, **filters), what="recordings")

    def list_recordings(self, start: TimeLike, end: TimeLike, **filters: Any) -> list[Record]:
        return list(self.iter_recordings(start, end, **filters))

    def get_recording(self, recording_id: str, *, company: bool = True) -> Record:
        path = f"{HISTORY}/{'company/' if company else ''}recordings/{_id(recording_id)}"
        return self.get_json(path, what=f"recording {recording_id}")


def _json_problem(response: httpx.Response) -> str | None:
    """Why a 2xx answer is unusable, or None when it is a JSON object."""
    if not response.content:
        return "answer was empty"
    content_type = response.headers.get("content-type", "")
    if "json" not in content_type:
        return f"answer was {content_type or 'untyped'}, not JSON"
    try:
        body = json.loads(response.content)
    except ValueError:
        return "answer was not valid JSON (truncated?)"
    if not isinstance(body, dict):
        return "answer was not a JSON object"
    return None


def _id(value: str) -> str:
    text = api_id(value)
    if text is None:
        raise ConfigurationError(f"not an API id: {value!r}")
    return text


def api_id(value: object) -> str | None:
    """``value`` as an API id (a string or a whole number, 1 to ``MAX_ID_LENGTH`` characters,
    no ``/`` that would change the path of a request naming it), or None when it is not one."""
    text = _id_text(value)
    return text if text and "/" not in text and len(text) <= MAX_ID_LENGTH else None


def _id_text(value: object) -> str | None:
    """A string or a whole number as text; None for anything else (bools, objects, lists)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _settings_from_env(env_file: str | os.PathLike[str] | None) -> dict[str, str | Secret]:
    """The ``RC_*`` settings, the secret ones wrapped as soon as they are read."""
    values: dict[str, str | None] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update(dotenv_values(env_file))
    values.update({k: v for k, v in os.environ.items() if k.startswith("RC_")})
    settings: dict[str, str | Secret] = {}
    missing = None
    for field, variable in ENV_VARIABLES.items():
        value = values.get(variable)
        if value:
            settings[field] = Secret(value) if field in ("client_secret", "jwt") else value
        elif field != "server_url" and missing is None:
            missing = variable
    values.clear()
    if missing is not None:
        raise ConfigurationError(
            f"{missing} is not set: export {missing}=... or put it in a .env file in the working"
            " directory (the README's 'Using the real RingCentral Webinar API' lists all four"
            " variables)"
        )
    return settings


def checked_server_url(value: str) -> str:
    """``value`` without a trailing slash, if it is an http(s) URL with a host."""
    try:
        url = httpx.URL(value)
    except (httpx.InvalidURL, TypeError):
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(
            f"the server URL {value!r} is not an http(s) URL with a host, such as "
            f"{DEFAULT_SERVER_URL}; check --server-url or RC_SERVER_URL"
        )
    return str(value).rstrip("/")


def default_limiter_dir() -> Path:
    """The folder where every client of this machine's user shares its pacing state:
    ``$WEBINAR_INSIGHTS_LIMITER_DIR``, else ``<user cache dir>/webinar-insights/limiter``."""
    explicit = os.environ.get("WEBINAR_INSIGHTS_LIMITER_DIR")
    if explicit:
        return Path(explicit)
    return Path(platformdirs.user_cache_dir("webinar-insights", appauthor=False)) / "limiter"


def _unknown_host(failure: BaseException) -> bool:
    """Whether a connection failed because the host name does not resolve."""
    cause: BaseException | None = failure
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return cause.errno not in (socket.EAI_AGAIN,)  # a DNS outage is worth retrying
        cause = cause.__cause__ or cause.__context__
    return False


def _record_key(record: object) -> str | None:
    """A record's ``id`` as text, None when it has no usable one (not an object, no id, or an
    id that is an object or a list): such a record is passed on for the store to judge."""
    return _id_text(record.get("id")) if isinstance(record, dict) else None


def _revealed(form: TokenForm | None) -> dict[str, str] | None:
    if form is None:
        return None
    return {k: v.reveal() if isinstance(v, Secret) else v for k, v in form.items()}


def _bearer(token: Secret | None) -> dict[str, str]:
    return {} if token is None else {"Authorization": f"Bearer {token.reveal()}"}


class _TooLarge(Exception):
    pass


class _BoundedBody:
    """An answer's body, decoded as it arrives and never more than ``MAX_BODY_BYTES``: gzip
    and deflate are inflated piece by piece with a bound on each piece, so a small download
    that inflates to gigabytes stops at the cap instead of filling memory in one call."""

    STEP = 2**20

    def __init__(self, encoding: str | None) -> None:
        kind = (encoding or "identity").strip().lower()
        if kind not in ("identity", "gzip", "x-gzip", "deflate"):
            raise _TooLarge(f"answer was in an encoding this client did not ask for ({kind!r})")
        # 47: a gzip or a zlib header, whichever the server sent.
        self._inflate = None if kind == "identity" else zlib.decompressobj(47)
        self._parts: list[bytes] = []
        self._size = 0

    def _add(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > MAX_BODY_BYTES:
            raise _TooLarge(f"answer was larger than {MAX_BODY_BYTES // 2**20} MiB")
        if data:
            self._parts.append(data)

    def feed(self, raw: bytes) -> None:
        if self._inflate is None:
            self._add(raw)
            return
        try:
            while raw:
                self._add(self._inflate.decompress(raw, self.STEP))
                raw = self._inflate.unconsumed_tail
        except zlib.error:
            raise _TooLarge("answer was not the compressed data it said it was") from None

    def finish(self) -> None:
        if self._inflate is not None:
            try:
                self._add(self._inflate.flush(self.STEP))
            except zlib.error:
                raise _TooLarge("answer was not the compressed data it said it was") from None

    def content(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


class _NoWait(Exception):
    pass


def _never_wait(seconds: float) -> None:
    raise _NoWait(seconds)
