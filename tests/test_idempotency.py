"""Idempotency-Key on signatures and sign-ups: retries get the first answer back."""

import json
from datetime import timedelta

from sqlalchemy import select

from campaign.models import IdempotencyKey, Signature, Signup
from campaign.models.base import db
from campaign.models.types import utcnow
from campaign.services import idempotency
from tests.support import ago, count, set_rows

URL = "/api/v1/petitions/release-the-prisoners/signatures"
SIGNUPS = "/api/v1/campaigns/nagorno-karabakh-political-prisoners/signups"
BODY = {"given_name": "Lilit", "email": "lilit@example.org", "country": "AM"}


def post(client, body=BODY, key="key-1", url=URL):
    return client.post(url, json=body, headers={"Idempotency-Key": key} if key else {})


def test_a_retry_gets_the_first_response_back(app, client):
    first = post(client)
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    post(client, {"given_name": "Other", "email": "other@example.org"}, key=None)
    retry = post(client)
    assert retry.status_code == 201
    assert retry.get_json() == first.get_json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert count(app, Signature) == 2


def test_the_same_body_spelt_differently_is_the_same_request(client):
    post(client)
    raw = json.dumps(dict(reversed(list(BODY.items()))), indent=4)
    retry = client.post(
        URL, data=raw, content_type="application/json", headers={"Idempotency-Key": "key-1"}
    )
    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"


def test_the_same_key_with_another_body_is_refused(app, client):
    post(client)
    response = post(client, {**BODY, "email": "someone.else@example.org"})
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.get_json()["type"].endswith("idempotency-key-reused")
    assert count(app, Signature) == 1


def test_keys_are_scoped_to_the_endpoint_and_resource(app, client):
    post(client)
    other_petition = post(client, url="/api/v1/petitions/right-of-return/signatures")
    signup = post(client, url=SIGNUPS)
    assert other_petition.status_code == signup.status_code == 201
    assert "Idempotent-Replayed" not in other_petition.headers
    assert "Idempotent-Replayed" not in signup.headers
    assert count(app, Signature) == 2
    assert count(app, Signup) == 1


def test_sign_up_retries_are_replayed(app, client):
    first = post(client, url=SIGNUPS)
    retry = post(client, url=SIGNUPS)
    assert (
        retry.get_json() == first.get_json() == {"campaign": "nagorno-karabakh-political-prisoners"}
    )
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert post(client, {**BODY, "given_name": "X"}, url=SIGNUPS).status_code == 422


def test_keys_expire_after_24_hours(app, client):
    post(client)
    set_rows(app, IdempotencyKey, created_at=ago(hours=24, minutes=1))
    fresh = post(client, {**BODY, "email": "new@example.org"})
    assert fresh.status_code == 201
    assert "Idempotent-Replayed" not in fresh.headers
    assert count(app, Signature) == 2
    with app.app_context():
        (row,) = db.session.scalars(select(IdempotencyKey))
        assert row.created_at > utcnow() - timedelta(minutes=1)


def test_a_key_younger_than_24_hours_still_holds(app, client):
    post(client)
    set_rows(app, IdempotencyKey, created_at=ago(hours=23, minutes=59))
    assert post(client, {**BODY, "email": "new@example.org"}).status_code == 422


def test_purge_deletes_only_expired_keys(app, client):
    post(client, key="old")
    post(client, {**BODY, "email": "b@example.org"}, key="new")
    set_rows(app, IdempotencyKey, IdempotencyKey.key == "old", created_at=ago(days=2))
    with app.app_context():
        assert idempotency.purge_expired() == 1
        assert list(db.session.scalars(select(IdempotencyKey.key))) == ["new"]


def test_refused_requests_are_not_remembered(app, client):
    invalid = post(client, {**BODY, "email": "broken"})
    assert invalid.status_code == 422
    assert post(client).status_code == 201
    assert count(app, IdempotencyKey) == 1


def test_unusable_keys_are_400(client):
    for key in ("x" * 256, "clé", "tab\there"):
        response = post(client, key=key)
        assert response.status_code == 400, key
        assert response.get_json()["type"].endswith("invalid-idempotency-key")


def test_the_stored_response_holds_no_personal_data(app, client):
    post(client)
    with app.app_context():
        (row,) = db.session.scalars(select(IdempotencyKey))
        assert "lilit" not in row.body.lower()
        assert "lilit" not in row.request_hash
