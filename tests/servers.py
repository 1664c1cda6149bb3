"""gunicorn and nginx started for a test on free local ports, and a small HTTP client.

gunicorn is handed a socket this process has already bound and set listening (``fd://N``),
so no other process can take its port between choosing and binding it. nginx cannot take
an inherited socket, so its port is found by binding port 0 and closing the socket again,
which leaves a small window in which another process could take that port.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A port that was free a moment ago (only for servers that cannot inherit a socket)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening_socket() -> socket.socket:
    """A socket bound to a free 127.0.0.1 port and listening, to hand to a server process."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def request(port, path, body=None, headers=None, timeout=10):
    """(status, JSON body) of a request to 127.0.0.1:port."""
    data = json.dumps(body).encode() if body is not None else None
    method = "POST" if data is not None else "GET"
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    req.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310 - local
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _wait_until_healthy(port: int, process: subprocess.Popen, log: Path, name: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if request(port, "/healthz", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{name} did not start: " + log.read_text()[-2000:])
        time.sleep(0.2)


@contextmanager
def running(command: list[str], env: dict | None, log: Path, port: int, name: str, fds=()):
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=out, pass_fds=fds
        )
        try:
            _wait_until_healthy(port, process, log, name)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=30)


@contextmanager
def gunicorn(env: dict, log: Path):
    """A gunicorn master with the project's gunicorn.conf.py; yields its port."""
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"]
    with listening_socket() as sock:
        port, fd = sock.getsockname()[1], sock.fileno()
        env = {**env, "BIND": f"fd://{fd}"}
        with running(command, env, log, port, "gunicorn", fds=(fd,)) as p:
            yield p


@contextmanager
def nginx(site: str, directory: Path):
    """Debian's nginx serving ``site`` (text for its http block) from ``directory``."""
    port = free_port()
    main = directory / "nginx.conf"
    temp = "\n".join(
        f"    {kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main.write_text(
        f"daemon off;\nworker_processes 1;\npid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'error.log'} warn;\n"
        # The test directory is private to root; the worker must be able to use it.
        + ("user root;\n" if os.geteuid() == 0 else "")
        + "events { worker_connections 1024; }\n"
        + f"http {{\n    access_log off;\n{temp}\n{site.replace('{port}', str(port))}\n}}\n"
    )
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    command = [binary, "-p", str(directory), "-c", str(main), "-e", str(directory / "error.log")]
    with running(command, None, directory / "error.log", port, "nginx") as p:
        yield p
