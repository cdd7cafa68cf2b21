"""Raw columns to typed ones; a value that turns null here was bad data.

An enum value the API spec does not list (the Webinar API is beta and may add some) is kept as
it is: the column's ``pl.Enum`` gets it as a category after the declared ones, and it is
warned about. Fields of one declared enum (``role`` and ``originalRole``) share the extended one.
"""

from __future__ import annotations

from typing import TypeAlias

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

from webinar_insights import schemas

from ._problems import Issue, Problems, record_ref
from ._spec import EXPECTED, PAGE, ROW, Field, Spec

# RFC 3339 as the API sends it: `Z` or `+hh:mm`, with or without fractional seconds, in one pattern
# so that a frame mixing them parses every value (polars otherwise guesses from the first one).
_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S%.f%#z"
_DATETIME_HEAD = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"


Enums: TypeAlias = dict[pl.Enum, pl.Enum]
"""A declared enum to the one a frame has: its categories, then the new values sorted."""


def type_columns(raw: pl.DataFrame, spec: Spec, problems: Problems) -> tuple[pl.DataFrame, Enums]:
    """Each raw column of ``spec`` typed by its kind, every value turned null reported; and the
    declared enums that values the API spec does not list extend (reported too)."""
    enums = _extended_enums(raw, spec, problems)
    typed = raw.select(
        pl.col(ROW),
        pl.col(PAGE),
        *(_typed_column(raw, f, enums).alias(f.path) for f in spec.fields),
    )
    for f in spec.fields:
        before, after = raw.get_column(f.path), typed.get_column(f.path)
        if before.null_count() == after.null_count():
            continue
        rejected = raw.filter(before.is_not_null() & after.is_null())
        if problems.issues is not None:
            problem = f"is not {EXPECTED[f.kind]}"
            for page, index, record_id, value in zip(
                rejected.get_column(PAGE),
                problems.in_page(rejected),
                rejected.get_column("id"),
                rejected.get_column(f.path),
                strict=True,
            ):
                problems.found(Issue(page, index, record_id, f.path, value, problem, False))
            continue
        number, record_id, value = rejected.select(ROW, "id", f.path).row(0)
        problems.bad_value(
            f.path,
            value,
            record_ref(number, record_id),
            EXPECTED[f.kind],
            count=rejected.height,
        )
    return typed, enums


def with_enums(schema: pl.Schema, enums: Enums) -> pl.Schema:
    """``schema`` with each declared enum as ``enums`` extends it."""
    return pl.Schema(
        {
            name: enums.get(dtype, dtype) if isinstance(dtype, pl.Enum) else dtype
            for name, dtype in schema.items()
        }
    )


def _extended_enums(raw: pl.DataFrame, spec: Spec, problems: Problems) -> Enums:
    """The declared enums that the raw values extend, each with every new value of all its
    fields; the new values of each field counted to ``problems``."""
    new: dict[pl.Enum, set[str]] = {}
    for f in spec.fields:
        if f.kind != "enum":
            continue
        assert f.enum is not None
        values = raw.get_column(f.path)
        unknown = values.filter(values.is_not_null() & ~values.is_in(f.enum.categories.implode()))
        if not unknown.len():
            continue
        counts = unknown.value_counts()
        problems.unknown_values(f.path, dict(counts.iter_rows()))
        new.setdefault(f.enum, set()).update(counts.get_column(f.path))
    return {
        declared: pl.Enum(schemas.with_new_values(declared.categories.to_list(), values))
        for declared, values in new.items()
    }


def _typed_column(raw: pl.DataFrame, f: Field, enums: Enums) -> pl.Expr | pl.Series:
    value = pl.col(f.path)
    if f.kind == "integer":
        return _whole(value, 2**53).cast(pl.Int64)
    if f.kind == "seconds":
        # Int64 before scaling keeps microseconds exact; the bound keeps them inside Int64.
        return (_whole(value, 2**43).cast(pl.Int64) * 1_000_000).cast(schemas.DURATION)
    if f.kind == "datetime":
        return _datetimes(raw.get_column(f.path))
    if f.kind == "enum":
        assert f.enum is not None
        # Every value is a category of the extended enum (`_extended_enums`), so the cast is
        # strict: it cannot turn a value into null without a word.
        return value.cast(enums.get(f.enum, f.enum), strict=True)
    return value


def _whole(value: pl.Expr, limit: int) -> pl.Expr:
    return pl.when((value == value.floor()) & (value.abs() < limit)).then(value)


def _datetimes(values: pl.Series) -> pl.Series:
    """Date-time strings to UTC datetimes as ``_TIMESTAMP_FORMAT`` reads them, null if unreadable.

    Arrow's ISO-8601 parser is about ten times faster than polars's format parser, and for
    strings that start ``YYYY-MM-DDThh:mm:ss`` it accepts a subset of what the format does, with
    the same result (a test holds the two to that). It also accepts a space for the ``T`` or no
    seconds, hence the check on the head. When any value fails either, polars reads the column.
    """
    if values.str.contains(_DATETIME_HEAD).all():  # nulls are skipped, as they should be
        try:
            parsed = pc.cast(values.to_arrow(), pa.timestamp("us", tz="UTC"))
        except pa.ArrowException:
            pass
        else:
            return pl.Series(values.name, parsed, dtype=pl.Datetime("us", "UTC"))
    return values.str.to_datetime(_TIMESTAMP_FORMAT, time_unit="us", time_zone="UTC", strict=False)
