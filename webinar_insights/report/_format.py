"""How the report writes values: the KPIs it shows (label, kind, better direction), numbers,
local times, day ranges and the change against the previous period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo

__all__ = [
    "KPIS",
    "Kind",
    "Kpi",
    "change_text",
    "day_range",
    "local_time",
    "minutes",
    "number",
    "percent",
    "whole",
]

Kind = Literal["count", "share", "minutes"]


@dataclass(frozen=True, slots=True)
class Kpi:
    key: str
    label: str
    kind: Kind
    better: int  # +1: higher is better, -1: lower is better, 0: neither


KPIS: Final = (
    Kpi("sessions", "Sessions", "count", 0),
    Kpi("finished_sessions", "Finished sessions", "count", 0),
    Kpi("registrants", "Registrants", "count", 1),
    Kpi("unique_attendees", "Unique attendees", "count", 1),
    Kpi("attendance_rate", "Attendance rate", "share", 1),
    Kpi("no_show_rate", "No-show rate", "share", -1),
    Kpi("median_start_delay_min", "Median start delay", "minutes", -1),
    Kpi("p90_start_delay_min", "90th percentile start delay", "minutes", -1),
    Kpi("late_start_share", "Late starts", "share", -1),
    Kpi("mean_actual_duration_min", "Mean duration", "minutes", 0),
    Kpi("overrun_share", "Sessions that ran over", "share", -1),
)


def number(value: Any, kind: Kind) -> str:
    if value is None:
        return "–"
    if kind == "count":
        return f"{int(value):,}"
    if kind == "share":
        return f"{float(value):.1%}"
    return f"{float(value):.1f} min"


def whole(value: Any) -> str:
    return "–" if value is None else f"{int(value):,}"


def percent(value: Any) -> str:
    return "–" if value is None else f"{float(value):.1%}"


def minutes(value: Any) -> str:
    return "–" if value is None else f"{float(value):.1f}"


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


def change_text(kpi: Kpi, current: Any, previous: Any, previous_sessions: int) -> tuple[str, str]:
    """The change against the previous period as text, and its CSS class."""
    if not previous_sessions:
        return "no previous data", "none"
    if current is None or previous is None:
        return "previous: " + number(previous, kpi.kind), "none"
    delta = float(current) - float(previous) + 0.0  # + 0.0: no "-0.0"
    if kpi.kind == "count":
        relative = f" ({delta / float(previous):+.0%})" if previous else ""
        shown = f"{delta:+,.0f}{relative}"
    elif kpi.kind == "share":
        shown = f"{round(delta * 100, 1) + 0.0:+.1f} pp"
    else:
        shown = f"{round(delta, 1) + 0.0:+.1f} min"
    mood = "flat"
    if abs(delta) > 1e-9 and kpi.better:
        mood = "better" if (delta > 0) == (kpi.better > 0) else "worse"
    return f"{shown} vs previous ({number(previous, kpi.kind)})", mood
