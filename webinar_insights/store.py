"""The local store: raw API pages as received, typed parquet tables, and a manifest.

Layout of a store directory::

    manifest.sqlite        what was synced: session listings, the stretches of time that are
                           settled (never listed again), per-session fetches, syncs, and the
                           sessions that could not be read (gone, forbidden, failed)
    raw/sessions/...       history session list pages (gzip), per listing
    raw/registrants/<id>/  registrant list pages of one session
    raw/participants/<id>/ participant list pages of one session
    tables/*.parquet       typed frames derived from the raw pages (``Store.rebuild``)

Every file is written to a temporary name and renamed into place, and a unit of work (one
window listing, one session's participants) enters the manifest only after its pages are on
disk, so a sync killed at any moment leaves a store that opens, holds no duplicates, and tells
the next sync exactly what is missing. One writer at a time holds ``.lock``.

Nothing a server sends can stop the tables from being derived: ``Store.rebuild`` reads every
raw page, and a record that does not fit (the rule is in ``frames``' docstring: bad values are
loaded as null, records that cannot be placed and unreadable pages are left out) is
*quarantined*: kept raw on disk, described in ``Store.quarantine()``, and its unit (a window
listing or one session's people list) counts as unsettled, so that the next sync asks for it
again. A full disk or a read-only store is a ``StoreError`` that says so, and loses nothing.
"""

from __future__ import annotations

import errno
import functools
import gzip
import io
import json
import os
import sqlite3
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar

import polars as pl
from filelock import FileLock, Timeout

from . import frames
from ._files import NO_SPACE, discard, no_space, write_file
from .client import Check, api_id
from .errors import ConfigurationError, DataWarning, StoreError

__all__ = [
    "DEFAULT_STORE",
    "DEPTH_ORDER",
    "FORMAT_VERSION",
    "NEVER_RAN_GRACE",
    "TABLES",
    "Coverage",
    "FetchKind",
    "FetchState",
    "Problem",
    "ProblemKind",
    "ProblemRecord",
    "QuarantinedRecord",
    "SessionState",
    "Store",
    "Stretch",
    "TableKind",
    "coverage_line",
    "default_store_path",
    "parse_time",
    "problem_lines",
    "quarantine_lines",
    "synced_ranges",
]

FetchKind = Literal["registrants", "participants"]
TableKind = Literal["sessions", "registrants", "participants"]
ProblemKind = Literal["listing", "session", "registrants", "participants"]
Problem = Literal["gone", "forbidden", "failed"]
FORMAT_VERSION = 1
DEFAULT_STORE = "webinar-data"
TABLES = ("sessions", "registrants", "participants")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS windows (
    key TEXT PRIMARY KEY, scope TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL,
    listed_at TEXT NOT NULL, all_finished INTEGER NOT NULL, seq INTEGER NOT NULL,
    pages TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    session_id TEXT PRIMARY KEY, webinar_id TEXT, status TEXT, modified TEXT,
    window_key TEXT NOT NULL, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS fetches (
    session_id TEXT NOT NULL, kind TEXT NOT NULL, status TEXT, modified TEXT,
    fetched_at TEXT NOT NULL, seq INTEGER NOT NULL, pages TEXT NOT NULL,
    PRIMARY KEY (session_id, kind));
CREATE TABLE IF NOT EXISTS problems (
    session_id TEXT NOT NULL, kind TEXT NOT NULL, problem TEXT NOT NULL, detail TEXT NOT NULL,
    seen_at TEXT NOT NULL, PRIMARY KEY (session_id, kind));
CREATE TABLE IF NOT EXISTS syncs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT NOT NULL, finished TEXT,
    range_start TEXT NOT NULL, range_end TEXT NOT NULL, depth TEXT NOT NULL,
    requests INTEGER, summary TEXT);
CREATE TABLE IF NOT EXISTS quarantine (
    kind TEXT NOT NULL, unit TEXT, session_id TEXT, record_id TEXT, field TEXT,
    value TEXT NOT NULL, problem TEXT NOT NULL, left_out INTEGER NOT NULL,
    raw_file TEXT NOT NULL, record INTEGER);
CREATE TABLE IF NOT EXISTS coverage (
    scope TEXT PRIMARY KEY, settled TEXT NOT NULL, pending TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS progress (
    kind TEXT PRIMARY KEY, remaining INTEGER NOT NULL, sync_id INTEGER NOT NULL);
"""


# Columns added to the manifest's sessions table after format 1 first shipped.
_SESSION_COLUMNS = {"end_time": "TEXT", "participants": "INTEGER", "gone": "TEXT"}
_WINDOW_COLUMNS = {"ids_digest": "TEXT"}  # which sessions the listing held (a hash)
_FETCH_COLUMNS = {"count": "INTEGER"}  # how many records the list held
NEVER_RAN_GRACE = timedelta(days=1)
"""A session still ``Scheduled`` this long after its planned end never ran (the API has no
status for that): it is settled, and its registrants are not fetched again."""


@dataclass(frozen=True, slots=True)
class SessionState:
    """What the manifest knows of a listed session."""

    session_id: str
    webinar_id: str | None
    status: str | None
    modified: str | None
    window_key: str
    end_time: str | None = None  # as listed: planned until the session finished
    participants: int | None = None  # uniqueParticipantCount as listed
    gone: str | None = None  # when the API confirmed it deleted (its own GET answered 404)

    @classmethod
    def from_listing(cls, record: Any, window_key: str) -> SessionState | None:
        """What a session listing's record says of its session; None without a usable id."""
        session_id = record_id(record)
        if session_id is None:
            return None
        return cls(
            session_id=session_id,
            webinar_id=record_id(record.get("webinar")),
            status=_text(record.get("status")),
            modified=_text(record.get("lastModifiedTime")),
            window_key=window_key,
            end_time=_text(record.get("endTime")),
            participants=_count(record.get("uniqueParticipantCount")),
        )

    def never_ran(self, at: datetime) -> bool:
        """Still Scheduled a grace period after its planned end: it never ran."""
        end = parse_time(self.end_time)
        return self.status == "Scheduled" and end is not None and end + NEVER_RAN_GRACE <= at

    def settled(self, at: datetime) -> bool:
        """Nothing about it can change any more (Finished, or never ran)."""
        return self.status == "Finished" or self.never_ran(at)


@dataclass(frozen=True, slots=True)
class Stretch:
    """A stretch of session end times ``[start, end)`` of one listing scope; ``digest`` hashes
    the ids of the sessions a listing held in it, ``unit`` names that listing."""

    start: datetime
    end: datetime
    digest: str = ""
    unit: str = ""

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end

    def to_json(self) -> list[str]:
        return [self.start.isoformat(), self.end.isoformat(), self.digest, self.unit]

    @classmethod
    def from_json(cls, item: Sequence[str]) -> Stretch:
        return cls(datetime.fromisoformat(item[0]), datetime.fromisoformat(item[1]), *item[2:4])


@dataclass(frozen=True, slots=True)
class Coverage:
    """What the syncs of one scope know for sure: ``settled`` stretches hold only sessions that
    cannot change any more and were listed the same twice (they are never listed again unless
    a full refresh asks); ``pending`` ones were found settled by one listing and wait for the
    next to agree."""

    settled: tuple[Stretch, ...] = ()
    pending: tuple[Stretch, ...] = ()

    def unsettled(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        """The parts of ``[start, end)`` outside every settled stretch, oldest first."""
        parts: list[tuple[datetime, datetime]] = []
        cursor = start
        for stretch in sorted(self.settled, key=lambda s: s.start):
            if stretch.end <= cursor or stretch.start >= end:
                continue
            if stretch.start > cursor:
                parts.append((cursor, stretch.start))
            cursor = max(cursor, stretch.end)
        if cursor < end:
            parts.append((cursor, end))
        return parts

    def settle(self, stretch: Stretch) -> Coverage:
        """This coverage with ``stretch`` settled (merged with the stretches it touches)."""
        start, end = stretch.start, stretch.end
        kept = []
        for other in self.settled:
            if other.end < start or other.start > end:
                kept.append(other)
            else:
                start, end = min(start, other.start), max(end, other.end)
        merged = sorted([*kept, Stretch(start, end)], key=lambda s: s.start)
        return Coverage(tuple(merged), self.pending)


@dataclass(frozen=True, slots=True)
class FetchState:
    status: str | None
    modified: str | None
    fetched_at: str | None = None
    count: int | None = None  # records the list held when fetched


@dataclass(frozen=True, slots=True)
class ProblemRecord:
    """A session, or one of its people lists, that a sync could not read."""

    session_id: str
    kind: ProblemKind
    problem: Problem
    detail: str
    seen_at: str

    def __str__(self) -> str:
        what = {
            "listing": "sessions listing",
            "session": "session",
            "registrants": "registrants of session",
            "participants": "participants of session",
        }[self.kind]
        return f"{what} {self.session_id}: {self.problem}: {self.detail}"


_PROBLEM_NOUNS = {
    "listing": ("session listing", "session listings"),
    "session": ("session", "sessions"),
    "registrants": ("registrant list", "registrant lists"),
    "participants": ("participant list", "participant lists"),
}


def problem_lines(problems: Sequence[ProblemRecord], *, examples: int = 3) -> list[str]:
    """One line per kind of problem, with how many and a few of the sessions, e.g.
    ``161 participant lists forbidden: HTTP 403 CMN-419: ... (sessions 500000212, 500000252,
    500000200 and 158 more)``: a reader wants the pattern first, the ids second."""
    groups: dict[tuple[str, str], list[ProblemRecord]] = {}
    for record in problems:
        groups.setdefault((record.kind, record.problem), []).append(record)
    lines = []
    for (kind, problem), records in sorted(groups.items(), key=lambda g: -len(g[1])):
        one, many = _PROBLEM_NOUNS.get(kind, (kind, kind))
        ids = [r.session_id for r in records]
        where = _some(ids, examples) if kind == "listing" else _sessions(ids, examples)
        noun = one if len(records) == 1 else many
        lines.append(f"{len(records):,} {noun} {problem}: {records[0].detail} ({where})")
    return lines


def _some(ids: Sequence[str], examples: int) -> str:
    """The first ``examples`` ids, and how many more."""
    more = len(ids) - examples
    return ", ".join(ids[:examples]) + (f" and {more:,} more" if more > 0 else "")


def _sessions(ids: Sequence[str], examples: int) -> str:
    return f"session{'s' if len(ids) > 1 else ''} {_some(ids, examples)}"


@dataclass(frozen=True, slots=True)
class QuarantinedRecord:
    """A record, raw page or people list the last rebuild could not use as sent.

    ``kind`` is the table it was meant for; ``session_id`` the session it belongs to (for a
    listing record, its own id when usable); ``record_id`` its id when readable; ``field`` the
    dotted API field at fault (None: the record, page or list as a whole); ``value`` that value,
    shortened; ``problem`` what is wrong; ``left_out`` whether it is missing from the tables
    (False: the record is in them with that field null); ``raw_file`` the raw page holding it,
    relative to the store, and ``record`` its position in that page (None: the whole page).

    The rule (``frames``' docstring has it in full): a bad value is loaded as null and the record
    kept; a record that cannot be placed (not a JSON object, no usable id, a session without a
    usable ``webinar.id``) is left out; a page that is not gzip or not JSON is left out whole
    (``rebuild(repair=True)`` and every sync forget its unit so that it is fetched again); the
    people of a session the sessions table does not hold are left out, one entry per list.
    Nothing is deleted: the raw pages stay, and the next sync asks for the unit again.
    """

    kind: TableKind
    session_id: str | None
    record_id: str | None
    field: str | None
    value: str
    problem: str
    left_out: bool
    raw_file: str
    record: int | None = None

    def __str__(self) -> str:
        if self.kind == "sessions":
            head = f"session {_shown(self.session_id)}" if self.session_id else "session listing"
        else:
            head = f"{self.kind} of session {_shown(self.session_id)}"
        if self.record is not None:
            subject = f"record #{self.record}"
            if self.record_id is not None and self.kind != "sessions":
                subject += f" (id {_shown(self.record_id)})"
        else:
            subject = "raw page" if self.value else "list"  # a page's value is its first bytes
        if self.field is not None:
            subject += f" field {self.field!r}"
        said = f" holds {self.value}, which {self.problem}" if self.value else f" {self.problem}"
        outcome = "left out" if self.left_out else "loaded as null"
        return f"{head}: {subject}{said}: {outcome} ({self.raw_file})"


_QUARANTINE_NOUNS = {
    "sessions": ("session record", "session records"),
    "registrants": ("registrant record", "registrant records"),
    "participants": ("participant record", "participant records"),
}


def quarantine_lines(records: Sequence[QuarantinedRecord], *, examples: int = 3) -> list[str]:
    """One line per kind of quarantined data, with how many and a few sessions, e.g. ``2
    registrant records left out: 'id' held {'a': 1}, which is not a string (sessions 500000020,
    500000021)``; ``Store.quarantine()`` has each one with its raw file."""
    groups: dict[tuple[str, str, str | None, str, bool], list[QuarantinedRecord]] = {}
    for q in records:
        level = "record" if q.record is not None else "page" if q.value else "list"
        groups.setdefault((q.kind, level, q.field, q.problem, q.left_out), []).append(q)
    lines = []
    for (kind, level, field, problem, left_out), group in sorted(
        groups.items(), key=lambda g: -len(g[1])
    ):
        one, many = _QUARANTINE_NOUNS[kind]
        if level == "page":
            one, many = f"raw {kind} page", f"raw {kind} pages"
        elif level == "list":
            one, many = one.replace("record", "list"), many.replace("records", "lists")
        count = len(group)
        noun = one if count == 1 else many
        first = group[0]
        if not left_out:
            what = f"kept with {field!r} null: it held {first.value}, which {problem}"
        elif field is not None:
            held = f" held {first.value}, which" if first.value else ""
            what = f"left out: {field!r}{held} {problem}"
        elif level == "record":
            what = f"left out: {first.value} {problem}"
        else:
            what = f"left out: {problem}"
        ids = list(dict.fromkeys(_shown(q.session_id) for q in group if q.session_id))
        where = _sessions(ids, examples) if ids else first.raw_file
        lines.append(f"{count:,} {noun} {what} ({where})")
    return lines


def _shown(text: str | None) -> str:
    """An id for a message: as it is when plain, else quoted with escapes, and never long."""
    if text is None:
        return "(none)"
    shown = text if text.isprintable() and " " not in text else repr(text)
    return shown if len(shown) <= 40 else shown[:37] + "..."


DEPTH_ORDER: tuple[str, ...] = ("sessions", "registrants", "participants")
"""Sync depths, shallow to deep: a sync at a depth also fetched what every shallower one does."""


def synced_ranges(
    syncs: Iterable[Mapping[str, Any]],
) -> dict[str, tuple[tuple[datetime, datetime], ...]]:
    """Which ranges ``[start, end)`` the finished ``syncs`` (``Store.provenance()["syncs"]``)
    cover, per depth: a range counts at the depth it was synced to and every shallower one,
    never deeper. Overlapping or touching ranges are merged, oldest first; a sync that did not
    finish, or whose range does not parse, covers nothing; one that stopped at its budget with
    people lists left (``left``) covers its range at depth ``sessions`` only.

    >>> synced_ranges([{"start": "2026-01-01T00:00:00+00:00", "end": "2026-02-01T00:00:00+00:00",
    ...                 "depth": "registrants", "finished": "2026-02-02T00:00:00+00:00"}])["participants"]
    ()
    """
    ranges: dict[str, list[tuple[datetime, datetime]]] = {depth: [] for depth in DEPTH_ORDER}
    for sync in syncs:
        depth = sync.get("depth")
        if not sync.get("finished") or depth not in DEPTH_ORDER:
            continue
        if sync.get("left"):
            depth = DEPTH_ORDER[0]  # the listing is whole, the people lists are not
        start, end = parse_time(sync.get("start")), parse_time(sync.get("end"))
        if start is None or end is None or end <= start:
            continue
        for shallower in DEPTH_ORDER[: DEPTH_ORDER.index(depth) + 1]:
            ranges[shallower].append((start, end))
    merged: dict[str, tuple[tuple[datetime, datetime], ...]] = {}
    for depth, parts in ranges.items():
        joined: list[tuple[datetime, datetime]] = []
        for start, end in sorted(parts):
            if joined and start <= joined[-1][1]:
                joined[-1] = (joined[-1][0], max(joined[-1][1], end))
            else:
                joined.append((start, end))
        merged[depth] = tuple(joined)
    return merged


def _left(summary: str | None) -> int:
    """The people lists a finished sync left for the next one (its summary's ``left``)."""
    try:
        left = json.loads(summary or "{}").get("left", 0)
    except (ValueError, AttributeError):
        return 0
    return left if isinstance(left, int) else 0


def default_store_path() -> Path:
    """``$WEBINAR_INSIGHTS_STORE``, else ``./webinar-data``."""
    return Path(os.environ.get("WEBINAR_INSIGHTS_STORE") or DEFAULT_STORE)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_READ_ONLY = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def _read_only(path: Path) -> StoreError:
    return StoreError(
        f"the store at {path} is read-only; report from a copy or fix its permissions"
    )


def _storage_error(error: BaseException, store: Path) -> StoreError | None:
    """The ``StoreError`` for a full disk or a read-only store, or None for other errors."""
    if isinstance(error, OSError):
        if error.errno in NO_SPACE:
            return no_space(store)
        if error.errno in _READ_ONLY:
            return _read_only(store)
    elif isinstance(error, sqlite3.OperationalError):
        name = getattr(error, "sqlite_errorname", "")
        if name == "SQLITE_FULL" or "disk is full" in str(error):
            return no_space(store)
        if name.startswith("SQLITE_READONLY") or "readonly database" in str(error):
            return _read_only(store)
    return None


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _storing(method: Callable[Concatenate[Store, _P], _R]) -> Callable[Concatenate[Store, _P], _R]:
    """A store method that writes: a full disk or a read-only store becomes a ``StoreError``
    that says so (and what to do) instead of a traceback."""

    @functools.wraps(method)
    def write(self: Store, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except (OSError, sqlite3.OperationalError) as error:
            translated = _storage_error(error, self.path)
            if translated is None:
                raise
            raise translated from None

    return write


class Store:
    """A store directory (created on first write). Reading needs no lock; writing takes one.

    Examples
    --------
    >>> store = Store("webinar-data")          # doctest: +SKIP
    >>> store.sessions().filter(status="Finished")  # doctest: +SKIP
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        if path is not None and not os.fspath(path).strip():
            raise ConfigurationError(
                "the store path is empty; name a folder (an empty path would make the current"
                " directory a store)"
            )
        self.path = Path(path) if path is not None else default_store_path()
        if self.path.exists() and not self.path.is_dir():
            raise ConfigurationError(f"store path {self.path} exists and is not a directory")
        self._lock = FileLock(str(self.path / ".lock"))
        self._db: sqlite3.Connection | None = None

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    @property
    def exists(self) -> bool:
        return (self.path / "manifest.sqlite").is_file()

    def _connect(self) -> sqlite3.Connection:
        """The manifest, brought up to today's tables; a store that cannot be written (a
        read-only mount, no write permission) is opened for reading only."""
        if self._db is None:
            manifest = self.path / "manifest.sqlite"
            existed = self.exists
            db: sqlite3.Connection | None = None
            try:
                if not existed:
                    self.path.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(manifest, timeout=30)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
                db.executescript(_SCHEMA)
                _add_missing_columns(db)
                db.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('format', ?)", (str(FORMAT_VERSION),)
                )
                db.commit()
            except (OSError, sqlite3.DatabaseError) as error:
                if db is not None:
                    db.close()
                if existed and not _writable(self.path, manifest):
                    self._db = _open_read_only(manifest)
                    return self._db
                translated = _storage_error(error, self.path)
                if translated is not None:
                    raise translated from None
                if isinstance(error, sqlite3.OperationalError | OSError):
                    raise StoreError(f"{manifest} cannot be opened ({error})") from None
                raise StoreError(
                    f"{manifest} is not a readable manifest ({error}); "
                    "move the store aside and sync again"
                ) from None
            self._db = db
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @contextmanager
    def writing(self, *, wait: float = 0.0) -> Iterator[Store]:
        """Hold the store's writer lock; a second writer waits ``wait`` seconds, then fails.

        A read-only store or a full disk is refused here, before anything is written."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._lock.acquire(timeout=wait)
        except Timeout:  # an OSError too (TimeoutError): first
            raise StoreError(
                f"another sync or rebuild is writing to {self.path} (lock file "
                f"{self.path / '.lock'}); wait for it to finish or pass wait= to queue behind it"
            ) from None
        except OSError as error:
            translated = _storage_error(error, self.path)
            if translated is None:
                raise
            raise translated from None
        try:
            yield self
        finally:
            self._lock.release()

    @_storing
    def _next_seq(self) -> int:
        db = self._connect()
        row = db.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()
        seq = int(row[0]) + 1 if row else 1
        db.execute("INSERT OR REPLACE INTO meta VALUES ('seq', ?)", (str(seq),))
        db.commit()
        return seq

    def coverage(self, scope: str) -> Coverage:
        """The settled and pending stretches of a listing scope (``record_coverage``)."""
        row = (
            self._connect()
            .execute("SELECT settled, pending FROM coverage WHERE scope = ?", (scope,))
            .fetchone()
        )
        if not row:
            return Coverage()
        return Coverage(
            tuple(Stretch.from_json(item) for item in json.loads(row[0])),
            tuple(Stretch.from_json(item) for item in json.loads(row[1])),
        )

    @_storing
    def record_coverage(self, scope: str, coverage: Coverage) -> None:
        db = self._connect()
        with db:
            db.execute(
                "INSERT OR REPLACE INTO coverage VALUES (?, ?, ?)",
                (
                    scope,
                    json.dumps([s.to_json() for s in coverage.settled]),
                    json.dumps([s.to_json() for s in coverage.pending]),
                ),
            )

    def listing_clean(self, unit: str) -> bool:
        """True when nothing of that listing's records was quarantined by the last rebuild."""
        return not self._quarantined("sessions", unit)

    @_storing
    def record_progress(self, sync_id: int, remaining: Mapping[str, int]) -> None:
        """How many people lists the running (or last) sync still has to fetch, by kind."""
        db = self._connect()
        with db:
            db.execute("DELETE FROM progress")
            db.executemany(
                "INSERT INTO progress VALUES (?, ?, ?)",
                [(kind, count, sync_id) for kind, count in remaining.items()],
            )

    def incomplete(self) -> list[str]:
        """Plain lines on what the store does not hold yet: people lists a running sync has
        still to fetch, or that the last sync left (stopped by Ctrl-C or its budget)."""
        if not self.exists:
            return []
        db = self._connect()
        try:
            rows = db.execute("SELECT kind, remaining, sync_id FROM progress").fetchall()
        except sqlite3.OperationalError:  # a read-only manifest from before the table existed
            return []
        left = {kind: count for kind, count, _ in rows if count}
        if not left:
            return []
        what = " and ".join(f"{kind} of {count:,} sessions" for kind, count in sorted(left.items()))
        # A sync killed or interrupted never records its end: only the lock tells it is running.
        if self._being_written():
            return [f"a sync is running: {what} not fetched yet (the oldest sessions come last)"]
        return [f"the last sync stopped early: {what} not fetched (the next sync fetches them)"]

    def examine(self) -> Check:
        """The store as the doctor reports it: path, size, what it covers, the last sync,
        whether a writer holds it and what the last sync left to fetch."""
        if not self.exists:
            return Check(
                "store",
                "warn",
                f"{self.path} holds no store yet",
                f"run 'webinar-insights sync --store {self.path} --from ... --to ...'",
            )
        size = sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())
        coverage = coverage_line(self.provenance(), self.synced_ranges())
        detail = f"{self.path} ({size / 1e6:.1f} MB). {coverage}"
        if self.writer_active():
            detail += " A sync or rebuild is writing to it now."
        left = self.incomplete()
        if left:
            return Check(
                "store", "warn", f"{detail} {' '.join(left).capitalize()}.", "run sync again"
            )
        return Check("store", "ok", detail)

    def writer_active(self) -> bool:
        """Whether a sync or rebuild is writing to the store now (it holds the lock)."""
        return self.exists and self._being_written()

    def _being_written(self) -> bool:
        """Whether a writer (a sync, a rebuild) holds the store's lock now; a reader only looks
        and never queues behind it."""
        probe = FileLock(str(self.path / ".lock"))
        try:
            probe.acquire(timeout=0)
        except Timeout:
            return True
        probe.release()
        return False

    def session_states(self) -> dict[str, SessionState]:
        rows = self._connect().execute(
            "SELECT session_id, webinar_id, status, modified, window_key, end_time, participants,"
            " gone FROM sessions"
        )
        return {r[0]: SessionState(*r) for r in rows}

    def fetch_state(self, session_id: str, kind: FetchKind) -> FetchState | None:
        """How a session's people list was last fetched, or None. A list holding quarantined
        records reports no status (nothing settled), so that the next sync asks for it again."""
        row = (
            self._connect()
            .execute(
                "SELECT status, modified, fetched_at, count FROM fetches"
                " WHERE session_id = ? AND kind = ?",
                (session_id, kind),
            )
            .fetchone()
        )
        if not row:
            return None
        state = FetchState(*row)
        if self._quarantined(kind, session_id):
            return FetchState(None, state.modified, state.fetched_at, state.count)
        return state

    def _quarantined(self, kind: TableKind, unit: str) -> bool:
        try:
            row = (
                self._connect()
                .execute(
                    "SELECT 1 FROM quarantine WHERE kind = ? AND unit = ? LIMIT 1", (kind, unit)
                )
                .fetchone()
            )
        except sqlite3.OperationalError:  # a read-only manifest from before the table existed
            return False
        return row is not None

    @_storing
    def record_problem(
        self, session_id: str, kind: ProblemKind, problem: Problem, detail: str
    ) -> None:
        """Note that a session (``kind="session"``) or one of its people lists could not be
        read; a later successful read clears it (``clear_problem``)."""
        db = self._connect()
        with db:
            db.execute(
                "INSERT OR REPLACE INTO problems VALUES (?, ?, ?, ?, ?)",
                (session_id, kind, problem, detail, _now()),
            )
            if problem == "gone":
                db.execute(
                    "UPDATE sessions SET gone = ? WHERE session_id = ?", (_now(), session_id)
                )

    @_storing
    def clear_problem(self, session_id: str, kind: ProblemKind) -> None:
        db = self._connect()
        with db:
            db.execute("DELETE FROM problems WHERE session_id = ? AND kind = ?", (session_id, kind))
            if kind == "session":
                db.execute("UPDATE sessions SET gone = NULL WHERE session_id = ?", (session_id,))

    def problems(self) -> list[ProblemRecord]:
        """Every session or people list the syncs could not read, oldest first."""
        if not self.exists:
            return []
        rows = self._connect().execute(
            "SELECT session_id, kind, problem, detail, seen_at FROM problems"
            " ORDER BY seen_at, session_id, kind"
        )
        return [ProblemRecord(*r) for r in rows]

    @_storing
    def _write_pages(self, folder: Path, seq: int, pages: Sequence[bytes]) -> list[str]:
        """Write a unit's pages; if one cannot be written, those before it are removed again."""
        names: list[str] = []
        try:
            for number, content in enumerate(pages):
                relative = folder / f"{seq:08d}-{number:05d}.json.gz"
                write_file(self.path / relative, gzip.compress(content, compresslevel=6))
                names.append(relative.as_posix())
        except BaseException:
            for name in names:
                discard(self.path / name)
            raise
        return names

    @_storing
    def record_listing(
        self,
        *,
        scope: str,
        start: datetime,
        end: datetime,
        pages: Sequence[bytes],
        sessions: Iterable[dict[str, Any]],
        listed_at: datetime | None = None,
    ) -> str:
        """Store one complete listing of the sessions of ``scope`` ending in ``[start, end)``
        and what it says of each session; returns the listing's unit key.

        ``listed_at`` is the server's time of the listing (default: this machine's clock). An
        earlier listing's pages are removed once no session is read from them any more (every
        one was listed again since): a known session a new listing left out is still read from
        the old pages, so an incomplete listing never costs data.

        A record without a usable ``id`` or ``webinar.id`` is kept in the raw pages but never
        enters the manifest (no request is ever made for it; the rebuild quarantines it).
        """
        seq = self._next_seq()
        key = f"{scope}/{seq:08d}"
        db = self._connect()
        written = self._write_pages(Path("raw", "sessions", _safe(scope)), seq, pages)
        names = written
        listed = [SessionState.from_listing(s, key) for s in sessions]
        rows = [
            (s.session_id, s.webinar_id, s.status, s.modified, key, seq, s.end_time, s.participants)
            for s in listed
            if s is not None and s.webinar_id is not None
        ]
        with self._or_discard(written), db:
            db.execute(
                "INSERT OR REPLACE INTO windows (key, scope, start, end, listed_at, all_finished,"
                " seq, pages) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
                (
                    key,
                    scope,
                    start.isoformat(),
                    end.isoformat(),
                    listed_at.isoformat(timespec="seconds") if listed_at else _now(),
                    seq,
                    json.dumps(names),
                ),
            )
            db.executemany(
                "INSERT INTO sessions (session_id, webinar_id, status, modified, window_key, seq,"
                " end_time, participants) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (session_id) DO UPDATE SET webinar_id = excluded.webinar_id,"
                " status = excluded.status, modified = excluded.modified,"
                " window_key = excluded.window_key, seq = excluded.seq,"
                " end_time = excluded.end_time, participants = excluded.participants",
                rows,
            )
            unused = db.execute(
                "SELECT key, pages FROM windows WHERE key != ? AND key NOT IN"
                " (SELECT window_key FROM sessions)",
                (key,),
            ).fetchall()
            db.executemany("DELETE FROM windows WHERE key = ?", [(r[0],) for r in unused])
        self._remove(name for _, pages in unused for name in json.loads(pages))
        return key

    @_storing
    def record_fetch(
        self,
        session_id: str,
        kind: FetchKind,
        *,
        status: str | None,
        modified: str | None,
        pages: Sequence[bytes],
        fetched_at: datetime | None = None,
        count: int | None = None,
    ) -> None:
        """Store all pages of one session's registrants or participants; ``fetched_at`` is the
        server's time of the fetch (default: this machine's clock), ``count`` how many records
        the pages held."""
        seq = self._next_seq()
        names = self._write_pages(Path("raw", kind, _safe(session_id)), seq, pages)
        db = self._connect()
        old = db.execute(
            "SELECT pages FROM fetches WHERE session_id = ? AND kind = ?", (session_id, kind)
        ).fetchone()
        with self._or_discard(names), db:
            db.execute(
                "INSERT OR REPLACE INTO fetches (session_id, kind, status, modified, fetched_at,"
                " seq, pages, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    kind,
                    status,
                    modified,
                    fetched_at.isoformat(timespec="seconds") if fetched_at else _now(),
                    seq,
                    json.dumps(names),
                    count,
                ),
            )
        if old:
            self._remove(json.loads(old[0]))

    @contextmanager
    def _or_discard(self, names: Sequence[str]) -> Iterator[None]:
        """Remove these freshly written pages again if the manifest cannot record them."""
        try:
            yield
        except BaseException:
            for name in names:
                discard(self.path / name)
            raise

    @_storing
    def forget_fetch(self, session_id: str, kind: FetchKind) -> None:
        db = self._connect()
        with db:
            db.execute("DELETE FROM fetches WHERE session_id = ? AND kind = ?", (session_id, kind))

    @_storing
    def forget_window(self, key: str) -> None:
        db = self._connect()
        with db:
            db.execute("DELETE FROM windows WHERE key = ?", (key,))

    @_storing
    def _remove(self, names: Iterable[str]) -> None:
        for name in names:
            (self.path / name).unlink(missing_ok=True)

    def _read_page(self, name: str) -> bytes:
        try:
            raw = (self.path / name).read_bytes()
        except OSError as error:
            raise _CorruptFile(name, f"cannot be read ({error.strerror or error})", b"") from None
        if not raw:  # gzip reads no bytes as an empty text, which is no page either
            raise _CorruptFile(name, "is empty (0 bytes)", raw)
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            why = str(error) or type(error).__name__
            raise _CorruptFile(name, f"is not a readable gzip file ({why})", raw) from None

    @_storing
    def begin_sync(self, *, start: datetime, end: datetime, depth: str) -> int:
        db = self._connect()
        with db:
            cursor = db.execute(
                "INSERT INTO syncs (started, range_start, range_end, depth) VALUES (?, ?, ?, ?)",
                (_now(), start.isoformat(), end.isoformat(), depth),
            )
        return int(cursor.lastrowid or 0)

    @_storing
    def finish_sync(self, sync_id: int, *, requests: int, summary: dict[str, Any]) -> None:
        db = self._connect()
        with db:
            db.execute(
                "UPDATE syncs SET finished = ?, requests = ?, summary = ? WHERE id = ?",
                (_now(), requests, json.dumps(summary), sync_id),
            )

    def provenance(self) -> dict[str, Any]:
        """When the store was synced, which windows it holds, how many requests that took, what
        could not be read (``problems``: one line per kind of problem, ``problem_lines``) and
        what was read but could not be used as sent (``quarantined``: one line per kind,
        ``quarantine_lines``; ``quarantine()`` has each record)."""
        if not self.exists:
            return {"syncs": [], "windows": [], "incomplete": [], "problems": [], "quarantined": []}
        db = self._connect()
        syncs = [
            {
                "started": r[0],
                "finished": r[1],
                "start": r[2],
                "end": r[3],
                "depth": r[4],
                "requests": r[5],
                "left": _left(r[6]),
            }
            for r in db.execute(
                "SELECT started, finished, range_start, range_end, depth, requests, summary"
                " FROM syncs ORDER BY id"
            )
        ]
        windows = [
            {"window": r[0], "start": r[1], "end": r[2], "listed_at": r[3]}
            for r in db.execute("SELECT key, start, end, listed_at FROM windows ORDER BY seq")
        ]
        return {
            "syncs": syncs,
            "windows": windows,
            "incomplete": self.incomplete(),
            "problems": problem_lines(self.problems()),
            "quarantined": quarantine_lines(self.quarantine()),
        }

    def synced_ranges(self) -> dict[str, tuple[tuple[datetime, datetime], ...]]:
        """The ranges the finished syncs cover, per depth (:func:`synced_ranges`)."""
        return synced_ranges(self.provenance()["syncs"])

    def rebuild(self, *, repair: bool = False, quiet: bool = False) -> dict[str, int]:
        """Re-derive every table from the raw pages, with no network.

        One bad record or page never stops it: what cannot be used as sent is quarantined
        (``quarantine()``; the rule is in :class:`QuarantinedRecord`) and everything else is
        derived. With ``repair=True`` the unit (window listing or session fetch) of a raw page
        that cannot be read at all (not gzip, not JSON) is forgotten too, so that the next sync
        fetches it again. ``quiet`` leaves out the warning about quarantined records (a sync
        rewrites the tables along the way, and warns once at its end). Returns the row count of
        each table, the number of units forgotten (``forgotten``) and of quarantine entries
        (``quarantined``).

        Raises
        ------
        StoreError
            Only when the store cannot be written: another writer holds it, it is read-only, or
            its disk is full (nothing stored is lost then: the tables stay as they were).
        """
        with self.writing(wait=60):
            return self._rebuild(repair=repair, quiet=quiet)

    @_storing
    def _rebuild(self, *, repair: bool, quiet: bool = False) -> dict[str, int]:
        db = self._connect()
        quarantined: list[QuarantinedRecord] = []
        forgotten: list[_Unit] = []  # with repair: units holding a page that cannot be read
        every: list[_Unit] = []  # every unit read, to tell which one a raw file belongs to

        listings = [
            _Unit(key, None, json.loads(names))
            for key, names in db.execute("SELECT key, pages FROM windows ORDER BY seq")
        ]
        sessions, found, bad = self._derive(
            "sessions",
            listings,
            lambda units, q: frames.sessions_frame_from_pages(
                (page for unit in units for page in unit.pages), quarantine=q
            ),
            repair=repair,
        )
        quarantined += found
        every += listings
        if repair:
            for unit in bad:
                self.forget_window(unit.key)
            forgotten += bad
        sessions = _latest_sessions(sessions)
        # Sessions the API confirmed deleted leave the tables (their raw pages stay on disk).
        gone = [r[0] for r in db.execute("SELECT session_id FROM sessions WHERE gone IS NOT NULL")]
        if gone:
            sessions = sessions.filter(~pl.col("session_id").is_in(gone))
        webinar_of = dict(zip(sessions["session_id"], sessions["webinar_id"], strict=True))

        people: dict[FetchKind, pl.DataFrame] = {}
        partial: set[str] = set()  # sessions whose registrant list lost a page: count unknown
        rows = db.execute(
            "SELECT session_id, kind, pages FROM fetches ORDER BY session_id, kind"
        ).fetchall()
        for kind in ("registrants", "participants"):
            units = []
            for session_id, unit_kind, names in rows:
                if unit_kind != kind or session_id in gone:
                    continue
                unit = _Unit(session_id, session_id, json.loads(names))
                if session_id in webinar_of:
                    units.append(unit)
                elif unit.names:  # its session was left out of the sessions table: so are they
                    quarantined.append(
                        QuarantinedRecord(
                            kind=kind,
                            session_id=session_id,
                            record_id=None,
                            field=None,
                            value="",
                            problem="belongs to no session in the sessions table (its listing"
                            " record was quarantined, or its listing could not be read)",
                            left_out=True,
                            raw_file=unit.names[0],
                        )
                    )
            people[kind], found, bad = self._derive(
                kind, units, functools.partial(_people_frame, kind, webinar_of), repair=repair
            )
            quarantined += found
            every += units
            if kind == "registrants":
                partial.update(unit.key for unit in bad)
            if repair:
                for unit in bad:
                    self.forget_fetch(unit.key, kind)
                forgotten += bad

        # A record the API repeated on two pages is stored once.
        registrants = people["registrants"].unique(
            ["session_id", "registrant_id"], keep="first", maintain_order=True
        )
        participants = people["participants"].unique(
            ["session_id", "participant_id"], keep="first", maintain_order=True
        )
        fetched = [
            r[0]
            for r in db.execute("SELECT session_id FROM fetches WHERE kind = 'registrants'")
            if r[0] not in partial
        ]
        sessions = _with_registration_counts(sessions, registrants, fetched)
        self._write_tables(
            {"sessions": sessions, "registrants": registrants, "participants": participants},
            quarantined,
            {name: unit.key for unit in every for name in unit.names},
        )
        # After the writes, so that a warning filter that raises cannot leave the tables old. A
        # page whose unit is forgotten is fetched again by the next sync (a sync does so at
        # once): it is listed, but not warned about.
        refetched = {name for unit in forgotten for name in unit.names}
        lasting = [q for q in quarantined if q.raw_file not in refetched]
        if lasting and not quiet:
            warnings.warn(_quarantine_warning(lasting), DataWarning, stacklevel=4)
        return {
            "sessions": sessions.height,
            "registrants": registrants.height,
            "participants": participants.height,
            "forgotten": len(forgotten),
            "quarantined": len(quarantined),
        }

    def _derive(
        self,
        kind: TableKind,
        units: list[_Unit],
        build: Callable[[list[_Unit], list[frames.BadRecord]], pl.DataFrame],
        *,
        repair: bool,
    ) -> tuple[pl.DataFrame, list[QuarantinedRecord], list[_Unit]]:
        """One table from the raw pages of its units: the frame, what was quarantined, and the
        units holding a page that cannot be read at all. With ``repair`` those units are left
        out of the frame (the caller forgets them, so the frame holds what the manifest will)."""
        unreadable: list[QuarantinedRecord] = []
        for unit in units:
            for name in unit.names:
                try:
                    unit.pages.append(self._read_page(name))
                except _CorruptFile as corrupt:
                    unit.broken = True
                    unreadable.append(
                        QuarantinedRecord(
                            kind=kind,
                            session_id=unit.session_id,
                            record_id=None,
                            field=None,
                            value=corrupt.head,
                            problem=corrupt.why,
                            left_out=True,
                            raw_file=name,
                        )
                    )
                else:
                    unit.read.append(name)
        frame, found = _build_table(kind, units, build)
        broken = [unit for unit in units if unit.broken]
        if repair and broken:
            # Their unreadable pages stay listed; nothing else of them is derived.
            gone = {name for unit in broken for name in unit.names}
            unreadable += [q for q in found if q.record is None and q.raw_file in gone]
            frame, found = _build_table(kind, [u for u in units if not u.broken], build)
        return frame, unreadable + found, broken

    def _write_tables(
        self,
        tables: dict[str, pl.DataFrame],
        quarantined: Sequence[QuarantinedRecord],
        units: Mapping[str, str],
    ) -> None:
        """Replace the tables and the quarantine together: every table is written (and synced)
        to a temporary file first, so a failure (a full disk) leaves the old ones in place."""
        folder = self.path / "tables"
        folder.mkdir(parents=True, exist_ok=True)
        written: dict[Path, Path] = {}
        try:
            for name, table in tables.items():
                tmp = folder / f".{name}.{os.getpid()}.tmp"
                written[tmp] = folder / f"{name}.parquet"
                _write_parquet(table, tmp)
            self._save_quarantine(quarantined, units)
            for tmp, path in written.items():
                os.replace(tmp, path)
        finally:
            for tmp in written:
                discard(tmp)

    def _save_quarantine(
        self, quarantined: Sequence[QuarantinedRecord], units: Mapping[str, str]
    ) -> None:
        """Replace the manifest's quarantine; ``units`` maps raw files to their unit's key (a
        window or a session), which stays unsettled while it holds an entry. A list whose
        session is missing unsettles nothing: asking for it again cannot help."""
        db = self._connect()
        with db:
            db.execute("DELETE FROM quarantine")
            db.executemany(
                "INSERT INTO quarantine (kind, unit, session_id, record_id, field, value, problem,"
                " left_out, raw_file, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        q.kind,
                        None if not q.value and q.record is None else units.get(q.raw_file),
                        q.session_id,
                        q.record_id,
                        q.field,
                        q.value,
                        q.problem,
                        int(q.left_out),
                        q.raw_file,
                        q.record,
                    )
                    for q in quarantined
                ],
            )

    def quarantine(self) -> list[QuarantinedRecord]:
        """What the last rebuild (every sync ends with one) could not use as sent: each record,
        raw page or people list, with its session, field, value and raw file (the rule is in
        :class:`QuarantinedRecord`). ``str()`` of each is one line; ``quarantine_lines`` sums
        them up by kind."""
        if not self.exists:
            return []
        try:
            rows = self._connect().execute(
                "SELECT kind, session_id, record_id, field, value, problem, left_out, raw_file,"
                " record FROM quarantine ORDER BY rowid"
            )
        except sqlite3.OperationalError:  # a read-only manifest from before the table existed
            return []
        return [
            QuarantinedRecord(
                kind=r[0],
                session_id=r[1],
                record_id=r[2],
                field=r[3],
                value=r[4],
                problem=r[5],
                left_out=bool(r[6]),
                raw_file=r[7],
                record=r[8],
            )
            for r in rows
        ]

    def scan(self, name: str) -> pl.LazyFrame:
        """A lazy frame of one table (``sessions``, ``registrants``, ``participants``)."""
        if name not in TABLES:
            raise ConfigurationError(f"unknown table {name!r}; the store has {', '.join(TABLES)}")
        path = self.path / "tables" / f"{name}.parquet"
        if not path.is_file():
            if not self.exists:
                raise StoreError(
                    f"no store at {self.path}: run `webinar-insights sync` (or `--demo`) first"
                )
            if self._being_written():
                raise StoreError(
                    f"the store at {self.path} is being synced for the first time and has no"
                    " tables yet; they are written when that sync ends (run this again then)"
                )
            self.rebuild()
        return pl.scan_parquet(path)

    def _table(
        self,
        name: str,
        session_ids: Iterable[str] | None = None,
        columns: Sequence[str] | None = None,
    ) -> pl.DataFrame:
        """One table, read lazily: only ``columns`` (all by default) of the rows of
        ``session_ids`` (all by default) are read, the filter pushed down into the scan."""
        frame = self.scan(name)
        if session_ids is not None:
            if isinstance(session_ids, str):
                raise ConfigurationError(
                    f"session_ids must be a list of session ids, e.g. [{session_ids!r}], not one"
                    " string"
                )
            wanted = pl.Series("session_id", list(session_ids), dtype=pl.String)
            frame = frame.filter(pl.col("session_id").is_in(wanted.implode()))
        if columns is not None:
            if isinstance(columns, str):
                raise ConfigurationError(
                    f"columns must be a list of column names, e.g. [{columns!r}], not one string"
                )
            known = frame.collect_schema().names()
            unknown = [column for column in columns if column not in known]
            if unknown:
                raise ConfigurationError(
                    f"the {name} table has no column(s) {', '.join(map(repr, unknown))};"
                    f" it has {', '.join(known)}"
                )
            frame = frame.select(columns)
        try:
            return frame.collect()
        except pl.exceptions.ComputeError as error:
            raise StoreError(
                f"{self.path / 'tables' / (name + '.parquet')} cannot be read ({error}); "
                "run store.rebuild() to derive it again from the raw pages"
            ) from None

    def sessions(self) -> pl.DataFrame:
        """The sessions frame (METRICS.md), with registrant counts where registrants were fetched."""
        return self._table("sessions")

    def registrants(
        self, session_ids: Iterable[str] | None = None, *, columns: Sequence[str] | None = None
    ) -> pl.DataFrame:
        """The registrants frame (METRICS.md): the rows of ``session_ids`` (default: all), only
        ``columns`` (default: all, in table order). Only what is asked for is read."""
        return self._table("registrants", session_ids, columns)

    def participants(
        self, session_ids: Iterable[str] | None = None, *, columns: Sequence[str] | None = None
    ) -> pl.DataFrame:
        """The participants frame (METRICS.md): the rows of ``session_ids`` (default: all), only
        ``columns`` (default: all, in table order). Only what is asked for is read."""
        return self._table("participants", session_ids, columns)

    def webinars(self) -> pl.DataFrame:
        """One row per webinar (series), derived from its sessions: no extra API requests."""
        return (
            self.sessions()
            .group_by("webinar_id")
            .agg(
                pl.col("webinar_title").last().alias("title"),
                pl.col("host_user_id").last(),
                pl.col("host_name").last(),
                pl.len().alias("sessions"),
                pl.col("scheduled_start").min().alias("first_scheduled_start"),
                pl.col("scheduled_start").max().alias("last_scheduled_start"),
            )
            .sort("first_scheduled_start")
        )


class _CorruptFile(Exception):
    def __init__(self, name: str, why: str, head: bytes) -> None:
        super().__init__(f"{name} ({why})")
        self.name = f"{name} ({why})"
        self.why = why
        self.head = repr(head[:40]) + ("..." if len(head) > 40 else "")


@dataclass(eq=False)
class _Unit:
    """A unit of the manifest as a rebuild reads it: a window listing (``key`` its window,
    ``session_id`` None) or one session's people list (``key`` and ``session_id`` the session)."""

    key: str
    session_id: str | None
    names: list[str]
    pages: list[bytes] = dataclass_field(default_factory=list)
    read: list[str] = dataclass_field(default_factory=list)  # the names of ``pages``
    broken: bool = False  # a page of it cannot be read at all


def _build_table(
    kind: TableKind,
    units: list[_Unit],
    build: Callable[[list[_Unit], list[frames.BadRecord]], pl.DataFrame],
) -> tuple[pl.DataFrame, list[QuarantinedRecord]]:
    """The frame of these units and its quarantine entries; a unit with a page the frames could
    not read at all (not JSON, no records list) is marked broken."""
    bad_records: list[frames.BadRecord] = []
    frame = build(units, bad_records)
    pages = [(unit, name) for unit in units for name in unit.read]
    found = []
    for bad in bad_records:
        unit, name = pages[bad.page]
        if bad.record is None:
            unit.broken = True
        found.append(
            QuarantinedRecord(
                kind=kind,
                # A listing record names its own session; a people record the one fetched.
                session_id=record_id({"id": bad.record_id})
                if kind == "sessions"
                else unit.session_id,
                record_id=bad.record_id,
                field=bad.field,
                value=bad.value,
                problem=bad.problem,
                left_out=bad.left_out,
                raw_file=name,
                record=bad.record,
            )
        )
    return frame, found


def _writable(folder: Path, manifest: Path) -> bool:
    return os.access(folder, os.W_OK) and os.access(manifest, os.W_OK)


def _open_read_only(manifest: Path) -> sqlite3.Connection:
    """The manifest of a store that cannot be written, for reading. A WAL database needs its
    ``-shm`` file to be read in place; where that cannot be created (a read-only mount) it is
    opened as immutable, which is what such a store is."""
    error: sqlite3.Error | None = None
    for options in ("mode=ro", "immutable=1"):
        db = sqlite3.connect(f"{manifest.resolve().as_uri()}?{options}", uri=True, timeout=30)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as failed:
            db.close()
            error = failed
            continue
        return db
    raise StoreError(
        f"{manifest} cannot be read ({error}); the store is read-only: report from a copy"
    ) from None


def _write_parquet(table: pl.DataFrame, path: Path) -> None:
    """``table`` as a parquet file at ``path``, synced to disk. It is encoded in memory and
    written by Python, so that a full disk is an ``OSError`` with its errno: polars reports a
    failed write as a ``ComputeError``, sometimes without the system's reason."""
    buffer = io.BytesIO()
    table.write_parquet(buffer)
    with open(path, "wb") as handle:
        handle.write(buffer.getbuffer())
        handle.flush()
        os.fsync(handle.fileno())


def _quarantine_warning(quarantined: Sequence[QuarantinedRecord]) -> str:
    nameless = sum(
        1 for q in quarantined if q.kind == "sessions" and q.field == "id" and q.left_out
    )
    lines = quarantine_lines(quarantined, examples=2)
    head = (
        f"{nameless:,} session record(s) in the listings had no id and were left out; "
        if nameless
        else ""
    )
    more = f"; and {len(lines) - 3:,} more kinds" if len(lines) > 3 else ""
    return (
        f"{head}{len(quarantined):,} record(s), page(s) or list(s) could not be used as sent and"
        " are quarantined (their raw pages are kept; Store.quarantine() lists each): "
        + "; ".join(lines[:3])
        + more
    )


def _safe(key: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in key)


def _add_missing_columns(db: sqlite3.Connection) -> None:
    """Bring a manifest written by an earlier version up to today's columns."""
    for table, columns in (
        ("sessions", _SESSION_COLUMNS),
        ("windows", _WINDOW_COLUMNS),
        ("fetches", _FETCH_COLUMNS),
    ):
        have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        for name, kind in columns.items():
            if name not in have:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")


def record_id(record: Any) -> str | None:
    """A record's ``id`` as text, or None when it has no usable one (such a record is kept in
    the raw pages but never enters the manifest, so no later request names a session ``None``)."""
    return api_id(record.get("id")) if isinstance(record, dict) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _latest_sessions(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per session: the one from the most recent listing (pages are in listing order)."""
    return (
        frame.with_row_index("_order")
        .unique("session_id", keep="last")
        .sort("_order")
        .drop("_order")
    )


def _people_frame(
    kind: FetchKind,
    webinar_of: dict[str, str | None],
    units: list[_Unit],
    quarantine: list[frames.BadRecord],
) -> pl.DataFrame:
    if kind == "registrants":
        return frames.registrants_frame_from_session_pages(
            ((unit.key, unit.pages) for unit in units), quarantine=quarantine
        )
    return frames.participants_frame_from_session_pages(
        ((unit.key, webinar_of.get(unit.key) or "", unit.pages) for unit in units),
        quarantine=quarantine,
    )


def _with_registration_counts(
    sessions: pl.DataFrame, registrants: pl.DataFrame, fetched: Sequence[str]
) -> pl.DataFrame:
    """Fill registrant_count / post_webinar_registrant_count of sessions whose registrants were
    fetched (0 when the list was empty); the others keep null (METRICS.md)."""
    counts = registrants.group_by("session_id").agg(
        (~pl.col("registered_post_webinar")).sum().cast(pl.Int64).alias("_live"),
        pl.col("registered_post_webinar").sum().cast(pl.Int64).alias("_post"),
    )
    was_fetched = pl.col("session_id").is_in(list(fetched))
    return (
        sessions.join(counts, on="session_id", how="left", maintain_order="left")
        .with_columns(
            registrant_count=pl.when(was_fetched).then(pl.col("_live").fill_null(0)),
            post_webinar_registrant_count=pl.when(was_fetched).then(pl.col("_post").fill_null(0)),
        )
        .drop("_live", "_post")
    )


# --------------------------------------------------------------------------- coverage


def _ranges(synced: Mapping[str, Sequence[tuple[datetime, datetime]]], depth: str) -> str:
    return ", ".join(f"{first:%Y-%m-%d}..{last:%Y-%m-%d}" for first, last in synced.get(depth, ()))


def coverage_line(
    provenance: Mapping[str, Any] | None,
    synced: Mapping[str, Sequence[tuple[datetime, datetime]]] | None,
    *,
    as_of: datetime | None = None,
) -> str:
    """The report header's one line on what the data covers (dates in UTC, as synced).

    A last sync later than the report's clock ``as_of`` (a simulator's fixed clock, or a
    report built with an earlier ``now``) is said to be by the wall clock, so that the two
    times in the header do not seem to contradict each other.
    """
    if provenance is None or synced is None:
        return (
            "Data coverage: not known (built from frames passed in, not from a store), so"
            " changes are shown wherever the previous period has sessions."
        )
    if not synced.get("sessions"):
        return "Data coverage: the store records no finished sync."
    groups: dict[str, list[str]] = {}
    for depth in DEPTH_ORDER:
        held = _ranges(synced, depth)
        if held:
            groups.setdefault(held, []).append(
                {"sessions": "sessions", "registrants": "registrants"}.get(depth, "participants")
            )
    parts = []
    for held, depths in groups.items():
        names = depths[0] if len(depths) == 1 else ", ".join(depths[:-1]) + " and " + depths[-1]
        parts.append(f"{names} {held}")
    finished = [
        moment
        for sync in provenance.get("syncs") or []
        if (moment := parse_time(sync.get("finished"))) is not None
    ]
    last = ""
    if finished:
        latest = max(finished)
        last = f"; last sync finished {latest:%Y-%m-%d %H:%M} UTC"
        if as_of is not None and latest > as_of:
            last += f" by the wall clock, after the report's own clock ({as_of:%Y-%m-%d %H:%M} UTC)"
    return f"Data coverage (UTC): {'; '.join(parts)}{last}."
