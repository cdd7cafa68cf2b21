"""Incremental, resumable sync from the Webinar API into a ``Store``.

The history API lists sessions by ``endTime`` window only, so a sync lists calendar-month
windows (UTC), newest first, and then fetches, per session and newest first, what the depth
asks for:

* a window is listed again unless it is *settled*: listed before, every session in it Finished
  or never ran (still Scheduled a day after its planned end), nothing known missing from its
  listing, and its end at least ``settle`` before that listing;
* registrants are fetched again while a session can still change (not Finished, not never-ran),
  when its ``lastModifiedTime`` changed, and for a Finished session once 1, 7 and 30 days after
  its end have passed (people register for the recording afterwards, and the record does not
  change for them);
* participants are fetched for Active and Finished sessions, and never again once fetched
  for a Finished session.

Each unit (one window listing, one session's registrants or participants) is stored whole
before the manifest records it, so a killed sync resumes where it stopped.

What one session does cannot stop the others: a session whose people answer 404 is looked up
on its own, and if that answers 404 too it is *gone* (deleted on the server: it leaves the
tables, its raw pages stay); a 403 marks that list *forbidden* (skipped until ``full_refresh``);
a paging chain or an answer that cannot be followed marks that unit *failed* (tried again next
sync). A session missing from a fresh listing is only dropped once its own GET answers 404: an
empty or shrunken listing alone never deletes or settles anything. Every such case is kept in
the store (``Store.problems()``) and listed in the summary.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from tqdm.auto import tqdm

from ._time import TimeLike, time_range
from .client import Client
from .errors import (
    BadRequestError,
    BadResponseError,
    ConfigurationError,
    NotFoundError,
    PagingError,
    PermissionDeniedError,
    SyncInterrupted,
)
from .store import (
    FetchKind,
    FetchState,
    Problem,
    ProblemKind,
    ProblemRecord,
    SessionState,
    Store,
    parse_time,
    problem_lines,
    quarantine_lines,
)

logger = logging.getLogger("webinar_insights")
Depth = Literal["sessions", "registrants", "participants"]
DEPTHS: tuple[Depth, ...] = ("sessions", "registrants", "participants")
# What fails one unit (a listing, one session's people) and not the whole sync. Server errors,
# dropped connections and rate limits stop the sync instead: they concern every request.
UNIT_ERRORS: tuple[type[Exception], ...] = (BadRequestError, BadResponseError, PagingError)
CONFIRM_ERRORS: tuple[type[Exception], ...] = (*UNIT_ERRORS, PermissionDeniedError)
NEVER_RAN = "NeverRan"  # the status a fetch is recorded with when its session never ran
SETTLED_FETCH = ("Finished", NEVER_RAN)
# After a Finished session ends, its registrants are asked again once each of these has passed:
# people keep registering for the recording (post-webinar registrants) for days or weeks.
POST_WEBINAR_CHECKS = (timedelta(days=1), timedelta(days=7), timedelta(days=30))
# The range a sync covers when none is given: a year and a month back, and the month ahead.
DEFAULT_BACK = timedelta(days=400)
DEFAULT_AHEAD = timedelta(days=40)


def default_range(now: datetime) -> tuple[datetime, datetime]:
    """The sync range used when none is given (``DEFAULT_BACK`` and ``DEFAULT_AHEAD`` of now)."""
    return now - DEFAULT_BACK, now + DEFAULT_AHEAD


def refresh_plan(
    store: Store,
    now: datetime,
    *,
    sync_range: tuple[TimeLike, TimeLike] | None = None,
    depth: Depth | None = None,
) -> tuple[datetime, datetime, Depth]:
    """The range and depth of a "refresh" of an existing store: ``sync_range`` when given, else
    the range every finished sync covered stretched to ``DEFAULT_AHEAD`` of now, else the
    default range; ``depth`` when given, else the deepest an earlier sync went (at least
    registrants)."""
    done = [s for s in store.provenance()["syncs"] if s.get("finished")]
    if sync_range is not None:
        first, last = time_range(*sync_range)
    elif done:
        first = min(datetime.fromisoformat(s["start"]) for s in done)
        last = max(max(datetime.fromisoformat(s["end"]) for s in done), now + DEFAULT_AHEAD)
    else:
        first, last = default_range(now)
    earlier: list[Depth] = [s["depth"] for s in done if s.get("depth") in DEPTHS]
    chosen: Depth = (
        depth if depth is not None else max(earlier, key=DEPTHS.index, default="registrants")
    )
    return first, last, chosen


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
    never_ran: int = 0
    problems: tuple[str, ...] = ()  # one line per session or list that could not be read
    problem_groups: tuple[str, ...] = ()  # the same, one line per kind of problem
    quarantined: tuple[str, ...] = ()  # what was read but not usable, one line per kind

    def __str__(self) -> str:
        lines = [
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
        if self.never_ran:
            lines.append(
                f"  never ran  {self.never_ran:,} sessions still Scheduled a day after their"
                " planned end (settled: not fetched again)"
            )
        if self.quarantined:
            lines.append(
                "  set aside  read but not usable as sent (Store.quarantine() lists each):"
            )
            lines += [f"    {line}" for line in self.quarantined]
        if self.problems:
            count = len(self.problems)
            lines.append(f"  problems   {count:,} could not be read (Store.problems() lists each):")
            lines += [f"    {line}" for line in self.problem_groups]
        return "\n".join(lines)


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
        List settled windows again, and ask again for lists that were forbidden.
    wait:
        Seconds to wait for another writer's lock before failing.

    Raises
    ------
    SyncInterrupted
        On Ctrl-C; everything finished before it is stored, and the same call resumes.
    """
    if depth not in DEPTHS:
        raise ConfigurationError(f"depth must be one of {', '.join(DEPTHS)}, not {depth!r}")
    if isinstance(hosts, str) or (
        hosts is not None and not all(isinstance(h, str) and h for h in hosts)
    ):
        raise ConfigurationError(
            f"hosts must be a list of host user ids, such as ['62000001'], not {hosts!r}"
        )
    first, last = time_range(start, end)
    scope = (
        "own" if not company else ("company" if not hosts else "hosts=" + ",".join(sorted(hosts)))
    )
    started = time.monotonic()
    requests_before, limited_before = client.requests_sent, client.rate_limited
    run = _Run(client, store, depth=depth, full_refresh=full_refresh)
    try:
        client.authenticate()  # the first answer comes before anything is written
        run.now = client.server_now()
        with store.writing(wait=wait):
            run.previous = store.session_states()
            sync_id = store.begin_sync(start=first, end=last, depth=depth)
            windows = month_windows(first, last)
            run.total = len(windows)
            keys = [f"{scope}/{lower:%Y-%m}" for lower, _ in windows]
            tables: dict[str, int] = {}
            for attempt in range(2):  # a second pass re-fetches units found corrupt
                run.seen.clear()
                # Newest first: the months a reader most likely wants are complete soonest.
                for key, (lower, upper) in reversed(list(zip(keys, windows, strict=True))):
                    state = store.window(key)
                    if state is not None and not full_refresh:
                        settled, listed_at = state
                        if settled and upper + settle <= datetime.fromisoformat(listed_at):
                            run.counts["skipped"] += 1
                            run.done += 1
                            continue
                    run.list_window(key, scope, lower, upper, company=company, hosts=hosts)
                if depth != "sessions":
                    run.now = client.server_now()  # the listings' answers moved it on
                    in_range = [
                        s
                        for s in store.session_states().values()
                        if s.window_key in keys and s.gone is None
                    ]
                    run.fetch_people(in_range)
                tables = store._rebuild(repair=True)
                if not tables.pop("forgotten", 0) or attempt:
                    break
                logger.warning("Some stored files were unreadable; fetching them again")
            summary = SyncSummary(
                requests=client.requests_sent - requests_before,
                rate_limited=client.rate_limited - limited_before,
                windows_listed=run.counts["listed"],
                windows_skipped=run.counts["skipped"],
                sessions_new=run.counts["new"],
                sessions_updated=run.counts["updated"],
                sessions_unchanged=run.counts["unchanged"],
                registrants_fetched=run.counts["registrants"],
                participants_fetched=run.counts["participants"],
                seconds=time.monotonic() - started,
                tables=tables,
                never_ran=run.counts["never_ran"],
                problems=tuple(str(p) for p in run.problems),
                problem_groups=tuple(problem_lines(run.problems)),
                quarantined=tuple(quarantine_lines(store.quarantine())),
            )
            store.finish_sync(sync_id, requests=summary.requests, summary=asdict(summary))
    except KeyboardInterrupt:
        raise SyncInterrupted(done=run.done, total=max(run.total, run.done)) from None
    return summary


class _Run:
    """The state of one sync: what was listed, what is left, what went wrong."""

    def __init__(self, client: Client, store: Store, *, depth: Depth, full_refresh: bool) -> None:
        self.client = client
        self.store = store
        self.depth = depth
        self.full_refresh = full_refresh
        self.now = datetime.now(UTC)
        self.previous: dict[str, SessionState] = {}  # the manifest's sessions as the sync began
        self.seen: set[str] = set()
        self.problems: list[ProblemRecord] = []
        self.done = 0  # units finished (listings and people fetches)
        self.total = 0  # units known so far
        self.counts = dict.fromkeys(
            (
                "new",
                "updated",
                "unchanged",
                "listed",
                "skipped",
                "registrants",
                "participants",
                "never_ran",
            ),
            0,
        )

    def problem(self, session_id: str, kind: ProblemKind, problem: Problem, detail: str) -> None:
        self.store.record_problem(session_id, kind, problem, detail)
        self.problems.append(ProblemRecord(session_id, kind, problem, detail, ""))
        logger.info("%s", self.problems[-1])  # the summary lists them all at the end

    # -- listings -------------------------------------------------------------------------------
    def list_window(
        self,
        key: str,
        scope: str,
        lower: datetime,
        upper: datetime,
        *,
        company: bool,
        hosts: Sequence[str] | None,
    ) -> None:
        try:
            pages = list(
                self.client.session_pages(
                    lower, upper, company=company, hosts=hosts, window=upper - lower
                )
            )
        except UNIT_ERRORS as error:
            # Not recorded: the next sync lists this window again.
            self.problem(key, "listing", "failed", str(error))
            self.done += 1
            return
        self.store.clear_problem(key, "listing")
        records = [r for page in pages for r in page.records]
        listed: set[str] = set()
        all_settled = True
        for record in records:
            state = SessionState.from_listing(record, key)
            if state is None:
                all_settled = False  # an odd listing: list it again next time
                continue
            sid = state.session_id
            listed.add(sid)
            if sid in self.seen:
                continue
            self.seen.add(sid)
            all_settled = all_settled and state.settled(self.now)
            self.counts["never_ran"] += state.never_ran(self.now)
            before = self.previous.get(sid)
            if before is None:
                self.counts["new"] += 1
            elif (before.status, before.modified) != (state.status, state.modified):
                self.counts["updated"] += 1
            else:
                self.counts["unchanged"] += 1
            if before is not None and before.gone is not None:
                self.store.clear_problem(sid, "session")  # listed again: not gone after all
        # Known sessions of this window that the listing left out: gone only if confirmed.
        missing = [
            s
            for s in self.previous.values()
            if s.window_key == key and s.gone is None and s.session_id not in self.seen
        ]
        unconfirmed = [s for s in missing if not self.confirm_gone(s)]
        # A window settles only when two listings agree on what it holds: a first listing that
        # came back empty or short (a glitch) must not be taken as final.
        digest = hashlib.sha256(" ".join(sorted(listed)).encode()).hexdigest()[:32]
        agreed = self.store.window_digest(key) == digest
        self.store.record_window(
            key=key,
            scope=scope,
            start=lower,
            end=upper,
            pages=[p.content for p in pages],
            sessions=records,
            settled=all_settled and not unconfirmed and agreed,
            ids_digest=digest,
            listed_at=self.client.server_now(),
            keep_previous=bool(unconfirmed),
        )
        self.counts["listed"] += 1
        self.done += 1

    def confirm_gone(self, session: SessionState) -> bool:
        """Ask for the session itself; True (and recorded) when the API says it is deleted."""
        if not session.webinar_id:
            return False
        try:
            self.client.get_session(session.webinar_id, session.session_id)
        except NotFoundError as error:
            code = f" {error.error_code}" if error.error_code else ""
            self.problem(
                session.session_id,
                "session",
                "gone",
                f"deleted on the server; its own record answers HTTP 404{code}",
            )
            return True
        except CONFIRM_ERRORS:
            return False
        return False

    # -- people ---------------------------------------------------------------------------------
    def fetch_people(self, sessions: list[SessionState]) -> None:
        kinds: list[FetchKind] = ["registrants"]
        if self.depth == "participants":
            kinds.append("participants")
        newest_first = sorted(sessions, key=lambda s: s.end_time or "", reverse=True)
        work = [
            (s, kind)
            for s in newest_first
            for kind in kinds
            if not (kind == "participants" and s.status == "Scheduled") and self.needs(s, kind)
        ]
        self.total += len(work)
        gone: set[str] = set()
        with tqdm(
            total=len(work),
            desc="sessions' people",
            unit=" fetches",
            disable=not self.client.progress,
        ) as bar:
            for session, kind in work:
                if session.session_id not in gone and not self.fetch(session, kind):
                    gone.add(session.session_id)
                self.done += 1
                bar.update()

    def needs(self, session: SessionState, kind: FetchKind) -> bool:
        if not self.full_refresh and (session.session_id, kind) in self.forbidden:
            return False
        done = self.store.fetch_state(session.session_id, kind)
        if done is None:
            return True
        if kind == "participants":
            return done.status != "Finished"  # a Finished session's participants do not change
        # Settled when fetched (Finished, or never ran) and not modified since: nothing new,
        # except people registering for the recording after a Finished session ended (the
        # record's lastModifiedTime does not move for them): asked again at a few checkpoints.
        if done.status not in SETTLED_FETCH or done.modified != session.modified:
            return True
        return done.status == "Finished" and self.post_webinar_check_due(session, done)

    def post_webinar_check_due(self, session: SessionState, done: FetchState) -> bool:
        end, fetched_at = parse_time(session.end_time), parse_time(done.fetched_at)
        if end is None or fetched_at is None:
            return False
        passed = [end + after for after in POST_WEBINAR_CHECKS if end + after <= self.now]
        return bool(passed) and fetched_at < passed[-1]

    @functools.cached_property
    def forbidden(self) -> set[tuple[str, str]]:
        """(session, list) pairs a 403 refused in an earlier sync."""
        return {(p.session_id, p.kind) for p in self.store.problems() if p.problem == "forbidden"}

    def fetch(self, session: SessionState, kind: FetchKind) -> bool:
        """Fetch and store one people list; False when the session turned out to be gone."""
        sid = session.session_id
        webinar_id = session.webinar_id
        if kind == "participants" and not webinar_id:
            # A manifest row from an older version, or a listing that named no webinar: the
            # participants' path needs it. A later listing of the session fills it in.
            self.problem(sid, kind, "failed", "no webinar id is known for this session yet")
            return True
        try:
            if kind == "registrants":
                pages = list(self.client.registrant_pages(sid))
            else:
                pages = list(
                    self.client.participant_pages(
                        webinar_id or "", sid, expected=session.participants
                    )
                )
        except NotFoundError as error:
            if self.confirm_gone(session):
                return False
            self.problem(sid, kind, "failed", str(error))
            return True
        except PermissionDeniedError as error:
            code = f" {error.error_code}" if error.error_code else ""
            reason = f": {error.api_message}" if error.api_message else ""
            self.problem(
                sid,
                kind,
                "forbidden",
                f"HTTP 403{code}{reason}; asked again only with a full refresh",
            )
            return True
        except UNIT_ERRORS as error:
            self.problem(sid, kind, "failed", str(error))
            return True
        self.store.record_fetch(
            sid,
            kind,
            status=NEVER_RAN if session.never_ran(self.now) else session.status,
            fetched_at=self.client.server_now(),
            modified=session.modified,
            pages=[page.content for page in pages],
        )
        self.store.clear_problem(sid, kind)
        self.counts[kind] += 1
        return True
