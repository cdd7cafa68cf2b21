"""The dashboard's KPI strip: one card per key figure, its definition as the card's tooltip."""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import timedelta
from typing import Final

from webinar_insights.theme import FONT, PALETTE

from ._filters import minutes

__all__ = ["kpi_strip_html"]

_KPI_CARDS: Final[tuple[tuple[str, str, str, str], ...]] = (
    # key, label, kind, definition (METRICS.md)
    ("sessions", "Sessions", "count", "Sessions shown (any status)."),
    ("finished_sessions", "Finished", "count", "Sessions with status Finished."),
    ("registrants", "Registrants", "count", "Sum of live registrants (registrant_count)."),
    (
        "unique_attendees",
        "Unique attendees",
        "count",
        "Sum of unique attendees per session (a person at two sessions counts twice).",
    ),
    (
        "attendance_rate",
        "Attendance rate",
        "share",
        "Weighted: unique attendees / registrants of Finished sessions with registrants.",
    ),
    (
        "median_start_delay_min",
        "Median start delay",
        "delay",
        "Median of actual start − scheduled start over started sessions.",
    ),
    (
        "p90_start_delay_min",
        "90th pct. start delay",
        "delay",
        "90th percentile of the start delay over started sessions.",
    ),
    ("late_start_share", "Late starts", "share", "Share of started sessions that started late."),
    (
        "mean_actual_duration_min",
        "Mean duration",
        "minutes",
        "Mean actual duration of Finished sessions.",
    ),
    (
        "overrun_share",
        "Overran",
        "share",
        "Share of Finished sessions that ran longer than scheduled.",
    ),
    (
        "no_show_rate",
        "No-show rate",
        "share",
        "Weighted: registrants without a participant / registrants (needs registrant lists).",
    ),
)


def _format_kpi(kind: str, value: float | int | None) -> str:
    if value is None:
        return "–"
    if kind == "count":
        return f"{int(value):,}"
    if kind == "share":
        return f"{value:.1%}"
    if kind == "delay":
        return f"{value:+.1f} min"
    return f"{value:.1f} min"


def kpi_strip_html(kpis: Mapping[str, float | int | None], late_after: timedelta) -> str:
    cards = []
    for key, label, kind, definition in _KPI_CARDS:
        if key == "late_start_share":
            label = f"{label} (&gt; {minutes(late_after):g} min)"
        cards.append(
            f'<div title="{html.escape(definition)}" style="flex:0 0 auto;min-width:118px;'
            f"padding:6px 10px;border-left:3px solid {PALETTE[0]};background:#f6f8fa;"
            f'border-radius:3px">'
            f'<div style="font-size:11px;color:#555555">{label}</div>'
            f'<div style="font-size:18px;font-weight:600;color:#222222">'
            f"{_format_kpi(kind, kpis.get(key))}</div></div>"
        )
    return (
        f'<div style="display:flex;flex-wrap:wrap;gap:8px;font-family:{html.escape(FONT)}">'
        + "".join(cards)
        + "</div>"
    )
