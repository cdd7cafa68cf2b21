"""``webinar-insights doctor`` and ``Client.doctor()`` against the simulator: a healthy account,
and each thing the doctor is there to catch, each with its fix; never a secret in the output."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from webinar_insights import Client, Store, sync
from webinar_insights.cli import main
from webinar_insights.client import HEAVY_REQUESTS, Diagnosis
from webinar_insights.simulator import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_JWT,
    Simulator,
    SimulatorConfig,
    serve,
)


def jwt(expires: datetime) -> str:
    """A JWT-shaped assertion whose payload says when it expires."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256'})}.{part({'exp': int(expires.timestamp())})}.c2lnbmF0dXJl"


def diagnose(**config: Any) -> Diagnosis:
    """The doctor's findings on an in-process simulator of ``config`` (its demo credentials)."""
    sim = Simulator(SimulatorConfig(scale=40, rate_limit_window=0.05, **config))
    with Client.simulator(simulator=sim, progress=False) as client:
        return client.doctor()


def statuses(diagnosis: Diagnosis) -> dict[str, str]:
    return {check.name: check.status for check in diagnosis.checks}


def test_a_healthy_account_passes_every_check_within_the_request_budget() -> None:
    found = diagnose()
    assert statuses(found) == {
        "JWT": "skip",  # the demo JWT is not in a JWT's usual form
        "sign-in": "ok",
        "scopes": "ok",
        "clock": "ok",
        "company listing": "ok",
        "participants": "ok",
        "rate limit": "ok",
        "spec": "ok",
    }
    assert found.ok
    assert found.requests["Auth"] == 1 and 1 <= found.requests["Heavy"] <= HEAVY_REQUESTS
    assert "refresh tokens issued, valid 7 days" in found.check("sign-in").detail
    assert "someone else hosts" in found.check("participants").detail
    assert all(check.fix is None for check in found.checks)
    assert str(found).endswith(f"Requests sent: 1 Auth, {found.requests['Heavy']} Heavy.")


def test_without_webinar_settings_it_falls_back_to_your_own_and_says_so() -> None:
    found = diagnose(webinar_settings_permission=False)
    listing = found.check("company listing")
    assert listing.status == "warn" and "WebinarSettings" in listing.detail
    assert "--own" in (listing.fix or "")
    assert found.check("own listing").status == "ok"
    assert found.ok  # a warning: syncs work with --own
    assert found.requests["Heavy"] <= HEAVY_REQUESTS


def test_a_host_only_interface_refuses_others_participants() -> None:
    found = diagnose(host_only_participants=True)
    check = found.check("participants")
    assert check.status == "warn" and "someone else hosts" in check.detail
    assert "HTTP 403" in check.detail and check.fix


def test_refresh_tokens_off_is_a_warning_with_the_setting_to_change() -> None:
    found = diagnose(issue_refresh_tokens=False)
    check = found.check("sign-in")
    assert check.status == "warn" and "no refresh token" in check.detail
    assert "Issue refresh tokens" in (check.fix or "")


def test_an_expired_jwt_is_named_with_its_date_and_the_server_refuses_it() -> None:
    expired = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    found = diagnose(jwt=jwt(expired))
    assert found.check("JWT").status == "fail"
    assert "expired on 2026-01-02 03:04 UTC" in found.check("JWT").detail
    assert found.check("sign-in").status == "fail"  # the simulator refuses it, as RingCentral
    assert "RC_USER_JWT" in (found.check("sign-in").fix or "")
    assert not found.ok
    assert found.requests["Heavy"] == 0


def test_a_jwt_about_to_expire_is_a_warning() -> None:
    soon = datetime.now(UTC) + timedelta(days=5)
    found = diagnose(jwt=jwt(soon))
    assert found.check("JWT").status == "warn"
    assert found.check("sign-in").status == "ok"
    later = diagnose(jwt=jwt(datetime.now(UTC) + timedelta(days=300)))
    assert later.check("JWT").status == "ok"


def test_wrong_app_credentials_fail_the_sign_in_with_their_fix() -> None:
    sim = Simulator(SimulatorConfig(scale=20, rate_limit_window=0.05))
    with Client(
        server_url="https://simulator.webinar-insights.invalid",
        client_id=DEMO_CLIENT_ID,
        client_secret="not-the-secret",
        jwt=DEMO_JWT,
        transport=sim.transport(),
        limiter_dir=None,
    ) as client:
        found = client.doctor()
    check = found.check("sign-in")
    assert check.status == "fail" and "RC_APP_CLIENT_SECRET" in (check.fix or "")
    assert "not-the-secret" not in str(found)


@pytest.fixture
def served(request: pytest.FixtureRequest) -> Iterator[str]:
    """A simulator over loopback (config from the test's parameter), its URL. An ``ahead``
    parameter sets the simulator's clock that far ahead of this machine's, from now."""
    config = dict(getattr(request, "param", {}))
    if "ahead" in config:
        config["now"] = datetime.now(UTC) + config.pop("ahead")
    with serve(Simulator(SimulatorConfig(scale=40, **config))) as server:
        yield server.url


def remote(url: str) -> Client:
    return Client(
        server_url=url,
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        jwt=DEMO_JWT,
        limiter_dir=None,
        progress=False,
    )


@pytest.mark.parametrize("served", [{"ahead": timedelta(minutes=10)}], indirect=True)
def test_a_clock_ten_minutes_behind_the_servers_is_a_warning(served: str) -> None:
    with remote(served) as client:
        found = client.doctor()
    check = found.check("clock")
    assert check.status == "warn" and "10 min behind the server's" in check.detail
    assert "NTP" in (check.fix or "")


@pytest.mark.parametrize("served", [{"rate_limit_window": 60.0}], indirect=True)
def test_a_second_client_spending_the_budget_is_seen(served: str) -> None:
    with remote(served) as other:  # another machine: its own pacing
        other.list_sessions(datetime.now(UTC) - timedelta(days=30), datetime.now(UTC))
        other.list_sessions(datetime.now(UTC) - timedelta(days=60), datetime.now(UTC))
        spent = other.requests_sent - other.token_requests
    with remote(served) as client:
        found = client.doctor()
    check = found.check("rate limit")
    assert check.status == "warn"
    assert f"another client of this credential sent about {spent} in the window" in check.detail


def test_the_store_check_says_what_it_holds_and_what_is_missing(tmp_path: Path) -> None:
    sim = Simulator(SimulatorConfig(scale=30, rate_limit_window=0.05))
    store = Store(tmp_path / "store")
    with Client.simulator(simulator=sim, progress=False) as client:
        empty = client.doctor(store=store).check("store")
        sync(client, store, start="2026-09-01", end="2026-11-30")
        held = client.doctor(store=store).check("store")
    assert empty.status == "warn" and "holds no store yet" in empty.detail
    assert held.status == "ok"
    assert str(store.path) in held.detail and "Data coverage (UTC): sessions" in held.detail


def test_the_command_prints_the_checks_and_its_exit_says_whether_one_failed(
    served: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RC_APP_CLIENT_ID", DEMO_CLIENT_ID)
    monkeypatch.setenv("RC_APP_CLIENT_SECRET", DEMO_CLIENT_SECRET)
    monkeypatch.setenv("RC_USER_JWT", DEMO_JWT)
    code = main(["doctor", "--server-url", served, "--store", str(tmp_path / "none")])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out.startswith(
        f"Checking {served} (1 Auth request, at most {HEAVY_REQUESTS} Heavy requests) ..."
    )
    for name in ("sign-in", "company listing", "participants", "rate limit", "store"):
        assert f"  {name}  " in out or f"  {name} " in out, name
    assert "holds no store yet" in out
    for secret in (DEMO_CLIENT_SECRET, DEMO_JWT):
        assert secret not in out
    # --demo checks the built-in simulator; a bad secret fails the sign-in: exit 1.
    assert main(["doctor", "--demo"]) == 0
    assert "company listing" in capsys.readouterr().out
    monkeypatch.setenv("RC_APP_CLIENT_SECRET", "wrong")
    assert main(["doctor", "--server-url", served]) == 1
    out = capsys.readouterr().out
    assert "fail  sign-in" in out and "wrong" not in out.replace("were refused", "")
    assert main(["doctor", "--demo", "--server-url", served]) == 2
    assert "exclude each other" in capsys.readouterr().err


def test_the_readme_shows_what_a_run_against_the_simulator_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """README's "Connecting to your account" run: the same checks, in the same order, with
    the same outcome (counts, sizes and times aside)."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Connecting to your account", 1)[1]
    shown = section.split("```\n", 2)[1].splitlines()
    monkeypatch.chdir(tmp_path)
    argv = ["--from", "2026-09-01", "--to", "2026-11-30", "--store", "webinar-data"]
    assert main(["sync", "--demo", *argv]) == 0
    capsys.readouterr()
    assert (
        main(["doctor", "--demo", "--store", "webinar-data", "--save-fixture", "my-fixture"]) == 0
    )
    printed = capsys.readouterr().out.splitlines()

    def outline(lines: list[str]) -> list[tuple[str, ...]]:
        return [tuple(line.split()[:2]) for line in lines]

    assert outline(shown) == outline(printed)
    assert shown[0] == printed[0]
