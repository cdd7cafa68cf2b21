"""Serve the simulator in-process (an httpx transport) or over real HTTP on loopback."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from ._config import SimRequest, SimResponse

if TYPE_CHECKING:
    from ._platform import Simulator


class SimulatorTransport(httpx.BaseTransport):
    """An httpx transport that answers from a ``Simulator`` without any socket.

    Faults behave as they would on a network: a dropped connection raises
    ``httpx.RemoteProtocolError`` and a hang longer than the request's read timeout raises
    ``httpx.ReadTimeout`` (after waiting that timeout, as a real client would).
    """

    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        sim_request = SimRequest(
            method=request.method,
            path=request.url.path,
            query=parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
        )
        response = self.simulator.handle(sim_request)
        timeouts: dict[str, Any] = request.extensions.get("timeout", {})
        read_timeout = timeouts.get("read")
        if response.delay:
            if read_timeout is not None and response.delay > read_timeout:
                time.sleep(read_timeout)
                raise httpx.ReadTimeout("The read operation timed out", request=request)
            time.sleep(response.delay)
        if response.hang:
            raise httpx.ReadTimeout("The read operation timed out", request=request)
        if response.drop:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        headers = [*response.headers, ("Date", self.simulator.http_date())]
        return httpx.Response(
            response.status, headers=headers, content=response.body, request=request
        )


class _Handler(BaseHTTPRequestHandler):
    server: _SimulatorHTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stalls

    def _serve(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = SimRequest(
            method=self.command,
            path=url.path,
            query=parse_qsl(url.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        response: SimResponse = self.server.simulator.handle(request)
        if response.delay:
            time.sleep(response.delay)
        if response.drop or response.hang:
            self.close_connection = True
            return
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def date_time_string(self, timestamp: float | None = None) -> str:
        return self.server.simulator.http_date()  # the simulated clock, as the platform's own

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: requests carry bearer tokens in headers, never log them


class _SimulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], simulator: Simulator) -> None:
        super().__init__(address, _Handler)
        self.simulator = simulator


class SimulatorServer:
    """A running loopback server; ``url`` is its base address."""

    def __init__(self, simulator: Simulator, host: str = "127.0.0.1", port: int = 0) -> None:
        self.simulator = simulator
        self._server = _SimulatorHTTPServer((host, port), simulator)
        bound_host, bound_port = self._server.server_address[:2]
        self.url = f"http://{bound_host!s}:{bound_port}"
        self._thread: threading.Thread | None = None

    def start(self) -> SimulatorServer:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() waits for a serve_forever loop to end
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()


@contextmanager
def serve(
    simulator: Simulator, host: str = "127.0.0.1", port: int = 0
) -> Iterator[SimulatorServer]:
    """Run ``simulator`` on a loopback port for the duration of the ``with`` block."""
    server = SimulatorServer(simulator, host, port).start()
    try:
        yield server
    finally:
        server.stop()
