"""The public campaign read API."""

SLUG = "nagorno-karabakh-political-prisoners"


def test_list_campaigns_returns_the_seeded_campaign(client):
    response = client.get("/api/v1/campaigns")
    assert response.status_code == 200
    body = response.get_json()
    assert [c["slug"] for c in body["data"]] == [SLUG]


def test_campaign_carries_the_contract_fields(client):
    body = client.get(f"/api/v1/campaigns/{SLUG}").get_json()
    for field in (
        "slug",
        "title",
        "summary",
        "status",
        "letter",
        "demands",
        "targets",
        "prisoners",
        "petitions",
        "legislation",
    ):
        assert field in body, field
    assert set(body["letter"]) >= {"date", "senders", "addressee", "text"}
    assert body["letter"]["date"] == "2024-04-04"
    assert [d["slug"] for d in body["demands"]] == [
        "release-political-prisoners",
        "right-of-return",
        "sanctions",
    ]
    assert [d["position"] for d in body["demands"]] == [0, 1, 2]
    assert body["targets"] == [
        {
            "slug": "secretary-of-state",
            "name": "Antony Blinken",
            "title": "Secretary of State",
            "organization": "U.S. Department of State",
        }
    ]
    assert len(body["prisoners"]) == 6
    assert all(p["status"] == "detained" for p in body["prisoners"])
    petition = body["petitions"][0]
    assert set(petition) >= {"slug", "title", "goal", "signature_count", "demands"}
    assert petition["signature_count"] == 0


def test_unknown_campaign_is_a_problem_document(client):
    response = client.get("/api/v1/campaigns/nope")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 404
    assert "nope" in body["detail"]
