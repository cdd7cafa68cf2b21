"""``host_only_participants``: the participants listing answers 403 to anyone but the host."""

from __future__ import annotations

from collections.abc import Callable

from tests.support.simulator import Api, make_sim
from tests.support.simulator_paths import session_paths


def test_participants_are_for_hosts_only(api_for: Callable[..., Api]) -> None:
    sim = make_sim(scale=60, host_only_participants=True)
    api = api_for(sim)
    now, me = sim.now(), sim.current_user.index
    ran = [s for s in sim.program.sessions if s.status(now) != "Scheduled"]
    mine = next(s for s in ran if sim.program.webinar_of(s).host.index == me)
    theirs = next(s for s in ran if sim.program.webinar_of(s).host.index != me)

    assert api.get(session_paths(sim, mine)[1]).status_code == 200
    refused = api.get(session_paths(sim, theirs)[1])  # validated against the spec
    assert refused.status_code == 403
    assert refused.json()["errors"][0] == {
        "errorCode": "CMN-419",
        "message": "The user is not a host or co-host of this session",
    }
    participants = session_paths(sim, theirs)[1]
    for path in session_paths(sim, theirs):
        if path != participants:
            assert api.get(path).status_code in (200, 404), path  # 404: participants/self only
    lenient = api_for(make_sim(scale=60))
    assert lenient.get(participants).status_code == 200
