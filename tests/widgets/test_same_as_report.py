"""The dashboard and the report of the same data name things alike: both read their KPI labels
from ``metrics.KPIS`` and their chart titles from ``charts.CHARTS``."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest

from tests.support.dashboard_sessions import NOW, sessions_frame
from webinar_insights import charts, metrics
from webinar_insights.widgets import CHART_NAMES, Dashboard


@pytest.fixture
def dashboard() -> Iterator[Dashboard]:
    board = Dashboard(sessions_frame(), now=NOW, debounce=0)
    yield board
    board.close()


def labels(document: str) -> list[str]:
    return [
        html.unescape(label)
        for label in re.findall(r'<div class="kpi-label"[^>]*>([^<]*)</div>', document)
    ]


def test_kpi_labels_are_the_catalogue_s_in_both(dashboard: Dashboard) -> None:
    report = dashboard.build_report()
    catalogue = [kpi.label for kpi in metrics.KPIS.values()]
    assert labels(report.to_html()) == catalogue
    assert labels(dashboard._kpi_strip.value) == catalogue


def test_kpi_values_are_formatted_alike(dashboard: Dashboard) -> None:
    report = dashboard.build_report()
    values = re.compile(r'<div class="kpi-value"[^>]*>([^<]*)</div>')
    shown = [html.unescape(value) for value in values.findall(dashboard._kpi_strip.value)]
    assert shown == [html.unescape(v) for v in values.findall(report.to_html())]
    assert shown == [kpi.format(report.kpis[kpi.key]) for kpi in metrics.KPIS.values()]


def test_chart_titles_are_the_catalogue_s_in_both(dashboard: Dashboard) -> None:
    report = dashboard.build_report()
    in_report = {chart.key: chart.title for chart in report.charts}
    document = report.to_html()
    tabs = dict(zip(CHART_NAMES, dashboard._tabs.titles, strict=True))
    # The last tab holds the report's Audience section (charts.AUDIENCE_CHARTS), under its name.
    *program, audience = CHART_NAMES
    assert audience == "audience" and tabs[audience] == "Audience"
    assert set(program) <= set(charts.CHARTS)
    for name in program:
        title = charts.CHARTS[name].title
        key = name.replace("_", "-")
        assert tabs[name] == in_report[key] == title
        assert f'id="chart-{key}" data-title="{html.escape(title)}"' in document
