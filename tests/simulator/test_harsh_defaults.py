"""The harsh options are all off by default (the default answers do not change) and are
checked when given."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from tests.support.simulator import Api, make_sim
from tests.support.simulator_paths import CONFIG_WIDE, RECORDINGS, WIDE, C, H, session_paths
from webinar_insights.simulator import SimulatorConfig
from webinar_insights.simulator._program import NeverRanSession


def test_defaults_answer_as_without_the_options(api_for: Callable[..., Api]) -> None:
    plain = api_for(make_sim(scale=50))
    explicit = api_for(
        make_sim(
            scale=50,
            delete_after_listing=0.0,
            host_only_participants=False,
            never_ran_share=0.0,
            max_oauth_sessions=5,
        )
    )
    for api in (plain, explicit):
        for _ in range(2):  # a second listing: nothing was deleted by the first
            api.all_pages(H + "/company/sessions", perPage=7, **WIDE)
    listings: list[tuple[str, Mapping[str, object]]] = [
        (H + "/company/sessions", {**WIDE, "perPage": 1000}),
        (H + "/sessions", WIDE),
        (C + "/company/sessions", CONFIG_WIDE),
        (H + "/company/recordings", RECORDINGS),
    ]
    for path, params in listings:
        assert plain.get(path, **params).content == explicit.get(path, **params).content
    sim = make_sim(scale=50)
    assert sim.deleted_session_ids == frozenset()
    assert [s.session_id for s in sim.sessions()] == [s.session_id for s in sim.program.sessions]
    assert not any(isinstance(s, NeverRanSession) for s in sim.sessions())
    me = sim.current_user.index
    theirs = next(s for s in sim.program.sessions if sim.program.webinar_of(s).host.index != me)
    assert api_for(sim).get(session_paths(sim, theirs)[1]).status_code == 200


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"delete_after_listing": 1.5}, "delete_after_listing must be a share between 0 and 1"),
        ({"delete_after_listing": -0.1}, "delete_after_listing must be a share between 0 and 1"),
        ({"never_ran_share": 2.0}, "never_ran_share must be a share between 0 and 1"),
        ({"never_ran_share": float("nan")}, "never_ran_share must be a share between 0 and 1"),
        ({"max_oauth_sessions": 0}, "max_oauth_sessions must be at least 1"),
    ],
)
def test_config_refuses_bad_values(options: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SimulatorConfig(**options)  # type: ignore[arg-type]
