"""How the report writes values: numbers in tables, local times, day ranges and the change of a
key figure against the previous period (its label, unit and formatter: ``metrics.KPIS``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from webinar_insights.metrics import Kpi

__all__ = [
    "change_text",
    "day_range",
    "local_time",
    "minutes",
    "percent",
    "whole",
]


def whole(value: Any) -> str:
    return "–" if value is None else f"{int(value):,}"


def percent(value: Any) -> str:
    return "–" if value is None else f"{float(value):.1%}"


def minutes(value: Any) -> str:
    """Minutes with one decimal, snapped to six decimals first (as the page's filter bar does:
    its sums run in another order, and the last binary digit must not tip a tie)."""
    return "–" if value is None else f"{round(float(value), 6):.1f}"


def local_time(moment: datetime | None, time_zone: str) -> str:
    if moment is None:
        return "–"
    return moment.astimezone(ZoneInfo(time_zone)).strftime("%Y-%m-%d %H:%M")


def day_range(start: datetime, end: datetime, time_zone: str) -> str:
    """``[start, end)`` as the days it covers in ``time_zone``: "2026-05-01 to 2026-10-31"."""
    zone = ZoneInfo(time_zone)
    first, last = start.astimezone(zone), end.astimezone(zone)
    if (last.hour, last.minute, last.second) == (0, 0, 0):
        last -= timedelta(days=1)
        return f"{first:%Y-%m-%d} to {last:%Y-%m-%d}"
    return f"{first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}"


def change_text(
    kpi: Kpi, current: Any, previous: Any, previous_sessions: int, withheld: str | None = None
) -> tuple[str, str]:
    """The change against the previous period as text, and its CSS class; ``withheld`` (why
    the store cannot compare) replaces it, greyed."""
    if withheld is not None:
        return f"no comparison: {withheld}", "withheld"
    if not previous_sessions:
        return "no previous data", "none"
    if current is None or previous is None:
        return "previous: " + kpi.format(previous), "none"
    delta = float(current) - float(previous)
    # The change as shown (+ 0.0: no "-0.0"); its colour follows the shown value, so a change
    # that rounds to zero ("+0.0 min") is not coloured as better or worse.
    if kpi.unit == "count":
        step = round(delta) + 0.0
        relative = f" ({delta / float(previous):+.0%})" if previous else ""
        shown = f"{step:+,.0f}{relative}"
    elif kpi.unit == "share":
        step = round(delta * 100, 1) + 0.0
        shown = f"{step:+.1f} pp"
    else:
        step = round(delta, 1) + 0.0
        shown = f"{step:+.1f} min"
    mood = "flat"
    if step != 0 and kpi.better != "neither":
        mood = "better" if (step > 0) == (kpi.better == "higher") else "worse"
    return f"{shown} vs previous ({kpi.format(previous)})", mood
