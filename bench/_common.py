"""What every benchmark shares: the result shape, machine facts, the table and the JSON file."""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, TypedDict

ROOT = Path(__file__).resolve().parent.parent  # where `python -c` scripts can import `bench`
RESULTS_DIR = Path(__file__).resolve().parent / "results"
LIBRARIES = ("webinar_insights", "polars", "pyarrow", "httpx", "altair")


def peak_kib() -> int:
    """This process's peak resident memory in KiB (for the scripts run in fresh subprocesses).

    VmHWM starts afresh in a new process; ru_maxrss would carry the parent's peak over fork and
    exec (Linux keeps it), and the parent holds the benchmark's inputs.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class Target(TypedDict):
    """A goal a benchmark sets itself, e.g. ``ours: wall / floor`` ``<= 1.05``."""

    what: str
    goal: str
    value: float | int | bool | None
    met: bool


class BenchResult(TypedDict):
    """What ``run(smoke)`` returns.

    ``rows`` hold one dict of figures per contender (the first key names it); the runner prints
    them as a table with the keys as column headers and stores them as they are.
    """

    title: str
    params: dict[str, Any]
    rows: list[dict[str, Any]]
    targets: list[Target]
    notes: list[str]


def at_most(what: str, value: float | int | None, limit: float | int) -> Target:
    """A target met when ``value`` is known and at most ``limit``."""
    return Target(
        what=what, goal=f"<= {limit:g}", value=value, met=value is not None and value <= limit
    )


def holds(what: str, value: bool) -> Target:
    """A target met when ``value`` is true."""
    return Target(what=what, goal="yes", value=value, met=value)


# -- machine facts ------------------------------------------------------------------------------
def machine_facts() -> dict[str, Any]:
    """CPU, cores, memory, OS, Python and library versions: what a figure depends on."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": usable,
        "memory_gib": _memory_gib(),
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "libraries": {name: _version(name) for name in LIBRARIES},
        "commit": _commit(),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _memory_gib() -> float | None:
    try:
        pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None
    return round(pages * page_size / 2**30, 1)


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _commit() -> str | None:
    """The checked-out commit (read-only ``git rev-parse``; None outside a repository)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- printing -----------------------------------------------------------------------------------
def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value == 0:
            return "0"
        return f"{value:.3f}" if abs(value) < 100 else f"{value:.1f}"
    if value is None:
        return "-"
    return str(value)


def format_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """Rows of figures as an aligned text table (columns: the union of keys, in first-seen order)."""
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    cells = [[format_value(row.get(column)) for column in columns] for row in rows]
    widths = [max([len(c), *(len(line[i]) for line in cells)]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        first, *rest = values
        parts = [first.ljust(widths[0])] + [
            v.rjust(w) for v, w in zip(rest, widths[1:], strict=True)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(columns), rule, *(line(values) for values in cells)])


def format_result(name: str, result: BenchResult, *, seconds: float, smoke: bool) -> str:
    params = ", ".join(
        f"{k}={v:g}" if isinstance(v, float) else f"{k}={format_value(v)}"
        for k, v in result["params"].items()
    )
    out = [f"== {name}: {result['title']} ({seconds:.1f} s)", f"   {params}", ""]
    out += ["   " + text for text in format_table(result["rows"]).splitlines()]
    if result["targets"]:
        out.append("")
    if result["targets"] and smoke:
        out.append("   targets are judged on full runs; at smoke scale they are informational")
    for target in result["targets"]:
        mark = "met   " if target["met"] else "missed"
        if not smoke:  # capitals: a full run's verdict stands out
            mark = mark.upper()
        value = format_value(target["value"])
        out.append(f"   [{mark}] {target['what']}: {value} (target {target['goal']})")
    out += [f"   note: {note}" for note in result["notes"]]
    return "\n".join(out)


# -- the results file ---------------------------------------------------------------------------
def write_results(path: Path, machine: dict[str, Any], benchmarks: dict[str, Any]) -> None:
    """Write ``benchmarks`` to ``path``, keeping other benchmarks' entries from the same machine.

    ``--only NAME`` then refreshes one entry without dropping the rest; entries measured on
    another machine (different facts) are not kept, as they would not be comparable.
    """
    merged: dict[str, Any] = {}
    try:
        previous = json.loads(path.read_text())
    except (OSError, ValueError):
        previous = None
    if isinstance(previous, dict) and _same_machine(previous.get("machine"), machine):
        kept = previous.get("benchmarks")
        if isinstance(kept, dict):
            merged.update(kept)
    merged.update(benchmarks)
    payload = {"written_at": now_iso(), "machine": machine, "benchmarks": merged}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n")
    os.replace(tmp, path)


def _same_machine(old: Any, new: dict[str, Any]) -> bool:
    if not isinstance(old, dict):
        return False
    keys = ("cpu", "cores", "memory_gib", "os", "python", "libraries")
    return all(old.get(key) == new.get(key) for key in keys)
