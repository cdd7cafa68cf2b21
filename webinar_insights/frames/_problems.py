"""Bad data found while building one frame: raised at once, collected and warned about once
(``on_bad_data="null"``), or listed one ``BadRecord`` each (quarantine). Enum values the API
spec does not list are not bad data: they are kept, and warned about once in every mode."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

import polars as pl

from webinar_insights.errors import BadDataError, DataWarning

from ._spec import PAGE, ROW

OnBadData: TypeAlias = Literal["raise", "null"]
"""What to do with a value that cannot be used: raise ``BadDataError``, or load null and warn."""

_MAX_EXAMPLES = 5
MISSING = object()  # the value of a field a record does not have


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
class Issue:
    """One problem as found (quarantine mode); ``bad_records`` makes the entries of them."""

    page: int
    record: int | None
    record_id: object
    field: str | None
    value: object
    problem: str
    left_out: bool


@dataclass
class Problems:
    """The problems of one frame's build, and what to do with them (``on_bad_data``,
    quarantine)."""

    what: str
    on_bad_data: OnBadData
    bad: dict[str, _Example] = field(default_factory=dict)
    skipped: _Example | None = None
    unknown: dict[str, dict[str, int]] = field(default_factory=dict)  # new enum values, counted
    notes: list[str] = field(default_factory=list)
    # Quarantine mode: every problem, one entry each, instead of raising or warning.
    issues: list[Issue] | None = None
    rows: pl.DataFrame | None = None  # page and global number of every record (`in_page`)
    _starts: pl.DataFrame | None = None

    @property
    def quarantining(self) -> bool:
        return self.issues is not None

    def found(self, issue: Issue) -> None:
        assert self.issues is not None
        self.issues.append(issue)

    def bad_page(self, number: int, page: object, problem: str, message: str) -> None:
        """A page that cannot be read at all: raise ``message``, or quarantine the page."""
        if self.issues is None:
            raise BadDataError(message)
        shown = bytes(page[:60]) if isinstance(page, bytes | bytearray) else page
        self.issues.append(Issue(number, None, None, None, shown, problem, True))

    def in_page(self, rows: pl.DataFrame) -> pl.Series:
        """The position of each of ``rows`` (with ``ROW`` and ``PAGE``) within its page."""
        if self._starts is None:
            assert self.rows is not None
            self._starts = self.rows.group_by(PAGE).agg(pl.col(ROW).min().alias("_first"))
        located = rows.select(ROW, PAGE).join(
            self._starts, on=PAGE, how="left", maintain_order="left"
        )
        return located.get_column(ROW) - located.get_column("_first")

    def bad_value(
        self, path: str, value: object, record: str, expected: str, *, count: int = 1
    ) -> None:
        if self.on_bad_data == "raise":
            raise BadDataError(
                f"{self.what} {record}: field {path!r} holds {show(value)}, which is not"
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
                f"{path!r} had {ex.count} unusable value(s) (e.g. {show(ex.value)} in {ex.record})"
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
            paths = [repr(path) for path in self.unknown]
            fields = paths[0] if len(paths) == 1 else f"{', '.join(paths[:-1])} and {paths[-1]}"
            values = "; ".join(
                (f"{path!r}: " if len(paths) > 1 else "") + _counted(counts)
                for path, counts in self.unknown.items()
            )
            warnings.warn(
                f"{self.what} records: {fields} {'has' if len(paths) == 1 else 'have'} values"
                f" the API spec does not list, kept as they are: {values}. The Webinar API is"
                " beta; such values come after the declared ones in the column's categories.",
                DataWarning,
                stacklevel=stacklevel + 1,
            )
        for note in self.notes:
            warnings.warn(f"{self.what} records: {note}", DataWarning, stacklevel=stacklevel + 1)


def _counted(counts: Mapping[str, int]) -> str:
    """Values and how many records hold each, the most frequent first, at most a few."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = ", ".join(
        f"{show(value)} ({count} record{'' if count == 1 else 's'})"
        for value, count in ordered[:_MAX_EXAMPLES]
    )
    more = len(ordered) - _MAX_EXAMPLES
    return shown + (f" and {more} more value(s)" if more > 0 else "")


def show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def record_ref(number: int, record_id: object) -> str:
    shown = f"id {show(record_id)}" if record_id is not None else "no id"
    return f"record #{number} ({shown})"


def bad_records(issues: list[Issue]) -> list[BadRecord]:
    """The quarantine entries of ``issues``, by page, record and field."""
    ordered = sorted(
        issues, key=lambda i: (i.page, -1 if i.record is None else i.record, i.field or "")
    )
    return [
        BadRecord(
            page=int(i.page),
            record=None if i.record is None else int(i.record),
            record_id=_id_text(i.record_id),
            field=i.field,
            value="" if i.value is MISSING else show(i.value),
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
