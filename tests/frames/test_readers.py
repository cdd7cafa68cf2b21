"""Stored pages are read in bulk by Arrow's JSON reader, and by polars page by page when that
reader refuses anything; the bulk path gives the exact one's frames on generated odd input."""

from __future__ import annotations

import json
import warnings
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from webinar_insights import frames
from webinar_insights.errors import BadDataError, DataWarning
from webinar_insights.frames import _participants, _reader, _registrants, _sessions

EXAMPLES = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


# Any JSON value, to put where another type is expected.
odd_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner, max_size=2)
    ),
    max_leaves=4,
)

_GOOD: dict[str, st.SearchStrategy[object]] = {
    "string": st.text(max_size=6),
    "integer": st.one_of(st.integers(-5, 10**6), st.sampled_from([1.0, 2.5, -0.0, 2**53, 1e300])),
    "seconds": st.one_of(st.integers(0, 10**5), st.sampled_from([60.0, 0.5, 2**43])),
    "boolean": st.booleans(),
    "datetime": st.sampled_from(
        ["2024-05-01T14:00:00Z", "2024-05-01T14:00:00.5+02:00", "2024-05-01T13:00:00Z", "soon"]
    ),
}


def _good(node: Any) -> st.SearchStrategy[object]:
    if node.kind == "enum":
        return st.sampled_from([*node.enum.categories.to_list(), "Unheard-of"])
    return _GOOD[node.kind]


@st.composite
def _object(draw: st.DrawFn, tree: dict[str, Any]) -> dict[str, object]:
    """An API object for the fields of ``tree``: mostly well typed, now and then odd or absent."""
    value: dict[str, object] = {}
    for name, node in tree.items():
        choice = draw(st.integers(0, 59))  # mostly clean, so that many pages are read in bulk
        if choice < 2:
            value[name] = draw(odd_values)
        elif choice < 4:
            continue
        elif isinstance(node, dict):
            value[name] = draw(_object(node))
        else:
            value[name] = draw(_good(node))
    if draw(st.integers(0, 9)) == 0:
        value["unlisted"] = draw(odd_values)
    return value


@st.composite
def _pages(draw: st.DrawFn, spec: Any) -> list[bytes]:
    """Two or more pages (one page alone is never read in bulk)."""
    record = (
        st.one_of(_object(spec.tree), odd_values)
        if draw(st.integers(0, 9)) == 0
        else _object(spec.tree)
    )
    return [
        json.dumps({"records": draw(st.lists(record, max_size=4)), "paging": {}}).encode()
        for _ in range(draw(st.integers(2, 4)))
    ]


def _outcome(build: Any) -> tuple[str, Any]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        try:
            frame = build()
        except BadDataError as exc:
            return "raised", str(exc)
    return "built", (frame, sorted(str(w.message) for w in caught))


def _assert_same(bulk: tuple[str, Any], exact: tuple[str, Any]) -> None:
    assert bulk[0] == exact[0], (bulk, exact)
    if bulk[0] == "raised":
        assert bulk[1] == exact[1]
        return
    (bulk_frame, bulk_warnings), (exact_frame, exact_warnings) = bulk[1], exact[1]
    assert_frame_equal(bulk_frame, exact_frame)
    assert bulk_warnings == exact_warnings


def _records(pages: list[bytes]) -> list[object]:
    return [record for page in pages for record in json.loads(page)["records"]]


# The "exact" side reads the same records as dicts, which never takes the bulk reader.


@EXAMPLES
@pytest.mark.parametrize(
    ("mode", "batch_bytes"),
    [("raise", _reader._BULK_BATCH_BYTES), ("null", _reader._BULK_BATCH_BYTES), ("null", 150)],
)
@given(pages=_pages(_participants.SPEC))
def test_participant_pages_read_in_bulk_equal_the_records_read_exactly(
    pages: list[bytes], mode: Any, batch_bytes: int
) -> None:
    with mock.patch.object(_reader, "_BULK_BATCH_BYTES", batch_bytes):  # 150: a page or two each
        bulk = _outcome(
            lambda: frames.participants_frame_from_session_pages(
                [("s", "w", pages)], on_bad_data=mode
            )
        )
    exact = _outcome(
        lambda: frames.participants_frame(
            _records(pages), session_id="s", webinar_id="w", on_bad_data=mode
        )
    )
    _assert_same(bulk, exact)


@EXAMPLES
@pytest.mark.parametrize("mode", ["raise", "null"])
@given(pages=_pages(_sessions.SPEC))
def test_session_pages_read_in_bulk_equal_the_records_read_exactly(
    pages: list[bytes], mode: Any
) -> None:
    _assert_same(
        _outcome(lambda: frames.sessions_frame_from_pages(pages, on_bad_data=mode)),
        _outcome(lambda: frames.sessions_frame(_records(pages), on_bad_data=mode)),
    )


@EXAMPLES
@pytest.mark.parametrize("mode", ["raise", "null"])
@given(pages=_pages(_registrants.SPEC))
def test_registrant_pages_read_in_bulk_equal_the_records_read_exactly(
    pages: list[bytes], mode: Any
) -> None:
    _assert_same(
        _outcome(
            lambda: frames.registrants_frame_from_session_pages([("s", pages)], on_bad_data=mode)
        ),
        _outcome(
            lambda: frames.registrants_frame(_records(pages), session_id="s", on_bad_data=mode)
        ),
    )


def _clean_pages(count: int) -> list[bytes]:
    """Pages of three distinct records each, of varied length."""
    return [
        json.dumps(
            {
                "records": [
                    {"id": f"p{page}.{n}", "firstName": "x" * (page * 7 % 11), "role": "Attendee"}
                    for n in range(3)
                ],
                "paging": {},
            }
        ).encode()
        for page in range(count)
    ]


def _arrow_reads(pages: list[bytes]) -> bool:
    """Whether Arrow's reader takes these pages as one batch (rather than leaving them to polars)."""
    buffer = bytearray(sum(len(page) + 1 for page in pages))
    return _reader._read_batch(pages, 0, _participants.SPEC, buffer) is not None


def test_clean_pages_are_read_by_arrow_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_reader, "_BULK_BATCH_BYTES", 200)  # a few pages per batch
    monkeypatch.setattr(
        _reader, "_read_each", mock.Mock(side_effect=AssertionError("page by page"))
    )
    pages = _clean_pages(7)
    frame = frames.participants_frame_from_session_pages(
        [("s", "w", pages[:4]), ("t", "v", pages[4:])]
    )
    assert frame.get_column("session_id").to_list() == ["s"] * 12 + ["t"] * 9
    # Every batch is laid out in one reused buffer: no batch may see another's bytes.
    assert frame.get_column("participant_id").to_list() == [
        f"p{page}.{n}" for page in range(7) for n in range(3)
    ]
    monkeypatch.undo()
    exact = frames.participants_frame(_records(pages), session_id="", webinar_id="")
    assert_frame_equal(
        frame.drop("session_id", "webinar_id"), exact.drop("session_id", "webinar_id")
    )


@pytest.mark.parametrize(
    "odd_page",
    [
        b'{"records": [{"id": 5}]}',  # a number where a string belongs
        b'{"records": [{"id": "a", "id": "b"}]}',  # a key twice
        b'{"records": [{"id": "\xff"}]}',  # not UTF-8
        b'{"records": []} {"records": []}',  # two bodies in one page
        b'{"records": null}',
        b"[]",
    ],
)
def test_arrow_leaves_an_odd_page_to_polars(odd_page: bytes) -> None:
    assert _arrow_reads(_clean_pages(2))
    assert not _arrow_reads([*_clean_pages(2), odd_page])


def test_only_the_batch_with_an_odd_page_is_read_page_by_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_reader, "_BULK_BATCH_BYTES", 200)
    read_each = mock.Mock(wraps=_reader._read_each)
    monkeypatch.setattr(_reader, "_read_each", read_each)
    pages = _clean_pages(7)
    odd = [{**record, "firstName": 7} for record in json.loads(pages[4])["records"]]
    pages[4] = json.dumps({"records": odd}).encode()  # Arrow refuses the number; polars reads "7"
    frame = frames.participants_frame_from_session_pages([("s", "w", pages)])
    (batch, first_page, first_record, *_), _ = read_each.call_args
    assert read_each.call_count == 1 and pages[4] in batch and len(batch) < len(pages)
    assert first_page == pages.index(batch[0]) and first_record == 3 * first_page
    assert frame.get_column("first_name").to_list()[12:15] == ["7"] * 3
    monkeypatch.undo()
    exact = frames.participants_frame(_records(pages), session_id="s", webinar_id="w")
    assert_frame_equal(frame, exact)


def test_newlines_inside_pages_are_kept_apart_from_the_page_breaks() -> None:
    pretty = json.dumps(
        {"records": [{"id": "a\nb", "firstName": "x\r\ny"}], "paging": {}}, indent=2
    ).encode()
    assert _arrow_reads([pretty, pretty])
    frame = frames.participants_frame_from_session_pages([("s", "w", [pretty, pretty])])
    assert frame.get_column("participant_id").to_list() == ["a\nb", "a\nb"]
    assert frame.get_column("first_name").to_list() == ["x\r\ny", "x\r\ny"]


def test_pages_are_laid_out_one_per_line() -> None:
    # Arrow's reader splits its input at newlines to parse blocks in parallel: a page spread
    # over lines could be cut in two (small inputs would not show it, one block parses whole).
    pages = [b'{\n"records": []}', b'{"records":\r\n[]}', b'{"records": []}']
    buffer = bytearray(64)
    size = _reader._as_ndjson(pages, buffer)
    assert bytes(buffer[:size]).splitlines() == [
        b'{ "records": []}',
        b'{"records":  []}',
        b'{"records": []}',
    ]
