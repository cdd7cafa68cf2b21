"""The dashboard's controls: the widgets a user moves, made from a :class:`Filters` value."""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import traitlets

from ._filters import STATUSES, Filters, minutes

__all__ = ["Controls", "StatusToggles", "make_controls", "picker_labels"]

_LABELLED = {"description_width": "initial"}  # a description is never cut short


class StatusToggles(widgets.HBox):  # type: ignore[misc]
    """One toggle button per session status, each on or off by itself (no Ctrl-click).

    ``value`` is the tuple of the statuses switched on, in :data:`STATUSES` order; setting it
    moves the buttons, moving a button sets it.
    """

    value = traitlets.Tuple()

    def __init__(self, value: Sequence[str]) -> None:
        self._buttons = {
            status: widgets.ToggleButton(
                value=status in value,
                description=status,
                tooltip=f"Show {status} sessions",
                layout=widgets.Layout(width="96px"),
            )
            for status in STATUSES
        }
        label = widgets.Label("Status", layout=widgets.Layout(width="48px"))
        super().__init__([label, *self._buttons.values()])
        self.value = tuple(s for s in STATUSES if s in value)
        for button in self._buttons.values():
            button.observe(self._from_buttons, names="value")
        self.observe(self._to_buttons, names="value")

    def _from_buttons(self, change: Any) -> None:
        self.value = tuple(s for s, button in self._buttons.items() if button.value)

    def _to_buttons(self, change: Any) -> None:
        for status, button in self._buttons.items():
            button.value = status in change["new"]


@dataclass(frozen=True, slots=True, eq=False)
class Controls:
    """The dashboard's widgets (set their ``value`` as a user would; buttons: ``.click()``)."""

    start: Any  # widgets.DatePicker
    end: Any  # widgets.DatePicker
    webinars: Any  # widgets.TagsInput: labels of Dashboard.webinar_choices
    hosts: Any  # widgets.TagsInput: labels of Dashboard.host_choices
    statuses: Any  # StatusToggles
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
            value=initial.start,
            description="From (day)",
            style=_LABELLED,
            layout=widgets.Layout(width="240px"),
        ),
        end=widgets.DatePicker(
            value=initial.end,
            description="To (day, included)",
            style=_LABELLED,
            layout=widgets.Layout(width="260px"),
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
        statuses=StatusToggles(initial.statuses),
        # Not ensure_option: a name typed that is no time zone reaches the dashboard, which
        # says so and puts the last good one back in the box.
        time_zone=widgets.Combobox(
            value=initial.time_zone,
            options=sorted(zoneinfo.available_timezones() | {initial.time_zone}),
            ensure_option=False,
            continuous_update=False,
            description="Time zone (IANA)",
            style=_LABELLED,
            layout=widgets.Layout(width="320px"),
        ),
        late_after=widgets.FloatSlider(
            value=minutes(initial.late_after),
            min=0.0,
            max=max(60.0, minutes(initial.late_after)),
            step=0.5,
            description="Late after (min)",
            readout_format=".1f",
            continuous_update=True,
            style=_LABELLED,
            layout=widgets.Layout(width="340px"),
        ),
        export_report=widgets.Button(
            description="Export report",
            icon="file-code-o",
            tooltip="Download the offline HTML report of what is shown",
        ),
        download_csv=widgets.Button(
            description="Download CSV",
            icon="download",
            tooltip="Download the sessions shown as CSV",
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
