"""The attendance forecast against a naive baseline, on the demo program.

The demo program is what ``webinar-insights report --demo`` syncs (the built-in simulator,
seed 42, 300 sessions, series of up to four, clock 2026-11-01 12:00 UTC). Every past session is
predicted 7, 3 and 1 days before its start from the sessions that had ended by then
(``metrics.forecast_backtest``), beside the naive baseline: the final counts of the series' last
ended session, else the program's last. Targets (issue #20): the forecast's mean absolute error
below the baseline's, for registrants and attendees at every horizon, and its 80 % interval
holding 70-90 % of outcomes. Also timed: the backtest itself.
Smoke: 80 sessions (the figures then say little; the run checks that it works).
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from webinar_insights import Client, Store, metrics, sync
from webinar_insights.simulator import Simulator, SimulatorConfig

from ._common import BenchResult, Target, holds

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
COVERAGE = (0.70, 0.90)


def run(*, smoke: bool) -> BenchResult:
    scale = 80 if smoke else 300
    config = SimulatorConfig(
        seed=42, scale=scale, now=NOW, rate_limit_window=0.01, max_sessions_per_webinar=4
    )
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "store")
        with Client.simulator(simulator=Simulator(config), progress=False) as client:
            sync(client, store, start="2025-10-01", end="2026-12-15", depth="registrants")
        sessions, registrants = store.sessions(), store.registrants()
    started = time.perf_counter()
    backtest = metrics.forecast_backtest(sessions, registrants)
    seconds = time.perf_counter() - started
    summary = metrics.backtest_summary(backtest)
    rows = [
        {
            "horizon": f"{row['horizon_days']} day" + ("" if row["horizon_days"] == 1 else "s"),
            "predictions": row["predictions"],
            "registrants MAE": round(row["registrants_mae"], 1),
            "baseline MAE": round(row["registrants_baseline_mae"], 1),
            "registrants coverage": round(row["registrants_coverage"], 3),
            "attendees MAE": round(row["attendees_mae"], 1),
            "attendees baseline MAE": round(row["attendees_baseline_mae"], 1),
            "attendees coverage": round(row["attendees_coverage"], 3),
        }
        for row in summary.iter_rows(named=True)
    ]
    targets: list[Target] = []
    for row in summary.iter_rows(named=True):
        at = f"{row['horizon_days']} days out"
        for what in ("registrants", "attendees"):
            targets.append(
                holds(
                    f"{what} {at}: forecast MAE < baseline MAE",
                    row[f"{what}_mae"] < row[f"{what}_baseline_mae"],
                )
            )
            coverage = row[f"{what}_coverage"]
            targets.append(
                holds(
                    f"{what} {at}: 80% interval covers 70-90% ({coverage:.1%})",
                    COVERAGE[0] <= coverage <= COVERAGE[1],
                )
            )
    return BenchResult(
        title="Attendance forecast: backtest against the last session of the series",
        params={"sessions": scale, "seed": 42, "series_up_to": 4, "now": NOW.isoformat()},
        rows=rows,
        targets=targets,
        notes=[
            f"backtest of {backtest.height:,} predictions in {seconds:.2f} s",
            f"baseline from the series in {backtest['baseline_from'].eq('series').mean():.0%}"
            " of predictions, else the program's last session",
        ],
    )
