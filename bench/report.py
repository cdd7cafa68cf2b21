"""Report: file size and headless render time of the HTML report at 1,000 to 100,000 sessions.

Synthetic sessions frames (built with polars expressions on ``schemas.SESSIONS``; no API) go
through ``webinar_insights.report.build_report`` and ``Report.to_html``; the file is loaded in a
headless Chromium (Debian's ``/usr/bin/chromium`` through playwright, every request other than
the file itself aborted) and timed until every chart has drawn. Beside it, in the same run and
on the same rows, the naive approach: one Altair chart of the raw session rows (a point per
session, the max-rows limit disabled) saved with ``chart.save(path, inline=True)``, which
inlines the same vl-convert JavaScript bundle and works offline.

Figures per contender and scale: ``build_s`` (frames to an HTML string), ``mb`` (the file),
``mb_beyond_js`` (the file less the inlined Vega JavaScript), ``render_s`` (navigation start to
every chart drawn; None when Chromium is missing) and ``marks`` (SVG or canvas elements drawn).

Target: at 100,000 sessions the report stays under 2 MB beyond the inlined JavaScript.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import altair as alt
import polars as pl

from tests.support.browser import CHROMIUM, chromium_context
from webinar_insights import schemas
from webinar_insights.report import build_report, vega_bundle

from ._common import BenchResult, Target, at_most

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)  # a fixed clock: the same frames every run
SIZE_LIMIT_MB = 2.0
_ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo")


def _uniform(key: int, seed: int) -> pl.Expr:
    """A pseudo-random number in [0, 1) per row, fixed by ``seed`` and ``key``."""
    return (pl.col("i").hash(seed * 1_000 + key) % 1_000_003).cast(pl.Float64) / 1_000_003


def synthetic_sessions(n: int, *, seed: int = 0, now: datetime = NOW) -> pl.DataFrame:
    """``n`` sessions (``schemas.SESSIONS``) over the year before ``now`` and 30 days after.

    Webinars hold three sessions each; 40 hosts; about 1% of recordings failed. Finished,
    Active and Scheduled follow from the times and ``now``; counts are plausible, not real.
    """
    minute = timedelta(minutes=1)
    first = now - timedelta(days=365)
    start = (
        pl.lit(first) + pl.duration(minutes=(_uniform(1, seed) * 395 * 1440).floor())
    ).dt.truncate("15m")
    duration = pl.duration(minutes=pl.lit(30) + (_uniform(2, seed) * 4).floor() * 15)
    delay = pl.duration(seconds=((_uniform(3, seed) ** 3) * 25 * 60 - 120).round(0))
    overrun = pl.duration(seconds=((_uniform(4, seed) - 0.4) * 30 * 60).round(0))
    registrants = (pl.lit(10) + (_uniform(5, seed) ** 2) * 490).floor().cast(pl.Int64)
    attendees = (pl.col("registrant_count") * (0.2 + 0.7 * _uniform(6, seed))).floor()
    host = (_uniform(7, seed) * 40).floor().cast(pl.Int64)
    frame = (
        pl.DataFrame({"i": pl.int_range(n, dtype=pl.Int64, eager=True)})
        .with_columns(
            scheduled_start=start,
            scheduled_duration=duration,
            _delay=delay,
            _overrun=overrun,
            registrant_count=registrants,
            _host=host,
        )
        .with_columns(
            scheduled_end=pl.col("scheduled_start") + pl.col("scheduled_duration"),
            _live=pl.col("scheduled_start") + pl.col("_delay"),
        )
        .with_columns(
            _end=pl.col("_live") + pl.col("scheduled_duration") + pl.col("_overrun"),
        )
        .with_columns(
            status=pl.when(pl.col("_live") > now)
            .then(pl.lit("Scheduled"))
            .when(pl.col("_end") > now)
            .then(pl.lit("Active"))
            .otherwise(pl.lit("Finished")),
        )
    )
    finished = pl.col("status") == "Finished"
    started = pl.col("status") != "Scheduled"
    return frame.select(
        session_id=pl.format("s{}", pl.col("i")),
        webinar_id=pl.format("w{}", pl.col("i") // 3),
        webinar_title=pl.format("Webinar {}", pl.col("i") // 3),
        session_title=pl.format("Part {}", pl.col("i") % 3 + 1),
        host_user_id=pl.format("u{}", pl.col("_host")),
        host_name=pl.format("Host {}", pl.col("_host")),
        status=pl.col("status"),
        runtime_status=pl.when(pl.col("status") == "Active").then(pl.lit("Live")),
        time_zone=(pl.col("i") % len(_ZONES)).replace_strict(
            dict(enumerate(_ZONES)), return_dtype=pl.String
        ),
        scheduled_start="scheduled_start",
        scheduled_duration="scheduled_duration",
        scheduled_end="scheduled_end",
        start_time=pl.when(started).then("_live").otherwise("scheduled_start"),
        end_time=pl.when(finished).then("_end").otherwise("scheduled_end"),
        broadcast_start=pl.when(started).then("_live"),
        broadcast_end=pl.when(finished).then("_end"),
        participant_count=pl.when(finished).then(attendees.cast(pl.Int64) + 4),
        attendee_count=pl.when(finished).then(attendees.cast(pl.Int64) + 1),
        unique_participant_count=pl.when(finished).then(attendees.cast(pl.Int64) + 3),
        unique_attendee_count=pl.when(finished).then(attendees.cast(pl.Int64)),
        registrant_count="registrant_count",
        post_webinar_registrant_count=(pl.col("registrant_count") // 10),
        recording_status=pl.when(~finished)
        .then(None)
        .when(_uniform(8, seed) < 0.01)
        .then(pl.lit("Failed"))
        .otherwise(pl.lit("Available")),
        created_at=pl.col("scheduled_start") - timedelta(days=14),
        modified_at=pl.col("scheduled_start") + minute,
    ).cast(dict(schemas.SESSIONS))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Headless rendering.


@contextlib.contextmanager
def _browser() -> Iterator[Any]:
    """A Chromium context with networking disabled, or None when Chromium is missing."""
    if not CHROMIUM.exists():
        yield None
        return
    with tempfile.TemporaryDirectory() as profile, chromium_context(profile) as context:
        yield context


def _render(context: Any, path: Path, *, ready: str) -> tuple[float, int, int]:
    """Seconds from navigation to ``ready`` being true, marks drawn, requests refused."""
    page = context.new_page()
    refused: list[str] = []
    own = path.resolve().as_uri()

    def route(request_route: Any) -> None:
        if request_route.request.url == own:
            request_route.continue_()
        else:
            refused.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    started = time.perf_counter()
    page.goto(own, wait_until="load", timeout=120_000)
    page.wait_for_function(ready, timeout=120_000, polling=50)
    seconds = time.perf_counter() - started
    marks = int(
        page.evaluate("() => document.querySelectorAll('svg .role-mark > *, canvas').length")
    )
    page.close()
    return seconds, marks, len(refused)


_OURS_READY = "() => document.documentElement.hasAttribute('data-charts-ready')"
# Altair's page exposes no promise: wait until vega-embed has drawn into its container.
_NAIVE_READY = (
    "() => { const c = document.querySelector('.vega-embed canvas, .vega-embed svg');"
    " return c !== null && (c.tagName !== 'CANVAS' || c.width > 0); }"
)


def _naive_chart(sessions: pl.DataFrame) -> alt.Chart:
    rows = sessions.with_columns(
        attendance_rate=pl.col("unique_attendee_count") / pl.col("registrant_count"),
        **{
            name: pl.col(name).dt.to_string("%Y-%m-%dT%H:%M:%SZ")
            for name, dtype in sessions.schema.items()
            if isinstance(dtype, pl.Datetime)
        },
        **{
            name: pl.col(name).dt.total_minutes()
            for name, dtype in sessions.schema.items()
            if isinstance(dtype, pl.Duration)
        },
    ).with_columns(pl.col(pl.Enum).cast(pl.String))
    chart: alt.Chart = (
        alt.Chart(rows)
        .mark_point()
        .encode(
            x="scheduled_start:T",
            y="attendance_rate:Q",
            color="status:N",
            tooltip=["session_title", "webinar_title", "host_name", "attendance_rate"],
        )
    )
    return chart


def _measure(
    sessions: pl.DataFrame, folder: Path, context: Any, bundle_mb: float
) -> list[dict[str, Any]]:
    n = sessions.height
    rows = []
    started = time.perf_counter()
    document = build_report(sessions, now=NOW).to_html()
    built = time.perf_counter() - started
    ours = folder / f"report-{n}.html"
    ours.write_text(document, encoding="utf-8")
    rows.append(("ours (report)", ours, built, _OURS_READY))

    started = time.perf_counter()
    with alt.data_transformers.disable_max_rows():
        _naive_chart(sessions).save(folder / f"naive-{n}.html", inline=True)
    built = time.perf_counter() - started
    rows.append(("naive (chart.save inline)", folder / f"naive-{n}.html", built, _NAIVE_READY))

    figures = []
    for name, path, seconds, ready in rows:
        mb = path.stat().st_size / 1e6
        render = marks = refused = None
        if context is not None:
            render, marks, refused = _render(context, path, ready=ready)
        figures.append(
            {
                "contender": name,
                "sessions": n,
                "build_s": round(seconds, 3),
                "mb": round(mb, 3),
                "mb_beyond_js": round(mb - bundle_mb, 3),
                "render_s": None if render is None else round(render, 3),
                "marks": marks,
                "requests_refused": refused,
            }
        )
    return figures


def run(smoke: bool) -> BenchResult:
    scales = (1_000,) if smoke else (1_000, 10_000, 100_000)
    bundle_mb = len(vega_bundle().encode("utf-8")) / 1e6
    rows: list[dict[str, Any]] = []
    notes = [
        f"the inlined Vega/Vega-Lite/vega-embed bundle is {bundle_mb:.2f} MB in both files",
        "naive: Altair's inline save works offline (it inlines vl-convert's bundle too); its"
        " page exposes no promise, so its render time runs until vega-embed has drawn into its"
        " container",
        "render times follow one unmeasured warm-up load (the first page of a fresh browser"
        " compiles the bundle slower)",
    ]
    with tempfile.TemporaryDirectory() as tmp, _browser() as context:
        if context is None:
            notes.append(f"{CHROMIUM} is missing: no render times (make test installs it)")
        else:
            warm_up = Path(tmp) / "warm-up.html"
            warm_up.write_text(build_report(synthetic_sessions(100), now=NOW).to_html())
            _render(context, warm_up, ready=_OURS_READY)
        for n in scales:
            rows += _measure(synthetic_sessions(n), Path(tmp), context, bundle_mb)
    largest = max(scales)
    ours_largest = next(
        r for r in rows if r["sessions"] == largest and r["contender"].startswith("ours")
    )
    targets: list[Target] = [
        at_most(
            f"ours: MB beyond the inlined JavaScript at {largest:,} sessions",
            ours_largest["mb_beyond_js"],
            SIZE_LIMIT_MB,
        ),
        at_most(
            f"ours: requests attempted by the page at {largest:,} sessions",
            ours_largest["requests_refused"],
            0,
        ),
    ]
    return BenchResult(
        title="HTML report size and headless render time",
        params={"scales": ",".join(f"{n:,}" for n in scales), "now": NOW.isoformat()},
        rows=rows,
        targets=targets,
        notes=notes,
    )
