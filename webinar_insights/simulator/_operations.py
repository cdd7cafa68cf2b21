"""The Webinar API operations the simulator serves: history, configuration (reads) and
registration, one handler per spec operation id, in ``ROUTES``.

A handler reads its request through ``Ctx`` and returns the JSON body of a 200 answer, or raises
an ``HttpError``; the records themselves are drawn by ``_render``.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import _render as render
from ._errors import api_error, not_found
from ._program import SECOND, Participant, Program, SessionPlan, Webinar
from ._routing import Ctx, Handler, Route

HISTORY = "/webinar/history/v1"
CONFIG = "/webinar/configuration/v1"
REGISTRATION = "/webinar/registration/v1"
SESSION_STATUSES = ("Scheduled", "Active", "Finished")
ROLES = ("Panelist", "CoHost", "Host", "Attendee")
RECORDING_STATUSES = ("Processing", "Available", "Failed", "Purged")

ROUTES: list[Route] = []
"""Every operation, in the order requests are matched."""


def operation_ids() -> list[str]:
    """The spec operation ids the simulator serves."""
    return [route.operation_id for route in ROUTES]


def _route(method: str, path: str, operation_id: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ROUTES.append(Route.of(method, path, operation_id, handler))
        return handler

    return register


@dataclass(frozen=True, slots=True)
class _SessionFilter:
    """What the session listings (history and configuration, own and company) select on,
    besides their time window: the caller's own webinars or, for a company listing, the
    ``hostUserId`` hosts; ``status``; and, in own listings, ``nameFragment``."""

    program: Program
    now: datetime
    own: int | None  # the caller's host index in an own listing; None in a company listing
    hosts: set[str] | None
    statuses: set[str] | None
    name: str

    @classmethod
    def of(cls, ctx: Ctx, *, company: bool) -> _SessionFilter:
        """The filter of ``ctx``'s query, its parameters checked in the platform's order."""
        statuses = ctx.enums("status", SESSION_STATUSES)
        hosts = ctx.host_ids() if company else None
        name = "" if company else (ctx.one("nameFragment") or "").lower()
        if company:
            ctx.require_admin()
        own = None if company else ctx.caller.user
        return cls(ctx.program, ctx.now, own, hosts, statuses, name)

    def keeps(self, session: SessionPlan) -> bool:
        webinar = self.program.webinar_of(session)
        if self.own is not None and webinar.host.index != self.own:
            return False
        if self.hosts is not None and webinar.host.user_id not in self.hosts:
            return False
        if self.statuses is not None and session.status(self.now) not in self.statuses:
            return False
        return not self.name or self.name in f"{session.title} {webinar.title}".lower()


def _history_sessions(ctx: Ctx, *, company: bool) -> dict[str, Any]:
    start = ctx.time("endTimeFrom", required=True)
    end = ctx.time("endTimeTo", required=True)
    assert start is not None and end is not None
    keeps = _SessionFilter.of(ctx, company=company).keeps
    ends, ordered = ctx.sim.history_index(ctx.now)
    window = ordered[bisect.bisect_left(ends, start) : bisect.bisect_right(ends, end)]
    chosen = [session for session in reversed(window) if keeps(session)]  # endTime descending
    program, now = ctx.program, ctx.now
    return ctx.page(
        chosen,
        lambda s: _drifted(ctx, s, render.history_session(program, s, now, list_item=True)),
        shown=lambda page: ctx.sim._listed(page, now),
    )


def _drifted(ctx: Ctx, session: SessionPlan, record: dict[str, Any]) -> dict[str, Any]:
    """A history session record as ``spec_drift`` sends it (unchanged when it is off)."""
    if not ctx.sim.config.spec_drift:
        return record
    record["captionLanguage"] = record.get("localeCode", "en-US")
    recording = record.get("recording")
    if isinstance(recording, dict) and session.index % 7 == 3:
        recording["status"] = "Archived"
    return record


@_route("GET", HISTORY + "/sessions", "rcwHistoryListAllSessions")
def _list_history_sessions(ctx: Ctx) -> dict[str, Any]:
    return _history_sessions(ctx, company=False)


@_route("GET", HISTORY + "/company/sessions", "rcwHistoryListAllCompanySessions")
def _list_history_company_sessions(ctx: Ctx) -> dict[str, Any]:
    return _history_sessions(ctx, company=True)


def _webinar(ctx: Ctx) -> Webinar:
    webinar = ctx.program.webinars_by_id.get(ctx.params["webinarId"])
    if webinar is None:
        raise not_found("webinarId")
    if webinar.host.index != ctx.caller.user and not ctx.sim.config.webinar_settings_permission:
        raise api_error(403, "CMN-419", "The user is not the host of this webinar")
    return webinar


@_route("GET", HISTORY + "/webinars/{webinarId}", "rcwHistoryGetWebinar")
def _get_history_webinar(ctx: Ctx) -> dict[str, Any]:
    return render.history_webinar(ctx.program, _webinar(ctx), ctx.now)


@_route("GET", HISTORY + "/webinars/{webinarId}/sessions/{sessionId}", "rcwHistoryGetSession")
def _get_history_session(ctx: Ctx) -> dict[str, Any]:
    session = ctx.session()
    return _drifted(
        ctx, session, render.history_session(ctx.program, session, ctx.now, list_item=False)
    )


def _role_filter(ctx: Ctx, people: list[Participant]) -> list[Participant]:
    roles = ctx.enums("role", ROLES)
    original = ctx.enums("originalRole", ROLES)
    return [
        p
        for p in people
        if (roles is None or p.role in roles) and (original is None or p.original_role in original)
    ]


@_route(
    "GET",
    HISTORY + "/webinars/{webinarId}/sessions/{sessionId}/participants",
    "rcwHistoryListParticipants",
)
def _list_participants(ctx: Ctx) -> dict[str, Any]:
    session = ctx.session()
    host = ctx.program.webinar_of(session).host
    if ctx.sim.config.host_only_participants and host.index != ctx.caller.user:
        raise api_error(403, "CMN-419", "The user is not a host or co-host of this session")
    people = _role_filter(ctx, render.visible_participants(ctx.program, session, ctx.now))
    return ctx.page(people, lambda p: render.participant(ctx.program, session, p, ctx.now))


@_route(
    "GET",
    HISTORY + "/webinars/{webinarId}/sessions/{sessionId}/participants/self",
    "rcwHistoryGetParticipantInfo",
)
def _get_participant_self(ctx: Ctx) -> dict[str, Any]:
    session = ctx.session()
    me = ctx.program.hosts[ctx.caller.user].user_id
    for p in render.visible_participants(ctx.program, session, ctx.now):
        if p.user_id == me:
            return render.participant_self(ctx.program, session, p)
    raise api_error(404, "CMN-102", "The caller did not participate in this session")


@_route(
    "GET",
    HISTORY + "/webinars/{webinarId}/sessions/{sessionId}/invitees",
    "rcwHistoryListInvitees",
)
def _list_history_invitees(ctx: Ctx) -> dict[str, Any]:
    session = ctx.session()
    people = _role_filter(ctx, render.panel(ctx.program, session))
    return ctx.page(people, lambda p: render.history_invitee(ctx.program, session, p, ctx.now))


def _invitee(ctx: Ctx, session: SessionPlan) -> Participant:
    for p in render.panel(ctx.program, session):
        if render.invitee_id(session, p) == ctx.params["inviteeId"]:
            return p
    raise not_found("inviteeId")


@_route(
    "GET",
    HISTORY + "/webinars/{webinarId}/sessions/{sessionId}/invitees/{inviteeId}",
    "rcwHistoryGetInvitee",
)
def _get_history_invitee(ctx: Ctx) -> dict[str, Any]:
    session = ctx.session()
    return render.history_invitee(ctx.program, session, _invitee(ctx, session), ctx.now)


def _recordings(ctx: Ctx, *, company: bool) -> list[SessionPlan]:
    start = ctx.time("creationTimeFrom", required=True)
    end = ctx.time("creationTimeTo", required=True)
    assert start is not None and end is not None
    statuses = ctx.enums("status", RECORDING_STATUSES)
    hosts = ctx.host_ids() if company else None
    name = (ctx.one("nameFragment") or "").lower() if company else ""
    if company:
        ctx.require_admin()
    chosen = []
    program, now = ctx.program, ctx.now
    for session in ctx.sim.sessions():
        state = render.recording_state(session, now)
        if state is None:
            continue
        host = program.webinar_of(session).host
        if not company and host.index != ctx.caller.user:
            continue
        created = session.end_time + 60 * SECOND
        if not start <= created <= end:
            continue
        if statuses is not None and state not in statuses:
            continue
        if hosts is not None and host.user_id not in hosts:
            continue
        if name and name not in f"{session.title} {program.webinar_of(session).title}".lower():
            continue
        chosen.append(session)
    chosen.sort(key=lambda s: (s.end_time, s.index), reverse=True)
    return chosen


def _recording_item(ctx: Ctx, session: SessionPlan, *, extended: bool) -> dict[str, Any]:
    record = render.recording_item(ctx.program, session, ctx.now, extended=extended)
    assert record is not None
    return record


@_route("GET", HISTORY + "/recordings", "rcwHistoryListRecordings")
def _list_recordings(ctx: Ctx) -> dict[str, Any]:
    chosen = _recordings(ctx, company=False)
    return ctx.page(chosen, lambda s: _recording_item(ctx, s, extended=False))


@_route("GET", HISTORY + "/company/recordings", "rcwHistoryAdminListRecordings")
def _list_company_recordings(ctx: Ctx) -> dict[str, Any]:
    chosen = _recordings(ctx, company=True)
    return ctx.page(chosen, lambda s: _recording_item(ctx, s, extended=False))


def _recorded(ctx: Ctx) -> SessionPlan:
    """The session of the path's recording, which must exist at ``ctx.now``."""
    plan = ctx.program.recording_ids.get(ctx.params["recordingId"])
    session = ctx.sim.session(plan.session_id) if plan is not None else None
    if session is None or render.recording_state(session, ctx.now) is None:
        raise not_found("recordingId")
    return session


def _recording_session(ctx: Ctx, *, company: bool) -> SessionPlan:
    if company:
        ctx.require_admin()
    session = _recorded(ctx)
    if not company and ctx.program.webinar_of(session).host.index != ctx.caller.user:
        raise not_found("recordingId")
    return session


@_route("GET", HISTORY + "/recordings/{recordingId}", "rcwHistoryGetRecording")
def _get_recording(ctx: Ctx) -> dict[str, Any]:
    return _recording_item(ctx, _recording_session(ctx, company=False), extended=True)


@_route("GET", HISTORY + "/company/recordings/{recordingId}", "rcwHistoryAdminGetRecording")
def _get_company_recording(ctx: Ctx) -> dict[str, Any]:
    return _recording_item(ctx, _recording_session(ctx, company=True), extended=True)


@_route("GET", HISTORY + "/recordings/{recordingId}/download", "rcwHistoryGetRecordingDownload")
def _get_recording_download(ctx: Ctx) -> dict[str, Any]:
    media = ctx.enums("recordingMediaType", ("Video", "Audio"))
    session = _recorded(ctx)
    state = render.recording_state(session, ctx.now)
    if state != "Available":
        raise api_error(403, "CMN-403", f"The recording cannot be downloaded (status {state})")
    audio = media == {"Audio"}
    seconds = session.broadcast_length
    return {
        "downloadUri": f"https://media.ringcentral.com/webinar/recordings/{ctx.params['recordingId']}"
        + ("/audio.m4a" if audio else "/video.mp4"),
        "downloadContentType": "audio/m4a" if audio else "video/mp4",
        "downloadSize": seconds * (16_000 if audio else 250_000),
    }


@_route("GET", CONFIG + "/webinars", "rcwConfigListWebinars")
def _list_config_webinars(ctx: Ctx) -> dict[str, Any]:
    start = ctx.time("creationTimeFrom", required=True)
    assert start is not None
    mine = [
        w for w in ctx.program.webinars if w.host.index == ctx.caller.user and w.created >= start
    ]
    mine.sort(key=lambda w: (w.created, w.index))
    return ctx.page(mine, lambda w: render.config_webinar(ctx.program, w, ctx.now))


@_route("GET", CONFIG + "/webinars/{webinarId}", "rcwConfigGetWebinar")
def _get_config_webinar(ctx: Ctx) -> dict[str, Any]:
    return render.config_webinar(ctx.program, _webinar(ctx), ctx.now)


def _config_sessions(ctx: Ctx, *, company: bool) -> dict[str, Any]:
    start = ctx.time("endTimeFrom", required=True)
    assert start is not None
    keeps = _SessionFilter.of(ctx, company=company).keeps
    chosen = [s for s in ctx.sim.sessions() if s.scheduled_end >= start and keeps(s)]
    chosen.sort(key=lambda s: (s.scheduled_start, s.index))
    program, now = ctx.program, ctx.now
    return ctx.page(chosen, lambda s: render.config_session(program, s, now, list_item=True))


@_route("GET", CONFIG + "/sessions", "rcwConfigListAllSessions")
def _list_config_sessions(ctx: Ctx) -> dict[str, Any]:
    return _config_sessions(ctx, company=False)


@_route("GET", CONFIG + "/company/sessions", "rcwConfigListAllCompanySessions")
def _list_config_company_sessions(ctx: Ctx) -> dict[str, Any]:
    return _config_sessions(ctx, company=True)


@_route("GET", CONFIG + "/webinars/{webinarId}/sessions/{sessionId}", "rcwConfigGetSession")
def _get_config_session(ctx: Ctx) -> dict[str, Any]:
    return render.config_session(ctx.program, ctx.session(), ctx.now, list_item=False)


@_route(
    "GET", CONFIG + "/webinars/{webinarId}/sessions/{sessionId}/invitees", "rcwConfigListInvitees"
)
def _list_config_invitees(ctx: Ctx) -> dict[str, Any]:
    session = ctx.session()
    people = render.panel(ctx.program, session)
    return ctx.page(people, lambda p: render.config_invitee(ctx.program, session, p))


@_route(
    "GET",
    CONFIG + "/webinars/{webinarId}/sessions/{sessionId}/invitees/{inviteeId}",
    "rcwConfigGetInvitee",
)
def _get_config_invitee(ctx: Ctx) -> dict[str, Any]:
    session = ctx.session()
    return render.config_invitee(ctx.program, session, _invitee(ctx, session))


@_route("GET", REGISTRATION + "/sessions/{sessionId}", "rcwRegGetSession")
def _get_registration_session(ctx: Ctx) -> dict[str, Any]:
    return render.registration_session(ctx.program, ctx.session(), ctx.now)


def _joined(ctx: Ctx, session: SessionPlan) -> dict[str, datetime]:
    return {
        p.participant_id: p.join_time
        for p in render.visible_participants(ctx.program, session, ctx.now)
    }


@_route("GET", REGISTRATION + "/sessions/{sessionId}/registrants", "rcwRegListRegistrants")
def _list_registrants(ctx: Ctx) -> dict[str, Any]:
    session = ctx.session()
    questionnaire = ctx.boolean("includeQuestionnaire")
    registrants = render.visible_registrants(ctx.program, session, ctx.now)
    joined = _joined(ctx, session)
    return ctx.page(
        registrants,
        lambda r: render.registrant(
            ctx.program, session, r, ctx.now, questionnaire=questionnaire, joined=joined
        ),
        backward=False,
    )


@_route(
    "GET",
    REGISTRATION + "/sessions/{sessionId}/registrants/{registrantId}",
    "rcwRegGetRegistrant",
)
def _get_registrant(ctx: Ctx) -> dict[str, Any]:
    session = ctx.session()
    questionnaire = ctx.boolean("includeQuestionnaire")
    for r in render.visible_registrants(ctx.program, session, ctx.now):
        if r.registrant_id == ctx.params["registrantId"]:
            return render.registrant(
                ctx.program,
                session,
                r,
                ctx.now,
                questionnaire=questionnaire,
                joined=_joined(ctx, session),
            )
    raise not_found("registrantId")
