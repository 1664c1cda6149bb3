"""Who a rate limit counts: the client address, and the widget key when one is sent."""

from flask import request


def client_address() -> str:
    # ProxyFix has already replaced remote_addr with the address the trusted proxies saw;
    # with no trusted hops X-Forwarded-For is never read.
    return request.remote_addr or "unknown"
