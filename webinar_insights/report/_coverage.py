"""What the store covers, and whether a comparison may be shown.

A comparison (the change of a key figure against the previous period) is shown only where the
store's finished syncs cover both the report's range and the previous period at the depth the
figure needs (``metrics.KPIS[...].depth``); otherwise it is withheld with the reason. Without a
range, :func:`default_range` picks the last 90 days the store covers with its previous period
covered too, so that comparisons appear in the simplest use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any, Final

from webinar_insights._time import zone
from webinar_insights.metrics import KPIS
from webinar_insights.store import DEPTH_ORDER, synced_ranges

from ._range import local_midnight

__all__ = [
    "DEFAULT_DAYS",
    "TOLERANCE",
    "default_range",
    "uncovered",
    "withheld_changes",
    "withheld_reason",
]

Ranges = Sequence[tuple[datetime, datetime]]

TOLERANCE: Final = timedelta(days=1)
"""An uncovered part up to this long does not withhold a comparison: a sync's range given as
dates is whole UTC days, a report's whole local days, and they differ by the zone's offset."""

DEFAULT_DAYS: Final = 90
"""The length of the default range (the last days the store covers), when it covers twice that."""

_NOUNS: Final = {
    "sessions": "store",
    "registrants": "store's registrant lists",
    "participants": "store's participant lists",
}


def uncovered(ranges: Ranges, start: datetime, end: datetime) -> timedelta:
    """How much of ``[start, end)`` lies outside every range."""
    missing = end - start
    for first, last in ranges:
        overlap = min(end, last) - max(start, first)
        if overlap > timedelta(0):
            missing -= overlap
    return max(missing, timedelta(0))


def _days(start: datetime, end: datetime, time_zone: str) -> str:
    """``[start, end)`` as local days "2025-10-03..2025-12-31" (the end day included)."""
    local = zone(time_zone)
    first, last = start.astimezone(local), end.astimezone(local)
    if last.time() == time(0):
        last -= timedelta(days=1)
    return f"{first:%Y-%m-%d}..{last:%Y-%m-%d}"


def _share(part: timedelta, whole: timedelta) -> str:
    shown = f"{part / whole:.0%}"
    return "<1%" if shown == "0%" else shown


def withheld_reason(
    ranges: Ranges,
    *,
    depth: str,
    start: datetime,
    end: datetime,
    previous_start: datetime,
    time_zone: str,
) -> str | None:
    """Why a comparison at ``depth`` is withheld (None: both periods are covered).

    >>> from datetime import UTC
    >>> day = lambda text: datetime.fromisoformat(text).replace(tzinfo=UTC)
    >>> withheld_reason([(day("2025-11-01"), day("2026-06-01"))], depth="sessions",
    ...     start=day("2026-01-01"), end=day("2026-04-01"), previous_start=day("2025-10-03"),
    ...     time_zone="UTC")
    'store starts 2025-11-01; previous period 2025-10-03..2025-12-31 is 32% uncovered'
    """
    noun = _NOUNS.get(depth, "store")
    if not ranges:
        deeper = "" if depth == "sessions" else f" at depth {depth} or deeper"
        return f"the store records no finished sync{deeper}"
    if ranges[0][0] <= previous_start or len(ranges) > 1:
        held = ", ".join(_days(first, last, time_zone) for first, last in ranges)
        what = f"{noun} {'covers' if depth == 'sessions' else 'cover'} {held}"
    else:
        first_day = f"{ranges[0][0].astimezone(zone(time_zone)):%Y-%m-%d}"
        what = f"{noun} {'starts' if depth == 'sessions' else 'start'} {first_day}"
    for name, first, last in (("previous period", previous_start, start), ("range", start, end)):
        missing = uncovered(ranges, first, last)
        if missing > TOLERANCE:
            return f"{what}; {name} {_days(first, last, time_zone)} is {_share(missing, last - first)} uncovered"
    return None


def default_range(
    ranges: Ranges, *, now: datetime, time_zone: str
) -> tuple[datetime, datetime] | None:
    """The last :data:`DEFAULT_DAYS` whole local days before ``now`` that ``ranges`` cover,
    with the previous period covered too; when they cover less than twice that, the later half
    of what they cover. None when they cover less than two whole days before ``now``."""
    today = local_midnight(now, time_zone, after=False)
    before = [(first, min(last, today)) for first, last in ranges if first < today]
    if not before:
        return None
    first, last = before[-1]
    lower = local_midnight(
        first, time_zone, after=first != local_midnight(first, time_zone, after=False)
    )
    upper = local_midnight(last, time_zone, after=False)
    local = zone(time_zone)
    days = (upper.astimezone(local).date() - lower.astimezone(local).date()).days
    if days < 2:
        return None
    length = DEFAULT_DAYS if days >= 2 * DEFAULT_DAYS else days // 2
    start_day = upper.astimezone(local).date() - timedelta(days=length)
    start = datetime.combine(start_day, time(0)).replace(tzinfo=local)
    return start.astimezone(UTC), upper


def withheld_changes(
    provenance: Mapping[str, Any] | None,
    *,
    start: datetime,
    end: datetime,
    previous_start: datetime,
    time_zone: str,
) -> dict[str, str]:
    """Key figure key -> why its change against ``[previous_start, start)`` is not shown, for
    each figure whose depth the store's syncs do not cover over both periods (none without
    provenance: frames given directly cannot tell their coverage)."""
    if provenance is None:
        return {}
    synced = synced_ranges(provenance.get("syncs") or [])
    reasons = {
        depth: withheld_reason(
            synced[depth],
            depth=depth,
            start=start,
            end=end,
            previous_start=previous_start,
            time_zone=time_zone,
        )
        for depth in DEPTH_ORDER
    }
    return {key: reason for key, kpi in KPIS.items() if (reason := reasons[kpi.depth])}
