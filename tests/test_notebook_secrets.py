"""A notebook run against the API (the simulator over loopback, with known fake secrets) keeps
every secret out of its executed outputs, and of the store and report it writes."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from webinar_insights.simulator import Simulator, SimulatorConfig, serve

SECRET, JWT = "nb-S3CRET-client-value", "nb-JWT-fake-value-123"
NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "01-overview.ipynb"


def test_overview_notebook_against_the_api_leaks_no_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim = Simulator(
        SimulatorConfig(seed=4, scale=40, rate_limit_window=0.02, client_secret=SECRET, jwt=JWT)
    )
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(NOTEBOOK, folder / NOTEBOOK.name)
    notebook = nbformat.read(folder / NOTEBOOK.name, as_version=4)
    with serve(sim) as server:
        monkeypatch.setenv("RC_SERVER_URL", server.url)
        monkeypatch.setenv("RC_APP_CLIENT_ID", "demo-client-id")
        monkeypatch.setenv("RC_APP_CLIENT_SECRET", SECRET)
        monkeypatch.setenv("RC_USER_JWT", JWT)
        monkeypatch.setenv("WEBINAR_INSIGHTS_STORE", str(tmp_path / "store"))
        NotebookClient(
            notebook, timeout=300, resources={"metadata": {"path": str(folder)}}
        ).execute()
    nbformat.write(notebook, folder / "executed.ipynb")
    outputs = (folder / "executed.ipynb").read_text()
    assert "the real RingCentral Webinar API" in outputs  # it did take the API path
    assert sim.stats()["requests"].get("rcwHistoryListAllCompanySessions", 0) > 0
    texts = [outputs]
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.suffix != ".ipynb":
            data = path.read_bytes()
            texts.append(
                (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8", "replace")
            )
    haystack = "\n".join(texts)
    tokens = [s.access_token for s in sim._oauth] + [s.refresh_token or "" for s in sim._oauth]
    for secret in (SECRET, JWT, *[t for t in tokens if t]):
        assert secret not in haystack
