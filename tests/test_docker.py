"""The Docker image, read rather than run (no Docker engine on the development machines).

The documented commands must keep one named volume for /app/instance across `docker run`s,
and the HEALTHCHECK must ask the address gunicorn binds: healthcheck.py is run here against
live servers on the addresses BIND can name.
"""

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def instructions() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def docker_commands() -> list[str]:
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    block = text.split("**Docker**", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.startswith("docker ")]


def test_every_documented_docker_run_keeps_one_named_instance_volume():
    runs = [c for c in docker_commands() if c.startswith("docker run ")]
    assert len(runs) == 3
    volumes = {m for run in runs for m in re.findall(r"-v (\S+):/app/instance\b", run)}
    assert len(volumes) == 1, runs
    (volume,) = volumes
    # A name, not a host path or an anonymous volume.
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", volume)
    assert all(f"-v {volume}:/app/instance" in run for run in runs)
    assert "flask --app wsgi db upgrade" in runs[0] and "flask --app wsgi seed" in runs[1]


def test_healthcheck_runs_the_script_that_follows_bind():
    (check,) = [i for i in instructions() if i.startswith("HEALTHCHECK")]
    assert 'CMD ["python", "healthcheck.py"]' in check
    assert "8000" not in check
    copies = [i for i in instructions() if i.startswith("COPY") and "healthcheck.py" in i]
    assert copies and copies[0].split()[-1] == "./"
    assert "WORKDIR /app" in instructions()


def healthcheck(bind: str) -> int:
    env = {**os.environ, "BIND": bind}
    script = str(ROOT / "healthcheck.py")
    return subprocess.run([sys.executable, script], env=env, timeout=30, check=False).returncode


def healthz(environ, start_response):
    status = "200 OK" if environ["PATH_INFO"] == "/healthz" else "404 Not Found"
    start_response(status, [("Content-Type", "text/plain")])
    return [b"ok"]


def serve(address: str) -> tuple[object, threading.Thread]:
    server = make_server(address, 0, healthz)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def stop(server, thread) -> None:
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_healthcheck_asks_the_bound_address(tmp_path):
    server, thread = serve("127.0.0.1")
    port = server.server_port
    try:
        assert healthcheck(f"127.0.0.1:{port}") == 0
        assert healthcheck(f"0.0.0.0:{port}") == 0  # a wildcard bind is asked on loopback
    finally:
        stop(server, thread)
    assert healthcheck(f"127.0.0.1:{port}") == 1  # nothing answers there any more

    socket_path = tmp_path / "gunicorn.sock"
    server, thread = serve(f"unix://{socket_path}")
    try:
        assert healthcheck(f"unix:{socket_path}") == 0
    finally:
        stop(server, thread)
