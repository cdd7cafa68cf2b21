"""What each seeded fault does to an answer (``SimulatorConfig.fault_rate`` picks them)."""

from __future__ import annotations

from ._config import FaultKind, SimResponse, SimulatorConfig, json_response
from ._errors import api_error, gateway_error, rate_limited


def early_fault(
    kind: FaultKind, headers: list[tuple[str, str]], config: SimulatorConfig
) -> SimResponse | None:
    """Faults that replace the answer; None for those that alter a real answer."""
    if kind in ("http500", "http503"):
        code = "CMN-500" if kind == "http500" else "CMN-503"
        error = api_error(int(kind[4:]), code, "Internal error, please try again later")
        return json_response(error.status, error.body, headers)
    if kind in ("http502", "http504"):
        error = gateway_error(int(kind[4:]), "AGW-" + kind[4:], "Bad gateway or upstream timeout")
        return json_response(error.status, error.body, headers)
    if kind in ("http429", "http429-no-retry-after"):
        error = rate_limited(config.rate_limit_window, headers)
        if kind == "http429-no-retry-after":
            error.headers = [h for h in error.headers if h[0] != "Retry-After"]
        return json_response(error.status, error.body, error.headers)
    if kind == "drop":
        return SimResponse(0, drop=True)
    if kind == "timeout":
        return SimResponse(0, delay=config.hang, hang=True)
    if kind == "html":
        page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
        return SimResponse(200, page, [("Content-Type", "text/html"), *headers])
    if kind == "empty":
        return SimResponse(200, b"", [("Content-Type", "application/json"), *headers])
    return None


def late_fault(kind: FaultKind, response: SimResponse, config: SimulatorConfig) -> None:
    """Faults that alter a real answer: a delay before it, or a body cut in half."""
    if kind == "latency":
        response.delay = config.latency
    elif kind == "truncate":
        response.body = response.body[: max(1, len(response.body) // 2)]
