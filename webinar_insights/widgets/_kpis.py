"""The dashboard's KPI strip: one card per key figure of ``metrics.KPIS``, as the report's
cards show it (label, value, the counts a rate rests on, the change against the previous
period with its colour or why it is not shown; the definition as the card's tooltip)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any, Final

from webinar_insights.report import shown_change, withheld_note
from webinar_insights.theme import FONT, PALETTE

from ._filters import minutes

__all__ = ["kpi_strip_html"]

_MOODS: Final[Mapping[str, str]] = {
    "better": "color:#1b7f3b",
    "worse": "color:#b3261e",
    "withheld": "color:#777777;font-style:italic",
}
_SMALL: Final = "font-size:11px;color:#555555"


def kpi_strip_html(figures: Sequence[Mapping[str, Any]], late_after: timedelta) -> str:
    """The strip as HTML, from ``webinar_insights.report.key_figures`` rows; the late-start
    threshold under the late starts (the one figure a control changes)."""
    cards = []
    for figure in figures:
        notes = []
        if figure["basis"]:
            notes.append(
                f'<div class="kpi-basis" style="{_SMALL}">{html.escape(figure["basis"])}</div>'
            )
        if figure["key"] == "late_start_share":
            notes.append(
                f'<div class="kpi-note" style="{_SMALL}">'
                f"more than {minutes(late_after):g} min late</div>"
            )
        mood = _MOODS.get(figure["mood"], "color:#555555")
        notes.append(
            f'<div class="kpi-change {html.escape(figure["mood"])}"'
            f' style="font-size:11px;{mood}" title="{html.escape(figure["change"])}">'
            f"{html.escape(shown_change(figure))}</div>"
        )
        cards.append(
            f'<div class="kpi" id="kpi-{figure["key"].replace("_", "-")}"'
            f' title="{html.escape(figure["definition"])}" style="flex:0 0 auto;width:150px;'
            f"padding:6px 10px;border-left:3px solid {PALETTE[0]};background:#f6f8fa;"
            f'border-radius:3px">'
            f'<div class="kpi-label" style="{_SMALL}">{html.escape(figure["label"])}</div>'
            f'<div class="kpi-value" style="font-size:18px;font-weight:600;color:#222222">'
            f"{html.escape(figure['text'])}</div>{''.join(notes)}</div>"
        )
    note = withheld_note(figures)
    return (
        f'<div style="display:flex;flex-wrap:wrap;gap:8px;font-family:{html.escape(FONT)}">'
        + "".join(cards)
        + "</div>"
        + (
            f'<div class="kpi-withheld" style="{_SMALL};margin-top:4px">{html.escape(note)}</div>'
            if note
            else ""
        )
    )
