"""Charts wherever analysts look, with no network (issue 18).

Two real set-ups, each driven by headless Chromium with every request but the page's own
aborted and counted:

* a JupyterLab server on loopback opens each shipped notebook, runs all its cells, and every
  chart draws (an SVG or a canvas) with no request beyond the server; on the overview
  notebook a dashboard control is changed and its KPIs and chart change;
* each stored notebook exported with ``jupyter nbconvert --to html`` and opened from disk:
  every chart draws, the dashboard leaves its still picture.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.browser import CHROMIUM, chromium_context

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))
TOKEN = "webinar-insights-test"
# What nbconvert's own page template asks for (RequireJS and MathJax from CDNs): not ours, and
# nothing of ours depends on it.
NBCONVERT_FURNITURE = re.compile(r"^https://cdnjs\.cloudflare\.com/ajax/libs/(require|mathjax)")
CHARTS = ".wi-chart"
DRAWN = ".wi-chart svg, .wi-chart canvas"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium (make test installs it)"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _environment(home: Path) -> dict[str, str]:
    """The server's environment: no credentials (the notebooks then use the simulator), its own
    settings (every cell rendered, so every chart is in the page) and workspaces."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RC_", "WEBINAR_INSIGHTS"))}
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    news = home / "settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    env["JUPYTERLAB_SETTINGS_DIR"] = str(home / "settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(home / "workspaces")
    env["JUPYTER_CONFIG_DIR"] = str(home / "config")
    env["JUPYTER_RUNTIME_DIR"] = str(home / "runtime")
    return env


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A JupyterLab server on loopback over a copy of the notebooks; its base URL."""
    home = tmp_path_factory.mktemp("lab")
    work = home / "notebooks"
    work.mkdir()
    for name in NOTEBOOKS:
        shutil.copy(ROOT / "notebooks" / name, work / name)
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        f"--ServerApp.port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={work}",
    ]
    log = (home / "lab.log").open("wb")
    server = subprocess.Popen(command, env=_environment(home), stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/status", params={"token": TOKEN}).is_success:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, (home / "lab.log").read_text()
            assert time.monotonic() < deadline, "JupyterLab did not start in 60 s"
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium_context(tmp_path_factory.mktemp("profile")) as context:
        yield context


def _page(browser: Any, allowed: str) -> tuple[Any, list[str]]:
    """A page whose requests outside ``allowed`` (a URL prefix) are aborted and listed."""
    page = browser.new_page()
    page.set_viewport_size({"width": 1400, "height": 1000})
    blocked: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(allowed):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    return page, blocked


def _wait_drawn(page: Any, *, at_least: int, seconds: float = 30) -> tuple[int, int]:
    """(charts in the page, charts drawn) once all are drawn or ``seconds`` passed."""
    deadline = time.monotonic() + seconds
    while True:
        charts, drawn = page.locator(CHARTS).count(), page.locator(DRAWN).count()
        if (charts >= at_least and drawn >= charts) or time.monotonic() > deadline:
            return charts, drawn
        page.wait_for_timeout(250)


def _run_all(page: Any, base: str, name: str) -> None:
    """Open ``name`` in JupyterLab, run all cells, wait until every cell has run."""
    workspace = re.sub(r"\W", "-", name)
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{name}?reset&token={TOKEN}")
    panel = ".jp-NotebookPanel:not(.lm-mod-hidden)"
    page.wait_for_selector(f"{panel} .jp-Cell", timeout=60_000)
    page.wait_for_function(
        "() => document.querySelector('.jp-StatusBar-Widget') !== null"
        " && document.body.innerText.includes('| Idle')",
        timeout=60_000,
    )
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
    page.wait_for_function(
        """(panel) => {
          const prompts = [...document.querySelectorAll(panel + ' .jp-CodeCell .jp-InputArea-prompt')]
            .map((e) => e.textContent.trim());
          return prompts.length > 0 && prompts.every((t) => /^\\[\\d+\\]:$/.test(t));
        }""",
        arg=panel,
        timeout=180_000,
        polling=500,
    )


def _stored_charts(name: str) -> int:
    """How many chart outputs the stored notebook holds."""
    text = (ROOT / "notebooks" / name).read_text()
    return text.count('class=\\"wi-chart\\"')


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_chart_draws_in_jupyterlab_with_no_network(lab: str, browser: Any, name: str) -> None:
    page, blocked = _page(browser, lab)
    try:
        _run_all(page, lab, name)
        errors = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        )
        assert "Traceback" not in " ".join(errors.all_inner_texts())
        expected = _stored_charts(name)
        charts, drawn = _wait_drawn(page, at_least=expected)
        assert charts >= expected and drawn == charts, (charts, drawn)
        assert blocked == []
    finally:
        page.close()


def _raw(name: str) -> str:
    return (ROOT / "notebooks" / name).read_text()


def test_a_dashboard_control_redraws_its_kpis_and_chart_in_jupyterlab(
    lab: str, browser: Any
) -> None:
    page, blocked = _page(browser, lab)
    try:
        _run_all(page, lab, "01-overview.ipynb")
        dashboard = page.locator(".widget-vbox", has=page.locator("#kpi-sessions")).first
        sessions = dashboard.locator("#kpi-sessions .kpi-value").first
        chart = dashboard.locator(DRAWN).first
        chart.wait_for(timeout=30_000)
        before = (sessions.inner_text(), chart.inner_html())
        start = dashboard.locator("input[type=date]").first
        start.scroll_into_view_if_needed()
        start.fill("2026-06-01")
        start.dispatch_event("change")
        deadline = time.monotonic() + 30
        while sessions.inner_text() == before[0] and time.monotonic() < deadline:
            page.wait_for_timeout(250)  # the strip is replaced: read it anew each time
        page.wait_for_timeout(1_000)
        after = (sessions.inner_text(), dashboard.locator(DRAWN).first.inner_html())
        assert after[0] != before[0]
        assert after[1] != before[1]
        # "Download CSV" downloads in the browser (nothing is written on the server).
        with page.expect_download(timeout=30_000) as download:
            dashboard.get_by_role("button", name="Download CSV").first.click()
        assert download.value.suggested_filename.startswith("sessions_2026-06-01_")
        assert blocked == []
    finally:
        page.close()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every stored notebook as nbconvert's HTML, as "Export Notebook As HTML" makes it."""
    out = tmp_path_factory.mktemp("exported")
    subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "html", "--output-dir", str(out)]
        + [str(ROOT / "notebooks" / name) for name in NOTEBOOKS],
        check=True,
        capture_output=True,
    )
    return out


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_an_exported_notebook_draws_every_chart_offline(
    exported: Path, browser: Any, name: str
) -> None:
    path = exported / name.replace(".ipynb", ".html")
    page, blocked = _page(browser, "file://")
    try:
        page.goto(path.as_uri())
        expected = _stored_charts(name)
        charts, drawn = _wait_drawn(page, at_least=expected)
        assert charts == expected and drawn == charts, (charts, drawn)
        if name == "01-overview.ipynb":  # the dashboard's still picture, not a blank box
            snapshot = page.locator(".wi-dashboard-snapshot").first
            assert "Sessions" in snapshot.inner_text()
            assert snapshot.locator(DRAWN).count() == 1
        assert all(NBCONVERT_FURNITURE.match(url) for url in blocked), blocked
    finally:
        page.close()


def test_stored_notebooks_carry_the_library_once_and_no_cdn() -> None:
    for name in NOTEBOOKS:
        text = _raw(name)
        assert text.count("if (!window.vegaEmbed) {") == 1, name
        assert "cdn.jsdelivr" not in text, name
        assert (ROOT / "notebooks" / name).stat().st_size < 1_500_000, name
