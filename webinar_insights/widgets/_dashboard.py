"""The :class:`Dashboard`: controls, KPI strip and chart tabs over one data source, with the
report and CSV exports and the "Refresh" sync."""

from __future__ import annotations

import asyncio
import base64
import html
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Final, Literal, TypeAlias

import ipywidgets as widgets
import polars as pl

from webinar_insights import charts, metrics, schemas
from webinar_insights._time import TimeLike, to_utc, zone_key
from webinar_insights.client import Client
from webinar_insights.errors import ConfigurationError
from webinar_insights.notebook import chart_html, library_html
from webinar_insights.report import (
    Report,
    build_report,
    csv_safe,
    key_figures,
    previous_start,
    withheld_changes,
    write_safe_csv,
)
from webinar_insights.store import Store
from webinar_insights.syncing import DEPTHS, Depth, SyncSummary, refresh_plan, sync
from webinar_insights.theme import ACCENT, MUTED

from ._audience import (
    AUDIENCE,
    PARTICIPANT_COLUMNS,
    audience_chart,
    audience_period,
    forecast_targets,
)
from ._charts import CHART_NAMES, TAB_TITLES, ChartName, build_chart, chart_params, display_data
from ._controls import make_controls, picker_labels
from ._filters import (
    DEFAULT_LATE_AFTER,
    NO_HOST,
    STATUSES,
    Filters,
    as_timedelta,
    host_key,
    minutes,
)
from ._kpis import kpi_strip_html

__all__ = ["Dashboard", "Source"]

logger = logging.getLogger("webinar_insights")

Source: TypeAlias = Store | pl.DataFrame | Mapping[str, pl.DataFrame]
_FRAME_KEYS: Final = ("sessions", "registrants", "participants")
# What the KPI strip reads of the participants: who attended (metrics.reach).
_REACH_COLUMNS: Final = ("session_id", "role", "unique_user_hash", "email")


def _note_html(text: str, *, error: bool = False) -> str:
    color = ACCENT if error else MUTED
    return f'<div style="color:{color};font-size:12px">{text}</div>'


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
        no-show rate; both feed the Audience tab (without either it says what to sync), and
        participants go into the exported report (retention, funnel).
    client:
        A :class:`~webinar_insights.Client` (``Client.from_env()`` for the real API): adds a
        "Refresh" button that syncs ``source`` (which must then be a store) incrementally.
    title:
        Heading of the dashboard and title of the exported report.
    start, end, webinars, hosts, statuses, time_zone, late_after:
        The controls' initial values (see :class:`Filters`); ``late_after`` may be given in
        minutes.
    now:
        The clock: Active sessions are drawn up to it, the Audience tab forecasts the sessions
        after it, a refresh syncs up to 40 days after it, and the report is "as of" it.
        Default: the current time whenever it is needed.
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
        late_after: timedelta | float = DEFAULT_LATE_AFTER,
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
            late_after=as_timedelta(late_after),
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
        self._figures: tuple[tuple[Any, ...], list[dict[str, Any]]] | None = None
        self._built: dict[ChartName, tuple[tuple[Any, ...], charts.AnyChart]] = {}
        self._forecasted: tuple[tuple[Any, ...], pl.DataFrame] | None = None
        self._shown: dict[ChartName, tuple[Any, ...]] = {}
        self._webinar_choices: dict[str, str] = {}
        self._host_choices: dict[str, str] = {}
        self._filters = initial
        self._build_widgets(initial)
        self.refresh_now()

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

    def _build_widgets(self, initial: Filters) -> None:
        self.controls = make_controls(initial, refreshable=self._client is not None)
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
            titles=[TAB_TITLES[name] for name in CHART_NAMES],
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
        # The Vega library for the chart tabs, drawn offline: a hidden output that puts it into
        # the page (again after a page reload; a page that has it already skips it).
        self._library = widgets.Output(layout=widgets.Layout(display="none"))
        self._downloads = widgets.Output()  # the buttons' downloads: a link each
        self._library.outputs = (
            {
                "output_type": "display_data",
                "data": {"text/html": library_html(), "text/plain": ""},
                "metadata": {},
            },
        )
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
                self._downloads,
                self._sync_log,
                self._library,
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
        self._webinar_choices = picker_labels(
            webinars.get_column("webinar_id").to_list(),
            webinars.get_column("webinar_title").to_list(),
        )
        hosts = (
            base.group_by(host_key().alias("key"))
            .agg(pl.col("host_name").drop_nulls().first())
            .sort("host_name", "key", nulls_last=True)
        )
        keys = hosts.get_column("key").to_list()
        names = [
            name or ("(no host)" if key == NO_HOST else None)
            for key, name in zip(keys, hosts.get_column("host_name").to_list(), strict=True)
        ]
        self._host_choices = picker_labels(keys, names)
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
            changes["late_after"] = as_timedelta(changes["late_after"])
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
            c.late_after.max = max(c.late_after.max, minutes(wanted.late_after))
            c.late_after.value = minutes(wanted.late_after)
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
            if filters.late_after != DEFAULT_LATE_AFTER:
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
        """``metrics.kpis`` of :meth:`filtered` (people reached from the source's participants,
        when it has them)."""
        with self._lock:
            key = self._rows_key(self._filters)
            if self._kpis is None or self._kpis[0] != key:
                shown = self.filtered()
                self._kpis = (key, metrics.kpis(shown, participants=self._reach_people(shown)))
            return dict(self._kpis[1])

    def _reach_people(self, sessions: pl.DataFrame) -> pl.DataFrame | None:
        """The participants ``metrics.reach`` reads for ``sessions`` (None: not known)."""
        people = self._people(
            "participants", sessions.get_column("session_id").to_list(), columns=_REACH_COLUMNS
        )
        if people is not None and "unique_user_hash" not in people.columns:
            return None  # a frame without user hashes cannot tell people apart
        return people  # type: ignore[no-any-return]

    def key_figures(self) -> list[dict[str, Any]]:
        """The KPI strip's figures, as the report's cards have them: value, basis, and the
        change against the previous period of equal length (same webinars, hosts and
        statuses), withheld with its reason where the store does not cover both periods or
        no date range is set (``webinar_insights.report.key_figures``)."""
        with self._lock:
            filters = self._filters
            key = self._rows_key(filters)
            if self._figures is not None and self._figures[0] == key:
                return self._figures[1]
            shown = self.filtered()
            people = self._reach_people(shown)
            lower, upper = filters.bounds()
            previous_kpis: dict[str, float | int | None] = {}
            previous_sessions = 0
            if lower is None or upper is None:
                withheld = dict.fromkeys(metrics.KPIS, "pick a start and an end day to compare")
            else:
                earlier = previous_start(lower, upper, filters.time_zone)
                every = Filters(
                    webinars=filters.webinars,
                    hosts=filters.hosts,
                    statuses=filters.statuses,
                    time_zone=filters.time_zone,
                    late_after=filters.late_after,
                ).apply(self._derived_frame(filters))
                moment = metrics.session_moment()
                previous = every.filter(moment >= earlier, moment < lower)
                previous_sessions = previous.height
                previous_kpis = metrics.kpis(previous, participants=self._reach_people(previous))
                provenance = self._store.provenance() if self._store is not None else None
                withheld = withheld_changes(
                    provenance,
                    start=lower,
                    end=upper,
                    previous_start=earlier,
                    time_zone=filters.time_zone,
                )
            figures = key_figures(
                self.kpis(),
                previous_kpis,
                previous_sessions=previous_sessions,
                withheld=withheld,
                bases=metrics.kpi_bases(shown, participants=people),
            )
            self._figures = (key, figures)
            return figures

    def _chart_key(self, name: ChartName) -> tuple[Any, ...]:
        # Not _rows_key: only the start delay chart reads the threshold (a parameter of its own).
        filters = self._filters
        rows = (self._data.version, *filters.rows_key())
        return (*rows, *chart_params(name, filters, self._now))

    def _chart(self, name: ChartName) -> charts.AnyChart:
        key = self._chart_key(name)
        built = self._built.get(name)
        if built is None or built[0] != key:
            if name == AUDIENCE:
                chart = self._audience_chart()
            else:
                chart = build_chart(name, self.filtered(), self._filters, self._now)
            built = (key, chart)
            self._built[name] = built
        return built[1]

    def _audience_chart(self) -> charts.AnyChart:
        """The Audience tab of the sessions shown: their people, periods fitting the range
        shown, and the forecast of the upcoming ones, learning from every session of the data."""
        filters, shown = self._filters, self.filtered()
        registrants = self._data.registrants
        now = self._now or datetime.now(UTC)
        frames = metrics.audience_frames(
            shown,
            registrants=registrants,
            participants=self._audience_people(shown),
            forecast=None if registrants is None else self._forecast(shown, registrants, now),
            every_unit=audience_period(shown, *filters.bounds()),
            time_zone=filters.time_zone,
        )
        return audience_chart(shown, frames)

    def _forecast(
        self, shown: pl.DataFrame, registrants: pl.DataFrame, now: datetime
    ) -> pl.DataFrame:
        """The forecast of the upcoming sessions shown, cached by them and the clock: it does
        not change with the past sessions shown."""
        targets = forecast_targets(shown, now)
        key = (self._data.version, targets, now)
        if self._forecasted is None or self._forecasted[0] != key:
            forecast = metrics.upcoming_forecast(self._data.base, registrants, targets, now=now)
            self._forecasted = (key, forecast)
        return self._forecasted[1]

    def _audience_people(self, sessions: pl.DataFrame) -> pl.DataFrame | None:
        """The participants of ``sessions`` the Audience tab reads: None when the data holds no
        participants at all, an empty frame when it holds none of these sessions'."""
        ids = sessions.get_column("session_id").to_list()
        people: pl.DataFrame | None = self._people("participants", ids, columns=PARTICIPANT_COLUMNS)
        if people is not None:
            return people
        if self._store is not None:
            synced = self._store.scan("participants").select(pl.len()).collect().item() > 0
        else:
            synced = self._data.participants is not None and not self._data.participants.is_empty()
        if not synced:
            return None
        return pl.DataFrame(schema={c: schemas.PARTICIPANTS[c] for c in PARTICIPANT_COLUMNS})

    def charts(self) -> dict[ChartName, charts.AnyChart]:
        """The current chart of every tab, by name (:data:`CHART_NAMES`), built where needed."""
        with self._lock:
            return {name: self._chart(name) for name in CHART_NAMES}

    def refresh_now(self) -> None:
        """Apply the controls at once (a pending debounced redraw included) and redraw."""
        with self._lock:
            self._cancel_pending()
            filters, problems = self._read_controls()
            self._filters = filters
            if problems:  # the boxes show what applies, not what was refused
                with self._holding_changes():
                    self.controls.start.value = filters.start
                    self.controls.end.value = filters.end
                    self.controls.time_zone.value = filters.time_zone
            frame = self.filtered()
            total = self._data.base.height
            shown = f"Showing {frame.height:,} of {total:,} sessions: {filters.describe()}"
            # A sync running (or stopped early) into the store: say what is not there yet.
            missing = self._store.incomplete() if self._store is not None else []
            self._status.value = _note_html(
                html.escape(" ".join([shown, *(f"Not complete yet: {m}." for m in missing)]))
            )
            self._kpi_strip.value = kpi_strip_html(self.key_figures(), filters.late_after)
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
            self._outputs[name].outputs = (display_data(self._chart(name), name),)
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

    def _slug(self) -> str:
        f = self._filters
        return "_".join(
            [
                f.start.isoformat() if f.start else "first",
                f.end.isoformat() if f.end else "last",
            ]
        )

    def _people(
        self,
        kind: Literal["registrants", "participants"],
        ids: list[str],
        *,
        columns: Sequence[str] | None = None,
    ) -> Any:
        frame: pl.DataFrame | None
        if self._store is not None:
            frame = (
                self._store.registrants(ids, columns=columns)
                if kind == "registrants"
                else self._store.participants(ids, columns=columns)
            )
        else:
            frame = self._data.registrants if kind == "registrants" else self._data.participants
            if frame is not None:
                frame = frame.filter(pl.col("session_id").is_in(ids))
                if columns is not None:
                    frame = frame.select(c for c in columns if c in frame.columns)
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

    def _on_export(self, button: Any) -> None:
        self._guarded(
            lambda: self._offer(
                f"webinar-report_{self._slug()}.html",
                self.build_report().to_html().encode("utf-8"),
                "text/html",
            )
        )

    def _on_csv(self, button: Any) -> None:
        self._guarded(
            lambda: self._offer(
                f"sessions_{self._slug()}.csv",
                csv_safe(self.filtered()).write_csv(quote_style="non_numeric").encode("utf-8"),
                "text/csv",
            )
        )

    def _offer(self, name: str, data: bytes, mime: str) -> None:
        """Hand ``data`` to the browser as a download named ``name`` (the button's job): a
        link that clicks itself once, right after it is made; it never lands on the server.
        Beyond :data:`MAX_DOWNLOAD` bytes the file is written to ``export_dir`` instead."""
        if len(data) > MAX_DOWNLOAD:
            target = self._export_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            self._say(
                f"Too large to hand to the browser ({len(data) / 1e6:.0f} MB): "
                + _written("file", target)
            )
            return
        self._downloads.outputs = (
            {
                "output_type": "display_data",
                "data": {"text/html": download_html(name, data, mime), "text/plain": name},
                "metadata": {},
            },
        )
        self._say(f"{html.escape(name)} ({_size(len(data))}) handed to the browser to download.")

    def _on_refresh(self, button: Any) -> None:
        self._guarded(self.refresh_data)

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
            bundle["text/html"] = self.snapshot_html()
        return bundle

    def snapshot_html(self) -> str:
        """A still picture of the dashboard as it is: its filters, KPI strip and open chart.

        Beside the live widget in the dashboard's output, for where widgets cannot run: an
        exported HTML notebook (``jupyter nbconvert --to html``, JupyterLab's "Export
        Notebook As HTML") or a viewer without the widget manager shows this instead of a
        blank box. The chart draws with the page's offline Vega library
        (``webinar_insights.notebook.setup``).
        """
        with self._lock:
            self.refresh_now()
            name = CHART_NAMES[self._tabs.selected_index or 0]
            spec = self._chart(name).to_dict(validate=False)
            return (
                '<div class="wi-dashboard-snapshot">'
                '<p style="font-size:12px;color:#555555">Dashboard as it was when this output'
                f" was made ({html.escape(repr(self))}); run the notebook for the live one.</p>"
                + kpi_strip_html(self.key_figures(), self._filters.late_after)
                + f'<p style="font-weight:600;margin:12px 0 4px">{html.escape(TAB_TITLES[name])}</p>'
                + chart_html(spec)
                + "</div>"
            )

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


MAX_DOWNLOAD: Final = 50_000_000
"""The largest file (bytes) a button hands to the browser; a larger one is written to disk."""


def download_html(name: str, data: bytes, mime: str) -> str:
    """A link that downloads ``data`` as ``name`` and clicks itself once, within 15 s of being
    made (not when a saved notebook or a reloaded page draws it again)."""
    href = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    made = int(time.time() * 1000)
    return (
        f'<a download="{html.escape(name, quote=True)}" href="{href}">'
        f"Download {html.escape(name)} ({_size(len(data))})</a>"
        "<script>(function () {\n"
        "  var link = document.currentScript && document.currentScript.previousElementSibling;\n"
        f"  if (link && Date.now() - {made} < 15000) {{ link.click(); }}\n"
        "})();</script>"
    )


def _size(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 100_000 else f"{max(1, round(count / 1e3))} KB"


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
