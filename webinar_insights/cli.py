"""The ``webinar-insights`` command line.

Bad arguments exit with status 2 and one line on stderr, as argparse does.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from .errors import ConfigurationError, StoreError, WebinarInsightsError
from .simulator import FAULT_KINDS, STATS_PATH, Simulator, SimulatorConfig, SimulatorServer
from .store import Store
from .sync import DEPTHS


def _iso_datetime(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _non_negative(kind: type[int] | type[float]):  # type: ignore[no-untyped-def]
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value < 0:
            raise argparse.ArgumentTypeError(f"must not be negative: {text!r}")
        return value

    return parse


def _fraction(text: str) -> float:
    value = float(_non_negative(float)(text))
    if value > 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1: {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="webinar-insights",
        description="Understand a RingCentral Webinar program: sync, frames, charts, reports.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="run the main job on the built-in simulator")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--scale", type=_non_negative(int), default=400, help="number of sessions")

    sync_cmd = commands.add_parser("sync", help="fetch from the Webinar API into a local store")
    sync_cmd.add_argument("--from", dest="start", help="first day (YYYY-MM-DD or ISO date-time)")
    sync_cmd.add_argument("--to", dest="end", help="last day, included")
    sync_cmd.add_argument("--depth", choices=DEPTHS, default="sessions")
    sync_cmd.add_argument(
        "--store", help="store directory (default $WEBINAR_INSIGHTS_STORE or ./webinar-data)"
    )
    sync_cmd.add_argument("--server-url", help="API server (default $RC_SERVER_URL or production)")
    sync_cmd.add_argument(
        "--host", action="append", dest="hosts", help="only this host user id (repeatable)"
    )
    sync_cmd.add_argument("--own", action="store_true", help="only the user's own sessions")
    sync_cmd.add_argument("--full-refresh", action="store_true", help="list settled windows again")
    sync_cmd.add_argument("--demo", action="store_true", help="use the built-in simulator")
    sync_cmd.add_argument("--seed", type=int, default=42, help="simulator seed (with --demo)")
    sync_cmd.add_argument(
        "--scale", type=_non_negative(int), default=400, help="simulated sessions (with --demo)"
    )
    sync_cmd.add_argument("--no-progress", action="store_true", help="no progress bar")

    simulator = commands.add_parser("simulator", help="the RingCentral Webinar API simulator")
    sim_commands = simulator.add_subparsers(dest="simulator_command", required=True)
    serve_cmd = sim_commands.add_parser("serve", help="serve the simulator over HTTP")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument(
        "--port", type=_non_negative(int), default=8787, help="0 picks a free port"
    )
    _simulator_options(serve_cmd)
    summary = sim_commands.add_parser("summary", help="print what the simulated program holds")
    _simulator_options(summary)
    _report_parser(commands)
    return parser


def _simulator_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scale", type=_non_negative(int), default=200, help="number of sessions")
    parser.add_argument(
        "--rate-limit-window",
        type=_non_negative(float),
        default=60.0,
        help="seconds (fractions allowed, e.g. 0.5)",
    )
    parser.add_argument("--fault-rate", type=_fraction, default=0.0, help="0..1 of requests")
    parser.add_argument(
        "--fault-kind",
        action="append",
        choices=FAULT_KINDS,
        help="limit faults to these kinds (repeatable; default all)",
    )
    parser.add_argument("--now", type=_iso_datetime, help="fix the clock (ISO date-time)")
    parser.add_argument(
        "--series", type=_non_negative(int), default=1, help="max sessions per webinar"
    )
    parser.add_argument(
        "--no-webinar-settings",
        action="store_true",
        help="the user lacks the WebinarSettings permission (company endpoints answer 403)",
    )


def _simulator_from(args: argparse.Namespace) -> Simulator:
    return Simulator(
        SimulatorConfig(
            seed=args.seed,
            scale=args.scale,
            now=args.now,
            rate_limit_window=args.rate_limit_window,
            fault_rate=args.fault_rate,
            fault_kinds=tuple(args.fault_kind) if args.fault_kind else FAULT_KINDS,
            max_sessions_per_webinar=max(1, args.series),
            webinar_settings_permission=not args.no_webinar_settings,
        )
    )


def program_summary(sim: Simulator) -> str:
    """A few lines describing the simulated program at the simulator's clock."""
    program, now = sim.program, sim.now()
    statuses = Counter(s.status(now) for s in program.sessions)
    participants = sum(s.unique_attendees() + s.panel_size() for s in program.sessions)
    registrants = sum(s.live_registrants + s.post_registrants for s in program.sessions)
    first = min((s.scheduled_start for s in program.sessions), default=now)
    last = max((s.scheduled_start for s in program.sessions), default=now)
    lines = [
        f"Simulated RingCentral Webinar program (seed {program.config.seed}, clock {now:%Y-%m-%d %H:%M} UTC)",
        f"  hosts        {len(program.hosts):>9,}",
        f"  webinars     {len(program.webinars):>9,}",
        f"  sessions     {len(program.sessions):>9,}  "
        + ", ".join(f"{k} {statuses.get(k, 0):,}" for k in ("Finished", "Active", "Scheduled")),
        f"  registrants  {registrants:>9,}",
        f"  participants {participants:>9,}  (as of each session's end)",
        f"  scheduled    {first:%Y-%m-%d} .. {last:%Y-%m-%d}",
    ]
    return "\n".join(lines)


def _fail(message: str) -> int:
    print(f"webinar-insights: error: {message}", file=sys.stderr)
    return 2


def _guarded(command: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command; bad input exits 2 with one line, an API failure exits 1 with one line."""
    try:
        return command(args)
    except (ConfigurationError, StoreError) as error:
        return _fail(str(error))
    except WebinarInsightsError as error:
        print(f"webinar-insights: {error}", file=sys.stderr)
        return 1


def _writable_store(path: str | None) -> Store:
    store = Store(path)
    probe = store.path if store.path.exists() else store.path.parent.resolve()
    if not probe.is_dir() or not os.access(probe, os.W_OK):
        raise ConfigurationError(
            f"cannot write the store at {store.path}: {probe} is not a writable directory"
        )
    return store


def _sync(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from ._time import time_range
    from .client import Client
    from .sync import sync

    if not args.demo and (args.start is None or args.end is None):
        raise ConfigurationError("--from and --to are required (or use --demo)")
    if args.own and args.hosts:
        raise ConfigurationError("--own and --host exclude each other")
    now = datetime.now(UTC)
    start = args.start or (now - timedelta(days=400)).date().isoformat()
    end = args.end or (now + timedelta(days=40)).date().isoformat()
    time_range(start, end)  # reject bad or reversed dates before anything is written
    store = _writable_store(args.store)
    progress = not args.no_progress
    if args.demo:
        client = Client.simulator(seed=args.seed, scale=args.scale, progress=progress)
    else:
        options = {"server_url": args.server_url} if args.server_url else {}
        client = Client.from_env(progress=progress, **options)
    with client:
        summary = sync(
            client,
            store,
            start=start,
            end=end,
            depth=args.depth,
            hosts=args.hosts,
            company=not args.own,
            full_refresh=args.full_refresh,
        )
    print(summary)
    print(f"Store: {store.path}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    """Fetch the simulated program through the real client path and summarise it."""
    from datetime import timedelta

    from .client import Client
    from .frames import sessions_frame

    started = time.monotonic()
    with Client.simulator(seed=args.seed, scale=args.scale, progress=False) as client:
        sim = client.simulator_instance
        assert sim is not None
        print(program_summary(sim))
        now = sim.now()
        records = client.list_sessions(now - timedelta(days=400), now + timedelta(days=40))
        sessions = sessions_frame(records)
        stats = sim.stats()
    by_status = dict(sessions.group_by("status").len().iter_rows())
    print(
        f"\nFetched {sessions.height:,} sessions through the API client in "
        f"{time.monotonic() - started:.1f} s: {stats['requests_total']} requests, "
        f"{stats['rate_limited']} rate-limited"
    )
    print("  by status: " + ", ".join(f"{k} {v:,}" for k, v in sorted(by_status.items())))
    finished = sessions.filter(status="Finished")
    print(
        f"  finished sessions: {finished['unique_attendee_count'].sum():,} unique attendees, "
        f"{finished['unique_participant_count'].sum():,} unique participants"
    )
    return 0


# ---------------------------------------------------------------------------------------------
# report

DEMO_REPORT_NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
"""The simulator's clock for ``report --demo``: a fixed clock gives the same report every run."""

DEMO_REPORT_RANGE = ("2026-05-01", "2026-11-30")
DEMO_REPORT_OUTPUT = "reports/webinar-report.html"


def _report_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = commands.add_parser(
        "report",
        help="write the offline HTML report of a store (one file, no network)",
        description="Write the offline HTML report of a store: KPIs against the previous"
        " period, linked charts, anomalies, tables and data notes, in one self-contained file.",
    )
    report.add_argument(
        "--store",
        help="store directory (default $WEBINAR_INSIGHTS_STORE or ./webinar-data; with --demo,"
        " a .demo-store folder beside the output)",
    )
    report.add_argument(
        "--from", dest="start", help="first day (YYYY-MM-DD in --time-zone, or ISO date-time)"
    )
    report.add_argument("--to", dest="end", help="last day, included")
    report.add_argument(
        "--webinar",
        action="append",
        dest="webinars",
        metavar="ID",
        help="only this webinar id (repeatable)",
    )
    report.add_argument(
        "--host",
        action="append",
        dest="hosts",
        metavar="ID",
        help="only this host user id (repeatable)",
    )
    report.add_argument(
        "--status",
        action="append",
        dest="statuses",
        choices=("Scheduled", "Active", "Finished"),
        help="only sessions of this status (repeatable)",
    )
    report.add_argument(
        "--time-zone", default="UTC", help="IANA zone of days, periods and times (default UTC)"
    )
    report.add_argument(
        "-o",
        "--output",
        default=DEMO_REPORT_OUTPUT,
        help=f"HTML file (default {DEMO_REPORT_OUTPUT})",
    )
    report.add_argument("--title", help="the report's title")
    report.add_argument(
        "--demo",
        action="store_true",
        help="sync the built-in simulator into the store first (seed 42, 300 sessions, clock"
        " 2026-11-01 12:00 UTC; default range 2026-05-01 to 2026-11-30)",
    )
    report.add_argument(
        "--include-personal-data",
        action="store_true",
        help="show host names (by default hosts appear by user id; participants' names and"
        " e-mail addresses are never shown)",
    )
    report.add_argument(
        "--export-data",
        metavar="DIR",
        help="also write the frames behind the report (Parquet, CSV) and the charts (SVG, PNG)",
    )


def _writable_path(path: str, *, what: str, folder: bool = False) -> Path:
    """``path`` if it can be written (its nearest existing ancestor is a writable folder)."""
    target = Path(path)
    if folder and target.exists() and not target.is_dir():
        raise ConfigurationError(f"{what} {target} exists and is not a directory")
    if not folder and target.is_dir():
        raise ConfigurationError(f"{what} {target} is a directory; name a file")
    probe = target if folder and target.is_dir() else target.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK):
        raise ConfigurationError(
            f"cannot write {what} {target}: {probe} is not a writable directory"
        )
    return target


def _sync_demo(store: Store) -> None:
    from datetime import timedelta

    from .client import Client
    from .sync import sync

    sim = Simulator(
        SimulatorConfig(
            seed=42,
            scale=300,
            now=DEMO_REPORT_NOW,
            rate_limit_window=0.05,
            max_sessions_per_webinar=4,
        )
    )
    print(f"Demo: syncing the built-in simulator into {store.path} ...", flush=True)
    with Client.simulator(simulator=sim, progress=False) as client:
        summary = sync(
            client,
            store,
            start=(DEMO_REPORT_NOW - timedelta(days=400)).date(),
            end=(DEMO_REPORT_NOW + timedelta(days=40)).date(),
            depth="participants",
        )
    print(summary, flush=True)


def _report(args: argparse.Namespace) -> int:
    """Build the report of a store (after a demo sync with --demo) and write it."""
    from .report import report_from_store, report_range, vega_bundle

    start, end = args.start, args.end
    if args.demo and start is None and end is None:
        # The six months before the simulator's clock and its month (November 2026).
        start, end = DEMO_REPORT_RANGE
    report_range(start, end, time_zone=args.time_zone)  # bad dates or zone: before any write
    output = _writable_path(args.output, what="the report")
    export = None
    if args.export_data:
        export = _writable_path(args.export_data, what="--export-data", folder=True)
    if args.demo:
        if args.store is None:
            output.parent.mkdir(parents=True, exist_ok=True)
        store = _writable_store(args.store or str(output.parent / ".demo-store"))
        _sync_demo(store)
    else:
        store = Store(args.store)
    started = time.monotonic()
    report = report_from_store(
        store,
        start=start,
        end=end,
        webinars=args.webinars,
        hosts=args.hosts,
        statuses=args.statuses,
        time_zone=args.time_zone,
        now=DEMO_REPORT_NOW if args.demo else None,
        title=args.title,
        include_personal_data=args.include_personal_data,
    )
    written = report.write_html(output)
    size = written.stat().st_size
    bundle = len(vega_bundle().encode("utf-8"))
    print(
        f"Report: {written.resolve()} ({size / 1e6:.2f} MB, of which {bundle / 1e6:.2f} MB is the"
        f" inlined Vega JavaScript; built in {time.monotonic() - started:.1f} s)"
    )
    print(report.summary())
    if export is not None:
        files = report.export_data(export)
        print(f"Data: {len(files)} files in {export.resolve()} (Parquet, CSV, SVG, PNG)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        return _demo(args)
    if args.command == "report":
        return _guarded(_report, args)
    if args.command == "sync":
        return _guarded(_sync, args)
    if args.command == "simulator":
        sim = _simulator_from(args)
        if args.simulator_command == "summary":
            print(program_summary(sim))
            return 0
        server = SimulatorServer(sim, args.host, int(args.port))
        print(f"Simulator serving at {server.url} (stats: {server.url}{STATS_PATH})", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
