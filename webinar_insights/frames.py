"""Raw RingCentral Webinar API records to the typed frames defined in METRICS.md.

Each frame can be built from records (dicts as the API sends them) or from stored page bodies
(``{"records": [...], "paging": {...}}`` as bytes). Both are read against one declared nested
schema, without a Python loop per record: records are serialised into pages and read by polars;
many stored pages are read together, in batches, by Arrow's multi-threaded JSON reader, and
polars reads a batch's pages one by one whenever that reader refuses something, so that an odd
value is reported the same way on either path (tests hold the two paths to the same frames).

Bad data is raised (``on_bad_data="raise"``), loaded as null with one warning
(``on_bad_data="null"``), or, for stored pages, *quarantined* (``quarantine=[]``, what the store
does): nothing is raised and each problem is described in that list, one ``BadRecord`` each.

The quarantine rule (what the store's tables follow):

* a value of the wrong JSON type, a date-time that does not parse, a fraction or a string where
  a whole number belongs: that field is null, the record is kept, and the value is listed;
* a record that cannot be placed is left out of the frame and listed: a record that is not a
  JSON object, one without a usable ``id`` (missing, null, empty, not a string or number,
  longer than 64 characters or holding ``/``), or a session without a usable ``webinar.id``;
* a page that is not JSON, or not an object with a ``records`` list, is left out whole and
  listed (its other pages are read);
* values outside the API's documented set of an enum (the Webinar API is beta) and a leave
  before the join stay as they are without a quarantine: null with one ``DataWarning``.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import islice
from typing import Literal, TypeAlias

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from webinar_insights import schemas
from webinar_insights.client import MAX_ID_LENGTH
from webinar_insights.errors import BadDataError, ConfigurationError, DataWarning

__all__ = [
    "BadRecord",
    "OnBadData",
    "participants_frame",
    "participants_frame_from_pages",
    "participants_frame_from_session_pages",
    "recordings_frame",
    "recordings_frame_from_pages",
    "registrants_frame",
    "registrants_frame_from_pages",
    "registrants_frame_from_session_pages",
    "sessions_frame",
    "sessions_frame_from_pages",
    "webinars_frame",
    "webinars_frame_from_pages",
]

OnBadData: TypeAlias = Literal["raise", "null"]
"""What to do with a value that cannot be used: raise ``BadDataError``, or load null and warn."""

_Record: TypeAlias = Mapping[str, object]
_Kind: TypeAlias = Literal["string", "integer", "seconds", "boolean", "datetime", "enum"]
_Build: TypeAlias = Callable[[pl.DataFrame, "_Problems"], pl.DataFrame]

# RFC 3339 as the API sends it: `Z` or `+hh:mm`, with or without fractional seconds, in one pattern
# so that a frame mixing them parses every value (polars otherwise guesses from the first one).
_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S%.f%#z"
_DATETIME_HEAD = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"
_RECORDS = "records"
_ROW = "__record_number__"
_PAGE = "__page_number__"
_DICT_PAGE_SIZE = 10_000
_BULK_BATCH_BYTES = 64 * 2**20
_MAX_EXAMPLES = 5

# How each kind of API value is read from JSON before it is checked and typed. Numbers are read
# as Float64 so that 1.5 in an integer field is caught (an Int64 reader truncates it silently),
# and a string in a number field makes the reader fail, which sends the page to `_clean_records`.
_RAW_DTYPES: dict[_Kind, pl.DataType] = {
    "string": pl.String(),
    "integer": pl.Float64(),
    "seconds": pl.Float64(),
    "boolean": pl.Boolean(),
    "datetime": pl.String(),
    "enum": pl.String(),
}

_EXPECTED: dict[_Kind, str] = {
    "string": "a string",
    "integer": "a whole number",
    "seconds": "a whole number of seconds",
    "boolean": "true or false",
    "datetime": "an ISO-8601 date-time with a UTC offset (e.g. 2024-05-01T14:00:00Z)",
    "enum": "a string",
}


@dataclass(frozen=True)
class _Field:
    """One API field a frame reads: its dotted path in the record and how to type it."""

    path: str
    kind: _Kind = "string"
    enum: pl.Enum | None = None


_Tree: TypeAlias = "dict[str, _Tree | _Field]"


@dataclass(frozen=True)
class _Spec:
    """What a frame reads (fields, as a tree, as a polars page schema and as options for Arrow's
    JSON reader) and what it yields."""

    what: str
    fields: tuple[_Field, ...]
    schema: pl.Schema
    tree: _Tree
    page_schema: pl.Schema
    arrow_options: pa_json.ParseOptions
    required: tuple[str, ...]  # ids a record cannot be placed without (quarantine mode)


def _spec(
    what: str, schema: pl.Schema, fields: Iterable[_Field], *, required: tuple[str, ...] = ("id",)
) -> _Spec:
    fields = (_Field("id"), *fields)
    tree: _Tree = {}
    for f in fields:
        *parents, leaf = f.path.split(".")
        node = tree
        for name in parents:
            child = node.setdefault(name, {})
            assert isinstance(child, dict)
            node = child
        node[leaf] = f
    page_schema = pl.Schema({_RECORDS: pl.List(_struct(tree))})
    arrow_options = pa_json.ParseOptions(
        explicit_schema=pa.schema([(_RECORDS, pa.list_(_arrow_struct(tree)))]),
        unexpected_field_behavior="ignore",
    )
    return _Spec(what, fields, schema, tree, page_schema, arrow_options, required)


def _struct(tree: _Tree) -> pl.Struct:
    return pl.Struct(
        {
            name: _struct(node) if isinstance(node, dict) else _RAW_DTYPES[node.kind]
            for name, node in tree.items()
        }
    )


# The same raw types for Arrow's JSON reader, which takes neither large lists nor large strings.
_ARROW_TYPES: dict[pl.DataType, pa.DataType] = {
    pl.String(): pa.string(),
    pl.Float64(): pa.float64(),
    pl.Boolean(): pa.bool_(),
}


def _arrow_struct(tree: _Tree) -> pa.StructType:
    return pa.struct(
        [
            (
                name,
                _arrow_struct(node)
                if isinstance(node, dict)
                else _ARROW_TYPES[_RAW_DTYPES[node.kind]],
            )
            for name, node in tree.items()
        ]
    )


# ---------------------------------------------------------------------------------------------
# Problems found while building one frame: raised at once, or collected and warned about once.


@dataclass(frozen=True, slots=True)
class BadRecord:
    """One record (or whole page) a frame could not take as sent: a quarantine entry.

    ``page`` is the position of its page among the pages given (from 0) and ``record`` its
    position in that page (None: the whole page). ``record_id`` is its ``id`` as text when that
    is a string or number. ``field`` is the dotted path at fault (None: the record or page
    itself), ``value`` the value at fault, shortened (``repr``), and ``problem`` what is wrong
    with it. ``left_out`` tells whether the record (or page) is missing from the frame; when
    False the record is in it with that field null.
    """

    page: int
    record: int | None
    record_id: str | None
    field: str | None
    value: str
    problem: str
    left_out: bool


@dataclass
class _Example:
    count: int
    value: object
    record: str


@dataclass
class _Issue:
    page: int
    record: int | None
    record_id: object
    field: str | None
    value: object
    problem: str
    left_out: bool


@dataclass
class _Problems:
    what: str
    on_bad_data: OnBadData
    bad: dict[str, _Example] = field(default_factory=dict)
    skipped: _Example | None = None
    unknown: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Quarantine mode: every problem, one entry each, instead of raising or warning.
    issues: list[_Issue] | None = None
    rows: pl.DataFrame | None = None  # page and global number of every record (`_in_page`)
    _starts: pl.DataFrame | None = None

    @property
    def quarantining(self) -> bool:
        return self.issues is not None

    def found(self, issue: _Issue) -> None:
        assert self.issues is not None
        self.issues.append(issue)

    def bad_page(self, number: int, page: object, problem: str, message: str) -> None:
        """A page that cannot be read at all: raise ``message``, or quarantine the page."""
        if self.issues is None:
            raise BadDataError(message)
        shown = bytes(page[:60]) if isinstance(page, bytes | bytearray) else page
        self.issues.append(_Issue(number, None, None, None, shown, problem, True))

    def in_page(self, rows: pl.DataFrame) -> pl.Series:
        """The position of each of ``rows`` (with ``_ROW`` and ``_PAGE``) within its page."""
        if self._starts is None:
            assert self.rows is not None
            self._starts = self.rows.group_by(_PAGE).agg(pl.col(_ROW).min().alias("_first"))
        located = rows.select(_ROW, _PAGE).join(
            self._starts, on=_PAGE, how="left", maintain_order="left"
        )
        return located.get_column(_ROW) - located.get_column("_first")

    def bad_value(
        self, path: str, value: object, record: str, expected: str, *, count: int = 1
    ) -> None:
        if self.on_bad_data == "raise":
            raise BadDataError(
                f"{self.what} {record}: field {path!r} holds {_show(value)}, which is not"
                f" {expected}. Correct the data, or pass on_bad_data='null' to load such values"
                " as null with a warning."
            )
        seen = self.bad.get(path)
        if seen is None:
            self.bad[path] = _Example(count, value, record)
        else:
            seen.count += count

    def not_an_object(self, record: str, *, count: int = 1) -> None:
        if self.on_bad_data == "raise":
            raise BadDataError(
                f"{self.what} {record} is not a JSON object (null or a bare value), so it cannot"
                " become a row. Correct the data, or pass on_bad_data='null' to skip such"
                " records with a warning."
            )
        if self.skipped is None:
            self.skipped = _Example(count, None, record)
        else:
            self.skipped.count += count

    def unknown_values(self, path: str, counts: Mapping[str, int]) -> None:
        known = self.unknown.setdefault(path, {})
        for value, count in counts.items():
            known[value] = known.get(value, 0) + count

    def warn(self, *, stacklevel: int) -> None:
        """Emit at most one warning per kind of problem; `stacklevel` points at the caller."""
        if self.bad or self.skipped:
            found = [
                f"{path!r} had {ex.count} unusable value(s) (e.g. {_show(ex.value)} in {ex.record})"
                for path, ex in self.bad.items()
            ]
            if self.skipped is not None:
                found.append(
                    f"{self.skipped.count} record(s) were not JSON objects and were skipped"
                    f" (e.g. {self.skipped.record})"
                )
            warnings.warn(
                f"{self.what} records: bad data loaded as null (on_bad_data='null'):"
                f" {'; '.join(found)}.",
                DataWarning,
                stacklevel=stacklevel + 1,
            )
        if self.unknown:
            unknown = "; ".join(
                f"{path!r}: "
                + ", ".join(
                    f"{_show(value)} ({count} row(s))"
                    for value, count in list(counts.items())[:_MAX_EXAMPLES]
                )
                for path, counts in self.unknown.items()
            )
            warnings.warn(
                f"{self.what} records: values outside the API's documented set were loaded as"
                f" null (the Webinar API is beta; the rows are kept): {unknown}.",
                DataWarning,
                stacklevel=stacklevel + 1,
            )
        for note in self.notes:
            warnings.warn(f"{self.what} records: {note}", DataWarning, stacklevel=stacklevel + 1)


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _record_ref(number: int, record_id: object) -> str:
    shown = f"id {_show(record_id)}" if record_id is not None else "no id"
    return f"record #{number} ({shown})"


# ---------------------------------------------------------------------------------------------
# Reading: pages (or records serialised as pages) to one raw column per field.


def _read(pages: Iterable[bytes | list[object]], spec: _Spec, problems: _Problems) -> pl.DataFrame:
    rows = _read_rows(list(pages), spec, problems).with_row_index(_ROW)
    if problems.issues is not None:
        problems.rows = rows.select(_ROW, _PAGE)
    not_objects = rows.filter(pl.col(_RECORDS).is_null())
    if not_objects.height:
        if problems.issues is not None:
            # Those `_clean_records` saw are listed with their value already; nulls are not.
            seen = {(i.page, i.record) for i in problems.issues if i.field is None}
            for page, index in zip(
                not_objects.get_column(_PAGE), problems.in_page(not_objects), strict=True
            ):
                if (page, index) not in seen:
                    problems.found(_Issue(page, index, None, None, None, _NOT_AN_OBJECT, True))
        else:
            number = int(not_objects.item(0, _ROW))
            problems.not_an_object(_record_ref(number, None), count=not_objects.height)
        rows = rows.filter(pl.col(_RECORDS).is_not_null())
    return rows.select(pl.col(_ROW), pl.col(_PAGE), *(_leaf(f.path) for f in spec.fields))


def _read_rows(pages: list[bytes | list[object]], spec: _Spec, problems: _Problems) -> pl.DataFrame:
    """One row per record (null where a record is not an object), with its page's number.

    Stored pages are laid out as NDJSON in batches (newlines are only whitespace in JSON: inside
    strings they are escaped, so blanking them keeps every page intact) and each batch is read
    by Arrow's JSON reader against the declared schema, which uses every core. That reader is
    strict: a value of another type, a duplicated key or a page that is not one object makes it
    fail, and then polars reads that batch page by page, which reports exactly what is wrong.
    """
    if len(pages) < 2 or not all(isinstance(page, bytes | bytearray) for page in pages):
        return _read_each(pages, 0, 0, spec, problems)
    batches = list(_batches(pages, _BULK_BATCH_BYTES))  # type: ignore[arg-type]
    # One buffer for every batch: Arrow copies what it reads, and a buffer used again costs
    # no fresh memory pages (on this path that was a tenth of the time).
    buffer = bytearray(max(sum(len(page) + 1 for page in batch) for batch in batches))
    frames: list[pl.DataFrame] = []
    first_page = first_record = 0
    for batch in batches:
        frame = _read_batch(batch, first_page, spec, buffer)
        if frame is None:
            frame = _read_each(batch, first_page, first_record, spec, problems)  # type: ignore[arg-type]
        frames.append(frame)
        first_page += len(batch)
        first_record += frame.height
    return pl.concat(frames)


def _read_each(
    pages: list[bytes | list[object]],
    first_page: int,
    first_record: int,
    spec: _Spec,
    problems: _Problems,
) -> pl.DataFrame:
    """Every page on its own: slower, but it says what is wrong where."""
    frames: list[pl.DataFrame] = []
    first = first_record
    for number, page in enumerate(pages, start=first_page):
        frame = _read_page(page, number, first, spec, problems)
        if frame is None:
            continue  # quarantined
        records = frame.get_column(_RECORDS)
        if frame.height != 1 or records.null_count():
            problems.bad_page(number, page, _NO_RECORDS, _no_records_message(spec, number))
            continue
        first += int(records.list.len()[0])
        frames.append(frame.with_columns(pl.lit(number, dtype=pl.UInt32).alias(_PAGE)))
    if not frames:
        frames.append(
            pl.DataFrame(schema=spec.page_schema).with_columns(pl.lit(0, pl.UInt32).alias(_PAGE))
        )
    return pl.concat(frames).select(_PAGE, _RECORDS).explode(_RECORDS)  # as `_read_batch` has them


def _batches(pages: list[bytes], limit: int) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    size = 0
    for page in pages:
        batch.append(page)
        size += len(page)
        if size >= limit:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _read_batch(
    pages: list[bytes], first_page: int, spec: _Spec, buffer: bytearray
) -> pl.DataFrame | None:
    """A batch of pages read by Arrow into rows as ``_read_rows`` makes them, or None."""
    size = _as_ndjson(pages, buffer)
    try:
        table = pa_json.read_json(
            pa.BufferReader(pa.py_buffer(memoryview(buffer)[:size])),
            parse_options=spec.arrow_options,
        )
        table.validate(full=True)  # Arrow's JSON reader leaves UTF-8 to be checked here
    except pa.ArrowException:
        return None
    if table.num_rows != len(pages) or table.column(_RECORDS).null_count:
        return None
    # Polars takes the table as it is and does the rest: pyarrow's own array constructors
    # would import pandas (when installed) on first use, a third of a second.
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame.with_row_index(_PAGE, offset=first_page).explode(_RECORDS)


def _as_ndjson(pages: list[bytes], buffer: bytearray) -> int:
    """Write the pages into ``buffer`` one per line; return the length written."""
    view = memoryview(buffer)
    end = 0
    for page in pages:
        if b"\n" in page or b"\r" in page:
            page = page.replace(b"\n", b" ").replace(b"\r", b" ")
        view[end : end + len(page)] = page
        end += len(page)
        view[end] = 0x0A  # the newline that ends the line
        end += 1
    return end


def _read_page(
    page: bytes | list[object], number: int, first: int, spec: _Spec, problems: _Problems
) -> pl.DataFrame | None:
    """Read one page with polars; on a type mismatch, clean its records in Python and retry.
    None when the page cannot be read and the problems are being quarantined."""
    records: list[object] | None
    if isinstance(page, list):
        try:
            return _read_json(_dump(page), spec)
        except (TypeError, ValueError, pl.exceptions.PolarsError):
            records = page
    else:
        try:
            return _read_json(page, spec)
        except pl.exceptions.PolarsError:
            records = _page_records(page, number, spec, problems)
    if records is None:
        return None
    cleaned = _clean_records(records, number, first, spec, problems)
    try:
        return _read_json(_dump(cleaned), spec)
    except pl.exceptions.PolarsError as exc:  # pragma: no cover - the cleaned page is plain JSON
        problems.bad_page(
            number,
            page,
            f"could not be read ({exc})",
            f"{spec.what} page #{number} could not be read: {exc}",
        )
        return None


def _read_json(page: bytes, spec: _Spec) -> pl.DataFrame:
    return pl.read_json(page, schema=spec.page_schema)


def _dump(records: list[object]) -> bytes:
    return json.dumps({_RECORDS: records}, separators=(",", ":")).encode()


_NOT_AN_OBJECT = "is not a JSON object"
_NO_RECORDS = "is not a JSON object with a 'records' list"


def _no_records_message(spec: _Spec, number: int) -> str:
    return f"{spec.what} page #{number} {_NO_RECORDS}; pass the API's list responses as received."


def _page_records(
    page: bytes, number: int, spec: _Spec, problems: _Problems
) -> list[object] | None:
    """The records of a page polars refused, or None when it is quarantined."""
    try:
        body = json.loads(page)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep to parse
        problems.bad_page(
            number,
            page,
            f"is not valid JSON ({exc})",
            f"{spec.what} page #{number} is not valid JSON ({exc}); the store may be corrupt.",
        )
        return None
    records = body.get(_RECORDS) if isinstance(body, dict) else None
    if not isinstance(records, list):
        problems.bad_page(number, page, _NO_RECORDS, _no_records_message(spec, number))
        return None
    return records


def _clean_records(
    records: list[object], page: int, first: int, spec: _Spec, problems: _Problems
) -> list[object]:
    """Keep the declared fields of each record, reporting and dropping values of a wrong type.

    Only pages that polars refused come here. What is accepted mirrors what polars's JSON reader
    accepts, so a value gives the same result whichever way its page was read.
    """
    cleaned: list[object] = []
    for number, record in enumerate(records, start=first):
        if isinstance(record, Mapping):
            ref = _record_ref(number, record.get("id"))
            where = (page, number - first, record.get("id"))
            cleaned.append(_project(record, spec.tree, "", ref, where, problems))
        else:
            if problems.issues is not None:  # the others are reported once the page is read
                problems.found(
                    _Issue(page, number - first, None, None, record, _NOT_AN_OBJECT, True)
                )
            cleaned.append(None)
    return cleaned


def _project(
    value: Mapping[str, object],
    tree: _Tree,
    prefix: str,
    ref: str,
    where: tuple[int, int, object],
    problems: _Problems,
) -> dict[str, object]:
    kept: dict[str, object] = {}
    for name, node in tree.items():
        item = value.get(name)
        if item is None:
            continue
        path = prefix + name
        if isinstance(node, dict):
            if isinstance(item, Mapping):
                kept[name] = _project(item, node, path + ".", ref, where, problems)
                continue
            expected = "a JSON object"
        elif _readable(node.kind, item):
            kept[name] = item
            continue
        else:
            expected = _EXPECTED[node.kind]
        if problems.issues is not None:
            page, index, record_id = where
            problems.found(_Issue(page, index, record_id, path, item, f"is not {expected}", False))
        else:
            problems.bad_value(path, item, ref, expected)
    return kept


def _readable(kind: _Kind, value: object) -> bool:
    """Whether polars's JSON reader accepts `value` for a field of this kind."""
    if isinstance(value, float) and not math.isfinite(value):
        return False
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("integer", "seconds"):
        return isinstance(value, int | float)  # polars reads true/false here as 1/0
    return isinstance(value, str | int | float)  # polars turns numbers and booleans into text


def _leaf(path: str) -> pl.Expr:
    expr = pl.col(_RECORDS)
    for name in path.split("."):
        expr = expr.struct.field(name)
    return expr.alias(path)


# ---------------------------------------------------------------------------------------------
# Typing: raw columns to typed ones; a value that turns null here was bad data or an unknown enum.


def _typed(raw: pl.DataFrame, spec: _Spec, problems: _Problems) -> pl.DataFrame:
    typed = raw.select(
        pl.col(_ROW), pl.col(_PAGE), *(_typed_column(raw, f).alias(f.path) for f in spec.fields)
    )
    for f in spec.fields:
        before, after = raw.get_column(f.path), typed.get_column(f.path)
        if before.null_count() == after.null_count():
            continue
        rejected = raw.filter(before.is_not_null() & after.is_null())
        if f.kind == "enum":
            counts = rejected.get_column(f.path).value_counts(sort=True)
            problems.unknown_values(f.path, dict(counts.iter_rows()))
            continue
        if problems.issues is not None:
            problem = f"is not {_EXPECTED[f.kind]}"
            for page, index, record_id, value in zip(
                rejected.get_column(_PAGE),
                problems.in_page(rejected),
                rejected.get_column("id"),
                rejected.get_column(f.path),
                strict=True,
            ):
                problems.found(_Issue(page, index, record_id, f.path, value, problem, False))
            continue
        number, record_id, value = rejected.select(_ROW, "id", f.path).row(0)
        problems.bad_value(
            f.path,
            value,
            _record_ref(number, record_id),
            _EXPECTED[f.kind],
            count=rejected.height,
        )
    return typed


def _typed_column(raw: pl.DataFrame, f: _Field) -> pl.Expr | pl.Series:
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
        # Unknown values are found (null here, non-null in raw) and warned about by `_typed`
        # before this cast, which would otherwise turn them into null without a word.
        return pl.when(value.is_in(f.enum.categories.implode())).then(value).cast(f.enum)
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


# ---------------------------------------------------------------------------------------------
# The frames: typed API fields to the columns of METRICS.md.


def _build(
    pages: Iterable[bytes | list[object]],
    spec: _Spec,
    build: _Build,
    on_bad_data: OnBadData,
    quarantine: list[BadRecord] | None = None,
) -> pl.DataFrame:
    if on_bad_data not in ("raise", "null"):
        raise ConfigurationError(f"on_bad_data must be 'raise' or 'null', not {on_bad_data!r}.")
    if quarantine is not None and not isinstance(quarantine, list):
        raise ConfigurationError("quarantine must be a list, which receives the bad records.")
    problems = _Problems(spec.what, on_bad_data, issues=None if quarantine is None else [])
    typed = _typed(_read(pages, spec, problems), spec, problems)
    if problems.issues is not None:
        typed = _placed(typed, spec, problems)
    frame = build(typed, problems).select(
        pl.col(name).cast(dtype) for name, dtype in spec.schema.items()
    )
    if quarantine is not None and problems.issues:
        quarantine += _bad_records(problems.issues)
    problems.warn(stacklevel=3)  # _build -> public function -> its caller
    return frame


_MISSING = object()  # the value of a field a record does not have

# The client's rule for an API id (``client.api_id``), as a column expression.


def _usable_id(path: str) -> pl.Expr:
    value = pl.col(path)
    return (
        value.str.len_chars().is_between(1, MAX_ID_LENGTH) & ~value.str.contains("/", literal=True)
    ).fill_null(False)


def _placed(typed: pl.DataFrame, spec: _Spec, problems: _Problems) -> pl.DataFrame:
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
        page = int(row[_PAGE])
        left_out.add((page, index))
        for path, flag in flags.items():
            # Listed already: the field itself, or the object holding it (``"webinar": "w1"``).
            known = listed.get((page, index), [])
            if row[flag] or any(path == f or path.startswith(f + ".") for f in known):
                continue
            value = _MISSING if row[path] is None else row[path]
            problem = (
                "is missing, so the record cannot be placed"
                if value is _MISSING
                else f"is not a usable id (1 to {MAX_ID_LENGTH} characters, no '/')"
            )
            problems.issues.append(_Issue(page, index, row["id"], path, value, problem, True))
    for issue in problems.issues:
        if (issue.page, issue.record) in left_out:
            issue.left_out = True
    return marked.filter(usable).drop(*flags.values())


def _bad_records(issues: list[_Issue]) -> list[BadRecord]:
    ordered = sorted(
        issues, key=lambda i: (i.page, -1 if i.record is None else i.record, i.field or "")
    )
    return [
        BadRecord(
            page=int(i.page),
            record=None if i.record is None else int(i.record),
            record_id=_id_text(i.record_id),
            field=i.field,
            value="" if i.value is _MISSING else _show(i.value),
            problem=i.problem,
            left_out=i.left_out,
        )
        for i in ordered
    ]


def _id_text(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = str(value)
    return text or None


def _record_pages(records: Iterable[_Record]) -> Iterator[list[object]]:
    if isinstance(records, Mapping):
        raise ConfigurationError("records must be an iterable of records (dicts), not one dict.")
    remaining: Iterator[object] = iter(records)
    while chunk := list(islice(remaining, _DICT_PAGE_SIZE)):
        yield chunk


def _stored_pages(pages: Iterable[bytes]) -> Iterable[bytes]:
    given: object = pages  # a lone page is iterable too (of ints); catch it here
    if isinstance(given, bytes | bytearray | str):
        raise ConfigurationError("pages must be an iterable of page bodies, e.g. [page].")
    return pages


def _page_keys(
    pages_per_session: Iterable[tuple[int, dict[str, str]]], columns: tuple[str, ...]
) -> pl.DataFrame:
    """A frame mapping every page number to the ids of the session its page belongs to."""
    data: dict[str, list[object]] = {_PAGE: [], **{c: [] for c in columns}}
    page = 0
    for count, ids in pages_per_session:
        for _ in range(count):
            data[_PAGE].append(page)
            for column in columns:
                data[column].append(ids[column])
            page += 1
    schema = {_PAGE: pl.UInt32, **dict.fromkeys(columns, pl.String)}
    return pl.DataFrame(data, schema=schema)


def _with_keys(typed: pl.DataFrame, keys: pl.DataFrame | Mapping[str, str]) -> pl.DataFrame:
    """Attach the ids of the session each record was fetched for: one session's ids for all
    rows, or, from a frame of page numbers to ids, each page's own."""
    if isinstance(keys, pl.DataFrame):
        return typed.join(keys, on=_PAGE, how="left", maintain_order="left")
    return typed.with_columns(
        pl.lit(value, dtype=pl.String).alias(name) for name, value in keys.items()
    )


def _full_name(first: str, last: str) -> pl.Expr:
    name = pl.concat_str(
        pl.col(first).str.strip_chars().fill_null(""),
        pl.col(last).str.strip_chars().fill_null(""),
        separator=" ",
    ).str.strip_chars()
    return pl.when(name != "").then(name)


_SESSIONS = _spec(
    "session",
    schemas.SESSIONS,
    [
        _Field("title"),
        _Field("webinar.id"),
        _Field("webinar.title"),
        _Field("webinar.host.firstName"),
        _Field("webinar.host.lastName"),
        _Field("webinar.host.linkedUser.userId"),
        _Field("status", "enum", schemas.SESSION_STATUS),
        _Field("runtimeStatus", "enum", schemas.RUNTIME_STATUS),
        _Field("timeZone"),
        _Field("scheduledStartTime", "datetime"),
        _Field("scheduledDuration", "seconds"),
        _Field("startTime", "datetime"),
        _Field("endTime", "datetime"),
        _Field("broadcastingStartTime", "datetime"),
        _Field("broadcastingEndTime", "datetime"),
        _Field("participantCount", "integer"),
        _Field("attendeeCount", "integer"),
        _Field("uniqueParticipantCount", "integer"),
        _Field("uniqueAttendeeCount", "integer"),
        _Field("recording.status", "enum", schemas.RECORDING_STATUS),
        _Field("creationTime", "datetime"),
        _Field("lastModifiedTime", "datetime"),
    ],
    required=("id", "webinar.id"),  # a session is fetched and reported within its webinar
)


def _sessions(typed: pl.DataFrame, problems: _Problems) -> pl.DataFrame:
    title, webinar_title = pl.col("title"), pl.col("webinar.title")
    return typed.select(
        session_id=pl.col("id"),
        webinar_id=pl.col("webinar.id"),
        webinar_title=webinar_title,
        session_title=pl.when(title.str.strip_chars() != "").then(title).otherwise(webinar_title),
        host_user_id=pl.col("webinar.host.linkedUser.userId"),
        host_name=_full_name("webinar.host.firstName", "webinar.host.lastName"),
        status=pl.col("status"),
        runtime_status=pl.when(pl.col("status") == "Active").then(pl.col("runtimeStatus")),
        time_zone=pl.col("timeZone"),
        scheduled_start=pl.col("scheduledStartTime"),
        scheduled_duration=pl.col("scheduledDuration"),
        scheduled_end=pl.col("scheduledStartTime") + pl.col("scheduledDuration"),
        start_time=pl.col("startTime"),
        end_time=pl.col("endTime"),
        broadcast_start=pl.col("broadcastingStartTime"),
        broadcast_end=pl.col("broadcastingEndTime"),
        participant_count=pl.col("participantCount"),
        attendee_count=pl.col("attendeeCount"),
        unique_participant_count=pl.col("uniqueParticipantCount"),
        unique_attendee_count=pl.col("uniqueAttendeeCount"),
        registrant_count=pl.lit(None, dtype=pl.Int64),
        post_webinar_registrant_count=pl.lit(None, dtype=pl.Int64),
        recording_status=pl.col("recording.status"),
        created_at=pl.col("creationTime"),
        modified_at=pl.col("lastModifiedTime"),
    )


_PARTICIPANTS = _spec(
    "participant",
    schemas.PARTICIPANTS,
    [
        _Field("role", "enum", schemas.ROLE),
        _Field("originalRole", "enum", schemas.ROLE),
        _Field("type", "enum", schemas.PARTICIPANT_TYPE),
        _Field("joinTime", "datetime"),
        _Field("leaveTime", "datetime"),
        _Field("wasEjected", "boolean"),
        _Field("registrantId"),
        _Field("uniqueUserHash"),
        _Field("firstName"),
        _Field("lastName"),
        _Field("email"),
    ],
)


def _participants(keys: pl.DataFrame | Mapping[str, str]) -> _Build:
    """``keys``: the session_id and webinar_id of the pages (see ``_with_keys``)."""

    def build(typed: pl.DataFrame, problems: _Problems) -> pl.DataFrame:
        typed = _with_keys(typed, keys)
        frame = typed.select(
            session_id=pl.col("session_id"),
            webinar_id=pl.col("webinar_id"),
            participant_id=pl.col("id"),
            role=pl.col("role"),
            original_role=pl.col("originalRole"),
            participant_type=pl.col("type"),
            join_time=pl.col("joinTime"),
            leave_time=pl.col("leaveTime"),
            was_ejected=pl.col("wasEjected").fill_null(False),
            registrant_id=pl.col("registrantId"),
            unique_user_hash=pl.col("uniqueUserHash"),
            first_name=pl.col("firstName"),
            last_name=pl.col("lastName"),
            email=pl.col("email"),
            time_in_session=pl.col("leaveTime") - pl.col("joinTime"),
        )
        time_in_session = pl.col("time_in_session")
        backwards = frame.filter(time_in_session < timedelta(0))
        if backwards.height:
            participant, session_id, joined, left = backwards.select(
                "participant_id", "session_id", "join_time", "leave_time"
            ).row(0)
            problems.notes.append(
                f"{backwards.height} participant(s) left before they joined, so their"
                f" time_in_session is null (e.g. participant {participant!r} of session"
                f" {session_id!r}: join {joined}, leave {left})."
            )
            frame = frame.with_columns(
                time_in_session=pl.when(time_in_session >= timedelta(0)).then(time_in_session)
            )
        return frame

    return build


_REGISTRANTS = _spec(
    "registrant",
    schemas.REGISTRANTS,
    [
        _Field("creationTime", "datetime"),
        _Field("registrationTime", "datetime"),
        _Field("source"),
        _Field("participantId"),
        _Field("registeredPostWebinar", "boolean"),
        _Field("firstName"),
        _Field("lastName"),
        _Field("email"),
    ],
)


def _registrants(keys: pl.DataFrame | Mapping[str, str]) -> _Build:
    """``keys``: the session_id of the pages (see ``_with_keys``)."""

    def build(typed: pl.DataFrame, problems: _Problems) -> pl.DataFrame:
        typed = _with_keys(typed, keys)
        return typed.select(
            registrant_id=pl.col("id"),
            session_id=pl.col("session_id"),
            registration_time=pl.coalesce("registrationTime", "creationTime"),
            source=pl.col("source"),
            participant_id=pl.col("participantId"),
            attended=pl.col("participantId").is_not_null(),
            registered_post_webinar=pl.col("registeredPostWebinar").fill_null(False),
            first_name=pl.col("firstName"),
            last_name=pl.col("lastName"),
            email=pl.col("email"),
        )

    return build


_WEBINARS = _spec(
    "webinar",
    schemas.WEBINARS,
    [
        _Field("title"),
        _Field("description"),
        _Field("host.firstName"),
        _Field("host.lastName"),
        _Field("host.linkedUser.userId"),
        _Field("creationTime", "datetime"),
        _Field("lastModifiedTime", "datetime"),
        _Field("settings.registrationEnabled", "boolean"),
        _Field("settings.recordingEnabled", "boolean"),
        _Field("settings.autoRecord", "boolean"),
        _Field("settings.qnaEnabled", "boolean"),
        _Field("settings.pollsEnabled", "boolean"),
    ],
)


def _webinars(typed: pl.DataFrame, problems: _Problems) -> pl.DataFrame:
    return typed.select(
        webinar_id=pl.col("id"),
        title=pl.col("title"),
        description=pl.col("description"),
        host_user_id=pl.col("host.linkedUser.userId"),
        host_name=_full_name("host.firstName", "host.lastName"),
        created_at=pl.col("creationTime"),
        modified_at=pl.col("lastModifiedTime"),
        registration_enabled=pl.col("settings.registrationEnabled"),
        recording_enabled=pl.col("settings.recordingEnabled"),
        auto_record=pl.col("settings.autoRecord"),
        qna_enabled=pl.col("settings.qnaEnabled"),
        polls_enabled=pl.col("settings.pollsEnabled"),
    )


_RECORDINGS = _spec(
    "recording",
    schemas.RECORDINGS,
    [
        _Field("session.id"),
        _Field("session.webinar.id"),
        _Field("status", "enum", schemas.RECORDING_STATUS),
        _Field("duration", "seconds"),
        _Field("shared", "boolean"),
        _Field("creationTime", "datetime"),
        _Field("lastModifiedTime", "datetime"),
        _Field("failureReason.errorCode"),
    ],
)


def _recordings(typed: pl.DataFrame, problems: _Problems) -> pl.DataFrame:
    return typed.select(
        recording_id=pl.col("id"),
        session_id=pl.col("session.id"),
        webinar_id=pl.col("session.webinar.id"),
        status=pl.col("status"),
        duration=pl.col("duration"),
        shared=pl.col("shared"),
        created_at=pl.col("creationTime"),
        modified_at=pl.col("lastModifiedTime"),
        failure_code=pl.col("failureReason.errorCode"),
    )


# ---------------------------------------------------------------------------------------------
# Public entry points.


def sessions_frame(records: Iterable[_Record], *, on_bad_data: OnBadData = "raise") -> pl.DataFrame:
    """Build the sessions frame (``schemas.SESSIONS``) from history session records.

    Parameters
    ----------
    records:
        Session records as the API sends them (``/webinar/history/v1/sessions``,
        ``/company/sessions`` or one session's GET), as dicts.
    on_bad_data:
        ``"raise"`` (default): a malformed timestamp or a value of the wrong JSON type raises.
        ``"null"``: such values load as null, with one ``DataWarning`` naming field and value.

    Returns
    -------
    polars.DataFrame
        One row per record; ``registrant_count`` and ``post_webinar_registrant_count`` are null
        until ``metrics.session_metrics`` fills them from registration data.

    Raises
    ------
    BadDataError
        With ``on_bad_data="raise"``, naming the record id, the field and the value.

    Warns
    -----
    DataWarning
        Once per kind of problem: unknown enum values (the rows are kept, the value is null) and,
        with ``on_bad_data="null"``, unusable values.

    Examples
    --------
    >>> sessions_frame([{"id": "s1", "status": "Finished"}]).select("session_id", "status").row(0)
    ('s1', 'Finished')
    """
    return _build(_record_pages(records), _SESSIONS, _sessions, on_bad_data)


def sessions_frame_from_pages(
    pages: Iterable[bytes],
    *,
    on_bad_data: OnBadData = "raise",
    quarantine: list[BadRecord] | None = None,
) -> pl.DataFrame:
    """Build the sessions frame from stored page bodies; the same frame as :func:`sessions_frame`.

    Parameters
    ----------
    pages:
        JSON bodies ``{"records": [...], "paging": {...}}`` of session list responses, as bytes.
    on_bad_data:
        As for :func:`sessions_frame`.
    quarantine:
        A list: bad data is then neither raised nor warned about but appended to it, one
        ``BadRecord`` per problem, with the rule of this module's docstring (bad values null,
        records that cannot be placed and unreadable pages left out). ``on_bad_data`` is then
        not used.

    Raises
    ------
    BadDataError
        Without ``quarantine``: a page that is not JSON or has no ``records`` list (always), or
        bad data (as for :func:`sessions_frame`).

    Examples
    --------
    >>> bad: list[BadRecord] = []
    >>> page = b'{"records": [{"id": "s1", "webinar": {"id": "w1"}}, {"id": "s2"}]}'
    >>> sessions_frame_from_pages([page], quarantine=bad)["session_id"].to_list()
    ['s1']
    >>> bad[0].record, bad[0].field, bad[0].left_out
    (1, 'webinar.id', True)
    """
    return _build(_stored_pages(pages), _SESSIONS, _sessions, on_bad_data, quarantine)


def participants_frame(
    records: Iterable[_Record],
    *,
    session_id: str,
    webinar_id: str,
    on_bad_data: OnBadData = "raise",
) -> pl.DataFrame:
    """Build the participants frame (``schemas.PARTICIPANTS``) of one session.

    Parameters
    ----------
    records:
        Participant records of ``/webinar/history/v1/webinars/{webinar_id}/sessions/
        {session_id}/participants``, as dicts.
    session_id, webinar_id:
        The session the records were fetched for (the records do not carry them).
    on_bad_data:
        As for :func:`sessions_frame`.

    Returns
    -------
    polars.DataFrame
        One row per participant. ``time_in_session`` is latest leave minus earliest join, an
        upper bound when people rejoined; null (with one ``DataWarning``) for a leave before the
        join.
    """
    build = _participants({"session_id": session_id, "webinar_id": webinar_id})
    return _build(_record_pages(records), _PARTICIPANTS, build, on_bad_data)


def participants_frame_from_pages(
    pages: Iterable[bytes],
    *,
    session_id: str,
    webinar_id: str,
    on_bad_data: OnBadData = "raise",
    quarantine: list[BadRecord] | None = None,
) -> pl.DataFrame:
    """Build the participants frame from stored page bodies (see :func:`participants_frame`).

    Parameters
    ----------
    pages:
        JSON bodies of one session's participant list responses, as bytes.
    session_id, webinar_id:
        The session the pages were fetched for.
    on_bad_data:
        As for :func:`sessions_frame`.
    quarantine:
        A list: bad data is then neither raised nor warned about but appended to it, one
        ``BadRecord`` per problem, with the rule of this module's docstring (bad values null,
        records that cannot be placed and unreadable pages left out). ``on_bad_data`` is then
        not used.
    """
    build = _participants({"session_id": session_id, "webinar_id": webinar_id})
    return _build(_stored_pages(pages), _PARTICIPANTS, build, on_bad_data, quarantine)


def registrants_frame(
    records: Iterable[_Record], *, session_id: str, on_bad_data: OnBadData = "raise"
) -> pl.DataFrame:
    """Build the registrants frame (``schemas.REGISTRANTS``) of one session.

    Parameters
    ----------
    records:
        Registrant records of ``/webinar/registration/v1/sessions/{session_id}/registrants``.
    session_id:
        The session the records were fetched for.
    on_bad_data:
        As for :func:`sessions_frame`.

    Returns
    -------
    polars.DataFrame
        One row per registrant: ``registration_time`` is ``registrationTime`` else
        ``creationTime``; ``attended`` is whether ``participantId`` is set;
        ``registered_post_webinar`` is false when absent.
    """
    return _build(
        _record_pages(records), _REGISTRANTS, _registrants({"session_id": session_id}), on_bad_data
    )


def registrants_frame_from_pages(
    pages: Iterable[bytes],
    *,
    session_id: str,
    on_bad_data: OnBadData = "raise",
    quarantine: list[BadRecord] | None = None,
) -> pl.DataFrame:
    """Build the registrants frame from stored page bodies (see :func:`registrants_frame`).

    Parameters
    ----------
    pages:
        JSON bodies of one session's registrant list responses, as bytes.
    session_id:
        The session the pages were fetched for.
    on_bad_data:
        As for :func:`sessions_frame`.
    quarantine:
        A list: bad data is then neither raised nor warned about but appended to it, one
        ``BadRecord`` per problem, with the rule of this module's docstring (bad values null,
        records that cannot be placed and unreadable pages left out). ``on_bad_data`` is then
        not used.
    """
    build = _registrants({"session_id": session_id})
    return _build(_stored_pages(pages), _REGISTRANTS, build, on_bad_data, quarantine)


def participants_frame_from_session_pages(
    sessions: Iterable[tuple[str, str, Sequence[bytes]]],
    *,
    on_bad_data: OnBadData = "raise",
    quarantine: list[BadRecord] | None = None,
) -> pl.DataFrame:
    """The participants frame of many sessions at once, from their stored pages.

    Parameters
    ----------
    sessions:
        ``(session_id, webinar_id, pages)`` per session, pages as received from the
        participants listing. All pages are read together (in a few large multi-threaded
        reads), which is what makes a large store fast to rebuild.
    on_bad_data:
        As for :func:`sessions_frame`.
    quarantine:
        A list: bad data is then neither raised nor warned about but appended to it, one
        ``BadRecord`` per problem, with the rule of this module's docstring (bad values null,
        records that cannot be placed and unreadable pages left out). ``on_bad_data`` is then
        not used.
        A ``BadRecord``'s ``page`` counts the pages of all sessions together, in order.
    """
    pages: list[bytes] = []
    counts: list[tuple[int, dict[str, str]]] = []
    for session_id, webinar_id, session_pages in sessions:
        pages += session_pages
        counts.append((len(session_pages), {"session_id": session_id, "webinar_id": webinar_id}))
    keys = _page_keys(counts, ("session_id", "webinar_id"))
    return _build(pages, _PARTICIPANTS, _participants(keys), on_bad_data, quarantine)


def registrants_frame_from_session_pages(
    sessions: Iterable[tuple[str, Sequence[bytes]]],
    *,
    on_bad_data: OnBadData = "raise",
    quarantine: list[BadRecord] | None = None,
) -> pl.DataFrame:
    """The registrants frame of many sessions at once: ``(session_id, pages)`` per session
    (``on_bad_data`` and ``quarantine`` as for :func:`participants_frame_from_session_pages`)."""
    pages: list[bytes] = []
    counts: list[tuple[int, dict[str, str]]] = []
    for session_id, session_pages in sessions:
        pages += session_pages
        counts.append((len(session_pages), {"session_id": session_id}))
    keys = _page_keys(counts, ("session_id",))
    return _build(pages, _REGISTRANTS, _registrants(keys), on_bad_data, quarantine)


def webinars_frame(records: Iterable[_Record], *, on_bad_data: OnBadData = "raise") -> pl.DataFrame:
    """Build the webinars frame (``schemas.WEBINARS``) from webinar records.

    Parameters
    ----------
    records:
        ``HistoryWebinarResource`` (or configuration ``WcsWebinarResource``) records, as dicts.
    on_bad_data:
        As for :func:`sessions_frame`.

    Returns
    -------
    polars.DataFrame
        One row per webinar; settings flags the API omits are null.
    """
    return _build(_record_pages(records), _WEBINARS, _webinars, on_bad_data)


def webinars_frame_from_pages(
    pages: Iterable[bytes],
    *,
    on_bad_data: OnBadData = "raise",
    quarantine: list[BadRecord] | None = None,
) -> pl.DataFrame:
    """Build the webinars frame from stored page bodies (see :func:`webinars_frame`).

    Parameters
    ----------
    pages:
        JSON bodies ``{"records": [...], ...}`` holding webinar records, as bytes.
    on_bad_data:
        As for :func:`sessions_frame`.
    quarantine:
        A list: bad data is then neither raised nor warned about but appended to it, one
        ``BadRecord`` per problem, with the rule of this module's docstring (bad values null,
        records that cannot be placed and unreadable pages left out). ``on_bad_data`` is then
        not used.
    """
    return _build(_stored_pages(pages), _WEBINARS, _webinars, on_bad_data, quarantine)


def recordings_frame(
    records: Iterable[_Record], *, on_bad_data: OnBadData = "raise"
) -> pl.DataFrame:
    """Build the recordings frame (``schemas.RECORDINGS``) from recording records.

    Parameters
    ----------
    records:
        ``RecordingItemModel`` or ``RecordingAdminModel`` records (``/recordings``,
        ``/company/recordings``), as dicts.
    on_bad_data:
        As for :func:`sessions_frame`.

    Returns
    -------
    polars.DataFrame
        One row per recording; ``failure_code`` is ``failureReason.errorCode``.
    """
    return _build(_record_pages(records), _RECORDINGS, _recordings, on_bad_data)


def recordings_frame_from_pages(
    pages: Iterable[bytes],
    *,
    on_bad_data: OnBadData = "raise",
    quarantine: list[BadRecord] | None = None,
) -> pl.DataFrame:
    """Build the recordings frame from stored page bodies (see :func:`recordings_frame`).

    Parameters
    ----------
    pages:
        JSON bodies of recording list responses, as bytes.
    on_bad_data:
        As for :func:`sessions_frame`.
    quarantine:
        A list: bad data is then neither raised nor warned about but appended to it, one
        ``BadRecord`` per problem, with the rule of this module's docstring (bad values null,
        records that cannot be placed and unreadable pages left out). ``on_bad_data`` is then
        not used.
    """
    return _build(_stored_pages(pages), _RECORDINGS, _recordings, on_bad_data, quarantine)
