"""Execute the notebooks in place, storing the outputs that ``pytest --nbval`` compares.

    .venv/bin/python notebooks/refresh_outputs.py                 # every notebook
    .venv/bin/python notebooks/refresh_outputs.py 02-session-drilldown.ipynb

Each runs in a fresh kernel of this interpreter, in this folder, on the simulator: the RC_*
variables are removed first, so a developer's credentials never reach a stored output. Widget
state is not stored (its model ids change every run); the outputs show the dashboard's summary
line, and a live kernel draws the widgets. Needs ``nbclient``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
# The variables that switch the notebooks to the real API, and the store it would use.
REAL_API = (
    "RC_SERVER_URL",
    "RC_APP_CLIENT_ID",
    "RC_APP_CLIENT_SECRET",
    "RC_USER_JWT",
    "WEBINAR_INSIGHTS_STORE",
)


def refresh(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",  # jupyter_client runs a "python" kernelspec with sys.executable
        resources={"metadata": {"path": str(HERE)}},
        store_widget_state=False,
        record_timing=False,
    ).execute()
    nbformat.write(notebook, path)
    return time.perf_counter() - started


def main(names: list[str]) -> int:
    for name in REAL_API:
        os.environ.pop(name, None)
    paths = [HERE / name for name in names] if names else sorted(HERE.glob("[0-9][0-9]-*.ipynb"))
    for path in paths:
        print(f"{path.name}: {refresh(path):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
