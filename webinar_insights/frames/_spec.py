"""What a frame reads: the API fields it takes (dotted paths and kinds), declared once and laid
out as the nested schema of a page, for polars and for Arrow's JSON reader."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, TypeAlias

import polars as pl
import pyarrow as pa
import pyarrow.json as pa_json

Kind: TypeAlias = Literal["string", "integer", "seconds", "boolean", "datetime", "enum"]

# A page's records, and the number of each record and of its page, as every read lays them out.
RECORDS = "records"
ROW = "__record_number__"
PAGE = "__page_number__"

# How each kind of API value is read from JSON before it is checked and typed. Numbers are read
# as Float64 so that 1.5 in an integer field is caught (an Int64 reader truncates it silently),
# and a string in a number field makes the reader fail, which sends the page to `_reader._clean_records`.
_RAW_DTYPES: dict[Kind, pl.DataType] = {
    "string": pl.String(),
    "integer": pl.Float64(),
    "seconds": pl.Float64(),
    "boolean": pl.Boolean(),
    "datetime": pl.String(),
    "enum": pl.String(),
}

EXPECTED: dict[Kind, str] = {
    "string": "a string",
    "integer": "a whole number",
    "seconds": "a whole number of seconds",
    "boolean": "true or false",
    "datetime": "an ISO-8601 date-time with a UTC offset (e.g. 2024-05-01T14:00:00Z)",
    "enum": "a string",
}


@dataclass(frozen=True)
class Field:
    """One API field a frame reads: its dotted path in the record and how to type it."""

    path: str
    kind: Kind = "string"
    enum: pl.Enum | None = None


Tree: TypeAlias = "dict[str, Tree | Field]"


@dataclass(frozen=True)
class Spec:
    """What a frame reads (fields, as a tree, as a polars page schema and as options for Arrow's
    JSON reader) and what it yields."""

    what: str
    fields: tuple[Field, ...]
    schema: pl.Schema
    tree: Tree
    page_schema: pl.Schema
    arrow_options: pa_json.ParseOptions
    required: tuple[str, ...]  # ids a record cannot be placed without (quarantine mode)


def frame_spec(
    what: str, schema: pl.Schema, fields: Iterable[Field], *, required: tuple[str, ...] = ("id",)
) -> Spec:
    """The spec of a frame of ``schema`` reading ``fields`` (and ``id``) from each record;
    ``what`` names a record in messages ("session")."""
    fields = (Field("id"), *fields)
    tree: Tree = {}
    for f in fields:
        *parents, leaf = f.path.split(".")
        node = tree
        for name in parents:
            child = node.setdefault(name, {})
            assert isinstance(child, dict)
            node = child
        node[leaf] = f
    page_schema = pl.Schema({RECORDS: pl.List(_struct(tree))})
    arrow_options = pa_json.ParseOptions(
        explicit_schema=pa.schema([(RECORDS, pa.list_(_arrow_struct(tree)))]),
        unexpected_field_behavior="ignore",
    )
    return Spec(what, fields, schema, tree, page_schema, arrow_options, required)


def _struct(tree: Tree) -> pl.Struct:
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


def _arrow_struct(tree: Tree) -> pa.StructType:
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
