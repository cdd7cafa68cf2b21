from __future__ import annotations

import webinar_insights
from webinar_insights import client, errors, simulator, widgets


def test_public_namespaces_resolve_without_repeats() -> None:
    # Ordering is ruff's job (RUF022); here every exported name must exist, once.
    for module in (webinar_insights, client, errors, simulator, widgets):
        names = module.__all__
        assert len(names) == len(set(names)), module.__name__
        for name in names:
            assert hasattr(module, name), f"{module.__name__}.{name}"


def test_top_level_exports() -> None:
    expected = {"Client", "Store", "sync", "SyncSummary", "WebinarInsightsError", "RetryPolicy"}
    assert expected <= set(webinar_insights.__all__)
    assert set(errors.__all__) <= set(webinar_insights.__all__)
