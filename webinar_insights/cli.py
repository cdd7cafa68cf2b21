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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        return _demo(args)
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
