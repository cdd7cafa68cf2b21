"""What ``--check-spec`` costs: every answer of a sync checked against the bundled API spec.

A sync of a simulated program at depth ``participants`` is recorded (each answer's body, as
the client hands it to ``on_answer``); then, on the same answers, ``SpecDrift.check`` against
the baseline of decoding them (``json.loads``, which the check needs anyway) and against the
real API's pace (10 Webinar requests a minute: 6 s an answer), which is what a user waits for.
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from webinar_insights import Client, Store, sync
from webinar_insights.openapi import SpecDrift
from webinar_insights.simulator import Simulator, SimulatorConfig

from ._common import BenchResult, at_most, holds

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
PACE = 6.0  # seconds between Webinar requests on the real API (10 a minute)


def _recorded(scale: int) -> list[tuple[str, str, int, bytes]]:
    answers: list[tuple[str, str, int, bytes]] = []

    def keep(response: httpx.Response) -> None:
        request = response.request
        answers.append((request.method, request.url.path, response.status_code, response.content))

    sim = Simulator(SimulatorConfig(seed=7, scale=scale, now=NOW, rate_limit_window=0.001))
    with (
        tempfile.TemporaryDirectory() as folder,
        Client.simulator(simulator=sim, progress=False) as client,
    ):
        client.on_answer.append(keep)
        sync(client, Store(Path(folder) / "s"), start="2025-10-01", end="2026-11-01",
             depth="participants")  # fmt: skip
    return answers


def run(*, smoke: bool) -> BenchResult:
    scale = 20 if smoke else 400
    answers = _recorded(scale)
    size = sum(len(body) for *_, body in answers)
    SpecDrift().check("GET", "/webinar/history/v1/company/sessions", 200, {})  # warm the schemas
    started = time.perf_counter()
    bodies = [(method, path, status, json.loads(body)) for method, path, status, body in answers]
    parse = time.perf_counter() - started
    drift = SpecDrift()
    started = time.perf_counter()
    for method, path, status, body in bodies:
        drift.check(method, path, status, body)
    check = time.perf_counter() - started
    per_answer = check / len(answers)
    rows = [
        {"step": "json.loads (baseline)", "seconds": round(parse, 3),
         "ms per answer": round(1000 * parse / len(answers), 2), "x baseline": 1.0},
        {"step": "SpecDrift.check", "seconds": round(check, 3),
         "ms per answer": round(1000 * per_answer, 2), "x baseline": round(check / parse, 1)},
    ]  # fmt: skip
    return BenchResult(
        title="--check-spec: checking every answer of a sync against the API spec",
        params={
            "sessions": scale,
            "answers": len(answers),
            "MB": round(size / 1e6, 2),
            "checked": drift.answers_checked,
        },
        rows=rows,
        targets=[
            at_most("check per answer / real API pace (6 s)", round(per_answer / PACE, 4), 0.05),
            holds("the simulator's answers match the spec", not drift.lines()),
        ],
        notes=[
            f"the check adds {per_answer * 1000:.1f} ms to an answer the real API paces at"
            f" {PACE:g} s ({per_answer / PACE:.2%})",
        ],
    )
