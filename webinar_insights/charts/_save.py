"""Saving a chart as a PNG or SVG file, offline, through vl-convert."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Final

import altair as alt

from webinar_insights.errors import ConfigurationError

from ._base import AnyChart

__all__ = ["CONTROL_CHARACTERS", "REPLACEMENT", "save_chart"]


def _vl_version() -> str | None:
    """The Vega-Lite version Altair writes, as vl-convert names it (None: vl-convert's latest)."""
    import vl_convert

    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor if major_minor in vl_convert.get_vegalite_versions() else None


# C0 controls but tab, line feed and carriage return: NUL ends strings in C code, and XML (SVG,
# which the chart images are rendered through) has no way to spell any of them.
CONTROL_CHARACTERS: Final = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
REPLACEMENT: Final = "\ufffd"
_CONTROL_RE = re.compile(CONTROL_CHARACTERS)


def _inert(value: Any) -> Any:
    """A chart spec with each control character of its text (keys too) replaced by U+FFFD."""
    if isinstance(value, str):
        return _CONTROL_RE.sub(REPLACEMENT, value)
    if isinstance(value, dict):
        return {_inert(key): _inert(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_inert(item) for item in value]
    return value


def save_chart(chart: AnyChart, path: str | Path, *, scale: float = 2.0) -> Path:
    """Write a chart to a PNG or SVG file (chosen by the suffix), offline, through vl-convert.

    Parameters
    ----------
    chart:
        Any chart of this module (or any Altair top-level chart).
    path:
        Where to write; the suffix ``.png`` or ``.svg`` (any case) picks the format.
    scale:
        PNG only: pixels per CSS pixel (2 gives a sharp image on high-density screens).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ConfigurationError
        For any other suffix, naming the ones that work.
    """
    import vl_convert

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ConfigurationError(
            f"save_chart: cannot write {target.name!r}: the suffix must be .png or .svg (for an"
            " interactive page, use the HTML report)."
        )
    # vl-convert aborts the whole process (a notebook's kernel too) on a control character in
    # any text, so it renders a copy of the spec with each one shown as U+FFFD.
    spec = _inert(chart.to_dict())
    # allowed_base_urls=[]: every chart embeds its data, so rendering never needs the network.
    if suffix == ".png":
        png = vl_convert.vegalite_to_png(
            spec, vl_version=_vl_version(), scale=scale, allowed_base_urls=[]
        )
        target.write_bytes(png)
    else:
        svg = vl_convert.vegalite_to_svg(spec, vl_version=_vl_version(), allowed_base_urls=[])
        target.write_text(svg, encoding="utf-8")
    return target
