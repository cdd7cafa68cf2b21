"""The output edge for data: the frames behind a report as Parquet and CSV, charts as images.

Text from the API reaches these files as it was sent, with two exceptions that protect the
reader: a CSV cell a spreadsheet would run as a formula gets a leading ``'`` (``csv_safe``), and
control characters that no CSV reader or image renderer should meet (NUL and the other C0
controls but tab, line feed and carriage return) become U+FFFD in CSV cells and chart images.
Parquet files keep every value exactly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import polars as pl

from webinar_insights.charts import CONTROL_CHARACTERS, REPLACEMENT, save_chart
from webinar_insights.errors import ConfigurationError

from ._model import ReportData

__all__ = ["CSV_FORMULA", "csv_safe", "export_data", "write_safe_csv"]

# Characters a spreadsheet reads as the start of a formula, ASCII and fullwidth (Excel and
# LibreOffice fold ＝ ＋ － ＠ to = + - @ in some locales and input methods).
_FORMULA = "=+\\-@\uff1d\uff0b\uff0d\uff20"
# A formula can start a cell where the text starts, after any whitespace, and after anything a
# spreadsheet may take as the end of a field or a line: a comma, a semicolon (the separator of
# many locales), a tab, a carriage return or a line feed. A cell that starts with a tab, a
# carriage return or a line feed is neutralised too (OWASP lists them as formula starts).
CSV_FORMULA: Final = rf"(?:^|[,;\t\r\n])\s*[{_FORMULA}]|^[\t\r\n]"


def csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` ready for a CSV that a spreadsheet may open.

    * A text cell a spreadsheet could run as a formula gets a leading ``'`` and is otherwise
      unchanged (OWASP's advice on CSV injection): one whose first character other than
      whitespace (spaces, tabs, line breaks) is ``=``, ``+``, ``-``, ``@`` or their fullwidth
      forms ``＝ ＋ － ＠``, one that starts with a tab, carriage return or line feed, and one
      where such a character follows a ``,``, ``;``, tab or line break (which a spreadsheet may
      take as the start of a new cell, e.g. ``a;=1`` in a locale that separates with ``;``).
      Number columns are left alone: a -3.5 stays a number.
    * NUL and the other control characters but tab, line feed and carriage return become
      U+FFFD, so no CSV reader (or C library) cuts a cell short at them.
    * Categories become text; durations become fractional minutes in a ``<name>_min`` column
      (dropped when the frame has that column already), since CSV has no duration type.

    Write the result with ``write_safe_csv`` (or ``write_csv(quote_style="non_numeric")``):
    quoting every text cell is what keeps a spreadsheet from splitting ``a;=1`` at its ``;``.
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
            text = column.str.replace_all(CONTROL_CHARACTERS, REPLACEMENT)
            risky = text.str.contains(CSV_FORMULA)
            fixes.append(pl.when(risky).then(pl.lit("'") + text).otherwise(text).alias(name))
    order = [
        (f"{name}_min" if name in dropped and f"{name}_min" not in frame.columns else name)
        for name in frame.columns
        if not (name in dropped and f"{name}_min" in frame.columns)
    ]
    return frame.with_columns(fixes).select(order)


def write_safe_csv(frame: pl.DataFrame, path: Path) -> Path:
    """``csv_safe(frame)`` as a CSV file at ``path``, every text cell quoted; returns the path."""
    csv_safe(frame).write_csv(path, quote_style="non_numeric")
    return path


def export_data(report: ReportData, directory: Path, *, images: bool = True) -> list[Path]:
    """Write ``<frame>.parquet`` and ``<frame>.csv`` per frame and ``<chart>.svg``/``.png``."""
    if directory.exists() and not directory.is_dir():
        raise ConfigurationError(f"cannot export into {directory}: it is not a directory")
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, frame in report.frames.items():
        parquet = directory / f"{name}.parquet"
        frame.write_parquet(parquet)
        written += [parquet, write_safe_csv(frame, directory / f"{name}.csv")]
    if images:
        for chart in report.charts:
            for suffix in (".svg", ".png"):  # save_chart renders control characters as U+FFFD
                written.append(save_chart(chart.chart, directory / f"{chart.key}{suffix}"))
    return written
