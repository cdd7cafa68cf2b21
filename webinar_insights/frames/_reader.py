"""Pages (stored bodies, or records serialised as pages) to one raw column per declared field.

Many stored pages are read together, in batches, by Arrow's multi-threaded JSON reader; polars
reads a batch's pages one by one whenever that reader refuses something, and a page polars
refuses has its records cleaned in Python, so that an odd value is reported the same way on
every path.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import TypeAlias

import polars as pl
import pyarrow as pa
import pyarrow.json as pa_json

from webinar_insights.errors import ConfigurationError

from ._problems import Issue, Problems, record_ref
from ._spec import EXPECTED, PAGE, RECORDS, ROW, Kind, Spec, Tree

Record: TypeAlias = Mapping[str, object]

_DICT_PAGE_SIZE = 10_000
_BULK_BATCH_BYTES = 64 * 2**20
_NOT_AN_OBJECT = "is not a JSON object"
_NO_RECORDS = "is not a JSON object with a 'records' list"


def read(pages: Iterable[bytes | list[object]], spec: Spec, problems: Problems) -> pl.DataFrame:
    """One row per record that is an object: its number, its page's and a raw column per field."""
    rows = _read_rows(list(pages), spec, problems).with_row_index(ROW)
    if problems.issues is not None:
        problems.rows = rows.select(ROW, PAGE)
    not_objects = rows.filter(pl.col(RECORDS).is_null())
    if not_objects.height:
        if problems.issues is not None:
            # Those `_clean_records` saw are listed with their value already; nulls are not.
            seen = {(i.page, i.record) for i in problems.issues if i.field is None}
            for page, index in zip(
                not_objects.get_column(PAGE), problems.in_page(not_objects), strict=True
            ):
                if (page, index) not in seen:
                    problems.found(Issue(page, index, None, None, None, _NOT_AN_OBJECT, True))
        else:
            number = int(not_objects.item(0, ROW))
            problems.not_an_object(record_ref(number, None), count=not_objects.height)
        rows = rows.filter(pl.col(RECORDS).is_not_null())
    return rows.select(pl.col(ROW), pl.col(PAGE), *(_leaf(f.path) for f in spec.fields))


def _read_rows(pages: list[bytes | list[object]], spec: Spec, problems: Problems) -> pl.DataFrame:
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
    spec: Spec,
    problems: Problems,
) -> pl.DataFrame:
    """Every page on its own: slower, but it says what is wrong where."""
    frames: list[pl.DataFrame] = []
    first = first_record
    for number, page in enumerate(pages, start=first_page):
        frame = _read_page(page, number, first, spec, problems)
        if frame is None:
            continue  # quarantined
        records = frame.get_column(RECORDS)
        if frame.height != 1 or records.null_count():
            problems.bad_page(number, page, _NO_RECORDS, _no_records_message(spec, number))
            continue
        first += int(records.list.len()[0])
        frames.append(frame.with_columns(pl.lit(number, dtype=pl.UInt32).alias(PAGE)))
    if not frames:
        frames.append(
            pl.DataFrame(schema=spec.page_schema).with_columns(pl.lit(0, pl.UInt32).alias(PAGE))
        )
    return pl.concat(frames).select(PAGE, RECORDS).explode(RECORDS)  # as `_read_batch` has them


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
    pages: list[bytes], first_page: int, spec: Spec, buffer: bytearray
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
    if table.num_rows != len(pages) or table.column(RECORDS).null_count:
        return None
    # Polars takes the table as it is and does the rest: pyarrow's own array constructors
    # would import pandas (when installed) on first use, a third of a second.
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame.with_row_index(PAGE, offset=first_page).explode(RECORDS)


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
    page: bytes | list[object], number: int, first: int, spec: Spec, problems: Problems
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


def _read_json(page: bytes, spec: Spec) -> pl.DataFrame:
    return pl.read_json(page, schema=spec.page_schema)


def _dump(records: list[object]) -> bytes:
    return json.dumps({RECORDS: records}, separators=(",", ":")).encode()


def _no_records_message(spec: Spec, number: int) -> str:
    return f"{spec.what} page #{number} {_NO_RECORDS}; pass the API's list responses as received."


def _page_records(page: bytes, number: int, spec: Spec, problems: Problems) -> list[object] | None:
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
    records = body.get(RECORDS) if isinstance(body, dict) else None
    if not isinstance(records, list):
        problems.bad_page(number, page, _NO_RECORDS, _no_records_message(spec, number))
        return None
    return records


def _clean_records(
    records: list[object], page: int, first: int, spec: Spec, problems: Problems
) -> list[object]:
    """Keep the declared fields of each record, reporting and dropping values of a wrong type.

    Only pages that polars refused come here. What is accepted mirrors what polars's JSON reader
    accepts, so a value gives the same result whichever way its page was read.
    """
    cleaned: list[object] = []
    for number, record in enumerate(records, start=first):
        if isinstance(record, Mapping):
            ref = record_ref(number, record.get("id"))
            where = (page, number - first, record.get("id"))
            cleaned.append(_project(record, spec.tree, "", ref, where, problems))
        else:
            if problems.issues is not None:  # the others are reported once the page is read
                problems.found(
                    Issue(page, number - first, None, None, record, _NOT_AN_OBJECT, True)
                )
            cleaned.append(None)
    return cleaned


def _project(
    value: Mapping[str, object],
    tree: Tree,
    prefix: str,
    ref: str,
    where: tuple[int, int, object],
    problems: Problems,
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
            expected = EXPECTED[node.kind]
        if problems.issues is not None:
            page, index, record_id = where
            problems.found(Issue(page, index, record_id, path, item, f"is not {expected}", False))
        else:
            problems.bad_value(path, item, ref, expected)
    return kept


def _readable(kind: Kind, value: object) -> bool:
    """Whether polars's JSON reader accepts `value` for a field of this kind."""
    if isinstance(value, float) and not math.isfinite(value):
        return False
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("integer", "seconds"):
        return isinstance(value, int | float)  # polars reads true/false here as 1/0
    return isinstance(value, str | int | float)  # polars turns numbers and booleans into text


def _leaf(path: str) -> pl.Expr:
    expr = pl.col(RECORDS)
    for name in path.split("."):
        expr = expr.struct.field(name)
    return expr.alias(path)


def record_pages(records: Iterable[Record]) -> Iterator[list[object]]:
    """Records (dicts) in pages of their own, which ``read`` takes as it takes stored pages."""
    if isinstance(records, Mapping):
        raise ConfigurationError("records must be an iterable of records (dicts), not one dict.")
    remaining: Iterator[object] = iter(records)
    while chunk := list(islice(remaining, _DICT_PAGE_SIZE)):
        yield chunk


def stored_pages(pages: Iterable[bytes]) -> Iterable[bytes]:
    """Stored page bodies as given, once it is clear they are not one lone page."""
    given: object = pages  # a lone page is iterable too (of ints); catch it here
    if isinstance(given, bytes | bytearray | str):
        raise ConfigurationError("pages must be an iterable of page bodies, e.g. [page].")
    return pages
