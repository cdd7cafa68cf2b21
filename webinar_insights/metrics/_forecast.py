"""Registration pacing and a forecast of final registrants and attendees for upcoming sessions,
with the backtest that shows how far to trust it.

The model, in one sentence, is :data:`FORECAST_METHOD`. Concretely, for a session with ``S``
live registrants ``d`` days before its start, each past session ``i`` (Finished, with live
registrants, ended before the forecast is made) gives a size ``log(F_i + 1)`` and a growth
``log(F_i + 1) - log(S_i(d) + 1)``, where ``F_i`` is its final count (live registrants, or the
API's unique attendees) and ``S_i(d)`` its live registrants ``d`` days before its start. The
target's estimate of each is the mean of its series' past sessions, else its host's, else the
program's, the first two pulled toward the program's mean as if the program added
:data:`SHRINKAGE` sessions. The two forecasts, ``log(F + 1) = size`` and ``log(S + 1) + growth``,
are blended with weights inversely proportional to the variance of their leave-one-out errors
on the past sessions, and the 80 % interval adds the blended errors' k-th smallest and k-th
largest (``k = floor((n + 1) × 0.1)`` of ``n``, see :func:`_interval`). Nothing is fitted by
an optimiser: means, two variances and two ranked errors, so the forecast can be explained in
a sentence and checked by hand (docs/METRICS.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import polars as pl

from webinar_insights import schemas
from webinar_insights._time import TimeLike, to_utc
from webinar_insights.errors import ConfigurationError

from ._columns import FLOAT, INT, STR, require

__all__ = [
    "BACKTEST",
    "BACKTEST_HORIZONS",
    "BACKTEST_SUMMARY",
    "FORECAST",
    "FORECAST_LEVEL",
    "FORECAST_METHOD",
    "REGISTRATION_CURVE",
    "REGISTRATION_PROGRESS",
    "SHRINKAGE",
    "attendance_forecast",
    "backtest_summary",
    "forecast_backtest",
    "registration_curve",
    "registration_progress",
]

FORECAST_LEVEL = 0.8
"""The share of outcomes the forecast's interval aims to hold (from its 10th to 90th
percentile)."""

SHRINKAGE = 3.0
"""How many sessions' weight the program's mean growth gets beside a series' or host's own."""

MIN_HISTORY = 5
"""Past sessions needed before a forecast is made at all."""

BACKTEST_HORIZONS = (7, 3, 1)
"""The days before start at which :func:`forecast_backtest` predicts each past session."""

FORECAST_METHOD = (
    "The usual final count of comparable past sessions (the series', else the host's, else the"
    " program's, pulled toward the program's) blended with registrants so far × the growth"
    " those sessions saw from the same number of days before their start, each weighted by how"
    " well it predicted past sessions; the 80% interval is as wide as the blend's past errors."
)
"""The forecast's method in one sentence, for the report, the dashboard and the notebook."""

REGISTRATION_CURVE = pl.Schema(
    {
        "days_before": INT,
        "sessions": INT,
        "median_share": FLOAT,
        "p10_share": FLOAT,
        "p90_share": FLOAT,
    }
)
"""The schema of :func:`registration_curve`."""

REGISTRATION_PROGRESS = pl.Schema({"session_id": STR, "final": INT, "by_day": pl.List(INT)})
"""The schema of :func:`registration_progress`: one row per session."""

FORECAST = pl.Schema(
    {
        "session_id": STR,
        "scheduled_start": schemas.TIMESTAMP,
        "days_before": FLOAT,
        "registrants_so_far": INT,
        "typical_share_so_far": FLOAT,
        "forecast_registrants": FLOAT,
        "registrants_low": FLOAT,
        "registrants_high": FLOAT,
        "forecast_attendees": FLOAT,
        "attendees_low": FLOAT,
        "attendees_high": FLOAT,
        "pace_weight": FLOAT,
        "basis": STR,
        "basis_sessions": INT,
        "history_sessions": INT,
    }
)
"""The schema of :func:`attendance_forecast`: one row per upcoming session."""

BACKTEST = pl.Schema(
    {
        "session_id": STR,
        "horizon_days": INT,
        "registrants_so_far": INT,
        "registrants": INT,
        "attendees": INT,
        "forecast_registrants": FLOAT,
        "registrants_low": FLOAT,
        "registrants_high": FLOAT,
        "forecast_attendees": FLOAT,
        "attendees_low": FLOAT,
        "attendees_high": FLOAT,
        "baseline_registrants": INT,
        "baseline_attendees": INT,
        "baseline_from": STR,
        "basis": STR,
    }
)
"""The schema of :func:`forecast_backtest`: one row per past session and horizon."""

BACKTEST_SUMMARY = pl.Schema(
    {
        "horizon_days": INT,
        "predictions": INT,
        "registrants_mae": FLOAT,
        "registrants_baseline_mae": FLOAT,
        "registrants_coverage": FLOAT,
        "attendees_mae": FLOAT,
        "attendees_baseline_mae": FLOAT,
        "attendees_coverage": FLOAT,
    }
)
"""The schema of :func:`backtest_summary`: one row per horizon."""

_DAY_US = 86_400_000_000
_LOW, _HIGH = (1 - FORECAST_LEVEL) / 2, (1 + FORECAST_LEVEL) / 2
_LEAD_SPACING = 1e6  # days: keeps each session's lead times apart in one sorted array


# --------------------------------------------------------------------------- the inputs


@dataclass(frozen=True)
class _Program:
    """The sessions a forecast reads, as arrays (one entry per session), and each session's
    live registration lead times (days before its start) as one sorted array."""

    session_id: np.ndarray
    start_us: np.ndarray  # scheduled start, µs since the epoch
    end_us: np.ndarray  # actual end (Finished) or max int (not ended)
    finished: np.ndarray
    registrants: np.ndarray  # final live registrants (so far, when not Finished)
    attendees: np.ndarray  # the API's unique attendees (-1 unknown)
    series: np.ndarray  # codes
    host: np.ndarray  # codes (-1 no host)
    keys: np.ndarray  # sorted: session position * _LEAD_SPACING + lead days

    def so_far(self, days_before: float | np.ndarray) -> np.ndarray:
        """Each session's live registrants ``days_before`` days before its start."""
        positions = np.arange(len(self.session_id))
        first = np.searchsorted(self.keys, positions * _LEAD_SPACING + days_before, "left")
        last = np.searchsorted(self.keys, (positions + 1) * _LEAD_SPACING - _LEAD_SPACING / 2)
        return (last - first).astype(np.int64)


def _program(sessions: pl.DataFrame, registrants: pl.DataFrame) -> _Program:
    frame = require(
        sessions,
        (
            "session_id",
            "webinar_id",
            "host_user_id",
            "host_name",
            "status",
            "scheduled_start",
            "end_time",
            "broadcast_end",
            "unique_attendee_count",
        ),
        what="sessions",
    )
    people = require(
        registrants,
        ("session_id", "registration_time", "registered_post_webinar"),
        what="registrants",
    )
    finished = pl.col("status") == "Finished"
    table = (
        frame.lazy()
        .filter(pl.col("scheduled_start").is_not_null())
        .unique("session_id", keep="first", maintain_order=True)
        .select(
            pl.col("session_id").cast(STR),
            pl.col("scheduled_start").dt.epoch("us").alias("start_us"),
            pl.when(finished)
            .then(pl.coalesce("broadcast_end", "end_time").dt.epoch("us"))
            .alias("end_us"),
            finished.fill_null(False).alias("finished"),
            pl.col("unique_attendee_count").fill_null(-1).alias("attendees"),
            # A session without a webinar (or host) is a group of its own.
            _code(pl.col("webinar_id")).alias("series"),
            _code(pl.coalesce("host_user_id", pl.format("name:{}", "host_name"))).alias("host"),
        )
        .with_row_index("position")
        .collect()
    )
    leads = (
        people.lazy()
        .filter(~pl.col("registered_post_webinar").fill_null(False))
        .select(pl.col("session_id").cast(STR), "registration_time")
        .join(table.lazy().select("session_id", "position", "start_us"), on="session_id")
        .select(
            "position",
            ((pl.col("start_us") - pl.col("registration_time").dt.epoch("us")) / _DAY_US).alias(
                "lead"
            ),
        )
        .drop_nulls()
        .collect()
    )
    positions = leads["position"].to_numpy().astype(np.int64)
    # A lead beyond the spacing would run into the next session's keys: clip (no registration
    # is made 700 years ahead, and one that says so still counts as very early).
    lead = leads["lead"].to_numpy().clip(-_LEAD_SPACING / 4, _LEAD_SPACING / 4)
    keys = np.sort(positions * _LEAD_SPACING + lead)
    never = np.iinfo(np.int64).max
    return _Program(
        session_id=table["session_id"].to_numpy(),
        start_us=table["start_us"].to_numpy(),
        end_us=table["end_us"].fill_null(never).to_numpy(),
        finished=table["finished"].to_numpy(),
        registrants=np.bincount(positions, minlength=table.height).astype(np.int64),
        attendees=table["attendees"].to_numpy(),
        series=table["series"].to_numpy(),
        host=table["host"].to_numpy(),
        keys=keys,
    )


def _code(key: pl.Expr) -> pl.Expr:
    """A group key as a small integer; a null key is a group of its own per row."""
    return (
        pl.coalesce(key.cast(STR), pl.format("\x00{}", pl.int_range(pl.len())))
        .rank("dense")
        .cast(pl.Int64)
    )


# --------------------------------------------------------------------------- the model


_Groups = tuple[np.ndarray, np.ndarray, int, int]
"""The past sessions' series and host codes, and the target's."""


def _estimate(
    values: np.ndarray, series: np.ndarray, host: np.ndarray, target_series: int, target_host: int
) -> tuple[float, np.ndarray, str, int]:
    """The target's estimate of ``values``: the mean of its series' past sessions, else its
    host's, else the program's, the first two pulled toward the program's mean by
    :data:`SHRINKAGE` sessions. Also each past session's error under the same rule when it is
    left out and predicted from the others, and which sessions the estimate leaned on."""
    n = len(values)
    total = values.sum()
    overall = total / n
    size = max(int(series.max()), int(host.max()), target_series, target_host) + 1
    s_sum = np.bincount(series, weights=values, minlength=size)
    s_n = np.bincount(series, minlength=size).astype(np.float64)
    h_sum = np.bincount(host, weights=values, minlength=size)
    h_n = np.bincount(host, minlength=size).astype(np.float64)

    def shrunk(own_sum: np.ndarray, own_n: np.ndarray, mean: np.ndarray) -> np.ndarray:
        return (own_sum + SHRINKAGE * mean) / (own_n + SHRINKAGE)

    # Each past session as if it were the target: its series and host without itself.
    loo_overall = (total - values) / (n - 1)
    own_s_sum, own_s_n = s_sum[series] - values, s_n[series] - 1
    own_h_sum, own_h_n = h_sum[host] - values, h_n[host] - 1
    centre = np.where(
        own_s_n > 0,
        shrunk(own_s_sum, own_s_n, loo_overall),
        np.where(own_h_n > 0, shrunk(own_h_sum, own_h_n, loo_overall), loo_overall),
    )
    if s_n[target_series] > 0:
        basis, count = "series", int(s_n[target_series])
        mean = (s_sum[target_series] + SHRINKAGE * overall) / (count + SHRINKAGE)
    elif h_n[target_host] > 0:
        basis, count = "host", int(h_n[target_host])
        mean = (h_sum[target_host] + SHRINKAGE * overall) / (count + SHRINKAGE)
    else:
        basis, count, mean = "program", n, overall
    return float(mean), values - centre, basis, count


def _interval(errors: np.ndarray) -> tuple[float, float]:
    """The shifts from the centre to the 80 % interval's ends: the ``k``-th smallest and the
    ``k``-th largest of ``n`` past errors, ``k = floor((n + 1) × 0.1)`` (at least 1). A new
    error is as likely to fall in any of the ``n + 1`` gaps the past errors leave, so this
    holds about 80 % of new outcomes even when ``n`` is small, where the sample's own 10th and
    90th percentiles hold fewer (the rank rule of conformal prediction)."""
    ordered = np.sort(errors)
    k = max(1, math.floor((len(ordered) + 1) * _LOW + 1e-9))
    return float(ordered[k - 1]), float(ordered[-k])


def _blend(
    final: np.ndarray, base: np.ndarray, so_far: int, groups: _Groups, floor: float
) -> tuple[tuple[float, float, float], float, str, int]:
    """Forecast, low and high of a final count (as counts), the weight on registrants so far,
    the basis and its sessions: the two estimates (usual size; so far × usual growth) in the
    log of count + 1, weighted by the inverse variance of their past errors."""
    size, size_errors, basis, count = _estimate(np.log1p(final), *groups)
    growth, pace_errors, _, _ = _estimate(np.log1p(final) - base, *groups)
    pace = math.log1p(so_far) + growth
    w_size = 1 / max(float(np.var(size_errors)), 1e-9)
    w_pace = 1 / max(float(np.var(pace_errors)), 1e-9)
    weight = w_pace / (w_pace + w_size)
    centre = weight * pace + (1 - weight) * size
    errors = weight * pace_errors + (1 - weight) * size_errors
    low, high = _interval(errors)
    counts = tuple(max(floor, math.expm1(centre + shift)) for shift in (0.0, low, high))
    return (counts[0], counts[1], counts[2]), weight, basis, count


@dataclass(frozen=True)
class _Prediction:
    registrants: tuple[float, float, float]  # forecast, low, high
    attendees: tuple[float, float, float]
    pace_weight: float
    basis: str
    basis_sessions: int


def _predict(
    program: _Program, history: np.ndarray, target: int, days_before: float, so_far: int
) -> _Prediction:
    """Forecast ``target`` from the sessions at ``history`` (positions), ``days_before`` its
    start with ``so_far`` live registrants."""
    base = np.log1p(program.so_far(days_before)[history])
    groups = (
        program.series[history],
        program.host[history],
        int(program.series[target]),
        int(program.host[target]),
    )
    registrants, weight, basis, count = _blend(
        program.registrants[history], base, so_far, groups, float(so_far)
    )
    attendees, _, _, _ = _blend(program.attendees[history], base, so_far, groups, 0.0)
    return _Prediction(registrants, attendees, weight, basis, count)


def _history(program: _Program, before_us: int) -> np.ndarray:
    """Positions of the sessions a forecast made at ``before_us`` may learn from."""
    return np.flatnonzero(
        program.finished
        & (program.end_us < before_us)
        & (program.registrants > 0)
        & (program.attendees >= 0)
    )


# --------------------------------------------------------------------------- public functions


def registration_curve(
    sessions: pl.DataFrame, registrants: pl.DataFrame, *, max_days: int = 30
) -> pl.DataFrame:
    """How registrations build up before a session starts (:data:`REGISTRATION_CURVE`).

    For each whole number of days before the scheduled start (``max_days`` down to 0), the
    median, 10th and 90th percentile over Finished sessions with live registrants of the share of
    their final live registrants who had registered by then. ``sessions`` is how many sessions
    the row is over.
    """
    final, by_day = _progress(sessions, registrants, max_days)[1:]
    rows = []
    for day in range(max_days, -1, -1):
        if len(final) == 0:
            break
        share = by_day[:, max_days - day] / final
        low, median, high = np.quantile(share, [_LOW, 0.5, _HIGH])
        rows.append((day, len(final), float(median), float(low), float(high)))
    return pl.DataFrame(rows, schema=REGISTRATION_CURVE, orient="row")


def registration_progress(
    sessions: pl.DataFrame, registrants: pl.DataFrame, *, max_days: int = 30
) -> pl.DataFrame:
    """What :func:`registration_curve` summarises, per session (:data:`REGISTRATION_PROGRESS`).

    One row per Finished session with live registrants (in the order given): ``final``, its
    live registrants, and ``by_day``, how many of them had registered ``max_days``,
    ``max_days - 1``, …, 0 days before its scheduled start (``max_days + 1`` counts). The
    curve's shares are ``by_day / final``; the report's filter bar draws the curve again from
    these rows.
    """
    ids, final, by_day = _progress(sessions, registrants, max_days)
    return pl.DataFrame(
        {"session_id": ids, "final": final, "by_day": by_day.tolist()}, schema=REGISTRATION_PROGRESS
    )


def _progress(
    sessions: pl.DataFrame, registrants: pl.DataFrame, max_days: int
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The Finished sessions with live registrants: ids, final counts and, per session, the
    counts registered ``max_days`` … 0 days before the start (a row each)."""
    if isinstance(max_days, bool) or not isinstance(max_days, int) or max_days < 0:
        raise ConfigurationError(f"max_days must be a whole number, 0 or more, not {max_days!r}")
    program = _program(sessions, registrants)
    past = np.flatnonzero(program.finished & (program.registrants > 0))
    days = range(max_days, -1, -1)
    by_day = np.stack([program.so_far(float(day))[past] for day in days], axis=1).reshape(
        len(past), max_days + 1
    )
    return program.session_id[past].tolist(), program.registrants[past], by_day


def attendance_forecast(
    sessions: pl.DataFrame, registrants: pl.DataFrame, *, now: TimeLike | None = None
) -> pl.DataFrame:
    """A forecast of final registrants and attendees for each upcoming session (:data:`FORECAST`).

    Upcoming: Scheduled with a scheduled start after ``now`` (default: the current time).
    Registrants so far are its live registrants registered by ``now``; attendees are what the API
    will count as its unique attendees. The method is :data:`FORECAST_METHOD` (see the module's
    docstring); ``basis`` says whose growth it leaned on (``series``, ``host`` or ``program``)
    and ``basis_sessions`` over how many sessions; ``typical_share_so_far`` is the share of
    their final registrants such sessions had at this point. Sessions are left out while fewer
    than five past sessions (Finished, with registrants) have ended.
    """
    now = datetime.now(UTC) if now is None else to_utc(now, name="now")
    now_us = int(now.timestamp() * 1_000_000)
    program = _program(sessions, registrants)
    history = _history(program, now_us)
    rows: list[tuple[object, ...]] = []
    if len(history) >= MIN_HISTORY:
        upcoming = np.flatnonzero(~program.finished & (program.start_us > now_us))
        for target in upcoming:
            days_before = (int(program.start_us[target]) - now_us) / _DAY_US
            so_far = int(program.so_far(days_before)[target])
            p = _predict(program, history, int(target), days_before, so_far)
            rows.append(
                (
                    program.session_id[target],
                    int(program.start_us[target]),
                    days_before,
                    so_far,
                    (so_far + 1) / (p.registrants[0] + 1),
                    *p.registrants,
                    *p.attendees,
                    p.pace_weight,
                    p.basis,
                    p.basis_sessions,
                    len(history),
                )
            )
    raw = pl.DataFrame(rows, schema={**FORECAST, "scheduled_start": pl.Int64()}, orient="row")
    return raw.with_columns(
        pl.from_epoch("scheduled_start", time_unit="us").dt.replace_time_zone("UTC")
    ).cast(dict(FORECAST))  # type: ignore[arg-type]


def forecast_backtest(
    sessions: pl.DataFrame,
    registrants: pl.DataFrame,
    *,
    horizons: Sequence[int] = BACKTEST_HORIZONS,
) -> pl.DataFrame:
    """Each past session predicted as :func:`attendance_forecast` would have, ``horizons`` days
    before its start, from the sessions that had ended by then (:data:`BACKTEST`).

    Beside the forecast, the naive baseline: the final counts of the series' last session that
    had ended (``baseline_from`` = ``"series"``), else the program's last (``"program"``).
    Predicted: Finished sessions with live registrants and a known attendee count, once five
    such sessions had ended.
    """
    program = _program(sessions, registrants)
    rows: list[tuple[object, ...]] = []
    targets = _history(program, np.iinfo(np.int64).max)
    for horizon in horizons:
        if horizon < 0:
            raise ConfigurationError(f"horizons must be 0 days or more, not {horizon}")
        so_far_all = program.so_far(float(horizon))
        for target in targets:
            moment = int(program.start_us[target]) - horizon * _DAY_US
            history = _history(program, moment)
            if len(history) < MIN_HISTORY:
                continue
            so_far = int(so_far_all[target])
            p = _predict(program, history, int(target), float(horizon), so_far)
            ended = history[np.argsort(program.end_us[history], kind="stable")]
            same = ended[program.series[ended] == program.series[target]]
            last, source = (int(same[-1]), "series") if len(same) else (int(ended[-1]), "program")
            rows.append(
                (
                    program.session_id[target],
                    horizon,
                    so_far,
                    int(program.registrants[target]),
                    int(program.attendees[target]),
                    *p.registrants,
                    *p.attendees,
                    int(program.registrants[last]),
                    int(program.attendees[last]),
                    source,
                    p.basis,
                )
            )
    return pl.DataFrame(rows, schema=BACKTEST, orient="row")


def backtest_summary(backtest: pl.DataFrame) -> pl.DataFrame:
    """Per horizon, how the forecast did against the naive baseline (:data:`BACKTEST_SUMMARY`):
    mean absolute errors of both, and the share of outcomes inside the 80 % interval."""
    frame = require(backtest, BACKTEST.names(), what="backtest")

    def mae(column: str, actual: str) -> pl.Expr:
        return (pl.col(column) - pl.col(actual)).abs().mean()

    def inside(what: str) -> pl.Expr:
        return pl.col(what).is_between(f"{what}_low", f"{what}_high").mean()

    return (
        frame.group_by("horizon_days")
        .agg(
            pl.len().cast(INT).alias("predictions"),
            mae("forecast_registrants", "registrants").alias("registrants_mae"),
            mae("baseline_registrants", "registrants").alias("registrants_baseline_mae"),
            inside("registrants").alias("registrants_coverage"),
            mae("forecast_attendees", "attendees").alias("attendees_mae"),
            mae("baseline_attendees", "attendees").alias("attendees_baseline_mae"),
            inside("attendees").alias("attendees_coverage"),
        )
        .sort("horizon_days", descending=True)
        .cast(dict(BACKTEST_SUMMARY))  # type: ignore[arg-type]
    )
