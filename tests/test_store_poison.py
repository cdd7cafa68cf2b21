"""Nothing a server sends can poison the store.

Each attack changes one record (or one raw page) of a sync of the in-process simulator: the
sync completes, the quarantine lists exactly that record (or page) with its session, field and
raw file, every other record is in the tables exactly as a clean sync stores it, and a later sync
against the healthy server heals the store (the poisoned unit counts as unsettled, so it is
asked for again: no ``full_refresh`` needed). A full disk and a read-only store are one clear
``StoreError`` each and lose nothing.
"""

from __future__ import annotations

import errno
import gzip
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import polars as pl
import pytest
from filelock import FileLock
from polars.testing import assert_frame_equal

from webinar_insights import DataWarning, StoreError, frames
from webinar_insights import store as store_module
from webinar_insights.client import Client, RetryPolicy
from webinar_insights.report import report_from_store
from webinar_insights.simulator import Simulator, SimulatorConfig
from webinar_insights.store import Store, quarantine_lines
from webinar_insights.syncing import sync

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
WHOLE = {"start": "2025-09-01", "end": "2026-12-31"}
KEYS = {
    "sessions": ["session_id"],
    "registrants": ["session_id", "registrant_id"],
    "participants": ["session_id", "participant_id"],
}
ID_COLUMN = {
    "sessions": "session_id",
    "registrants": "registrant_id",
    "participants": "participant_id",
}
RETRY = RetryPolicy(base_delay=0.01, max_delay=0.05, retry_after_default=0.02)


def make_sim() -> Simulator:
    return Simulator(SimulatorConfig(seed=3, scale=30, now=NOW, rate_limit_window=0.02))


def client_of(sim: Simulator, transport: httpx.BaseTransport | None = None) -> Client:
    client = Client.simulator(simulator=sim, progress=False, retry=RETRY)
    if transport is not None:
        client._http._transport = transport
    return client


def tables(store: Store) -> dict[str, pl.DataFrame]:
    return {name: getattr(store, name)().sort(keys) for name, keys in KEYS.items()}


def assert_tables_equal(got: dict[str, pl.DataFrame], want: dict[str, pl.DataFrame]) -> None:
    for name in KEYS:
        assert_frame_equal(got[name], want[name])


@pytest.fixture(scope="module")
def clean_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of a clean sync (copy it before changing anything)."""
    path = tmp_path_factory.mktemp("clean") / "store"
    store = Store(path)
    with client_of(make_sim()) as client:
        sync(client, store, depth="participants", **WHOLE)
    store.close()
    return path


@pytest.fixture(scope="module")
def clean(clean_dir: Path) -> dict[str, pl.DataFrame]:
    return tables(Store(clean_dir))


# ---------------------------------------------------------------------------------------------
# The frames' quarantine mode, which the store's rebuild uses.


def page(*records: object) -> bytes:
    return json.dumps({"records": list(records), "paging": {}}).encode()


def test_quarantine_mode_lists_every_problem_where_it_is_and_keeps_the_rest() -> None:
    webinar = {"id": "w1"}
    good = page({"id": "t1", "webinar": webinar}, {"id": "t2", "webinar": webinar})
    pages = [
        good,
        b"not json",
        page(
            {"id": "s1", "webinar": webinar, "uniqueParticipantCount": "12"},
            {"id": {"a": 1}, "webinar": webinar},
            42,
            None,
            {"id": "s5"},
            {"id": "s6", "webinar": webinar, "startTime": "soon"},
            {"id": "a/b", "webinar": webinar},
            {"id": "s8", "webinar": "w1"},
        ),
        good,
        b'{"paging": {}}',
    ]
    bad: list[frames.BadRecord] = []
    frame = frames.sessions_frame_from_pages(pages, quarantine=bad)  # no warning, no error
    assert frame["session_id"].to_list() == ["t1", "t2", "s1", "s6", "t1", "t2"]
    assert frame.filter(session_id="s1")["unique_participant_count"].to_list() == [None]
    got = [(b.page, b.record, b.record_id, b.field, b.value, b.left_out) for b in bad]
    assert got == [
        (1, None, None, None, "b'not json'", True),
        (2, 0, "s1", "uniqueParticipantCount", "'12'", False),
        (2, 1, None, "id", "{'a': 1}", True),
        (2, 2, None, None, "42", True),
        (2, 3, None, None, "None", True),
        (2, 4, "s5", "webinar.id", "", True),
        (2, 5, "s6", "startTime", "'soon'", False),
        (2, 6, "a/b", "id", "'a/b'", True),
        (2, 7, "s8", "webinar", "'w1'", True),
        (4, None, None, None, "b'{\"paging\": {}}'", True),
    ]
    assert "not a whole number" in bad[1].problem and "missing" in bad[5].problem


def test_quarantine_mode_keeps_new_enum_values_and_still_warns_of_them() -> None:
    bad: list[frames.BadRecord] = []
    records = page({"id": "p1", "role": "Astronaut"}, {"id": "p2", "role": "Host"})
    with pytest.warns(DataWarning, match=r"'role' has values .* 'Astronaut' \(2 records\)"):
        frame = frames.participants_frame_from_session_pages(
            [("s1", "w1", [records, records])], quarantine=bad
        )
    assert frame["role"].to_list() == ["Astronaut", "Host", "Astronaut", "Host"] and bad == []


# ---------------------------------------------------------------------------------------------
# A server that sends one bad record.


@dataclass(frozen=True)
class Attack:
    name: str
    path: str  # the answers it poisons: paths ending so (the first with two records or more)
    poison: Callable[[dict[str, Any]], object]  # the first record -> what is sent instead
    table: str  # the table the record was meant for
    field: str | None  # the field the quarantine names (None: the record as a whole)
    left_out: bool  # True: the record is not in the tables; False: it is, with `column` null
    column: str | None = None
    whole_session: bool = False  # a listing record that cannot be placed: the session is absent


ATTACKS = [
    Attack(
        "count sent as a string",
        "/company/sessions",
        lambda r: r | {"uniqueParticipantCount": "12"},
        "sessions",
        "uniqueParticipantCount",
        left_out=False,
        column="unique_participant_count",
    ),
    Attack(
        "listing record without webinar",
        "/company/sessions",
        lambda r: {k: v for k, v in r.items() if k != "webinar"},
        "sessions",
        "webinar.id",
        left_out=True,
        whole_session=True,
    ),
    Attack(
        "listing record with an object as id",
        "/company/sessions",
        lambda r: r | {"id": {"$oid": r["id"]}},
        "sessions",
        "id",
        left_out=True,
        whole_session=True,
    ),
    Attack(
        "registrant that is not an object",
        "/registrants",
        lambda r: ["not", "an", "object"],
        "registrants",
        None,
        left_out=True,
    ),
    Attack(
        "registrant with an object as id",
        "/registrants",
        lambda r: r | {"id": {"value": r["id"]}},
        "registrants",
        "id",
        left_out=True,
    ),
    Attack(
        "participant with a list as id",
        "/participants",
        lambda r: r | {"id": [r["id"]]},
        "participants",
        "id",
        left_out=True,
    ),
    Attack(
        "one registrant with a bad value",
        "/registrants",
        lambda r: r | {"email": {"address": "x@example.org"}},
        "registrants",
        "email",
        left_out=False,
        column="email",
    ),
    Attack(
        "one participant with a bad time",
        "/participants",
        lambda r: r | {"joinTime": "yesterday"},
        "participants",
        "joinTime",
        left_out=False,
        column="join_time",
    ),
]


class Poison(httpx.BaseTransport):
    """Pass requests to the simulator, but poison the first record of the first answer of
    ``attack.path`` that holds two records or more (so the page has others to keep)."""

    def __init__(self, inner: httpx.BaseTransport, attack: Attack) -> None:
        self.inner = inner
        self.attack = attack
        self.session_id: str | None = None  # the session hit
        self.record_id: str | None = None  # the record's id before the attack

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self.inner.handle_request(request)
        path = request.url.path
        if self.session_id or not path.endswith(self.attack.path) or answer.status_code != 200:
            return answer
        body = json.loads(answer.read())
        records = body.get("records") or []
        if len(records) < 2:
            return answer
        self.record_id = records[0]["id"]
        self.session_id = self.record_id if self.attack.table == "sessions" else path.split("/")[-2]
        records[0] = self.attack.poison(records[0])
        headers = {k: v for k, v in answer.headers.items() if k.lower() != "content-length"}
        return httpx.Response(200, content=json.dumps(body).encode(), headers=headers)


def affected(attack: Attack, name: str, session_id: str, record_id: str) -> pl.Expr:
    """The rows of table ``name`` the attack may change; every other row must be untouched."""
    in_session = pl.col("session_id") == session_id
    if attack.whole_session:
        return in_session
    if name == attack.table:
        return in_session & (pl.col(ID_COLUMN[name]) == record_id)
    if name == "sessions" and attack.table == "registrants" and attack.left_out:
        return in_session  # its registrant count is one short
    return pl.lit(False)


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.name)
def test_one_bad_record_is_quarantined_alone_and_a_resync_heals(
    attack: Attack, clean: dict[str, pl.DataFrame], tmp_path: Path
) -> None:
    sim = make_sim()
    poison = Poison(sim.transport(), attack)
    store = Store(tmp_path / "store")
    with client_of(sim, poison) as client, pytest.warns(DataWarning, match="quarantined"):
        counts = sync(client, store, depth="participants", **WHOLE).tables
    session_id, record_id = poison.session_id, poison.record_id
    assert session_id is not None and record_id is not None, "the attack never hit"
    assert counts["quarantined"] == 1

    [entry] = store.quarantine()
    assert entry.kind == attack.table
    assert entry.field == attack.field
    assert entry.left_out is attack.left_out
    assert entry.record == 0
    assert entry.raw_file.startswith(f"raw/{attack.table}/")
    assert (store.path / entry.raw_file).is_file()  # kept raw on disk
    if attack.field == "id" and attack.table == "sessions":
        assert entry.session_id is None  # no usable id: the raw file says where it is
    else:
        assert entry.session_id == session_id
        assert session_id in str(entry)
    assert entry.raw_file in str(entry) and "\n" not in str(entry)
    assert store.provenance()["quarantined"] == quarantine_lines([entry])

    got = tables(store)
    for name in KEYS:
        mask = affected(attack, name, session_id, record_id)
        assert_frame_equal(got[name].filter(~mask), clean[name].filter(~mask))
    victim = got[attack.table].filter(affected(attack, attack.table, session_id, record_id))
    if attack.left_out:
        assert victim.height == 0
    else:
        assert attack.column is not None
        assert victim.height == 1 and victim[attack.column].null_count() == 1

    # The server heals: the next sync asks for the poisoned unit again, and nothing is left.
    with client_of(sim) as client:
        sync(client, store, depth="participants", **WHOLE)
    assert store.quarantine() == []
    assert store.provenance()["quarantined"] == []
    assert_tables_equal(tables(store), clean)


# ---------------------------------------------------------------------------------------------
# A raw page that cannot be read.


def truncated_json(content: bytes) -> bytes:
    return gzip.compress(gzip.decompress(content)[:100])


DAMAGE: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "0-byte raw page": (lambda content: b"", "is empty (0 bytes)"),
    "non-gzip raw page": (lambda content: b"<html>oops</html>", "not a readable gzip file"),
    "truncated JSON raw page": (truncated_json, "not valid JSON"),
    "raw page without a records list": (
        lambda content: gzip.compress(b'{"paging": {}}'),
        "not a JSON object with a 'records' list",
    ),
}


def people_page(store: Path, kind: str, session_id: str) -> str:
    db = sqlite3.connect(store / "manifest.sqlite")
    try:
        (names,) = db.execute(
            "SELECT pages FROM fetches WHERE session_id = ? AND kind = ?", (session_id, kind)
        ).fetchone()
    finally:
        db.close()
    return str(json.loads(names)[0])


@pytest.mark.parametrize("damage", DAMAGE, ids=str)
def test_an_unreadable_raw_page_is_quarantined_and_the_rest_derive(
    damage: str, clean_dir: Path, clean: dict[str, pl.DataFrame], tmp_path: Path
) -> None:
    change, problem = DAMAGE[damage]
    path = tmp_path / "store"
    shutil.copytree(clean_dir, path)
    session_id = clean["registrants"]["session_id"][0]
    name = people_page(path, "registrants", session_id)
    (path / name).write_bytes(change((path / name).read_bytes()))

    store = Store(path)
    with pytest.warns(DataWarning, match="quarantined"):
        counts = store.rebuild()
    assert counts["quarantined"] == 1 and counts["forgotten"] == 0
    [entry] = store.quarantine()
    assert (entry.kind, entry.session_id, entry.raw_file) == ("registrants", session_id, name)
    assert entry.record is None and entry.field is None and entry.left_out
    assert problem in entry.problem and name in str(entry)

    got = tables(store)
    in_session = pl.col("session_id") == session_id
    for table in KEYS:
        assert_frame_equal(got[table].filter(~in_session), clean[table].filter(~in_session))
    assert got["registrants"].filter(in_session).height == 0  # its only page
    # How many registered is unknown now, not zero.
    assert got["sessions"].filter(in_session)["registrant_count"].to_list() == [None]

    # repair forgets the unit (so the next sync fetches it again) and warns of nothing.
    counts = store.rebuild(repair=True)
    assert counts["forgotten"] == 1
    assert store.fetch_state(session_id, "registrants") is None
    with client_of(make_sim()) as client:
        sync(client, store, depth="participants", **WHOLE)
    assert store.quarantine() == []
    assert_tables_equal(tables(store), clean)


def test_an_unreadable_listing_page_leaves_out_its_sessions_people_with_a_word(
    clean_dir: Path, clean: dict[str, pl.DataFrame], tmp_path: Path
) -> None:
    path = tmp_path / "store"
    shutil.copytree(clean_dir, path)
    db = sqlite3.connect(path / "manifest.sqlite")
    key, names = db.execute(
        "SELECT key, pages FROM windows WHERE key IN (SELECT window_key FROM sessions)"
        " ORDER BY seq LIMIT 1"
    ).fetchone()
    query = "SELECT session_id FROM sessions WHERE window_key = ?"
    listed = {r[0] for r in db.execute(query, (key,))}
    db.close()
    assert listed
    name = json.loads(names)[0]
    (path / name).write_bytes(b"")

    store = Store(path)
    with pytest.warns(DataWarning, match="quarantined"):
        store.rebuild()
    page, *lists = store.quarantine()
    assert (page.kind, page.raw_file, page.record) == ("sessions", name, None)
    # Their people are not shown without their session: one entry per list says so.
    assert {q.session_id for q in lists} <= listed and lists
    assert all(q.kind in ("registrants", "participants") and not q.value for q in lists)
    assert all("no session in the sessions table" in str(q) for q in lists)
    gone = pl.col("session_id").is_in(list(listed))
    got = tables(store)
    for table in KEYS:
        assert got[table].filter(gone).height == 0
        assert_frame_equal(got[table], clean[table].filter(~gone))

    with client_of(make_sim()) as client:  # the window is unsettled: it is listed again
        sync(client, store, depth="participants", **WHOLE)
    assert store.quarantine() == []
    assert_tables_equal(tables(store), clean)


# ---------------------------------------------------------------------------------------------
# A full disk and a read-only store.


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@contextmanager
def small_disk(where: Path, size: str = "8m") -> Iterator[bool]:
    """A tmpfs of ``size`` mounted at ``where``; yields False (nothing mounted) when this
    machine does not allow it."""
    where.mkdir(parents=True)
    mounted = (
        _can_mount()
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(where)], check=False)


def fill(path: Path) -> None:
    """Write to ``path`` until its device is full, to the last byte."""
    with open(path, "wb", buffering=0) as handle:
        for chunk in (b"\0" * 65536, b"\0"):
            with pytest.raises(OSError, match="No space left") as full:  # noqa: PT012
                while True:
                    handle.write(chunk)
            assert full.value.errno == errno.ENOSPC


def tmp_files(path: Path) -> list[Path]:
    return [p for p in path.rglob("*") if p.name.endswith(".tmp")]


def test_a_full_disk_is_one_clear_error_and_loses_nothing(
    clean_dir: Path, clean: dict[str, pl.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On an 8 MiB tmpfs filled to its last byte where this machine allows mounting (as root);
    elsewhere ENOSPC is simulated: ``os.fsync``, which the store calls on every file it writes,
    fails with it (then the manifest's own writes are not exercised)."""
    disk = tmp_path / "disk"
    with small_disk(disk) as real:
        path = disk / "store"
        shutil.copytree(clean_dir, path)
        before = (
            sqlite3.connect(path / "manifest.sqlite").execute("SELECT * FROM windows").fetchall()
        )
        if real:
            fill(disk / "filler")
        else:

            def enospc(fd: int) -> None:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

            monkeypatch.setattr(os, "fsync", enospc)

        with pytest.raises(StoreError, match="no space left on the device holding") as raised:
            Store(path).rebuild()
        message = str(raised.value)
        assert str(path) in message and "nothing stored was lost" in message
        assert "move" not in message and "\n" not in message
        sim = make_sim()
        sim.advance(timedelta(days=45))  # sessions have ended since: the sync has pages to write
        with client_of(sim) as client, pytest.raises(StoreError, match="no space left"):
            sync(client, Store(path), depth="participants", **WHOLE)
        assert tmp_files(path) == []
        # Nothing stored was lost: the store opens, its tables and windows are as they were.
        reopened = Store(path)
        assert_tables_equal(tables(reopened), clean)
        db = sqlite3.connect(path / "manifest.sqlite")
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT * FROM windows").fetchall() == before
        db.close()

        # Space again: the same commands succeed.
        if real:
            (disk / "filler").unlink()
        else:
            monkeypatch.undo()
        Store(path).rebuild()
        assert_tables_equal(tables(Store(path)), clean)
        with client_of(sim) as client:
            sync(client, Store(path), depth="participants", **WHOLE)
        assert Store(path).provenance()["syncs"][-1]["finished"]
        assert tmp_files(path) == []


@contextmanager
def read_only_view(source: Path, where: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``source`` seen read-only at ``where``: a read-only bind mount (root), else a copy with
    its write permissions taken away (which stops anyone but root), else (root where mounts are
    not allowed) a copy the store is made to see as read-only: its manifest opens with
    ``mode=ro``, the folder tests as not writable and the lock file cannot be created (EROFS).
    Yields how."""
    where.mkdir(parents=True)
    if _can_mount():
        done = subprocess.run(["mount", "--bind", str(source), str(where)], capture_output=True)
        if done.returncode == 0:
            remount = ["mount", "-o", "remount,bind,ro", str(where)]
            if subprocess.run(remount, capture_output=True).returncode == 0:
                try:
                    yield "bind mount"
                finally:
                    subprocess.run(["umount", "-l", str(where)], check=False)
                return
            subprocess.run(["umount", "-l", str(where)], check=False)
    shutil.rmtree(where)
    shutil.copytree(source, where)
    if os.geteuid() == 0:
        connect = sqlite3.connect

        def read_only_connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
            if kwargs.get("uri"):
                return connect(database, *args, **kwargs)
            return connect(
                f"{Path(database).resolve().as_uri()}?mode=ro", *args, uri=True, **kwargs
            )

        def refuse(*args: Any, **kwargs: Any) -> None:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(where / ".lock"))

        monkeypatch.setattr(store_module.sqlite3, "connect", read_only_connect)
        monkeypatch.setattr(store_module, "_writable", lambda *paths: False)
        monkeypatch.setattr(FileLock, "acquire", refuse)
        try:
            yield "simulated"
        finally:
            monkeypatch.undo()
        return
    for item in [where, *where.rglob("*")]:
        item.chmod(item.stat().st_mode & ~0o222)
    try:
        yield "chmod"
    finally:
        for item in [where, *where.rglob("*")]:
            item.chmod(item.stat().st_mode | 0o200)


def test_a_read_only_store_reads_and_refuses_writes_with_a_clear_error(
    clean_dir: Path, clean: dict[str, pl.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "source"
    shutil.copytree(clean_dir, source)
    files = {p: p.read_bytes() for p in source.rglob("*") if p.is_file()}
    with read_only_view(source, tmp_path / "ro", monkeypatch) as how:
        store = Store(tmp_path / "ro")
        assert_tables_equal(tables(store), clean)  # reading needs no write access
        assert store.provenance()["syncs"] and store.quarantine() == []
        report = report_from_store(store, now=NOW)
        assert report.frames["sessions"].height
        for write in (
            lambda: Store(tmp_path / "ro").rebuild(),
            lambda: sync(
                client_of(make_sim()), Store(tmp_path / "ro"), depth="participants", **WHOLE
            ),
        ):
            with pytest.raises(StoreError) as raised:
                write()
            message = str(raised.value)
            assert message == (
                f"the store at {tmp_path / 'ro'} is read-only; report from a copy or fix its"
                " permissions"
            ), how
        store.close()
    # The store itself is untouched (a bind mount writes through to it).
    assert {p: p.read_bytes() for p in source.rglob("*") if p.is_file()} == files
