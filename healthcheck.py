"""The container's HEALTHCHECK: GET /healthz on the address gunicorn binds (``BIND``).

Standard library only and outside the package, so it starts fast inside the check's timeout.
A wildcard host (0.0.0.0, [::]) is asked on loopback; ``unix:/path`` over the socket.
Exit status 0 when /healthz answers 200, 1 otherwise.
"""

import http.client
import os
import socket
import sys

DEFAULT_BIND = "127.0.0.1:8000"
WILDCARDS = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "[::]": "[::1]", "::": "[::1]"}  # noqa: S104


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def connection(bind: str, timeout: float = 2) -> http.client.HTTPConnection:
    # gunicorn takes several addresses separated by commas; the first one is asked.
    bind = bind.split(",")[0].strip()
    if bind.startswith("unix:"):
        return UnixConnection(bind[len("unix:") :], timeout)
    host, _, port = bind.rpartition(":")
    host = WILDCARDS.get(host, host).strip("[]")
    return http.client.HTTPConnection(host, int(port), timeout=timeout)


def main() -> int:
    try:
        conn = connection(os.environ.get("BIND", "").strip() or DEFAULT_BIND)
        conn.request("GET", "/healthz")
        return 0 if conn.getresponse().status == 200 else 1
    except (OSError, ValueError, http.client.HTTPException) as error:
        print(f"healthcheck: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
