"""Where a webhook may be sent: public addresses only, checked once and then connected to.

An address is public when it is globally reachable and, if it carries an IPv4 address
inside it (IPv4-mapped or -compatible, NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``, Teredo
``2001::/32``), that IPv4 address is public too: ``64:ff9b::7f00:1`` reaches 127.0.0.1
through a NAT64 gateway although the IPv6 address itself counts as global.

Delivery resolves the name once, checks every address, and connects to the checked one
while keeping the name for TLS (SNI and certificate) and the ``Host`` header, so a name
that is re-pointed between the check and the connection (DNS rebinding) cannot reach the
private network.
"""

import http.client
import ipaddress
import socket
import ssl

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Local-use NAT64 (RFC 8215): translates into whatever network the operator chose.
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


class NotPublic(ValueError):
    """The host does not resolve, or resolves to an address that is not public."""


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries, by any of the transition schemes."""
    if address.version == 4:
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64 or address in IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    if not address.is_global or address in NAT64_LOCAL:
        return False
    inner = embedded_ipv4(address)
    return inner is None or inner.is_global


def public_addresses(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, all of them public; NotPublic otherwise."""
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        raise NotPublic("localhost is this machine")
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise NotPublic(f"{host} does not resolve") from error
    addresses = [info[4][0] for info in found]
    for text in addresses:
        if not is_public(ipaddress.ip_address(text.split("%")[0])):
            raise NotPublic(f"{host} resolves to an address that is not public")
    if not addresses:
        raise NotPublic(f"{host} does not resolve")
    return addresses


class _Pinned:
    """Connect to ``address`` whatever ``host`` now resolves to."""

    address: str

    def _socket(self):
        return socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPConnection(_Pinned, http.client.HTTPConnection):
    def __init__(self, host: str, address: str, **kwargs):
        super().__init__(host, **kwargs)
        self.address = address

    def connect(self):
        self.sock = self._socket()


class PinnedHTTPSConnection(_Pinned, http.client.HTTPSConnection):
    def __init__(self, host: str, address: str, **kwargs):
        super().__init__(host, context=ssl.create_default_context(), **kwargs)
        self.address = address

    def connect(self):
        # The certificate is checked against the name, as the connection to the name would.
        self.sock = self._context.wrap_socket(self._socket(), server_hostname=self.host)


def connection(scheme: str, host: str, port: int | None, address: str, timeout: float):
    """An HTTP(S) connection to ``address`` that speaks to ``host`` (SNI, Host header)."""
    kind = PinnedHTTPSConnection if scheme == "https" else PinnedHTTPConnection
    return kind(host, address, port=port, timeout=timeout)
