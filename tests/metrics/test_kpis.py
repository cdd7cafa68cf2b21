"""kpis() and the KPI catalogue."""

from __future__ import annotations

import polars as pl
import pytest

from tests.support.metrics_frames import (
    finished,
    program,
    registrants,
    sessions,
)
from webinar_insights import metrics


def test_kpis_by_hand() -> None:
    result = metrics.kpis(program())
    assert list(result) == list(metrics.KPI_KEYS)
    assert result == {
        "sessions": 6,
        "finished_sessions": 4,
        "registrants": 210,
        "unique_attendees": 53,
        "people_reached": None,  # no participants given
        "repeat_attendee_share": None,
        "attendance_rate": pytest.approx(40 / 150),
        "median_start_delay_min": 2.0,  # of 2, 10, 0, -1, 6
        "p90_start_delay_min": pytest.approx(8.4),  # linear between 6 and 10
        "late_start_share": pytest.approx(0.4),  # 10 and 6 minutes late out of five starts
        "mean_actual_duration_min": 56.25,
        "overrun_share": 0.25,  # +30 min of four: 0, +30, -30, -15
        "no_show_rate": None,  # no registrants list
    }


def test_kpis_weight_the_no_show_rate() -> None:
    frame = metrics.session_metrics(
        sessions(finished("s1", attendees=3), finished("s2", attendees=0)),
        registrants=pl.concat(
            [
                registrants(
                    "s1",
                    *({"id": f"a{i}", "participantId": f"p{i}"} for i in range(3)),
                    {"id": "a9"},
                ),
                registrants("s2", {"id": "b1"}, {"id": "b2"}),
            ]
        ),
    )
    assert frame.get_column("no_show_rate").to_list() == [0.25, 1.0]
    assert metrics.kpis(frame)["no_show_rate"] == pytest.approx(3 / 6)


def test_the_kpi_catalogue_describes_every_key_figure_once() -> None:
    assert sorted(metrics.KPIS) == sorted(metrics.KPI_KEYS)
    labels = [kpi.label for kpi in metrics.KPIS.values()]
    assert len(set(labels)) == len(labels)
    for key, kpi in metrics.KPIS.items():
        assert kpi.key == key
        assert kpi.unit in ("count", "share", "minutes")
        assert kpi.better in ("higher", "lower", "neither")
        assert kpi.definition.endswith(".") and "\n" not in kpi.definition
    # One label per figure, the report's full wording (the dashboard said "Finished" and
    # "90th pct. start delay").
    assert metrics.KPIS["finished_sessions"].label == "Finished sessions"
    assert metrics.KPIS["p90_start_delay_min"].label == "90th percentile start delay"
    assert list(metrics.KPIS)[:6] == [
        "sessions",
        "finished_sessions",
        "registrants",
        "unique_attendees",
        "attendance_rate",
        "no_show_rate",
    ]


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        ("sessions", 1234, "1,234"),
        ("attendance_rate", 0.4567, "45.7%"),
        ("median_start_delay_min", -1.25, "-1.2 min"),
        ("mean_actual_duration_min", 61.0, "61.0 min"),
        ("no_show_rate", None, "–"),
    ],
)
def test_each_kpi_formats_its_own_values(key: str, value: float | None, shown: str) -> None:
    kpi = metrics.KPIS[key]
    assert kpi.format(value) == shown
    assert kpi.formatter(value) == shown


def test_the_catalogue_formats_the_kpis_of_a_frame() -> None:
    shown = {
        kpi.label: kpi.format(value)
        for kpi, value in (
            (metrics.KPIS[key], value) for key, value in metrics.kpis(program()).items()
        )
    }
    assert shown["Sessions"] == "6"
    assert shown["Finished sessions"] == "4"
