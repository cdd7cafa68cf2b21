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


def test_sync_module_is_reachable_as_a_module() -> None:
    # The package re-exports the function ``sync``; the module it lives in has its own name so
    # that ``import webinar_insights.syncing`` never yields the function.
    import importlib
    import types

    import webinar_insights.syncing as syncing_module
    from webinar_insights.syncing import sync as sync_function

    module = importlib.import_module("webinar_insights.syncing")
    assert isinstance(module, types.ModuleType)
    assert module is syncing_module
    assert module.__name__ == "webinar_insights.syncing"
    assert webinar_insights.sync is sync_function
    assert callable(webinar_insights.sync)
    assert not isinstance(webinar_insights.sync, types.ModuleType)
