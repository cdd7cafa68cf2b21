"""Incremental, resumable sync from the Webinar API into a ``Store``.

The history API lists sessions by ``endTime`` window only, so a sync lists calendar-month
windows (UTC) and then fetches, per session, what the depth asks for:

* a window is listed again unless it is *settled*: listed before, all its sessions Finished,
  and its end at least ``settle`` before that listing;
* registrants are fetched again while a session is not Finished or when its
  ``lastModifiedTime`` changed;
* participants are fetched for Active and Finished sessions, and never again once fetched
  for a Finished session.

Each unit (one window listing, one session's registrants or participants) is stored whole
before the manifest records it, so a killed sync resumes where it stopped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from tqdm.auto import tqdm

from ._time import TimeLike, time_range
from .client import Client
from .errors import ConfigurationError
from .store import FetchKind, SessionState, Store

logger = logging.getLogger("webinar_insights")
Depth = Literal["sessions", "registrants", "participants"]
DEPTHS: tuple[Depth, ...] = ("sessions", "registrants", "participants")


@dataclass(frozen=True, slots=True)
class SyncSummary:
    """What a sync did; ``str()`` gives the lines the CLI prints."""

    requests: int
    rate_limited: int
    windows_listed: int
    windows_skipped: int
    sessions_new: int
    sessions_updated: int
    sessions_unchanged: int
    registrants_fetched: int
    participants_fetched: int
    seconds: float
    tables: dict[str, int]

    def __str__(self) -> str:
        return "\n".join(
            [
                f"Synced in {self.seconds:.1f} s with {self.requests:,} API requests "
                f"({self.rate_limited} rate-limited)",
                f"  windows    {self.windows_listed} listed, {self.windows_skipped} settled and skipped",
                f"  sessions   {self.sessions_new:,} new, {self.sessions_updated:,} updated, "
                f"{self.sessions_unchanged:,} unchanged",
                f"  fetched    registrants of {self.registrants_fetched:,} sessions, "
                f"participants of {self.participants_fetched:,}",
                "  store      "
                + ", ".join(
                    f"{self.tables.get(t, 0):,} {t}"
                    for t in ("sessions", "registrants", "participants")
                ),
            ]
        )


def month_windows(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """Calendar months (UTC) that intersect ``[start, end)``, whole."""
    cursor = datetime(start.year, start.month, 1, tzinfo=UTC)
    windows = []
    while cursor < end:
        following = datetime(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1, tzinfo=UTC)
        windows.append((cursor, following))
        cursor = following
    return windows


def sync(
    client: Client,
    store: Store,
    *,
    start: TimeLike,
    end: TimeLike,
    depth: Depth = "sessions",
    hosts: Sequence[str] | None = None,
    company: bool = True,
    full_refresh: bool = False,
    settle: timedelta = timedelta(days=7),
    wait: float = 0.0,
) -> SyncSummary:
    """Bring ``store`` up to date for sessions ending in ``[start, end]``.

    Parameters
    ----------
    depth:
        ``"sessions"`` lists sessions only; ``"registrants"`` adds each session's registrants;
        ``"participants"`` adds registrants and participants.
    hosts, company:
        Company-wide (default; needs WebinarSettings), optionally only these host user ids, or
        ``company=False`` for the user's own sessions.
    full_refresh:
        List settled windows again too.
    wait:
        Seconds to wait for another writer's lock before failing.
    """
    if depth not in DEPTHS:
        raise ConfigurationError(f"depth must be one of {', '.join(DEPTHS)}, not {depth!r}")
    first, last = time_range(start, end)
    scope = (
        "own" if not company else ("company" if not hosts else "hosts=" + ",".join(sorted(hosts)))
    )
    started = time.monotonic()
    requests_before, limited_before = client.requests_sent, client.rate_limited
    with store.writing(wait=wait):
        client.share_limiter(store.path / "limiter")
        sync_id = store.begin_sync(start=first, end=last, depth=depth)
        counts = {
            "new": 0,
            "updated": 0,
            "unchanged": 0,
            "listed": 0,
            "skipped": 0,
            "registrants": 0,
            "participants": 0,
        }
        keys: set[str] = set()
        tables: dict[str, int] = {}
        for attempt in range(2):  # a second pass re-fetches units whose files were found corrupt
            previous = store.session_states()
            seen: set[str] = set()
            for lower, upper in month_windows(first, last):
                key = f"{scope}/{lower:%Y-%m}"
                keys.add(key)
                state = store.window(key)
                if state is not None and not full_refresh:
                    all_finished, listed_at = state
                    if all_finished and upper + settle <= datetime.fromisoformat(listed_at):
                        counts["skipped"] += 1
                        continue
                pages = list(
                    client.session_pages(
                        lower, upper, company=company, hosts=hosts, window=upper - lower
                    )
                )
                records = [r for page in pages for r in page.records]
                for record in records:
                    sid = str(record.get("id"))
                    if sid in seen:
                        continue
                    seen.add(sid)
                    before = previous.get(sid)
                    if before is None:
                        counts["new"] += 1
                    elif (before.status, before.modified) != (
                        record.get("status"),
                        record.get("lastModifiedTime"),
                    ):
                        counts["updated"] += 1
                    else:
                        counts["unchanged"] += 1
                store.record_window(
                    key=key,
                    scope=scope,
                    start=lower,
                    end=upper,
                    pages=[p.content for p in pages],
                    sessions=records,
                )
                counts["listed"] += 1
            if depth != "sessions":
                in_range = [s for s in store.session_states().values() if s.window_key in keys]
                _fetch_people(client, store, in_range, depth, counts)
            tables = store._rebuild(repair=True)
            if not tables.pop("forgotten", 0) or attempt:
                break
            logger.warning("Some stored files were unreadable; fetching them again")
        summary = SyncSummary(
            requests=client.requests_sent - requests_before,
            rate_limited=client.rate_limited - limited_before,
            windows_listed=counts["listed"],
            windows_skipped=counts["skipped"],
            sessions_new=counts["new"],
            sessions_updated=counts["updated"],
            sessions_unchanged=counts["unchanged"],
            registrants_fetched=counts["registrants"],
            participants_fetched=counts["participants"],
            seconds=time.monotonic() - started,
            tables=tables,
        )
        store.finish_sync(sync_id, requests=summary.requests, summary=asdict(summary))
    return summary


def _needs(store: Store, session: SessionState, kind: FetchKind) -> bool:
    done = store.fetch_state(session.session_id, kind)
    if done is None:
        return True
    if kind == "participants":
        return done.status != "Finished"  # a Finished session's participants do not change
    return done.status != "Finished" or done.modified != session.modified


def _fetch_people(
    client: Client, store: Store, sessions: list[SessionState], depth: Depth, counts: dict[str, int]
) -> None:
    kinds: list[FetchKind] = ["registrants"]
    if depth == "participants":
        kinds.append("participants")
    work = [
        (s, kind)
        for s in sessions
        for kind in kinds
        if not (kind == "participants" and s.status == "Scheduled") and _needs(store, s, kind)
    ]
    with tqdm(
        total=len(work), desc="sessions' people", unit=" fetches", disable=not client.progress
    ) as bar:
        for session, kind in work:
            if kind == "registrants":
                pages = client.registrant_pages(session.session_id)
            else:
                pages = client.participant_pages(session.webinar_id or "", session.session_id)
            contents = [page.content for page in pages]
            store.record_fetch(
                session.session_id,
                kind,
                status=session.status,
                modified=session.modified,
                pages=contents,
            )
            counts[kind] += 1
            bar.update()
