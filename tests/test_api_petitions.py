"""The public petition read API."""

from sqlalchemy import select

from campaign.models import Petition
from campaign.models.base import db


def test_petition_has_contract_fields_and_its_demands(client):
    response = client.get("/api/v1/petitions/support-the-senators-letter")
    assert response.status_code == 200
    body = response.get_json()
    assert body["slug"] == "support-the-senators-letter"
    assert body["campaign"] == "nagorno-karabakh-political-prisoners"
    assert body["demands"] == ["release-political-prisoners", "right-of-return", "sanctions"]
    assert body["goal"] == 25000
    assert body["signature_count"] == 0
    assert body["targets"][0]["organization"] == "U.S. Department of State"
    assert body["created_at"].endswith("+00:00")


def test_draft_petition_is_not_public(app, client):
    with app.app_context():
        petition = db.session.scalar(select(Petition).where(Petition.slug == "right-of-return"))
        petition.status = "draft"
        db.session.commit()
    response = client.get("/api/v1/petitions/right-of-return")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    campaign = client.get("/api/v1/campaigns/nagorno-karabakh-political-prisoners").get_json()
    assert "right-of-return" not in [p["slug"] for p in campaign["petitions"]]


def test_unicode_and_odd_slugs_are_plain_404s(client):
    for slug in ("%D5%A1%D5%A2", "..%2F..%2Fetc%2Fpasswd", "x" * 500, "' OR 1=1 --"):
        response = client.get(f"/api/v1/petitions/{slug}")
        assert response.status_code == 404, slug
        assert response.get_json()["status"] == 404
