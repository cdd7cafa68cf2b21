"""The ``webinar-insights`` command line.

Bad arguments and settings exit with status 2 and one line on stderr, a failing API exits 1
with one line, and Ctrl-C exits 130 with one line (a sync says how far it got).
"""

from __future__ import annotations

import argparse
import errno
import math
import os
import shlex
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NoReturn

from . import __version__
from ._time import EARLIEST, LATEST
from .client import HEAVY_REQUESTS
from .errors import (
    ConfigurationError,
    RateLimitedError,
    StoreError,
    SyncInterrupted,
    WebinarInsightsError,
)
from .simulator import FAULT_KINDS, STATS_PATH, Simulator, SimulatorConfig, SimulatorServer
from .store import Store
from .syncing import DEFAULT_AHEAD, DEFAULT_BACK, DEPTHS, default_range

PROG = "webinar-insights"
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as shells report a closed pipe
STATUSES = ("Scheduled", "Active", "Finished")


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage dump):
    ``webinar-insights sync: error: <what>; see --help``, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())}; see --help\n")

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if extras and self.prog != PROG:  # a subcommand names itself, not only the root
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras


def _iso_datetime(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {text!r}") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if not EARLIEST <= moment <= LATEST:
        raise argparse.ArgumentTypeError(
            f"{text!r} is outside {EARLIEST:%Y-%m-%d}..{LATEST:%Y-%m-%d}, the dates this tool handles"
        )
    return moment


def _non_negative(kind: type[int] | type[float]) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
        if value < 0:
            raise argparse.ArgumentTypeError(f"must not be negative: {text!r}")
        return value

    return parse


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _folder(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path would make the current directory a store")
    return text


def _fraction(text: str) -> float:
    value = float(_non_negative(float)(text))
    if value > 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1: {text!r}")
    return value


def _port(text: str) -> int:
    value = int(_non_negative(int)(text))
    if value > 65535:
        raise argparse.ArgumentTypeError(f"not a TCP port (0..65535): {text!r}")
    return value


def _at_least_one(text: str) -> int:
    value = int(_non_negative(int)(text))
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _choice(choices: Sequence[str]) -> Callable[[str], str]:
    """A type that accepts ``choices`` in any letter case and gives their own spelling."""
    canonical = {choice.lower(): choice for choice in choices}

    def parse(text: str) -> str:
        try:
            return canonical[text.strip().lower()]
        except KeyError:
            raise argparse.ArgumentTypeError(
                f"invalid choice: {text!r} (choose from {', '.join(choices)})"
            ) from None

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Understand a RingCentral Webinar program: sync the Webinar API into a"
        " local store, then build frames, charts and an offline HTML report from it.",
    )
    parser.add_argument(
        "--version", action="version", version=f"{PROG} {__version__}", help="print the version"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="fetch a simulated program through the real client and summarise it",
        description="Fetch the built-in simulator's program through the real API client (in"
        " process, nothing written) and print what it holds.",
    )
    demo.add_argument("--seed", type=int, default=42, help="simulator seed (default: %(default)s)")
    demo.add_argument(
        "--scale",
        type=_non_negative(int),
        default=400,
        help="number of simulated sessions (default: %(default)s)",
    )

    sync_cmd = commands.add_parser(
        "sync",
        help="fetch from the Webinar API into a local store",
        description="Fetch sessions (and, with --depth, their registrants and participants)"
        " ending in a date range from the RingCentral Webinar API into a local store. Only"
        " what changed is fetched again; an interrupted sync resumes where it stopped. The"
        " credentials come from RC_APP_CLIENT_ID, RC_APP_CLIENT_SECRET and RC_USER_JWT (or a"
        " .env file in the working directory).",
    )
    sync_cmd.add_argument(
        "--from", dest="start", help="first day (YYYY-MM-DD or ISO date-time; required)"
    )
    sync_cmd.add_argument("--to", dest="end", help="last day, included (required)")
    sync_cmd.add_argument(
        "--depth",
        type=_choice(DEPTHS),
        choices=DEPTHS,
        default="sessions",
        help="what to fetch: sessions; registrants (sessions and their registrants);"
        " participants (sessions, registrants and participants) (default: %(default)s)",
    )
    sync_cmd.add_argument(
        "--store",
        metavar="DIR",
        type=_folder,
        help="store directory (default: $WEBINAR_INSIGHTS_STORE or ./webinar-data)",
    )
    sync_cmd.add_argument(
        "--server-url",
        metavar="URL",
        help="API server (default: $RC_SERVER_URL or https://platform.ringcentral.com)",
    )
    sync_cmd.add_argument(
        "--host",
        action="append",
        dest="hosts",
        metavar="ID",
        help="only sessions of this host user id (repeatable; default: every host)",
    )
    sync_cmd.add_argument(
        "--own",
        action="store_true",
        help="only the user's own sessions (needs no WebinarSettings permission)",
    )
    sync_cmd.add_argument(
        "--full-refresh",
        action="store_true",
        help="list settled stretches again and ask again for lists that were forbidden",
    )
    sync_cmd.add_argument(
        "--plan",
        action="store_true",
        help="print the requests the sync would make and how long they take at the real API's"
        " limit, then stop (lists the sessions to count; fetches no people, writes nothing)",
    )
    sync_cmd.add_argument(
        "--budget",
        type=_positive_int,
        metavar="REQUESTS",
        help="stop cleanly after about this many requests (upcoming sessions soonest first,"
        " then past ones newest first); the next sync fetches the rest (default: no limit)",
    )
    sync_cmd.add_argument(
        "--fail-fast",
        action="store_true",
        help="fail at once (exit 1) instead of queueing when another client of the same"
        " credentials is spending the rate limit, or a 429 penalty is running; the sync's own"
        " pacing (10 webinar requests a minute) still waits",
    )
    sync_cmd.add_argument(
        "--wait",
        type=_non_negative(float),
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another sync's lock on the store (default: %(default)s)",
    )
    sync_cmd.add_argument(
        "--demo", action="store_true", help="sync the built-in simulator instead of a server"
    )
    sync_cmd.add_argument(
        "--seed", type=int, default=42, help="simulator seed, with --demo (default: %(default)s)"
    )
    sync_cmd.add_argument(
        "--scale",
        type=_non_negative(int),
        default=400,
        help="simulated sessions, with --demo (default: %(default)s)",
    )
    sync_cmd.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    sync_cmd.add_argument(
        "--check-spec",
        action="store_true",
        help="check every answer against the bundled API spec and list how they differ (a"
        " field it does not list, a required one missing, a new enum value, another type);"
        " never fatal",
    )

    doctor = commands.add_parser(
        "doctor",
        help="check the account, this machine's clock and a store against what syncs need",
        description="Check, with the RC_* credentials (or a .env file), what a sync relies on:"
        " the JWT's expiry, the sign-in (token lifetime, refresh tokens, scopes), the clock"
        " against the server's, company-wide listing (the WebinarSettings permission) or your"
        " own, participants of a session someone else hosts, the rate-limit budget and whether"
        " another client is spending it, whether the answers match the bundled API spec, and"
        " with --store the store. One line each, with the fix. Sends 1 Auth request and at"
        f" most {HEAVY_REQUESTS} Heavy ones. Exits 1 when a check fails.",
    )
    doctor.add_argument(
        "--server-url",
        metavar="URL",
        help="API server (default: $RC_SERVER_URL or https://platform.ringcentral.com)",
    )
    doctor.add_argument(
        "--store", metavar="DIR", type=_folder, help="also check this store (default: none)"
    )
    doctor.add_argument(
        "--save-fixture",
        metavar="DIR",
        type=_folder,
        help="write the answers, anonymised (names, e-mails, ids, titles replaced; times"
        " shifted), to DIR/answers.json: safe to attach to a bug report, and"
        " 'simulator serve --fixture DIR' replays it (default: not written)",
    )
    doctor.add_argument(
        "--demo", action="store_true", help="check the built-in simulator instead of a server"
    )

    simulator = commands.add_parser(
        "simulator",
        help="the RingCentral Webinar API simulator",
        description="The built-in simulator of the RingCentral Webinar API: serve it over HTTP"
        " or summarise the program it simulates.",
    )
    sim_commands = simulator.add_subparsers(
        dest="simulator_command", required=True, metavar="COMMAND"
    )
    serve_cmd = sim_commands.add_parser(
        "serve",
        help="serve the simulator over HTTP",
        description="Serve the simulator over HTTP until Ctrl-C, and print how to sync from it"
        " (its public demo credentials and an example command).",
    )
    serve_cmd.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    serve_cmd.add_argument(
        "--port",
        type=_port,
        default=8787,
        help="port to listen on; 0 picks a free port (default: %(default)s)",
    )
    serve_cmd.add_argument(
        "--fixture",
        metavar="DIR",
        type=_folder,
        help="answer the Webinar requests from a fixture 'doctor --save-fixture DIR' wrote,"
        " instead of the simulated program (default: the simulated program)",
    )
    _simulator_options(serve_cmd)
    summary = sim_commands.add_parser(
        "summary",
        help="print what the simulated program holds",
        description="Print what the simulated program holds (hosts, webinars, sessions,"
        " people) and how the simulated platform behaves, without serving it.",
    )
    _simulator_options(summary)
    _report_parser(commands)
    return parser


def _simulator_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=42, help="program seed (default: %(default)s)")
    parser.add_argument(
        "--scale",
        type=_non_negative(int),
        default=200,
        help="number of sessions (default: %(default)s)",
    )
    parser.add_argument(
        "--rate-limit-window",
        type=_non_negative(float),
        default=60.0,
        metavar="SECONDS",
        help="rate-limit window, fractions allowed, e.g. 0.5 (default: %(default)s)",
    )
    parser.add_argument(
        "--fault-rate",
        type=_fraction,
        default=0.0,
        metavar="SHARE",
        help="share 0..1 of requests that meet a fault (default: %(default)s)",
    )
    parser.add_argument(
        "--fault-kind",
        action="append",
        type=_choice(FAULT_KINDS),
        choices=FAULT_KINDS,
        metavar="KIND",
        help=f"limit faults to this kind, repeatable: {', '.join(FAULT_KINDS)} (default: all)",
    )
    parser.add_argument(
        "--now",
        type=_iso_datetime,
        metavar="DATETIME",
        help="fix the simulated clock, ISO date-time (default: the real clock)",
    )
    parser.add_argument(
        "--series",
        type=_non_negative(int),
        default=1,
        help="max sessions per webinar (default: %(default)s)",
    )
    parser.add_argument(
        "--no-webinar-settings",
        action="store_true",
        help="the user lacks the WebinarSettings permission (company endpoints answer 403)",
    )
    parser.add_argument(
        "--delete-after-listing",
        type=_fraction,
        default=0.0,
        metavar="SHARE",
        help="share 0..1 of Scheduled sessions their host deletes right after a listing first"
        " shows them (default: %(default)s)",
    )
    parser.add_argument(
        "--host-only-participants",
        action="store_true",
        help="participants listings answer 403 for sessions the user did not host",
    )
    parser.add_argument(
        "--never-ran-share",
        type=_fraction,
        default=0.0,
        metavar="SHARE",
        help="share 0..1 of sessions that never ran and stay Scheduled (default: %(default)s)",
    )
    parser.add_argument(
        "--max-oauth-sessions",
        type=_at_least_one,
        default=5,
        metavar="N",
        help="OAuth sessions kept per user and app; a new login beyond it evicts the oldest"
        " (default: %(default)s)",
    )
    parser.add_argument(
        "--spec-drift",
        action="store_true",
        help="answer off the bundled API spec, as a later version of the beta API might:"
        " session records carry a field the spec does not list and some recordings a status"
        " its enum lacks",
    )


def _simulator_from(args: argparse.Namespace) -> Simulator:
    from .fixtures import Fixture

    fixture = Fixture.load(args.fixture) if getattr(args, "fixture", None) else None
    return Simulator(
        SimulatorConfig(
            seed=args.seed,
            scale=args.scale,
            now=args.now,
            rate_limit_window=args.rate_limit_window,
            fault_rate=args.fault_rate,
            fault_kinds=tuple(dict.fromkeys(args.fault_kind)) if args.fault_kind else FAULT_KINDS,
            max_sessions_per_webinar=max(1, args.series),
            webinar_settings_permission=not args.no_webinar_settings,
            delete_after_listing=args.delete_after_listing,
            host_only_participants=args.host_only_participants,
            never_ran_share=args.never_ran_share,
            max_oauth_sessions=args.max_oauth_sessions,
            spec_drift=args.spec_drift,
        ),
        fixture=fixture,
    )


def program_summary(sim: Simulator) -> str:
    """A few lines describing the simulated program at the simulator's clock, and how the
    simulated platform behaves (its rate limit, faults and permission)."""
    program, config, now = sim.program, sim.config, sim.now()
    shown = sim.sessions()  # as the API shows them: those that never ran stay Scheduled
    statuses = Counter(s.status(now) for s in shown)
    participants = sum(s.unique_attendees() + s.panel_size() for s in shown if not sim.never_ran(s))
    registrants = sum(s.live_registrants + s.post_registrants for s in program.sessions)
    first = min((s.scheduled_start for s in program.sessions), default=now)
    last = max((s.scheduled_start for s in program.sessions), default=now)
    lines = [
        f"Simulated RingCentral Webinar program (seed {config.seed}, clock {now:%Y-%m-%d %H:%M} UTC)",
        f"  hosts        {len(program.hosts):>9,}",
        f"  webinars     {len(program.webinars):>9,}",
        f"  sessions     {len(program.sessions):>9,}  "
        + ", ".join(f"{k} {statuses.get(k, 0):,}" for k in ("Finished", "Active", "Scheduled")),
        f"  registrants  {registrants:>9,}",
        f"  participants {participants:>9,}  (as of each session's end)",
        f"  scheduled    {first:%Y-%m-%d} .. {last:%Y-%m-%d}",
        f"  rate limit   {config.heavy_limit} webinar requests and {config.auth_limit} token"
        f" requests per {config.rate_limit_window:g} s",
    ]
    if config.fault_rate > 0:
        lines.append(
            f"  faults       {config.fault_rate:.0%} of requests: {', '.join(config.fault_kinds)}"
        )
    if not config.webinar_settings_permission:
        lines.append(
            "  permission   no WebinarSettings: company-wide endpoints answer 403 (sync --own)"
        )
    if config.never_ran_share > 0:
        never = sum(1 for s in shown if sim.never_ran(s))
        lines.append(f"  never ran    {never:>9,}  (stay Scheduled at every clock)")
    if config.delete_after_listing > 0:
        lines.append(
            f"  deletions    {config.delete_after_listing:.0%} of the Scheduled sessions a"
            " listing shows are deleted right after it"
        )
    if config.host_only_participants:
        lines.append("  participants listed for the user's own sessions only (403 for others)")
    if config.spec_drift:
        lines.append(
            "  spec drift   session records off the bundled API spec (a new field, a new value)"
        )
    if sim.replay is not None:
        lines.append(
            f"  fixture      {len(sim.replay.fixture.answers)} recorded answers replace the"
            " program's in Webinar answers"
        )
    lines.append(f"  logins       {config.max_oauth_sessions} OAuth sessions kept per user and app")
    return "\n".join(lines)


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr, flush=True)
    return 2


def _guarded(command: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command: bad input exits 2 with one line, an API failure exits 1 with one line,
    an interrupted sync exits 130 with one line saying how far it got."""
    try:
        return command(args)
    except SyncInterrupted as error:
        print(f"{PROG}: {error}", file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED
    except (ConfigurationError, StoreError) as error:
        return _fail(str(error))
    except WebinarInsightsError as error:
        print(f"{PROG}: {error}", file=sys.stderr, flush=True)
        return 1


def _writable_store(path: str | None) -> Store:
    """The store at ``path``, if it can be written (missing parent folders are made later)."""
    store = Store(path)
    _writable_path(str(store.path), what="the store", folder=True)
    return store


def _sync(args: argparse.Namespace) -> int:
    from ._time import time_range
    from .client import Client
    from .syncing import plan, sync

    if not args.demo and (args.start is None or args.end is None):
        raise ConfigurationError("--from and --to are required (or use --demo)")
    if args.own and args.hosts:
        raise ConfigurationError("--own and --host exclude each other")
    if args.demo and args.server_url:
        raise ConfigurationError("--demo and --server-url exclude each other")
    if args.demo and args.fail_fast:
        raise ConfigurationError(
            "--fail-fast needs a server: with --demo no other client shares the rate limit"
        )
    first, last = default_range(datetime.now(UTC))
    start = args.start or first.date().isoformat()
    end = args.end or last.date().isoformat()
    time_range(start, end)  # reject bad or reversed dates before anything is written
    if args.plan and args.budget is not None:
        raise ConfigurationError("--plan and --budget exclude each other (a plan sends nothing)")
    store = Store(args.store) if args.plan else _writable_store(args.store)
    progress = not args.no_progress and not args.plan
    if args.demo:
        client = Client.simulator(
            seed=args.seed, scale=args.scale, progress=progress, check_spec=args.check_spec
        )
    else:
        options = {"server_url": args.server_url} if args.server_url else {}
        client = Client.from_env(
            progress=progress, fail_fast=args.fail_fast, check_spec=args.check_spec, **options
        )
    with client:
        if args.plan:
            print(
                plan(
                    client,
                    store,
                    start=start,
                    end=end,
                    depth=args.depth,
                    hosts=args.hosts,
                    company=not args.own,
                    full_refresh=args.full_refresh,
                )
            )
            return 0
        try:  # sync() hears from the server (or fails clearly) before touching the store
            summary = sync(
                client,
                store,
                start=start,
                end=end,
                depth=args.depth,
                hosts=args.hosts,
                company=not args.own,
                full_refresh=args.full_refresh,
                wait=args.wait,
                budget=args.budget,
            )
        except RateLimitedError as error:
            if not args.fail_fast:
                raise
            raise RateLimitedError(
                f"the rate limit of these credentials needs a pause of {error.retry_after:.1f} s"
                " (another client of these credentials is spending it, or a 429 penalty is"
                " running) and --fail-fast stopped the sync instead of waiting; run it again"
                " later, or without --fail-fast to wait",
                retry_after=error.retry_after,
                status_code=error.status_code,
            ) from None
        except StoreError as error:  # name the flag, not the Python argument
            raise StoreError(
                str(error).replace("pass wait= to", "pass --wait SECONDS to")
            ) from None
    print(summary)
    print(f"Store: {store.path}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    """Fetch the simulated program through the real client path and summarise it."""
    from .client import Client
    from .frames import sessions_frame

    started = time.monotonic()
    with Client.simulator(seed=args.seed, scale=args.scale, progress=False) as client:
        sim = client.simulator_instance
        assert sim is not None
        print(program_summary(sim))
        now = sim.now()
        records = client.list_sessions(*default_range(now))
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
        f"  finished sessions: {finished['unique_attendee_count'].sum():,} attendees and "
        f"{finished['unique_participant_count'].sum():,} participants (each session's unique"
        " counts, summed)"
    )
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from .client import Client

    if args.demo and args.server_url:
        raise ConfigurationError("--demo and --server-url exclude each other")
    store = Store(args.store) if args.store else None
    if args.demo:
        client = Client.simulator(progress=False)
    else:
        options = {"server_url": args.server_url} if args.server_url else {}
        client = Client.from_env(progress=False, **options)
    print(
        f"Checking {client.server_url} (1 Auth request, at most {HEAVY_REQUESTS} Heavy"
        " requests) ...",
        flush=True,
    )
    with client:
        diagnosis = client.doctor(store=store, save_fixture=args.save_fixture)
    print(diagnosis)
    return 0 if diagnosis.ok else 1


def _simulator(args: argparse.Namespace) -> int:
    sim = _simulator_from(args)
    if args.simulator_command == "summary":
        print(program_summary(sim))
        return 0
    try:
        return _serve(sim, args)
    except KeyboardInterrupt:
        return 0  # Ctrl-C is how a server is stopped


def _serve(sim: Simulator, args: argparse.Namespace) -> int:
    try:
        server = SimulatorServer(sim, args.host, args.port)
    except OSError as error:  # socket.gaierror too: an unknown host name
        reason = (
            "the port is already in use"
            if error.errno == errno.EADDRINUSE
            else (error.strerror or str(error))
        )
        raise ConfigurationError(
            f"cannot serve at {args.host}:{args.port}: {reason}; choose another --host or"
            " --port (--port 0 picks a free one)"
        ) from None
    try:
        print(f"Simulator serving at {server.url} (stats: {server.url}{STATS_PATH})", flush=True)
        print(_serve_hints(sim, server.url), flush=True)
        server.serve_forever()
    finally:
        server.stop()
    return 0


def _serve_hints(sim: Simulator, url: str) -> str:
    """What a user types next to sync from a served simulator (its public demo credentials)."""
    config, sessions = sim.config, sim.program.sessions
    now = sim.now()
    first = min((s.scheduled_start for s in sessions), default=now)
    last = max((s.scheduled_start for s in sessions), default=now) + timedelta(days=1)
    span = sim.replay.span() if sim.replay is not None else None
    if span is not None:  # a fixture: the sessions it recorded
        first, last = span[0], span[1] + timedelta(days=1)
    reachable = url.replace("//0.0.0.0:", "//127.0.0.1:")  # a wildcard address is no destination
    command = [PROG, "sync", "--from", f"{first:%Y-%m-%d}", "--to", f"{last:%Y-%m-%d}"]
    if not config.webinar_settings_permission:
        command.append("--own")
    command += ["--store", "simulator-data"]
    exports = (
        ("RC_SERVER_URL", reachable),
        ("RC_APP_CLIENT_ID", config.client_id),
        ("RC_APP_CLIENT_SECRET", config.client_secret),
        ("RC_USER_JWT", config.jwt),
    )
    return "\n".join(
        [
            "To sync from it, in another shell (the simulator's public demo credentials):",
            *(f"  export {name}={shlex.quote(value)}" for name, value in exports),
            "  " + shlex.join(command),
            "Stop it with Ctrl-C.",
        ]
    )


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
        type=_folder,
        help="store directory (default $WEBINAR_INSIGHTS_STORE or ./webinar-data; with --demo,"
        " a .demo-store folder beside the output)",
    )
    report.add_argument(
        "--from",
        dest="start",
        help="first day, YYYY-MM-DD in --time-zone or ISO date-time (default: the store's"
        " first session; with --demo 2026-05-01)",
    )
    report.add_argument(
        "--to",
        dest="end",
        help="last day, included (default: the store's last session; with --demo 2026-11-30)",
    )
    report.add_argument(
        "--webinar",
        action="append",
        dest="webinars",
        metavar="ID",
        help="only this webinar id (repeatable; default: every webinar)",
    )
    report.add_argument(
        "--host",
        action="append",
        dest="hosts",
        metavar="ID",
        help="only this host user id (repeatable; default: every host)",
    )
    report.add_argument(
        "--status",
        action="append",
        dest="statuses",
        type=_choice(STATUSES),
        choices=STATUSES,
        help="only sessions of this status: Scheduled, Active or Finished (repeatable;"
        " default: all)",
    )
    report.add_argument(
        "--time-zone",
        default="UTC",
        help="IANA zone of days, periods and times (default: %(default)s)",
    )
    report.add_argument(
        "-o",
        "--output",
        default=DEMO_REPORT_OUTPUT,
        help="HTML file (default: %(default)s)",
    )
    report.add_argument("--title", help="the report's title (default: 'Webinar program report')")
    report.add_argument(
        "--demo",
        action="store_true",
        help="sync the built-in simulator into the store first (seed 42, 300 sessions, clock"
        " 2026-11-01 12:00 UTC; default range 2026-05-01 to 2026-11-30)",
    )
    report.add_argument(
        "--pseudonymize-hosts",
        action="store_true",
        help="show hosts as Host 1, Host 2, ... instead of by name, for a report shared outside"
        " the organisation (participants' and registrants' names and e-mail addresses are"
        " never in the report)",
    )
    report.add_argument(
        "--include-personal-data",
        action="store_true",
        help="no longer needed: host names are shown by default (a note says so)",
    )
    report.add_argument(
        "--export-data",
        metavar="DIR",
        help="also write the frames behind the report (Parquet, CSV) and the charts (SVG, PNG)"
        " into DIR (default: not written)",
    )


def _shown_path(path: str, limit: int = 80) -> str:
    return path if len(path) <= limit else f"{path[:limit]}… ({len(path):,} characters)"


def _writable_path(path: str, *, what: str, folder: bool = False) -> Path:
    """``path`` if it can be written (its nearest existing ancestor is a writable folder)."""
    target = Path(path)
    try:
        target.exists()  # a name the file system cannot hold (too long, say) fails here
    except OSError as error:
        raise ConfigurationError(
            f"cannot use {what} {_shown_path(path)}: {error.strerror or error}"
        ) from None
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

    from .client import Client
    from .syncing import sync

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
            start=(DEMO_REPORT_NOW - DEFAULT_BACK).date(),
            end=(DEMO_REPORT_NOW + DEFAULT_AHEAD).date(),
            depth="participants",
        )
    print(summary, flush=True)


def _report(args: argparse.Namespace) -> int:
    """Build the report of a store (after a demo sync with --demo) and write it."""
    from .report import report_from_store, report_range, vega_bundle

    if args.include_personal_data:
        print(
            f"{PROG}: note: --include-personal-data is no longer needed: hosts are shown by name"
            " by default (--pseudonymize-hosts shows them as Host 1, Host 2, ...), and the report"
            " holds no participant or registrant names or e-mail addresses",
            file=sys.stderr,
            flush=True,
        )
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
        pseudonymize_hosts=args.pseudonymize_hosts,
    )
    written = report.write_html(output)
    size = written.stat().st_size
    bundle = len(vega_bundle().encode("utf-8"))
    print(
        f"Report: {written.resolve()} ({size / 1e6:.2f} MB, of which {bundle / 1e6:.2f} MB is the"
        f" inlined Vega JavaScript; built in {time.monotonic() - started:.1f} s)"
    )
    print(report.summary())
    for line in store.incomplete():  # a sync is running, or the last one stopped early
        print(f"Not complete yet: {line}")
    if export is not None:
        files = report.export_data(export)
        print(f"Data: {len(files)} files in {export.resolve()} (Parquet, CSV, SVG, PNG)")
    return 0


def _run(args: argparse.Namespace) -> int:
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "demo": _demo,
        "sync": _sync,
        "doctor": _doctor,
        "simulator": _simulator,
        "report": _report,
    }
    return _guarded(commands[args.command], args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad arguments, also after
    ``--help`` and ``--version`` return 0) instead of raising ``SystemExit``."""
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as stop:  # argparse: --help, --version, or a bad argument
            return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)
        return _run(args)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (`... | head`): what was written stays written,
        # and Python must not complain again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(main())
