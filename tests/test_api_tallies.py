"""The public counter and the campaign's aggregate tallies."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from campaign.models import Milestone, Petition
from campaign.models.base import db
from tests.support import ALL_DEMANDS, CAMPAIGN, PETITION, bearer, emails, sign


def test_tally_counts_goal_and_time(app, client):
    sign(app, *emails(3), petition=PETITION, country="AM")
    response = client.get(f"/api/v1/petitions/{PETITION}/tally")
    assert response.status_code == 200
    body = response.get_json()
    assert body["signature_count"] == 3
    assert body["goal"] == 10000
    assert body["percent"] == 0.0
    assert body["next_milestone"] == 10
    updated = datetime.fromisoformat(body["updated_at"])
    assert abs(datetime.now(UTC) - updated) < timedelta(minutes=1)


def test_tally_is_cacheable_and_revalidates_with_etag(app, client):
    first = client.get(f"/api/v1/petitions/{PETITION}/tally")
    cache = first.headers["Cache-Control"]
    assert "public" in cache
    assert "max-age=5" in cache
    assert "stale-while-revalidate=" in cache
    etag = first.headers["ETag"]
    assert etag.startswith('"')

    again = client.get(f"/api/v1/petitions/{PETITION}/tally", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert "max-age=5" in again.headers["Cache-Control"]

    weak = client.get(f"/api/v1/petitions/{PETITION}/tally", headers={"If-None-Match": "W/" + etag})
    assert weak.status_code == 304

    sign(app, *emails(1), petition=PETITION)
    changed = client.get(f"/api/v1/petitions/{PETITION}/tally", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.get_json()["signature_count"] == 1
    assert changed.headers["ETag"] != etag


def test_tally_max_age_comes_from_config(make_app):
    client = make_app(TALLY_MAX_AGE=17).test_client()
    response = client.get(f"/api/v1/petitions/{PETITION}/tally")
    assert "max-age=17" in response.headers["Cache-Control"]


def test_tally_of_unknown_petition_is_a_problem(client):
    response = client.get("/api/v1/petitions/nope/tally")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_tally_of_draft_petition_is_hidden(app, client):
    with app.app_context():
        petition = db.session.scalar(select(Petition).where(Petition.slug == PETITION))
        petition.status = "draft"
        db.session.commit()
    assert client.get(f"/api/v1/petitions/{PETITION}/tally").status_code == 404


def test_milestones_are_recorded_once_when_reached(app, client):
    sign(app, *emails(9), petition=PETITION)
    with app.app_context():
        assert db.session.scalars(select(Milestone)).all() == []
    sign(app, *emails(3, 9), petition=PETITION)
    with app.app_context():
        rows = db.session.execute(select(Milestone.threshold)).scalars().all()
    assert rows == [10]
    body = client.get(f"/api/v1/petitions/{PETITION}/tally").get_json()
    assert body["next_milestone"] == 25


def test_goal_is_a_milestone(app, client):
    with app.app_context():
        petition = db.session.scalar(select(Petition).where(Petition.slug == PETITION))
        petition.goal = 4
        db.session.commit()
    sign(app, *emails(4), petition=PETITION)
    body = client.get(f"/api/v1/campaigns/{CAMPAIGN}/tallies").get_json()
    assert [(m["petition"], m["threshold"]) for m in body["milestones"]] == [(PETITION, 4)]
    tally = client.get(f"/api/v1/petitions/{PETITION}/tally").get_json()
    assert tally["percent"] == 100.0


def test_tallies_break_counts_down(app, client):
    sign(app, *emails(2), petition=PETITION, country="AM", region="Yerevan", source="newsletter")
    sign(app, *emails(1, 2), petition=PETITION, country="FR", source="embed")
    # The same person on a second petition.
    sign(app, *emails(1), petition=ALL_DEMANDS, country="AM", region="Yerevan")
    # An organizer's read: every bucket, however small (the public one folds them).
    response = client.get(f"/api/v1/campaigns/{CAMPAIGN}/tallies", headers=bearer(app, "read"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    body = response.get_json()
    petitions = {p["slug"]: p["signature_count"] for p in body["petitions"]}
    assert petitions[PETITION] == 3
    assert petitions[ALL_DEMANDS] == 1
    assert petitions["right-of-return"] == 0
    demands = {d["slug"]: d["signature_count"] for d in body["demands"]}
    assert demands == {"release-political-prisoners": 4, "right-of-return": 1, "sanctions": 1}
    assert body["signature_count"] == 4
    assert body["people_count"] == 3
    assert body["signup_count"] == 0
    assert body["by_country"] == [{"code": "AM", "count": 3}, {"code": "FR", "count": 1}]
    assert body["by_region"] == [{"code": "Yerevan", "count": 3}]
    assert body["by_source"] == [
        {"source": "newsletter", "count": 2},
        {"source": "embed", "count": 1},
    ]
    assert sum(point["count"] for point in body["series"]) == 4
    assert body["interval"] == "day"
    assert body["milestones"] == []


def test_tallies_hold_no_personal_data(app, client):
    sign(app, *emails(1), petition=PETITION, country="AM", comment="Free them", postal_code="0010")
    text = client.get(f"/api/v1/campaigns/{CAMPAIGN}/tallies").get_data(as_text=True)
    for private in ("signer0@example.org", "Անի", "Free them", "0010"):
        assert private not in text


def test_series_by_hour_and_within_a_window(app, client):
    sign(app, *emails(2), petition=PETITION)
    now = datetime.now(UTC)
    hour = now.replace(minute=0, second=0, microsecond=0)
    body = client.get(f"/api/v1/campaigns/{CAMPAIGN}/tallies?interval=hour").get_json()
    assert body["series"] == [{"start": hour.isoformat(), "count": 2}]

    later = (now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S")
    body = client.get(
        f"/api/v1/campaigns/{CAMPAIGN}/tallies?interval=hour&since={later}"
    ).get_json()
    assert body["series"] == []
    earlier = (now - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = client.get(
        f"/api/v1/campaigns/{CAMPAIGN}/tallies", query_string={"until": earlier}
    ).get_json()
    assert body["series"] == []


def test_day_series_adds_up_hours_and_fills_gaps():
    from campaign.services.tallies import series

    hours = {"2024-04-04T13": 2, "2024-04-04T20": 1, "2024-04-06T01": 4}
    days = series(hours, "day")
    assert [(p["start"].isoformat(), p["count"]) for p in days] == [
        ("2024-04-04T00:00:00+00:00", 3),
        ("2024-04-05T00:00:00+00:00", 0),
        ("2024-04-06T00:00:00+00:00", 4),
    ]
    since = datetime(2024, 4, 4, 14, tzinfo=UTC)
    assert [p["count"] for p in series(hours, "hour", since=since)][0] == 1


def test_series_over_a_long_span_is_not_padded_with_millions_of_zeros(app, client, tmp_path):
    # One paper signature dated a century back (a typo in the CSV) made every public
    # hourly tallies call build close to a million empty buckets: megabytes, seconds each.
    sign(app, *emails(1), petition=PETITION)
    paper = tmp_path / "paper.csv"
    paper.write_text("email,given_name,signed_at\nold@example.org,Old,1925-04-04T10:00:00Z\n")
    result = app.test_cli_runner().invoke(
        args=["signatures", "load", PETITION, "--csv", str(paper)]
    )
    assert "added 1 signatures" in result.output
    body = client.get(f"/api/v1/campaigns/{CAMPAIGN}/tallies?interval=hour").get_json()
    assert len(body["series"]) == 2
    assert body["series"][0] == {"start": "1925-04-04T10:00:00+00:00", "count": 1}
    assert sum(point["count"] for point in body["series"]) == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("interval=week", "interval"),
        ("since=yesterday", "since"),
        ("since=2024-04-05T00:00:00Z&until=2024-04-04T00:00:00Z", "until"),
    ],
)
def test_bad_tallies_query_is_a_422_problem(client, query, field):
    response = client.get(f"/api/v1/campaigns/{CAMPAIGN}/tallies?{query}")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]


def test_tallies_of_unknown_campaign_is_a_problem(client):
    response = client.get("/api/v1/campaigns/nope/tallies")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_tally_paths_are_in_the_openapi_document(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    assert "/api/v1/petitions/{slug}/tally" in paths
    assert "/api/v1/campaigns/{slug}/tallies" in paths


def _bump_counter_behind_the_session(app, n: int) -> None:
    """Change a count as another worker would: a commit this process's session never sees."""
    with app.app_context():
        petition_id = db.session.scalar(select(Petition.id).where(Petition.slug == PETITION))
        db.session.rollback()  # SQLite: let the other connection take the write lock
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO counters (subject, dimension, key, shard, count, updated_at)"
                    " VALUES (:s, 'total', '', 99, :n, CURRENT_TIMESTAMP)"
                ),
                {"s": f"petition:{petition_id}", "n": n},
            )


def test_worker_answers_repeats_from_its_copy_for_a_bounded_time(make_app):
    app = make_app(TALLY_CACHE_SECONDS=60)
    client = app.test_client()
    first = client.get(f"/api/v1/petitions/{PETITION}/tally")
    _bump_counter_behind_the_session(app, 5)
    copy = client.get(f"/api/v1/petitions/{PETITION}/tally")
    assert copy.get_json() == first.get_json()
    for header in ("Cache-Control", "ETag", "Content-Type", "X-Content-Type-Options"):
        assert copy.headers[header] == first.headers[header], header
    assert copy.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    not_modified = client.get(
        f"/api/v1/petitions/{PETITION}/tally", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert not_modified.status_code == 304
    assert not_modified.data == b""

    # This worker's own commit ends the copy at once.
    sign(app, *emails(1), petition=PETITION)
    assert client.get(f"/api/v1/petitions/{PETITION}/tally").get_json()["signature_count"] == 6


def test_copies_can_be_turned_off(make_app):
    app = make_app(TALLY_CACHE_SECONDS=0)
    client = app.test_client()
    client.get(f"/api/v1/petitions/{PETITION}/tally")
    _bump_counter_behind_the_session(app, 5)
    assert client.get(f"/api/v1/petitions/{PETITION}/tally").get_json()["signature_count"] == 5


def test_copies_are_kept_per_origin(make_app):
    app = make_app(CORS_ORIGINS=["https://partner.example"])
    client = app.test_client()
    path = f"/api/v1/petitions/{PETITION}/tally"
    partner = {"Origin": "https://partner.example"}
    other = {"Origin": "https://elsewhere.example"}
    for _ in range(2):  # a fresh answer, then the copy
        response = client.get(path, headers=partner)
        assert response.headers["Access-Control-Allow-Origin"] == "https://partner.example"
        assert "Origin" in response.headers["Vary"]
        assert "Access-Control-Allow-Origin" not in client.get(path, headers=other).headers


def test_public_breakdowns_fold_small_buckets_into_other(app, client):
    sign(app, *emails(10), petition=PETITION, country="AM", region="Yerevan", source="newsletter")
    sign(app, *emails(1, 10), petition=PETITION, country="FR", region="Paris", source="probe")
    sign(
        app,
        *emails(2, 11),
        petition=PETITION,
        country="DE",
        region="call me at 555",
        source="embed",
    )
    body = client.get(f"/api/v1/campaigns/{CAMPAIGN}/tallies").get_json()
    assert body["by_country"] == [{"code": "AM", "count": 10}, {"code": "other", "count": 3}]
    assert body["by_region"] == [{"code": "Yerevan", "count": 10}, {"code": "other", "count": 3}]
    assert body["by_source"] == [
        {"source": "newsletter", "count": 10},
        {"source": "other", "count": 3},
    ]
    # Totals stay exact; only the small buckets' names are withheld.
    assert body["signature_count"] == 13

    full = client.get(f"/api/v1/campaigns/{CAMPAIGN}/tallies", headers=bearer(app, "read"))
    assert {c["code"]: c["count"] for c in full.get_json()["by_region"]} == {
        "Yerevan": 10,
        "call me at 555": 2,
        "Paris": 1,
    }
    bad = client.get(
        f"/api/v1/campaigns/{CAMPAIGN}/tallies", headers={"Authorization": "Bearer cat_nope"}
    )
    assert bad.status_code == 401


def test_public_by_region_keeps_at_most_fifty_buckets(make_app):
    app = make_app(PUBLIC_MIN_BUCKET=1)
    for region in range(60):
        sign(app, *emails(1, region), petition=PETITION, region=f"Region {region:02d}")
    body = app.test_client().get(f"/api/v1/campaigns/{CAMPAIGN}/tallies").get_json()
    assert len(body["by_region"]) == 51
    assert body["by_region"][-1] == {"code": "other", "count": 10}
