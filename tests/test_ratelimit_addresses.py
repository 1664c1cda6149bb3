"""Rate-limit keys are parsed addresses: IPv6 by its /64, one spelling per address."""

import pytest
from sqlalchemy import select

from campaign.models import Signature
from campaign.models.base import db
from campaign.services import people

URL = "/api/v1/petitions/release-the-prisoners/signatures"
PROXY = "10.0.0.5"


def post(client, n: int, forwarded: str):
    return client.post(
        URL,
        json={"given_name": "Tester", "email": f"person{n}@example.org"},
        headers={"X-Forwarded-For": forwarded},
        environ_base={"REMOTE_ADDR": PROXY},
    )


def statuses(client, forwarded: list[str]) -> list[int]:
    return [post(client, n, value).status_code for n, value in enumerate(forwarded)]


def test_addresses_of_one_ipv6_64_share_one_allowance(make_app):
    client = make_app(SIGNATURE_RATE_LIMIT="10/minute", TRUSTED_PROXY_HOPS=1).test_client()
    addresses = [f"2001:db8:5:7:{n:x}::{n + 1:x}" for n in range(25)]
    assert statuses(client, addresses) == [201] * 10 + [429] * 15
    # Another /64 is another client.
    assert post(client, 99, "2001:db8:5:8::1").status_code == 201


def test_the_ipv6_prefix_is_configurable(make_app):
    app = make_app(SIGNATURE_RATE_LIMIT="1/minute", TRUSTED_PROXY_HOPS=1, RATELIMIT_IPV6_PREFIX=128)
    client = app.test_client()
    assert statuses(client, ["2001:db8::1", "2001:db8::2", "2001:db8::1"]) == [201, 201, 429]


@pytest.mark.parametrize(
    "spellings",
    [
        ["203.0.113.10", "::ffff:203.0.113.10", "::FFFF:203.0.113.10", "[::ffff:cb00:710a]"],
        ["2001:db8::1", "2001:DB8::1", "2001:0db8:0000:0000:0000:0000:0000:0001", "[2001:db8::1]"],
        ["fe80::1", "fe80::1%eth0", "FE80::1%25eth1", "fe80:0:0:0:0:0:0:1"],
    ],
)
def test_spellings_of_one_address_share_one_allowance(make_app, spellings):
    # A /128 prefix, so that only the spelling, not the network, makes them one client.
    app = make_app(SIGNATURE_RATE_LIMIT="1/minute", TRUSTED_PROXY_HOPS=1, RATELIMIT_IPV6_PREFIX=128)
    client = app.test_client()
    assert statuses(client, spellings) == [201, 429, 429, 429]


def test_a_value_that_does_not_parse_counts_as_the_trusted_proxy(make_app):
    client = make_app(SIGNATURE_RATE_LIMIT="2/minute", TRUSTED_PROXY_HOPS=1).test_client()
    junk = ["not-an-address", "203.0.113.999", "2001:db8::zz", "203.000.113.010"]
    assert statuses(client, junk) == [201, 201, 429, 429]
    # The proxy's own address is that same bucket; a real client behind it is not.
    assert post(client, 10, PROXY).status_code == 429
    assert post(client, 11, "203.0.113.7").status_code == 201


def test_stored_address_hashes_use_the_parsed_address(make_app):
    app = make_app(TRUSTED_PROXY_HOPS=1)
    client = app.test_client()
    assert statuses(client, ["::ffff:203.0.113.10", "junk value"]) == [201, 201]
    with app.test_request_context():
        expected = {people.hash_address("203.0.113.10"), people.hash_address(PROXY)}
    with app.app_context():
        assert set(db.session.scalars(select(Signature.ip_hash))) == expected
