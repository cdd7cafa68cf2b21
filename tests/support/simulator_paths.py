"""API path prefixes, wide query windows and the per-session operation paths, for simulator
tests."""

from __future__ import annotations

from webinar_insights.simulator import Simulator
from webinar_insights.simulator import _render as render
from webinar_insights.simulator._program import SessionPlan

__all__ = ["CLIENT", "CONFIG_WIDE", "RECORDINGS", "WIDE", "C", "H", "R", "ids", "session_paths"]

H = "/webinar/history/v1"
C = "/webinar/configuration/v1"
R = "/webinar/registration/v1"
WIDE = {"endTimeFrom": "2024-01-01T00:00:00Z", "endTimeTo": "2028-01-01T00:00:00Z"}
CONFIG_WIDE = {"endTimeFrom": "2024-01-01T00:00:00Z"}
RECORDINGS = {"creationTimeFrom": "2024-01-01T00:00:00Z", "creationTimeTo": "2028-01-01T00:00:00Z"}
CLIENT = ("demo-client-id", "demo-client-secret")


def ids(records: list[dict[str, object]]) -> list[object]:
    return [r["id"] for r in records]


def session_paths(sim: Simulator, session: SessionPlan) -> list[str]:
    """Every per-session operation's path for ``session``."""
    webinar = sim.program.webinar_of(session)
    base = f"/webinars/{webinar.webinar_id}/sessions/{session.session_id}"
    invitee = render.invitee_id(session, render.panel(sim.program, session)[0])
    registrants = sim.program.people(session).registrants
    paths = [
        H + base,
        H + base + "/participants",
        H + base + "/participants/self",
        H + base + "/invitees",
        H + base + f"/invitees/{invitee}",
        C + base,
        C + base + "/invitees",
        C + base + f"/invitees/{invitee}",
        R + f"/sessions/{session.session_id}",
        R + f"/sessions/{session.session_id}/registrants",
    ]
    if registrants:
        paths.append(
            R + f"/sessions/{session.session_id}/registrants/{registrants[0].registrant_id}"
        )
    return paths
