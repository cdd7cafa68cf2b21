"""The report as HTML: small component functions, assembled in :func:`render_document`.

Each component takes the report (or a piece of it) and returns a fragment; every value that
came from data goes through ``_escape.text`` (HTML) or ``_escape.script_json`` (chart specs).
Element ids are fixed (``kpi-<key>``, ``chart-<key>``, ``spec-<key>``, section names), so the
document's structure is stable enough to pin with a snapshot.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any, Final
from zoneinfo import ZoneInfo

import polars as pl

from webinar_insights import __version__, metrics
from webinar_insights.charts import CONTROL_CHARACTERS, REPLACEMENT

from ._bundle import file_spec
from ._escape import attr, script_json, text
from ._export import CSV_FORMULA
from ._figures import figure_rows, plain_summary, rates_note, shown_change, withheld_note
from ._format import day_range, local_time, minutes, percent, whole
from ._model import ReportChart, ReportData
from ._pages import JOIN_MINUTES, page_link, page_templates
from ._tables import ANOMALY_ROWS, SEVERITY_ORDER, WEBINAR_ROWS, shown_anomalies

__all__ = ["ANOMALY_ROWS", "DEFINITIONS", "WEBINAR_ROWS", "render_document"]

DEFINITIONS: Final = (
    (
        "Attendance rate",
        "Unique attendees / live registrants of a Finished session with registrants (walk-ins"
        " can push it above 100%). Summed over sessions it is weighted: the sum of unique"
        " attendees over the sum of registrants of the sessions that have a rate.",
    ),
    (
        "No-show rate",
        "Live registrants who never joined / live registrants, weighted the same way.",
    ),
    (
        "Actual start and end",
        "The broadcasting start and end times, else the API's start and end times. A Scheduled"
        " session has no actual start: its start delay, overrun and rates are empty, never 0.",
    ),
    (
        "Start delay and late start",
        "Actual start minus scheduled start (negative: started early). A session is late when"
        " the delay is more than the threshold (5 minutes unless set otherwise).",
    ),
    (
        "Overrun",
        "Actual duration minus scheduled duration of a Finished session (negative: ended early).",
    ),
    (
        "Attendees and people reached",
        "Attendees: the API's unique attendee count of each session, summed over sessions, so"
        " a person at two sessions counts twice. People reached: different people across the"
        " sessions (by the API's user hash, else e-mail address), so that person counts once.",
    ),
    (
        "Time in session and retention (upper bounds)",
        "The API gives each participant's earliest join and latest leave only, so anyone who"
        " left and came back counts as present in between: time in session, retention and peak"
        " concurrency are upper bounds.",
    ),
    (
        "Periods",
        "A session belongs to the period (and the report's range) holding its scheduled start,"
        " seen in the report's time zone.",
    ),
)


def _header(report: ReportData) -> str:
    scope = day_range(report.start, report.end, report.time_zone)
    sections = (
        ("kpis", "Key figures"),
        ("charts", "Charts"),
        ("anomalies", "Anomalies"),
        ("webinars", "Webinars"),
        ("sessions", "Top and bottom sessions"),
        ("notes", "Data notes"),
    )
    links = "".join(f'<li><a href="#{key}">{label}</a></li>' for key, label in sections)
    return (
        '<header id="report-header">\n'
        f"<h1>{text(report.title)}</h1>\n"
        f'<p class="meta">Sessions scheduled {text(scope)} ({text(report.time_zone)});'
        f" compared with {text(day_range(report.previous_start, report.previous_end, report.time_zone))}."
        f" As of {text(local_time(report.as_of, report.time_zone))} ({text(report.time_zone)}).</p>\n"
        f'<p class="meta" id="coverage">{text(report.coverage)}</p>\n'
        f'<p class="lede" id="summary">{text(plain_summary(report))}</p>\n'
        f'<nav aria-label="Sections"><ul>{links}</ul></nav>\n'
        "</header>"
    )


def _filter_bar(report: ReportData) -> str:
    """The filter bar: period, webinar, host and status. The page fills its choices from the
    filter data and shows it once that is read (without JavaScript it stays hidden)."""
    if not report.filtering:
        return ""
    statuses = "".join(
        f'<label class="filter-status-choice"><input type="checkbox" name="status"'
        f' value="{index}" checked> {text(status)}</label>'
        for index, status in enumerate(report.filtering["statuses"])
    )
    return (
        '<form id="filter-bar" class="filter-bar" hidden aria-label="Filter the report">\n'
        '<label>From <input type="date" id="filter-from" name="from"></label>\n'
        '<label>To <input type="date" id="filter-to" name="to"></label>\n'
        '<label>Webinar title has <input type="search" id="filter-webinar" name="webinar"'
        ' list="filter-webinars" autocomplete="off" placeholder="any"></label>'
        '<datalist id="filter-webinars"></datalist>\n'
        '<label>Host <select id="filter-host" name="host"><option value="">any</option>'
        "</select></label>\n"
        f'<fieldset id="filter-statuses"><legend>Status</legend>{statuses}</fieldset>\n'
        '<button type="reset" id="filter-reset">Reset</button>\n'
        '<p id="filter-state" class="filter-state" role="status" aria-live="polite"></p>\n'
        "</form>"
    )


def _kpi_card(figure: dict[str, Any]) -> str:
    basis = f'<div class="kpi-basis">{text(figure["basis"])}</div>' if figure["basis"] else ""
    return (
        f'<li class="kpi" id="kpi-{figure["key"].replace("_", "-")}"'
        f' title="{attr(figure["definition"])}">'
        f'<div class="kpi-label">{text(figure["label"])}</div>'
        f'<div class="kpi-value">{text(figure["text"])}</div>'
        f"{basis}"
        f'<div class="kpi-change {figure["mood"]}" title="{attr(figure["change"])}">'
        f"{text(shown_change(figure))}</div>"
        "</li>"
    )


def _kpi_section(report: ReportData) -> str:
    figures = figure_rows(report)
    cards = "\n".join(_kpi_card(figure) for figure in figures)
    withheld = withheld_note(figures)
    note = rates_note(report)
    return (
        '<section id="kpis" aria-labelledby="kpis-title">\n'
        '<h2 id="kpis-title">Key figures</h2>\n'
        f'<p class="subtle" id="kpis-compared">Change against the previous period of equal length'
        f" ({text(day_range(report.previous_start, report.previous_end, report.time_zone))},"
        f" {report.previous_sessions:,} sessions); pp = percentage points.</p>\n"
        f'<ul class="kpis">\n{cards}\n</ul>\n'
        + (f'<p class="subtle" id="withheld-note">{text(withheld)}</p>\n' if withheld else "")
        + (f'<p class="subtle" id="rates-note">{text(note)}</p>\n' if note else "")
        + "</section>"
    )


def _chart_figure(chart: ReportChart) -> str:
    key = attr(chart.key)
    return (
        f'<figure class="chart" id="figure-{key}">\n'
        f'<div class="chart-body" id="chart-{key}" data-title="{attr(chart.title)}"></div>\n'
        f"<figcaption>{text(chart.caption)}</figcaption>\n"
        "</figure>"
    )


def _charts_section(report: ReportData) -> str:
    figures = "\n".join(_chart_figure(chart) for chart in report.charts)
    return (
        '<section id="charts" aria-labelledby="charts-title">\n'
        '<h2 id="charts-title">Charts</h2>\n'
        "<noscript><p>The charts need JavaScript (it is inside this file; nothing is"
        " downloaded). The tables below work without it.</p></noscript>\n"
        '<p class="notice" id="charts-unfiltered" hidden></p>\n'
        f"{figures}\n"
        "</section>"
    )


_BACKTEST_HEADERS = (
    "Days before start",
    "Sessions predicted",
    "Registrants: forecast error",
    "last session's error",
    "in the 80% interval",
    "Attendees: forecast error",
    "last session's error",
    "in the 80% interval",
)


def _backtest_table(backtest: pl.DataFrame) -> str:
    """How the forecast did on past sessions, beside the last session of the series."""
    rows = []
    for row in backtest.iter_rows(named=True):
        cells = [str(row["horizon_days"]), whole(row["predictions"])]
        for what in ("registrants", "attendees"):
            cells += [
                f"{row[f'{what}_mae']:,.1f}",
                f"{row[f'{what}_baseline_mae']:,.1f}",
                percent(row[f"{what}_coverage"]),
            ]
        rows.append("<tr>" + "".join(f'<td class="num">{text(c)}</td>' for c in cells) + "</tr>")
    header = "".join(f'<th scope="col">{text(h)}</th>' for h in _BACKTEST_HEADERS)
    return (
        '<div class="table-scroll"><table id="backtest-table">\n'
        "<caption>How the forecast did on past sessions: mean absolute error of the forecast"
        " and of the naive forecast (the final counts of the series' last session, else the"
        " program's), and the share of outcomes inside the 80% interval. Each session was"
        " predicted only from sessions that had ended by then.</caption>\n"
        f"<thead><tr>{header}</tr></thead>\n<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _audience_section(report: ReportData) -> str:
    if not report.audience:
        return ""
    figures = "\n".join(_chart_figure(chart) for chart in report.audience)
    method = ""
    if "attendance_forecast" in report.frames:
        method = f'<p class="subtle" id="forecast-method">Forecast: {text(metrics.FORECAST_METHOD)}</p>\n'
    backtest = report.frames.get("backtest")
    table = "" if backtest is None or backtest.is_empty() else _backtest_table(backtest) + "\n"
    return (
        '<section id="audience" aria-labelledby="audience-title">\n'
        '<h2 id="audience-title">Audience</h2>\n'
        '<p class="subtle">Who the sessions reach, where they come from, who comes back, and'
        " what to expect of the upcoming sessions. The filter bar picks the sessions these"
        " charts count; the forecast always learns from every session of the report's data,"
        " and its backtest below is over all of them.</p>\n"
        f"{figures}\n{method}{table}"
        "</section>"
    )


@dataclass(frozen=True, slots=True)
class _Column:
    """A table column: its header, how a cell shows (escaped HTML), and the raw value the page
    sorts by and writes to the table's CSV (``None``: the cell's text)."""

    header: str
    cell: Callable[[Mapping[str, Any]], str]
    kind: str = "text"  # how the page sorts it: "text", "number" or "time"
    value: Callable[[Mapping[str, Any]], Any] | None = None
    sort: Callable[[Mapping[str, Any]], Any] | None = None  # when it differs from the value
    ident: str | None = None  # the row key of an id the CSV carries in a column of its own


def _td(column: _Column, row: Mapping[str, Any]) -> str:
    attributes = ' class="num"' if column.kind == "number" else ""
    for name, read in (("value", column.value), ("sort", column.sort)):
        if read is not None:
            raw = read(row)
            attributes += f' data-{name}="{attr("" if raw is None else raw)}"'
    if column.ident is not None:
        attributes += f' data-id="{attr(row.get(column.ident))}"'
    return f"<td{attributes}>{column.cell(row)}</td>"


def _table(
    columns: Sequence[_Column], rows: Iterable[Mapping[str, Any]], *, caption: str, key: str
) -> str:
    """A table the page makes sortable (a button per header) and downloadable (a CSV of the
    rows as shown, in the order shown); without JavaScript it is a plain table."""
    head = "".join(
        f'<th scope="col" data-kind="{column.kind}"'
        + (' class="num"' if column.kind == "number" else "")
        + (f' data-id-header="{attr(column.header)} id"' if column.ident else "")
        + f">{text(column.header)}</th>"
        for column in columns
    )
    body = "\n".join("<tr>" + "".join(_td(c, row) for c in columns) + "</tr>" for row in rows)
    # In a scrolling box: a wide table scrolls on a phone instead of widening the page.
    return (
        f'<div class="table-scroll" role="region" aria-label="{attr(caption)}" tabindex="0">'
        f'<table id="table-{key}" data-table="{attr(key)}">\n<caption>{text(caption)}</caption>\n'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table></div>"
    )


def _titled(header: str, title_key: str, id_key: str, pages: Container[str] = ()) -> _Column:
    """A title with its id under it; the CSV has the two in columns of their own. A session
    with a page in ``pages`` links to it."""

    def cell(row: Mapping[str, Any]) -> str:
        shown = text(row.get(title_key) or "(untitled)")
        ident = row.get(id_key)
        if isinstance(ident, str) and ident in pages:
            shown = f'<a class="session-link" href="{attr(page_link(ident))}">{shown}</a>'
        return f'{shown}<span class="id">{text(ident)}</span>'

    return _Column(header, cell, value=lambda row: row.get(title_key) or "", ident=id_key)


def _plain(key: str, show: Callable[[Any], str] = str) -> Callable[[Mapping[str, Any]], str]:
    def cell(row: Mapping[str, Any]) -> str:
        value = row.get(key)
        return text("–" if value is None else show(value))

    return cell


def _words(header: str, key: str, show: Callable[[Any], str] = str) -> _Column:
    """Text, exported as shown (empty when missing, where the page shows a dash)."""

    def raw(row: Mapping[str, Any]) -> str | None:
        value = row.get(key)
        return None if value is None else show(value)

    return _Column(header, _plain(key, show), value=raw)


def _number(header: str, key: str, show: Callable[[Any], str]) -> _Column:
    """A number shown formatted, sorted and exported as itself (a rate as a fraction: 0.25)."""

    def raw(row: Mapping[str, Any]) -> Any:
        value = row.get(key)
        return None if value is None else repr(float(value)) if isinstance(value, float) else value

    return _Column(header, _plain(key, show), kind="number", value=raw)


def _moment(header: str, key: str, zone: str) -> _Column:
    """A time shown in the report's zone; sorted and exported as ISO 8601 with its offset."""

    def raw(row: Mapping[str, Any]) -> str | None:
        value: datetime | None = row.get(key)
        if value is None:
            return None
        return value.astimezone(ZoneInfo(zone)).isoformat(timespec="minutes")

    return _Column(
        f"{header} ({zone})", _plain(key, lambda v: local_time(v, zone)), kind="time", value=raw
    )


def _anomalies_section(report: ReportData) -> str:
    frame = report.frames["anomalies"]
    if frame.is_empty():
        body = "<p>No session was flagged.</p>"
    else:
        counts = (
            frame.group_by("kind")
            .agg(pl.len().alias("n"), (pl.col("severity") == "high").sum().alias("high"))
            .with_columns(
                order=pl.col("kind").replace_strict(
                    list(metrics.ANOMALY_KINDS),
                    list(range(len(metrics.ANOMALY_KINDS))),
                    default=99,
                    return_dtype=pl.Int64,
                )
            )
            .sort("order", "kind")
        )
        chips = "".join(
            f"<li>{text(row['kind'].replace('_', ' '))}: {row['n']:,}"
            + (f" ({row['high']:,} high)" if row["high"] else "")
            + "</li>"
            for row in counts.iter_rows(named=True)
        )
        shown = shown_anomalies(frame, ANOMALY_ROWS)
        zone = report.time_zone
        columns = (
            _Column(
                "Severity",
                lambda r: (
                    f'<span class="severity severity-{attr(r["severity"])}">'
                    f"{text(r['severity'])}</span>"
                ),
                value=lambda r: r["severity"],
                sort=lambda r: SEVERITY_ORDER.get(r["severity"], len(SEVERITY_ORDER)),
            ),
            _moment("Scheduled", "scheduled_start", zone),
            _titled("Session", "session_title", "session_id", report.pages),
            _titled("Webinar", "webinar_title", "webinar_id"),
            _words("Kind", "kind", lambda v: str(v).replace("_", " ")),
            _words("Reason", "reason"),
        )
        more = (
            f"Showing the {ANOMALY_ROWS} most severe and recent of {frame.height:,};"
            " --export-data writes all of them (anomalies.csv)."
            if frame.height > ANOMALY_ROWS
            else f"All {frame.height:,} flags."
        )
        body = f'<ul class="chips" id="anomaly-kinds">{chips}</ul>\n' + _table(
            columns, shown.iter_rows(named=True), caption=more, key="anomalies"
        )
    return (
        '<section id="anomalies" aria-labelledby="anomalies-title">\n'
        '<h2 id="anomalies-title">Anomalies</h2>\n'
        '<p class="subtle">Sessions worth a look, with the reason each was flagged (late'
        " start, overrun, no attendees, failed recording, attendance far below the series'"
        " usual, bad participant data).</p>\n"
        f"{body}\n</section>"
    )


def _webinars_section(report: ReportData) -> str:
    frame = report.frames["webinars"]
    columns = (
        _titled("Webinar", "webinar_title", "webinar_id"),
        _number("Sessions", "sessions", whole),
        _number("Finished", "finished_sessions", whole),
        _number("Registrants", "registrants", whole),
        _number("Unique attendees", "unique_attendees", whole),
        _number("Attendance rate", "attendance_rate", percent),
        _number("Median delay (min)", "median_start_delay_min", minutes),
        _number("Late starts", "late_start_share", percent),
        _number("Mean duration (min)", "mean_actual_duration_min", minutes),
    )
    caption = (
        f"The {WEBINAR_ROWS} webinars with the most sessions of {frame.height:,};"
        " --export-data writes all of them (webinars.csv)."
        if frame.height > WEBINAR_ROWS
        else f"All {frame.height:,} webinars, most sessions first."
    )
    return (
        '<section id="webinars" aria-labelledby="webinars-title">\n'
        '<h2 id="webinars-title">Webinars (series)</h2>\n'
        '<p class="subtle">One row per webinar; a webinar holds one or more sessions. Rates are'
        " weighted over its sessions.</p>\n"
        + _table(
            columns, frame.head(WEBINAR_ROWS).iter_rows(named=True), caption=caption, key="webinars"
        )
        + "\n</section>"
    )


def _sessions_section(report: ReportData) -> str:
    zone = report.time_zone
    columns = (
        _titled("Session", "session_title", "session_id", report.pages),
        _titled("Webinar", "webinar_title", "webinar_id"),
        _words("Host", "host"),
        _moment("Scheduled", "scheduled_start", zone),
        _number("Registrants", "registrant_count", whole),
        _number("Unique attendees", "unique_attendee_count", whole),
        _number("Attendance rate", "attendance_rate", percent),
        _number("Start delay (min)", "start_delay_min", minutes),
        _number("Duration (min)", "actual_duration_min", minutes),
    )
    parts = []
    for key, heading in (
        ("top_sessions", "Highest attendance rate"),
        ("bottom_sessions", "Lowest attendance rate"),
    ):
        frame = report.frames[key]
        caption = f"{frame.height:,} sessions." if not frame.is_empty() else "No session qualifies."
        parts.append(
            f"<h3>{text(heading)}</h3>\n"
            + _table(
                columns,
                frame.iter_rows(named=True),
                caption=caption,
                key=key.replace("_", "-"),
            )
        )
    return (
        '<section id="sessions" aria-labelledby="sessions-title">\n'
        '<h2 id="sessions-title">Top and bottom sessions</h2>\n'
        f'<p class="subtle">The {report.top} Finished sessions with the highest and the lowest'
        " attendance rate, among those with at least 10 registrants (with fewer than"
        f" {2 * report.top}, the better half and the rest).</p>\n"
        + "\n".join(parts)
        + "\n</section>"
    )


def _privacy(report: ReportData) -> str:
    people = "Participants' and registrants' names and e-mail addresses are not in this report."
    if report.pseudonymize_hosts:
        return (
            "<p>Personal data: none. Hosts appear as \u201cHost 1\u201d, \u201cHost 2\u201d and"
            " so on, numbered in the order of their first session; no host name or user id is"
            f" in this file. {people}</p>"
        )
    return (
        "<p>Personal data: host names only. Hosts appear by name, as the organisation's staff"
        f" acting in their role. {people} For a report shared outside the organisation,"
        " <code>--pseudonymize-hosts</code> (or <code>pseudonymize_hosts=True</code>) shows"
        " hosts as \u201cHost 1\u201d, \u201cHost 2\u201d and so on.</p>"
    )


def _stamp(value: Any) -> str:
    """A stored ISO time as "2026-11-24 03:10 UTC"; anything else as it is."""
    if not isinstance(value, str):
        return "–" if value is None else str(value)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        return f"{moment:%Y-%m-%d %H:%M}"
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _provenance(provenance: Mapping[str, Any] | None, time_zone: str) -> str:
    if provenance is None:
        return (
            '<div id="provenance"><h3>Provenance</h3>'
            "<p>Built from frames passed in directly, not from a store: no sync record.</p></div>"
        )
    syncs = list(provenance.get("syncs") or [])
    windows = list(provenance.get("windows") or [])
    lines = []
    if syncs:
        total = sum(int(s.get("requests") or 0) for s in syncs)
        last = syncs[-1]
        lines.append(
            f"<p>Synced {len(syncs):,} time{'s' if len(syncs) != 1 else ''},"
            f" {total:,} API requests in all. Last sync: started {text(_stamp(last.get('started')))},"
            f" finished {text(_stamp(last.get('finished')) if last.get('finished') else 'not finished')}, depth"
            f" {text(last.get('depth'))}, {whole(last.get('requests'))} requests.</p>"
        )
        rows = syncs[-10:]
        columns = (
            _Column("Started", _plain("started", _stamp)),
            _Column("Finished", _plain("finished", _stamp)),
            _Column("Range from", _plain("start", _stamp)),
            _Column("Range to", _plain("end", _stamp)),
            _Column("Depth", _plain("depth")),
            _number("Requests", "requests", whole),
        )
        caption = (
            f"The last 10 of {len(syncs):,} syncs."
            if len(syncs) > 10
            else "Every sync of the store."
        )
        lines.append(_table(columns, rows, caption=caption, key="syncs"))
    else:
        lines.append("<p>The store records no sync.</p>")
    if windows:
        keys = [str(w.get("window")) for w in windows]
        listed = [str(w.get("listed_at")) for w in windows if w.get("listed_at")]
        lines.append(
            f"<p>Session-list windows held: {len(keys):,} ({text(keys[0])} to"
            f" {text(keys[-1])}), listed between {text(_stamp(min(listed)) if listed else '–')}"
            f" and {text(_stamp(max(listed)) if listed else '–')}.</p>"
        )
    return '<div id="provenance"><h3>Provenance</h3>\n' + "\n".join(lines) + "\n</div>"


def _notes_section(report: ReportData) -> str:
    definitions = "\n".join(
        f"<dt>{text(term)}</dt><dd>{text(meaning)}</dd>" for term, meaning in DEFINITIONS
    )
    filters = (
        "; ".join(f"{text(name)}: {text(', '.join(values))}" for name, values in report.filters)
        or "none"
    )
    notes = "".join(f'<p class="notice">{text(note)}</p>' for note in report.notes)
    scope = day_range(report.start, report.end, report.time_zone)
    return (
        '<section id="notes" aria-labelledby="notes-title">\n'
        '<h2 id="notes-title">Data notes</h2>\n'
        f"{notes}\n"
        f"<p>Range: sessions scheduled {text(scope)} in {text(report.time_zone)}"
        f" ({report.kpis.get('sessions') or 0:,} sessions). Filters: {filters}.</p>\n"
        f"{_privacy(report)}\n"
        f'<dl class="definitions">\n{definitions}\n</dl>\n'
        f"{_provenance(report.provenance, report.time_zone)}\n"
        "</section>"
    )


def _footer(report: ReportData) -> str:
    return (
        '<footer class="meta" id="report-footer">'
        f"<p>Made by webinar_insights {text(__version__)} from RingCentral Webinar API data."
        " This file is self-contained: it loads nothing from the network.</p></footer>"
    )


@cache
def _asset(name: str) -> str:
    return (resources.files(__package__) / "assets" / name).read_text(encoding="utf-8")


def packed(value: Any) -> str:
    """``value`` as gzip-compressed JSON in base64 (the page inflates it with the browser's own
    ``DecompressionStream``): per-session columns shrink about fourfold. Base64 holds no
    character that could end the script element."""
    data = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return base64.b64encode(gzip.compress(data.encode("utf-8"), compresslevel=6, mtime=0)).decode(
        "ascii"
    )


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_document(report: ReportData, *, bundle: str) -> str:
    """The whole document: head, the sections in reading order, the specs and the scripts.

    The Content-Security-Policy lets only the two scripts of this file run (by hash) and
    forbids every request (``default-src 'none'``); Vega needs ``'unsafe-eval'`` for its
    expression language.
    """
    glue = _asset("report.js")
    filtering = _asset("filter.js")
    css = _asset("report.css")
    policy = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_csp_hash(bundle)} {_csp_hash(glue)} {_csp_hash(filtering)}"
            " 'unsafe-eval'",
            "style-src 'unsafe-inline'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    body = "\n".join(
        [
            _header(report),
            _filter_bar(report),
            "<main>",
            _kpi_section(report),
            _charts_section(report),
            _audience_section(report),
            _anomalies_section(report),
            _webinars_section(report),
            _sessions_section(report),
            _notes_section(report),
            "</main>",
            '<section id="session-page" class="session-page" hidden'
            ' aria-label="Session"></section>',
            _footer(report),
        ]
    )
    specs = "\n".join(
        f'<script type="application/json" id="spec-{attr(chart.key)}"'
        f' data-chart="{attr(chart.key)}">{script_json(file_spec(chart.chart))}</script>'
        for chart in (*report.charts, *report.audience)
    )
    # The rules the page's table downloads follow: the same as --export-data's CSV files.
    config = {
        "csvFormula": CSV_FORMULA,
        "csvControl": CONTROL_CHARACTERS,
        "csvReplacement": REPLACEMENT,
    }
    specs += f'\n<script type="application/json" id="report-config">{script_json(config)}</script>'
    if report.pages:
        pages = {
            "templates": page_templates(),
            "joinsFrom": JOIN_MINUTES[0],
            "sessions": dict(report.pages),
        }
        specs += (
            f'\n<script type="application/json" id="session-pages">{script_json(pages)}</script>'
        )
    if report.filtering:
        specs += (
            '\n<script type="application/octet-stream" id="filter-data" data-encoding="gzip+base64">'
            f"{packed(dict(report.filtering))}</script>"
        )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{attr(policy)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="webinar_insights">\n'
        f"<title>{text(report.title)}</title>\n"
        f"<style>\n{css}</style>\n"
        "</head>\n<body>\n"
        f"{body}\n"
        f"{specs}\n"
        f'<script id="vega-bundle">{bundle}</script>\n'
        f'<script id="report-script">{glue}</script>\n'
        f'<script id="filter-script">{filtering}</script>\n'
        "</body>\n</html>\n"
    )
