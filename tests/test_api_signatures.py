"""Signing a petition: validation, one signature per person, privacy, hardening."""

import io

import pytest
from sqlalchemy import select

from campaign.models import Campaign, Person, Petition, Signature
from campaign.models.base import db
from campaign.services import people
from tests.support import SIGNATURE_FIELDS, count
from tests.support import signer as base_signer

PETITION = "support-the-senators-letter"
URL = f"/api/v1/petitions/{PETITION}/signatures"


def signer(**fields) -> dict:
    """The shared signer, with every field a signature takes filled in."""
    full = {
        "region": "Yerevan",
        "comment": "Free them.",
        "source": "newsletter_2024-04",
        "referrer": "https://partner.example.org/article",
    }
    return base_signer(**(full | fields))


def rows(app, model):
    with app.app_context():
        return list(db.session.scalars(select(model).order_by(model.id)))


def test_signing_answers_201_without_count_or_personal_data(app, client):
    response = client.post(URL, json=signer())
    assert response.status_code == 201
    assert response.get_json() == {"petition": PETITION, "goal": 25000}
    assert client.get(f"/api/v1/petitions/{PETITION}").get_json()["signature_count"] == 1
    (signature,) = rows(app, Signature)
    assert (signature.country, signature.region, signature.source) == (
        "AM",
        "Yerevan",
        "newsletter_2024-04",
    )
    assert signature.comment == "Free them."
    assert signature.referrer == "https://partner.example.org/article"
    (person,) = rows(app, Person)
    assert (person.given_name, person.email, person.consent) == (
        "Anahit",
        "anahit@example.org",
        True,
    )


def test_client_address_is_stored_only_as_a_keyed_hash(app, client):
    client.post(URL, json=signer(), environ_base={"REMOTE_ADDR": "203.0.113.7"})
    (signature,) = rows(app, Signature)
    with app.test_request_context():
        assert signature.ip_hash == people.hash_address("203.0.113.7")
    assert len(signature.ip_hash) == 64


def test_a_second_signature_by_the_same_person_is_indistinguishable_and_not_counted(app, client):
    first = client.post(URL, json=signer())
    again = client.post(
        URL, json=signer(email="ANAHIT@Example.ORG", given_name="Anahit Jr", consent=False)
    )
    assert again.status_code == first.status_code == 201
    assert again.get_json() == first.get_json()
    assert set(again.headers.keys()) == set(first.headers.keys())
    assert count(app, Signature) == 1
    (person,) = rows(app, Person)
    # Neither duplicated nor rewritten by a public post.
    assert (person.given_name, person.consent) == ("Anahit", True)


def test_gmail_dots_and_tags_are_one_person(app, client):
    for email in ("ani.petrosyan@gmail.com", "AniPetrosyan+letter@googlemail.com"):
        assert client.post(URL, json=signer(email=email)).status_code == 201
    assert count(app, Person) == 1
    assert count(app, Signature) == 1


def test_one_person_may_sign_several_petitions(app, client):
    client.post(URL, json=signer())
    response = client.post("/api/v1/petitions/right-of-return/signatures", json=signer())
    assert response.status_code == 201
    assert client.get("/api/v1/petitions/right-of-return").get_json()["signature_count"] == 1
    assert count(app, Signature) == 2
    assert count(app, Person) == 1


def test_the_honeypot_is_answered_the_same_and_not_counted(app, client):
    client.post(URL, json=signer(email="real@example.org"))
    bot = client.post(URL, json=signer(email="bot@example.org", website="http://spam.example"))
    human = client.post(URL, json=signer(email="real2@example.org", website=""))
    assert bot.status_code == human.status_code == 201
    assert bot.get_json() == human.get_json() == {"petition": PETITION, "goal": 25000}
    assert set(bot.headers.keys()) == set(human.headers.keys())
    assert "bot@example.org" not in [p.email for p in rows(app, Person)]
    assert count(app, Signature) == 2


def _set_status(app, model, slug, status):
    with app.app_context():
        row = db.session.scalar(select(model).where(model.slug == slug))
        row.status = status
        db.session.commit()


def test_closed_petition_refuses_with_a_problem(app, client):
    _set_status(app, Petition, PETITION, "closed")
    response = client.post(URL, json=signer())
    assert response.status_code == 409
    assert response.content_type == "application/problem+json"
    assert response.get_json()["type"].endswith("petition-closed")
    assert count(app, Signature) == 0


def test_petition_of_a_closed_campaign_refuses(app, client):
    _set_status(app, Campaign, "nagorno-karabakh-political-prisoners", "closed")
    assert client.post(URL, json=signer()).status_code == 409


def test_draft_and_unknown_petitions_are_not_found(app, client):
    _set_status(app, Petition, PETITION, "draft")
    assert client.post(URL, json=signer()).status_code == 404
    response = client.post("/api/v1/petitions/nope/signatures", json=signer())
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_every_bad_field_is_listed_in_one_problem(app, client):
    response = client.post(
        URL,
        json={
            "given_name": "",
            "family_name": "x" * 101,
            "email": "not-an-email",
            "postal_code": "<script>",
            "country": "XX",
            "region": 7,
            "comment": "y" * 2001,
            "consent": "perhaps",
            "source": "spaces are bad",
            "referrer": "javascript:alert(1)",
            "first_name": "typo",
        },
    )
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert body["type"].endswith("validation")
    assert set(body["errors"]) == {*SIGNATURE_FIELDS, "first_name"}
    assert all(isinstance(m, list) and m for m in body["errors"].values())
    assert "country" in body["detail"]
    assert count(app, Signature) == 0


def test_required_fields(client):
    body = client.post(URL, json={}).get_json()
    assert set(body["errors"]) == {"given_name", "email"}


@pytest.mark.parametrize(
    "email",
    ["plain", "a@b", "two@@example.org", "spaces in@example.org", "a@localhost", "x@example.test"],
)
def test_email_syntax_is_checked(client, email):
    response = client.post(URL, json=signer(email=email))
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["email"]


@pytest.mark.parametrize("name", ["A\x00B", "Bell\x07", "Esc\x1b[31m", "Line\nbreak", "\ud800"])
def test_control_characters_are_refused(client, name):
    response = client.post(URL, json=signer(given_name=name))
    assert response.status_code == 422
    assert response.get_json()["errors"]["given_name"] == [
        "Control characters, line breaks and lone surrogates are not allowed."
    ]


def test_strings_are_trimmed_and_country_upper_cased(app, client):
    response = client.post(
        URL,
        json=signer(given_name="  Anahit \t", country=" am ", comment=" Line one\r\nline two\t "),
    )
    assert response.status_code == 201
    (person,) = rows(app, Person)
    (signature,) = rows(app, Signature)
    assert person.given_name == "Anahit"
    assert signature.country == "AM"
    assert signature.comment == "Line one\nline two"


@pytest.mark.parametrize(
    ("given_name", "family_name"),
    [
        ("Անահիտ", "Պետրոսյան"),
        ("Сергей", "Иванов"),
        ("محمد", "العلي"),
        ("山田", "太郎"),
        ("👩\u200d👩\u200d👧", "🇦🇲"),
        ("Zoë", "N\u0303ez"),
    ],
)
def test_names_in_any_script_are_kept_intact(app, client, given_name, family_name):
    response = client.post(URL, json=signer(given_name=given_name, family_name=family_name))
    assert response.status_code == 201
    (person,) = rows(app, Person)
    assert (person.given_name, person.family_name) == (given_name, family_name)


def test_optional_fields_may_be_left_out_or_empty(app, client):
    response = client.post(
        URL,
        json={"given_name": "Ani", "email": "ani@example.org", "country": "", "referrer": ""},
    )
    assert response.status_code == 201
    (signature,) = rows(app, Signature)
    assert (signature.country, signature.referrer, signature.source) == ("", "", "")


def test_oversized_body_is_413(make_app):
    client = make_app(MAX_BODY_BYTES=1024).test_client()
    response = client.post(URL, json=signer(comment="z" * 2000))
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"


def test_default_body_limit_is_16_kib(client):
    response = client.post(
        URL, data=b'{"given_name": "' + b"a" * 17000 + b'"}', content_type="application/json"
    )
    assert response.status_code == 413


def test_non_json_media_type_is_415(client):
    response = client.post(
        URL, data="given_name=Ani", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert response.content_type == "application/problem+json"


def test_malformed_json_is_400(app, client):
    response = client.post(URL, data=b'{"given_name": "Ani",', content_type="application/json")
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    assert count(app, Signature) == 0


@pytest.mark.parametrize("raw", [b"[]", b'"text"', b"null", b"42"])
def test_json_that_is_not_an_object_is_refused(client, raw):
    response = client.post(URL, data=raw, content_type="application/json")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"


def test_invalid_utf8_is_refused(client):
    response = client.post(URL, data=b'{"given_name": "\xff\xfe"}', content_type="application/json")
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"


def test_openapi_documents_the_endpoint(client):
    spec = client.get("/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/petitions/{slug}/signatures"]["post"]
    assert "201" in operation["responses"]
    headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
    assert {"Idempotency-Key", "X-Widget-Key"} <= headers


def test_oversized_chunked_body_without_length_is_413(client):
    big = b'{"given_name": "' + b"a" * 20000 + b'", "email": "a@example.org"}'
    response = client.post(
        URL,
        input_stream=io.BytesIO(big),
        headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"
