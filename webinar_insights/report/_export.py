"""The output edge for data: the frames behind a report as Parquet and CSV, charts as images."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from webinar_insights.charts import save_chart
from webinar_insights.errors import ConfigurationError

if TYPE_CHECKING:  # the report module imports this one
    from ._report import Report

__all__ = ["csv_safe", "export_data"]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` ready for a CSV that a spreadsheet may open.

    * Text cells beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a
      leading ``'``, so a spreadsheet shows them instead of running them as formulas (OWASP's
      advice on CSV injection). Number columns are left alone: a -3.5 stays a number.
    * Categories become text; durations become fractional minutes in a ``<name>_min`` column
      (dropped when the frame has that column already), since CSV has no duration type.
    """
    fixes: list[pl.Expr] = []
    dropped: list[str] = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if isinstance(dtype, pl.Enum | pl.Categorical):
            column = column.cast(pl.String)
            dtype = pl.String()
        if isinstance(dtype, pl.Duration):
            if f"{name}_min" in frame.columns:
                dropped.append(name)
            else:
                fixes.append((column.dt.total_microseconds() / 60e6).alias(f"{name}_min"))
                dropped.append(name)
        elif dtype == pl.String:
            risky = column.str.starts_with(_FORMULA_STARTS[0])
            for start in _FORMULA_STARTS[1:]:
                risky = risky | column.str.starts_with(start)
            fixes.append(pl.when(risky).then(pl.lit("'") + column).otherwise(column).alias(name))
    order = [
        (f"{name}_min" if name in dropped and f"{name}_min" not in frame.columns else name)
        for name in frame.columns
        if not (name in dropped and f"{name}_min" in frame.columns)
    ]
    return frame.with_columns(fixes).select(order)


def export_data(report: Report, directory: Path, *, images: bool = True) -> list[Path]:
    """Write ``<frame>.parquet`` and ``<frame>.csv`` per frame and ``<chart>.svg``/``.png``."""
    if directory.exists() and not directory.is_dir():
        raise ConfigurationError(f"cannot export into {directory}: it is not a directory")
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, frame in report.frames.items():
        parquet = directory / f"{name}.parquet"
        frame.write_parquet(parquet)
        csv = directory / f"{name}.csv"
        csv_safe(frame).write_csv(csv)
        written += [parquet, csv]
    if images:
        for chart in report.charts:
            for suffix in (".svg", ".png"):
                written.append(save_chart(chart.chart, directory / f"{chart.key}{suffix}"))
    return written
