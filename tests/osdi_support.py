"""OSDI test helpers: signers with numbered names and comments, OSDI person and signature
bodies, and the app served over HTTP for a real Action Network client (parsons)."""

import warnings

import pytest

from tests.browsers import Server
from tests.support import sign, token

with warnings.catch_warnings():
    # parsons warns on import that its install extras changed; nothing to act on here.
    warnings.simplefilter("ignore", RuntimeWarning)
    from parsons.action_network import action_network

SYSTEM = "example-campaign"


def sign_numbered(app, slug: str, n: int, start: int = 0) -> None:
    """Sign ``signer{i}`` with name ``Signer{i}`` and comment ``comment {i}`` onto ``slug``."""
    for i in range(start, start + n):
        sign(
            app,
            f"signer{i}@example.org",
            petition=slug,
            given_name=f"Signer{i}",
            family_name="",
            postal_code="",
            consent=False,
            comment=f"comment {i}",
            source="osdi-test",
        )


def osdi_person(email="anahit@example.org", **fields) -> dict:
    person = {
        "identifiers": ["foreign_system:1"],
        "given_name": "Անահիտ",
        "family_name": "Petrosyan",
        "email_addresses": [{"address": email, "primary": True, "address_type": "Personal"}],
        "postal_addresses": [
            {"primary": True, "postal_code": "0010", "region": "Yerevan", "country": "am"}
        ],
        "phone_numbers": [{"number": "37410000000", "primary": True}],
    }
    person.update(fields)
    return person


def signature_body(**fields) -> dict:
    body = {
        "person": osdi_person(),
        "comments": "Free them.",
        "referrer_data": {
            "source": "facebook-101016",
            "referrer": "jane-doe",
            "website": "partner.example.org",
            "url": "https://partner.example.org/article",
        },
        "add_tags": ["volunteer"],
        "triggers": {"autoresponse": {"enabled": True}},
    }
    body.update(fields)
    return body


@pytest.fixture
def osdi_server(make_app):
    """The app served over real HTTP on a free loopback port, as parsons needs a URL."""
    app = make_app(OSDI_SYSTEM_NAME=SYSTEM)
    server = Server(app, threaded=False)
    yield app, f"{server.url}/osdi/v1"
    server.stop()


@pytest.fixture
def client_for(osdi_server, monkeypatch):
    app, base_url = osdi_server
    # parsons takes its base URL from this module constant when the client is built.
    monkeypatch.setattr(action_network, "API_URL", base_url)
    return app, action_network.ActionNetwork(api_token=token(app, "read"))


def local_id(resource: dict) -> str:
    (identifier,) = resource["identifiers"]
    system, _, value = identifier.partition(":")
    assert system == SYSTEM
    return value
