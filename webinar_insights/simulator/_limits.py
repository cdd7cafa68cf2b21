"""The platform's rate limiting: a sliding window per key, with a penalty that restarts."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    window: float
    retry_after: float


@dataclass(slots=True)
class _KeyState:
    sent: deque[float] = field(default_factory=deque)
    penalty_until: float = 0.0


class SlidingWindowLimiter:
    """``limit`` requests per ``window`` seconds per key.

    Going over the limit starts a penalty of one window; a request that arrives during the
    penalty is refused and restarts it, as RingCentral documents.
    """

    def __init__(self, *, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._keys: dict[tuple[str, ...], _KeyState] = {}
        self._lock = threading.Lock()

    def check(self, key: tuple[str, ...], now: float) -> Verdict:
        with self._lock:
            state = self._keys.setdefault(key, _KeyState())
            if now < state.penalty_until:
                state.penalty_until = now + self.window
                return Verdict(False, self.limit, 0, self.window, self.window)
            while state.sent and state.sent[0] <= now - self.window:
                state.sent.popleft()
            if len(state.sent) >= self.limit:
                state.penalty_until = now + self.window
                return Verdict(False, self.limit, 0, self.window, self.window)
            state.sent.append(now)
            return Verdict(True, self.limit, self.limit - len(state.sent), self.window, 0.0)


def format_seconds(seconds: float) -> str:
    """Whole seconds as an integer (as the platform sends them); a shrunk window keeps its fraction."""
    if float(seconds).is_integer():
        return str(int(seconds))
    return f"{seconds:.3f}".rstrip("0").rstrip(".")


def limit_headers(group: str, verdict: Verdict) -> list[tuple[str, str]]:
    """The ``X-Rate-Limit-*`` headers the platform sends with every answer of ``group``."""
    return [
        ("X-Rate-Limit-Group", group),
        ("X-Rate-Limit-Limit", str(verdict.limit)),
        ("X-Rate-Limit-Remaining", str(verdict.remaining)),
        ("X-Rate-Limit-Window", format_seconds(verdict.window)),
    ]
