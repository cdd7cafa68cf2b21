"""The chart catalogue: every chart the report or the dashboard shows, with its one title.

The one home of a chart's key, title, caption, builder and the keyword arguments the views pass
it: the report's figures and the dashboard's tabs read it, so a chart is called the same
wherever it is shown. A new chart gets its builder in a subject module and its entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, Final, Literal, TypeAlias

import polars as pl

from webinar_insights.errors import ConfigurationError

from ._attendance import attendance_rate_chart, retention_chart
from ._audience import (
    channel_chart,
    forecast_chart,
    on_demand_chart,
    registration_curve_chart,
    returning_chart,
    series_cohort_chart,
)
from ._base import AnyChart
from ._calendar import status_timeline_chart, weekday_hour_chart
from ._explore import explore_chart
from ._registration import registration_funnel_chart, registration_lead_time_chart
from ._timing import overrun_chart, start_delay_chart

__all__ = ["AUDIENCE_CHARTS", "CHARTS", "ChartEntry", "ChartOption", "ChartSource"]

ChartSource: TypeAlias = Literal[
    "sessions",
    "retention_curve",
    "registration_funnel",
    "registration_lead_time",
    "channel_summary",
    "new_vs_returning",
    "series_cohorts",
    "on_demand",
    "registration_curve",
    "attendance_forecast",
]
"""The frame a chart draws: the sessions (with the ``session_metrics`` columns), or the frame of
the ``metrics`` function of that name."""

ChartOption: TypeAlias = Literal["start", "end", "time_zone", "late_after", "now"]
"""What a view may tell its charts: the range shown (``start``, ``end``: aware datetimes), the
``time_zone`` times are read in, the ``late_after`` threshold, and ``now`` (the view's clock)."""

_OPTIONS: Final[frozenset[str]] = frozenset(("start", "end", "time_zone", "late_after", "now"))
_MAX_POINTS: Final = 1_000  # attendance points drawn at most (the trend uses every session)


@dataclass(frozen=True, slots=True)
class ChartEntry:
    """One chart as the report and the dashboard show it.

    Attributes
    ----------
    key:
        Its name: a Python identifier (the dashboard's tab key; the report's element id and
        export file names spell it with ``-`` for ``_``).
    title:
        What it is called wherever it is shown: the report's figure title, the dashboard's tab.
    caption:
        One sentence under it saying what it shows.
    builder:
        The public chart function that draws it (``frame, **keywords -> chart``).
    source:
        The frame :attr:`builder` takes first (see :data:`ChartSource`); a view without that
        frame (no participants, no registrants) leaves the chart out.
    options:
        The view settings :attr:`builder` takes as keywords (see :data:`ChartOption`);
        :meth:`build` passes only these.
    defaults:
        Keywords every view passes as they are (such as how many points to draw at most).
    """

    key: str
    title: str
    caption: str
    builder: Callable[..., AnyChart]
    source: ChartSource
    options: tuple[ChartOption, ...] = ()
    defaults: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def build(
        self,
        frame: pl.DataFrame,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        time_zone: str | None = None,
        late_after: timedelta | None = None,
        now: datetime | None = None,
    ) -> AnyChart:
        """Draw the chart of ``frame`` with the view settings it takes (others are ignored).

        A setting left at None is not passed, so the builder's default applies (for
        ``weekday_hour``, a None ``time_zone`` means each session's own zone; elsewhere UTC).

        Raises
        ------
        ConfigurationError
            The chart needs the range (``explore``) and ``start`` or ``end`` is missing.
        """
        given = {
            "start": start,
            "end": end,
            "time_zone": time_zone,
            "late_after": late_after,
            "now": now,
        }
        keywords = dict(self.defaults)
        keywords.update({name: given[name] for name in self.options if given[name] is not None})
        missing = [name for name in ("start", "end") if name in self.options and not given[name]]
        if missing:
            raise ConfigurationError(f"the {self.key} chart needs {' and '.join(missing)}.")
        return self.builder(frame, **keywords)


def _entry(
    key: str,
    title: str,
    caption: str,
    builder: Callable[..., AnyChart],
    source: ChartSource,
    options: tuple[ChartOption, ...] = (),
    **defaults: Any,
) -> ChartEntry:
    assert set(options) <= _OPTIONS
    return ChartEntry(key, title, caption, builder, source, options, MappingProxyType(defaults))


CHARTS: Final[Mapping[str, ChartEntry]] = MappingProxyType(
    {
        entry.key: entry
        for entry in (
            _entry(
                "explore",
                "Explore",
                "Linked views: a period, host or status picked in one filters the others.",
                explore_chart,
                "sessions",
                ("start", "end", "time_zone"),
            ),
            _entry(
                "attendance_rate",
                "Attendance rate",
                "Unique attendees / live registrants of each Finished session with registrants.",
                attendance_rate_chart,
                "sessions",
                ("time_zone",),
                max_points=_MAX_POINTS,
            ),
            _entry(
                "start_delay",
                "Start delay",
                "How late sessions went live, and which hosts start latest.",
                start_delay_chart,
                "sessions",
                ("late_after",),
            ),
            _entry(
                "overrun",
                "Overrun",
                "Actual minus scheduled duration of Finished sessions.",
                overrun_chart,
                "sessions",
            ),
            _entry(
                "status_timeline",
                "Session timeline",
                "Each webinar's sessions by status over time, nearest to the report's clock"
                " first; live sessions stand out, late starts are ringed.",
                status_timeline_chart,
                "sessions",
                ("now", "time_zone", "late_after"),
            ),
            _entry(
                "weekday_hour",
                "When sessions run",
                "Sessions per weekday and hour of their scheduled start.",
                weekday_hour_chart,
                "sessions",
                ("time_zone",),
            ),
            _entry(
                "retention",
                "Retention",
                "Share of attendees present minute by minute: an upper bound.",
                retention_chart,
                "retention_curve",
            ),
            _entry(
                "funnel",
                "Registration funnel",
                "Registrants of the Finished sessions, those who joined, those who stayed: each stage a"
                " subset of the one before (walk-ins are not in it).",
                registration_funnel_chart,
                "registration_funnel",
            ),
            _entry(
                "lead_time",
                "Registration lead time",
                "How long before the start people register.",
                registration_lead_time_chart,
                "registration_lead_time",
            ),
        )
    }
)
"""Every chart of the report and the dashboard, by key, in the order the report shows them
(the dashboard's tabs are the ``sessions`` charts but ``explore``, in this order)."""


AUDIENCE_CHARTS: Final[Mapping[str, ChartEntry]] = MappingProxyType(
    {
        entry.key: entry
        for entry in (
            _entry(
                "channels",
                "Channels",
                "Live registrants of the Finished sessions by registration channel, and the share"
                " who joined (the funnel's Joined; walk-ins have no channel).",
                channel_chart,
                "channel_summary",
            ),
            _entry(
                "returning",
                "New and returning attendees",
                "People who attended in each period; returning: seen at an earlier session of"
                " those counted.",
                returning_chart,
                "new_vs_returning",
            ),
            _entry(
                "series_cohorts",
                "Who comes back across a series",
                "Of the people who first attended part N of a series, the share at each later"
                " part.",
                series_cohort_chart,
                "series_cohorts",
            ),
            _entry(
                "on_demand",
                "On-demand sign-ups",
                "Registrations made after the session had ended, and their share of all.",
                on_demand_chart,
                "on_demand",
            ),
            _entry(
                "registration_curve",
                "How registrations build up",
                "The share of final registrants signed up by each day before the start, over"
                " the Finished sessions counted.",
                registration_curve_chart,
                "registration_curve",
            ),
            _entry(
                "forecast",
                "Forecast for upcoming sessions",
                "Registrants so far, and the forecast of final registrants and attendees with"
                " an 80% interval.",
                forecast_chart,
                "attendance_forecast",
            ),
        )
    }
)
"""The audience charts, by key, in the order the report's Audience section shows them: drawn
from the frames of the ``metrics`` functions their ``source`` names."""
