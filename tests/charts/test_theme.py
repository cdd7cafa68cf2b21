"""The theme, and that every chart carries it."""

from __future__ import annotations

import json

import altair as alt
import polars as pl
import pytest

from tests.support.chart_sessions import BUILDERS
from tests.support.chart_specs import walk
from webinar_insights import schemas, theme


def test_theme_is_registered_and_use_theme_enables_it() -> None:
    assert theme.THEME_NAME in alt.theme.names()
    before = alt.theme.active
    assert before != theme.THEME_NAME  # importing does not enable it
    with theme.use_theme():
        assert alt.theme.active == theme.THEME_NAME
        spec = alt.Chart(alt.InlineData(values=[{"x": 1}])).mark_point().to_dict()
        assert spec["config"]["font"] == theme.FONT
    assert alt.theme.active == before


def test_theme_uses_system_fonts_and_okabe_ito() -> None:
    config = theme.theme_config()
    fonts = {node[key] for node in walk(config) for key in node if key.lower().endswith("font")}
    assert fonts == {theme.FONT}
    assert "sans-serif" in theme.FONT and "system-ui" in theme.FONT
    text = json.dumps(config)
    assert "http" not in text and "@import" not in text and "url(" not in text  # no web fonts
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
    assert set(config["config"]["range"]["category"]) >= okabe_ito


def test_status_colors_are_fixed_and_read_only() -> None:
    assert list(theme.STATUS_COLORS) == list(schemas.SESSION_STATUS.categories)
    assert len(set(theme.STATUS_COLORS.values())) == 3
    with pytest.raises(TypeError):
        theme.STATUS_COLORS["Finished"] = "#ff0000"  # type: ignore[index]
    scale = theme.status_scale().to_dict()
    assert scale == {
        "domain": list(theme.STATUS_COLORS),
        "range": list(theme.STATUS_COLORS.values()),
    }


@pytest.mark.parametrize("name", list(BUILDERS))
def test_every_chart_carries_the_theme(name: str, sessions: pl.DataFrame) -> None:
    spec = BUILDERS[name](sessions).to_dict()
    assert spec["usermeta"]["webinar_insights"]["theme"] == theme.THEME_NAME
    assert spec["config"]["font"] == theme.FONT
    assert spec["config"]["range"]["category"] == list(theme.PALETTE)
    assert spec["background"] == "white"


@pytest.mark.parametrize("name", list(BUILDERS))
def test_charts_look_the_same_whichever_theme_is_enabled(name: str, sessions: pl.DataFrame) -> None:
    chart = BUILDERS[name](sessions)
    with alt.theme.enable("default"):
        plain = chart.to_dict()
    with theme.use_theme():
        themed = chart.to_dict()
    with alt.theme.enable("dark"):
        dark = chart.to_dict()
    assert plain == themed
    assert dark["config"] == plain["config"]
    assert dark["background"] == plain["background"]
