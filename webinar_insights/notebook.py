"""Jupyter set-up: charts that draw with no network, and the notebooks' one-call first cell.

Altair's default renderer loads Vega from a CDN, so on a machine without internet (an
air-gapped laptop, a firewall that blocks CDNs) every chart is an error box, in JupyterLab, in
Jupyter Notebook 7, in VS Code and in an exported HTML notebook. :func:`enable_charts` registers
and enables a renderer that draws with the Vega, Vega-Lite and vega-embed JavaScript that
vl-convert ships (the same bundle as the HTML report's):

* the bundle (about 0.9 MB) goes into the page **once**: into the output of :func:`setup` (or of
  the first chart drawn in the kernel), which defines ``window.vegaEmbed`` for the whole page;
* every chart's output is then its spec and a few lines of script (no library), which wait for
  ``vegaEmbed`` and draw the chart, interactive (tooltips, selections) as usual;
* the outputs are plain ``text/html``, so ``jupyter nbconvert --to html`` and JupyterLab's
  "Save and Export Notebook As HTML" keep every chart, drawn offline, as outputs render in
  order and the first one loads the library.

:func:`setup` is the notebooks' first cell: it enables the charts and the theme, picks the data
source (the real RingCentral Webinar API when the ``RC_*`` variables are set, else the built-in
simulator on a fixed seed and clock) and says which, without printing a secret.
"""

from __future__ import annotations

import html
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import altair as alt
import polars as pl

from webinar_insights import theme
from webinar_insights.client import Client
from webinar_insights.report import vega_bundle
from webinar_insights.simulator import Simulator, SimulatorConfig
from webinar_insights.store import Store

__all__ = [
    "DEMO_NOW",
    "RENDERER",
    "Setup",
    "chart_html",
    "enable_charts",
    "library_html",
    "setup",
]

RENDERER: Final = "webinar_insights"
"""The name of the offline renderer in ``alt.renderers``."""

DEMO_NOW: Final = datetime(2026, 11, 1, 12, tzinfo=UTC)
"""The simulator's clock in the notebooks: a fixed clock gives the same numbers every run."""

_CREDENTIALS: Final = ("RC_APP_CLIENT_ID", "RC_APP_CLIENT_SECRET", "RC_USER_JWT")
_WAIT_MS: Final = 15_000  # how long a chart waits for the library before it says so


class _Page:
    """Whether this kernel has put the library into an output yet (a new kernel: not yet)."""

    library_sent = False


def library_html() -> str:
    """The Vega library as one ``<script>`` that defines ``window.vegaEmbed`` (once per page:
    a second copy in the same page does nothing), with a one-line visible note."""
    return (
        '<div class="wi-charts-ready" style="font-size:12px;color:#555555">'
        "Charts: drawn offline (Vega from vl-convert, no network).</div>"
        "<script>if (!window.vegaEmbed) {\n" + vega_bundle() + "\n}</script>"
    )


def chart_html(spec: dict[str, Any]) -> str:
    """One chart as HTML: an element, its spec and the script that draws it with the page's
    ``window.vegaEmbed`` (waiting for it up to 15 s, then saying what to run)."""
    data = json.dumps(spec, separators=(",", ":"), ensure_ascii=False)
    data = data.replace("</", "<\\/").replace("<!--", "<\\!--")
    missing = html.escape(
        "This chart needs the Vega library, which webinar_insights.notebook.setup() (or"
        " enable_charts()) puts into the page: run that cell again."
    )
    return (
        '<div class="wi-chart"></div>'
        "<script>(function () {\n"
        "  var script = document.currentScript;\n"
        "  var target = script && script.previousElementSibling;\n"
        f"  var spec = {data};\n"
        "  var started = Date.now();\n"
        "  function draw() {\n"
        "    if (!target) { return; }\n"
        "    if (window.vegaEmbed) {\n"
        "      window.vegaEmbed(target, spec, {actions: false}).catch(function (error) {\n"
        "        target.textContent = 'The chart could not be drawn: ' + error;\n"
        "      });\n"
        f"    }} else if (Date.now() - started < {_WAIT_MS}) {{\n"
        "      setTimeout(draw, 50);\n"
        "    } else {\n"
        f"      target.innerHTML = '<p style=\"color:#b00020\">{missing}</p>';\n"
        "    }\n"
        "  }\n"
        "  draw();\n"
        "})();</script>"
    )


def _render(spec: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    """The renderer: the chart's HTML, after the library when this kernel has not sent it."""
    body = chart_html(spec)
    if not _Page.library_sent:
        _Page.library_sent = True
        body = library_html() + body
    return {"text/html": body, "text/plain": "<Altair chart: drawn by webinar_insights>"}


def enable_charts() -> None:
    """Draw every Altair chart of this kernel offline (see the module's docstring).

    Registers and enables the ``"webinar_insights"`` renderer and our theme for the user's own
    charts; calling it again changes nothing. ``alt.renderers.enable("default")`` undoes it.
    """
    alt.renderers.register(RENDERER, _render)
    alt.renderers.enable(RENDERER)
    theme.use_theme()


class _Library:
    """Displays as the library (what :func:`setup` shows, so that the page has it first)."""

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        _Page.library_sent = True
        return {"text/html": library_html(), "text/plain": "Charts: drawn offline."}


@dataclass(frozen=True)
class Setup:
    """What :func:`setup` picked: the data source and where a notebook writes.

    Attributes
    ----------
    client:
        A client of the real API or of the built-in simulator.
    store:
        The store the notebook syncs into and reads.
    now:
        The notebook's clock: the simulator's fixed clock, or the real time.
    out:
        A folder for the notebook's files (reports, exports).
    live:
        Whether the data is the real API's.
    simulator:
        The simulator behind the client (None with the real API).
    """

    client: Client
    store: Store
    now: datetime
    out: Path
    live: bool
    simulator: Simulator | None = None


def _show_library() -> None:
    """Put the library into this cell's output, when running in a kernel."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return
    if get_ipython() is not None:
        display(_Library())  # type: ignore[no-untyped-call]


def setup(name: str, *, fresh: bool = True) -> Setup:
    """The notebooks' first cell: offline charts, the theme, tidy tables, and the data source.

    With ``RC_APP_CLIENT_ID``, ``RC_APP_CLIENT_SECRET`` and ``RC_USER_JWT`` set, the data is
    the real RingCentral Webinar API (``RC_SERVER_URL`` optional), synced into the store at
    ``WEBINAR_INSIGHTS_STORE`` (default ``../webinar-data``), files under ``../reports``.
    Otherwise the built-in simulator (seed 42, 300 sessions, clock :data:`DEMO_NOW`), synced
    into ``.demo/<name>/store``, emptied first when ``fresh`` so that every run shows the same
    numbers. Prints which one it picked (never a secret) and, in a kernel, puts the chart
    library into its cell's output, so that every chart after it draws offline.
    """
    enable_charts()
    pl.Config.set_tbl_rows(25)
    pl.Config.set_fmt_str_lengths(60)
    if all(os.environ.get(variable) for variable in _CREDENTIALS):
        client = Client.from_env()
        store = Store(os.environ.get("WEBINAR_INSIGHTS_STORE") or "../webinar-data")
        print(f"Data: the real RingCentral Webinar API at {client.server_url}, store {store.path}")
        _show_library()
        return Setup(client, store, datetime.now(UTC), Path("../reports"), live=True)
    simulator = Simulator(
        SimulatorConfig(
            seed=42, scale=300, now=DEMO_NOW, max_sessions_per_webinar=4, rate_limit_window=0.05
        )
    )
    out = Path(".demo") / name
    store = Store(out / "store")
    if fresh:
        shutil.rmtree(store.path, ignore_errors=True)
    print(
        f"Data: the built-in simulator (seed 42, 300 sessions, clock {DEMO_NOW:%Y-%m-%d %H:%M} UTC)."
        "\nSet RC_APP_CLIENT_ID, RC_APP_CLIENT_SECRET and RC_USER_JWT to use the real API."
    )
    client = Client.simulator(simulator=simulator, progress=False)
    _show_library()
    return Setup(client, store, DEMO_NOW, out, live=False, simulator=simulator)
