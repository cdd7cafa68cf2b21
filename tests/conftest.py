from __future__ import annotations

import os

import pytest
from hypothesis import settings

# The fuzz tests replay the same examples on every run (CI must not turn red on a new random
# find); HYPOTHESIS_PROFILE=explore searches new ones, for a developer hunting bugs.
settings.register_profile("replay", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "replay"))


@pytest.fixture(autouse=True)
def _no_real_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own RingCentral credentials must never reach a test."""
    for name in (
        "RC_SERVER_URL",
        "RC_APP_CLIENT_ID",
        "RC_APP_CLIENT_SECRET",
        "RC_USER_JWT",
        "WEBINAR_INSIGHTS_STORE",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _own_limiter_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Clients of a real server pace through a machine-wide file (the user's cache directory);
    each test gets its own, so tests neither share budgets nor write into the user's cache."""
    monkeypatch.setenv("WEBINAR_INSIGHTS_LIMITER_DIR", str(tmp_path_factory.mktemp("limiter")))
