"""A reference department endpoint for the http channel: what a department's system should do.

It takes each delivery once, by its ``Idempotency-Key``: the first request with
a key is taken (201), a repeat is answered 409 "already have it" and changes
nothing. It keeps every request it saw, so the tests and the fault benchmark
can count, per delivery id, what reached the target and what took effect.
It can be told to fail (answer a status without taking), to be slow (take,
then answer late), or to go down and come back on the same port.

Only for trying things on one machine: it listens on 127.0.0.1 by default.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class Received:
    """One request as the target saw it."""

    delivery_id: str
    headers: dict[str, str]
    body: bytes
    status: int
    """What the target answered: 201 taken, 409 a repeat of a delivery id already taken, or a failure."""

    @property
    def taken(self) -> bool:
        return self.status == 201


class ReferenceTarget:
    """A threaded HTTP server taking deliveries at ``url``; a context manager."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.fail_status: int | None = None
        """Answer this status without taking anything (503, 422, …); None to work normally."""
        self.fail_headers: dict[str, str] = {}
        self.delay = 0.0
        """Seconds to wait before answering, after deciding (a slow system: it may take and answer late)."""
        self.arrived = threading.Event()
        """Set whenever a request arrives (clear it to wait for the next one)."""
        self._lock = threading.Lock()
        self._received: list[Received] = []
        self._taken: set[str] = set()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/deliveries"

    def start(self) -> None:
        """Listen (again on the same port, once it has one)."""
        server = ThreadingHTTPServer((self.host, self.port), _handler(self))
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="reference-target", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop listening: connections are refused until ``start``."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> ReferenceTarget:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def requests_by_id(self) -> Counter[str]:
        """How many requests carried each delivery id (repeats included)."""
        return Counter(r.delivery_id for r in self.received)

    def effects_by_id(self) -> Counter[str]:
        """How many times each delivery id took effect: 1 for each, if the ids are honoured."""
        return Counter(r.delivery_id for r in self.received if r.taken)

    def take(self, delivery_id: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str]]:
        """Decide the answer to one request, and keep it."""
        with self._lock:
            if self.fail_status is not None:
                status, answer = self.fail_status, {"title": "Failing on purpose"}
            elif not delivery_id:
                status, answer = 400, {"title": "Idempotency-Key required"}
            elif delivery_id in self._taken:
                status, answer = 409, {"title": "Already received"}
            else:
                status, answer = 201, {"delivery_id": delivery_id}
                self._taken.add(delivery_id)
            self._received.append(Received(delivery_id, headers, body, status))
        return status, answer


def _handler(target: ReferenceTarget) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, answer = target.take(headers.get("idempotency-key", ""), headers, body)
            target.arrived.set()
            if target.delay:
                time.sleep(target.delay)
            payload = json.dumps(answer).encode()
            with contextlib.suppress(OSError):  # the client gave up waiting (a timeout, a killed worker)
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if status < 400 else "application/problem+json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in (target.fail_headers if target.fail_status is not None else {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests and the benchmark read ``received`` instead."""

    return Handler
