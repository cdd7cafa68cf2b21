"""Turn the planned program into API records as the service would send them at a given time.

Each function returns one JSON-ready dict shaped by the operation's schema in the spec.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from ._program import (
    LOCALES,
    SECOND,
    Host,
    Participant,
    Program,
    Registrant,
    SessionPlan,
    Webinar,
    recording_id,
    user_hash,
)

Record = dict[str, Any]
RECORDING_READY_AFTER = timedelta(minutes=30)
RECORDING_PURGED_AFTER = timedelta(days=90)


def ts(moment: datetime) -> str:
    """ISO-8601 in UTC with milliseconds and ``Z``, as RingCentral sends times."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def webinar_ref(webinar: Webinar) -> Record:
    ref: Record = {"id": webinar.webinar_id, "title": webinar.title, "host": webinar.host.model()}
    if webinar.description:
        ref["description"] = webinar.description
    return ref


def _webinar_modified(program: Program, webinar: Webinar, now: datetime) -> datetime:
    return max(webinar.created, min(now, webinar.created + timedelta(hours=2)))


def history_webinar(program: Program, webinar: Webinar, now: datetime) -> Record:
    return {
        "id": webinar.webinar_id,
        "creationTime": ts(webinar.created),
        "lastModifiedTime": ts(_webinar_modified(program, webinar, now)),
        "title": webinar.title,
        "description": webinar.description,
        "settings": {
            "recordingEnabled": webinar.recording_enabled,
            "autoRecord": webinar.recording_enabled,
            "registrationEnabled": webinar.registration_enabled,
            "qnaEnabled": True,
            "pollsEnabled": True,
            "panelistAuthentication": "AuthenticatedCoworker",
            "attendeeAuthentication": "Guest",
        },
        "host": webinar.host.model(),
    }


def config_webinar(program: Program, webinar: Webinar, now: datetime) -> Record:
    host = webinar.host
    return {
        "id": webinar.webinar_id,
        "creationTime": ts(webinar.created),
        "lastModifiedTime": ts(_webinar_modified(program, webinar, now)),
        "title": webinar.title,
        "description": webinar.description,
        "settings": {
            "recordingEnabled": webinar.recording_enabled,
            "registrationEnabled": webinar.registration_enabled,
        },
        "host": {
            "userId": host.user_id,
            "accountId": host.account_id,
            "entitled": True,
            "linkedUser": host.model()["linkedUser"],
        },
    }


def recording_state(session: SessionPlan, now: datetime) -> str | None:
    """Recording status at ``now``, or None when the session has (as yet) no recording."""
    if session.recording_fate == "none" or session.status(now) != "Finished":
        return None
    if now < session.end_time + RECORDING_READY_AFTER:
        return "Processing"
    if session.recording_fate == "failed":
        return "Failed"
    if session.recording_fate == "purged" and now >= session.end_time + RECORDING_PURGED_AFTER:
        return "Purged"
    return "Available"


def session_modified(session: SessionPlan, now: datetime) -> datetime:
    status = session.status(now)
    if status == "Scheduled":
        return session.created
    if status == "Active":
        return session.start_time
    state = recording_state(session, now)
    if state in (None, "Processing"):
        return session.end_time
    if state == "Purged":
        return session.end_time + RECORDING_PURGED_AFTER
    return session.end_time + RECORDING_READY_AFTER


def _counts(program: Program, session: SessionPlan, now: datetime) -> dict[str, int]:
    status = session.status(now)
    if status == "Scheduled":
        return dict.fromkeys(
            ("participantCount", "attendeeCount", "uniqueParticipantCount", "uniqueAttendeeCount"),
            0,
        )
    if status == "Finished":
        attendees = session.unique_attendees()
        unique = attendees + session.panel_size()
        rejoins = session.rejoins
    else:
        joined = [p for p in program.people(session).participants if p.join_time <= now]
        attendees = sum(p.role == "Attendee" for p in joined)
        unique = len(joined)
        everyone = len(program.people(session).participants)
        rejoins = session.rejoins * unique // max(1, everyone)
    attendee_rejoins = rejoins * attendees // max(1, unique)
    return {
        "participantCount": unique + rejoins,
        "attendeeCount": attendees + attendee_rejoins,
        "uniqueParticipantCount": unique,
        "uniqueAttendeeCount": attendees,
    }


def _recording(session: SessionPlan, now: datetime, *, extended: bool) -> Record | None:
    state = recording_state(session, now)
    if state is None:
        return None
    created = session.end_time + 60 * SECOND
    record: Record = {
        "id": recording_id(session),
        "creationTime": ts(created),
        "lastModifiedTime": ts(max(created, session_modified(session, now))),
        "status": state,
    }
    if state in ("Available", "Purged"):
        record["duration"] = max(1, session.broadcast_length)
    if state == "Available":
        record["shared"] = session.recording_shared
        record["sharedUriExpirationTime"] = (
            ts(session.end_time + timedelta(days=30)) if session.recording_shared else None
        )
    if state == "Failed":
        record["failureReason"] = {"errorCode": "REC-500", "message": "Media processing failed"}
    if extended:
        record["recordingSharedUri"] = (
            f"https://v.ringcentral.com/recording/{recording_id(session)}"
        )
    return record


def history_session(
    program: Program, session: SessionPlan, now: datetime, *, list_item: bool
) -> Record:
    """SessionGlobalResource (``list_item``) or HistorySessionResource."""
    status = session.status(now)
    webinar = program.webinar_of(session)
    record: Record = {
        "id": session.session_id,
        "creationTime": ts(session.created),
        "lastModifiedTime": ts(session_modified(session, now)),
    }
    if list_item:
        record["webinar"] = webinar_ref(webinar)
    if session.title:
        record["title"] = session.title
    elif session.index % 2:
        record["title"] = ""  # blank titles come both as "" and as absent
    if status == "Scheduled":
        start = session.scheduled_start
        end = start + session.scheduled_duration * SECOND
    elif status == "Active":
        start = session.start_time
        end = start + session.scheduled_duration * SECOND
    else:
        start, end = session.start_time, session.end_time
    record["startTime"] = ts(start)
    record["endTime"] = ts(end)
    if status == "Finished":
        record["duration"] = math.ceil((end - start).total_seconds())
    record.update(
        {
            "scheduledStartTime": ts(session.scheduled_start),
            "scheduledDuration": session.scheduled_duration,
            "timeZone": session.time_zone,
            "localeCode": LOCALES.get(session.time_zone, "en-US"),
            "panelJoinTimeOffset": session.practice_lead,
        }
    )
    if session.has_broadcast_fields and status != "Scheduled":
        if now >= session.broadcast_start:
            record["broadcastingStartTime"] = ts(session.broadcast_start)
        if status == "Finished":
            record["broadcastingEndTime"] = ts(session.broadcast_end)
    record["status"] = status
    if status == "Active":
        record["runtimeStatus"] = runtime_status(session, now)
    record.update(_counts(program, session, now))
    record["videoBridgeId"] = session.video_bridge_id
    recording = _recording(session, now, extended=not list_item)
    if recording is not None:
        record["recording"] = recording
    return record


def runtime_status(session: SessionPlan, now: datetime) -> str:
    if now < session.broadcast_start - 60 * SECOND:
        return "Practice"
    if now < session.broadcast_start:
        return "GoingLive"
    if now < session.broadcast_end:
        minute = int((now - session.broadcast_start).total_seconds() // 60)
        return "Break" if minute % 23 == 22 else "Live"
    return "Debrief"


def config_session(
    program: Program, session: SessionPlan, now: datetime, *, list_item: bool
) -> Record:
    """SessionGlobalListEntry (``list_item``) or WcsSessionResource."""
    webinar = program.webinar_of(session)
    record: Record = {
        "id": session.session_id,
        "creationTime": ts(session.created),
        "lastModifiedTime": ts(session_modified(session, now)),
    }
    if list_item:
        record["webinar"] = {
            "id": webinar.webinar_id,
            "title": webinar.title,
            "description": webinar.description,
            "host": {"linkedUser": webinar.host.model()["linkedUser"]},
        }
    record.update(
        {
            "scheduledStartTime": ts(session.scheduled_start),
            "scheduledDuration": session.scheduled_duration,
            "timeZone": session.time_zone,
            "panelJoinTimeOffset": session.practice_lead,
            "title": session.title,
            "description": "",
            "status": session.status(now),
            "hostJoinUri": f"https://v.ringcentral.com/w/host/{session.video_bridge_id}",
            "localeCode": LOCALES.get(session.time_zone, "en-US"),
        }
    )
    if not list_item:
        record.update(
            {
                "videoBridgeId": session.video_bridge_id,
                "attendeeJoinUri": f"https://v.ringcentral.com/w/a/{session.video_bridge_id}",
                "hasUnsentInvites": False,
            }
        )
    return record


def visible_participants(
    program: Program, session: SessionPlan, now: datetime
) -> list[Participant]:
    if session.status(now) == "Scheduled":
        return []
    return [p for p in program.people(session).participants if p.join_time <= now]


def participant(program: Program, session: SessionPlan, p: Participant, now: datetime) -> Record:
    record: Record = {
        "id": p.participant_id,
        "firstName": p.person.first_name,
        "lastName": p.person.last_name,
        "email": p.person.email,
        "role": p.role,
        "originalRole": p.original_role,
        "type": p.participant_type,
        "joinTime": ts(p.join_time),
        "wasEjected": p.was_ejected,
        "uniqueUserHash": user_hash(p.person.email),
    }
    if p.leave_time <= now:
        record["leaveTime"] = ts(p.leave_time)
    if p.user_id is not None:
        host = program.webinar_of(session).host
        record["linkedUser"] = {"userId": p.user_id, "accountId": host.account_id, "domain": "pbx"}
        record["inviteeId"] = f"{session.session_id}i{p.participant_id.rsplit('-', 1)[1]}"
    if p.registrant_id is not None:
        record["registrantId"] = p.registrant_id
    return record


def participant_self(program: Program, session: SessionPlan, p: Participant) -> Record:
    host = program.webinar_of(session).host
    return {
        "id": p.participant_id,
        "firstName": p.person.first_name,
        "lastName": p.person.last_name,
        "role": p.role,
        "originalRole": p.original_role,
        "type": p.participant_type,
        "linkedUser": {"userId": p.user_id or "", "accountId": host.account_id, "domain": "pbx"},
    }


def panel(program: Program, session: SessionPlan) -> list[Participant]:
    """Invitees: the host, co-hosts and panelists as invited (promoted attendees are not)."""
    return [p for p in program.people(session).participants if p.user_id is not None]


def history_invitee(
    program: Program, session: SessionPlan, p: Participant, now: datetime
) -> Record:
    host = program.webinar_of(session).host
    return {
        "id": invitee_id(session, p),
        "firstName": p.person.first_name,
        "lastName": p.person.last_name,
        "email": p.person.email,
        "role": p.original_role,
        "originalRole": p.original_role,
        "type": "User",
        "linkedUser": {"userId": p.user_id or "", "accountId": host.account_id, "domain": "pbx"},
        "sendInvite": p.original_role != "Host",
        "joined": p.join_time <= now and session.status(now) != "Scheduled",
    }


def config_invitee(program: Program, session: SessionPlan, p: Participant) -> Record:
    host = program.webinar_of(session).host
    return {
        "id": invitee_id(session, p),
        "creationTime": ts(session.created),
        "lastModifiedTime": ts(session.created),
        "firstName": p.person.first_name,
        "lastName": p.person.last_name,
        "email": p.person.email,
        "jobTitle": "Host" if p.original_role == "Host" else "Speaker",
        "linkedUser": {"userId": p.user_id or "", "accountId": host.account_id, "domain": "pbx"},
        "role": p.original_role,
        "type": "User",
        "sendInvite": True,
        "joinUri": f"https://v.ringcentral.com/w/join/{invitee_id(session, p)}",
    }


def invitee_id(session: SessionPlan, p: Participant) -> str:
    return f"{session.session_id}i{p.participant_id.rsplit('-', 1)[1]}"


def visible_registrants(program: Program, session: SessionPlan, now: datetime) -> list[Registrant]:
    """Registrants so far; post-webinar ones only once the session finished (a session that
    never ran keeps the people who registered for it, and gets no on-demand registrants)."""
    finished = session.status(now) == "Finished"
    return [
        r
        for r in program.people(session).registrants
        if r.registration_time <= now and (finished or not r.post_webinar)
    ]


def registrant(
    program: Program,
    session: SessionPlan,
    r: Registrant,
    now: datetime,
    *,
    questionnaire: bool,
    joined: dict[str, datetime],
) -> Record:
    record: Record = {
        "id": r.registrant_id,
        "creationTime": ts(r.created),
        "lastModifiedTime": ts(r.created),
        "firstName": r.person.first_name,
        "lastName": r.person.last_name,
        "email": r.person.email,
        "joinUri": f"https://v.ringcentral.com/w/j/{r.registrant_id}",
        "cancellationUri": f"https://v.ringcentral.com/w/c/{r.registrant_id}",
        "registeredPostWebinar": r.post_webinar,
        "registrationTime": ts(r.registration_time),
        "ipAddress": f"198.51.100.{int(r.registrant_id) % 250 + 1}",
    }
    if r.source is not None:
        record["source"] = r.source
    if r.participant_id is not None and r.participant_id in joined:
        record["participantId"] = r.participant_id
        record["lastModifiedTime"] = ts(max(r.created, joined[r.participant_id]))
    if questionnaire:
        record["questionnaire"] = [
            {"questionId": "role", "answerIds": ["a1" if int(r.registrant_id) % 3 else "a2"]},
            {"questionId": "company", "answerText": f"{r.person.last_name} GmbH"},
        ]
    return record


def registration_session(program: Program, session: SessionPlan, now: datetime) -> Record:
    webinar = program.webinar_of(session)
    visible = visible_registrants(program, session, now)
    live = sum(not r.post_webinar for r in visible)
    open_ = webinar.registration_enabled and session.status(now) != "Finished"
    return {
        "id": session.session_id,
        "registrationStatus": "Open" if open_ else "Closed",
        "registrationPageUri": f"https://v.ringcentral.com/w/r/{session.session_id}",
        "registrantCount": live,
        "postWebinarRegistrantCount": len(visible) - live,
        "hasRealRegistrants": bool(visible),
        "settings": {
            "autoCloseLimit": 0,
            "suppressEmails": False,
            "registrationDigestEnabled": True,
            "onDemandDuration": "SixMonths",
            "recordingExist": recording_state(session, now) is not None,
        },
    }


def recording_item(
    program: Program, session: SessionPlan, now: datetime, *, extended: bool
) -> Record | None:
    record = _recording(session, now, extended=extended)
    if record is None:
        return None
    record["session"] = {
        "id": session.session_id,
        "startTime": ts(session.start_time),
        "endTime": ts(session.end_time),
        "duration": math.ceil((session.end_time - session.start_time).total_seconds()),
        "title": session.title,
        "webinar": webinar_ref(program.webinar_of(session)),
    }
    return record


def host_of(program: Program, session: SessionPlan) -> Host:
    return program.webinar_of(session).host
