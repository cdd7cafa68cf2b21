from __future__ import annotations

import pytest


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
