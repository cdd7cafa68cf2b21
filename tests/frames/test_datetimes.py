"""Date-times are parsed by Arrow's ISO-8601 parser when it can, else by polars's format
parser; the fast path gives the exact one's result on generated odd input."""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_series_equal

from webinar_insights.frames import _typed

EXAMPLES = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


def _exact(values: list[str | None]) -> pl.Series:
    return pl.Series("t", values, dtype=pl.String).str.to_datetime(
        "%Y-%m-%dT%H:%M:%S%.f%#z", time_unit="us", time_zone="UTC", strict=False
    )


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=n, max_size=n)


ZONES = ["Z", "Z", "z", "", "+00:00", "-00:00", "+05:30", "-08:00", "+0530", "+05", "+24:00"]
ZONES += ["+99:99", "+5:30", " Z", "Z "]

# Near-misses of RFC 3339: each part may be out of range, missing or spelled another way.
date_times = st.builds(
    "".join,
    st.tuples(
        st.sampled_from(["2024", "1970", "0001", "9999", "0000", "20245"]),
        st.sampled_from(["-"]),
        st.one_of(st.sampled_from(["01", "02", "12", "13", "00", "1"]), _digits(2)),
        st.just("-"),
        st.one_of(st.sampled_from(["01", "28", "29", "30", "31", "32", "00"]), _digits(2)),
        st.sampled_from(["T", "T", "t", " ", ""]),
        st.one_of(st.sampled_from(["00", "23", "24"]), _digits(2)),
        st.sampled_from([":", ""]),
        st.one_of(st.sampled_from(["00", "59", "60"]), _digits(2)),
        st.sampled_from([":", ":", ""]),
        st.sampled_from(["00", "59", "60", "61", ""]),
        st.one_of(st.just(""), st.builds(lambda d: "." + d, st.text("0123456789", max_size=10))),
        st.sampled_from(ZONES),
    ),
)


@EXAMPLES
@given(values=st.lists(st.one_of(date_times, st.none(), st.text(max_size=30)), max_size=6))
def test_date_times_read_fast_equal_the_format_read(values: list[str | None]) -> None:
    assert_series_equal(_typed._datetimes(pl.Series("t", values, dtype=pl.String)), _exact(values))


@EXAMPLES
@given(value=date_times)
def test_each_date_time_alone_reads_as_the_format_reads_it(value: str) -> None:
    # Alone, a value the fast parser accepts is not hidden behind a neighbour's fallback.
    assert_series_equal(_typed._datetimes(pl.Series("t", [value])), _exact([value]))


def test_the_fast_date_time_reader_is_taken_for_api_values() -> None:
    values = ["2024-05-01T14:00:00Z", "2024-05-01T14:00:00.123+02:00", None]
    head_ok = pl.Series(values).str.contains(_typed._DATETIME_HEAD).all()
    assert head_ok  # so the Arrow path runs; its result must still equal the format's
    assert_series_equal(_typed._datetimes(pl.Series("t", values)), _exact(values))


def test_a_space_for_the_t_is_unreadable_even_though_arrow_takes_it() -> None:
    values = ["2024-05-01T14:00:00Z", "2024-05-01 14:00:00Z", "2024-05-01T14:00Z"]
    assert _typed._datetimes(pl.Series("t", values)).to_list()[1:] == [None, None]
