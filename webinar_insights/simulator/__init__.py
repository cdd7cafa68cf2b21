"""A simulator of the RingCentral Webinar API, faithful to RingCentral's OpenAPI spec.

It serves the history, configuration (reads) and registration operations, the OAuth token
endpoint with the JWT and refresh grants, paging, the platform's rate limits and seeded faults,
over a generated company webinar program. Use it in-process::

    import httpx
    from webinar_insights.simulator import Simulator, SimulatorConfig

    sim = Simulator(SimulatorConfig(seed=7, scale=500))
    http = httpx.Client(transport=sim.transport(), base_url="https://platform.ringcentral.com")

or as a real server: ``webinar-insights simulator serve --port 8787``.
"""

from __future__ import annotations

from ._config import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_JWT,
    FAULT_KINDS,
    STATS_PATH,
    FaultKind,
    SimRequest,
    SimResponse,
    SimulatorConfig,
)
from ._operations import operation_ids
from ._platform import Simulator
from ._program import Program, ProgramConfig
from ._transport import SimulatorServer, SimulatorTransport, serve

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "DEMO_JWT",
    "FAULT_KINDS",
    "STATS_PATH",
    "FaultKind",
    "Program",
    "ProgramConfig",
    "SimRequest",
    "SimResponse",
    "Simulator",
    "SimulatorConfig",
    "SimulatorServer",
    "SimulatorTransport",
    "operation_ids",
    "serve",
]
