"""What an outreach sets off: the outreach.created webhook, and letters to fixed targets
with an email sent through the outbox (congressional offices get nothing sent)."""

import json

from tests.advocacy_support import LETTER, sender
from tests.delivery import run_worker
from tests.support import bearer

CAMPAIGN = "nagorno-karabakh-political-prisoners"


def test_one_webhook_delivery_per_submission_carries_every_target(make_app, receiver):
    app = make_app(WEBHOOKS_ALLOW_HTTP=True)
    client = app.test_client()
    headers = bearer(app)
    hook = client.post(
        "/api/v1/webhooks",
        json={"url": receiver.url, "events": ["outreach.created"]},
        headers=headers,
    )
    assert hook.status_code == 201
    url = f"/api/v1/advocacy-campaigns/{LETTER}/outreaches"
    client.post(url, json=sender("a@example.org", "02861", message="Free them."))
    client.post(url, json=sender("a@example.org", "02861"))  # a repeat: no new event
    run_worker(app)
    assert len(receiver.requests) == 1
    event = json.loads(receiver.requests[0]["body"])
    assert event["event"] == "outreach.created"
    data = event["data"]
    assert data["advocacy_campaign"] == LETTER
    assert [t["state"] for t in data["targets"]] == ["MA", "MA", "RI", "RI"]
    assert data["outreach"]["message"] == "Free them."
    assert data["person"]["email"] == "a@example.org"
    assert data["person"]["postal_code"] == "02861"


def test_fixed_targets_with_an_email_get_the_letter_by_the_worker(make_app, smtp):
    app = make_app(MAIL_URL=smtp.url)
    client = app.test_client()
    created = client.post(
        f"/api/v1/campaigns/{CAMPAIGN}/advocacy-campaigns",
        json={
            "slug": "write-to-the-mission",
            "title": "Write to the mission",
            "type": "letter",
            "targeting": "fixed",
            "status": "active",
            "subject": "Release the prisoners",
            "template": "Please act on the letter of April 4, 2024.",
            "targets": [
                {
                    "slug": "mission",
                    "name": "Permanent Mission",
                    "organization": "Example Mission",
                    "email": "office@mission.example",
                    "phone": "+41 22 000 00 00",
                },
                {"slug": "desk", "name": "Desk Officer", "contact_form": "https://x.example/c"},
            ],
        },
        headers=bearer(app),
    )
    assert created.status_code == 201, created.get_json()
    assert [t["id"] for t in created.get_json()["targets"]] == ["mission", "desk"]
    url = "/api/v1/advocacy-campaigns/write-to-the-mission/outreaches"
    body = sender("m@example.org", "0010", country="AM", message="Մենք սպասում ենք։")
    response = client.post(url, json=body)
    assert response.status_code == 201
    reach = {t["id"]: t for t in response.get_json()["targets"]}
    assert reach["mission"]["email"] == "office@mission.example"
    assert reach["mission"]["phone_url"] == "tel:+41220000000"
    assert reach["desk"]["contact_form"] == "https://x.example/c"
    run_worker(app)
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "office@mission.example"
    assert message["Subject"] == "Release the prisoners"
    text = message.get_content().replace("\r\n", "\n")
    assert text.startswith("Dear Permanent Mission,")
    assert "Մենք սպասում ենք։" in text
    assert text.rstrip().endswith("Anahit Petrosyan\n0010")
    # The constituent's email address is not handed to the target.
    assert "m@example.org" not in message.as_string()
