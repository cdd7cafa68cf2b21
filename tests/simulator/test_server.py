"""The simulator over real HTTP on loopback, and its command line."""

from __future__ import annotations

import subprocess
import sys

import httpx

from tests.support.simulator import make_sim, token_for
from webinar_insights.simulator import serve

WIDE = {"endTimeFrom": "2024-01-01T00:00:00Z", "endTimeTo": "2028-01-01T00:00:00Z"}


def test_paging_and_stats_over_loopback() -> None:
    sim = make_sim(scale=30)
    with serve(sim) as server, httpx.Client(base_url=server.url) as http:
        token = token_for(http).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        ids, page_token, pages = [], None, 0
        while True:
            params = {**WIDE, "perPage": 7, **({"pageToken": page_token} if page_token else {})}
            body = http.get(
                "/webinar/history/v1/company/sessions", params=params, headers=headers
            ).json()
            ids += [r["id"] for r in body["records"]]
            pages += 1
            page_token = body["paging"].get("nextPageToken")
            if not page_token:
                break
        assert sorted(ids) == sorted(s.session_id for s in sim.program.sessions)
        assert pages == 5
        stats = http.get("/__simulator__/stats").json()
    assert stats["requests_total"] == 1 + pages
    assert stats["requests"] == {"getToken": 1, "rcwHistoryListAllCompanySessions": pages}
    assert stats["rate_limited"] == 0
    assert stats["faults_injected"] == 0


def test_cli_serve_starts_a_server() -> None:
    command = [
        sys.executable, "-m", "webinar_insights.cli", "simulator", "serve", "--port", "0",
        "--scale", "10", "--rate-limit-window", "0.5", "--now", "2026-11-01T12:00:00Z",
    ]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            _check_served(process)
        finally:
            process.terminate()


def _check_served(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    line = process.stdout.readline()
    url = line.split()[3]
    with httpx.Client(base_url=url) as http:
        token = token_for(http)
        assert token.status_code == 200
        response = http.get(
            "/webinar/history/v1/company/sessions",
            params=WIDE,
            headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        )
        assert len(response.json()["records"]) == 10
        assert response.headers["X-Rate-Limit-Window"] == "0.5"


def test_cli_rejects_bad_arguments() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "webinar_insights.cli", "simulator", "serve", "--fault-rate", "2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "between 0 and 1" in result.stderr
