"""webinar_insights.notebook: the offline renderer and setup(), without a browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import altair as alt
import pytest

from webinar_insights import notebook
from webinar_insights.report import vega_bundle


@pytest.fixture
def renderer() -> Iterator[None]:
    before_renderer, before_theme = alt.renderers.active, alt.theme.active
    sent = notebook._Page.library_sent
    notebook._Page.library_sent = False
    yield
    notebook._Page.library_sent = sent
    alt.renderers.enable(before_renderer)
    alt.theme.enable(before_theme)


def chart() -> alt.Chart:
    return (
        alt.Chart(alt.Data(values=[{"x": "</script><b>", "y": 1}]))
        .mark_bar()
        .encode(x="x:N", y="y:Q")
    )


def test_the_first_chart_carries_the_library_and_later_ones_only_their_spec(renderer: None) -> None:
    notebook.enable_charts()
    assert alt.renderers.active == notebook.RENDERER
    assert alt.theme.active == "webinar_insights"
    first = chart()._repr_mimebundle_()
    second = chart()._repr_mimebundle_()
    first_html = (first[0] if isinstance(first, tuple) else first)["text/html"]
    second_html = (second[0] if isinstance(second, tuple) else second)["text/html"]
    assert vega_bundle() in first_html
    assert vega_bundle() not in second_html
    assert len(second_html) < 5_000
    assert "cdn" not in second_html.lower() and "<script src" not in second_html


def test_a_spec_cannot_end_its_script_early(renderer: None) -> None:
    html = notebook.chart_html(chart().to_dict())
    assert html.count("</script>") == 1
    assert "<\\/script><b>" in html


def test_setup_says_which_source_and_prints_no_secret(
    renderer: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("RC_APP_CLIENT_ID", "RC_APP_CLIENT_SECRET", "RC_USER_JWT", "RC_SERVER_URL"):
        monkeypatch.delenv(name, raising=False)
    here = notebook.setup("demo")
    assert not here.live and here.simulator is not None and here.now == notebook.DEMO_NOW
    assert here.store.path == Path(".demo/demo/store")
    assert "built-in simulator" in capsys.readouterr().out
    here.client.close()

    monkeypatch.setenv("RC_APP_CLIENT_ID", "id-7f3a")
    monkeypatch.setenv("RC_APP_CLIENT_SECRET", "secret-9c2e")
    monkeypatch.setenv("RC_USER_JWT", "jwt-e1d0")
    monkeypatch.setenv("WEBINAR_INSIGHTS_STORE", str(tmp_path / "real-store"))
    live = notebook.setup("demo")
    printed = capsys.readouterr().out
    assert live.live and live.simulator is None
    assert "real RingCentral Webinar API" in printed and str(tmp_path / "real-store") in printed
    for secret in ("secret-9c2e", "jwt-e1d0"):
        assert secret not in printed and secret not in repr(live)
    live.client.close()
