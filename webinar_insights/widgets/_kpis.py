"""The dashboard's KPI strip: one card per key figure of ``metrics.KPIS`` (its label, its
formatted value, its definition as the card's tooltip), in the catalogue's order."""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import timedelta

from webinar_insights.metrics import KPIS
from webinar_insights.theme import FONT, PALETTE

from ._filters import minutes

__all__ = ["kpi_strip_html"]


def kpi_strip_html(kpis: Mapping[str, float | int | None], late_after: timedelta) -> str:
    """The strip as HTML: the label and value of each key figure, the late-start threshold
    under the late starts (the one figure a control changes)."""
    cards = []
    for kpi in KPIS.values():
        note = ""
        if kpi.key == "late_start_share":
            note = (
                '<div class="kpi-note" style="font-size:11px;color:#555555">'
                f"more than {minutes(late_after):g} min late</div>"
            )
        cards.append(
            f'<div class="kpi" id="kpi-{kpi.key.replace("_", "-")}"'
            f' title="{html.escape(kpi.definition)}" style="flex:0 0 auto;min-width:118px;'
            f"padding:6px 10px;border-left:3px solid {PALETTE[0]};background:#f6f8fa;"
            f'border-radius:3px">'
            f'<div class="kpi-label" style="font-size:11px;color:#555555">'
            f"{html.escape(kpi.label)}</div>"
            f'<div class="kpi-value" style="font-size:18px;font-weight:600;color:#222222">'
            f"{html.escape(kpi.format(kpis.get(kpi.key)))}</div>{note}</div>"
        )
    return (
        f'<div style="display:flex;flex-wrap:wrap;gap:8px;font-family:{html.escape(FONT)}">'
        + "".join(cards)
        + "</div>"
    )
