"""The columns the metrics add to the entity frames, and the check that a frame has what a
metric reads (a frame with no rows is completed with typed nulls instead of rejected)."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from webinar_insights import schemas
from webinar_insights._checks import require_columns

__all__ = [
    "FLOAT",
    "HINT_SESSION_METRICS",
    "INT",
    "PARTICIPANT_METRICS_COLUMNS",
    "SESSION_METRICS_COLUMNS",
    "STR",
    "empty",
    "is_empty",
    "require",
]

FLOAT = pl.Float64()
INT = pl.Int64()
STR = pl.String()

SESSION_METRICS_COLUMNS = pl.Schema(
    {
        **schemas.DERIVED_SESSION_COLUMNS,
        "actual_duration_min": FLOAT,
        "overrun_min": FLOAT,
    }
)
"""The columns :func:`session_metrics` appends to the sessions frame, in order."""

PARTICIPANT_METRICS_COLUMNS = pl.Schema({"join_delay": schemas.DURATION, "join_delay_min": FLOAT})
"""The columns :func:`participant_metrics` appends to the participants frame."""

# Dtypes of every column a function may need, so that a frame with no rows and missing columns
# (e.g. ``pl.DataFrame()``) can be completed instead of rejected.
_KNOWN_DTYPES: dict[str, pl.DataType] = {
    **schemas.REGISTRANTS,
    **schemas.PARTICIPANTS,
    **schemas.SESSIONS,
    **SESSION_METRICS_COLUMNS,
    **PARTICIPANT_METRICS_COLUMNS,
}

HINT_SESSION_METRICS = "pass the sessions frame through metrics.session_metrics() first"


def require(frame: object, columns: Iterable[str], *, what: str, hint: str = "") -> pl.DataFrame:
    """``frame`` with ``columns`` (see ``_checks.require_columns``), typed as the metrics know
    them."""
    return require_columns(frame, columns, what=what, hint=hint, dtypes=_KNOWN_DTYPES)


def is_empty(frame: object) -> bool:
    return isinstance(frame, pl.DataFrame) and frame.height == 0


def empty(schema: pl.Schema) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)
