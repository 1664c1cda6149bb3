"""Recording letters and calls: one row per person per target, exact counts, same answer."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from campaign.models import AdvocacyParticipant, OutboxItem, Outreach, Person
from campaign.models.base import db
from tests.advocacy_support import CALL, CASSIDY, KENNEDY, LETTER, advocacy_counts, sender
from tests.conftest import base_config
from tests.processes import run_workers
from tests.support import count

URL = f"/api/v1/advocacy-campaigns/{LETTER}/outreaches"


def test_a_letter_reaches_both_senators_with_links_and_the_letter(app, client):
    response = client.post(URL, json=sender("a@example.org", message="My family is from Shushi."))
    assert response.status_code == 201
    targets = response.get_json()["targets"]
    assert [t["id"] for t in targets] == [CASSIDY, KENNEDY]
    cassidy = targets[0]
    assert cassidy["phone_url"] == "tel:+12022245824"
    assert cassidy["contact_form"] == "https://www.cassidy.senate.gov/contact"
    assert cassidy["email"] == ""
    assert cassidy["subject"].startswith("Please press the Secretary of State")
    assert cassidy["body"].startswith("Dear Senator Cassidy,")
    assert "any peace deal reached" in cassidy["body"]
    assert "My family is from Shushi." in cassidy["body"]
    assert cassidy["body"].endswith("Anahit Petrosyan\n70801")
    assert count(app, Outreach) == 2
    counts = advocacy_counts(app, LETTER)
    assert counts[("total", "")] == 2
    assert counts[("participants", "")] == 1
    assert counts[("target", CASSIDY)] == 1
    assert counts[("state", "LA")] == 2
    assert counts[("zip", f"{KENNEDY}|70801")] == 1
    detail = client.get(f"/api/v1/advocacy-campaigns/{LETTER}").get_json()
    assert detail["total_outreaches"] == 2
    # Congressional offices get nothing sent automatically.
    assert count(app, OutboxItem) == 0


def test_a_repeat_gets_the_same_answer_and_counts_nothing(app, client):
    first = client.post(URL, json=sender("b@example.org"))
    again = client.post(URL, json=sender("B@Example.org", given_name="Someone"))
    assert first.status_code == again.status_code == 201
    assert [t["id"] for t in again.get_json()["targets"]] == [CASSIDY, KENNEDY]
    assert count(app, Outreach) == 2
    assert advocacy_counts(app, LETTER)[("total", "")] == 2
    with app.app_context():
        # What was typed the first time stays on the rows; the person is one.
        assert db.session.scalar(select(func.count()).select_from(Person)) == 1
        names = set(db.session.scalars(select(Outreach.given_name)))
    assert names == {"Anahit"}


def test_choosing_one_target_reaches_only_that_one(app, client):
    response = client.post(URL, json=sender("c@example.org", targets=[KENNEDY]))
    assert [t["id"] for t in response.get_json()["targets"]] == [KENNEDY]
    client.post(URL, json=sender("c@example.org"))
    counts = advocacy_counts(app, LETTER)
    assert counts[("total", "")] == 2
    assert counts[("participants", "")] == 1


def test_a_target_not_offered_is_a_422_naming_targets(client):
    response = client.post(URL, json=sender("d@example.org", targets=["bioguide:M000133"]))
    assert response.status_code == 422
    assert "targets" in response.get_json()["errors"]


def test_zip_plus_four_is_recorded_as_the_zip(app, client):
    assert client.post(URL, json=sender("e@example.org", "70801-4321")).status_code == 201
    with app.app_context():
        assert set(db.session.scalars(select(Outreach.postal_code))) == {"70801"}


def test_abroad_cannot_record_and_is_told_why(client):
    response = client.post(URL, json=sender("f@example.org", "0010", country="AM"))
    assert response.status_code == 422
    assert "country" in response.get_json()["errors"]


def test_a_zip_in_washington_dc_is_refused_naming_postal_code(client):
    response = client.post(URL, json=sender("dc@example.org", "20001"))
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["postal_code"]
    assert "District of Columbia" in response.get_json()["errors"]["postal_code"][0]


def test_message_with_control_characters_or_too_long_is_refused(client):
    bad = client.post(URL, json=sender("g@example.org", message="hi\x00there"))
    assert bad.status_code == 422
    assert "message" in bad.get_json()["errors"]
    long = client.post(URL, json=sender("g@example.org", message="x" * 2001))
    assert long.status_code == 422


def test_honeypot_answers_the_same_and_records_nothing(app, client):
    response = client.post(URL, json=sender("h@example.org", website="http://spam.example"))
    assert response.status_code == 201
    assert [t["id"] for t in response.get_json()["targets"]] == [CASSIDY, KENNEDY]
    assert count(app, Outreach) == 0
    assert count(app, Person) == 0


@pytest.mark.parametrize("duration", [1.5, "75", "1e2"])
def test_a_call_duration_that_is_not_a_whole_number_is_refused(client, duration):
    url = f"/api/v1/advocacy-campaigns/{CALL}/outreaches"
    response = client.post(
        url, json=sender("n@example.org", outcome="voicemail", duration=duration)
    )
    assert response.status_code == 422
    assert "duration" in response.get_json()["errors"]


def test_a_call_duration_written_as_a_whole_float_is_taken(app, client):
    url = f"/api/v1/advocacy-campaigns/{CALL}/outreaches"
    response = client.post(url, json=sender("w@example.org", outcome="voicemail", duration=75.0))
    assert response.status_code == 201
    with app.app_context():
        assert set(db.session.scalars(select(Outreach.duration))) == {75}


def test_a_call_records_outcome_and_duration(app, client):
    url = f"/api/v1/advocacy-campaigns/{CALL}/outreaches"
    response = client.post(url, json=sender("i@example.org", outcome="voicemail", duration=75))
    assert response.status_code == 201
    assert response.get_json()["targets"][0]["body"].startswith("Dear Senator Cassidy,")
    with app.app_context():
        assert set(db.session.execute(select(Outreach.outcome, Outreach.duration))) == {
            ("voicemail", 75)
        }
    bad = client.post(url, json=sender("j@example.org", outcome="hung-up"))
    assert bad.status_code == 422


def test_public_tallies_fold_small_buckets(app, client):
    for n in range(3):
        client.post(URL, json=sender(f"k{n}@example.org"))
    body = client.get(f"/api/v1/advocacy-campaigns/{LETTER}/tallies").get_json()
    assert body["total_outreaches"] == 6
    assert body["participants"] == 3
    # Three letters per senator are under the default minimum of 10: only their sum shows.
    assert body["by_target"] == [{"id": "other", "count": 6}]
    assert body["by_state"] == [{"code": "other", "count": 6}]
    small = app.config["PUBLIC_MIN_BUCKET"] = 3
    body = client.get(f"/api/v1/advocacy-campaigns/{LETTER}/tallies").get_json()
    assert body["by_target"] == [{"id": CASSIDY, "count": 3}, {"id": KENNEDY, "count": 3}]
    assert body["by_state"] == [{"code": "LA", "count": 6}]
    assert sum(p["count"] for p in body["series"]) == 6 > small
    # Buckets start at ISO 8601 times in UTC, as the campaign tallies' do.
    day = body["series"][0]["start"]
    assert datetime.fromisoformat(day).utcoffset() == timedelta(0), day
    assert day.endswith("T00:00:00+00:00") and body["interval"] == "day"
    hourly = client.get(f"/api/v1/advocacy-campaigns/{LETTER}/tallies?interval=hour")
    assert hourly.get_json()["interval"] == "hour"
    hour = hourly.get_json()["series"][0]["start"]
    assert hour.endswith(":00:00+00:00") and datetime.fromisoformat(hour).minute == 0
    refused = client.get(f"/api/v1/advocacy-campaigns/{LETTER}/tallies?interval=week")
    assert refused.status_code == 422 and "interval" in refused.get_json()["errors"]


def test_concurrent_repeats_and_new_senders_count_exactly(make_app, database_url):
    app = make_app()
    processes = 4
    # Every process sends the same person three times, and two people of its own.
    per_worker = [
        [sender("same@example.org")] * 3
        + [sender(f"w{n}.{i}@example.org", "02861") for i in range(2)]
        for n in range(processes)
    ]
    answers = run_workers(
        base_config(database_url), URL, [[(body, {}) for body in bodies] for bodies in per_worker]
    )
    statuses = [status for status, _ in answers]
    assert statuses == [201] * 20
    # 1 person x 2 senators, and 8 people in a two-state ZIP x 4 senators.
    assert count(app, Outreach) == 2 + 8 * 4
    assert count(app, AdvocacyParticipant) == 9
    counts = advocacy_counts(app, LETTER)
    assert counts[("total", "")] == 34
    assert counts[("participants", "")] == 9
    assert counts[("state", "LA")] == 2
    assert counts[("state", "MA")] == counts[("state", "RI")] == 16
    with app.app_context():
        per_target = db.session.execute(
            select(Outreach.person_id, Outreach.target_id, func.count()).group_by(
                Outreach.person_id, Outreach.target_id
            )
        )
        assert {n for _, _, n in per_target} == {1}
