"""The dashboard's controls: the widgets a user moves, made from a :class:`Filters` value."""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from ._filters import STATUSES, Filters, minutes

__all__ = ["Controls", "make_controls", "picker_labels"]


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


def make_controls(initial: Filters, *, refreshable: bool) -> Controls:
    """The controls set to ``initial`` (the webinar and host pickers still empty); "Refresh" is
    disabled unless ``refreshable``."""
    wide = widgets.Layout(width="420px")
    return Controls(
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
            value=minutes(initial.late_after),
            min=0.0,
            max=max(60.0, minutes(initial.late_after)),
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
            disabled=not refreshable,
        ),
    )


def picker_labels(keys: Sequence[str], names: Sequence[str | None]) -> dict[str, str]:
    """Unique picker labels: the name, with the key added where names repeat or are missing."""
    counts: dict[str | None, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    labels: dict[str, str] = {}
    for key, name in zip(keys, names, strict=True):
        label = name if name and counts[name] == 1 else f"{name or key} ({key})"
        labels[label] = key
    return labels
