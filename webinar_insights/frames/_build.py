"""From pages to a frame: read, type, place (in quarantine) and map one entity, with the bad
data raised, warned about or listed; and the helpers the entity mappings share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeAlias

import polars as pl

from webinar_insights.client import MAX_ID_LENGTH
from webinar_insights.errors import ConfigurationError

from ._problems import MISSING, BadRecord, Issue, OnBadData, Problems, bad_records
from ._reader import read
from ._spec import PAGE, Spec
from ._typed import type_columns, with_enums

Build: TypeAlias = Callable[[pl.DataFrame, Problems], pl.DataFrame]
"""An entity's mapping: typed API fields to the frame's columns (notes go to the problems)."""


def build_frame(
    pages: Iterable[bytes | list[object]],
    spec: Spec,
    build: Build,
    on_bad_data: OnBadData,
    quarantine: list[BadRecord] | None = None,
) -> pl.DataFrame:
    """The frame of ``spec`` from ``pages``, mapped by ``build``; its bad data raised, warned
    about once (``on_bad_data``) or appended to ``quarantine``."""
    if on_bad_data not in ("raise", "null"):
        raise ConfigurationError(f"on_bad_data must be 'raise' or 'null', not {on_bad_data!r}.")
    if quarantine is not None and not isinstance(quarantine, list):
        raise ConfigurationError("quarantine must be a list, which receives the bad records.")
    problems = Problems(spec.what, on_bad_data, issues=None if quarantine is None else [])
    typed, enums = type_columns(read(pages, spec, problems), spec, problems)
    if problems.issues is not None:
        typed = _placed(typed, spec, problems)
    # The declared schema, but with an enum that values the API spec does not list extend.
    frame = build(typed, problems).select(
        pl.col(name).cast(dtype) for name, dtype in with_enums(spec.schema, enums).items()
    )
    if quarantine is not None and problems.issues:
        quarantine += bad_records(problems.issues)
    problems.warn(stacklevel=3)  # build_frame -> public function -> its caller
    return frame


def _usable_id(path: str) -> pl.Expr:
    """The client's rule for an API id (``client.api_id``), as a column expression."""
    value = pl.col(path)
    return (
        value.str.len_chars().is_between(1, MAX_ID_LENGTH) & ~value.str.contains("/", literal=True)
    ).fill_null(False)


def _placed(typed: pl.DataFrame, spec: Spec, problems: Problems) -> pl.DataFrame:
    """The rows that can be placed; the others are left out, each with a quarantine entry."""
    assert problems.issues is not None
    flags = {path: f"__usable {path}__" for path in spec.required}
    usable = pl.all_horizontal(*(pl.col(flag) for flag in flags.values()))
    marked = typed.with_columns(_usable_id(path).alias(flag) for path, flag in flags.items())
    bad = marked.filter(~usable)
    if not bad.height:
        return typed
    listed: dict[tuple[int, int | None], list[str]] = {}
    for issue in problems.issues:
        if issue.field is not None:
            listed.setdefault((issue.page, issue.record), []).append(issue.field)
    left_out: set[tuple[int, int]] = set()
    for index, row in zip(problems.in_page(bad), bad.iter_rows(named=True), strict=True):
        page = int(row[PAGE])
        left_out.add((page, index))
        for path, flag in flags.items():
            # Listed already: the field itself, or the object holding it (``"webinar": "w1"``).
            known = listed.get((page, index), [])
            if row[flag] or any(path == f or path.startswith(f + ".") for f in known):
                continue
            value = MISSING if row[path] is None else row[path]
            problem = (
                "is missing, so the record cannot be placed"
                if value is MISSING
                else f"is not a usable id (1 to {MAX_ID_LENGTH} characters, no '/')"
            )
            problems.issues.append(Issue(page, index, row["id"], path, value, problem, True))
    for issue in problems.issues:
        if (issue.page, issue.record) in left_out:
            issue.left_out = True
    return marked.filter(usable).drop(*flags.values())


def page_keys(
    pages_per_session: Iterable[tuple[int, dict[str, str]]], columns: tuple[str, ...]
) -> pl.DataFrame:
    """A frame mapping every page number to the ids of the session its page belongs to."""
    data: dict[str, list[object]] = {PAGE: [], **{c: [] for c in columns}}
    page = 0
    for count, ids in pages_per_session:
        for _ in range(count):
            data[PAGE].append(page)
            for column in columns:
                data[column].append(ids[column])
            page += 1
    schema = {PAGE: pl.UInt32, **dict.fromkeys(columns, pl.String)}
    return pl.DataFrame(data, schema=schema)


def with_keys(typed: pl.DataFrame, keys: pl.DataFrame | Mapping[str, str]) -> pl.DataFrame:
    """Attach the ids of the session each record was fetched for: one session's ids for all
    rows, or, from a frame of page numbers to ids, each page's own."""
    if isinstance(keys, pl.DataFrame):
        return typed.join(keys, on=PAGE, how="left", maintain_order="left")
    return typed.with_columns(
        pl.lit(value, dtype=pl.String).alias(name) for name, value in keys.items()
    )


def full_name(first: str, last: str) -> pl.Expr:
    """First and last name joined, trimmed; null when both are blank."""
    name = pl.concat_str(
        pl.col(first).str.strip_chars().fill_null(""),
        pl.col(last).str.strip_chars().fill_null(""),
        separator=" ",
    ).str.strip_chars()
    return pl.when(name != "").then(name)
