"""Public writes never rewrite a person, keep what was typed on the action, and answer a
new and a repeat signer alike, running the same statements for both."""

from sqlalchemy import event, select

from campaign.models import Person, Signature, Signup
from campaign.models.base import db
from campaign.services import dialect, links
from tests.support import osdi_token

PETITION = "support-the-senators-letter"
SIGN = f"/api/v1/petitions/{PETITION}/signatures"
CAMPAIGN = "nagorno-karabakh-political-prisoners"
JOIN = f"/api/v1/campaigns/{CAMPAIGN}/signups"
OSDI_SIGN = "/osdi/v1/petitions/release-the-prisoners/signatures"
# What may differ between two answers: the time, the request's id, the limiter's counters.
PER_REQUEST = {"date", "x-request-id"}

FIRST = {
    "given_name": "Ani",
    "family_name": "Petrosyan",
    "email": "ani.petrosyan@gmail.com",
    "postal_code": "0010",
    "country": "AM",
    "region": "Yerevan",
    "consent": True,
}
# Someone else typing Ani's inbox in another spelling, with their own details.
PROBE = {
    "given_name": "Mallory",
    "family_name": "Intruder",
    "email": "AniPetrosyan+x@GoogleMail.com",
    "postal_code": "99999",
    "country": "FR",
    "region": "Elsewhere",
    "consent": False,
}


def stored_person(app) -> tuple:
    with app.app_context():
        (person,) = db.session.scalars(select(Person))
        return (
            person.email,
            person.given_name,
            person.family_name,
            person.postal_code,
            person.country,
            person.region,
            person.consent,
        )


ANI = ("ani.petrosyan@gmail.com", "Ani", "Petrosyan", "0010", "AM", "Yerevan", True)


def test_a_public_signature_never_rewrites_the_person_and_keeps_what_was_typed(app, client):
    assert client.post(SIGN, json=FIRST).status_code == 201
    right_of_return = "/api/v1/petitions/right-of-return/signatures"
    assert client.post(right_of_return, json=PROBE).status_code == 201
    assert stored_person(app) == ANI
    with app.app_context():
        rows = db.session.scalars(select(Signature).order_by(Signature.id)).all()
        typed = [
            (s.given_name, s.family_name, s.postal_code, s.country, s.region, s.consent)
            for s in rows
        ]
    assert typed == [
        ("Ani", "Petrosyan", "0010", "AM", "Yerevan", True),
        ("Mallory", "Intruder", "99999", "FR", "Elsewhere", False),
    ]


def test_a_public_sign_up_never_rewrites_the_person_and_keeps_what_was_typed(app, client):
    assert client.post(SIGN, json=FIRST).status_code == 201
    assert client.post(JOIN, json=PROBE).status_code == 201
    assert stored_person(app) == ANI
    with app.app_context():
        (signup,) = db.session.scalars(select(Signup))
        assert (
            signup.given_name,
            signup.family_name,
            signup.postal_code,
            signup.country,
            signup.region,
            signup.consent,
        ) == ("Mallory", "Intruder", "99999", "FR", "Elsewhere", False)


def test_withdrawn_consent_stays_withdrawn_after_public_writes(app, client):
    assert client.post(SIGN, json=FIRST).status_code == 201
    with app.test_request_context():
        token = links.unsubscribe_token(db.session.scalar(select(Person.id)))
    assert client.post(f"/unsubscribe/{token}").status_code == 200
    assert stored_person(app)[-1] is False
    eager = {**FIRST, "consent": True}
    assert (
        client.post("/api/v1/petitions/right-of-return/signatures", json=eager).status_code == 201
    )
    assert client.post(JOIN, json=eager).status_code == 201
    blind = {
        "person": {
            "email_addresses": [{"address": FIRST["email"], "status": "subscribed"}],
            "given_name": "Mallory",
        }
    }
    assert client.post("/osdi/v1/people", json=blind).status_code == 200
    assert client.post(OSDI_SIGN, json=blind).status_code == 200
    assert stored_person(app) == (*ANI[:-1], False)


def test_a_blind_osdi_helper_post_never_rewrites_the_person(app, client):
    assert client.post(SIGN, json=FIRST).status_code == 201
    probe = {
        "person": {
            "given_name": "Mallory",
            "family_name": "Intruder",
            "email_addresses": [{"address": PROBE["email"], "status": "unsubscribed"}],
            "postal_addresses": [{"postal_code": "99999", "country": "FR", "region": "X"}],
        }
    }
    assert client.post("/osdi/v1/people", json=probe).status_code == 200
    assert client.post(OSDI_SIGN, json=probe).status_code == 200
    assert stored_person(app) == ANI


def test_an_organizer_token_osdi_post_still_updates_the_person(app, client):
    assert client.post(SIGN, json=FIRST).status_code == 201
    update = {"person": {"email_addresses": [{"address": FIRST["email"]}], "given_name": "Anna"}}
    response = client.post("/osdi/v1/people", json=update, headers=osdi_token(app))
    assert response.status_code == 200
    assert stored_person(app)[1] == "Anna"


def comparable(response) -> tuple:
    headers = sorted(
        (k.lower(), v)
        for k, v in response.headers.items()
        if k.lower() not in PER_REQUEST and not k.lower().startswith("x-ratelimit")
    )
    return response.status_code, response.get_data(), headers


def test_new_and_repeat_writes_get_identical_answers(client):
    for url in (SIGN, JOIN):
        assert client.post(url, json=FIRST).status_code == 201
        # A probe for a known email, then a new one, from the same state of the counts.
        repeat = client.post(url, json=PROBE)
        new = client.post(url, json={**PROBE, "email": f"someone-{len(url)}@example.org"})
        assert new.status_code == 201
        assert comparable(new) == comparable(repeat)


def statements_of(app, client, monkeypatch, url: str, body: dict) -> list[str]:
    """The SQL one request sends: through SQLAlchemy, and on the driver's connection for a
    write that runs alone (``dialect.run_alone``)."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    run_alone = dialect.run_alone

    def record_alone(statement, params):
        seen.append(str(statement))
        return run_alone(statement, params)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    monkeypatch.setattr(dialect, "run_alone", record_alone)
    try:
        assert client.post(url, json=body).status_code == 201
    finally:
        event.remove(engine, "before_cursor_execute", record)
        monkeypatch.setattr(dialect, "run_alone", run_alone)
    return seen


def test_new_and_repeat_writes_run_the_same_statements(app, client, monkeypatch):
    # Warm up, so that no first-use look-up (milestones, webhooks) differs between the two.
    client.post(SIGN, json={**FIRST, "email": "warm@example.org"})
    client.post(JOIN, json={**FIRST, "email": "warm@example.org"})
    for url in (SIGN, JOIN):
        body = {**FIRST, "email": f"new-{len(url)}@example.org"}
        new = statements_of(app, client, monkeypatch, url, body)
        repeat = statements_of(app, client, monkeypatch, url, PROBE)
        assert new, "the write's statements were not seen"
        assert new == repeat
