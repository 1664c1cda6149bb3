"""Client addresses as the rate limiter counts them: parsed, never raw strings.

Spellings of one address are one address: ``::ffff:203.0.113.10`` is ``203.0.113.10``,
upper-case and zero-padded IPv6 and ``%zone`` suffixes collapse to the compressed form.
IPv6 clients are counted by their network (``RATELIMIT_IPV6_PREFIX``, /64 by default),
because one subscriber is usually given a whole /64 and can pick any address in it. A value
that does not parse (a proxy passing through whatever the client sent) is counted as the
nearest trusted hop, the peer that connected to us, never under a string of its own.
"""

import ipaddress

# A last resort when even the connected peer's address does not parse (it always does
# under a real server): every such request shares one bucket.
UNPARSABLE = "unparsable"
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse(value: str | None) -> IPAddress | None:
    """The address ``value`` names, or None; ``[v6]:port`` and ``v4:port`` are accepted."""
    if not value:
        return None
    text = value.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6:
        # Dropping the zone: fe80::1%eth0 and fe80::1 are one client.
        address = ipaddress.IPv6Address(int(address))
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
    return address


def canonical(value: str | None, peer: str | None) -> str:
    """The client's address in one spelling; the peer's when ``value`` does not parse."""
    address = parse(value) or parse(peer)
    return str(address) if address is not None else UNPARSABLE


def limit_key(address: str, ipv6_prefix: int) -> str:
    """What one client is counted as: its IPv4 address, or its IPv6 network."""
    parsed = parse(address)
    if parsed is None:
        return UNPARSABLE
    if parsed.version == 4:
        return str(parsed)
    return str(ipaddress.IPv6Network((parsed, ipv6_prefix), strict=False))
