"""A round trip with a real Action Network client (parsons) pointed at a local server."""

import threading
import warnings

import pytest
from werkzeug.serving import make_server

from campaign.services import tokens
from tests.test_osdi_browse import PETITION, sign_many

with warnings.catch_warnings():
    # parsons warns on import that its install extras changed; nothing to act on here.
    warnings.simplefilter("ignore", RuntimeWarning)
    from parsons.action_network import action_network

SYSTEM = "example-campaign"


@pytest.fixture
def osdi_server(make_app):
    """The app served over real HTTP on a free loopback port, as parsons needs a URL."""
    app = make_app(OSDI_SYSTEM_NAME=SYSTEM)
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}/osdi/v1"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def client_for(osdi_server, monkeypatch):
    app, base_url = osdi_server
    # parsons takes its base URL from this module constant when the client is built.
    monkeypatch.setattr(action_network, "API_URL", base_url)
    with app.app_context():
        _, secret = tokens.create("parsons", ["read"])
    return app, action_network.ActionNetwork(api_token=secret)


def local_id(resource: dict) -> str:
    (identifier,) = resource["identifiers"]
    system, _, value = identifier.partition(":")
    assert system == SYSTEM
    return value


def test_parsons_lists_petitions_pages_signatures_and_upserts_a_person(client_for):
    app, an = client_for
    sign_many(app, PETITION, 30)

    petitions = an.get_petitions()
    assert petitions.num_rows == 4
    by_id = {local_id(row): row for row in petitions}
    assert by_id[PETITION]["total_signatures"] == 30

    signatures = an.get_petition_signatures(PETITION)
    assert signatures.num_rows == 30
    assert [row["comments"] for row in signatures] == [f"comment {n}" for n in range(30)]
    second = an.get_petition_signatures(PETITION, page=2)
    assert (second["page"], second["total_pages"], second["total_records"]) == (2, 2, 30)
    assert len(second["_embedded"]["osdi:signatures"]) == 5
    assert an.get_petition_signatures(PETITION, limit=7).num_rows == 7

    created = an.upsert_person(
        email_address="Lilit@example.org",
        given_name="Լիլիթ",
        family_name="Sargsyan",
        postal_addresses=[{"postal_code": "0010", "country": "AM", "primary": True}],
    )
    person_id = local_id(created)
    assert created["given_name"] == "Լիլիթ"
    updated = an.upsert_person(
        email_address=[{"address": "lilit@example.org", "status": "subscribed"}],
        given_name="Lilit",
    )
    assert local_id(updated) == person_id
    assert updated["family_name"] == "Sargsyan"

    fetched = an.get_person(person_id)
    assert fetched["given_name"] == "Lilit"
    assert fetched["email_addresses"][0]["status"] == "subscribed"
    assert fetched["postal_addresses"][0]["postal_code"] == "0010"
    recent = an.get_people(filter="modified_date gt '2024-04-01'")
    assert "lilit@example.org" in [row["email_addresses"][0]["address"] for row in recent]
    assert an.get_person_signatures(person_id).num_rows == 0
