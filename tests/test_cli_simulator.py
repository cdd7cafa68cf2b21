"""``webinar-insights simulator serve|summary`` and ``demo``: each option checked by its effect.

``serve`` runs as a real process (it is one: a port, Ctrl-C); ``summary`` and ``demo`` run
in this process.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from webinar_insights import Client, Store
from webinar_insights.cli import main
from webinar_insights.simulator import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_JWT,
    STATS_PATH,
    Simulator,
    SimulatorConfig,
)

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
WIDE = {"endTimeFrom": "2025-01-01T00:00:00.000Z", "endTimeTo": "2027-06-01T00:00:00.000Z"}
OWN = "/webinar/history/v1/sessions"
COMPANY = "/webinar/history/v1/company/sessions"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    lines: list[str]


def start_serving(*options: str) -> Served:
    """``simulator serve`` in a process of its own; returns once it printed its next steps."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RC_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "webinar_insights.cli", "simulator", "serve", *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert process.stdout is not None
    lines = [process.stdout.readline().rstrip("\n")]
    assert lines[0].startswith("Simulator serving at "), lines
    while lines[-1] != "Stop it with Ctrl-C.":
        line = process.stdout.readline()
        assert line, lines  # the process ended early
        lines.append(line.rstrip("\n"))
    return Served(process, lines[0].split()[3], lines)


def stop(served: Served) -> tuple[int, str, str]:
    served.process.send_signal(signal.SIGINT)
    out, err = served.process.communicate(timeout=10)
    return served.process.returncode, out, err


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def token(http: httpx.Client) -> str:
    response = http.post(
        "/restapi/oauth/token",
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": DEMO_JWT},
        auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
    )
    assert response.status_code == 200, response.text
    access: str = response.json()["access_token"]
    return access


def listing(records: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    return sorted(
        (r["id"], r["webinar"]["id"], r["scheduledStartTime"], r["status"]) for r in records
    )


def own_listing(config: SimulatorConfig) -> list[tuple[str, str, str, str]]:
    """The user's own sessions of an in-process simulator of ``config``."""
    with Client.simulator(simulator=Simulator(config), progress=False) as client:
        return listing(client.list_sessions("2025-01-01", "2027-05-31", company=False))


# ---------------------------------------------------------------------------------------------
# serve: where it listens, what it serves, what it prints.

SERVED = SimulatorConfig(
    seed=5,
    scale=12,
    now=NOW,
    max_sessions_per_webinar=3,
    rate_limit_window=0.05,
    webinar_settings_permission=False,
)


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    port = free_port()
    running = start_serving(
        "--host", "127.0.0.1", "--port", str(port), "--seed", "5", "--scale", "12",
        "--now", "2026-11-01T12:00:00Z", "--series", "3", "--rate-limit-window", "0.05",
        "--no-webinar-settings",
    )  # fmt: skip
    try:
        yield running
    finally:
        stop(running)


def test_serve_listens_at_host_and_port_and_prints_steps_that_work(
    served: Served,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    port = int(served.url.rsplit(":", 1)[1])
    assert served.url == f"http://127.0.0.1:{port}"
    assert f"(stats: {served.url}{STATS_PATH})" in served.lines[0]
    exports = dict(
        line.removeprefix("  export ").split("=", 1)
        for line in served.lines
        if line.startswith("  export ")
    )
    assert exports == {
        "RC_SERVER_URL": served.url,
        "RC_APP_CLIENT_ID": DEMO_CLIENT_ID,
        "RC_APP_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        "RC_USER_JWT": DEMO_JWT,
    }
    (command,) = [line for line in served.lines if line.startswith("  webinar-insights sync ")]
    argv = shlex.split(command)[1:]
    assert "--own" in argv  # the served user lacks WebinarSettings: the example says so
    # Do what the lines say, in a folder of our own.
    monkeypatch.chdir(tmp_path)
    for name, value in exports.items():
        monkeypatch.setenv(name, value)
    code, out, err = run(capsys, *argv, "--no-progress")
    assert (code, err) == (0, ""), err
    assert "Synced in" in out
    store = Store(tmp_path / argv[argv.index("--store") + 1])
    assert sorted(store.sessions()["session_id"]) == [s for s, *_ in own_listing(SERVED)]


def test_served_program_follows_seed_scale_series_now_and_window(served: Served) -> None:
    with httpx.Client(base_url=served.url) as http:
        headers = {"Authorization": f"Bearer {token(http)}"}
        response = http.get(OWN, params={**WIDE, "perPage": "1000"}, headers=headers)
    assert response.status_code == 200
    got = listing(response.json()["records"])
    assert got == own_listing(SERVED)  # --seed 5 --scale 12 --series 3 --now ...
    for changed in (
        {"seed": 42},
        {"scale": 30},
        {"max_sessions_per_webinar": 1},
        {"now": datetime(2026, 6, 1, tzinfo=UTC)},
    ):
        assert got != own_listing(dataclasses.replace(SERVED, **changed)), changed
    assert parsedate_to_datetime(response.headers["Date"]) == NOW  # --now fixes the clock
    assert response.headers["X-Rate-Limit-Window"] == "0.05"  # --rate-limit-window


def test_serve_no_webinar_settings_makes_sync_need_own(
    served: Served,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with httpx.Client(base_url=served.url) as http:
        headers = {"Authorization": f"Bearer {token(http)}"}
        assert http.get(COMPANY, params=WIDE, headers=headers).status_code == 403
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RC_APP_CLIENT_ID", DEMO_CLIENT_ID)
    monkeypatch.setenv("RC_APP_CLIENT_SECRET", DEMO_CLIENT_SECRET)
    monkeypatch.setenv("RC_USER_JWT", DEMO_JWT)
    argv = ("sync", "--server-url", served.url, "--from", "2025-10-01", "--to", "2026-12-31")
    code, out, err = run(capsys, *argv, "--store", "company", "--no-progress")
    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert "WebinarSettings" in err and "--own" in err
    code, _, err = run(capsys, *argv, "--store", "own", "--no-progress", "--own")
    assert (code, err) == (0, "")


def test_serve_faults_of_the_kinds_asked_then_ctrl_c_stops_it_quietly() -> None:
    running = start_serving(
        "--port", "0", "--scale", "5", "--rate-limit-window", "0.05",
        "--fault-rate", "0.5", "--fault-kind", "HTTP500", "--fault-kind", "Empty",
    )  # fmt: skip
    try:
        statuses = []
        with httpx.Client(base_url=running.url) as http:
            headers = {"Authorization": f"Bearer {token(http)}"}
            for _ in range(30):
                response = http.get(OWN, params=WIDE, headers=headers)
                statuses.append((response.status_code, bool(response.content)))
            stats = http.get(STATS_PATH).json()
    finally:
        code, out, err = stop(running)
    assert set(stats["faults"]) <= {"http500", "empty"}
    assert stats["faults"].get("http500", 0) > 0
    assert stats["faults_injected"] == sum(stats["faults"].values()) < 30
    assert (500, True) in statuses and (200, True) in statuses
    assert (code, out, err) == (0, "", "")  # Ctrl-C is how a server stops: quietly, status 0


HARSH = SimulatorConfig(
    seed=9,
    scale=40,
    now=NOW,
    rate_limit_window=0.05,
    never_ran_share=0.4,
    delete_after_listing=1.0,
    host_only_participants=True,
    max_oauth_sessions=1,
)


@pytest.fixture(scope="module")
def harsh() -> Iterator[Served]:
    running = start_serving(
        "--port", "0", "--seed", "9", "--scale", "40", "--now", "2026-11-01T12:00:00Z",
        "--rate-limit-window", "0.05", "--never-ran-share", "0.4",
        "--delete-after-listing", "1", "--host-only-participants", "--max-oauth-sessions", "1",
    )  # fmt: skip
    try:
        yield running
    finally:
        stop(running)


def test_serve_never_ran_share_and_delete_after_listing(harsh: Served) -> None:
    sim = Simulator(HARSH)
    never_ran = {s.session_id for s in sim.program.sessions if sim.never_ran(s)}
    past = {s.session_id for s in sim.program.sessions if s.scheduled_end < NOW}
    assert never_ran & past
    with httpx.Client(base_url=harsh.url) as http:
        headers = {"Authorization": f"Bearer {token(http)}"}
        first = http.get(COMPANY, params={**WIDE, "perPage": "1000"}, headers=headers).json()
        second = http.get(COMPANY, params={**WIDE, "perPage": "1000"}, headers=headers).json()
    status = {r["id"]: r["status"] for r in first["records"]}
    assert len(status) == 40
    # Sessions that never ran stay Scheduled though their time is long past.
    assert {sid for sid in past if status[sid] == "Scheduled"} == never_ran & past
    # Every Scheduled session the first listing showed was deleted right after it.
    scheduled = {sid for sid, s in status.items() if s == "Scheduled"}
    assert scheduled
    assert {r["id"] for r in second["records"]} == set(status) - scheduled


def test_serve_host_only_participants(harsh: Served) -> None:
    sim = Simulator(HARSH)
    me = sim.current_user.user_id
    finished = [
        s for s in sim.program.sessions if s.status(NOW) == "Finished" and not sim.never_ran(s)
    ]
    hosts = {s.session_id: sim.program.webinars[s.webinar_index] for s in finished}
    mine = next(s for s in finished if hosts[s.session_id].host.user_id == me)
    theirs = next(s for s in finished if hosts[s.session_id].host.user_id != me)
    with httpx.Client(base_url=harsh.url) as http:
        headers = {"Authorization": f"Bearer {token(http)}"}
        answers = {}
        for session in (mine, theirs):
            webinar = hosts[session.session_id].webinar_id
            path = (
                f"/webinar/history/v1/webinars/{webinar}/sessions/{session.session_id}/participants"
            )
            answers[session is mine] = http.get(path, headers=headers).status_code
    assert answers == {True: 200, False: 403}


def test_serve_max_oauth_sessions(harsh: Served) -> None:
    with httpx.Client(base_url=harsh.url) as http:
        first = token(http)
        assert http.get(OWN, params=WIDE, headers={"Authorization": f"Bearer {first}"}).is_success
        second = token(http)  # one session kept: this login evicts the first
        assert http.get(OWN, params=WIDE, headers={"Authorization": f"Bearer {second}"}).is_success
        evicted = http.get(OWN, params=WIDE, headers={"Authorization": f"Bearer {first}"})
    assert evicted.status_code == 401


def test_serve_on_a_busy_port_or_unknown_host_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        code, out, err = run(capsys, "simulator", "serve", "--host", "127.0.0.1", "--port", port)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert f"cannot serve at 127.0.0.1:{port}: the port is already in use" in err
    code, out, err = run(
        capsys, "simulator", "serve", "--host", "no-such-host.invalid", "--port", "0"
    )
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "cannot serve at no-such-host.invalid:0" in err


# ---------------------------------------------------------------------------------------------
# summary and demo: in this process.


def test_summary_shows_what_each_option_sets(capsys: pytest.CaptureFixture[str]) -> None:
    code, default, _ = run(capsys, "simulator", "summary", "--scale", "12")
    assert code == 0
    code, out, err = run(
        capsys, "simulator", "summary", "--seed", "5", "--scale", "12",
        "--now", "2026-11-01T12:00:00Z", "--series", "3", "--rate-limit-window", "0.5",
        "--fault-rate", "0.25", "--fault-kind", "HTTP500", "--fault-kind", "Drop",
        "--no-webinar-settings", "--never-ran-share", "0.5", "--delete-after-listing", "0.3",
        "--host-only-participants", "--max-oauth-sessions", "2",
    )  # fmt: skip
    assert (code, err) == (0, "")
    config = dataclasses.replace(
        SERVED,
        rate_limit_window=0.5,
        never_ran_share=0.5,
        delete_after_listing=0.3,
        host_only_participants=True,
        max_oauth_sessions=2,
    )
    sim = Simulator(config)
    never = sum(1 for s in sim.program.sessions if sim.never_ran(s))
    assert 0 < never < 12
    expected = [
        "(seed 5, clock 2026-11-01 12:00 UTC)",
        f"webinars     {len(sim.program.webinars):>9}",
        f"sessions     {12:>9}",
        f"hosts        {len(sim.program.hosts):>9}",
        "per 0.5 s",
        "faults       25% of requests: http500, drop",
        "no WebinarSettings",
        f"never ran    {never:>9}",
        "30% of the Scheduled sessions a listing shows are deleted",
        "participants listed for the user's own sessions only",
        "logins       2 OAuth sessions kept",
    ]
    for text in expected:
        assert text in out, text
    assert len(sim.program.webinars) < 12  # --series 3: some webinars hold several sessions
    assert "(seed 42, " in default and "per 60 s" in default
    assert f"webinars     {12:>9}" in default  # one session per webinar by default
    for text in expected[4:-1]:
        assert text not in default, text
    assert "logins       5 OAuth sessions kept" in default


def test_demo_seed_and_scale_change_the_program(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "demo", "--seed", "5", "--scale", "30")
    assert (code, err) == (0, "")
    assert "(seed 5, " in out
    assert f"sessions     {30:>9}" in out
    assert "Fetched 30 sessions through the API client" in out
    code, other, _ = run(capsys, "demo", "--seed", "6", "--scale", "30")
    assert code == 0
    assert "(seed 6, " in other
    assert other.splitlines()[4] != out.splitlines()[4]  # another seed, other registrants
