"""Whatever a user types, the command line answers with an exit code and at most a line or two:
never a traceback. Hypothesis builds argument lists from the real options and hostile values."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webinar_insights.cli import build_parser, main

HOSTILE = st.sampled_from(
    [
        "", " ", "-1", "0", "1e309", "nan", "inf", "9999-12-31", "0001-01-01", "2026-02-30",
        "2026-01-01T25:00:00Z", "\x00", "é", "../..", "/", "a" * 300, "=1+1", "Europe/Nowhere",
        "UTC", "2026-01-01", "2026-06-30", "participants", "FINISHED", "http://", "not-a-url",
        "ftp://x", "62000001", "--", "-",
    ]
)  # fmt: skip


def _options(path: tuple[str, ...]) -> list[str]:
    parser = build_parser()
    for name in path:
        sub = next(a for a in parser._actions if getattr(a, "choices", None) and name in a.choices)
        parser = sub.choices[name]  # type: ignore[index]
    return sorted(o for a in parser._actions for o in a.option_strings if o not in ("-h", "--help"))


# Commands that could run for long on valid input (serve runs until Ctrl-C; --demo syncs) are
# given only through their bad-input paths: serve is left out and --demo is never chosen.
COMMANDS = [("sync",), ("report",), ("simulator", "summary")]


@st.composite
def argv(draw: st.DrawFn) -> list[str]:
    path = draw(st.sampled_from(COMMANDS))
    options = [o for o in _options(path) if o not in ("--demo", "--scale")]
    words: list[str] = list(path)
    for _ in range(draw(st.integers(0, 5))):
        words.append(draw(st.sampled_from(options)))
        if draw(st.booleans()):
            words.append(draw(HOSTILE | st.text(max_size=12)))
    return words


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(words=argv())
def test_no_argument_list_gives_a_traceback(
    words: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    if "--scale" not in words and words[0] == "simulator":
        words += ["--scale", "20"]
    code = main(words)
    out, err = capsys.readouterr()
    assert code in (0, 1, 2, 130), (words, code)
    assert "Traceback" not in err + out, words
    if code:
        assert 1 <= len(err.strip().splitlines()) <= 2, (words, err)
