"""Organizers: the office report (JSON, CSV), letters for hand delivery, invalidation,
erasure, retention and reconciliation of outreach counts."""

import csv
import io
from datetime import timedelta

from sqlalchemy import select, update

from campaign.commands.tallies import repair
from campaign.models import Counter, Outreach
from campaign.models.base import db
from campaign.models.types import utcnow
from campaign.services import reconcile, retention
from tests.advocacy_support import CALL, CASSIDY, KENNEDY, LETTER, advocacy_counts, sender
from tests.support import bearer

URL = f"/api/v1/advocacy-campaigns/{LETTER}"


def send(client, email, postal_code="70801", slug=LETTER, **extra):
    response = client.post(
        f"/api/v1/advocacy-campaigns/{slug}/outreaches", json=sender(email, postal_code, **extra)
    )
    assert response.status_code == 201
    return response


def test_report_counts_letters_per_target_by_zip(app, client):
    send(client, "a@example.org", "70801")
    send(client, "b@example.org", "70802")
    send(client, "c@example.org", "70801", targets=[CASSIDY])
    response = client.get(f"{URL}/report", headers=bearer(app, "read"))
    assert response.status_code == 200
    targets = {t["id"]: t for t in response.get_json()["targets"]}
    assert targets[CASSIDY]["letters"] == 3
    assert targets[CASSIDY]["calls"] == 0
    assert targets[CASSIDY]["name"] == "Bill Cassidy"
    assert targets[CASSIDY]["by_postal_code"] == [
        {"postal_code": "70801", "count": 2},
        {"postal_code": "70802", "count": 1},
    ]
    assert targets[KENNEDY]["total"] == 2
    assert client.get(f"{URL}/report").status_code == 401


def test_report_csv_one_row_per_office_and_zip(app, client):
    send(client, "a@example.org", "70801")
    send(client, "b@example.org", "70801")
    call = f"/api/v1/advocacy-campaigns/{CALL}"
    send(client, "a@example.org", slug=CALL, outcome="talked")
    response = client.get(f"{URL}/report.csv", headers=bearer(app, "export"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["target_id"], r["postal_code"], r["letters"], r["calls"]) for r in rows] == [
        (CASSIDY, "70801", "2", "0"),
        (KENNEDY, "70801", "2", "0"),
    ]
    calls = client.get(f"{call}/report.csv", headers=bearer(app, "export"))
    rows = list(csv.DictReader(io.StringIO(calls.get_data(as_text=True))))
    assert {(r["letters"], r["calls"]) for r in rows} == {("0", "1")}
    assert client.get(f"{URL}/report.csv", headers=bearer(app, "read")).status_code == 403


def test_letters_csv_for_hand_delivery_is_formula_safe(app, client):
    send(client, "a@example.org", given_name="=HYPERLINK(1)", message="@SUM(A1)\nSecond line")
    response = client.get(f"{URL}/outreaches.csv", headers=bearer(app, "export"))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["target_id"] for r in rows] == [CASSIDY, KENNEDY]
    assert rows[0]["given_name"] == "'=HYPERLINK(1)"
    assert rows[0]["message"] == "'@SUM(A1)\nSecond line"
    assert rows[0]["letter"].startswith("Dear Senator Bill Cassidy,")
    assert "=HYPERLINK(1) Petrosyan\n70801" in rows[0]["letter"]


def test_invalidating_an_outreach_takes_it_out_of_every_count(app, client):
    send(client, "a@example.org")
    send(client, "b@example.org", targets=[KENNEDY])
    with app.app_context():
        b_id = db.session.scalar(select(Outreach.id).order_by(Outreach.id.desc()))
    headers = bearer(app, "manage")
    first = client.post(f"{URL}/outreaches/{b_id}/invalidate", headers=headers)
    assert first.status_code == 200
    assert first.get_json()["invalidated"] == 1
    again = client.post(f"{URL}/outreaches/{b_id}/invalidate", headers=headers)
    assert again.get_json()["invalidated"] == 0
    counts = advocacy_counts(app, LETTER)
    assert counts[("total", "")] == 2
    assert counts[("participants", "")] == 1
    assert counts[("target", KENNEDY)] == 1
    assert client.post(f"{URL}/outreaches/999/invalidate", headers=headers).status_code == 404
    with app.app_context():
        assert reconcile.check().clean


def test_erasure_deletes_outreaches_and_their_counts(app, client):
    send(client, "a@example.org")
    send(client, "stays@example.org")
    headers = bearer(app, "export,manage")
    export = client.get(
        "/api/v1/people/export", query_string={"email": "a@example.org"}, headers=headers
    ).get_json()
    assert [o["target_id"] for o in export["outreaches"]] == [CASSIDY, KENNEDY]
    response = client.post("/api/v1/people/erase", json={"email": "a@example.org"}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["outreaches"] == 2
    counts = advocacy_counts(app, LETTER)
    assert counts[("total", "")] == 2
    assert counts[("participants", "")] == 1
    with app.app_context():
        assert reconcile.check().clean


def test_retention_blanks_old_outreach_address_hashes(app, client):
    send(client, "a@example.org")
    with app.app_context():
        db.session.execute(update(Outreach).values(created_at=utcnow() - timedelta(days=400)))
        db.session.commit()
        assert set(db.session.scalars(select(Outreach.ip_hash))) != {""}
        retention.purge()
        db.session.commit()
        assert set(db.session.scalars(select(Outreach.ip_hash))) == {""}


def test_check_reports_outreach_drift_and_fix_repairs_it(app, client):
    send(client, "a@example.org")
    with app.app_context():
        db.session.execute(
            update(Counter)
            .where(Counter.subject.startswith("advocacy:"), Counter.dimension == "total")
            .values(count=Counter.count + 5)
        )
        db.session.commit()
        report = reconcile.check()
        assert [(d.dimension, d.counted, d.actual) for d in report.drifts] == [("total", 7, 2)]
        repair()
        assert reconcile.check().clean
    assert client.get(URL).get_json()["total_outreaches"] == 2
