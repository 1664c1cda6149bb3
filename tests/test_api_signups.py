"""Joining a campaign's list: one sign-up per person, the same answer either way."""

from sqlalchemy import select

from campaign.models import Campaign, Person, Signup
from campaign.models.base import db
from campaign.services import people
from tests.support import count

CAMPAIGN = "nagorno-karabakh-political-prisoners"
URL = f"/api/v1/campaigns/{CAMPAIGN}/signups"


def joiner(**fields) -> dict:
    body = {
        "given_name": "Aram",
        "family_name": "Hakobyan",
        "email": "aram@example.org",
        "postal_code": "91201",
        "country": "US",
        "region": "CA",
        "consent": True,
        "source": "site",
        "referrer": "https://campaign.example.org/join",
    }
    body.update(fields)
    return body


def test_joining_answers_201_without_the_list_size(app, client):
    response = client.post(URL, json=joiner())
    assert response.status_code == 201
    assert response.get_json() == {"campaign": CAMPAIGN}
    with app.app_context():
        signup = db.session.scalar(select(Signup))
        assert (signup.consent, signup.source) == (True, "site")
    # The test client's address (127.0.0.1), kept only as the keyed hash.
    with app.test_request_context():
        assert signup.ip_hash == people.hash_address("127.0.0.1")
    tallies = client.get(f"/api/v1/campaigns/{CAMPAIGN}").get_json()
    assert tallies["signup_count"] == 1


def test_joining_twice_is_indistinguishable_and_counted_once(app, client):
    first = client.post(URL, json=joiner())
    again = client.post(URL, json=joiner(email="Aram@EXAMPLE.org", given_name="Արամ"))
    assert again.status_code == first.status_code == 201
    assert again.get_json() == first.get_json() == {"campaign": CAMPAIGN}
    assert count(app, Signup) == 1
    with app.app_context():
        # The person keeps their first details; the second post rewrites nobody.
        assert db.session.scalar(select(Person.given_name)) != "Արամ"


def test_signatures_and_signups_share_the_person(app, client):
    client.post(URL, json=joiner())
    client.post(
        "/api/v1/petitions/right-of-return/signatures", json=joiner(comment="Let them return.")
    )
    assert count(app, Person) == 1


def test_comment_belongs_to_signatures_only(client):
    response = client.post(URL, json=joiner(comment="hello"))
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["comment"]


def test_honeypot_answers_the_same_and_counts_nothing(app, client):
    response = client.post(URL, json=joiner(website="filled by a bot"))
    assert response.status_code == 201
    assert response.get_json() == {"campaign": CAMPAIGN}
    assert count(app, Signup) == 0
    assert count(app, Person) == 0


def test_closed_campaign_refuses_sign_ups(app, client):
    with app.app_context():
        db.session.scalar(select(Campaign)).status = "closed"
        db.session.commit()
    response = client.post(URL, json=joiner())
    assert response.status_code == 409
    assert response.get_json()["type"].endswith("campaign-closed")


def test_unknown_campaign_is_404(client):
    response = client.post("/api/v1/campaigns/nope/signups", json=joiner())
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_validation_errors_are_listed(client):
    response = client.post(URL, json=joiner(email="nope", country="ZZ", source="a/b"))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"email", "country", "source"}


def test_non_json_is_415_and_malformed_json_400(client):
    assert client.post(URL, data="x", content_type="text/plain").status_code == 415
    assert client.post(URL, data="{", content_type="application/json").status_code == 400
