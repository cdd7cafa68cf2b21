"""Pace requests so that a normal run never meets a 429.

RingCentral limits each (user, app, group) to ``limit`` requests per sliding ``window`` and
punishes excess with a penalty that restarts on every request sent during it. The pacer keeps
its own log of send times per group and waits, before each request, until the oldest send in the
window has aged out. The server's headers refine the picture: ``X-Rate-Limit-Limit`` and
``-Window`` set the budget, and a ``-Remaining`` lower than the log expects means someone else is
spending it (the log then counts phantom sends). After a 429 nothing is sent until the penalty
is over.

One pacer serves every thread of a process (a lock); ``FilePacer`` also serves every process that
points at the same directory (a file lock around a small JSON state file).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock

logger = logging.getLogger("webinar_insights")

# The platform's documented defaults, used until the server's headers say otherwise.
DEFAULT_BUDGETS = {
    "Heavy": (10, 60.0),
    "Auth": (5, 60.0),
    "Medium": (40, 60.0),
    "Light": (50, 60.0),
}
# Sends are logged when their answer arrives, after the server stamped them, so a slot frees
# on our side after it did on the server's; the margin only absorbs clock granularity and
# the server's own boundary rule.
MARGIN_SECONDS = 0.003
MARGIN_SHARE = 0.002
# What a server may announce, and what a state file may hold, before it is taken as nonsense:
# a window or penalty longer than an hour, or a budget above 10,000 requests, is no platform's.
MAX_WINDOW = 3600.0
MAX_LIMIT = 10_000
MAX_PENALTY = 3600.0


@dataclass(slots=True)
class GroupState:
    limit: int
    window: float
    sent: list[float] = field(default_factory=list)  # send times on the pacer clock, oldest first
    blocked_until: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "limit": self.limit,
            "window": self.window,
            "sent": self.sent,
            "blocked_until": self.blocked_until,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], *, now: float) -> GroupState:
        """The state a file holds, or ``ValueError`` when it is not a sane one (the file is then
        replaced, not obeyed: a damaged or hostile file must not stop every later sync)."""
        limit, window = int(data["limit"]), float(data["window"])
        sent = [float(t) for t in data["sent"]]
        blocked_until = float(data["blocked_until"])
        if not 1 <= limit <= MAX_LIMIT or not 0 < window <= MAX_WINDOW:
            raise ValueError(f"limit {limit} / window {window} out of range")
        if not math.isfinite(blocked_until) or blocked_until > now + MAX_PENALTY:
            raise ValueError(f"a penalty until {blocked_until}")
        if len(sent) > 4 * MAX_LIMIT or not all(
            math.isfinite(t) and t <= now + MAX_PENALTY for t in sent
        ):
            raise ValueError("send times out of range")
        return cls(limit=limit, window=window, sent=sorted(sent), blocked_until=blocked_until)


def _reserve(state: GroupState, now: float) -> float:
    """Book the next send slot at or after ``now``; return its time."""
    horizon = now - state.window
    state.sent = [t for t in state.sent if t > horizon - state.window]  # keep what can matter
    at = max(now, state.blocked_until)
    # A send still counts for a margin after its window has passed: the server stamps
    # arrival, which comes a little after our send, so it frees the slot a little later.
    reach = state.window + max(MARGIN_SECONDS, MARGIN_SHARE * state.window)
    while True:
        in_window = [t for t in state.sent if t > at - reach]
        if len(in_window) < state.limit:
            break
        at = in_window[-state.limit] + reach
    state.sent.append(at)
    state.sent.sort()
    return at


def _unbook(state: GroupState, booked: float) -> None:
    with suppress(ValueError):  # the state file may have been reset meanwhile
        state.sent.remove(booked)


def _observe(
    state: GroupState,
    sent_at: float,
    *,
    limit: int | None,
    window: float | None,
    remaining: int | None,
) -> None:
    if limit is not None and 0 < limit <= MAX_LIMIT:
        state.limit = limit
    if window is not None and 0 < window <= MAX_WINDOW:  # NaN fails both comparisons
        state.window = window
    if remaining is not None:
        # The server counted its window when our request arrived, i.e. just after sent_at.
        slack = max(MARGIN_SECONDS, MARGIN_SHARE * state.window)
        in_window = sum(1 for t in state.sent if sent_at - state.window - slack < t <= sent_at)
        unseen = (state.limit - remaining) - in_window
        for _ in range(max(0, unseen)):  # someone else spent part of the budget
            state.sent.append(sent_at)
        state.sent.sort()


class Pacer:
    """In-process pacer shared by the threads of one client."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._groups: dict[str, GroupState] = {}
        self._own: dict[str, set[float]] = {}  # send times this pacer logged, per group

    @contextmanager
    def _state(self) -> Iterator[dict[str, GroupState]]:
        with self._lock:
            yield self._groups

    def wait_turn(
        self,
        group: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
        refuse_to_share: bool = False,
    ) -> float:
        """Block until a request in ``group`` may be sent; return the send time logged.

        With ``refuse_to_share``, a wait that someone else causes (a 429 penalty, or sends in
        the window that this pacer did not log: another client of the credential) raises
        ``SharedBudget`` instead; this client's own pacing still waits.
        """
        while True:
            with self._state() as groups:
                now = self._clock()
                state = _group(groups, group)
                booked = _reserve(state, now)
                if booked > now and refuse_to_share:
                    own = self._own.get(group, set())
                    foreign = state.blocked_until > now or any(
                        t > now - state.window and t not in own and t != booked for t in state.sent
                    )
                    if foreign:
                        _unbook(state, booked)
                        raise SharedBudget(booked - now)
            if booked > now:
                try:
                    sleep(booked - now)
                except BaseException:  # fail-fast, or an interrupt: the slot was not used
                    with self._state() as groups:
                        _unbook(_group(groups, group), booked)
                    raise
            with self._state() as groups:
                state = _group(groups, group)
                now = self._clock()
                _unbook(state, booked)
                if state.blocked_until > now:
                    continue  # a 429 arrived while this thread slept: book again after it
                at = _reserve(state, now)
                if at > now:
                    _unbook(state, at)
                    continue  # a send in flight finished later than booked: the slot moved
                self._own.setdefault(group, set()).add(now)
                return now  # _reserve logged the send at this very moment

    def done(self, group: str, sent_at: float) -> None:
        """The request sent at ``sent_at`` got its answer (or failed): log it as of now.

        The server stamped it somewhere between send and answer, so logging the answer time
        can only free its slot late, never early, whatever the latency or load.
        """
        with self._state() as groups:
            state = _group(groups, group)
            _unbook(state, sent_at)
            logged = max(sent_at, self._clock())
            state.sent.append(logged)
            state.sent.sort()
            own = self._own.setdefault(group, set())
            own.discard(sent_at)
            own.add(logged)
            horizon = logged - 2 * state.window
            self._own[group] = {t for t in own if t > horizon}

    def window(self, group: str) -> float:
        """The rate-limit window of ``group`` last announced by the server (or the default)."""
        with self._state() as groups:
            return _group(groups, group).window

    def pending_block(self, group: str) -> float:
        """Seconds until a 429 penalty in ``group`` ends (0 when none)."""
        with self._state() as groups:
            return max(0.0, _group(groups, group).blocked_until - self._clock())

    def observe(
        self,
        group: str,
        *,
        sent_at: float,
        limit: int | None = None,
        window: float | None = None,
        remaining: int | None = None,
    ) -> None:
        with self._state() as groups:
            _observe(
                _group(groups, group),
                sent_at,
                limit=limit,
                window=window,
                remaining=remaining,
            )

    def penalize(self, group: str, seconds: float) -> None:
        """A 429 arrived: send nothing in ``group`` for ``seconds``."""
        seconds = min(MAX_PENALTY, seconds) if math.isfinite(seconds) else MAX_PENALTY
        with self._state() as groups:
            state = _group(groups, group)
            state.blocked_until = max(state.blocked_until, self._clock() + max(0.0, seconds))


class SharedBudget(Exception):
    """A send would have to wait for someone else's use of the budget (``seconds``)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def _group(groups: dict[str, GroupState], name: str) -> GroupState:
    if name not in groups:
        limit, window = DEFAULT_BUDGETS.get(name, DEFAULT_BUDGETS["Heavy"])
        groups[name] = GroupState(limit=limit, window=window)
    return groups[name]


class FilePacer(Pacer):
    """A pacer whose state lives in ``directory``, shared by every process that uses it.

    Its clock is wall time (processes share no monotonic clock).

    ``key`` names the credential (server, app, user); its hash names the files, so no secret
    is written anywhere.
    """

    def __init__(self, directory: Path, key: str, clock: Callable[[], float] = time.time) -> None:
        super().__init__(clock)
        directory.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        self.path = directory / f"ratelimit-{digest}.json"
        self._file_lock = FileLock(str(directory / f"ratelimit-{digest}.lock"))

    @contextmanager
    def _state(self) -> Iterator[dict[str, GroupState]]:
        with self._lock, self._file_lock:
            groups: dict[str, GroupState] = {}
            try:
                data = json.loads(self.path.read_text())
                now = self._clock()
                groups = {name: GroupState.from_json(g, now=now) for name, g in data.items()}
            except FileNotFoundError:
                pass
            except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as error:
                # A damaged state file is replaced: it only costs pacing precision.
                logger.warning("Replacing the rate-limit state %s (%s)", self.path, error)
                groups = {}
            yield groups
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({name: g.to_json() for name, g in groups.items()}))
            os.replace(tmp, self.path)
