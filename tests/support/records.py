"""API-shaped history session records for tests: one builder, each test module sets defaults."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def session_record(
    sid: str,
    *,
    start: datetime,
    status: str = "Finished",
    minutes: int = 60,
    delay: int = 0,
    ran: int | None = None,
    webinar: str = "w1",
    webinar_title: str | None = None,
    title: str | None = None,
    host: tuple[str, str, str | None] | None = ("Ann", "Lee", "u1"),
    zone: str = "UTC",
    attendees: int | None = None,
    panel: int | None = None,
    runtime: str | None = None,
    recording: str | None = None,
    created_days_before: int = 10,
) -> dict[str, Any]:
    """A history session record as the API sends it.

    ``start`` is the scheduled start, ``delay`` the minutes until it went live and ``ran`` its
    actual minutes (default: as scheduled). ``host`` is (first, last, user id or None). For a
    Finished session: ``attendees`` unique attendees, ``panel`` more participants on top of them
    (participant counts are left out when None), and a ``recording`` status.
    """
    live = start + timedelta(minutes=delay)
    end = live + timedelta(minutes=ran if ran is not None else minutes)
    record: dict[str, Any] = {
        "id": sid,
        "title": title or f"Session {sid}",
        "webinar": {"id": webinar, "title": webinar_title or f"Webinar {webinar}"},
        "status": status,
        "timeZone": zone,
        "scheduledStartTime": iso(start),
        "scheduledDuration": minutes * 60,
        # For sessions that have not started the API fills these with the plan (METRICS.md).
        "startTime": iso(live if status != "Scheduled" else start),
        "endTime": iso(end if status == "Finished" else start + timedelta(minutes=minutes)),
        "creationTime": iso(start - timedelta(days=created_days_before)),
        "lastModifiedTime": iso(start),
    }
    if host is not None:
        first, last, user = host
        record["webinar"]["host"] = {"firstName": first, "lastName": last}
        if user is not None:
            record["webinar"]["host"]["linkedUser"] = {"userId": user}
    if status != "Scheduled":
        record["broadcastingStartTime"] = iso(live)
    if status == "Finished":
        record["broadcastingEndTime"] = iso(end)
        record["uniqueAttendeeCount"] = attendees or 0
        record["attendeeCount"] = attendees or 0
        if panel is not None:
            record["uniqueParticipantCount"] = (attendees or 0) + panel
            record["participantCount"] = (attendees or 0) + panel
        if recording:
            record["recording"] = {"id": f"r{sid}", "status": recording}
    if runtime is not None:
        record["runtimeStatus"] = runtime
    return record
