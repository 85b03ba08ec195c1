"""Several daphne processes behind one port: this process opens one listening socket per worker
on the same port (SO_REUSEPORT, so the kernel spreads new connections evenly over them) and
supervises the daphne workers that accept on them (`daphne --fd`), restarting any that dies;
a restarted worker takes over its socket and the connections waiting in its queue. With
FTP_ENABLED it supervises the node's one FTP server too (`manage.py ftpserver`).

It listens on 127.0.0.1 unless told otherwise (`--host`, SERVE_HOST): the documented deployment
puts nginx in front, which ends TLS and limits bodies (deploy/nginx.conf). Daphne's own
`--proxy-headers` is not passed: it believes the leftmost, client-written X-Forwarded-For; the
client address is read where it is needed (cpms/client_address.py), and only behind a trusted
proxy (OCPP_TRUST_PROXY_HEADERS)."""

import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from stations.selectors import ocpp_base_url


class Command(BaseCommand):
    help = "Serve HTTP and the OCPP WebSocket on one port with several daphne worker processes."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.SERVE_HOST,
                            help="address to listen on (SERVE_HOST; default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--ping-interval", type=int, default=60,
                            help="seconds a station link may idle before daphne pings it")
        parser.add_argument("--backlog", type=int, default=4096)

    def handle(self, *args, host, port, workers, ping_interval, backlog, **options):
        listeners = [self._listen(host, port, backlog) for _ in range(workers)]
        options = ["--websocket_timeout", "-1", "--ping-interval", str(ping_interval),
                   "--ping-timeout", "30", "cpms.asgi:application"]
        commands = [[sys.executable, "-m", "daphne", "--fd", str(s.fileno()), *options]
                    for s in listeners]
        if settings.FTP_ENABLED:  # one FTP server for the node, supervised like the workers
            commands.append([sys.executable, "-m", "django", "ftpserver"])
        children = [self._spawn(command) for command in commands]
        self.stdout.write(f"Serving on {host}:{port} with {workers} workers: "
                          f"{', '.join(str(c.pid) for c in children[:workers])}")
        self.stdout.write(f"Stations connect to {ocpp_base_url(host=_reachable(host, port))}"
                          "/ocpp/<tenant>/<identity>")
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        restarts = [Restarts() for _ in children]
        while not stopping:
            time.sleep(0.5)
            for n, child in enumerate(children):
                if child.poll() is None or stopping or not restarts[n].due():
                    continue
                if restarts[n].waiting is None:  # just found dead: when may it start again?
                    wait = restarts[n].died()
                    self.stderr.write(f"worker {child.pid} exited ({child.returncode}); "
                                      f"restarting in {wait:.1f} s")
                    if wait > 0:
                        continue
                children[n] = self._spawn(commands[n])
                restarts[n].started()
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()

    def _listen(self, host: str, port: int, backlog: int) -> socket.socket:
        listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listener.bind((host, port))
        listener.listen(backlog)
        listener.set_inheritable(True)
        return listener

    def _spawn(self, command: list[str]) -> subprocess.Popen:
        fds = [int(command[n + 1]) for n, arg in enumerate(command) if arg == "--fd"]
        return subprocess.Popen(command, pass_fds=fds)


def _reachable(host: str, port: int) -> str:
    """host:port as a client writes it: a wildcard address is this machine."""
    if host in ("", "0.0.0.0", "::"):
        host = "localhost"
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class Restarts:
    """When a dead child may start again: at once after a good run, then twice as long after
    each quick death (a port taken, a bad setting), up to a minute, so it does not spin."""

    QUICK = 10.0  # seconds: a child that dies sooner than this backs off
    MOST = 60.0

    def __init__(self):
        self.started_at, self.backoff, self.waiting = time.monotonic(), 0.0, None

    def died(self) -> float:
        quick = time.monotonic() - self.started_at < self.QUICK
        self.backoff = min(self.MOST, max(1.0, self.backoff * 2)) if quick else 0.0
        self.waiting = time.monotonic() + self.backoff
        return self.backoff

    def due(self) -> bool:
        return self.waiting is None or time.monotonic() >= self.waiting

    def started(self) -> None:
        self.started_at, self.waiting = time.monotonic(), None
