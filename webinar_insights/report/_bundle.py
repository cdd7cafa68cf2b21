"""The Vega, Vega-Lite and vega-embed JavaScript, from vl-convert (no network, no CDN)."""

from __future__ import annotations

import functools
import re
from typing import Any

import altair as alt

from webinar_insights.errors import ConfigurationError

__all__ = ["file_spec", "vega_bundle", "vegalite_version"]

# What the bundle exposes: the report's own script calls window.vegaEmbed.
_GLOBALS = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"


def file_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """A chart's Vega-Lite spec as the file carries it: without ``$schema`` (the mode is given
    to vega-embed; the file stays free of URLs)."""
    spec: dict[str, Any] = chart.to_dict()
    spec.pop("$schema", None)
    return spec


def vegalite_version() -> str:
    """The Vega-Lite version Altair writes specs for, as vl-convert names it (e.g. ``"6.4"``).

    Falls back to the newest version vl-convert ships when it has no bundle of that version.
    """
    import vl_convert

    wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    shipped: list[str] = list(vl_convert.get_vegalite_versions())
    return wanted if wanted in shipped else shipped[-1]


@functools.cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed in one script (``window.vegaEmbed`` and friends).

    vl-convert builds it from the libraries it ships (about 0.9 MB; the first call of a process
    takes a second or two, later ones are cached). It must be safe to inline in ``<script>``:
    the HTML parser would end the element at a ``</script`` inside it.
    """
    import vl_convert

    bundle: str = vl_convert.javascript_bundle(_GLOBALS, vl_version=vegalite_version())
    if re.search(r"</script|<!--", bundle, flags=re.IGNORECASE):
        raise ConfigurationError(
            "the Vega bundle of this vl-convert-python version cannot be inlined in HTML (it"
            " holds '</script' or '<!--'); install another vl-convert-python version"
        )
    return bundle
