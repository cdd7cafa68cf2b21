"""The ipywidgets dashboard of a webinar program: ``display(Dashboard(store))``.

Controls filter the sessions (date range, webinars, hosts, statuses), choose the time zone the
dates and charts are read in, and set the late-start threshold. A KPI strip and the main charts
follow them; "Export report" writes the offline HTML report of exactly what is shown, "Download
CSV" saves the shown sessions, and, with a client, "Refresh" syncs the store and redraws.

State
-----
The applied state is one frozen :class:`Filters` value (:attr:`Dashboard.filters`), read from the
controls in one place. Everything shown is derived from it: :meth:`Dashboard.filtered`,
:meth:`Dashboard.kpis`, :meth:`Dashboard.charts` and the exports, each cached per value, so a
control set back to where it was costs nothing.

Updates
-------
A control change schedules one refresh ``debounce`` seconds later (on the kernel's event loop,
else a timer thread); further changes within that time push it back, so dragging the slider
redraws once. ``debounce=0`` refreshes inside the change itself (scripts and tests), and
:meth:`Dashboard.refresh_now` applies a pending change at once. A chart's ``Output`` gets its new
content in one message (its output list is replaced, never cleared first), so nothing flickers.
Only the chart on the open tab is rebuilt at once; another tab's chart when it is opened (or when
:meth:`Dashboard.charts` asks for it).

Examples
--------
>>> from webinar_insights import Store
>>> from webinar_insights.widgets import Dashboard
>>> dashboard = Dashboard(Store("webinar-data"), time_zone="Europe/Berlin")  # doctest: +SKIP
>>> display(dashboard)  # doctest: +SKIP
>>> dashboard.filtered().height  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import threading
import zoneinfo
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final, Literal, TypeAlias

import altair as alt
import ipywidgets as widgets
import polars as pl

from webinar_insights import charts, metrics, schemas
from webinar_insights._time import TimeLike, to_utc, zone_key
from webinar_insights.client import Client
from webinar_insights.errors import ConfigurationError
from webinar_insights.report import Report, build_report, report_range, write_safe_csv
from webinar_insights.store import Store
from webinar_insights.sync import DEPTHS, Depth, SyncSummary, refresh_plan, sync
from webinar_insights.theme import ACCENT, FONT, MUTED, PALETTE

__all__ = [
    "CHART_NAMES",
    "STATUSES",
    "ChartName",
    "Controls",
    "Dashboard",
    "Filters",
]

logger = logging.getLogger("webinar_insights")

ChartName: TypeAlias = Literal[
    "attendance_rate", "start_delay", "overrun", "status_timeline", "weekday_hour"
]
"""The names of the dashboard's charts (keys of :meth:`Dashboard.charts`)."""

CHART_NAMES: Final[tuple[ChartName, ...]] = (
    "attendance_rate",
    "start_delay",
    "overrun",
    "status_timeline",
    "weekday_hour",
)
"""The dashboard's charts, in tab order."""

STATUSES: Final[tuple[str, ...]] = tuple(schemas.SESSION_STATUS.categories.to_list())
"""Session statuses, in the order of ``schemas.SESSION_STATUS``."""

Source: TypeAlias = Store | pl.DataFrame | Mapping[str, pl.DataFrame]

_TAB_TITLES: Final[Mapping[ChartName, str]] = {
    "attendance_rate": "Attendance",
    "start_delay": "Start delay",
    "overrun": "Overrun",
    "status_timeline": "Timeline",
    "weekday_hour": "Weekday × hour",
}
_DEFAULT_LATE_AFTER: Final = timedelta(minutes=5)
_MAX_POINTS = 1_000  # attendance points drawn at most, as in the report (the trend uses all)
_NO_HOST = ""  # the host key of a session with neither a host user id nor a host name
_FRAME_KEYS: Final = ("sessions", "registrants", "participants")


def _host_key() -> pl.Expr:
    """What a host filter matches: the host user id, else the host name, else ``""``."""
    return pl.coalesce(pl.col("host_user_id"), pl.col("host_name"), pl.lit(_NO_HOST))


def _moment() -> pl.Expr:
    """When a session happens for the date range: scheduled start, else actual start (as the
    report counts it)."""
    return pl.coalesce(pl.col("scheduled_start"), pl.col("actual_start"))


@dataclass(frozen=True, slots=True)
class Filters:
    """What the dashboard shows: the one value its controls are read into.

    Parameters
    ----------
    start, end:
        The first and last day shown (both included), in ``time_zone``; None leaves that end
        open. A session's day is that of its scheduled start (its actual start when the
        schedule is unknown), as in the report.
    webinars:
        Webinar (series) ids to show; empty: all.
    hosts:
        Hosts to show, by host user id (a host without one: by name); empty: all.
    statuses:
        Statuses to show; all three (the default) applies no status filter, so a session whose
        status is unknown (null) is shown too.
    time_zone:
        IANA name the days are cut in and times are shown in.
    late_after:
        A start more than this after the scheduled start is late.
    """

    start: date | None = None
    end: date | None = None
    webinars: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    statuses: tuple[str, ...] = STATUSES
    time_zone: str = "UTC"
    late_after: timedelta = _DEFAULT_LATE_AFTER

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
                raise ConfigurationError(
                    f"{name} must be a datetime.date (e.g. date(2026, 3, 1)) or None, not {value!r}"
                )
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ConfigurationError(
                f"the date range is reversed: start {self.start} is after end {self.end}"
            )
        unknown = [s for s in self.statuses if s not in STATUSES]
        if unknown:
            raise ConfigurationError(
                f"unknown status(es) {', '.join(map(repr, unknown))}; use {', '.join(STATUSES)}"
            )
        object.__setattr__(self, "statuses", tuple(s for s in STATUSES if s in self.statuses))
        object.__setattr__(self, "webinars", tuple(self.webinars))
        object.__setattr__(self, "hosts", tuple(self.hosts))
        object.__setattr__(self, "time_zone", zone_key(self.time_zone))
        if not isinstance(self.late_after, timedelta) or self.late_after < timedelta(0):
            raise ConfigurationError(
                f"late_after must be a timedelta of 0 or more (e.g. timedelta(minutes=5)), not"
                f" {self.late_after!r}"
            )

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """``[lower, upper)`` in UTC: local midnight of ``start`` and of the day after ``end``
        (``report.report_range``, so the dashboard and its report cut days alike)."""
        return report_range(self.start, self.end, time_zone=self.time_zone)

    def rows_key(self) -> tuple[Any, ...]:
        """What decides which sessions are shown (the time zone only when a day bound is set)."""
        return (*self.bounds(), self.webinars, self.hosts, self.statuses)

    def apply(self, sessions: pl.DataFrame) -> pl.DataFrame:
        """The sessions these filters show (``sessions``: a frame from ``session_metrics``)."""
        conditions: list[pl.Expr] = []
        lower, upper = self.bounds()
        if lower is not None:
            conditions.append(_moment() >= lower)
        if upper is not None:
            conditions.append(_moment() < upper)
        if self.webinars:
            conditions.append(pl.col("webinar_id").is_in(list(self.webinars)))
        if self.hosts:
            conditions.append(_host_key().is_in(list(self.hosts)))
        if self.statuses != STATUSES:
            conditions.append(pl.col("status").cast(pl.String).is_in(list(self.statuses)))
        return sessions.filter(*conditions) if conditions else sessions

    def describe(self) -> str:
        """One line for status bars and reprs, e.g. ``2026-01-01 to 2026-03-31 (UTC)``."""
        first = self.start.isoformat() if self.start else "first"
        last = self.end.isoformat() if self.end else "last"
        parts = [f"{first} to {last} ({self.time_zone})"]
        if self.webinars:
            parts.append(f"{len(self.webinars)} webinar(s)")
        if self.hosts:
            parts.append(f"{len(self.hosts)} host(s)")
        if self.statuses != STATUSES:
            parts.append("status " + "/".join(self.statuses) if self.statuses else "no status")
        parts.append(f"late after {_minutes(self.late_after):g} min")
        return "; ".join(parts)


def _minutes(value: timedelta) -> float:
    return value / timedelta(minutes=1)


def _as_timedelta(value: object) -> Any:
    """A threshold given in minutes (a number) as a timedelta; anything else as it is, for
    :class:`Filters` to check."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(minutes=value)
    return value


@dataclass(frozen=True, slots=True, eq=False)
class Controls:
    """The dashboard's widgets (set their ``value`` as a user would; buttons: ``.click()``)."""

    start: Any  # widgets.DatePicker
    end: Any  # widgets.DatePicker
    webinars: Any  # widgets.TagsInput: labels of Dashboard.webinar_choices
    hosts: Any  # widgets.TagsInput: labels of Dashboard.host_choices
    statuses: Any  # widgets.SelectMultiple
    time_zone: Any  # widgets.Combobox
    late_after: Any  # widgets.FloatSlider, minutes
    export_report: Any  # widgets.Button
    download_csv: Any  # widgets.Button
    refresh: Any  # widgets.Button (shown only with a client)

    def inputs(self) -> tuple[Any, ...]:
        """The widgets whose ``value`` the filters are read from."""
        return (
            self.start,
            self.end,
            self.webinars,
            self.hosts,
            self.statuses,
            self.time_zone,
            self.late_after,
        )


# ---------------------------------------------------------------------------------------------
# The KPI strip.

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


def _kpi_html(kpis: Mapping[str, float | int | None], late_after: timedelta) -> str:
    cards = []
    for key, label, kind, definition in _KPI_CARDS:
        if key == "late_start_share":
            label = f"{label} (&gt; {_minutes(late_after):g} min)"
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


def _note_html(text: str, *, error: bool = False) -> str:
    color = ACCENT if error else MUTED
    return f'<div style="color:{color};font-size:12px">{text}</div>'


# ---------------------------------------------------------------------------------------------
# Charts.


def _chart_params(name: ChartName, filters: Filters, now: datetime | None) -> tuple[Any, ...]:
    """What, besides the rows shown, a chart depends on (its cache key)."""
    if name == "start_delay":
        return (filters.late_after,)
    if name == "overrun":
        return ()
    if name == "status_timeline":
        return (filters.time_zone, now)
    return (filters.time_zone,)


def _build_chart(
    name: ChartName, frame: pl.DataFrame, filters: Filters, now: datetime | None
) -> charts.AnyChart:
    if name == "attendance_rate":
        return charts.attendance_rate_chart(
            frame, time_zone=filters.time_zone, max_points=_MAX_POINTS
        )
    if name == "start_delay":
        return charts.start_delay_chart(frame, late_after=filters.late_after)
    if name == "overrun":
        return charts.overrun_chart(frame)
    if name == "status_timeline":
        return charts.status_timeline_chart(frame, now=now, time_zone=filters.time_zone)
    return charts.weekday_hour_chart(frame, time_zone=filters.time_zone)


def _display_data(chart: charts.AnyChart, name: str) -> dict[str, Any]:
    """One Jupyter ``display_data`` output of a chart, through Altair's active renderer.

    Not validated against the Vega-Lite schema again: the charts module's tests validate every
    chart's spec, and validation is a third of a redraw at 100,000 sessions.
    """
    spec = chart.to_dict(validate=False)
    renderer = alt.renderers.get()
    bundle: Any = renderer(spec) if renderer is not None else {}
    data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
    data = dict(data or {})
    data.setdefault("text/plain", f"<{name} chart>")
    return {"output_type": "display_data", "data": data, "metadata": dict(metadata or {})}


# ---------------------------------------------------------------------------------------------
# The dashboard.


@dataclass(frozen=True, slots=True)
class _Data:
    """What the dashboard was given, read once (again after a refresh)."""

    base: pl.DataFrame  # session_metrics(sessions, registrants=...) at the default threshold
    registrants: pl.DataFrame | None
    participants: pl.DataFrame | None
    version: int


class Dashboard:
    """An interactive dashboard of a webinar program, for Jupyter (``display(dashboard)``).

    Parameters
    ----------
    source:
        A :class:`~webinar_insights.Store`, a sessions frame, or a mapping with ``"sessions"``
        and optionally ``"registrants"`` and ``"participants"`` frames. Registrants fill the
        no-show rate; participants go into the exported report (retention, funnel).
    client:
        A :class:`~webinar_insights.Client` (``Client.from_env()`` for the real API): adds a
        "Refresh" button that syncs ``source`` (which must then be a store) incrementally.
    title:
        Heading of the dashboard and title of the exported report.
    start, end, webinars, hosts, statuses, time_zone, late_after:
        The controls' initial values (see :class:`Filters`); ``late_after`` may be given in
        minutes.
    now:
        The clock: Active sessions are drawn up to it, a refresh syncs up to 40 days after it,
        and the report is "as of" it. Default: the current time whenever it is needed.
    debounce:
        Seconds to wait after a control change before redrawing (changes within it coalesce);
        0 redraws inside the change.
    export_dir:
        Folder the export buttons write into (default ``reports``).
    sync_range, depth:
        What "Refresh" syncs: default the range and depth of the store's earlier syncs, the
        range's end moved to at least 40 days after ``now`` so new sessions come in.

    Raises
    ------
    ConfigurationError
        A bad source, initial value, or a client without a store.
    StoreError
        The store cannot be read (e.g. it was never synced).
    """

    def __init__(
        self,
        source: Source,
        *,
        client: Client | None = None,
        title: str | None = None,
        start: date | None = None,
        end: date | None = None,
        webinars: Sequence[str] = (),
        hosts: Sequence[str] = (),
        statuses: Sequence[str] = STATUSES,
        time_zone: str = "UTC",
        late_after: timedelta | float = _DEFAULT_LATE_AFTER,
        now: TimeLike | None = None,
        debounce: float = 0.3,
        export_dir: str | os.PathLike[str] = "reports",
        sync_range: tuple[TimeLike, TimeLike] | None = None,
        depth: Depth | None = None,
    ) -> None:
        initial = Filters(
            start=start,
            end=end,
            webinars=tuple(webinars),
            hosts=tuple(hosts),
            statuses=tuple(statuses),
            time_zone=time_zone,
            late_after=_as_timedelta(late_after),
        )
        if isinstance(debounce, bool) or not isinstance(debounce, int | float) or debounce < 0:
            raise ConfigurationError(f"debounce must be 0 or more seconds, not {debounce!r}")
        if depth is not None and depth not in DEPTHS:
            raise ConfigurationError(f"depth must be one of {', '.join(DEPTHS)}, not {depth!r}")
        self._source = source
        self._store = source if isinstance(source, Store) else None
        if client is not None and self._store is None:
            raise ConfigurationError(
                "a client needs a store to sync into: Dashboard(Store(...), client=client)"
            )
        self._client = client
        self._title = title
        self._now = None if now is None else to_utc(now, name="now")
        self._debounce = float(debounce)
        self._export_dir = Path(export_dir)
        self._sync_range = sync_range
        self._depth = depth
        self._lock = threading.RLock()
        self._pending: asyncio.TimerHandle | threading.Timer | None = None
        self._holding = 0
        self._version = 0
        self._data = self._read(source)
        self._derived: tuple[tuple[Any, ...], pl.DataFrame] | None = None
        self._frame: tuple[tuple[Any, ...], pl.DataFrame] | None = None
        self._kpis: tuple[tuple[Any, ...], dict[str, float | int | None]] | None = None
        self._built: dict[ChartName, tuple[tuple[Any, ...], charts.AnyChart]] = {}
        self._shown: dict[ChartName, tuple[Any, ...]] = {}
        self._webinar_choices: dict[str, str] = {}
        self._host_choices: dict[str, str] = {}
        self._filters = initial
        self._build_widgets(initial)
        self.refresh_now()

    # -- data -----------------------------------------------------------------------------------
    def _read(self, source: Source) -> _Data:
        registrants: pl.DataFrame | None = None
        participants: pl.DataFrame | None = None
        if isinstance(source, Store):
            sessions = source.sessions()
            registrants = source.registrants()
        elif isinstance(source, pl.DataFrame):
            sessions = source
        elif isinstance(source, Mapping):
            unknown = [key for key in source if key not in _FRAME_KEYS]
            if unknown or "sessions" not in source:
                raise ConfigurationError(
                    "frames must be a mapping with a 'sessions' frame and optionally"
                    f" 'registrants' and 'participants', not keys {sorted(map(str, source))}"
                )
            sessions = source["sessions"]
            registrants = source.get("registrants")
            participants = source.get("participants")
            for name, frame in (("registrants", registrants), ("participants", participants)):
                if frame is not None and not isinstance(frame, pl.DataFrame):
                    raise ConfigurationError(
                        f"{name} must be a polars DataFrame, not {type(frame).__name__}"
                    )
        else:
            raise ConfigurationError(
                "Dashboard needs a Store, a sessions DataFrame or a mapping of frames, not"
                f" {type(source).__name__}"
            )
        if not isinstance(sessions, pl.DataFrame):
            raise ConfigurationError(
                f"sessions must be a polars DataFrame, not {type(sessions).__name__}"
            )
        if registrants is not None and registrants.is_empty():
            registrants = None
        base = metrics.session_metrics(sessions, registrants=registrants)
        self._version += 1
        return _Data(base, registrants, participants, self._version)

    def reload(self) -> None:
        """Read the source again (e.g. after a sync elsewhere) and redraw."""
        with self._lock:
            self._data = self._read(self._source)
            self._update_choices()
            self.refresh_now()

    # -- widgets --------------------------------------------------------------------------------
    def _build_widgets(self, initial: Filters) -> None:
        wide = widgets.Layout(width="420px")
        self.controls = Controls(
            start=widgets.DatePicker(
                value=initial.start, description="From", layout=widgets.Layout(width="240px")
            ),
            end=widgets.DatePicker(
                value=initial.end, description="To", layout=widgets.Layout(width="240px")
            ),
            webinars=widgets.TagsInput(
                value=[],
                allowed_tags=[],
                allow_duplicates=False,
                placeholder="type to search webinars (empty: all)",
                description="Webinars",
                layout=wide,
            ),
            hosts=widgets.TagsInput(
                value=[],
                allowed_tags=[],
                allow_duplicates=False,
                placeholder="type to search hosts (empty: all)",
                description="Hosts",
                layout=wide,
            ),
            statuses=widgets.SelectMultiple(
                options=list(STATUSES),
                value=initial.statuses,
                rows=len(STATUSES),
                description="Status",
                layout=widgets.Layout(width="240px"),
            ),
            time_zone=widgets.Combobox(
                value=initial.time_zone,
                options=sorted(zoneinfo.available_timezones() | {initial.time_zone}),
                ensure_option=True,
                description="Time zone",
                layout=widgets.Layout(width="300px"),
            ),
            late_after=widgets.FloatSlider(
                value=_minutes(initial.late_after),
                min=0.0,
                max=max(60.0, _minutes(initial.late_after)),
                step=0.5,
                description="Late after",
                readout_format=".1f",
                continuous_update=True,
                layout=widgets.Layout(width="300px"),
            ),
            export_report=widgets.Button(
                description="Export report",
                icon="file-code-o",
                tooltip="Write the offline HTML report of what is shown",
            ),
            download_csv=widgets.Button(
                description="Download CSV",
                icon="download",
                tooltip="Save the sessions shown as CSV",
            ),
            refresh=widgets.Button(
                description="Refresh",
                icon="refresh",
                tooltip="Sync the store incrementally and redraw",
                disabled=self._client is None,
            ),
        )
        self._update_choices(initial)
        for control in self.controls.inputs():
            control.observe(self._on_change, names="value")
        self.controls.export_report.on_click(self._on_export)
        self.controls.download_csv.on_click(self._on_csv)
        self.controls.refresh.on_click(self._on_refresh)

        self._heading = widgets.HTML(
            f'<h3 style="margin:4px 0">{html.escape(self._title or "Webinar program")}</h3>'
        )
        self._status = widgets.HTML()
        self._kpi_strip = widgets.HTML()
        self._message = widgets.HTML()
        self._outputs: dict[ChartName, Any] = {
            name: widgets.Output(layout=widgets.Layout(min_height="380px")) for name in CHART_NAMES
        }
        self._tabs = widgets.Tab(
            children=[self._outputs[name] for name in CHART_NAMES],
            titles=[_TAB_TITLES[name] for name in CHART_NAMES],
            selected_index=0,
        )
        self._tabs.observe(self._on_tab, names="selected_index")
        self._progress = widgets.IntProgress(
            value=0,
            min=0,
            max=3,
            description="",
            layout=widgets.Layout(visibility="hidden", width="260px"),
        )
        self._sync_log = widgets.Output()
        c = self.controls
        buttons = [c.export_report, c.download_csv]
        if self._client is not None:
            buttons += [c.refresh, self._progress]
        self.widget = widgets.VBox(
            [
                self._heading,
                widgets.HBox(
                    [
                        widgets.VBox([c.start, c.end]),
                        widgets.VBox([c.time_zone, c.late_after]),
                        c.statuses,
                    ]
                ),
                widgets.HBox([c.webinars, c.hosts]),
                widgets.HBox(buttons),
                self._status,
                self._kpi_strip,
                self._tabs,
                self._message,
                self._sync_log,
            ]
        )

    def _update_choices(self, initial: Filters | None = None) -> None:
        """Fill the webinar and host pickers from the data, keeping (or setting) the picks."""
        base = self._data.base
        webinars = (
            base.filter(pl.col("webinar_id").is_not_null())
            .group_by("webinar_id")
            .agg(pl.col("webinar_title").drop_nulls().first())
            .sort("webinar_title", "webinar_id", nulls_last=True)
        )
        self._webinar_choices = _labelled(
            webinars.get_column("webinar_id").to_list(),
            webinars.get_column("webinar_title").to_list(),
        )
        hosts = (
            base.group_by(_host_key().alias("key"))
            .agg(pl.col("host_name").drop_nulls().first())
            .sort("host_name", "key", nulls_last=True)
        )
        keys = hosts.get_column("key").to_list()
        names = [
            name or ("(no host)" if key == _NO_HOST else None)
            for key, name in zip(keys, hosts.get_column("host_name").to_list(), strict=True)
        ]
        self._host_choices = _labelled(keys, names)
        if initial is not None:
            wanted_webinars, wanted_hosts = initial.webinars, initial.hosts
            for what, wanted, known in (
                ("webinar", wanted_webinars, self._webinar_choices.values()),
                ("host", wanted_hosts, self._host_choices.values()),
            ):
                missing = sorted(set(wanted) - set(known))
                if missing:
                    raise ConfigurationError(
                        f"unknown {what} id(s) {', '.join(missing)}: the data holds no such {what}"
                    )
        else:
            wanted_webinars, wanted_hosts = self._filters.webinars, self._filters.hosts
        with self._holding_changes():
            for control, choices, wanted in (
                (self.controls.webinars, self._webinar_choices, wanted_webinars),
                (self.controls.hosts, self._host_choices, wanted_hosts),
            ):
                labels = [label for label, key in choices.items() if key in wanted]
                control.value = [v for v in control.value if v in choices]
                control.allowed_tags = list(choices)
                control.value = labels

    @property
    def webinar_choices(self) -> Mapping[str, str]:
        """The webinar picker's labels (title, with the id where titles repeat) to webinar ids."""
        return dict(self._webinar_choices)

    @property
    def host_choices(self) -> Mapping[str, str]:
        """The host picker's labels (name, with the key where names repeat) to host keys (user
        id, else name)."""
        return dict(self._host_choices)

    # -- state ----------------------------------------------------------------------------------
    @property
    def filters(self) -> Filters:
        """The applied state (a pending, debounced change is not in it until it is drawn)."""
        return self._filters

    def _read_controls(self) -> tuple[Filters, list[str]]:
        """The controls as :class:`Filters`; a value that cannot apply keeps its last good one
        and is reported."""
        c, last = self.controls, self._filters
        problems: list[str] = []
        start, end = c.start.value, c.end.value
        if start is not None and end is not None and end < start:
            problems.append(f"the start {start} is after the end {end}; the dates are unchanged")
            start, end = last.start, last.end
        time_zone = c.time_zone.value
        try:
            time_zone = zone_key(time_zone)
        except ConfigurationError as error:
            problems.append(f"{error}; still showing {last.time_zone}")
            time_zone = last.time_zone
        filters = Filters(
            start=start,
            end=end,
            webinars=tuple(self._webinar_choices[label] for label in c.webinars.value),
            hosts=tuple(self._host_choices[label] for label in c.hosts.value),
            statuses=tuple(c.statuses.value),
            time_zone=time_zone,
            late_after=timedelta(minutes=float(c.late_after.value)),
        )
        return filters, problems

    def set_filters(self, **changes: Any) -> None:
        """Set controls by :class:`Filters` field names and redraw once, e.g.
        ``set_filters(start=date(2026, 1, 1), webinars=["123"], late_after=timedelta(minutes=10))``.

        Webinars and hosts are given by id (values of :attr:`webinar_choices` /
        :attr:`host_choices`).
        """
        names = {f.name for f in fields(Filters)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise ConfigurationError(
                f"unknown filter(s) {', '.join(unknown)}; use {', '.join(sorted(names))}"
            )
        if "late_after" in changes:
            changes["late_after"] = _as_timedelta(changes["late_after"])
        current = {f.name: getattr(self._filters, f.name) for f in fields(Filters)}
        wanted = Filters(**{**current, **changes})  # validates before any control moves
        for what, ids, choices in (
            ("webinar", wanted.webinars, self._webinar_choices),
            ("host", wanted.hosts, self._host_choices),
        ):
            missing = sorted(set(ids) - set(choices.values()))
            if missing:
                raise ConfigurationError(
                    f"unknown {what} id(s) {', '.join(missing)}: the data holds no such {what}"
                )
        c = self.controls
        with self._holding_changes():
            c.start.value = wanted.start
            c.end.value = wanted.end
            c.webinars.value = [k for k, v in self._webinar_choices.items() if v in wanted.webinars]
            c.hosts.value = [k for k, v in self._host_choices.items() if v in wanted.hosts]
            c.statuses.value = wanted.statuses
            c.time_zone.value = wanted.time_zone
            c.late_after.max = max(c.late_after.max, _minutes(wanted.late_after))
            c.late_after.value = _minutes(wanted.late_after)
        self.refresh_now()

    @contextmanager
    def _holding_changes(self) -> Iterator[None]:
        """Move several controls without a redraw per move."""
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1

    def _derived_frame(self, filters: Filters) -> pl.DataFrame:
        key = (self._data.version, filters.late_after)
        if self._derived is None or self._derived[0] != key:
            frame = self._data.base
            if filters.late_after != _DEFAULT_LATE_AFTER:
                frame = metrics.session_metrics(frame, late_after=filters.late_after)
            self._derived = (key, frame)
        return self._derived[1]

    def _rows_key(self, filters: Filters) -> tuple[Any, ...]:
        return (self._data.version, filters.late_after, *filters.rows_key())

    def filtered(self) -> pl.DataFrame:
        """The sessions shown: the source's sessions after ``session_metrics`` (at the current
        late-start threshold), filtered."""
        with self._lock:
            filters = self._filters
            key = self._rows_key(filters)
            if self._frame is None or self._frame[0] != key:
                self._frame = (key, filters.apply(self._derived_frame(filters)))
            return self._frame[1]

    def kpis(self) -> dict[str, float | int | None]:
        """``metrics.kpis`` of :meth:`filtered`."""
        with self._lock:
            key = self._rows_key(self._filters)
            if self._kpis is None or self._kpis[0] != key:
                self._kpis = (key, metrics.kpis(self.filtered()))
            return dict(self._kpis[1])

    def _chart_key(self, name: ChartName) -> tuple[Any, ...]:
        # Not _rows_key: only the start delay chart reads the threshold (a parameter of its own).
        filters = self._filters
        rows = (self._data.version, *filters.rows_key())
        return (*rows, *_chart_params(name, filters, self._now))

    def _chart(self, name: ChartName) -> charts.AnyChart:
        key = self._chart_key(name)
        built = self._built.get(name)
        if built is None or built[0] != key:
            built = (key, _build_chart(name, self.filtered(), self._filters, self._now))
            self._built[name] = built
        return built[1]

    def charts(self) -> dict[ChartName, charts.AnyChart]:
        """The current chart of every tab, by name (:data:`CHART_NAMES`), built where needed."""
        with self._lock:
            return {name: self._chart(name) for name in CHART_NAMES}

    # -- drawing --------------------------------------------------------------------------------
    def refresh_now(self) -> None:
        """Apply the controls at once (a pending debounced redraw included) and redraw."""
        with self._lock:
            self._cancel_pending()
            filters, problems = self._read_controls()
            self._filters = filters
            frame = self.filtered()
            total = self._data.base.height
            self._status.value = _note_html(
                html.escape(f"Showing {frame.height:,} of {total:,} sessions: {filters.describe()}")
            )
            self._kpi_strip.value = _kpi_html(self.kpis(), filters.late_after)
            if problems:
                self._say(" ".join(html.escape(p) for p in problems), error=True)
            self._draw_tab(self._tabs.selected_index)

    def _draw_tab(self, index: int | None) -> None:
        """Draw the chart of tab ``index`` unless it shows the current state already."""
        if index is None or not 0 <= index < len(CHART_NAMES):
            return
        name = CHART_NAMES[index]
        with self._lock:  # a tab opened while a timer thread redraws
            key = self._chart_key(name)
            if self._shown.get(name) == key:
                return
            self._outputs[name].outputs = (_display_data(self._chart(name), name),)
            self._shown[name] = key

    def _on_change(self, change: Mapping[str, Any]) -> None:
        if self._holding:
            return
        if self._debounce <= 0:
            self.refresh_now()
            return
        with self._lock:
            self._cancel_pending()
            try:
                loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
            if loop is not None:
                self._pending = loop.call_later(self._debounce, self._guarded, self.refresh_now)
            else:
                timer = threading.Timer(self._debounce, self._guarded, args=(self.refresh_now,))
                timer.daemon = True
                self._pending = timer
                timer.start()

    def _cancel_pending(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    def _on_tab(self, change: Mapping[str, Any]) -> None:
        self._guarded(lambda: self._draw_tab(change["new"]))

    def _guarded(self, action: Callable[[], object]) -> None:
        """Run a callback of the UI; show its failure in the dashboard instead of losing it."""
        try:
            action()
        except Exception as error:
            logger.exception("dashboard: %s failed", getattr(action, "__name__", "an action"))
            self._say(html.escape(f"{type(error).__name__}: {error}"), error=True)

    def _say(self, text_html: str, *, error: bool = False) -> None:
        self._message.value = _note_html(text_html, error=error)

    # -- exports --------------------------------------------------------------------------------
    def _slug(self) -> str:
        f = self._filters
        return "_".join(
            [
                f.start.isoformat() if f.start else "first",
                f.end.isoformat() if f.end else "last",
            ]
        )

    def _people(self, kind: Literal["registrants", "participants"], ids: list[str]) -> Any:
        frame: pl.DataFrame | None
        if self._store is not None:
            frame = (
                self._store.registrants(ids)
                if kind == "registrants"
                else self._store.participants(ids)
            )
        else:
            frame = self._data.registrants if kind == "registrants" else self._data.participants
            if frame is not None:
                frame = frame.filter(pl.col("session_id").is_in(ids))
        return None if frame is None or frame.is_empty() else frame

    def build_report(self) -> Report:
        """The :class:`webinar_insights.report.Report` of exactly what is shown.

        The sessions of the chosen webinars, hosts and statuses go in whole, so that the report
        can compare the date range with the period before it; the range, time zone and
        late-start threshold are the dashboard's.
        """
        with self._lock:
            self.refresh_now()
            f = self._filters
            unbounded = Filters(
                webinars=f.webinars,
                hosts=f.hosts,
                statuses=f.statuses,
                time_zone=f.time_zone,
                late_after=f.late_after,
            )
            sessions = unbounded.apply(self._derived_frame(f))
            if sessions.is_empty():
                raise ConfigurationError(
                    "no session matches the webinar, host and status filters: nothing to report"
                )
            ids = sessions.get_column("session_id").to_list()
            provenance = self._store.provenance() if self._store is not None else None
            return build_report(
                sessions,
                participants=self._people("participants", ids),
                registrants=self._people("registrants", ids),
                title=self._title,
                start=f.start,
                end=f.end,
                time_zone=f.time_zone,
                now=self._now,
                late_after=f.late_after,
                provenance=provenance,
                filters={
                    "webinars": list(f.webinars),
                    "hosts": list(f.hosts),
                    "statuses": list(f.statuses) if f.statuses != STATUSES else [],
                },
            )

    def export_report(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Write the offline HTML report of what is shown; returns its path.

        Default path: ``<export_dir>/webinar-report_<start>_<end>.html``.
        """
        default = self._export_dir / f"webinar-report_{self._slug()}.html"
        target = Path(path) if path is not None else default
        return self.build_report().write_html(target)

    def save_csv(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Write the sessions shown (:meth:`filtered`) as CSV; returns its path.

        As the report's exports (``report.write_safe_csv``): a Duration column ``x`` becomes ``x_min``
        (fractional minutes; left out where the frame has ``x_min`` already), and a text cell
        that a spreadsheet would run as a formula gets a leading ``'``. Times are ISO 8601 in
        UTC. Default path: ``<export_dir>/sessions_<start>_<end>.csv``.
        """
        default = self._export_dir / f"sessions_{self._slug()}.csv"
        target = Path(path) if path is not None else default
        target.parent.mkdir(parents=True, exist_ok=True)
        return write_safe_csv(self.filtered(), target)

    # -- refresh --------------------------------------------------------------------------------
    def _sync_plan(self) -> tuple[datetime, datetime, Depth]:
        assert self._store is not None
        return refresh_plan(
            self._store,
            self._now or datetime.now(UTC),
            sync_range=self._sync_range,
            depth=self._depth,
        )

    def refresh_data(self) -> SyncSummary:
        """Sync the store incrementally with the client, read it again and redraw ("Refresh")."""
        if self._client is None or self._store is None:
            raise ConfigurationError(
                "Refresh needs a client and a store: Dashboard(Store(...), client=Client.from_env())"
            )
        first, last, depth = self._sync_plan()
        bar = self._progress
        bar.layout.visibility = "visible"
        bar.bar_style = ""
        buttons = (self.controls.refresh, self.controls.export_report, self.controls.download_csv)
        for button in buttons:
            button.disabled = True
        try:
            bar.value, bar.description = 0, "Syncing…"
            self._sync_log.outputs = ()
            with self._sync_log:  # the client's own progress bars (progress=True) show here
                summary = sync(self._client, self._store, start=first, end=last, depth=depth)
            bar.value, bar.description = 1, "Reading…"
            with self._lock:
                self._data = self._read(self._store)
                self._update_choices()
                bar.value, bar.description = 2, "Drawing…"
                self.refresh_now()
            bar.value, bar.description, bar.bar_style = 3, "Up to date", "success"
            self._say(f'<pre style="margin:0">{html.escape(str(summary))}</pre>')
            return summary
        except BaseException:
            bar.bar_style, bar.description = "danger", "Failed"
            raise
        finally:
            for button in buttons:
                button.disabled = False

    # -- button callbacks -----------------------------------------------------------------------
    def _on_export(self, button: Any) -> None:
        self._guarded(lambda: self._say(_written("Report", self.export_report())))

    def _on_csv(self, button: Any) -> None:
        self._guarded(lambda: self._say(_written("CSV", self.save_csv())))

    def _on_refresh(self, button: Any) -> None:
        self._guarded(self.refresh_data)

    # -- display --------------------------------------------------------------------------------
    def __repr__(self) -> str:
        shown = self.filtered().height
        return (
            f"Dashboard({shown:,} of {self._data.base.height:,} sessions;"
            f" {self._filters.describe()})"
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        bundle: dict[str, Any] | None = self.widget._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/plain"] = repr(self)
        return bundle

    def close(self) -> None:
        """Close every widget of the dashboard (its views disappear from the notebook)."""
        with self._lock:
            self._cancel_pending()
            stack: list[Any] = [self.widget, *self.controls.inputs()]
            stack += [self.controls.export_report, self.controls.download_csv]
            stack.append(self.controls.refresh)
            while stack:
                widget = stack.pop()
                stack.extend(getattr(widget, "children", ()))
                widget.close()


def _labelled(keys: Sequence[str], names: Sequence[str | None]) -> dict[str, str]:
    """Unique picker labels: the name, with the key added where names repeat or are missing."""
    counts: dict[str | None, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    labels: dict[str, str] = {}
    for key, name in zip(keys, names, strict=True):
        label = name if name and counts[name] == 1 else f"{name or key} ({key})"
        labels[label] = key
    return labels


def _written(what: str, path: Path) -> str:
    """A message naming a written file, with a link when it lies below the working folder."""
    try:
        relative = path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return f"{what} written: {html.escape(str(path))}"
    href = html.escape(relative.as_posix(), quote=True)
    return (
        f'{what} written: <a href="{href}" target="_blank" download>'
        f"{html.escape(relative.as_posix())}</a>"
    )
