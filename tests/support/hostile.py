"""A hostile server for attack tests: the simulator over real HTTP on loopback, with rules that
rewrite chosen answers the way a broken or malicious server (or a proxy in between) would.

    with HostileServer(sim, [Attack("empty March", listing_of("2026-03"), empty_records)]) as url:
        ...  # point a client at url

An attack applies to requests its ``matches`` accepts, at most ``times`` times (None: always).
Its ``rewrite`` gets the simulator's answer and returns the one to send: the same object
changed, or a ``Streamed`` answer whose body is sent chunk by chunk (a trickle, a gzip bomb).
"""

from __future__ import annotations

import json
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from webinar_insights.simulator import SimRequest, SimResponse, Simulator


@dataclass(slots=True)
class Streamed:
    status: int
    headers: list[tuple[str, str]]
    chunks: Iterable[bytes]
    pause: float = 0.0  # seconds between chunks


Answer = SimResponse | Streamed
Match = Callable[[SimRequest], bool]
Rewrite = Callable[[SimResponse], Answer]


@dataclass(slots=True)
class Attack:
    name: str
    matches: Match
    rewrite: Rewrite
    times: int | None = 1
    used: int = field(default=0, init=False)

    def take(self, request: SimRequest) -> bool:
        if not self.matches(request) or (self.times is not None and self.used >= self.times):
            return False
        self.used += 1
        return True


class HostileServer:
    """The simulator on a loopback port, with ``attacks`` applied to its answers."""

    def __init__(self, simulator: Simulator, attacks: list[Attack]) -> None:
        self.simulator = simulator
        self.attacks = attacks
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = SimRequest(
                    method=self.command,
                    path=url.path,
                    query=parse_qsl(url.query, keep_blank_values=True),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                answer: Answer = outer.simulator.handle(request)
                with outer._lock:
                    chosen = [a for a in outer.attacks if a.take(request)]
                for attack in chosen:
                    assert isinstance(answer, SimResponse), "one streamed rewrite per request"
                    answer = attack.rewrite(answer)
                self._send(answer)

            def _send(self, answer: Answer) -> None:
                if isinstance(answer, Streamed):
                    self.send_response(answer.status)
                    for name, value in answer.headers:
                        self.send_header(name, value)
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    try:
                        for chunk in answer.chunks:
                            if chunk:
                                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                                self.wfile.flush()
                            if answer.pause:
                                time.sleep(answer.pause)
                        self.wfile.write(b"0\r\n\r\n")
                    except (BrokenPipeError, ConnectionResetError):
                        self.close_connection = True  # the client gave up: as it should
                    return
                if answer.drop:
                    self.close_connection = True
                    return
                self.send_response(answer.status)
                for name, value in answer.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self._thread.start()
        return self.url

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def listing_of(month: str) -> Match:
    """The company sessions listing of one calendar month (``YYYY-MM``)."""
    return lambda r: (
        r.path.endswith("/company/sessions")
        and any(k == "endTimeFrom" and v.startswith(month) for k, v in r.query)
    )


def any_listing(r: SimRequest) -> bool:
    return r.path.endswith("/company/sessions")


def people_of(kind: str, session_id: str | None = None) -> Match:
    """Registrants or participants listings, of one session or of any."""
    return lambda r: (
        r.path.endswith(f"/{kind}") and (session_id is None or f"/sessions/{session_id}/" in r.path)
    )


def edit_json(change: Callable[[dict[str, Any]], None]) -> Rewrite:
    """Apply ``change`` to a JSON answer's body (a 2xx answer; others pass unchanged)."""

    def rewrite(answer: SimResponse) -> Answer:
        if not 200 <= answer.status < 300 or not answer.body:
            return answer
        body = json.loads(answer.body)
        change(body)
        answer.body = json.dumps(body).encode()
        return answer

    return rewrite


def set_header(name: str, value: str, status: int | None = None) -> Rewrite:
    def rewrite(answer: SimResponse) -> Answer:
        answer.headers = [(k, v) for k, v in answer.headers if k.lower() != name.lower()]
        answer.headers.append((name, value))
        if status is not None:
            answer.status = status
            answer.body = b'{"errorCode":"CMN-301","message":"Request rate exceeded"}'
        return answer

    return rewrite


def trickle(pause: float) -> Rewrite:
    def rewrite(answer: SimResponse) -> Answer:
        body = answer.body
        return Streamed(
            answer.status, _plain(answer), (body[i : i + 1] for i in range(len(body))), pause
        )

    return rewrite


def gzip_bomb(size: int) -> Rewrite:
    def rewrite(answer: SimResponse) -> Answer:
        headers = [*_plain(answer), ("Content-Encoding", "gzip")]
        return Streamed(200, headers, zeros_gzip(size))

    return rewrite


def huge_body(size: int) -> Rewrite:
    def rewrite(answer: SimResponse) -> Answer:
        chunk = b" " * 2**20
        return Streamed(200, _plain(answer), (chunk for _ in range(size // len(chunk))))

    return rewrite


def _plain(answer: SimResponse) -> list[tuple[str, str]]:
    return [(k, v) for k, v in answer.headers if k.lower() not in ("content-length",)]


def zeros_gzip(total: int, chunk: int = 2**20) -> Iterator[bytes]:
    """A gzip stream of ``total`` zero bytes, made and sent piece by piece (a gzip bomb)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(chunk)
    for _ in range(total // chunk):
        out = packer.compress(block)
        if out:
            yield out
    yield packer.flush()
