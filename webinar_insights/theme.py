"""The one Altair theme of webinar_insights, and the colours every chart and the report share.

The theme is registered with Altair under :data:`THEME_NAME` when this module is imported, but
not enabled: importing a library must not change how a user's other charts look. Call
:func:`use_theme` to make the user's own charts match ours (``with use_theme(): ...`` limits it
to a block).

Our own charts do not depend on it: ``webinar_insights.charts`` applies :func:`theme_config` to
every chart it returns (see :func:`apply_theme`). A chart that carries its configuration looks
the same in a notebook, in the HTML report and in a PNG rendered by vl-convert, whichever theme
is active, because Altair merges the active theme *under* a chart's own settings.

Colours
-------
:data:`PALETTE` is the Okabe-Ito palette (distinguishable with the common colour-vision
deficiencies). :data:`STATUS_COLORS` maps each session status to a fixed colour so that
"Finished" is the same blue in every chart and in the report; use :func:`status_scale` in a
colour encoding. Sequential scales (heatmaps) use a single-hue blue ramp, readable in grey too.

Fonts come from the system font stack only (no web fonts), so rendering never needs the
network.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final, TypeVar

import altair as alt

from .schemas import with_new_values

__all__ = [
    "ACCENT",
    "FONT",
    "MUTED",
    "PALETTE",
    "SEQUENTIAL",
    "STATUS_COLORS",
    "THEME_NAME",
    "apply_theme",
    "status_scale",
    "theme_config",
    "use_theme",
]

THEME_NAME: Final = "webinar_insights"
"""The name the theme is registered under (``alt.theme.enable(THEME_NAME)``)."""

FONT: Final = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans",'
    ' "Liberation Sans", Arial, sans-serif'
)
"""The system font stack: whatever sans-serif the reader's system has, never a web font."""

PALETTE: Final[tuple[str, ...]] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow (last: weak on white)
    "#000000",  # black
)
"""Okabe-Ito, ordered so that the first colours contrast most on a white background."""

STATUS_COLORS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "Scheduled": "#999999",  # grey: planned, nothing happened yet
        "Active": "#E69F00",  # orange: live now, the one to look at
        "Finished": "#0072B2",  # blue: done
    }
)
"""Session status to colour, in the order of ``schemas.SESSION_STATUS``; read-only."""

ACCENT: Final = "#D55E00"
"""Vermillion: thresholds and what is late or over (the late-start rule, overruns)."""

MUTED: Final = "#999999"
"""Grey: context (bands, reference marks, "no data")."""

SEQUENTIAL: Final[tuple[str, ...]] = (
    "#f7fbff",
    "#deebf7",
    "#c6dbef",
    "#9ecae1",
    "#6baed6",
    "#4292c6",
    "#2171b5",
    "#08519c",
    "#08306b",
)
"""A single-hue blue ramp (ColorBrewer Blues) for counts and rates in heatmaps."""

_TEXT = "#222222"
_SUBTLE = "#555555"
_GRID = "#e6e6e6"
_DOMAIN = "#888888"


def theme_config() -> alt.theme.ThemeConfig:
    """The theme as a Vega-Lite top-level dict (``background``, ``config``, ``usermeta``).

    Returns a fresh dict on every call, so a caller may change it without affecting others.
    """
    axis: alt.theme.AxisConfigKwds = {
        "labelFont": FONT,
        "labelFontSize": 12,
        "labelColor": _SUBTLE,
        "titleFont": FONT,
        "titleFontSize": 12,
        "titleFontWeight": 600,
        "titleColor": _TEXT,
        "gridColor": _GRID,
        "domainColor": _DOMAIN,
        "tickColor": _DOMAIN,
        "labelLimit": 240,
    }
    return {
        "background": "white",
        "padding": 8,
        "usermeta": {"webinar_insights": {"theme": THEME_NAME}},
        "config": {
            "font": FONT,
            "view": {"continuousWidth": 480, "continuousHeight": 280, "stroke": None},
            "title": {
                "font": FONT,
                "fontSize": 16,
                "fontWeight": 600,
                "color": _TEXT,
                "anchor": "start",
                "subtitleFont": FONT,
                "subtitleFontSize": 12,
                "subtitleColor": _SUBTLE,
                "subtitlePadding": 4,
                "offset": 12,
            },
            "axis": axis,
            "legend": {
                "labelFont": FONT,
                "labelFontSize": 12,
                "labelColor": _SUBTLE,
                "titleFont": FONT,
                "titleFontSize": 12,
                "titleFontWeight": 600,
                "titleColor": _TEXT,
                "orient": "top",
            },
            "header": {
                "labelFont": FONT,
                "labelFontSize": 12,
                "titleFont": FONT,
                "titleFontSize": 13,
            },
            "text": {"font": FONT, "fontSize": 12, "color": _TEXT},
            "mark": {"color": PALETTE[0]},
            "range": {
                "category": list(PALETTE),
                "heatmap": list(SEQUENTIAL),
                "ramp": list(SEQUENTIAL),
                "ordinal": list(SEQUENTIAL[2:]),
                "diverging": [PALETTE[0], "#f7f7f7", ACCENT],
            },
            "concat": {"spacing": 32},
        },
    }


# Registered (not enabled) at import so that `alt.theme.enable("webinar_insights")` works for
# anyone who imported the package; enabling stays the user's choice (see use_theme).
alt.theme.register(THEME_NAME, enable=False)(theme_config)


def use_theme() -> Any:
    """Enable the webinar_insights theme for every Altair chart in this Python process.

    Our own charts look the same without it; this makes a user's other charts match them.

    Returns
    -------
    altair.utils.plugin_registry.PluginEnabler
        Usable as a context manager: ``with use_theme(): ...`` restores the previous theme on
        exit.

    Examples
    --------
    >>> import altair as alt
    >>> from webinar_insights.theme import use_theme
    >>> with use_theme():
    ...     alt.theme.active
    'webinar_insights'
    """
    return alt.theme.enable(THEME_NAME)


_Chart = TypeVar("_Chart", bound=alt.TopLevelMixin)


def apply_theme(chart: _Chart) -> _Chart:
    """A copy of a top-level chart that carries the theme's settings itself.

    Altair merges the active theme under a chart's own settings when it renders, so a chart
    carrying the whole configuration looks the same whichever theme the user enabled.
    """
    spec = theme_config()
    return chart.properties(
        background=spec["background"],
        padding=spec["padding"],
        usermeta=spec["usermeta"],
        config=alt.Config(**spec["config"]),
    )


# Colours of statuses the API spec does not list (kept as text by the frames), in turn: those
# of the palette no declared status uses.
_OTHER_STATUS_COLORS: Final = tuple(c for c in PALETTE if c not in STATUS_COLORS.values())


def status_scale(statuses: Iterable[str | None] = ()) -> alt.Scale:
    """A colour scale mapping each session status to its :data:`STATUS_COLORS` colour.

    ``statuses`` are those the chart shows: any that :data:`STATUS_COLORS` does not name (a
    value a later API sends, or ``"(unknown)"``) gets a palette colour of its own, after the
    declared ones, instead of one that Vega would reuse.
    """
    domain = with_new_values(list(STATUS_COLORS), statuses)
    extra = len(domain) - len(STATUS_COLORS)
    colours = [_OTHER_STATUS_COLORS[i % len(_OTHER_STATUS_COLORS)] for i in range(extra)]
    return alt.Scale(domain=domain, range=[*STATUS_COLORS.values(), *colours])
