"""A real server for the tests: daphne processes on free ports over the test database."""

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def stop(self, hard: bool = False) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if hard else signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


# The servers and workers this process started that may still run: a failing live test's report
# shows their logs' ends (tests/conftest.py), as a CI run keeps nothing else of them.
started: list[Server] = []


def _started(server: Server) -> Server:
    started[:] = [s for s in started if s.process.poll() is None]
    started.append(server)
    return server


def start_server(env: dict, log_dir: Path) -> Server:
    port = free_port()
    log_path = log_dir / f"daphne-{port}.log"
    env = {"PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"} | env
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "--websocket_timeout", "-1", "cpms.asgi:application"],
        cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited:\n{log_path.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return _started(Server(port, process, log_path))
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"daphne did not listen on {port}:\n{log_path.read_text()}")


def server_env() -> dict:
    env = dict(os.environ)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def start_celery_worker(env: dict, log_dir: Path) -> Server:
    """A Celery worker (threads pool) on the run's queue; ready once it says so in its log."""
    log_path = log_dir / f"celery-{free_port()}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cpms", "worker", "--pool", "threads",
         "--concurrency", "8", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--loglevel", "INFO", "-Q", env["CELERY_QUEUE"]],
        cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"celery exited:\n{log_path.read_text()}")
        if " ready." in log_path.read_text(errors="replace"):
            return _started(Server(0, process, log_path))
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"celery did not start:\n{log_path.read_text()}")
