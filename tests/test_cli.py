"""The command line: exit codes, one-line errors, nothing written on bad input, no secrets."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from webinar_insights import Store
from webinar_insights.cli import main
from webinar_insights.simulator import Simulator, SimulatorConfig, serve

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
SECRET, JWT = "cli-S3CRET-value", "cli-JWT-value-xyz"


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("RC_")}
    return subprocess.run(
        [sys.executable, "-m", "webinar_insights.cli", *args],
        capture_output=True, text=True, check=False, env={**base, **(env or {})}, cwd=cwd,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-05-01", "--to", "2026-01-01"], "reversed"),
        (["--from", "2026-13-01", "--to", "2027-01-01"], "not a date"),
        (["--from", "2026-01-01"], "--from and --to are required"),
        (["--from", "2026-01-01", "--to", "2026-02-01", "--depth", "everything"], "invalid choice"),
        (
            ["--from", "2026-01-01", "--to", "2026-02-01", "--own", "--host", "1"],
            "exclude each other",
        ),
        (["--from", "2026-01-01", "--to", "2026-02-01"], "RC_APP_CLIENT_ID is not set"),
    ],
)
def test_bad_sync_arguments_exit_2_with_one_line_and_write_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env file here
    assert main(["sync", "--store", str(tmp_path / "store"), *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert captured.err.endswith("\n") and captured.err.count("\n") == 1, captured.err
    assert "usage:" not in captured.err
    assert not (tmp_path / "store").exists()


def test_unwritable_store(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = run("sync", "--demo", "--store", str(blocker / "store"))
    assert result.returncode == 2
    assert "not a writable directory" in result.stderr


def test_sync_demo_prints_a_summary(tmp_path: Path) -> None:
    result = run("sync", "--demo", "--scale", "30", "--store", str(tmp_path / "s"), "--no-progress")
    assert result.returncode == 0, result.stderr
    assert "30 new" in result.stdout
    assert (tmp_path / "s" / "tables" / "sessions.parquet").exists()


def test_secrets_never_reach_output_or_store(tmp_path: Path) -> None:
    sim = Simulator(
        SimulatorConfig(
            seed=2, scale=12, now=NOW, rate_limit_window=0.02, client_secret=SECRET, jwt=JWT
        )
    )
    with serve(sim) as server:
        env = {
            "RC_SERVER_URL": server.url,
            "RC_APP_CLIENT_ID": "demo-client-id",
            "RC_APP_CLIENT_SECRET": SECRET,
            "RC_USER_JWT": JWT,
        }
        ok = run("sync", "--from", "2025-09-01", "--to", "2026-12-31", "--depth", "registrants",
                 "--store", str(tmp_path / "s"), env=env)  # fmt: skip
        bad = run("sync", "--from", "2025-09-01", "--to", "2026-12-31", "--store", str(tmp_path / "b"),
                  env={**env, "RC_USER_JWT": JWT + "-wrong", "RC_APP_CLIENT_SECRET": SECRET + "-wrong"})  # fmt: skip
        doctor = run("doctor", "--store", str(tmp_path / "s"), "--save-fixture",
                     str(tmp_path / "fixture"), env=env)  # fmt: skip
    report = run("report", "--store", str(tmp_path / "s"), "-o", str(tmp_path / "r.html"),
                 "--export-data", str(tmp_path / "export"), env=env)  # fmt: skip
    assert report.returncode == 0, report.stderr
    assert (tmp_path / "r.html").stat().st_size > 0
    assert ok.returncode == 0, ok.stderr
    assert bad.returncode == 1
    assert "Authentication failed" in bad.stderr
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert (tmp_path / "fixture" / "answers.json").exists()
    tokens = [s.access_token for s in sim._oauth] + [s.refresh_token or "" for s in sim._oauth]
    texts = ok.stdout + ok.stderr + bad.stdout + bad.stderr + report.stdout + report.stderr
    texts += doctor.stdout + doctor.stderr
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            texts += (gzip.decompress(data) if path.suffix == ".gz" else data).decode(
                "utf-8", "replace"
            )
    for secret in (SECRET, JWT, *[t for t in tokens if t]):
        assert secret not in texts


def test_a_reader_that_stops_early_ends_the_run_quietly(tmp_path: Path) -> None:
    """`webinar-insights report --demo | head -1`: it stops at its next line of output, as a
    command does when its reader goes, with no traceback and a store that still opens."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("RC_")}
    command = [sys.executable, "-m", "webinar_insights.cli", "report", "--demo", "-o", "r.html"]
    with subprocess.Popen(
        command, cwd=tmp_path, env=base, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()  # as `head -1` does
        errors = process.stderr.read().decode()
        code = process.wait(timeout=120)
    assert first.startswith(b"Demo: syncing the built-in simulator")
    assert "Traceback" not in errors and "BrokenPipeError" not in errors, errors
    assert code == 141
    assert Store(tmp_path / ".demo-store").sessions().columns  # whatever it synced is readable
