"""Organizer reads show the details typed with each action, not the person's current row.

Each test stores a signature or sign-up with the details its signer typed, then rewrites
the ``people`` row as a hostile public write used to: lists, CSV, OSDI and webhooks must
still show what was typed with the action, and consent withdrawn must stay withdrawn.
"""

import csv
import io
import json
import re

from sqlalchemy import select, update

from campaign.models import Person, Signature, Signup
from campaign.models.base import db
from campaign.services import links, webhooks
from campaign.services.catalog import find_petition, open_campaign
from tests.delivery import run_worker
from tests.support import ALL_DEMANDS, bearer, require_confirmation, signer

PETITION = ALL_DEMANDS
URL = f"/api/v1/petitions/{PETITION}/signatures"

CAMPAIGN = "nagorno-karabakh-political-prisoners"
SIGNUPS = f"/api/v1/campaigns/{CAMPAIGN}/signups"
TYPED = {
    "given_name": "Anahit",
    "family_name": "Petrosyan",
    "postal_code": "0010",
    "country": "AM",
    "region": "Yerevan",
    "consent": True,
}
FORGED = {
    "given_name": "Mallory",
    "family_name": "Forged",
    "postal_code": "66666",
    "country": "US",
    "region": "Nowhere",
}


def act(app, client) -> None:
    """Anahit signs and joins; her rows hold what she typed; then her person is rewritten."""
    assert client.post(URL, json=signer(**TYPED)).status_code == 201
    assert client.post(SIGNUPS, json=signer(**TYPED)).status_code == 201
    with app.app_context():
        db.session.execute(update(Signature).values(**TYPED))
        db.session.execute(update(Signup).values(**TYPED))
        db.session.execute(update(Person).values(**FORGED))
        db.session.commit()


def test_lists_and_csv_show_what_was_typed_with_the_action(make_app):
    app = make_app()
    client = app.test_client()
    headers = bearer(app)
    act(app, client)

    [signer_row] = client.get(
        f"/api/v1/petitions/{PETITION}/signatures", headers=headers
    ).get_json()["data"]
    [signup_row] = client.get(f"/api/v1/campaigns/{CAMPAIGN}/signups", headers=headers).get_json()[
        "data"
    ]
    for row in (signer_row, signup_row):
        assert row["email"] == "anahit@example.org"
        for field in ("given_name", "family_name", "postal_code", "country", "region"):
            assert row[field] == TYPED[field]
    assert signup_row["consent"] is True

    for path in (
        f"/api/v1/petitions/{PETITION}/signatures.csv",
        f"/api/v1/campaigns/{CAMPAIGN}/signups.csv",
    ):
        text = client.get(path, headers=headers).get_data(as_text=True)
        [row] = list(csv.DictReader(io.StringIO(text)))
        assert (row["given_name"], row["postal_code"], row["country"]) == ("Anahit", "0010", "AM")
        assert "Mallory" not in text


def test_osdi_signature_carries_the_signer_as_they_signed(make_app):
    app = make_app()
    client = app.test_client()
    headers = bearer(app)
    act(app, client)
    page = client.get(f"/osdi/v1/petitions/{PETITION}/signatures", headers=headers).get_json()
    [item] = page["_embedded"]["osdi:signatures"]
    assert item["person"]["given_name"] == "Anahit"
    assert item["person"]["postal_addresses"][0]["postal_code"] == "0010"
    assert item["person"]["email_addresses"][0]["address"] == "anahit@example.org"
    assert item["person"]["email_addresses"][0]["status"] == "subscribed"


def test_webhooks_carry_the_details_of_the_action(make_app, receiver):
    app = make_app(WEBHOOKS_ALLOW_HTTP=True)
    client = app.test_client()
    act(app, client)
    response = client.post(
        "/api/v1/webhooks",
        json={"url": receiver.url, "events": ["signature.counted", "signup.created"]},
        headers=bearer(app),
    )
    assert response.status_code == 201
    with app.app_context():
        signature = db.session.scalar(select(Signature))
        signup = db.session.scalar(select(Signup))
        webhooks.signature_counted(find_petition(PETITION), signature.id, signature.person_id)
        webhooks.signup_created(open_campaign(CAMPAIGN), signup.id, signup.person_id)
        db.session.commit()
    run_worker(app)
    people = [json.loads(r["body"])["data"]["person"] for r in receiver.requests]
    assert len(people) == 2
    for person in people:
        assert (person["given_name"], person["postal_code"], person["region"]) == (
            "Anahit",
            "0010",
            "Yerevan",
        )
        assert person["consent"] is True


def test_withdrawn_consent_shows_withdrawn_everywhere(make_app):
    app = make_app()
    client = app.test_client()
    headers = bearer(app)
    act(app, client)
    with app.app_context():
        person_id = db.session.scalar(select(Person.id))
        url = links.unsubscribe_url(person_id)
    assert client.post("/" + url.split("/", 3)[3]).status_code == 200
    # A later public sign-up ticking consent again does not undo the unsubscribe.
    with app.app_context():
        db.session.execute(update(Signup).values(consent=True))
        db.session.execute(update(Signature).values(consent=True))
        db.session.commit()
    [row] = client.get(f"/api/v1/campaigns/{CAMPAIGN}/signups", headers=headers).get_json()["data"]
    assert row["consent"] is False
    page = client.get(f"/osdi/v1/petitions/{PETITION}/signatures", headers=headers).get_json()
    [item] = page["_embedded"]["osdi:signatures"]
    assert item["person"]["email_addresses"][0]["status"] == "unsubscribed"


def test_a_confirmed_signature_updates_the_person_and_restores_consent(make_app, smtp):
    app = make_app(MAIL_URL=smtp.url, PUBLIC_BASE_URL="https://sign.example.org")
    client = app.test_client()
    require_confirmation(app)
    assert client.post(URL, json=signer(**TYPED)).status_code == 201
    with app.app_context():
        db.session.execute(update(Signature).values(**TYPED))
        db.session.execute(update(Person).values(**FORGED, consent=False))
        db.session.commit()
    run_worker(app)
    link = re.search(r"https?://\S+/confirm/\S+", smtp.messages[0].get_content()).group(0)
    assert client.post("/" + link.split("/", 3)[3], data={"confirm": "1"}).status_code == 200
    with app.app_context():
        person = db.session.scalar(select(Person))
        assert (person.given_name, person.postal_code, person.region) == (
            "Anahit",
            "0010",
            "Yerevan",
        )
        assert person.consent is True
