"""The HTML report in a real headless Chromium with networking disabled.

Debian's ``chromium`` (``/usr/bin/chromium``) driven by playwright (playwright's own browser
downloads are never used). One browser context per module; every request the page makes is
recorded and, unless it is the report file itself, aborted.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.report import test_export_csv
from tests.support import synthetic
from tests.support.browser import CHROMIUM, chromium_context
from tests.support.report_sessions import NOW, PWNED, hostile_sessions, record, with_registrants
from webinar_insights import charts, frames
from webinar_insights.cli import main
from webinar_insights.report import build_report, csv_safe
from webinar_insights.report._tables import shown_anomalies

READY = "html[data-charts-ready]"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A Chromium context with a fresh profile (``--user-data-dir``) and networking disabled."""
    if not CHROMIUM.exists():
        found = shutil.which("chromium")
        pytest.fail(
            f"Chromium is not at {CHROMIUM} ({'found at ' + found if found else 'not installed'});"
            " `make test` installs Debian's chromium (apt-get install -y chromium)",
            pytrace=False,
        )
    with chromium_context(tmp_path_factory.mktemp("chromium-profile")) as context:
        yield context


@dataclass
class Loaded:
    page: Any
    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def marks(self, selector: str) -> int:
        return int(self.page.locator(selector).count())

    def text(self, selector: str) -> str:
        return str(self.page.locator(selector).first.text_content())

    def wait_for_change(self, selector: str, before: str) -> None:
        self.page.wait_for_function(
            "([selector, before]) => document.querySelector(selector).textContent !== before",
            arg=[selector, before],
            timeout=10_000,
        )


@pytest.fixture
def open_report(browser: Any) -> Iterator[Any]:
    pages: list[Any] = []

    def load(path: Path) -> Loaded:
        page = browser.new_page()
        pages.append(page)
        loaded = Loaded(page)
        own = path.resolve().as_uri()

        def route(request_route: Any) -> None:
            url = request_route.request.url
            if url == own:
                request_route.continue_()
            else:
                loaded.requests.append(url)
                request_route.abort()

        page.route("**/*", route)
        page.on("console", lambda message: loaded.console.append((message.type, message.text)))
        page.on("pageerror", lambda error: loaded.errors.append(str(error)))
        page.goto(own, wait_until="load")
        page.wait_for_selector(READY, state="attached", timeout=30_000)
        return loaded

    yield load
    for page in pages:
        page.close()


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``webinar-insights report --demo``: the simulator synced into a store, then the report."""
    output = tmp_path_factory.mktemp("demo") / "reports" / "webinar-report.html"
    assert main(["report", "--demo", "-o", str(output)]) == 0
    assert (output.parent / ".demo-store" / "manifest.sqlite").exists()
    return output


def test_demo_report_draws_every_chart_offline(demo_report: Path, open_report: Any) -> None:
    loaded = open_report(demo_report)
    charts = loaded.page.locator(".chart-body")
    keys = [charts.nth(i).get_attribute("id") for i in range(charts.count())]
    assert keys == [
        "chart-explore",
        "chart-attendance-rate",
        "chart-start-delay",
        "chart-overrun",
        "chart-status-timeline",
        "chart-weekday-hour",
        "chart-retention",
        "chart-funnel",
        "chart-lead-time",
        "chart-channels",
        "chart-returning",
        "chart-series-cohorts",
        "chart-on-demand",
        "chart-registration-curve",
        "chart-forecast",
    ]
    assert loaded.page.get_attribute("html", "data-charts-ready") == str(len(keys))
    for key in keys:
        assert loaded.page.get_attribute(f"#{key}", "data-rendered") == "true", key
        # Vega's SVG renderer: one <g class="mark-..."> group per mark, its items inside.
        assert loaded.marks(f"#{key} svg g[class^='mark-'] > *") > 0, key
    assert loaded.requests == []  # no request of any kind left the file
    assert loaded.errors == []
    assert [text for kind, text in loaded.console if kind == "error"] == []
    assert loaded.page.locator("#kpi-sessions .kpi-value").text_content() != "–"
    assert loaded.page.locator("#table-anomalies tbody tr").count() > 0


def test_hostile_titles_run_no_script(tmp_path: Path, open_report: Any) -> None:
    path = build_report(hostile_sessions(), now=NOW).write_html(tmp_path / "hostile.html")
    loaded = open_report(path)
    assert loaded.page.evaluate("() => typeof window.__pwned") == "undefined"
    assert loaded.errors == []
    # The titles show as text: in the tables and in the charts Vega drew.
    assert PWNED in loaded.text("#table-webinars")
    assert loaded.page.get_by_text(PWNED).count() >= 1
    # Written again by the filter bar: still text.
    _filter(loaded.page, statuses=["Finished", "Active"])
    _filter(loaded.page, statuses=["Scheduled", "Finished", "Active"])
    assert PWNED in loaded.text("#table-webinars")
    assert loaded.page.evaluate("() => typeof window.__pwned") == "undefined"
    assert loaded.errors == []
    assert "Eve <b>Evil</b>" in loaded.text("#table-top-sessions")
    labels = loaded.page.locator("#chart-status-timeline svg text").all_text_contents()
    assert any(label.startswith("</script><script>") for label in labels)  # a webinar's row
    # A session page writes the same titles as text too.
    loaded.page.evaluate("() => { location.hash = '#session-h3'; }")
    loaded.page.wait_for_selector('html[data-session-page="h3"]', state="attached")
    assert loaded.page.locator("#session-page h1").text_content() == PWNED  # title = webinar
    assert loaded.page.evaluate("() => typeof window.__pwned") == "undefined"
    assert loaded.requests == [] and loaded.errors == []


def test_picking_a_host_filters_the_linked_charts(demo_report: Path, open_report: Any) -> None:
    loaded = open_report(demo_report)
    summary = "#chart-explore g.explore_summary_marks text"
    bars = "#chart-explore g.explore_periods_marks path"
    hosts = "#chart-explore g.explore_hosts_marks path"
    before_text = loaded.text(summary)
    before_bars = loaded.page.locator(bars).evaluate_all(
        "(paths) => paths.map(p => p.getAttribute('d'))"
    )
    assert before_text.startswith("Selected: ")

    loaded.page.locator(hosts).first.click()
    loaded.wait_for_change(summary, before_text)
    after_text = loaded.text(summary)
    after_bars = loaded.page.locator(bars).evaluate_all(
        "(paths) => paths.map(p => p.getAttribute('d'))"
    )
    assert _sessions(after_text) < _sessions(before_text)
    assert after_bars != before_bars  # the period bars now count that host's sessions only

    # The same through the Vega view API: the host selection's store holds the clicked host.
    picked = loaded.page.evaluate(
        "() => window.__reportViews.explore.data('host_store').map(t => t.values[0])"
    )
    assert len(picked) == 1
    assert loaded.errors == []
    assert [text for kind, text in loaded.console if kind == "error"] == []


def test_brushing_a_period_filters_the_host_ranking(demo_report: Path, open_report: Any) -> None:
    loaded = open_report(demo_report)
    summary = "#chart-explore g.explore_summary_marks text"
    hosts = "#chart-explore g.explore_hosts_marks path"
    before_text = loaded.text(summary)
    before_hosts = loaded.page.locator(hosts).evaluate_all(
        "(paths) => paths.map(p => p.getAttribute('d'))"
    )
    before_order = _host_order(loaded)
    periods = loaded.page.locator("#chart-explore g.explore_periods_marks")
    periods.scroll_into_view_if_needed()
    box = periods.bounding_box()  # in the viewport, where the mouse moves
    assert box is not None
    y = box["y"] + box["height"] * 0.6
    mouse = loaded.page.mouse
    mouse.move(box["x"] + box["width"] * 0.1, y)
    mouse.down()
    mouse.move(box["x"] + box["width"] * 0.35, y, steps=8)
    mouse.up()
    loaded.wait_for_change(summary, before_text)
    after_hosts = loaded.page.locator(hosts).evaluate_all(
        "(paths) => paths.map(p => p.getAttribute('d'))"
    )
    assert 0 < _sessions(loaded.text(summary)) < _sessions(before_text)
    assert after_hosts != before_hosts
    # The bars changed length but not place: the hosts still shown keep their order.
    after_order = _host_order(loaded)
    assert len(after_order) >= 2
    assert after_order == [host for host in before_order if host in after_order]
    brushed = loaded.page.evaluate("() => window.__reportViews.explore.data('period_store').length")
    assert brushed == 1
    assert loaded.requests == []
    assert loaded.errors == []
    assert [text for kind, text in loaded.console if kind == "error"] == []


def _host_order(loaded: Loaded) -> list[str]:
    """The explore view's host bars, top to bottom (each bar's scenegraph item names its host)."""
    return list(
        loaded.page.locator("#chart-explore g.explore_hosts_marks path").evaluate_all(
            """(paths) => paths
                 .map((p) => [p.__data__.datum.host, p.getBoundingClientRect().top])
                 .sort((a, b) => a[1] - b[1])
                 .map((pair) => pair[0])"""
        )
    )


def _sessions(summary: str) -> int:
    """The session count of the explore chart's summary line ("Selected: 1,234 sessions, ...")."""
    return int(summary.removeprefix("Selected: ").split(" ", 1)[0].replace(",", ""))


def test_print_layout_hides_the_controls(demo_report: Path, open_report: Any) -> None:
    loaded = open_report(demo_report)
    assert loaded.page.locator("nav").is_visible()
    loaded.page.emulate_media(media="print")
    assert loaded.page.locator("nav").is_hidden()
    assert loaded.page.locator("#chart-explore details").first.is_hidden()  # vega-embed's menu
    assert loaded.page.locator("#chart-explore svg").first.is_visible()
    assert loaded.page.locator("#table-anomalies").is_visible()


LONG = "Quarterly " * 2_000  # 20,000 characters
RTL = "\u202eevil.exe \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627"
CONTROL = "bell\x07 null\x00 escape\x1b[31m tab\t end"


def test_long_right_to_left_and_control_characters_render_as_text(
    tmp_path: Path, open_report: Any
) -> None:
    day = datetime(2026, 10, 5, 15, tzinfo=UTC)
    records = [
        record("x1", start=day, webinar_title=LONG, title=RTL, attendees=30),
        record(
            "x2",
            start=day + timedelta(days=7),
            webinar="w2",
            webinar_title=CONTROL,
            title=PWNED,
            attendees=20,
        ),
    ]
    sessions = with_registrants(frames.sessions_frame(records), {"x1": 40, "x2": 40})
    path = build_report(sessions, now=NOW).write_html(tmp_path / "odd.html")
    loaded = open_report(path)
    assert loaded.errors == []
    assert loaded.requests == []
    assert loaded.page.evaluate("() => typeof window.__pwned") == "undefined"
    webinars = loaded.text("#table-webinars")
    assert "Quarterly Quarterly" in webinars
    assert "evil.exe" in loaded.page.locator("body").text_content()
    assert "bell" in webinars
    for key in ("chart-attendance-rate", "chart-status-timeline"):
        assert loaded.page.get_attribute(f"#{key}", "data-rendered") == "true", key


def test_the_dashboards_export_passes_the_browser_check(
    demo_report: Path, tmp_path: Path, open_report: Any
) -> None:
    from webinar_insights import Store
    from webinar_insights.widgets import Dashboard

    dashboard = Dashboard(
        Store(demo_report.parent / ".demo-store"), now=NOW, debounce=0, export_dir=tmp_path
    )
    dashboard.set_filters(statuses=["Finished"])
    path = dashboard.export_report(tmp_path / "dashboard.html")
    dashboard.close()
    loaded = open_report(path)
    charts = loaded.page.locator(".chart-body")
    assert charts.count() >= 5
    for i in range(charts.count()):
        assert charts.nth(i).get_attribute("data-rendered") == "true"
    assert loaded.requests == []
    assert loaded.errors == []
    assert [text for kind, text in loaded.console if kind == "error"] == []


def test_on_a_phone_the_page_is_no_wider_than_the_screen(
    demo_report: Path, open_report: Any
) -> None:
    """390 px (a phone): wide tables scroll in their own box instead of widening the page."""
    loaded = open_report(demo_report)
    loaded.page.set_viewport_size({"width": 390, "height": 844})
    loaded.page.wait_for_timeout(300)
    width = loaded.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width
    scrolls = loaded.page.locator(".table-scroll").evaluate_all(
        "(boxes) => boxes.map((b) => b.scrollWidth > b.clientWidth)"
    )
    assert scrolls and any(scrolls)  # the sessions tables are wider than a phone
    assert "Scheduled (UTC)" in loaded.text("#table-top-sessions")


def _cells(table: Any, column: int, read: str = "c.dataset.value") -> list[Any]:
    return list(
        table.locator(f"tbody tr td:nth-child({column})").evaluate_all(
            f"(cells) => cells.map((c) => {read})"
        )
    )


def test_a_table_sorts_by_the_column_clicked(demo_report: Path, open_report: Any) -> None:
    loaded = open_report(demo_report)
    webinars = loaded.page.locator("#table-webinars")
    header = webinars.locator("th", has_text="Registrants")
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"  # numbers: largest first
    registrants = [float(v) for v in _cells(webinars, 4)]
    assert registrants == sorted(registrants, reverse=True)
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert [float(v) for v in _cells(webinars, 4)] == sorted(registrants)
    assert webinars.locator("th[aria-sort]").count() == 1

    # Empty cells (webinars with no Finished session have no rate) stay last either way.
    rate = webinars.locator("th", has_text="Attendance rate").locator("button")
    for _ in range(2):
        rate.click()
        rates = _cells(webinars, 6)
        filled = [float(v) for v in rates if v]
        assert "" in rates and rates[len(filled) :] == [""] * (len(rates) - len(filled))
        assert filled in (sorted(filled), sorted(filled, reverse=True))

    # Times sort as times (ISO 8601 with the zone's offset), text by its words.
    top = loaded.page.locator("#table-top-sessions")
    top.locator("th", has_text="Scheduled").locator("button").click()
    starts = [datetime.fromisoformat(v) for v in _cells(top, 4)]
    assert starts == sorted(starts)
    top.locator("th", has_text="Session").first.locator("button").click()
    titles = _cells(top, 1)
    assert titles == sorted(titles, key=str.casefold)
    # The rows moved whole: each title still sits beside its own id.
    ids = _cells(top, 1, "c.dataset.id")
    assert len(set(zip(titles, ids, strict=True))) == len(ids)


# Titles from the CSV export's own tests: what the page downloads must match csv_safe exactly.
PAGE_CSV_TITLES = [
    *(t for t in test_export_csv.FORMULAS),
    *(t for t in test_export_csv.HARMLESS if t),
    "a\x00b",
    "\x01\x1b[31m",
    "tab\tand\nlines\r",
    'say "hi"',
]


@pytest.mark.parametrize("part", [0, 1], ids=["first-half", "second-half"])
def test_a_table_downloads_as_the_csv_export_writes_it(
    tmp_path: Path, open_report: Any, part: int
) -> None:
    titles = PAGE_CSV_TITLES[part::2]
    start = datetime(2026, 10, 5, 15, tzinfo=UTC)
    sessions = frames.sessions_frame(
        [
            record(f"s{i}", webinar=f"w{i}", webinar_title=title, start=start + timedelta(days=i))
            for i, title in enumerate(titles)
        ]
    )
    sessions = with_registrants(sessions, {f"s{i}": 50 + i for i in range(len(titles))})
    report = build_report(sessions, now=NOW)
    assert report.frames["webinars"].height <= 25  # the table shows every webinar
    loaded = open_report(report.write_html(tmp_path / "titles.html"))
    with loaded.page.expect_download() as download:
        loaded.page.locator("button[data-download=webinars]").click()
    assert download.value.suggested_filename == "webinars.csv"
    text = Path(download.value.path()).read_bytes().decode("utf-8")  # keep every "\r"
    rows = list(csv.DictReader(io.StringIO(text, newline="")))

    expected = csv_safe(report.frames["webinars"])
    by_id = {row["webinar_id"]: row for row in expected.iter_rows(named=True)}
    assert [row["Webinar id"] for row in rows] == expected["webinar_id"].to_list()
    for row in rows:
        want = by_id[row["Webinar id"]]
        assert row["Webinar"] == want["webinar_title"], row["Webinar id"]
        assert int(row["Registrants"]) == want["registrants"]
        assert float(row["Attendance rate"]) == pytest.approx(want["attendance_rate"])
    # A number is written bare, text quoted (so a spreadsheet never splits "a;=1" at its ";").
    counts = ",".join(rows[0][k] for k in ("Sessions", "Finished", "Registrants"))
    assert text.startswith('"Webinar","Webinar id","Sessions",') and f",{counts}," in text
    assert loaded.requests == [] and loaded.errors == []


def test_on_a_phone_charts_are_laid_out_again_with_readable_text(
    demo_report: Path, open_report: Any
) -> None:
    """390 px: panels stacked, views as wide as the screen, no text under 11 px on screen."""
    page = open_report(demo_report).page
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload(wait_until="load")  # a chart is laid out for the width it is drawn at
    page.wait_for_selector(READY, state="attached", timeout=30_000)
    charts = page.evaluate(
        """() => [...document.querySelectorAll('.chart-body')].map((body) => {
          const svg = body.querySelector('svg');
          const shown = svg.getBoundingClientRect().width;
          const scale = shown / Number(svg.getAttribute('width'));
          const sizes = [...svg.querySelectorAll('text')]
            .filter((t) => t.textContent.trim())
            .map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
          return {id: body.id, narrow: body.classList.contains('narrow'), box: body.clientWidth,
                  shown, scale, smallest: Math.min(...sizes)};
        })"""
    )
    assert len(charts) == 15  # nine of the program, six of its audience
    for chart in charts:
        assert chart["narrow"], chart
        assert chart["shown"] <= chart["box"] + 0.5, chart
        assert chart["smallest"] >= 10.5, chart  # 11 px text, at most 5% scaled down
    # Side by side panels are stacked: the start delay's histogram above its host ranking.
    histogram, ranking = _panels(page, "chart-start-delay")
    assert ranking["top"] >= histogram["bottom"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def _panels(page: Any, chart: str) -> list[dict[str, float]]:
    """The boxes of a two-panel chart's panels (Vega names their groups ``..._group``)."""
    return list(
        page.evaluate(
            """(chart) => {
                 const groups = [...document.querySelectorAll(`#${chart} svg g.role-scope`)]
                   .filter((g) => [...g.classList].some((c) => c.endsWith('_group')));
                 return groups.filter((g) => !groups.some((o) => o !== g && o.contains(g)))
                   .map((g) => g.getBoundingClientRect().toJSON());
               }""",
            chart,
        )
    )


def test_on_a_wide_screen_charts_are_drawn_as_specified(
    demo_report: Path, open_report: Any
) -> None:
    page = open_report(demo_report).page
    assert page.locator(".chart-body.narrow").count() == 0
    histogram, ranking = _panels(page, "chart-start-delay")
    assert ranking["left"] >= histogram["right"]  # side by side, as the spec says


def test_a_session_page_opens_from_a_table_and_back_returns_to_the_same_place(
    demo_report: Path, open_report: Any
) -> None:
    loaded = open_report(demo_report)
    page = loaded.page
    link = page.locator("#table-top-sessions a.session-link").first
    link.scroll_into_view_if_needed()
    where = page.evaluate("() => window.scrollY")
    session_id = link.locator("xpath=..").get_attribute("data-id")
    link.click()
    page.wait_for_selector(f'html[data-session-page="{session_id}"]', state="attached")
    assert page.evaluate("() => location.hash") == f"#session-{session_id}"
    assert page.locator("main").is_hidden() and page.locator("#session-page").is_visible()

    # The page shows what Python put on it: every fact, every chart drawn.
    pages = json.loads(page.locator("#session-pages").text_content())
    expected = pages["sessions"][session_id]
    shown = page.locator("#session-page dl.facts div").evaluate_all(
        "(items) => items.map((i) => [i.querySelector('dt').textContent,"
        " i.querySelector('dd').textContent])"
    )
    assert shown == expected["facts"]
    drawn = page.locator("#session-page .chart-body[data-rendered=true]")
    assert drawn.count() == 5  # schedule, retention, joins, registrations, channels
    for i in range(drawn.count()):
        assert drawn.nth(i).locator("svg g[class^='mark-'] > *").count() > 0
    assert expected["host"] in page.locator("#session-page .meta").text_content()

    page.locator("#session-page .back").click()
    page.wait_for_function("() => !document.documentElement.hasAttribute('data-session-page')")
    assert page.locator("main").is_visible() and page.locator("#session-page").is_hidden()
    assert abs(page.evaluate("() => window.scrollY") - where) < 2
    assert loaded.requests == [] and loaded.errors == []


def test_a_click_on_a_timeline_dot_opens_that_sessions_page(
    demo_report: Path, open_report: Any
) -> None:
    page = open_report(demo_report).page
    page.locator("#chart-status-timeline").scroll_into_view_if_needed()
    # The Active session's dot (the largest), found by the scenegraph item Vega keeps on it.
    dot = page.evaluate(
        """() => {
          const paths = [...document.querySelectorAll('#chart-status-timeline g.mark-symbol path')];
          const active = paths.filter((p) => p.__data__ && p.__data__.datum && p.__data__.datum.active);
          // In the middle of the window: the sticky filter bar covers the top.
          active[active.length - 1].scrollIntoView({block: 'center'});
          const box = active[active.length - 1].getBoundingClientRect();
          return {x: box.left + box.width / 2, y: box.top + box.height / 2,
                  id: active[active.length - 1].__data__.datum.session_id};
        }"""
    )
    assert dot is not None
    page.mouse.click(dot["x"], dot["y"])
    page.wait_for_selector(f'html[data-session-page="{dot["id"]}"]', state="attached")
    pages = json.loads(page.locator("#session-pages").text_content())["sessions"]
    assert page.locator("#session-page h1").text_content().endswith(pages[dot["id"]]["title"])
    assert dict(pages[dot["id"]]["facts"])["Status"] == "Active"


def test_a_page_address_opens_the_page_and_an_unknown_one_the_overview(
    demo_report: Path, open_report: Any
) -> None:
    loaded = open_report(demo_report)
    page = loaded.page
    pages = json.loads(page.locator("#session-pages").text_content())["sessions"]
    session_id = next(iter(pages))
    page.goto(f"{demo_report.resolve().as_uri()}#session-{session_id}")
    page.reload(wait_until="load")
    page.wait_for_selector(f'html[data-session-page="{session_id}"]', state="attached")
    # Opened directly: "Back" goes to the overview, not out of the file.
    page.locator("#session-page .back").click()
    page.wait_for_function("() => !document.documentElement.hasAttribute('data-session-page')")
    assert page.locator("main").is_visible()
    page.evaluate("() => { location.hash = '#session-no-such-session'; }")
    page.wait_for_timeout(200)
    assert page.locator("main").is_visible() and page.locator("#session-page").is_hidden()
    assert loaded.errors == []


# ---- The filter bar --------------------------------------------------------------------------

_PEOPLE_CARDS = ("kpi-people-reached", "kpi-repeat-attendee-share")
# The charts the filter bar draws again.
FOLLOWING_CHARTS = (
    "weekday-hour",
    "overrun",
    "start-delay",
    "status-timeline",
    "funnel",
    "lead-time",
    "retention",
    "attendance-rate",
    "explore",
)

# The Audience section's charts: they follow the filter too.
AUDIENCE_CHARTS = (
    "channels",
    "returning",
    "series-cohorts",
    "on-demand",
    "registration-curve",
    "forecast",
)

# What the page shows of its figures and tables: each card's value, basis, change and colour;
# each table's caption and cells (text, data-value, data-id); the summary and the notes.
_READ_PAGE = """() => {
  const text = id => { const n = document.getElementById(id); return n ? n.textContent : null; };
  const cards = {};
  document.querySelectorAll('#kpis li.kpi').forEach(li => {
    const q = s => { const n = li.querySelector(s); return n ? n.textContent : null; };
    cards[li.id] = [q('.kpi-value'), q('.kpi-basis'), q('.kpi-change'),
                    li.querySelector('.kpi-change').className];
  });
  const tables = {};
  for (const id of ['table-top-sessions', 'table-bottom-sessions', 'table-webinars',
                    'table-anomalies']) {
    const t = document.getElementById(id);
    if (!t || t.closest('.table-scroll').hidden) continue;
    tables[id] = [t.caption.textContent, Array.from(t.tBodies[0].rows).map(r =>
      Array.from(r.cells).map(c => [c.textContent, c.getAttribute('data-value'),
                                    c.getAttribute('data-id')]))];
  }
  const chips = Array.from(document.querySelectorAll('#anomaly-kinds li')).map(li => li.textContent);
  return {cards, tables, chips, summary: text('summary'), withheld: text('withheld-note'),
          rates: text('rates-note'), compared: text('kpis-compared')};
}"""


def _read(page: Any) -> dict[str, Any]:
    return dict(page.evaluate(_READ_PAGE))


def _same_cells(shown: list[Any], expected: list[Any]) -> None:
    """Table cells alike: the same text and id; the same value, as a number where it is one
    (the page recomputes minutes from seconds: the last binary digit may differ)."""
    assert len(shown) == len(expected)
    for row_shown, row_expected in zip(shown, expected, strict=True):
        for (text_a, value_a, id_a), (text_b, value_b, id_b) in zip(
            row_shown, row_expected, strict=True
        ):
            assert (text_a, id_a) == (text_b, id_b)
            try:
                assert float(value_a) == pytest.approx(float(value_b), rel=1e-12, abs=1e-12)
            except (TypeError, ValueError):
                assert value_a == value_b


def _dataset_kind(rows: list[Any]) -> tuple[str, ...]:
    """A chart dataset told apart by its columns (the names are hashes of the values)."""
    return tuple(sorted(rows[0])) if rows else ()


def _filter(page: Any, **values: Any) -> None:
    """Set the filter bar's boxes and wait until the page applied them."""
    page.wait_for_selector("#filter-bar[data-ready]", state="attached")
    before = page.get_attribute("#filter-bar", "data-applied") or "0"
    if "start" in values:
        page.fill("#filter-from", values["start"])
    if "end" in values:
        page.fill("#filter-to", values["end"])
    if "webinar" in values:
        page.fill("#filter-webinar", values["webinar"])
    if "host" in values:
        page.select_option("#filter-host", label=values["host"])
    if "statuses" in values:
        for box in page.locator('#filter-statuses input[name="status"]').all():
            label = box.evaluate("b => b.parentElement.textContent.trim()")
            box.set_checked(label in values["statuses"])
    page.wait_for_function(
        "before => (document.querySelector('#filter-bar').getAttribute('data-applied') || '0')"
        " !== before",
        arg=before,
    )


def _without_names(spec: dict[str, Any]) -> Any:
    """A spec without its datasets, and with dataset and view names (hashes of the data)
    replaced by placeholders."""
    text = json.dumps({k: v for k, v in spec.items() if k != "datasets"}, sort_keys=True)
    text = re.sub(r"data-[0-9a-z-]+", "data", text)
    return json.loads(re.sub(r"view_[0-9a-f]+_", "view_", text))


def _spec_in(path: Path, key: str) -> dict[str, Any]:
    """The spec of chart ``key`` as a report file carries it."""
    written = path.read_text(encoding="utf-8")
    pattern = rf'<script type="application/json" id="spec-{key}"[^>]*>(.*?)</script>'
    return dict(json.loads(re.search(pattern, written, re.S)[1]))  # type: ignore[index]


def _same_charts(page: Any, python_path: Path, keys: Iterable[str]) -> None:
    """The charts ``keys`` as the page redrew them hold what the report Python wrote to
    ``python_path`` holds: title, every dataset (rows in any order where they are sessions)
    and every layer's encoding; and they are drawn."""
    for key in keys:
        python_spec = _spec_in(python_path, key)
        drawn = page.evaluate(f"() => window.__reportFilter.drawn('{key}')")
        assert drawn["title"] == python_spec["title"], key
        built = sorted(python_spec["datasets"].values(), key=_dataset_kind)
        shown_sets = sorted(drawn["datasets"].values(), key=_dataset_kind)
        assert len(shown_sets) == len(built), key
        for shown_rows, built_rows in zip(shown_sets, built, strict=True):
            assert len(shown_rows) == len(built_rows), key
            if "session_id" in (built_rows or [{}])[0]:  # rows in any order
                shown_rows = sorted(shown_rows, key=lambda row: row["session_id"])
                built_rows = sorted(built_rows, key=lambda row: row["session_id"])
            for row_shown, row_built in zip(shown_rows, built_rows, strict=True):
                assert row_shown == pytest.approx(row_built), key
        # Everything else alike too (axes, sorts, domains, views), data and view names aside.
        assert _without_names(drawn) == _without_names(python_spec), key
        page.wait_for_selector(f"#chart-{key}[data-rendered=true]", state="attached")
        assert page.locator(f"#chart-{key} svg g[class^='mark-'] > *").count() > 0


def _demo_store_report(demo_report: Path, **options: Any) -> Any:
    from webinar_insights.cli import DEMO_REPORT_NOW
    from webinar_insights.report import report_from_store

    return report_from_store(
        demo_report.parent / ".demo-store", time_zone="UTC", now=DEMO_REPORT_NOW, **options
    )


@pytest.mark.parametrize("with_host", [True, False], ids=["period-host-status", "period"])
def test_the_filter_bar_recomputes_figures_and_tables_as_python_does(
    demo_report: Path, open_report: Any, tmp_path: Path, with_host: bool
) -> None:
    """A period, a host and a status picked in the page (or a period alone, whose period
    before overlaps the report's range) give the key figures, their changes, the notes, the
    tables and the charts that follow the filter of the report Python builds of the same
    sessions."""
    full = _demo_store_report(demo_report, start="2026-05-01", end="2026-11-30")
    sessions = full.frames["sessions"]
    host_name, host_id = (
        sessions.group_by("host_name", "host_user_id")
        .len()
        .sort(["len", "host_name"], descending=[True, False])
        .row(0)[:2]
    )
    chosen: dict[str, Any] = {"hosts": [host_id], "statuses": ["Finished"]} if with_host else {}
    expected = _demo_store_report(demo_report, start="2026-07-01", end="2026-09-30", **chosen)
    python_path = expected.write_html(tmp_path / "python.html")
    want = _read(open_report(python_path).page)
    want_full = _read(open_report(demo_report).page)["cards"]

    loaded = open_report(demo_report)
    page = loaded.page
    if with_host:
        _filter(page, start="2026-07-01", end="2026-09-30", host=host_name, statuses=["Finished"])
    else:
        _filter(page, start="2026-07-01", end="2026-09-30")
    got = _read(page)

    shown = expected.frames["sessions"].height
    assert page.locator("#filter-state").text_content() == (
        f"Showing {shown} of {sessions.height} sessions: 2026-07-01 to 2026-09-30"
        + (f"; host {host_name}; status Finished." if with_host else ".")
    )
    assert got["compared"] == want["compared"]
    # People too: counted again from who attended each session, the period before included.
    assert got["cards"][_PEOPLE_CARDS[0]][0] not in ("–", want_full[_PEOPLE_CARDS[0]][0])
    for card, values in want["cards"].items():
        assert got["cards"][card] == values, card
    assert got["withheld"] == want["withheld"]
    assert got["rates"] == want["rates"]
    for table in ("table-top-sessions", "table-bottom-sessions", "table-webinars"):
        assert got["tables"][table][0] == want["tables"][table][0], table
        _same_cells(got["tables"][table][1], want["tables"][table][1])
    # Anomalies stay as the whole report flagged them (a flag against a series' usual is
    # judged on the whole series): those of the sessions shown.
    ids = set(expected.frames["sessions"]["session_id"])
    flagged = full.frames["anomalies"].filter(pl.col("session_id").is_in(list(ids)))
    kinds = flagged["kind"].value_counts().sort(["count", "kind"], descending=[True, False])
    high = flagged.filter(pl.col("severity") == "high").height
    sentence = (
        f"{flagged.height:,} anomalies flagged ({high:,} high), most often"
        f" {kinds.row(0)[0].replace('_', ' ')} ({kinds.row(0)[1]:,})."
    )
    want_summary = re.sub(r" [\d,]+ anomalies flagged .*$", " " + sentence, want["summary"])
    assert got["summary"] == want_summary
    anomaly_rows = got["tables"]["table-anomalies"][1]
    assert [row[2][2] for row in anomaly_rows] == shown_anomalies(flagged, 30)[
        "session_id"
    ].to_list()
    # Every chart holds the data Python's chart of these sessions holds.
    charts = page.locator("#charts .chart-body").evaluate_all(
        "nodes => nodes.map(n => n.id.slice(6))"
    )
    assert sorted(charts) == sorted(FOLLOWING_CHARTS)
    _same_charts(page, python_path, FOLLOWING_CHARTS)
    # The Audience section's too; no session of the filter is upcoming: no forecast.
    assert page.locator("#audience figure").count() == len(AUDIENCE_CHARTS)
    assert page.locator("#audience figure.not-filtered").count() == 0
    _same_charts(page, python_path, [key for key in AUDIENCE_CHARTS if key != "forecast"])
    assert page.evaluate("() => window.__reportFilter.drawn('forecast')") is None
    assert "No data" in _spec_in(python_path, "forecast")["datasets"].popitem()[1][0]["message"]
    assert page.locator("#charts-unfiltered").is_hidden()
    assert page.locator("#charts .chart.not-filtered").count() == 0
    assert float(page.get_attribute("#filter-bar", "data-redraw-ms") or "nan") >= 0
    assert loaded.requests == [] and loaded.errors == []


def test_the_forecast_shows_the_upcoming_sessions_the_filter_picks(
    demo_report: Path, open_report: Any
) -> None:
    """The forecast learned from every session of the report; a host and a period picked in
    the page show the forecast rows of their upcoming sessions, as Python's chart draws them."""
    full = _demo_store_report(demo_report, start="2026-05-01", end="2026-11-30")
    forecast = full.frames["attendance_forecast"]
    upcoming = full.frames["sessions"].filter(pl.col("session_id").is_in(forecast["session_id"]))
    host_name, host_id, count = (
        upcoming.group_by("host_name", "host_user_id")
        .len()
        .sort(["len", "host_name"], descending=[True, False])
        .row(0)
    )
    assert 1 < count < upcoming.height  # the filter leaves some out and keeps more than one
    shown = _demo_store_report(
        demo_report, start="2026-10-15", end="2026-11-30", hosts=[host_id]
    ).frames["sessions"]
    rows = forecast.filter(pl.col("session_id").is_in(shown["session_id"]))
    assert 0 < rows.height <= count
    expected = charts.forecast_chart(rows, shown).to_dict()

    loaded = open_report(demo_report)
    page = loaded.page
    _filter(page, start="2026-10-15", end="2026-11-30", host=host_name)
    drawn = page.evaluate("() => window.__reportFilter.drawn('forecast')")
    for panel in (0, 1):
        got = drawn["datasets"][drawn["hconcat"][panel]["data"]["name"]]
        want = expected["datasets"][expected["hconcat"][panel]["data"]["name"]]
        assert len(got) == rows.height
        for row_got, row_want in zip(got, want, strict=True):
            assert row_got == pytest.approx(row_want)
    page.wait_for_selector("#chart-forecast[data-rendered=true]", state="attached")
    assert page.locator("#figure-forecast.not-filtered").count() == 0
    assert loaded.errors == []


def test_the_filter_bar_unset_shows_what_python_wrote(demo_report: Path, open_report: Any) -> None:
    """Recomputed with no filter (a host picked, then Reset), every figure, note and table is
    the page as Python wrote it, to the character."""
    loaded = open_report(demo_report)
    page = loaded.page
    page.wait_for_selector("#filter-bar[data-ready]", state="attached")
    written = _read(page)
    _filter(page, host=page.locator("#filter-host option").nth(1).text_content())
    assert _read(page)["cards"]["kpi-sessions"] != written["cards"]["kpi-sessions"]
    before = page.get_attribute("#filter-bar", "data-applied")
    page.locator("#filter-reset").click()
    page.wait_for_function(
        "b => document.querySelector('#filter-bar').getAttribute('data-applied') !== b",
        arg=before,
    )
    again = _read(page)
    assert again["cards"] == written["cards"]
    assert again["summary"] == written["summary"]
    assert (again["withheld"], again["rates"], again["compared"], again["chips"]) == (
        written["withheld"],
        written["rates"],
        written["compared"],
        written["chips"],
    )
    for table, (caption, rows) in written["tables"].items():
        assert again["tables"][table][0] == caption
        _same_cells(again["tables"][table][1], rows)
    assert page.locator("#filter-state").text_content() == (
        f"All {written['cards']['kpi-sessions'][0]} sessions of the report."
    )
    assert page.locator("#charts-unfiltered").is_hidden()
    assert loaded.errors == []


def test_the_webinar_filter_matches_titles_and_an_empty_choice_says_so(
    demo_report: Path, open_report: Any, tmp_path: Path
) -> None:
    from webinar_insights import Store

    everything = Store(demo_report.parent / ".demo-store").sessions()
    titles = everything["webinar_title"].drop_nulls()
    word = titles.str.split(" ").list.first().mode().sort()[0]
    # The page matches titles in the range and in the period before it alike.
    chosen = (
        everything.filter(
            pl.col("webinar_title").str.to_lowercase().str.contains(word.lower(), literal=True)
        )
        .get_column("webinar_id")
        .unique()
        .to_list()
    )
    expected = _demo_store_report(
        demo_report, start="2026-05-01", end="2026-11-30", webinars=chosen
    )
    want = _read(open_report(expected.write_html(tmp_path / "python.html")).page)
    loaded = open_report(demo_report)
    page = loaded.page
    _filter(page, webinar=word.upper())  # any case
    got = _read(page)
    for card in ("kpi-sessions", "kpi-attendance-rate", "kpi-median-start-delay-min"):
        assert got["cards"][card] == want["cards"][card]
    _same_cells(got["tables"]["table-webinars"][1], want["tables"]["table-webinars"][1])
    _filter(page, webinar="", statuses=[])
    assert page.locator("#kpi-sessions .kpi-value").text_content() == "0"
    assert page.locator("#filter-state").text_content().endswith("status none.")
    assert page.locator("#anomalies-none").is_visible()
    assert page.locator("#table-top-sessions caption").text_content() == "No session qualifies."
    assert loaded.errors == []


@pytest.mark.parametrize("days", [1, 4], ids=["one-session", "a-few-sessions"])
def test_charts_of_few_sessions_take_the_shape_python_gives_them(
    demo_report: Path, open_report: Any, tmp_path: Path, days: int
) -> None:
    """A filter down to one session, or to a few, redraws the retention chart as Python draws
    so few (a line per session, not the median and band of the whole report), and every
    other chart that follows the filter as Python draws it."""
    full = _demo_store_report(demo_report, start="2026-05-01", end="2026-11-30")
    curve = full.frames["retention"]
    sessions = full.frames["sessions"].filter(
        pl.col("session_id").is_in(curve["session_id"].implode())
    )
    first = sessions.sort("scheduled_start").row(len(sessions) // 2, named=True)
    day = first["scheduled_start"].date()
    last = day + timedelta(days=days - 1)
    chosen = {"hosts": [first["host_user_id"]]}
    expected = _demo_store_report(
        demo_report, start=day.isoformat(), end=last.isoformat(), **chosen
    )
    shown = expected.frames["retention"]["session_id"].n_unique()
    assert (shown == 1) if days == 1 else (1 < shown <= 8), shown
    python_path = expected.write_html(tmp_path / "python.html")
    loaded = open_report(demo_report)
    page = loaded.page
    _filter(page, start=day.isoformat(), end=last.isoformat(), host=first["host_name"])
    _same_charts(page, python_path, FOLLOWING_CHARTS)
    assert loaded.errors == []


def test_a_filter_in_a_zone_with_a_clock_change_cuts_periods_as_python_does(
    open_report: Any, tmp_path: Path
) -> None:
    """Read in Europe/Berlin, whose clocks go back on 25 October 2026: the week holding it is
    an hour longer (its middle moves), sessions keep their local weekday and hour, and the
    charts under a period filter hold what Python's report of that period holds."""
    from webinar_insights import frames as session_frames

    first = datetime(2026, 7, 6, 15, 30, tzinfo=UTC)
    records = [
        record(
            f"d{i}", start=first + timedelta(days=5 * i, hours=i % 4), delay=i % 9, attendees=20 + i
        )
        for i in range(30)
    ]
    every = with_registrants(
        session_frames.sessions_frame(records), {f"d{i}": 40 + i for i in range(30)}
    )
    options: dict[str, Any] = {"time_zone": "Europe/Berlin", "now": NOW}
    whole = build_report(every, start="2026-07-01", end="2026-11-30", **options)
    part = build_report(every, start="2026-08-17", end="2026-11-08", **options)
    python_path = part.write_html(tmp_path / "python.html")
    loaded = open_report(whole.write_html(tmp_path / "report.html"))
    _filter(loaded.page, start="2026-08-17", end="2026-11-08")
    sessions_charts = [
        key for key in FOLLOWING_CHARTS if key not in ("funnel", "lead-time", "retention")
    ]
    _same_charts(loaded.page, python_path, sessions_charts)
    weeks = loaded.page.evaluate(
        "() => Object.values(window.__reportFilter.drawn('attendance-rate').datasets)"
        ".find(rows => rows[0] && 'period_mid' in rows[0]).map(row => row.period_mid)"
    )
    assert "2026-10-22T12:30:00Z" in weeks and "2026-10-15T12:00:00Z" in weeks
    assert loaded.errors == []


def test_charts_that_cannot_follow_a_filter_are_dimmed_and_named(
    open_report: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The timeline holds 500 sessions: a filter needing others leaves it as built, dimmed and
    named. So for the charts drawn from people when the file could not carry their values."""
    from webinar_insights.report import _filter as filter_data

    monkeypatch.setattr(filter_data, "PEOPLE_VALUES_SHIPPED", 10)
    every = synthetic.sessions(2_000, now=synthetic.NOW)
    report = build_report(
        every,
        registrants=synthetic.registrants(every.head(40), 3),
        participants=synthetic.participants(every.head(40), 3),
        now=synthetic.NOW,
    )
    assert report.filtering["peopleCharts"]["lead_time"] is False
    assert report.filtering["peopleCharts"]["retention"] is False
    assert report.filtering["reach"] is False  # more attendees than the file carries
    loaded = open_report(report.write_html(tmp_path / "report.html"))
    page = loaded.page
    host = page.locator("#filter-host option").nth(1).text_content()
    _filter(page, host=host)
    note = page.locator("#charts-unfiltered").text_content()
    assert report.filtering["audience"]["channels"] is False
    for key, title in (
        ("status-timeline", "Session timeline"),
        ("lead-time", "Registration lead time"),
        ("retention", "Retention"),
        ("channels", "Channels"),
        ("returning", "New and returning attendees"),
    ):
        assert page.locator(f"#figure-{key}.not-filtered").count() == 1, key
        assert title in note, key
    assert page.locator("#kpi-people-reached .kpi-value").text_content() == "–"
    assert "not recomputed under a filter" in page.locator("#withheld-note").text_content()
    for key in ("weekday-hour", "funnel", "start-delay"):  # these follow it
        assert page.locator(f"#figure-{key}.not-filtered").count() == 0, key
        assert page.evaluate(f"() => window.__reportFilter.drawn('{key}')") is not None, key
    page.click("#filter-reset")
    page.wait_for_function("() => !document.documentElement.hasAttribute('data-filtered')")
    assert page.locator("#charts .chart.not-filtered").count() == 0
    assert page.locator("#charts-unfiltered").is_hidden()
    assert loaded.errors == []


def test_the_filter_bar_on_a_phone_keeps_the_page_narrow(demo_report: Path, browser: Any) -> None:
    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 800})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(demo_report.resolve().as_uri(), wait_until="load")
    page.wait_for_selector("#filter-bar[data-ready]", state="attached")
    _filter(page, statuses=["Finished"])
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.close()
