"""Replaying a fixture (``simulator serve --fixture DIR``): the Webinar answers a user recorded
with ``doctor --save-fixture``, served in place of the simulated program's.

Sign-in, rate limits and faults stay the simulator's; only what the Webinar operations answer
comes from the fixture, so that a shape a user met (a field, a value, a missing part) meets
the client, the store and the frames as it did on the real API. An operation answers:

- with the recorded body when the fixture holds an answer to it for the same path parameters
  (a listing: the records of every recorded page, those inside the query's time window, paged
  anew by the simulator's paging), or with the refusal it recorded (a 403 for a permission
  the user lacked, a 404);
- otherwise a listing answers no records and a single resource 404, as the platform answers
  for something that is not there.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..fixtures import Fixture
from ..openapi import operation_for, operations
from ._errors import HttpError, not_found

if TYPE_CHECKING:
    from ._routing import Ctx

# A listing's time filters and the record field each bounds.
_WINDOWS = (
    ("endTimeFrom", "endTimeTo", "endTime"),
    ("creationTimeFrom", "creationTimeTo", "creationTime"),
)


class Replay:
    """The answers of a fixture, by operation and path parameters."""

    def __init__(self, fixture: Fixture) -> None:
        self.fixture = fixture
        self._answers: dict[tuple[str, tuple[tuple[str, str], ...]], list[Any]] = defaultdict(list)
        self._refusals: dict[
            tuple[str, tuple[tuple[str, str], ...]], tuple[int, dict[str, Any]]
        ] = {}
        self._lists = {op.operation_id for op in operations() if op.lists}
        for answer in fixture.answers:
            operation = operation_for(answer.method, answer.path)
            if operation is None:
                continue
            key = (
                operation.operation_id,
                tuple(sorted(operation.path_parameters(answer.path).items())),
            )
            if 200 <= answer.status < 300:
                self._answers[key].append(answer.body)
            elif isinstance(answer.body, dict):
                self._refusals[key] = (answer.status, answer.body)

    def __repr__(self) -> str:
        return f"Replay({len(self.fixture.answers)} answers)"

    def span(self) -> tuple[datetime, datetime] | None:
        """The first and last session end the fixture's listings hold (None without any)."""
        ends = [
            moment
            for bodies in self._answers.values()
            for body in bodies
            if isinstance(body, dict) and isinstance(body.get("records"), list)
            for record in body["records"]
            if isinstance(record, dict)
            and isinstance(record.get("endTime"), str)
            and (moment := _parsed(record["endTime"])) is not None
        ]
        return (min(ends), max(ends)) if ends else None

    def answer(self, operation_id: str, ctx: Ctx) -> dict[str, Any]:
        """What the fixture answers to ``operation_id`` asked with ``ctx``."""
        key = (operation_id, tuple(sorted(ctx.params.items())))
        bodies = self._answers.get(key, [])
        if not bodies and key in self._refusals:
            status, refusal = self._refusals[key]
            raise HttpError(status, refusal)
        if operation_id not in self._lists:
            if not bodies or not isinstance(bodies[-1], dict):
                raise not_found(ctx.params.get("sessionId") or ctx.params.get("webinarId") or "")
            return dict(bodies[-1])
        windows = [
            (field, _parsed(ctx.one(low) or ""), _parsed(ctx.one(high) or ""))
            for low, high, field in _WINDOWS
        ]
        records: list[Any] = []
        seen: set[str] = set()
        for body in bodies:
            for record in body.get("records", []) if isinstance(body, dict) else []:
                record_id = record.get("id") if isinstance(record, dict) else None
                if isinstance(record_id, str):
                    if record_id in seen:
                        continue
                    seen.add(record_id)
                if _inside(record, windows):
                    records.append(record)
        page = ctx.page(records, lambda record: record)
        first = bodies[0] if bodies and isinstance(bodies[0], dict) else {}
        return {**first, **page}


def _inside(record: Any, windows: list[tuple[str, datetime | None, datetime | None]]) -> bool:
    """Whether ``record`` falls inside the query's time windows (field, first, last; a bound
    the query does not give is None)."""
    if not isinstance(record, dict):
        return True
    for field, first, last in windows:
        value = record.get(field)
        if not isinstance(value, str):
            continue
        moment = _parsed(value)
        if moment is None:
            continue
        if (first is not None and moment < first) or (last is not None and moment > last):
            return False
    return True


def _parsed(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
