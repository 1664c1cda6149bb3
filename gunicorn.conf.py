"""Gunicorn settings, read from the environment (gunicorn loads this file from the cwd).

Read through environs like the app's settings, so a bad value names its variable. The app
package is not imported here: the master must not create metrics before ``on_starting``.
"""

import gc
import logging
import multiprocessing
import os
import re

from environs import Env
from gunicorn.glogging import Logger

env = Env(expand_vars=False)

bind = env.str("BIND", "127.0.0.1:8000")
# One process per core and one spare: each worker's threads overlap its waits on the
# database and Redis, and fewer processes than the classic 2 x cores + 1 share the caches
# better (docs/benchmarks.md: on 2 cores, 3 workers gave 13 % more signatures per second
# than 5, with less CPU per request and a shorter tail).
workers = env.int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() + 1, 9))
# Threads (gunicorn's gthread worker) keep connections alive and let a long CSV export run
# past `timeout`, which only watches the worker's heartbeat, not a request in a thread.
threads = env.int("GUNICORN_THREADS", 4)
timeout = env.int("GUNICORN_TIMEOUT", 30)
# In-flight requests finish after SIGTERM before the worker exits.
graceful_timeout = env.int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = env.int("GUNICORN_KEEPALIVE", 5)
max_requests = env.int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = env.int("GUNICORN_MAX_REQUESTS_JITTER", 0)
# Header limits: oversized request lines and headers are refused before the app sees them.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
loglevel = env.str("LOG_LEVEL", "info").lower()
accesslog = env.str("GUNICORN_ACCESS_LOG", "") or None
errorlog = "-"

# gunicorn names the peer of a request it cannot parse ("Invalid request from ip=...: ...").
PEER = re.compile(r"\bip=\S*?(?=: |$)")


class WithoutPeer(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record: logging reports it as it is
            return True
        if "ip=" in message:
            record.msg, record.args = PEER.sub("ip=[withheld]", message), ()
        return True


class PrivateLogger(Logger):
    """gunicorn's error log without client addresses, which the app's own lines never carry
    either (an access log, GUNICORN_ACCESS_LOG, is the operator's explicit choice)."""

    def setup(self, cfg):
        super().setup(cfg)
        # setup runs again on every reload (SIGHUP); one filter is enough.
        if not any(isinstance(f, WithoutPeer) for f in self.error_log.filters):
            self.error_log.addFilter(WithoutPeer())


logger_class = PrivateLogger


def on_starting(server):
    """Empty the Prometheus multiprocess directory: counts from an earlier run must not add up."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory and os.path.isdir(directory):
        for name in os.listdir(directory):
            if name.endswith(".db"):
                os.remove(os.path.join(directory, name))


def post_worker_init(worker):
    """Move the loaded app's objects out of the garbage collector's reach.

    They live as long as the worker, yet every full collection walked all of them (about
    165,000): some 80 ms during which the worker's threads all stand still, once in a few
    thousand requests. Frozen, a full collection walks only what requests left behind.
    """
    gc.collect()
    gc.freeze()


def child_exit(server, worker):
    """Drop a dead worker's live gauges; its counters keep counting in the sum."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
