"""Personal-data rights: export a person, erase them with exact counts, one-click unsubscribe."""

import json
import re

from sqlalchemy import select

from campaign.models import CampaignPerson, OutboxItem, Person, Signature, Signup
from campaign.models.base import db
from campaign.services import reconcile
from tests.delivery import run_worker
from tests.support import (
    ALL_DEMANDS,
    bearer,
    count,
    organizer_tallies,
    require_confirmation,
    signer,
)

URL = f"/api/v1/petitions/{ALL_DEMANDS}/signatures"

CAMPAIGN = "nagorno-karabakh-political-prisoners"
SIGNUPS = f"/api/v1/campaigns/{CAMPAIGN}/signups"
OTHER = "/api/v1/petitions/release-the-prisoners/signatures"


def exact(app) -> bool:
    with app.app_context():
        return reconcile.check().clean


def test_export_returns_everything_held_about_a_person(make_app):
    app = make_app()
    client = app.test_client()
    client.post(URL, json=signer(comment="Free them.", region="Yerevan"))
    client.post(SIGNUPS, json=signer(source="flyer"))
    headers = bearer(app, "export")
    response = client.get(
        "/api/v1/people/export", query_string={"email": "ANAHIT@example.org"}, headers=headers
    )
    assert response.status_code == 200
    data = response.get_json()
    assert data["person"]["email"] == "anahit@example.org"
    assert data["person"]["given_name"] == "Anahit"
    assert [s["comment"] for s in data["signatures"]] == ["Free them."]
    assert [s["source"] for s in data["signups"]] == ["flyer"]
    assert data["campaigns"] == [CAMPAIGN]
    missing = client.get(
        "/api/v1/people/export", query_string={"email": "nobody@example.org"}, headers=headers
    )
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"
    reader = bearer(app, "read")
    assert (
        client.get(
            "/api/v1/people/export", query_string={"email": "x@example.org"}, headers=reader
        ).status_code
        == 403
    )


def test_erasing_a_person_removes_their_rows_and_takes_every_count_down_exactly(make_app):
    app = make_app()
    client = app.test_client()
    client.post(URL, json=signer(region="Yerevan", source="newsletter"))
    client.post(OTHER, json=signer())
    client.post(SIGNUPS, json=signer())
    client.post(URL, json=signer(email="stays@example.org", region="Syunik"))
    before = organizer_tallies(client)
    assert before["people_count"] == 2 and before["signup_count"] == 1

    headers = bearer(app)
    response = client.post(
        "/api/v1/people/erase", json={"email": "anahit@example.org"}, headers=headers
    )
    assert response.status_code == 200
    assert response.get_json()["signatures"] == 2 and response.get_json()["signups"] == 1
    after = organizer_tallies(client)
    assert after["people_count"] == 1 and after["signup_count"] == 0
    counts = {p["slug"]: p["signature_count"] for p in after["petitions"]}
    assert counts["support-the-senators-letter"] == 1 and counts["release-the-prisoners"] == 0
    assert {r["code"]: r["count"] for r in after["by_region"]} == {"Syunik": 1}
    assert count(app, Person) == 1 and count(app, Signup) == 0
    assert count(app, CampaignPerson) == 1
    assert exact(app)
    # Erasing again, or someone unknown, is a 404; the person can sign again afresh.
    again = client.post(
        "/api/v1/people/erase", json={"email": "anahit@example.org"}, headers=headers
    )
    assert again.status_code == 404
    client.post(URL, json=signer())
    assert organizer_tallies(client)["people_count"] == 2
    assert exact(app)


def test_erasing_by_id_needs_manage_and_removes_pending_signatures_and_queued_mail(make_app):
    app = make_app()
    client = app.test_client()
    require_confirmation(app)
    client.post(URL, json=signer())
    with app.app_context():
        person_id = db.session.scalar(select(Person.id))
    assert count(app, OutboxItem) == 1
    reader = bearer(app, "read,export")
    assert client.delete(f"/api/v1/people/{person_id}", headers=reader).status_code == 403
    headers = bearer(app)
    assert client.delete(f"/api/v1/people/{person_id}", headers=headers).status_code == 200
    assert count(app, Signature) == 0 and count(app, OutboxItem) == 0
    pending = client.get(
        "/api/v1/petitions/support-the-senators-letter/confirmation", headers=headers
    ).get_json()
    assert pending["pending_count"] == 0
    assert exact(app)


def test_the_cli_exports_and_erases(make_app):
    app = make_app()
    client = app.test_client()
    client.post(URL, json=signer())
    runner = app.test_cli_runner()
    exported = runner.invoke(args=["people", "export", "Anahit@Example.org"])
    assert exported.exit_code == 0
    assert json.loads(exported.output)["person"]["email"] == "anahit@example.org"
    erased = runner.invoke(args=["people", "erase", "anahit@example.org"])
    assert erased.exit_code == 0 and "1 signatures" in erased.output
    assert runner.invoke(args=["people", "erase", "anahit@example.org"]).exit_code != 0
    assert client.get(URL.rsplit("/", 1)[0] + "/tally").get_json()["signature_count"] == 0
    assert exact(app)


def test_one_click_unsubscribe_withdraws_consent_and_get_changes_nothing(make_app, smtp):
    app = make_app(MAIL_URL=smtp.url, PUBLIC_BASE_URL="https://sign.example.org")
    client = app.test_client()
    require_confirmation(app)
    client.post(URL, json=signer(consent=True))
    client.post(SIGNUPS, json=signer(consent=True))
    run_worker(app)
    [message] = smtp.messages
    url = re.search(r"<https://sign.example.org(/unsubscribe/[^>]+)>", message["List-Unsubscribe"])
    path = url.group(1)

    def consent() -> tuple:
        with app.app_context():
            return (
                db.session.scalar(select(Person.consent)),
                db.session.scalar(select(Signup.consent)),
            )

    page = client.get(path)
    assert page.status_code == 200 and b"Unsubscribe" in page.data
    assert consent() == (True, True)
    # What a mail client sends for RFC 8058 one-click unsubscribe.
    response = client.post(
        path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert consent() == (False, False)
    tampered = path[:-2] + ("AA" if not path.endswith("AA") else "BB")
    assert client.post(tampered, data={"List-Unsubscribe": "One-Click"}).status_code == 404
