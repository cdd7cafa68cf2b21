"""The registration forecast: by hand on small frames, and its backtest reproduced on a seeded
program by a plain re-implementation of the rule in METRICS.md (loops, no vectors)."""

from __future__ import annotations

import math
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from webinar_insights import Client, Store, metrics, schemas, sync
from webinar_insights.errors import ConfigurationError
from webinar_insights.simulator import Simulator, SimulatorConfig

DAY = timedelta(days=1)
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def program(
    past: list[tuple[str, str, int, int, int]],
    upcoming: list[tuple[str, str, float, int]] = (),  # type: ignore[assignment]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Sessions and registrants: past (webinar, host, final registrants, of them registered
    three days or more before the start, attendees), one a week before NOW; upcoming (webinar,
    host, days until start, registrants so far)."""
    rows: list[dict[str, Any]] = []
    people: list[dict[str, Any]] = []
    for k, (webinar, host, final, early, attendees) in enumerate(past):
        start = NOW - (len(past) - k) * 7 * DAY
        rows.append(
            {
                "session_id": f"p{k}",
                "webinar_id": webinar,
                "host_user_id": host,
                "status": "Finished",
                "scheduled_start": start,
                "end_time": start + timedelta(hours=1),
                "unique_attendee_count": attendees,
            }
        )
        for j in range(final):
            lead = 5 * DAY if j < early else timedelta(hours=12)
            people.append({"session_id": f"p{k}", "registration_time": start - lead})
    for k, (webinar, host, days, so_far) in enumerate(upcoming):
        start = NOW + days * DAY
        rows.append(
            {
                "session_id": f"u{k}",
                "webinar_id": webinar,
                "host_user_id": host,
                "status": "Scheduled",
                "scheduled_start": start,
                "end_time": start + timedelta(hours=1),
                "unique_attendee_count": None,
            }
        )
        people += [
            {"session_id": f"u{k}", "registration_time": NOW - timedelta(hours=j + 1)}
            for j in range(so_far)
        ]
    sessions = pl.DataFrame(
        rows,
        schema={
            name: schemas.SESSIONS[name]
            for name in (
                "session_id",
                "webinar_id",
                "host_user_id",
                "status",
                "scheduled_start",
                "end_time",
                "unique_attendee_count",
            )
        },
    ).with_columns(host_name=pl.lit(None, pl.String), broadcast_end=pl.lit(None, schemas.TIMESTAMP))
    registrants = pl.DataFrame(
        people, schema={"session_id": pl.String, "registration_time": schemas.TIMESTAMP}
    ).with_columns(registered_post_webinar=pl.lit(False))
    return sessions, registrants


def test_identical_history_forecasts_exactly_what_it_saw() -> None:
    # Six past sessions, each 100 registrants (50 of them three days out) and 40 attendees.
    sessions, registrants = program([("w1", "h1", 100, 50, 40)] * 6, [("w1", "h1", 3.0, 50)])
    row = metrics.attendance_forecast(sessions, registrants, now=NOW).row(0, named=True)
    assert row["registrants_so_far"] == 50
    assert row["forecast_registrants"] == pytest.approx(100)
    assert (row["registrants_low"], row["registrants_high"]) == pytest.approx((100, 100))
    assert row["forecast_attendees"] == pytest.approx(40)
    assert row["typical_share_so_far"] == pytest.approx(51 / 101)
    assert (row["basis"], row["basis_sessions"], row["history_sessions"]) == ("series", 6, 6)
    assert row["days_before"] == pytest.approx(3.0)


def test_a_slow_start_is_blended_with_the_usual_size() -> None:
    # Both past estimates make no error, so each gets half the weight: the forecast is the
    # geometric middle (in count + 1) of the usual size and so far x the usual growth.
    sessions, registrants = program([("w1", "h1", 100, 50, 40)] * 6, [("w1", "h1", 3.0, 25)])
    row = metrics.attendance_forecast(sessions, registrants, now=NOW).row(0, named=True)
    pace = math.log(26) + math.log(101 / 51)
    assert row["pace_weight"] == pytest.approx(0.5)
    assert row["forecast_registrants"] == pytest.approx(math.expm1((pace + math.log(101)) / 2))
    attendees = math.expm1((math.log(26) + math.log(41 / 51) + math.log(41)) / 2)
    assert row["forecast_attendees"] == pytest.approx(attendees)


def test_series_then_host_then_program_with_shrinkage() -> None:
    past = [("w1", "h1", 10, 5, 4)] * 3 + [("w2", "h2", 1000, 500, 400)] * 3
    upcoming = [("w1", "h9", 3.0, 5), ("w3", "h2", 3.0, 500), ("w4", "h4", 3.0, 50)]
    sessions, registrants = program(past, upcoming)
    found = metrics.attendance_forecast(sessions, registrants, now=NOW)
    assert found["basis"].to_list() == ["series", "host", "program"]
    assert found["basis_sessions"].to_list() == [3, 3, 6]
    # Series w1's usual size, pulled toward the program's by three sessions of its own:
    # halfway between log(11) and the program's mean (log(11) + log(1001)) / 2.
    size = (3 * math.log(11) + 3 * (math.log(11) + math.log(1001)) / 2) / 6
    assert size == pytest.approx(0.75 * math.log(11) + 0.25 * math.log(1001))
    # Every session grew 11/6 (or 1001/501): growth errors are small, sizes vary a lot, so the
    # forecast leans on registrants so far, but not wholly.
    first = found.row(0, named=True)
    assert 0.5 < first["pace_weight"] < 1
    assert 10 < first["forecast_registrants"] < 20


def test_the_interval_takes_the_kth_error_from_each_end() -> None:
    # k = floor((n + 1) x 0.1): with 8 past errors every one is inside, with 19 the second from
    # each end, with 99 the tenth (where the 10th and 90th percentiles would be near too).
    from webinar_insights.metrics._forecast import _interval

    errors = np.array([0.3, -0.2, 0.0, 0.1, -0.5, 0.4, -0.1, 0.2])
    assert _interval(errors) == (-0.5, 0.4)
    assert _interval(np.arange(19.0)) == (1.0, 17.0)
    assert _interval(np.arange(99.0)) == (9.0, 89.0)
    assert _interval(np.arange(5.0)) == (0.0, 4.0)


def test_no_forecast_before_five_past_sessions_or_for_past_and_running_ones() -> None:
    sessions, registrants = program([("w1", "h1", 100, 50, 40)] * 4, [("w1", "h1", 3.0, 50)])
    assert metrics.attendance_forecast(sessions, registrants, now=NOW).is_empty()
    sessions, registrants = program([("w1", "h1", 100, 50, 40)] * 5, [("w1", "h1", 3.0, 50)])
    assert metrics.attendance_forecast(sessions, registrants, now=NOW).height == 1
    # A Scheduled session whose start has passed (it never ran) is not upcoming.
    later = NOW + 4 * DAY
    assert metrics.attendance_forecast(sessions, registrants, now=later).is_empty()


def test_empty_and_bad_inputs() -> None:
    empty = pl.DataFrame()
    assert metrics.attendance_forecast(empty, empty, now=NOW).schema == metrics.FORECAST
    assert metrics.forecast_backtest(empty, empty).schema == metrics.BACKTEST
    assert metrics.backtest_summary(metrics.forecast_backtest(empty, empty)).is_empty()
    assert metrics.registration_curve(empty, empty).schema == metrics.REGISTRATION_CURVE
    sessions, registrants = program([("w1", "h1", 10, 5, 4)])
    with pytest.raises(ConfigurationError, match="registration_time"):
        metrics.attendance_forecast(sessions, registrants.drop("registration_time"), now=NOW)
    with pytest.raises(ConfigurationError, match="horizons"):
        metrics.forecast_backtest(sessions, registrants, horizons=[-1])
    with pytest.raises(ConfigurationError, match="max_days"):
        metrics.registration_curve(sessions, registrants, max_days=-1)
    with pytest.raises(ConfigurationError, match="max_days"):
        metrics.registration_progress(sessions, registrants, max_days=1.5)  # type: ignore[arg-type]


def test_registration_curve_by_hand() -> None:
    # Two sessions: 10 registrants (4 of them five days out) and 20 (all five days out).
    sessions, registrants = program([("w1", "h1", 10, 4, 5), ("w2", "h1", 20, 20, 5)])
    curve = metrics.registration_curve(sessions, registrants, max_days=6)
    shares = dict(zip(curve["days_before"], curve["median_share"], strict=True))
    assert shares[6] == 0
    assert shares[5] == pytest.approx((0.4 + 1.0) / 2)
    assert shares[1] == pytest.approx((0.4 + 1.0) / 2)
    assert shares[0] == 1
    assert curve["sessions"].unique().to_list() == [2]
    # The rows it summarises: each session's count by each day, 6 days out to 0.
    progress = metrics.registration_progress(sessions, registrants, max_days=6)
    assert progress.schema == metrics.REGISTRATION_PROGRESS
    assert progress.rows() == [
        ("p0", 10, [0, 4, 4, 4, 4, 4, 10]),
        ("p1", 20, [0, 20, 20, 20, 20, 20, 20]),
    ]
    assert metrics.registration_progress(sessions, registrants, max_days=0)["by_day"].to_list() == [
        [10],
        [20],
    ]


# --------------------------------------------------------------------------- the backtest


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[pl.DataFrame, pl.DataFrame]:
    now = datetime(2026, 11, 1, 12, tzinfo=UTC)
    sim = Simulator(
        SimulatorConfig(
            seed=5, scale=90, now=now, rate_limit_window=0.01, max_sessions_per_webinar=4
        )
    )
    store = Store(Path(tmp_path_factory.mktemp("forecast")) / "store")
    with Client.simulator(simulator=sim, progress=False) as client:
        sync(client, store, start="2025-11-01", end="2026-12-01", depth="registrants")
    return store.sessions(), store.registrants()


def _reference(
    sessions: pl.DataFrame, registrants: pl.DataFrame, horizon: int
) -> dict[str, tuple[float, float, float, float, float, float, int, int]]:
    """The backtest's rule, written plainly: per past session, its history, both estimates,
    their weights and the interval from leave-one-out errors."""
    live = registrants.filter(~pl.col("registered_post_webinar"))
    times: dict[str, list[datetime]] = {}
    for sid, at in live.select("session_id", "registration_time").iter_rows():
        times.setdefault(sid, []).append(at)
    past = []
    for row in sessions.iter_rows(named=True):
        final = len(times.get(row["session_id"], []))
        if row["status"] != "Finished" or final == 0 or row["unique_attendee_count"] is None:
            continue
        start = row["scheduled_start"]
        so_far = sum(t <= start - horizon * DAY for t in times[row["session_id"]])
        end = row["broadcast_end"] or row["end_time"]
        host = row["host_user_id"] or f"name:{row['host_name']}"
        past.append((row["session_id"], row["webinar_id"], host, start, end, final, so_far, row))
    out = {}
    for sid, webinar, host, start, _, _final, so_far, _row in past:
        moment = start - horizon * DAY
        history = [p for p in past if p[4] < moment]
        if len(history) < 5:
            continue

        def estimate(
            values: list[float],
            series: list[str],
            hosts: list[str],
            webinar: str = webinar,
            host: str = host,
        ) -> Any:
            overall = statistics.fmean(values)
            errors = []
            for i, value in enumerate(values):
                others = values[:i] + values[i + 1 :]
                mean = statistics.fmean(others)
                same = [v for j, v in enumerate(values) if j != i and series[j] == series[i]]
                if not same:
                    same = [v for j, v in enumerate(values) if j != i and hosts[j] == hosts[i]]
                centre = (sum(same) + 3 * mean) / (len(same) + 3) if same else mean
                errors.append(value - centre)
            own = [v for v, s in zip(values, series, strict=True) if s == webinar]
            if not own:
                own = [v for v, h in zip(values, hosts, strict=True) if h == host]
            centre = (sum(own) + 3 * overall) / (len(own) + 3) if own else overall
            return centre, errors

        series = [p[1] for p in history]
        hosts = [p[2] for p in history]
        found: list[float] = []
        for finals in ([p[5] for p in history], [p[7]["unique_attendee_count"] for p in history]):
            sizes = [math.log1p(f) for f in finals]
            growths = [
                math.log1p(f) - math.log1p(p[6]) for f, p in zip(finals, history, strict=True)
            ]
            size, size_errors = estimate(sizes, series, hosts)
            growth, growth_errors = estimate(growths, series, hosts)
            w_pace = 1 / max(statistics.pvariance(growth_errors), 1e-9)
            w_size = 1 / max(statistics.pvariance(size_errors), 1e-9)
            weight = w_pace / (w_pace + w_size)
            centre = weight * (math.log1p(so_far) + growth) + (1 - weight) * size
            errors = [
                weight * g + (1 - weight) * s
                for g, s in zip(growth_errors, size_errors, strict=True)
            ]
            ranked = sorted(errors)
            k = max(1, int((len(ranked) + 1) * 0.1 + 1e-9))  # the k-th from each end
            low, high = ranked[k - 1], ranked[len(ranked) - k]
            found += [math.expm1(centre), math.expm1(centre + low), math.expm1(centre + high)]
        found[0] = max(found[0], so_far)
        found[1] = max(found[1], so_far)
        found[2] = max(found[2], so_far)
        found[3:] = [max(0.0, v) for v in found[3:]]
        ended = sorted(history, key=lambda p: p[4])
        same = [p for p in ended if p[1] == webinar] or ended
        baseline = same[-1]
        out[sid] = (*found, baseline[5], baseline[7]["unique_attendee_count"])  # type: ignore[assignment]
    return out  # type: ignore[return-value]


def test_backtest_reproduced_by_a_plain_reimplementation(
    seeded: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    sessions, registrants = seeded
    backtest = metrics.forecast_backtest(sessions, registrants, horizons=[3])
    expected = _reference(sessions, registrants, 3)
    assert backtest.height == len(expected) > 20
    for row in backtest.iter_rows(named=True):
        want = expected[row["session_id"]]
        got = (
            row["forecast_registrants"],
            row["registrants_low"],
            row["registrants_high"],
            row["forecast_attendees"],
            row["attendees_low"],
            row["attendees_high"],
            row["baseline_registrants"],
            row["baseline_attendees"],
        )
        assert got == pytest.approx(want, rel=1e-9, abs=1e-9), row["session_id"]


def test_backtest_summary_is_its_rows_averaged(seeded: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    sessions, registrants = seeded
    backtest = metrics.forecast_backtest(sessions, registrants)
    summary = metrics.backtest_summary(backtest)
    assert summary["horizon_days"].to_list() == [7, 3, 1]
    for row in summary.iter_rows(named=True):
        rows = list(backtest.filter(horizon_days=row["horizon_days"]).iter_rows(named=True))
        assert row["predictions"] == len(rows)
        errors = [abs(r["forecast_attendees"] - r["attendees"]) for r in rows]
        assert row["attendees_mae"] == pytest.approx(statistics.fmean(errors))
        inside = [r["registrants_low"] <= r["registrants"] <= r["registrants_high"] for r in rows]
        assert row["registrants_coverage"] == pytest.approx(statistics.fmean(inside))
