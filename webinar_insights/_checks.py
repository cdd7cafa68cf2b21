"""Argument and frame checks shared by the metrics and the charts.

Each check returns the value it accepts and raises ``ConfigurationError`` with a message that
says what was wrong and what to pass instead. ``prefix`` names the public function asking
(``"start_delay_chart: "``), for checks whose message would otherwise not say where it came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta

import polars as pl

from .errors import ConfigurationError

__all__ = [
    "check_choice",
    "check_frame",
    "check_timedelta",
    "positive_int",
    "positive_number",
    "require_columns",
]


def require_columns(
    frame: object,
    columns: Iterable[str],
    *,
    what: str,
    hint: str = "",
    dtypes: Mapping[str, pl.DataType] | None = None,
) -> pl.DataFrame:
    """``frame`` with ``columns``; a frame with no rows gets the missing ones as typed nulls.

    Parameters
    ----------
    frame:
        Must be a polars DataFrame (a LazyFrame is named as such).
    columns:
        The columns the caller reads.
    what:
        What the frame is, for the message (``"sessions"``).
    hint:
        How to get the columns, appended to the message.
    dtypes:
        The dtypes of columns a frame with no rows may lack (others become ``pl.Null``).

    Raises
    ------
    ConfigurationError
        Not a DataFrame, or a frame with rows lacks a column (each missing one is named).
    """
    if not isinstance(frame, pl.DataFrame):
        raise ConfigurationError(
            f"{what} must be a polars DataFrame, not {type(frame).__name__}"
            " (call .collect() on a LazyFrame first)."
        )
    missing = [name for name in dict.fromkeys(columns) if name not in frame.columns]
    if not missing:
        return frame
    if frame.height == 0:
        known = dtypes or {}
        return frame.with_columns(
            pl.lit(None, dtype=known.get(name, pl.Null())).alias(name) for name in missing
        )
    shown = ", ".join(repr(name) for name in missing)
    raise ConfigurationError(
        f"{what} frame has no column {shown}, which this metric needs"
        + (f"; {hint}." if hint else ".")
    )


def check_frame(frame: object, columns: Sequence[str], *, prefix: str, fix: str) -> pl.DataFrame:
    """``frame`` if it is a DataFrame with every one of ``columns`` (rows or not); ``fix`` says
    which frame to pass instead."""
    if not isinstance(frame, pl.DataFrame):
        raise ConfigurationError(
            f"{prefix}expected a polars DataFrame, got {type(frame).__name__}. {fix}"
        )
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise ConfigurationError(f"{prefix}the frame has no column(s) {missing}. {fix}")
    return frame


def check_timedelta(value: object, name: str, *, prefix: str = "") -> timedelta:
    """``value`` if it is a ``datetime.timedelta``."""
    if not isinstance(value, timedelta):
        raise ConfigurationError(
            f"{prefix}{name} must be a datetime.timedelta (e.g. timedelta(minutes=5)),"
            f" not {value!r}."
        )
    return value


def check_choice(value: object, name: str, choices: Sequence[str], *, prefix: str = "") -> str:
    """``value`` if it is one of ``choices``."""
    if value not in choices:
        shown = [repr(choice) for choice in choices]
        listed = f"{', '.join(shown[:-1])} or {shown[-1]}" if len(shown) > 1 else shown[0]
        raise ConfigurationError(f"{prefix}{name}={value!r} is not known; use {listed}.")
    return str(value)


def positive_int(value: object, *, name: str, prefix: str = "", most: int | None = None) -> int:
    """``value`` if it is a whole number from 1 to ``most``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"{prefix}{name} must be a positive whole number, not {value!r}.")
    if most is not None and value > most:
        raise ConfigurationError(
            f"{prefix}{name}={value:,} is more than the {most:,} a chart may embed; pass a"
            f" smaller {name}."
        )
    return value


def positive_number(value: object, *, name: str, prefix: str = "") -> float:
    """``value`` as a float if it is a number above 0 (not a bool, not NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ConfigurationError(f"{prefix}{name} must be a positive number, not {value!r}.")
    return float(value)
