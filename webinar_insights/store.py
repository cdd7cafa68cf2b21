"""The local store: raw API pages as received, typed parquet tables, and a manifest.

Layout of a store directory::

    manifest.sqlite        what was synced: session-list windows, per-session fetches, syncs,
                           and the sessions that could not be read (gone, forbidden, failed)
    raw/sessions/...       history session list pages (gzip), per window and listing
    raw/registrants/<id>/  registrant list pages of one session
    raw/participants/<id>/ participant list pages of one session
    tables/*.parquet       typed frames derived from the raw pages (``Store.rebuild``)

Every file is written to a temporary name and renamed into place, and a unit of work (one
window listing, one session's participants) enters the manifest only after its pages are on
disk, so a sync killed at any moment leaves a store that opens, holds no duplicates, and tells
the next sync exactly what is missing. One writer at a time holds ``.lock``.
"""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import warnings
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import polars as pl
from filelock import FileLock, Timeout

from . import frames
from .errors import BadDataError, ConfigurationError, DataWarning, StoreError

FetchKind = Literal["registrants", "participants"]
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
"""


# Columns added to the manifest's sessions table after format 1 first shipped.
_SESSION_COLUMNS = {"end_time": "TEXT", "participants": "INTEGER", "gone": "TEXT"}
_WINDOW_COLUMNS = {"ids_digest": "TEXT"}  # which sessions the listing held (a hash)
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

    def never_ran(self, at: datetime) -> bool:
        """Still Scheduled a grace period after its planned end: it never ran."""
        end = parse_time(self.end_time)
        return self.status == "Scheduled" and end is not None and end + NEVER_RAN_GRACE <= at

    def settled(self, at: datetime) -> bool:
        """Nothing about it can change any more (Finished, or never ran)."""
        return self.status == "Finished" or self.never_ran(at)


@dataclass(frozen=True, slots=True)
class FetchState:
    status: str | None
    modified: str | None
    fetched_at: str | None = None


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
        shown = ", ".join(ids[:examples]) + (
            f" and {len(ids) - examples:,} more" if len(ids) > examples else ""
        )
        where = "" if kind == "listing" else "session " if len(ids) == 1 else "sessions "
        noun = one if len(records) == 1 else many
        lines.append(f"{len(records):,} {noun} {problem}: {records[0].detail} ({where}{shown})")
    return lines


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


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


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

    # -- manifest -------------------------------------------------------------------------------
    @property
    def exists(self) -> bool:
        return (self.path / "manifest.sqlite").is_file()

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            if not self.exists:
                self.path.mkdir(parents=True, exist_ok=True)
            try:
                db = sqlite3.connect(self.path / "manifest.sqlite", timeout=30)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
                db.executescript(_SCHEMA)
                _add_missing_columns(db)
                db.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('format', ?)", (str(FORMAT_VERSION),)
                )
                db.commit()
            except sqlite3.DatabaseError as error:
                raise StoreError(
                    f"{self.path / 'manifest.sqlite'} is not a readable manifest ({error}); "
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
        """Hold the store's writer lock; a second writer waits ``wait`` seconds, then fails."""
        self.path.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=wait)
        except Timeout:
            raise StoreError(
                f"another sync or rebuild is writing to {self.path} (lock file "
                f"{self.path / '.lock'}); wait for it to finish or pass wait= to queue behind it"
            ) from None
        try:
            yield self
        finally:
            self._lock.release()

    def _next_seq(self) -> int:
        db = self._connect()
        row = db.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()
        seq = int(row[0]) + 1 if row else 1
        db.execute("INSERT OR REPLACE INTO meta VALUES ('seq', ?)", (str(seq),))
        db.commit()
        return seq

    def window_digest(self, key: str) -> str | None:
        """The hash of the session ids the window's last listing held (``record_window``)."""
        row = (
            self._connect()
            .execute("SELECT ids_digest FROM windows WHERE key = ?", (key,))
            .fetchone()
        )
        return str(row[0]) if row and row[0] is not None else None

    def window(self, key: str) -> tuple[bool, str] | None:
        """``(all_finished, listed_at)`` of a listed window, or None."""
        row = (
            self._connect()
            .execute("SELECT all_finished, listed_at FROM windows WHERE key = ?", (key,))
            .fetchone()
        )
        return (bool(row[0]), str(row[1])) if row else None

    def session_states(self) -> dict[str, SessionState]:
        rows = self._connect().execute(
            "SELECT session_id, webinar_id, status, modified, window_key, end_time, participants,"
            " gone FROM sessions"
        )
        return {r[0]: SessionState(*r) for r in rows}

    def fetch_state(self, session_id: str, kind: FetchKind) -> FetchState | None:
        row = (
            self._connect()
            .execute(
                "SELECT status, modified, fetched_at FROM fetches WHERE session_id = ? AND kind = ?",
                (session_id, kind),
            )
            .fetchone()
        )
        return FetchState(*row) if row else None

    # -- what could not be read -----------------------------------------------------------------
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

    # -- raw pages ------------------------------------------------------------------------------
    def _write_pages(self, folder: Path, seq: int, pages: Sequence[bytes]) -> list[str]:
        names = []
        for number, content in enumerate(pages):
            relative = folder / f"{seq:08d}-{number:05d}.json.gz"
            atomic_write(self.path / relative, gzip.compress(content, compresslevel=6))
            names.append(relative.as_posix())
        return names

    def record_window(
        self,
        *,
        key: str,
        scope: str,
        start: datetime,
        end: datetime,
        pages: Sequence[bytes],
        sessions: Iterable[dict[str, Any]],
        settled: bool,
        keep_previous: bool = False,
        listed_at: datetime | None = None,
        ids_digest: str | None = None,
    ) -> None:
        """Store one complete listing of a window and what it says of each session.

        ``settled`` tells whether the window can be skipped once ``settle`` has passed (every
        session in it Finished or never ran, and the listing consistent with what was known).
        ``listed_at`` is the server's time of the listing (default: this machine's clock).
        ``keep_previous`` keeps the window's earlier pages in front of the new ones: a known
        session the new listing left out is then still read from them (an incomplete listing
        must not cost data).
        """
        seq = self._next_seq()
        db = self._connect()
        old = db.execute("SELECT pages FROM windows WHERE key = ?", (key,)).fetchone()
        kept: list[str] = json.loads(old[0]) if old and keep_previous else []
        names = kept + self._write_pages(Path("raw", "sessions", _safe(key)), seq, pages)
        rows = [
            (
                session_id,
                record_id(s.get("webinar")),
                _text(s.get("status")),
                _text(s.get("lastModifiedTime")),
                key,
                seq,
                _text(s.get("endTime")),
                _count(s.get("uniqueParticipantCount")),
            )
            for s in sessions
            if (session_id := record_id(s)) is not None
        ]
        with db:
            db.execute(
                "INSERT OR REPLACE INTO windows (key, scope, start, end, listed_at, all_finished,"
                " seq, pages, ids_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    scope,
                    start.isoformat(),
                    end.isoformat(),
                    listed_at.isoformat(timespec="seconds") if listed_at else _now(),
                    int(settled),
                    seq,
                    json.dumps(names),
                    ids_digest,
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
        if old and not keep_previous:
            self._remove(json.loads(old[0]))

    def record_fetch(
        self,
        session_id: str,
        kind: FetchKind,
        *,
        status: str | None,
        modified: str | None,
        pages: Sequence[bytes],
        fetched_at: datetime | None = None,
    ) -> None:
        """Store all pages of one session's registrants or participants; ``fetched_at`` is the
        server's time of the fetch (default: this machine's clock)."""
        seq = self._next_seq()
        names = self._write_pages(Path("raw", kind, _safe(session_id)), seq, pages)
        db = self._connect()
        old = db.execute(
            "SELECT pages FROM fetches WHERE session_id = ? AND kind = ?", (session_id, kind)
        ).fetchone()
        with db:
            db.execute(
                "INSERT OR REPLACE INTO fetches VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    kind,
                    status,
                    modified,
                    fetched_at.isoformat(timespec="seconds") if fetched_at else _now(),
                    seq,
                    json.dumps(names),
                ),
            )
        if old:
            self._remove(json.loads(old[0]))

    def forget_fetch(self, session_id: str, kind: FetchKind) -> None:
        db = self._connect()
        with db:
            db.execute("DELETE FROM fetches WHERE session_id = ? AND kind = ?", (session_id, kind))

    def forget_window(self, key: str) -> None:
        db = self._connect()
        with db:
            db.execute("DELETE FROM windows WHERE key = ?", (key,))

    def _remove(self, names: Iterable[str]) -> None:
        for name in names:
            (self.path / name).unlink(missing_ok=True)

    def _read_page(self, name: str) -> bytes:
        try:
            return gzip.decompress((self.path / name).read_bytes())
        except (OSError, EOFError, zlib.error) as error:
            raise _CorruptFile(name, str(error)) from None

    # -- syncs ----------------------------------------------------------------------------------
    def begin_sync(self, *, start: datetime, end: datetime, depth: str) -> int:
        db = self._connect()
        with db:
            cursor = db.execute(
                "INSERT INTO syncs (started, range_start, range_end, depth) VALUES (?, ?, ?, ?)",
                (_now(), start.isoformat(), end.isoformat(), depth),
            )
        return int(cursor.lastrowid or 0)

    def finish_sync(self, sync_id: int, *, requests: int, summary: dict[str, Any]) -> None:
        db = self._connect()
        with db:
            db.execute(
                "UPDATE syncs SET finished = ?, requests = ?, summary = ? WHERE id = ?",
                (_now(), requests, json.dumps(summary), sync_id),
            )

    def provenance(self) -> dict[str, Any]:
        """When the store was synced, which windows it holds, how many requests that took, and
        what could not be read (``problems``: one line per kind of problem, ``problem_lines``)."""
        if not self.exists:
            return {"syncs": [], "windows": [], "problems": []}
        db = self._connect()
        syncs = [
            {
                "started": r[0],
                "finished": r[1],
                "start": r[2],
                "end": r[3],
                "depth": r[4],
                "requests": r[5],
            }
            for r in db.execute(
                "SELECT started, finished, range_start, range_end, depth, requests FROM syncs ORDER BY id"
            )
        ]
        windows = [
            {"window": r[0], "listed_at": r[1]}
            for r in db.execute("SELECT key, listed_at FROM windows ORDER BY key")
        ]
        return {"syncs": syncs, "windows": windows, "problems": problem_lines(self.problems())}

    # -- tables ---------------------------------------------------------------------------------
    def rebuild(self, *, repair: bool = False) -> dict[str, int]:
        """Re-derive every table from the raw pages, with no network.

        A raw file that cannot be read raises ``StoreError`` naming it; with ``repair=True`` its
        unit (window or session fetch) is forgotten instead, so that the next sync fetches it
        again. Returns the row count of each table.
        """
        with self.writing(wait=60):
            return self._rebuild(repair=repair)

    def _rebuild(self, *, repair: bool) -> dict[str, int]:
        db = self._connect()
        corrupt: list[str] = []
        session_pages: list[bytes] = []
        for key, names in db.execute("SELECT key, pages FROM windows ORDER BY seq"):
            try:
                session_pages += [self._read_page(n) for n in json.loads(names)]
            except _CorruptFile as bad:
                corrupt.append(bad.name)
                if repair:
                    self.forget_window(key)
        sessions = frames.sessions_frame_from_pages(session_pages)
        nameless = sessions.filter(pl.col("session_id").is_null()).height
        if nameless:
            warnings.warn(
                f"{nameless:,} session record(s) in the listings had no id and were left out",
                DataWarning,
                stacklevel=3,
            )
            sessions = sessions.filter(pl.col("session_id").is_not_null())
        sessions = _latest_sessions(sessions)
        # Sessions the API confirmed deleted leave the tables (their raw pages stay on disk).
        gone = [r[0] for r in db.execute("SELECT session_id FROM sessions WHERE gone IS NOT NULL")]
        if gone:
            sessions = sessions.filter(~pl.col("session_id").is_in(gone))
        webinar_of = dict(zip(sessions["session_id"], sessions["webinar_id"], strict=True))
        loaded: dict[FetchKind, list[tuple[str, list[bytes]]]] = {
            "registrants": [],
            "participants": [],
        }
        rows = db.execute(
            "SELECT session_id, kind, pages FROM fetches ORDER BY session_id, kind"
        ).fetchall()
        for session_id, kind, names in rows:
            try:
                loaded[kind].append((session_id, [self._read_page(n) for n in json.loads(names)]))
            except _CorruptFile as bad:
                corrupt.append(bad.name)
                if repair:
                    self.forget_fetch(session_id, kind)
        people: dict[FetchKind, pl.DataFrame] = {}
        for kind, units in loaded.items():
            try:
                people[kind] = _people_frame(kind, units, webinar_of)
            except BadDataError:
                # Find the units at fault one by one, and keep the others.
                good = []
                for unit in units:
                    try:
                        _people_frame(kind, [unit], webinar_of)
                        good.append(unit)
                    except BadDataError as error:
                        corrupt.append(f"{kind} of session {unit[0]}: {error}")
                        if repair:
                            self.forget_fetch(unit[0], kind)
                people[kind] = _people_frame(kind, good, webinar_of)
        if corrupt and not repair:
            raise StoreError(
                f"{len(corrupt)} raw file(s) in {self.path} cannot be read, e.g. {corrupt[0]}; "
                "run store.rebuild(repair=True) (or sync again) to fetch them anew"
            )
        # A record the API repeated on two pages is stored once.
        registrants = (
            people["registrants"]
            .unique(["session_id", "registrant_id"], keep="first", maintain_order=True)
            .filter(~pl.col("session_id").is_in(gone))
        )
        participants = (
            people["participants"]
            .unique(["session_id", "participant_id"], keep="first", maintain_order=True)
            .filter(~pl.col("session_id").is_in(gone))
        )
        fetched = [
            r[0] for r in db.execute("SELECT session_id FROM fetches WHERE kind = 'registrants'")
        ]
        sessions = _with_registration_counts(sessions, registrants, fetched)
        for name, table in (
            ("sessions", sessions),
            ("registrants", registrants),
            ("participants", participants),
        ):
            self._write_table(name, table)
        return {
            "sessions": sessions.height,
            "registrants": registrants.height,
            "participants": participants.height,
            "forgotten": len(corrupt),
        }

    def _write_table(self, name: str, table: pl.DataFrame) -> None:
        path = self.path / "tables" / f"{name}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{name}.{os.getpid()}.tmp")
        table.write_parquet(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)

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
            self.rebuild()
        return pl.scan_parquet(path)

    def _table(self, name: str) -> pl.DataFrame:
        try:
            return self.scan(name).collect()
        except pl.exceptions.ComputeError as error:
            raise StoreError(
                f"{self.path / 'tables' / (name + '.parquet')} cannot be read ({error}); "
                "run store.rebuild() to derive it again from the raw pages"
            ) from None

    def sessions(self) -> pl.DataFrame:
        """The sessions frame (METRICS.md), with registrant counts where registrants were fetched."""
        return self._table("sessions")

    def registrants(self, session_ids: Sequence[str] | None = None) -> pl.DataFrame:
        frame = self._table("registrants")
        return (
            frame if session_ids is None else frame.filter(pl.col("session_id").is_in(session_ids))
        )

    def participants(self, session_ids: Sequence[str] | None = None) -> pl.DataFrame:
        frame = self._table("participants")
        return (
            frame if session_ids is None else frame.filter(pl.col("session_id").is_in(session_ids))
        )

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
    def __init__(self, name: str, why: str) -> None:
        super().__init__(f"{name} ({why})")
        self.name = f"{name} ({why})"


def _safe(key: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in key)


def _add_missing_columns(db: sqlite3.Connection) -> None:
    """Bring a manifest written by an earlier version up to today's columns."""
    for table, columns in (("sessions", _SESSION_COLUMNS), ("windows", _WINDOW_COLUMNS)):
        have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        for name, kind in columns.items():
            if name not in have:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")


def record_id(record: Any) -> str | None:
    """A record's ``id`` as text, or None when it has no usable one (such a record is kept in
    the raw pages but never enters the manifest, so no later request names a session ``None``)."""
    value = record.get("id") if isinstance(record, dict) else None
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value)
    return text if text and "/" not in text and len(text) <= 64 else None


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
    kind: FetchKind, units: list[tuple[str, list[bytes]]], webinar_of: dict[str, str | None]
) -> pl.DataFrame:
    if kind == "registrants":
        return frames.registrants_frame_from_session_pages(units)
    return frames.participants_frame_from_session_pages(
        (session_id, webinar_of.get(session_id) or "", pages) for session_id, pages in units
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
