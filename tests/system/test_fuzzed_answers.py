"""Session listings generated from the spec's own schema (hypothesis-jsonschema), then mutated
the way a beta API or a broken proxy might (keys dropped, values of the wrong type), go through
a real sync: the only exceptions allowed are the library's own, and a resume against the healthy
server stores exactly what a clean sync stores."""

from __future__ import annotations

import json
import warnings
from datetime import UTC, datetime
from typing import Any

import httpx
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from polars.testing import assert_frame_equal

from tests.support.spec import json_schema
from webinar_insights import DataWarning, WebinarInsightsError
from webinar_insights.client import Client, RetryPolicy
from webinar_insights.simulator import Simulator, SimulatorConfig
from webinar_insights.store import Store
from webinar_insights.syncing import sync

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
RANGE = {"start": "2026-01-01", "end": "2026-06-30"}
CONFIG = SimulatorConfig(seed=8, scale=30, now=NOW, rate_limit_window=0.01)
ODD_VALUES = st.sampled_from([None, "", "12", -5, 1e308, [], {}, True, "\x00", "not a time"])


@st.composite
def mutated_records(draw: st.DrawFn) -> list[Any]:
    records: list[Any] = draw(
        st.lists(from_schema(json_schema("SessionGlobalResource")), min_size=1, max_size=3)
    )
    for record in records:
        if record and draw(st.booleans()):
            key = draw(st.sampled_from(sorted(record)))
            if draw(st.booleans()):
                record.pop(key)
            else:
                record[key] = draw(ODD_VALUES)
    if draw(st.booleans()):
        records.append(draw(ODD_VALUES))  # a record that is not an object
    return records


def _client(sim: Simulator, records: list[Any] | None) -> Client:
    inner = sim.transport()

    def answer(request: httpx.Request) -> httpx.Response:
        response = inner.handle_request(request)
        if records is not None and "endTimeFrom=2026-03" in str(request.url):
            body = json.loads(response.read())
            body["records"] = records + body["records"]
            headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
            return httpx.Response(200, json=body, headers=headers)
        return response

    client = Client.simulator(simulator=sim, progress=False, retry=RetryPolicy(base_delay=0.01))
    client._http._transport = httpx.MockTransport(answer)
    return client


def _tables(store: Store) -> dict[str, pl.DataFrame]:
    return {"sessions": store.sessions().sort("session_id")}


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    store = Store(tmp_path_factory.mktemp("clean"))
    with _client(Simulator(CONFIG), None) as client:
        sync(client, store, **RANGE)
    return _tables(store)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(records=mutated_records())
def test_generated_and_mutated_listings_never_poison_the_store(
    records: list[Any], tmp_path_factory: pytest.TempPathFactory, clean: dict[str, pl.DataFrame]
) -> None:
    store = Store(tmp_path_factory.mktemp("fuzz"))
    sim = Simulator(CONFIG)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # odd values are reported, as they should
        with _client(sim, records) as client:
            message = ""
            try:
                sync(client, store, **RANGE)
            except WebinarInsightsError as error:  # the library's own errors only, one line
                message = str(error)
        assert "\n" not in message
        with _client(sim, None) as client:
            sync(client, store, **RANGE)
    assert_frame_equal(_tables(store)["sessions"], clean["sessions"])
