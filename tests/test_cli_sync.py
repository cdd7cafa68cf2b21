"""``webinar-insights sync``: every flag against a real loopback simulator, checked by its effect.

Most runs call ``cli.main`` in this process (``capsys`` holds the output); only the unreachable
server runs as a subprocess, started when the module starts so its ten seconds overlap the rest.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from webinar_insights import Client, Store
from webinar_insights.cli import main
from webinar_insights.simulator import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_JWT,
    Simulator,
    SimulatorConfig,
    SimulatorServer,
    serve,
)

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
WIDE = ("--from", "2025-10-01", "--to", "2026-12-31")
CONFIG = SimulatorConfig(
    seed=3, scale=40, now=NOW, rate_limit_window=0.02, max_sessions_per_webinar=2
)


@pytest.fixture(scope="module")
def server() -> Iterator[SimulatorServer]:
    with serve(Simulator(CONFIG)) as running:
        yield running


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory of its own (no .env, no default store) and the demo credentials."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RC_APP_CLIENT_ID", DEMO_CLIENT_ID)
    monkeypatch.setenv("RC_APP_CLIENT_SECRET", DEMO_CLIENT_SECRET)
    monkeypatch.setenv("RC_USER_JWT", DEMO_JWT)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, err
    return err


def requests_of(out: str) -> int:
    match = re.search(r"with ([\d,]+) API requests", out)
    assert match, out
    return int(match.group(1).replace(",", ""))


def program_ids(sim: Simulator | None = None, host: str | None = None) -> set[str]:
    program = (sim or Simulator(CONFIG)).program
    return {
        s.session_id
        for s in program.sessions
        if host is None or program.webinars[s.webinar_index].host.user_id == host
    }


# ---------------------------------------------------------------------------------------------
# Where from, where to, what.


def test_server_url_syncs_a_loopback_server_and_wins_over_the_environment(
    server: SimulatorServer,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("RC_SERVER_URL", "http://127.0.0.1:9")  # nothing listens there
    code, out, err = run(
        capsys, "sync", "--server-url", server.url, *WIDE, "--store", "s", "--no-progress"
    )
    assert (code, err) == (0, "")
    assert f"{len(program_ids()):,} new" in out
    assert set(Store(workdir / "s").sessions()["session_id"]) == program_ids()


@pytest.mark.parametrize(
    ("depth", "registrants", "participants"),
    [("sessions", False, False), ("Registrants", True, False), ("PARTICIPANTS", True, True)],
)
def test_depth_fetches_what_it_says(
    server: SimulatorServer,
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    depth: str,
    registrants: bool,
    participants: bool,
) -> None:
    code, out, _ = run(
        capsys, "sync", "--server-url", server.url, *WIDE, "--store", "s", "--no-progress",
        "--depth", depth,
    )  # fmt: skip
    assert code == 0
    store = Store(workdir / "s")
    assert store.sessions().height == len(program_ids())
    assert (store.registrants().height > 0) is registrants
    assert (store.participants().height > 0) is participants
    assert store.provenance()["syncs"][-1]["depth"] == depth.lower()
    assert ("registrants of 0 sessions" in out) is not registrants


def test_store_and_from_to_bound_what_is_written(
    server: SimulatorServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "sync", "--server-url", server.url, "--no-progress",
        "--from", "2026-03-01", "--to", "2026-05-31", "--store", "data/spring",
    )  # fmt: skip
    assert code == 0
    assert "Store: data/spring" in out
    assert (workdir / "data" / "spring" / "tables" / "sessions.parquet").is_file()
    assert not (workdir / "webinar-data").exists()  # the default store was left alone
    ends = Store(workdir / "data" / "spring").sessions()["end_time"]
    assert 0 < ends.len() < len(program_ids())
    assert ends.min() >= datetime(2026, 3, 1, tzinfo=UTC)  # type: ignore[operator]
    assert ends.max() < datetime(2026, 6, 1, tzinfo=UTC)  # type: ignore[operator]


def test_own_lists_only_the_users_sessions(
    server: SimulatorServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    me = server.simulator.current_user.user_id
    code, _, _ = run(
        capsys, "sync", "--server-url", server.url, *WIDE, "--store", "s", "--no-progress", "--own"
    )
    assert code == 0
    sessions = Store(workdir / "s").sessions()
    assert set(sessions["host_user_id"]) == {me}
    assert set(sessions["session_id"]) == program_ids(host=me) != program_ids()


def test_host_lists_only_those_hosts(
    server: SimulatorServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = (h.user_id for h in server.simulator.program.hosts[1:3])
    code, _, _ = run(
        capsys, "sync", "--server-url", server.url, *WIDE, "--store", "one", "--no-progress",
        "--host", first,
    )  # fmt: skip
    assert code == 0
    assert set(Store(workdir / "one").sessions()["session_id"]) == program_ids(host=first)
    code, _, _ = run(
        capsys, "sync", "--server-url", server.url, *WIDE, "--store", "two", "--no-progress",
        "--host", first, "--host", second,
    )  # fmt: skip
    assert code == 0
    both = program_ids(host=first) | program_ids(host=second)
    assert set(Store(workdir / "two").sessions()["session_id"]) == both != program_ids()


def test_full_refresh_lists_settled_stretches_again(
    server: SimulatorServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settled = ("--from", "2025-10-01", "--to", "2026-09-30")  # twelve months, all over by NOW
    argv = ("sync", "--server-url", server.url, *settled, "--store", "s", "--no-progress")
    first = run(capsys, *argv)
    confirmed = run(capsys, *argv)  # a stretch settles once two listings agree on it
    again = run(capsys, *argv)
    refreshed = run(capsys, *argv, "--full-refresh")
    assert [code for code, _, _ in (first, confirmed, again, refreshed)] == [0, 0, 0, 0]
    assert "  listings   1\n" in first[1]
    assert "  listings   1\n" in confirmed[1]
    assert "  listings   0; settled and not listed again: 2025-10-01..2026-09-30" in again[1]
    assert requests_of(again[1]) == 1  # the sign-in only
    assert "  listings   1\n" in refreshed[1]
    assert requests_of(refreshed[1]) == requests_of(first[1])


def test_no_progress_keeps_stderr_empty(
    server: SimulatorServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("sync", "--server-url", server.url, *WIDE, "--depth", "registrants")
    code, _, err = run(capsys, *argv, "--store", "bars")
    assert code == 0
    assert "sessions' people" in err  # the progress bar of the per-session fetches
    code, _, err = run(capsys, *argv, "--store", "quiet", "--no-progress")
    assert (code, err) == (0, "")


def test_demo_seed_and_scale_pick_the_simulated_program(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "sync", "--demo", "--seed", "5", "--scale", "25", "--store", "a", "--no-progress"
    )
    assert code == 0
    assert "25 new" in out
    expected = program_ids(Simulator(SimulatorConfig(seed=5, scale=25)))
    assert set(Store(workdir / "a").sessions()["session_id"]) == expected
    code, out, _ = run(
        capsys, "sync", "--demo", "--seed", "6", "--scale", "12", "--store", "b", "--no-progress"
    )
    assert code == 0
    assert "12 new" in out
    other = set(Store(workdir / "b").sessions()["session_id"])
    assert other == program_ids(Simulator(SimulatorConfig(seed=6, scale=12)))
    titles = [set(Store(workdir / s).sessions()["session_title"]) for s in ("a", "b")]
    assert titles[0] != titles[1]  # another seed, another program


# ---------------------------------------------------------------------------------------------
# Sharing: the store's lock, the credential's rate limit.


def test_wait_queues_behind_another_writer(
    server: SimulatorServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("sync", "--server-url", server.url, *WIDE, "--store", "s", "--no-progress")
    held, release = threading.Event(), threading.Event()

    def other_writer() -> None:  # another sync holding the store's lock until released
        with Store(workdir / "s").writing():
            held.set()
            release.wait(timeout=30)

    writer = threading.Thread(target=other_writer)
    writer.start()
    try:
        assert held.wait(timeout=10)
        code, out, err = run(capsys, *argv)  # --wait 0 by default: fail at once
        assert (code, out) == (2, "")
        assert "another sync or rebuild is writing" in one_line(err)
        assert "--wait SECONDS" in err
        code, out, err = run(capsys, *argv, "--wait", "0.2")
        assert (code, out) == (2, "")
        assert "another sync or rebuild is writing" in one_line(err)
        threading.Timer(0.5, release.set).start()  # the other writer finishes soon
        started = time.monotonic()
        code, out, err = run(capsys, *argv, "--wait", "30")
        waited = time.monotonic() - started
    finally:
        release.set()
        writer.join()
    assert (code, err) == (0, "")
    assert f"{len(program_ids()):,} new" in out
    assert 0.4 < waited < 10


def test_fail_fast_stops_at_once_while_another_client_spends_the_rate_limit(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    slow = SimulatorConfig(seed=3, scale=6, now=NOW, rate_limit_window=1.5)
    argv = ("--from", "2026-10-01", "--to", "2026-10-31", "--store", "s", "--no-progress")
    with serve(Simulator(slow)) as running:
        other = Client.from_env(server_url=running.url, progress=False)
        with other:  # the same credentials on this machine: the same shared budget
            other.list_sessions(NOW - timedelta(days=10), NOW, window=timedelta(days=1))
            assert other.requests_sent == 11  # a token and ten listings: the whole window
            started = time.monotonic()
            code, out, err = run(capsys, "sync", "--server-url", running.url, *argv, "--fail-fast")
            failed_after = time.monotonic() - started
            assert (code, out) == (1, "")
            assert "--fail-fast stopped the sync instead of waiting" in one_line(err)
            assert failed_after < 1.0
            started = time.monotonic()
            code, out, err = run(capsys, "sync", "--server-url", running.url, *argv)
            waited = time.monotonic() - started
    assert (code, err) == (0, "")
    assert waited > 0.3  # without the flag it waited for the budget, then synced
    assert "rate-limited" in out


# ---------------------------------------------------------------------------------------------
# A wrong server fails at once, with one line naming it, and creates nothing.


@dataclass
class Unreachable:
    url: str
    folder: Path
    seconds: float = -1.0
    code: int | None = None
    out: str = ""
    err: str = ""


@pytest.fixture(scope="module", autouse=True)
def unreachable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Unreachable]:
    """``sync --server-url http://127.0.0.1:<closed port>``, started with the module: the client
    tries for about ten seconds before it names the server, and the other tests run meanwhile."""
    with socket.socket() as probe:  # a port nobody listens on (bound, never listening)
        probe.bind(("127.0.0.1", 0))
        result = Unreachable(
            f"http://127.0.0.1:{probe.getsockname()[1]}", tmp_path_factory.mktemp("unreachable")
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("RC_")}
        env.update(
            RC_APP_CLIENT_ID=DEMO_CLIENT_ID,
            RC_APP_CLIENT_SECRET=DEMO_CLIENT_SECRET,
            RC_USER_JWT=DEMO_JWT,
            WEBINAR_INSIGHTS_LIMITER_DIR=str(result.folder / "limiter"),  # not the user's cache
        )
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "webinar_insights.cli", "sync", "--server-url", result.url,
             *WIDE, "--store", "s", "--no-progress"],
            cwd=result.folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

        def collect() -> None:
            result.out, result.err = process.communicate()
            result.seconds = time.monotonic() - started
            result.code = process.returncode

        collector = threading.Thread(target=collect, daemon=True)
        collector.start()
        try:
            yield result
        finally:
            if process.poll() is None:
                process.kill()
            collector.join(timeout=30)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not-a-url", "is not an http(s) URL with a host"),
        ("ftp://example.com", "is not an http(s) URL with a host"),
        ("http://no-such-host.invalid", "host name is unknown"),
    ],
)
def test_server_url_that_cannot_work_exits_2_at_once(
    workdir: Path, capsys: pytest.CaptureFixture[str], url: str, message: str
) -> None:
    started = time.monotonic()
    code, out, err = run(capsys, "sync", "--server-url", url, *WIDE, "--store", "s")
    assert (code, out) == (2, "")
    assert err.startswith("webinar-insights: error: ")
    assert url in one_line(err)
    assert message in err
    assert time.monotonic() - started < 5
    assert not (workdir / "s").exists()


def test_server_url_of_a_closed_port_exits_1_naming_it(unreachable: Unreachable) -> None:
    deadline = time.monotonic() + 30
    while unreachable.code is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert unreachable.code == 1
    assert 0 < unreachable.seconds < 15
    assert unreachable.out == ""
    assert f"cannot reach {unreachable.url}" in one_line(unreachable.err)
    assert "--server-url" in unreachable.err
    assert not (unreachable.folder / "s").exists()


def test_sync_without_from_and_to_needs_demo(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "sync", "--store", "s", "--from", "2026-01-01")
    assert code == 2
    assert "--from and --to are required" in one_line(err)
    for extra, message in (
        (("--server-url", "http://127.0.0.1:1"), "--demo and --server-url exclude each other"),
        (("--fail-fast",), "--fail-fast needs a server"),
    ):
        code, _, err = run(capsys, "sync", "--demo", "--store", "s", *extra)
        assert code == 2
        assert message in one_line(err)
    assert not (workdir / "s").exists()


def test_plan_prints_the_requests_and_writes_nothing_then_the_sync_sends_them(
    server: SimulatorServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("sync", "--server-url", server.url, *WIDE, "--store", "p", "--no-progress")
    code, out, err = run(capsys, *argv, "--depth", "registrants", "--plan")
    assert (code, err) == (0, "")
    assert not (workdir / "p").exists()  # a plan writes nothing
    promised = int(re.search(r"least ([\d,]+) requests ≈ ", out).group(1))  # type: ignore[union-attr]
    assert "at 10/min (the real API's limit)" in out and "newest month complete after" in out
    code, out, _ = run(capsys, *argv, "--depth", "registrants")
    # The sign-in is one more request (Auth, not a Webinar request). The plan counts one
    # request per list; a list of more than 1,000 registrants takes one more page per 1,000.
    per_session = Store(workdir / "p").registrants(columns=["session_id"])["session_id"]
    more_pages = sum((n - 1) // 1000 for n in per_session.value_counts()["count"])
    assert more_pages > 0  # the demo has a session that needs a second page
    assert requests_of(out) == promised + 1 + more_pages
    code, out, _ = run(capsys, *argv, "--depth", "registrants", "--plan")
    assert out.startswith("1 requests ≈ 6 s at 10/min")  # only the listing is due now


def test_budget_stops_the_sync_and_the_next_one_finishes(
    server: SimulatorServer, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("sync", "--server-url", server.url, *WIDE, "--store", "b", "--no-progress")
    code, out, _ = run(capsys, *argv, "--depth", "registrants", "--budget", "10")
    assert code == 0
    assert requests_of(out) <= 10 + 1  # and the sign-in
    assert "people lists left for the next sync" in out
    code, out, _ = run(capsys, *argv, "--depth", "registrants")
    assert "budget" not in out
    assert Store(workdir / "b").incomplete() == []
    for bad in ("0", "-1", "x"):
        code, _, err = run(capsys, *argv, "--budget", bad)
        assert code == 2 and "--budget" in err
    code, _, err = run(capsys, *argv, "--budget", "5", "--plan")
    assert code == 2 and "--plan and --budget exclude each other" in one_line(err)
