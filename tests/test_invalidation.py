"""Invalidating signatures, one or by filter: every count goes down exactly, once."""

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from campaign.models import Campaign, Demand, Petition, Signature
from campaign.models.base import db
from campaign.services import counters
from tests.support import (
    ALL_DEMANDS,
    CAMPAIGN,
    PETITION,
    assert_counts_exact,
    bearer,
    join,
    sign,
    signature_ids,
)

BULK = f"/api/v1/petitions/{PETITION}/signatures/invalidate"


def one(slug: str, signature_id: int) -> str:
    return f"/api/v1/petitions/{slug}/signatures/{signature_id}/invalidate"


@pytest.fixture
def manager(app):
    return bearer(app, "manage")


def subjects(app) -> dict:
    with app.app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == CAMPAIGN))
        petitions = {p.slug: counters.petition_subject(p.id) for p in campaign.petitions}
        demands = {d.slug: counters.demand_subject(d.id) for d in campaign.demands}
        return {"campaign": counters.campaign_subject(campaign.id), **petitions, **demands}


def test_one_invalidation_takes_the_signature_out_of_every_count(app, client, manager):
    s = subjects(app)
    sign(
        app,
        "ani@example.org",
        petition=ALL_DEMANDS,
        country="AM",
        region="Syunik",
        source="fraud-ring",
    )
    sign(app, "bo@example.org", petition=ALL_DEMANDS, country="US", region="CA", source="mail")
    before = assert_counts_exact(app)
    assert before[(s[ALL_DEMANDS], "total", "")] == 2
    assert before[(s["release-political-prisoners"], "total", "")] == 2
    assert before[(s["campaign"], "people", "")] == 2

    target = signature_ids(app, ALL_DEMANDS)[0]
    response = client.post(one(ALL_DEMANDS, target), headers=manager)
    assert response.status_code == 200
    assert response.get_json() == {"invalidated": 1, "signature_count": 1}

    after = assert_counts_exact(app)
    c = s["campaign"]
    for key in [
        (s[ALL_DEMANDS], "total", ""),
        (s["release-political-prisoners"], "total", ""),
        (s["right-of-return"], "total", ""),
        (s["sanctions"], "total", ""),
        (c, "signatures", ""),
        (c, "people", ""),
    ]:
        assert after[key] == before[key] - 1, key
    hour = next(k for k in before if k[:2] == (c, "hour"))
    assert after[hour] == before[hour] - 1
    for gone in [(c, "country", "AM"), (c, "region", "Syunik"), (c, "source", "fraud-ring")]:
        assert gone in before and gone not in after
    assert after[(c, "country", "US")] == 1

    # The public sees the new count; the organizer list keeps the row, marked.
    assert client.get(f"/api/v1/petitions/{ALL_DEMANDS}").get_json()["signature_count"] == 1
    rows = client.get(
        f"/api/v1/petitions/{ALL_DEMANDS}/signatures", headers=bearer(app, "read")
    ).get_json()["data"]
    assert [r["status"] for r in rows] == ["invalidated", "counted"]


def test_invalidating_twice_counts_once(app, client, manager):
    sign(app, "ani@example.org")
    target = signature_ids(app)[0]
    assert client.post(one(PETITION, target), headers=manager).get_json()["invalidated"] == 1
    again = client.post(one(PETITION, target), headers=manager)
    assert again.status_code == 200
    assert again.get_json() == {"invalidated": 0, "signature_count": 0}
    assert_counts_exact(app)


def test_a_person_stays_in_people_count_while_anything_else_counts(app, client, manager):
    c = subjects(app)["campaign"]
    sign(app, "ani@example.org")
    sign(app, "ani@example.org", petition=ALL_DEMANDS)
    join(app, "bo@example.org")
    sign(app, "bo@example.org")
    assert assert_counts_exact(app)[(c, "people", "")] == 2

    ani, bo = signature_ids(app)
    client.post(one(PETITION, ani), headers=manager)  # Ani still signed another petition
    client.post(one(PETITION, bo), headers=manager)  # Bo still joined the list
    state = assert_counts_exact(app)
    assert state[(c, "people", "")] == 2 and state[(c, "signups", "")] == 1

    client.post(one(ALL_DEMANDS, signature_ids(app, ALL_DEMANDS)[0]), headers=manager)
    assert assert_counts_exact(app)[(c, "people", "")] == 1


def test_unknown_signature_or_petition_is_404(app, client, manager):
    sign(app, "ani@example.org")
    target = signature_ids(app)[0]
    assert client.post(one(PETITION, target + 100), headers=manager).status_code == 404
    # A signature is only reachable through its own petition.
    assert client.post(one(ALL_DEMANDS, target), headers=manager).status_code == 404
    assert client.post(one("nope", target), headers=manager).status_code == 404
    assert (
        client.post(
            BULK.replace(PETITION, "nope"), json={"source": "x"}, headers=manager
        ).status_code
        == 404
    )
    assert_counts_exact(app)


def test_invalidation_needs_the_manage_scope(app, client):
    sign(app, "ani@example.org")
    target = signature_ids(app)[0]
    assert client.post(one(PETITION, target)).status_code == 401
    assert client.post(one(PETITION, target), headers=bearer(app, "read,export")).status_code == 403
    assert client.post(BULK, json={"source": "x"}, headers=bearer(app, "read")).status_code == 403
    assert client.get(f"/api/v1/petitions/{PETITION}").get_json()["signature_count"] == 1


def test_bulk_by_email_domain(app, client, manager):
    c = subjects(app)["campaign"]
    for email in ["a@Spam.Test", "b@spam.test", "c@sub.spam.test", "d@example.org"]:
        sign(app, email)
    sign(app, "a@spam.test", petition=ALL_DEMANDS)  # another petition: untouched
    response = client.post(BULK, json={"email_domain": "SPAM.test"}, headers=manager)
    assert response.get_json() == {"invalidated": 2, "signature_count": 2}
    state = assert_counts_exact(app)
    assert state[(c, "people", "")] == 3  # a@ still counts through the other petition


def test_bulk_by_domain_follows_canonical_gmail(app, client, manager):
    sign(app, "Some.One+petition@googlemail.com")
    sign(app, "other@gmail.com")
    sign(app, "third@example.org")
    response = client.post(BULK, json={"email_domain": "@gmail.com"}, headers=manager)
    assert response.get_json()["invalidated"] == 2
    assert_counts_exact(app)


def test_bulk_by_source_and_time_range(app, client, manager):
    for i in range(6):
        sign(app, f"p{i}@example.org", source="bot" if i % 2 else "site", country="FR")
    ids = signature_ids(app)
    with app.app_context():
        for i, signature_id in enumerate(ids):
            db.session.execute(
                update(Signature)
                .where(Signature.id == signature_id)
                .values(created_at=datetime(2024, 5, 1, i, tzinfo=UTC))
            )
        db.session.commit()
    window = {"created_after": "2024-05-01T01:00:00Z", "created_before": "2024-05-01T04:00:00Z"}
    response = client.post(BULK, json={"source": "bot", **window}, headers=manager)
    assert response.get_json() == {"invalidated": 2, "signature_count": 4}  # hours 1 and 3
    with app.app_context():
        statuses = dict(db.session.execute(select(Signature.id, Signature.status)).all())
    assert [statuses[i] for i in ids] == [
        "counted",
        "invalidated",
        "counted",
        "invalidated",
        "counted",
        "counted",
    ]
    state = assert_counts_exact(app)
    c = subjects(app)["campaign"]
    assert state[(c, "source", "bot")] == 1 and state[(c, "country", "FR")] == 4

    rest = client.post(BULK, json={"created_after": "2024-05-01T00:00:00+00:00"}, headers=manager)
    assert rest.get_json() == {"invalidated": 4, "signature_count": 0}
    state = assert_counts_exact(app)
    assert (c, "people", "") not in state


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "_schema"),
        ({"email_domain": "not a domain"}, "email_domain"),
        ({"email_domain": "%"}, "email_domain"),
        ({"created_after": "yesterday"}, "created_after"),
        (
            {"created_after": "2024-05-02T00:00:00Z", "created_before": "2024-05-01T00:00:00Z"},
            "created_before",
        ),
        ({"status": "counted"}, "status"),
    ],
)
def test_bulk_filter_is_validated(app, client, manager, body, field):
    sign(app, "ani@example.org")
    response = client.post(BULK, json=body, headers=manager)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert client.get(f"/api/v1/petitions/{PETITION}").get_json()["signature_count"] == 1


def test_concurrent_invalidations_count_each_signature_once(app, client, manager):
    for i in range(12):
        sign(app, f"p{i}@{'spam' if i % 2 else 'ok'}.test", source="s" if i < 6 else "t")
    sign(app, "p1@spam.test", petition=ALL_DEMANDS)
    ids = signature_ids(app)
    requests = [("bulk", {"email_domain": "spam.test"}), ("bulk", {"source": "s"})]
    requests += [("one", signature_id) for signature_id in ids[:8]] * 2
    results, errors = [], []

    def work(kind, arg):
        try:
            if kind == "bulk":
                response = app.test_client().post(BULK, json=arg, headers=manager)
            else:
                response = app.test_client().post(one(PETITION, arg), headers=manager)
            results.append((response.status_code, response.get_json()["invalidated"]))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=r) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors and all(status == 200 for status, _ in results)
    # odd ids (spam), the first six (source s) and ids[:8]: 0-8, 9, 11 -> 10 rows, once each.
    assert sum(n for _, n in results) == 10
    state = assert_counts_exact(app)
    with app.app_context():
        petition = db.session.scalar(select(Petition).where(Petition.slug == PETITION))
        demand = db.session.scalar(
            select(Demand).where(Demand.slug == "release-political-prisoners")
        )
        petition_subject = counters.petition_subject(petition.id)
        demand_subject = counters.demand_subject(demand.id)
    assert state[(petition_subject, "total", "")] == 2
    assert state[(demand_subject, "total", "")] == 3
