"""Serving in several processes on one port: each binds it, each answers, all stop together."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from madoguchi.cli import serve as serve_command

PID_APP = '''
import gc
import os
from fastapi import FastAPI

def make():
    app = FastAPI()

    @app.get("/pid")
    def pid():
        return {"pid": os.getpid(), "frozen": gc.get_freeze_count()}

    return app
'''

SERVE = '''
import sys
sys.path.insert(0, sys.argv[1])
import pid_app
from madoguchi.web.serving import serve
serve(pid_app.make, host="127.0.0.1", port=int(sys.argv[2]), processes=2, log_level="warning")
'''


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str, processes: int) -> dict[int, dict[str, int]]:
    """Each process's answer, one new connection a request, until ``processes`` of them have answered."""
    seen: dict[int, dict[str, int]] = {}
    deadline = time.monotonic() + 60
    while len(seen) < processes and time.monotonic() < deadline:
        try:
            answer = httpx.get(url, timeout=5).json()
        except httpx.TransportError:
            time.sleep(0.1)  # not listening yet
            continue
        seen[answer["pid"]] = answer
    return seen


def test_each_process_answers_on_the_one_port_its_start_up_frozen_and_all_stop_on_sigterm(
        tmp_path: Path) -> None:
    (tmp_path / "pid_app.py").write_text(PID_APP)
    port = _free_port()
    supervisor = subprocess.Popen([sys.executable, "-c", SERVE, str(tmp_path), str(port)])
    try:
        answers = _answers(f"http://127.0.0.1:{port}/pid", processes=2)
        pids = set(answers)
        assert len(pids) == 2 and supervisor.pid not in pids
        assert all(answer["frozen"] > 0 for answer in answers.values())
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=60) == 0
        for pid in pids:
            assert not Path(f"/proc/{pid}").exists() or "(Z)" in Path(f"/proc/{pid}/stat").read_text()
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
            supervisor.wait()


def test_serve_starts_one_delivery_worker_however_many_processes(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    stops: list[threading.Event] = []
    served: list[int] = []

    def start_worker(_engine: Any, stop: threading.Event) -> threading.Thread:
        stops.append(stop)
        worker = threading.Thread(target=stop.wait)
        worker.start()
        return worker

    def serve_app(_factory: Any, **options: Any) -> None:
        served.append(options["processes"])

    monkeypatch.setattr(serve_command, "run_worker_in_thread", start_worker)
    monkeypatch.setattr(serve_command, "serve_app", serve_app)
    serve_command._run(serve_command._settings(f"sqlite:///{tmp_path}/unused.db"), "127.0.0.1", 8000, processes=4)
    assert served == [4] and len(stops) == 1 and stops[0].is_set()
