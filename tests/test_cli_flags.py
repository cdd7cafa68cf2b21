"""Every option of every command: documented, one-line errors, and a test that exercises it.

``FLAG_TESTS`` names, for each (command path..., flag), the test that runs the command with that
flag and checks its effect. ``test_every_flag_has_a_test_that_uses_it`` walks the parser from
``build_parser()``: a new flag without an entry fails it, and so does an entry for a flag that
is gone, or one naming a test that does not exist or never passes the flag (as a string literal
in the test, its decorators, or the fixtures it takes).
"""

from __future__ import annotations

import argparse
import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from webinar_insights import __version__
from webinar_insights.cli import build_parser, main

TESTS = Path(__file__).parent

FLAG_TESTS: dict[tuple[str, ...], str] = {
    ("--version",): "test_version_prints_the_package_version",
    # demo
    ("demo", "--seed"): "test_demo_seed_and_scale_change_the_program",
    ("demo", "--scale"): "test_demo_seed_and_scale_change_the_program",
    # sync
    ("sync", "--from"): "test_store_and_from_to_bound_what_is_written",
    ("sync", "--to"): "test_store_and_from_to_bound_what_is_written",
    ("sync", "--store"): "test_store_and_from_to_bound_what_is_written",
    ("sync", "--depth"): "test_depth_fetches_what_it_says",
    (
        "sync",
        "--server-url",
    ): "test_server_url_syncs_a_loopback_server_and_wins_over_the_environment",
    ("sync", "--host"): "test_host_lists_only_those_hosts",
    ("sync", "--own"): "test_own_lists_only_the_users_sessions",
    ("sync", "--full-refresh"): "test_full_refresh_lists_settled_stretches_again",
    (
        "sync",
        "--fail-fast",
    ): "test_fail_fast_stops_at_once_while_another_client_spends_the_rate_limit",
    ("sync", "--wait"): "test_wait_queues_behind_another_writer",
    ("sync", "--plan"): "test_plan_prints_the_requests_and_writes_nothing_then_the_sync_sends_them",
    ("sync", "--budget"): "test_budget_stops_the_sync_and_the_next_one_finishes",
    ("sync", "--demo"): "test_demo_seed_and_scale_pick_the_simulated_program",
    ("sync", "--seed"): "test_demo_seed_and_scale_pick_the_simulated_program",
    ("sync", "--scale"): "test_demo_seed_and_scale_pick_the_simulated_program",
    ("sync", "--no-progress"): "test_no_progress_keeps_stderr_empty",
    (
        "sync",
        "--check-spec",
    ): "test_save_fixture_spec_drift_check_spec_and_serve_fixture_work_from_the_command_line",
    # doctor
    ("doctor", "--demo"): "test_the_command_prints_the_checks_and_its_exit_says_whether_one_failed",
    (
        "doctor",
        "--server-url",
    ): "test_the_command_prints_the_checks_and_its_exit_says_whether_one_failed",
    (
        "doctor",
        "--store",
    ): "test_the_command_prints_the_checks_and_its_exit_says_whether_one_failed",
    (
        "doctor",
        "--save-fixture",
    ): "test_save_fixture_spec_drift_check_spec_and_serve_fixture_work_from_the_command_line",
    # simulator serve
    (
        "simulator",
        "serve",
        "--host",
    ): "test_serve_listens_at_host_and_port_and_prints_steps_that_work",
    (
        "simulator",
        "serve",
        "--port",
    ): "test_serve_listens_at_host_and_port_and_prints_steps_that_work",
    (
        "simulator",
        "serve",
        "--seed",
    ): "test_served_program_follows_seed_scale_series_now_and_window",
    (
        "simulator",
        "serve",
        "--scale",
    ): "test_served_program_follows_seed_scale_series_now_and_window",
    (
        "simulator",
        "serve",
        "--series",
    ): "test_served_program_follows_seed_scale_series_now_and_window",
    ("simulator", "serve", "--now"): "test_served_program_follows_seed_scale_series_now_and_window",
    (
        "simulator",
        "serve",
        "--rate-limit-window",
    ): "test_served_program_follows_seed_scale_series_now_and_window",
    (
        "simulator",
        "serve",
        "--fault-rate",
    ): "test_serve_faults_of_the_kinds_asked_then_ctrl_c_stops_it_quietly",
    (
        "simulator",
        "serve",
        "--fault-kind",
    ): "test_serve_faults_of_the_kinds_asked_then_ctrl_c_stops_it_quietly",
    (
        "simulator",
        "serve",
        "--no-webinar-settings",
    ): "test_serve_no_webinar_settings_makes_sync_need_own",
    (
        "simulator",
        "serve",
        "--delete-after-listing",
    ): "test_serve_never_ran_share_and_delete_after_listing",
    (
        "simulator",
        "serve",
        "--never-ran-share",
    ): "test_serve_never_ran_share_and_delete_after_listing",
    ("simulator", "serve", "--host-only-participants"): "test_serve_host_only_participants",
    ("simulator", "serve", "--max-oauth-sessions"): "test_serve_max_oauth_sessions",
    (
        "simulator",
        "serve",
        "--spec-drift",
    ): "test_save_fixture_spec_drift_check_spec_and_serve_fixture_work_from_the_command_line",
    (
        "simulator",
        "serve",
        "--fixture",
    ): "test_save_fixture_spec_drift_check_spec_and_serve_fixture_work_from_the_command_line",
    (
        "simulator",
        "summary",
        "--spec-drift",
    ): "test_save_fixture_spec_drift_check_spec_and_serve_fixture_work_from_the_command_line",
    # simulator summary
    **{
        ("simulator", "summary", flag): "test_summary_shows_what_each_option_sets"
        for flag in (
            "--seed",
            "--scale",
            "--rate-limit-window",
            "--fault-rate",
            "--fault-kind",
            "--now",
            "--series",
            "--no-webinar-settings",
            "--delete-after-listing",
            "--host-only-participants",
            "--never-ran-share",
            "--max-oauth-sessions",
        )
    },
    # report
    ("report", "--demo"): "test_demo_syncs_the_simulator_beside_the_report_then_reports",
    ("report", "--store"): "test_store_filters_and_export_data",
    ("report", "--from"): "test_store_filters_and_export_data",
    ("report", "--to"): "test_store_filters_and_export_data",
    ("report", "--host"): "test_store_filters_and_export_data",
    ("report", "--status"): "test_store_filters_and_export_data",
    ("report", "-o"): "test_store_filters_and_export_data",
    ("report", "--export-data"): "test_store_filters_and_export_data",
    ("report", "--webinar"): "test_webinar_title_time_zone_personal_data_and_output",
    ("report", "--title"): "test_webinar_title_time_zone_personal_data_and_output",
    ("report", "--time-zone"): "test_webinar_title_time_zone_personal_data_and_output",
    ("report", "--pseudonymize-hosts"): "test_webinar_title_time_zone_personal_data_and_output",
    ("report", "--include-personal-data"): "test_include_personal_data_is_accepted_with_a_note",
    ("report", "--output"): "test_webinar_title_time_zone_personal_data_and_output",
}


def parsers(
    parser: argparse.ArgumentParser | None = None, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """The root parser and every nested subparser, each with its command path."""
    parser = parser or build_parser()
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from parsers(sub, (*path, name))


def options(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
    for action in parser._actions:
        if action.option_strings and not isinstance(action, argparse._HelpAction):
            yield action


def every_flag() -> set[tuple[str, ...]]:
    return {
        (*path, flag)
        for path, parser in parsers()
        for action in options(parser)
        for flag in action.option_strings
    }


# ---------------------------------------------------------------------------------------------
# Finding a test and the string literals it (and its fixtures) pass.


@cache
def modules() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in TESTS.rglob("*.py")}


def functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def is_fixture(node: ast.FunctionDef) -> bool:
    return any("fixture" in ast.unparse(d) for d in node.decorator_list)


def literals(node: ast.FunctionDef, path: Path, seen: set[str] | None = None) -> set[str]:
    """The strings a test, its decorators and the fixtures it takes (from its own module or a
    conftest.py above it) spell out."""
    seen = seen if seen is not None else set()
    found = {
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }
    for arg in node.args.args:
        if arg.arg in seen:
            continue
        seen.add(arg.arg)
        for where in (path, *(p / "conftest.py" for p in path.parents if TESTS in (p, *p.parents))):
            fixture = functions(modules()[where]).get(arg.arg) if where in modules() else None
            if fixture is not None and is_fixture(fixture):
                found |= literals(fixture, where, seen)
                break
    return found


def sources_of(name: str) -> list[set[str]]:
    return [
        literals(found, path)
        for path, tree in modules().items()
        if (found := functions(tree).get(name)) is not None and not is_fixture(found)
    ]


def test_every_flag_has_a_test_that_uses_it() -> None:
    flags = every_flag()
    assert ("sync", "--server-url") in flags and ("report", "-o") in flags  # the walk works
    missing = sorted(flags - FLAG_TESTS.keys())
    assert not missing, f"flags without an entry in FLAG_TESTS: {missing}"
    stale = sorted(FLAG_TESTS.keys() - flags)
    assert not stale, f"FLAG_TESTS entries for flags that no longer exist: {stale}"
    problems = []
    for key, name in sorted(FLAG_TESTS.items()):
        flag = key[-1]
        assert name.startswith("test_"), name
        sources = sources_of(name)
        if not sources:
            problems.append(f"{key}: no test function {name} under tests/")
        elif not any(flag in strings or f"{flag}=" in strings for strings in sources):
            problems.append(f"{key}: {name} never passes {flag}")
    assert not problems, "\n".join(problems)


def test_the_flag_table_check_can_fail() -> None:
    strings = sources_of("test_store_and_from_to_bound_what_is_written")
    assert strings and "--store" in strings[0] and "--own" not in strings[0]
    assert sources_of("test_no_such_test") == []
    # A fixture's strings count for the tests that take it.
    assert (
        "--no-webinar-settings"
        in sources_of("test_serve_no_webinar_settings_makes_sync_need_own")[0]
    )


# ---------------------------------------------------------------------------------------------
# Documented, versioned, forgiving about letter case, strict about everything else.


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"webinar-insights {__version__}\n"


def test_every_command_and_option_is_described_with_its_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for path, parser in parsers():
        assert parser.description, path
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                helps = {a.dest: a.help for a in action._choices_actions}
                assert set(helps) == set(action.choices), path
                assert all(helps.values()), path
        for action in options(parser):
            assert action.help, (path, action.option_strings)
            text = action.help % {**vars(action), "prog": parser.prog}
            if action.default not in (None, False, argparse.SUPPRESS):
                assert f"(default: {action.default})" in text, (path, action.option_strings)
            elif action.default is None and action.nargs is None and action.const is None:
                # Options that take a value and default to nothing say what leaving them out means.
                assert "default" in text or "required" in text, (path, action.option_strings)
        assert main([*path, "--help"]) == 0
        out = capsys.readouterr().out
        assert out.startswith(f"usage: {parser.prog}")
        assert parser.description.split()[0] in out


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        ([], "webinar-insights: error: the following arguments are required: COMMAND"),
        (["--bogus"], "webinar-insights: error: the following arguments are required: COMMAND"),
        (["simulator"], "webinar-insights simulator: error: the following arguments are required: COMMAND"),
        (
            ["sync", "--depth", "everything"],
            "webinar-insights sync: error: argument --depth: invalid choice: 'everything'"
            " (choose from sessions, registrants, participants)",
        ),
        (["sync", "--wait", "-1"], "webinar-insights sync: error: argument --wait: must not be negative: '-1'"),
        (["demo", "--scale", "many"], "webinar-insights demo: error: argument --scale: not a number: 'many'"),
        (
            ["simulator", "serve", "--port", "70000"],
            "webinar-insights simulator serve: error: argument --port: not a TCP port (0..65535): '70000'",
        ),
        (
            ["simulator", "summary", "--max-oauth-sessions", "0"],
            "webinar-insights simulator summary: error: argument --max-oauth-sessions: must be at least 1: '0'",
        ),
        (
            ["simulator", "summary", "--never-ran-share", "1.5"],
            "webinar-insights simulator summary: error: argument --never-ran-share: must be between 0 and 1: '1.5'",
        ),
        (
            ["report", "--status", "Done"],
            "webinar-insights report: error: argument --status: invalid choice: 'Done'"
            " (choose from Scheduled, Active, Finished)",
        ),
        (["report", "--nope"], "webinar-insights report: error: unrecognized arguments: --nope"),
    ],
)  # fmt: skip
def test_bad_arguments_exit_2_with_one_line_and_no_usage(
    capsys: pytest.CaptureFixture[str], argv: list[str], line: str
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"{line}; see --help\n"


def test_choices_ignore_letter_case() -> None:
    parser = build_parser()
    assert parser.parse_args(["sync", "--depth", "PARTICIPANTS"]).depth == "participants"
    assert parser.parse_args(["report", "--status", "finished", "--status", "ACTIVE"]).statuses == [
        "Finished",
        "Active",
    ]
    args = parser.parse_args(
        ["simulator", "serve", "--fault-kind", "HTTP500", "--fault-kind", "Http429-No-Retry-After"]
    )
    assert args.fault_kind == ["http500", "http429-no-retry-after"]
