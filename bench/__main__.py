"""Run the benchmarks: ``python -m bench [--smoke] [--only NAME] [--output PATH] [--strict]``.

A full run writes ``bench/results/latest.json``; a smoke run writes ``bench/results/smoke.json``
so that CI never overwrites the figures of a real run. The exit status is 1 when a benchmark
fails (raises) and, with ``--strict``, also when one misses a target.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import BENCHMARKS
from ._common import RESULTS_DIR, BenchResult, format_result, machine_facts, now_iso, write_results


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--smoke", action="store_true", help="tiny scales, a few seconds (what CI runs)"
    )
    parser.add_argument("--only", choices=BENCHMARKS, metavar="NAME", help="run one benchmark")
    parser.add_argument(
        "--output",
        type=Path,
        help="results file (default: bench/results/latest.json, or smoke.json with --smoke)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a benchmark misses a target"
    )
    return parser.parse_args(argv)


def run_one(name: str, *, smoke: bool) -> tuple[dict[str, Any], bool]:
    """Run benchmark ``name``; return its JSON entry and whether every target was met."""
    module = importlib.import_module(f"{__package__}.{name}")
    started = time.perf_counter()
    result: BenchResult = module.run(smoke=smoke)
    seconds = time.perf_counter() - started
    print(format_result(name, result, seconds=seconds, smoke=smoke), end="\n\n", flush=True)
    met = all(target["met"] for target in result["targets"])
    entry = {"ran_at": now_iso(), "smoke": smoke, "seconds": round(seconds, 3), **result}
    return entry, met


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    names = [args.only] if args.only else list(BENCHMARKS)
    output: Path = args.output or RESULTS_DIR / ("smoke.json" if args.smoke else "latest.json")
    machine = machine_facts()
    libraries = ", ".join(f"{k} {v}" for k, v in machine["libraries"].items())
    print(
        f"bench ({'smoke' if args.smoke else 'full'}): {machine['cpu']}, "
        f"{machine['cores_usable']} cores, {machine['memory_gib']} GiB, {machine['python']}; "
        f"{libraries}\n",
        flush=True,
    )
    entries: dict[str, Any] = {}
    failed: list[str] = []
    missed: list[str] = []
    for name in names:
        try:
            entry, met = run_one(name, smoke=args.smoke)
        except Exception:  # one broken benchmark must not hide the others' figures
            failed.append(name)
            trace = traceback.format_exc()
            print(f"== {name}: FAILED\n{trace}", file=sys.stderr, flush=True)
            entries[name] = {"ran_at": now_iso(), "smoke": args.smoke, "error": trace}
            continue
        entries[name] = entry
        if not met:
            missed.append(name)
    write_results(output, machine, entries)
    print(f"results written to {output}", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    if missed and (args.strict or not args.smoke):
        print(f"missed a target: {', '.join(missed)}", file=sys.stderr)
    return 1 if failed or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
