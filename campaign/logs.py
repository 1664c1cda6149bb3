"""Log lines: a request id on each, JSON or one-line text, nothing a client sends can forge a
line. The access log and metrics that use them are in ``campaign.observability``."""

import json
import logging
import random
import re
from datetime import UTC, datetime

from flask import g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
# Ids from a proxy or client are kept only if short and harmless in logs and headers.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:+=/-]{1,128}")


class JsonFormatter(logging.Formatter):
    """One JSON object per line; inside a request the record carries its request id."""

    FIELDS = ("method", "path", "route", "status", "duration_ms", "request_id", "client")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in self.FIELDS:
            if field in record.__dict__:
                entry[field] = record.__dict__[field]
        if "request_id" not in entry and has_request_context():
            # Made on first use: most requests log nothing before their access line.
            entry["request_id"] = request_id()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


# C0 and C1 controls, DEL, and the Unicode line and paragraph separators: in a text log any
# of them could end a line early and start a forged one.
LOG_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_controls(text: str) -> str:
    """``text`` on one line: each control character written as its escape (``\\n``,
    ``\\x1b``), so nothing a client sends can start a line of its own."""
    return LOG_CONTROLS.sub(lambda match: repr(match.group())[1:-1], text)


class TextFormatter(logging.Formatter):
    """``time LEVEL logger: message``, one line per record whatever the message holds
    (a traceback's line breaks are escaped too)."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return escape_controls(super().format(record))


def configure_logging(level: str, fmt: str) -> None:
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        root.addHandler(handler)
        root.setLevel(level)
    # Only the handler this module installs is reformatted; test runners keep their own.
    for handler in root.handlers:
        if type(handler) is logging.StreamHandler:
            if fmt == "json":
                handler.setFormatter(JsonFormatter())
            else:
                handler.setFormatter(TextFormatter())
    logging.getLogger("campaign").setLevel(level)


def new_request_id() -> str:
    """32 random hex digits. An id only correlates lines, it guards nothing, so it comes from
    ``random`` (reseeded in every forked worker) rather than a system call per request."""
    return f"{random.getrandbits(128):032x}"


def offered_or_new(offered: str) -> str:
    return offered if offered and SAFE_REQUEST_ID.fullmatch(offered) else new_request_id()


def request_id() -> str:
    context = g._get_current_object()
    identifier = context.get("request_id")
    if identifier is None:
        identifier = context.request_id = offered_or_new(
            request.environ.get("HTTP_X_REQUEST_ID", "")
        )
    return identifier
