"""OSDI helpers: record-signature and person-signup, blind and with a token."""

from sqlalchemy import func, select

from campaign.models import Person, Signature, Signup
from campaign.models.base import db
from tests.osdi_support import osdi_person, signature_body
from tests.support import count, osdi_token

PETITION = "release-the-prisoners"
CAMPAIGN = "nagorno-karabakh-political-prisoners"
SIGN_URL = f"/osdi/v1/petitions/{PETITION}/signatures"


def tally(client) -> int:
    return client.get(f"/api/v1/petitions/{PETITION}").get_json()["signature_count"]


def test_blind_record_signature_answers_200_empty_and_counts(app, client):
    response = client.post(SIGN_URL, json=signature_body())
    assert response.status_code == 200
    assert response.mimetype == "application/hal+json"
    assert response.get_json() == {}
    assert tally(client) == 1
    with app.app_context():
        signature = db.session.scalar(select(Signature))
        assert (signature.comment, signature.source, signature.country) == (
            "Free them.",
            "facebook-101016",
            "AM",
        )
        assert signature.referrer == "https://partner.example.org/article"
        person = db.session.scalar(select(Person))
        assert (person.given_name, person.region, person.postal_code) == (
            "Անահիտ",
            "Yerevan",
            "0010",
        )


def test_record_signature_matches_people_by_email_and_signs_once(app, client):
    headers = osdi_token(app)
    first = client.post(SIGN_URL, json=signature_body(), headers=headers)
    assert first.status_code == 200
    again = signature_body(person=osdi_person(email="ANAHIT@Example.org", given_name="Anahit"))
    second = client.post(SIGN_URL, json=again, headers=headers)
    assert second.status_code == 200
    assert first.get_json()["identifiers"] == second.get_json()["identifiers"]
    assert count(app, Person) == 1 and count(app, Signature) == 1
    assert tally(client) == 1
    with app.app_context():
        assert db.session.scalar(select(Person.given_name)) == "Anahit"
    # The native API counts into the same tally and finds the same person.
    native = {"given_name": "Anahit", "email": "anahit@example.org", "country": "AM"}
    assert client.post(f"/api/v1/petitions/{PETITION}/signatures", json=native).status_code in (
        200,
        201,
    )
    assert count(app, Signature) == 1 and tally(client) == 1
    other = signature_body(person=osdi_person(email="aram@example.org", given_name="Aram"))
    assert client.post(SIGN_URL, json=other).status_code == 200
    assert tally(client) == 2


def test_record_signature_with_a_token_returns_the_signature(app, client):
    headers = osdi_token(app)
    response = client.post(SIGN_URL, json=signature_body(), headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["identifiers"][0].startswith("campaign-api:")
    assert body["comments"] == "Free them."
    assert body["referrer_data"] == {
        "source": "facebook-101016",
        "url": "https://partner.example.org/article",
        "website": "partner.example.org",
    }
    person = client.get(
        body["_links"]["osdi:person"]["href"].removeprefix("http://localhost"), headers=headers
    ).get_json()
    assert person["email_addresses"][0]["address"] == "anahit@example.org"
    assert body["_links"]["osdi:petition"]["href"].endswith(f"/petitions/{PETITION}")


def test_a_bad_token_on_a_helper_is_refused_not_treated_as_blind(app, client):
    response = client.post(SIGN_URL, json=signature_body(), headers={"OSDI-API-Token": "cat_x"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="organizer"'
    export_only = osdi_token(app, "export")
    assert client.post(SIGN_URL, json=signature_body(), headers=export_only).status_code == 403
    assert count(app, Signature) == 0


def test_invalid_helper_bodies_get_400_with_osdi_error(app, client):
    body = signature_body(
        person=osdi_person(
            email_addresses=[{"address": "not-an-email"}],
            postal_addresses=[{"country": "XX"}],
        )
    )
    response = client.post(SIGN_URL, json=body)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 400 and "person" in problem["errors"]
    error = problem["osdi:error"]
    assert (error["request_type"], error["response_code"]) == ("atomic", 400)
    (status,) = error["resource_status"]
    assert status["resource"] == "osdi:signature"
    properties = sorted(d["properties"][0] for d in status["error_descriptions"])
    assert properties == [
        "person.email_addresses[0].address",
        "person.postal_addresses[0].country",
    ]
    missing = client.post(SIGN_URL, json={"comments": "no person"})
    assert missing.status_code == 400 and "person" in missing.get_json()["errors"]
    assert count(app, Signature) == 0


def test_unknown_and_closed_petitions(app, client):
    assert client.post("/osdi/v1/petitions/nope/signatures", json=signature_body()).status_code == (
        404
    )
    with app.app_context():
        from campaign.models import Petition

        db.session.execute(
            Petition.__table__.update().where(Petition.slug == PETITION).values(status="closed")
        )
        db.session.commit()
    assert client.post(SIGN_URL, json=signature_body()).status_code == 409


def test_person_signup_creates_then_updates_without_joining_a_list(app, client):
    headers = osdi_token(app)
    created = client.post("/osdi/v1/people", json={"person": osdi_person()}, headers=headers)
    assert created.status_code == 200
    person = created.get_json()
    assert person["given_name"] == "Անահիտ"
    assert person["postal_addresses"] == [
        {"postal_code": "0010", "region": "Yerevan", "country": "AM", "primary": True}
    ]
    update = {
        "person": {
            "email_addresses": [{"address": "Anahit@example.org", "status": "subscribed"}],
            "family_name": "Petrosyan-Hakobyan",
        },
        "add_tags": ["donor"],
    }
    updated = client.post("/osdi/v1/people", json=update, headers=headers).get_json()
    assert updated["identifiers"] == person["identifiers"]
    assert updated["given_name"] == "Անահիտ"
    assert updated["family_name"] == "Petrosyan-Hakobyan"
    assert updated["email_addresses"][0]["status"] == "subscribed"
    assert count(app, Person) == 1 and count(app, Signup) == 0


def test_person_signup_with_add_lists_joins_the_campaign(app, client):
    body = {
        "person": osdi_person(
            email_addresses=[{"address": "a@example.org", "status": "subscribed"}]
        ),
        "add_lists": [CAMPAIGN],
    }
    response = client.post("/osdi/v1/people", json=body)
    assert response.status_code == 200 and response.get_json() == {}
    assert client.post("/osdi/v1/people", json=body).status_code == 200
    with app.app_context():
        (signup,) = db.session.scalars(select(Signup))
        assert signup.consent is True
    tallies = client.get(f"/api/v1/campaigns/{CAMPAIGN}/tallies").get_json()
    assert tallies["signup_count"] == 1
    unknown = client.post("/osdi/v1/people", json={**body, "add_lists": ["no-such-list"]})
    assert unknown.status_code == 400
    assert unknown.get_json()["osdi:error"]["resource_status"][0]["resource"] == "osdi:person"


def test_person_signup_from_an_email_alone(app, client):
    body = {"person": {"email_addresses": [{"address": "solo@example.org"}]}}
    assert client.post("/osdi/v1/people", json=body).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(Person.email)) == "solo@example.org"


def test_blind_helper_posts_share_the_native_rate_limits(make_app):
    app = make_app(SIGNATURE_RATE_LIMIT="2/minute", SIGNUP_RATE_LIMIT="2/minute")
    client = app.test_client()
    statuses = [
        client.post(
            SIGN_URL,
            json=signature_body(person=osdi_person(email=f"p{n}@example.org")),
        ).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    limited = client.post(SIGN_URL, json=signature_body())
    assert limited.headers.get("Retry-After")
    signups = [
        client.post("/osdi/v1/people", json={"person": osdi_person()}).status_code for _ in range(3)
    ]
    assert signups == [200, 200, 429]


def test_helper_posts_with_an_organizer_token_are_not_rate_limited(make_app):
    app = make_app(SIGNATURE_RATE_LIMIT="2/minute", SIGNUP_RATE_LIMIT="2/minute")
    client = app.test_client()
    headers = osdi_token(app)
    signed = [
        client.post(
            SIGN_URL,
            json=signature_body(person=osdi_person(email=f"sync{n}@example.org")),
            headers=headers,
        ).status_code
        for n in range(5)
    ]
    upserted = [
        client.post(
            "/osdi/v1/people",
            json={"person": osdi_person(email=f"sync{n}@example.org")},
            headers=headers,
        ).status_code
        for n in range(5)
    ]
    assert signed == [200] * 5 and upserted == [200] * 5
    # Blind posts stay limited, and a wrong token buys no exemption.
    blind = [client.post(SIGN_URL, json=signature_body()).status_code for _ in range(3)]
    assert blind == [200, 200, 429]
    wrong = client.post(SIGN_URL, json=signature_body(), headers={"OSDI-API-Token": "cat_nope"})
    assert wrong.status_code == 429
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Signature)) == 6
