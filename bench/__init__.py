"""Benchmarks of webinar_insights: ``make bench`` (full) and ``make bench-smoke`` (CI-sized).

Each benchmark is one module of this package with a function ``run(smoke: bool) -> BenchResult``
(``bench._common.BenchResult``: a title, the parameters, one row of figures per contender, the
targets with whether they were met, and notes). To add one, write ``bench/<name>.py`` and add
``"<name>"`` to ``BENCHMARKS`` below; the runner (``python -m bench``) imports it, prints its
figures as a table and stores them in ``bench/results/``. ``--smoke`` must finish in seconds: it
runs in CI as part of ``make test``.
"""

from __future__ import annotations

BENCHMARKS: tuple[str, ...] = (
    "client_pacing",
    "sync_resync",
    "sync_wait",
    "ingest",
    "metrics_charts",
    "report",
    "report_memory",
    "dashboard",
    "forecast",
    "spec_check",
)

__all__ = ["BENCHMARKS"]
