"""Fixtures of the simulator tests (the helpers they use live in tests/support/simulator.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import resources
from typing import Any

import httpx
import pytest

from tests.support.simulator import BASE, Api, make_sim
from tests.support.spec import SpecChecker
from webinar_insights.simulator import Simulator


@pytest.fixture(scope="session")
def spec() -> SpecChecker:
    folder = resources.files("webinar_insights.openapi")
    return SpecChecker(
        folder / "ringcentral-webinar-openapi.yaml", folder / "ringcentral-oauth-openapi.yaml"
    )


@pytest.fixture
def api_for(spec: SpecChecker) -> Iterator[Callable[..., Api]]:
    clients: list[httpx.Client] = []

    def build(sim: Simulator | None = None, **options: Any) -> Api:
        sim = sim or make_sim(**options)
        http = httpx.Client(transport=sim.transport(), base_url=BASE)
        clients.append(http)
        return Api(http, spec)

    yield build
    for http in clients:
        http.close()
