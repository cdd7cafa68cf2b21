"""change_text(): the change of a key figure, coloured by the figure's better direction."""

from __future__ import annotations

import pytest

from webinar_insights.metrics import KPIS
from webinar_insights.report._format import change_text


@pytest.mark.parametrize(
    ("key", "current", "previous", "shown", "mood"),
    [
        ("median_start_delay_min", 2.03, 2.0, "+0.0 min", "flat"),  # rounds to no change
        ("median_start_delay_min", 1.98, 2.0, "+0.0 min", "flat"),  # no "-0.0" either
        ("median_start_delay_min", 2.5, 2.0, "+0.5 min", "worse"),
        ("median_start_delay_min", 1.5, 2.0, "-0.5 min", "better"),
        ("attendance_rate", 0.5004, 0.5, "+0.0 pp", "flat"),
        ("attendance_rate", 0.52, 0.5, "+2.0 pp", "better"),
        ("no_show_rate", 0.52, 0.5, "+2.0 pp", "worse"),
        ("registrants", 1000, 1000, "+0 (+0%)", "flat"),
        ("registrants", 31132, 30000, "+1,132 (+4%)", "better"),
        ("sessions", 4, 2, "+2 (+100%)", "flat"),  # neither direction is better
    ],
)
def test_change_colour_follows_the_shown_change(
    key: str, current: float, previous: float, shown: str, mood: str
) -> None:
    text, colour = change_text(KPIS[key], current, previous, previous_sessions=3)
    assert text.startswith(f"{shown} vs previous (")
    assert colour == mood
