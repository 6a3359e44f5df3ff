"""Serving an app with uvicorn: in this process, or in several processes that each bind the port.

A process runs its routes' Python on one core. uvicorn's own ``--workers``
share one listening socket, and whichever worker wakes first accepts: a few
busy keep-alive clients can all land on one of them while the others idle.
Here each process binds its own socket to the same address with
``SO_REUSEPORT``, and the kernel spreads the new connections across them by
their addresses' hash. A process that ends stops the others: the service
manager (systemd, the container's) restarts the whole.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import socket
import sys
from collections.abc import Callable
from multiprocessing.connection import wait
from typing import Any

import uvicorn

AppFactory = Callable[[], Any]
"""Makes the ASGI app; called in each serving process (with several, it is pickled to them)."""


def serve(app_factory: AppFactory, *, host: str, port: int, processes: int = 1, log_level: str = "info") -> None:
    """Serve the app on ``host:port`` until stopped (SIGINT or SIGTERM). No access log: request paths
    carry 宛名番号."""
    if processes == 1:
        uvicorn.run(_made(app_factory), host=host, port=port, log_level=log_level, access_log=False)
        return
    spawn = multiprocessing.get_context("spawn")
    children = [spawn.Process(target=serve_one, args=(app_factory, host, port, log_level),
                              name=f"madoguchi-web-{n}") for n in range(processes)]
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        for child in children:
            child.start()
        wait([child.sentinel for child in children])
    except KeyboardInterrupt:
        pass
    finally:
        _stop(children)
        signal.signal(signal.SIGTERM, previous)


def serve_one(app_factory: AppFactory, host: str, port: int, log_level: str) -> None:
    """One serving process: its own socket on the shared port."""
    uvicorn.Server(uvicorn.Config(_made(app_factory), log_level=log_level, access_log=False)).run(
        sockets=[reuse_port_socket(host, port)])


def _made(app_factory: AppFactory) -> Any:
    """The app, with everything in memory by then (modules, the catalog: some 180,000 objects) frozen
    out of the garbage collector's view. A full collection walked them all, some 100 ms during which the
    process answered nothing: the slowest requests' latency."""
    app = app_factory()
    gc.freeze()
    return app


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` that other processes may bind too (the kernel spreads
    connections among them); uvicorn makes it listen."""
    family, kind, protocol, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, protocol)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


def _exit_on_sigterm(_signal: int, _frame: Any) -> None:
    sys.exit(0)


def _stop(children: list[Any]) -> None:
    """SIGTERM each serving process (uvicorn finishes the requests under way), SIGKILL after 30 s."""
    for child in children:
        if child.is_alive():
            child.terminate()
    for child in children:
        child.join(timeout=30)
        if child.is_alive():
            child.kill()
            child.join()
