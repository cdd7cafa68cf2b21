"""The ``webinar-insights`` command line.

Bad arguments exit with status 2 and one line on stderr, as argparse does.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from .simulator import FAULT_KINDS, STATS_PATH, Simulator, SimulatorConfig, SimulatorServer


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
