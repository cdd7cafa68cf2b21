from __future__ import annotations

import webinar_insights
from webinar_insights import client, errors, simulator


def test_public_namespaces_are_sorted_and_resolvable() -> None:
    for module in (webinar_insights, client, errors, simulator):
        names = module.__all__
        assert names == sorted(names), module.__name__
        for name in names:
            assert hasattr(module, name), f"{module.__name__}.{name}"


def test_top_level_exports() -> None:
    assert {"Client", "WebinarInsightsError", "RetryPolicy"} <= set(webinar_insights.__all__)
