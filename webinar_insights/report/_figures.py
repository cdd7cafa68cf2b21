"""Every key figure of a report as data: what the page shows, with its definition and basis.

The KPI cards, the terminal summary and :meth:`Report.figures` read :func:`figure_rows`, so a
figure reachable from Python is the figure on the page, to the character.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import polars as pl

from webinar_insights.metrics import KPIS

from ._format import change_text
from ._model import ReportData

__all__ = [
    "FIGURES",
    "figure_rows",
    "figures_frame",
    "key_figures",
    "plain_summary",
    "rates_note",
    "shown_change",
    "withheld_note",
]

WITHHELD_SHORT: Final = "no comparison"
"""What a card shows for a withheld change (its reason: the card's tooltip and one note)."""

FIGURES: Final = pl.Schema(
    {
        "key": pl.String,
        "label": pl.String,
        "value": pl.Float64,
        "text": pl.String,
        "change": pl.String,
        "definition": pl.String,
        "basis": pl.String,
        "numerator": pl.Int64,
        "denominator": pl.Int64,
        "previous_value": pl.Float64,
    }
)
"""The schema of :meth:`Report.figures`: one row per key figure, in the page's order."""


def figure_rows(report: ReportData) -> list[dict[str, Any]]:
    """One dict per key figure of ``report`` (the columns of :data:`FIGURES`) and its change's
    CSS class (``mood``)."""
    return key_figures(
        report.kpis,
        report.previous_kpis,
        previous_sessions=report.previous_sessions,
        withheld=report.withheld,
        bases=report.bases,
    )


def key_figures(
    kpis: Mapping[str, float | int | None],
    previous_kpis: Mapping[str, float | int | None],
    *,
    previous_sessions: int,
    withheld: Mapping[str, str] | None = None,
    bases: Mapping[str, tuple[int | None, int | None]] | None = None,
) -> list[dict[str, Any]]:
    """Every key figure of ``metrics.KPIS`` as shown, in the catalogue's order: one dict each
    with the columns of :data:`FIGURES` and ``mood`` (the change's colour: ``better``,
    ``worse``, ``flat``, ``none`` or ``withheld``).

    ``kpis`` and ``previous_kpis`` as ``metrics.kpis`` gives them; ``previous_sessions``: how
    many sessions the previous period holds (0: no change is shown); ``withheld``: key -> why
    its change is not shown (``withheld_changes``); ``bases``: ``metrics.kpi_bases``. The
    report's cards and the dashboard's KPI strip both read it.
    """
    rows = []
    for kpi in KPIS.values():
        value = kpis.get(kpi.key)
        previous = previous_kpis.get(kpi.key)
        change, mood = change_text(
            kpi, value, previous, previous_sessions, (withheld or {}).get(kpi.key)
        )
        numerator, denominator = (bases or {}).get(kpi.key, (None, None))
        rows.append(
            {
                "key": kpi.key,
                "label": kpi.label,
                "value": None if value is None else float(value),
                "text": kpi.format(value),
                "change": change,
                "definition": kpi.definition,
                "basis": kpi.basis_text(numerator, denominator),
                "numerator": numerator,
                "denominator": denominator,
                "previous_value": None if previous is None else float(previous),
                "mood": mood,
            }
        )
    return rows


def shown_change(figure: Mapping[str, Any]) -> str:
    """A card's change line: the change, or a short "no comparison" whose reason the card's
    tooltip and :func:`withheld_note` give (a reason repeated on every card crowds them)."""
    return WITHHELD_SHORT if figure["mood"] == "withheld" else str(figure["change"])


def withheld_note(figures: Sequence[Mapping[str, Any]]) -> str:
    """One line per distinct reason a change is withheld, naming the figures it withholds."""
    reasons: dict[str, list[str]] = {}
    for figure in figures:
        if figure["mood"] == "withheld":
            reason = str(figure["change"]).removeprefix(WITHHELD_SHORT + ": ")
            reasons.setdefault(reason, []).append(str(figure["label"]))
    return " ".join(
        f"No comparison with the previous period for {', '.join(labels)}: {reason}."
        if len(labels) < len(figures)
        else f"No comparison with the previous period: {reason}."
        for reason, labels in reasons.items()
    )


def figures_frame(report: ReportData) -> pl.DataFrame:
    """:func:`figure_rows` as a frame of :data:`FIGURES`."""
    rows = [{name: row[name] for name in FIGURES} for row in figure_rows(report)]
    return pl.DataFrame(rows, schema=FIGURES)


def rates_note(report: ReportData) -> str:
    """Why the attendance and no-show rates need not add up to 100%, in the report's figures
    ("" when the two do not rest on the same registrants)."""
    attended, registered = report.bases.get("attendance_rate", (None, None))
    no_shows, listed = report.bases.get("no_show_rate", (None, None))
    if None in (attended, registered, no_shows, listed) or not listed or registered != listed:
        return ""
    assert attended is not None and no_shows is not None and listed is not None
    joined = listed - no_shows
    line = (
        f"Of {listed:,} registrants of the Finished sessions, {joined:,} joined"
        f" ({joined / listed:.1%}) and {no_shows:,} did not (the no-show rate,"
        f" {no_shows / listed:.1%}): these add up to 100%."
    )
    walk_ins = attended - joined
    if walk_ins > 0:
        line += (
            f" The attendance rate ({attended / listed:.1%}) counts the sessions' attendees,"
            f" {attended:,}, which include {walk_ins:,} who joined without a registration of"
            " that session (walk-ins), so it and the no-show rate can add up to more than 100%."
        )
    elif walk_ins < 0:
        line += (
            f" The attendance rate ({attended / listed:.1%}) counts the sessions' attendees as"
            f" the API reports them, {attended:,}: fewer than the registrants who joined, as"
            " registrants who joined only as panelists or hosts are not attendees."
        )
    return line + _attendees_beyond_the_rate(report, attended)


def _attendees_beyond_the_rate(report: ReportData, attended: int) -> str:
    """Where the Attendees figure counts more than the attendance rate's numerator."""
    total = report.kpis.get("unique_attendees")
    if total is None or total == attended:
        return ""
    sessions = report.frames["sessions"]
    outside = (
        sessions.filter(
            pl.col("attendance_rate").is_null(), pl.col("unique_attendee_count").fill_null(0) > 0
        )
        .group_by(finished=pl.col("status") == "Finished")
        .agg(pl.len().alias("sessions"), pl.col("unique_attendee_count").sum().alias("people"))
    )
    parts = []
    for row in outside.sort("finished", descending=True).iter_rows(named=True):
        noun = "session" if row["sessions"] == 1 else "sessions"
        where = f"Finished {noun} without registrants" if row["finished"] else f"live {noun}"
        parts.append(f"{row['people']:,} in {row['sessions']:,} {where}")
    if not parts:
        return ""
    return (
        f" The Attendees figure ({int(total):,}) also counts {' and '.join(parts)}, which have"
        " no attendance rate."
    )


def plain_summary(report: ReportData) -> str:
    """The report in a few plain sentences, from the figures the cards show (a change only
    where the cards show one)."""
    rows = {row["key"]: row for row in figure_rows(report)}

    def text_of(key: str) -> str:
        return str(rows[key]["text"])

    def change(key: str) -> str:
        row = rows[key]
        if row["mood"] in ("withheld", "none") or row["previous_value"] is None:
            return ""
        delta = float(row["value"] or 0) - float(row["previous_value"])
        unit = metrics_unit(key)
        if unit == "share":
            points = round(delta * 100, 1)
            if points == 0:
                return ", as in the previous period"
            return f", {abs(points):.1f} points {'higher' if points > 0 else 'lower'} than in the previous period"
        if unit == "count" and row["previous_value"]:
            share = delta / float(row["previous_value"])
            if round(share * 100) == 0:
                return ", as many as in the previous period"
            return (
                f", {abs(share):.0%} {'more' if share > 0 else 'fewer'} than in the previous period"
            )
        return ""

    sentences = [
        f"{text_of('sessions')} sessions{change('sessions')}; {text_of('finished_sessions')}"
        " of them finished."
    ]
    if rows["registrants"]["value"] is not None:
        people = f"{text_of('registrants')} registrants and {text_of('unique_attendees')} attendees"
        if rows["people_reached"]["value"] is not None:
            people += (
                f" (counted per session: {text_of('people_reached')} different people, of whom"
                f" {text_of('repeat_attendee_share')} came to more than one session)"
            )
        sentences.append(people + ".")
    if rows["attendance_rate"]["value"] is not None:
        sentences.append(
            f"Attendance rate {text_of('attendance_rate')}{change('attendance_rate')}."
        )
    if rows["late_start_share"]["value"] is not None:
        sentences.append(
            f"{text_of('late_start_share')} of the started sessions went live late"
            f"{change('late_start_share')}; the median start delay was"
            f" {text_of('median_start_delay_min')}."
        )
    flagged = report.frames["anomalies"]
    if not flagged.is_empty():
        high = flagged.filter(pl.col("severity") == "high")
        common = (
            flagged.group_by("kind").len().sort(["len", "kind"], descending=[True, False]).row(0)
        )
        sentences.append(
            f"{flagged.height:,} anomalies flagged ({high.height:,} high), most often"
            f" {str(common[0]).replace('_', ' ')} ({common[1]:,})."
        )
    return " ".join(sentences)


def metrics_unit(key: str) -> str:
    """The unit of a key figure (``metrics.KPIS``)."""
    return KPIS[key].unit
