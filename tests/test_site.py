"""The campaign website and dashboard as HTTP: pages, languages, caching, policy, the card."""

import io
import re

from PIL import Image

from campaign.models import Campaign
from campaign.models.base import db
from campaign.site import card, strings, widget
from tests.support import CAMPAIGN, PETITION, bearer, html_page, script_data, sign

HOME = "/"


def test_home_is_the_campaign_page_not_a_json_404(client):
    html = html_page(client.get(HOME))
    assert '<html lang="en"' in html
    assert "<h1>Free the Armenian political prisoners held by Azerbaijan</h1>" in html
    for slug in (PETITION, "right-of-return", "sanction-those-responsible"):
        assert f'<form class="sign" data-petition="{slug}"' in html
    for name in ("given_name", "family_name", "email", "postal_code", "country", "consent"):
        assert f'name="{name}"' in html
    assert 'name="website"' in html  # the honeypot
    assert html.count("data-prisoner=") == 6
    assert "Speaker of the Parliament" in html
    assert '<time datetime="2024-04-04">April 4, 2024</time>' in html
    assert "<summary>Read the full letter</summary>" in html
    assert 'role="status"' in html
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html
    assert "Supporting Armenians Against Azerbaijani Aggression Act" in html


def test_counts_on_the_page_are_the_public_tally(app, client):
    sign(app, "one@example.org")
    sign(app, "two@example.org")
    html = client.get(f"/petitions/{PETITION}").get_data(as_text=True)
    assert f'data-count-for="{PETITION}" data-goal="10000">2 of 10,000 signatures<' in html
    assert 'max="10000" value="2"' in html


def test_pages_are_cached_with_an_etag_and_a_strict_policy(client):
    first = client.get(HOME)
    assert first.headers["Cache-Control"] == "public, max-age=30"
    assert "Accept-Language" in first.headers["Vary"]
    etag = first.headers["ETag"]
    again = client.get(HOME, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    policy = first.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self';" in policy
    assert "connect-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert first.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in first.get_data(as_text=True)  # no inline script, nothing external
    assert "http" not in re.sub(r'(href|content)="[^"]*"', "", first.get_data(as_text=True))


def test_armenian_by_query_or_browser_language(client):
    by_query = client.get("/?lang=hy").get_data(as_text=True)
    assert '<html lang="hy"' in by_query
    assert "Ինչ ենք պահանջում" in by_query
    assert "Ստորագրեք խնդրագիրը" in by_query
    assert 'href="/petitions/release-the-prisoners?lang=hy"' in by_query
    by_header = client.get(HOME, headers={"Accept-Language": "hy-AM,hy;q=0.9"})
    assert '<html lang="hy"' in by_header.get_data(as_text=True)
    english = client.get("/?lang=en", headers={"Accept-Language": "hy"})
    assert '<html lang="en"' in english.get_data(as_text=True)


def test_every_word_exists_in_both_languages():
    assert strings.SITE.keys() == set(widget.LANGUAGES)
    assert strings.SITE["en"].keys() == strings.SITE["hy"].keys()
    for language, words in strings.SITE.items():
        assert all(value.strip() for value in words.values()), language
    assert strings.format_date("2024-04-04", "hy") == "4 ապրիլի 2024"


def test_link_previews(make_app):
    app = make_app(PUBLIC_BASE_URL="https://campaign.example.org")
    html = app.test_client().get(f"/petitions/{PETITION}?lang=hy").get_data(as_text=True)
    url = f"https://campaign.example.org/petitions/{PETITION}?lang=hy"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:title" content="Make the prisoners&#39; release' in html
    assert '<meta property="og:description" content="We therefore urge you' in html
    image = f"https://campaign.example.org/petitions/{PETITION}/card.png"
    assert f'<meta property="og:image" content="{image}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_card_is_a_cached_png_per_count_bucket(app, client):
    response = client.get(f"/petitions/{PETITION}/card.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == (1200, 630)
    assert response.headers["Cache-Control"] == "public, max-age=300"
    etag = response.headers["ETag"]
    repeat = client.get(f"/petitions/{PETITION}/card.png", headers={"If-None-Match": etag})
    assert repeat.status_code == 304
    sign(app, "card@example.org")
    changed = client.get(f"/petitions/{PETITION}/card.png", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert client.get(f"/campaigns/{CAMPAIGN}/card.png").status_code == 200
    assert client.get("/petitions/nope/card.png").status_code == 404


def test_card_buckets_keep_one_image_for_a_stretch_of_counts():
    assert [card.bucket(n) for n in (0, 99, 100, 1234, 1299, 1_999_999)] == [
        0,
        99,
        100,
        1200,
        1200,
        1_900_000,
    ]


def test_released_prisoner_and_closed_petition_show_as_set_by_organizers(app, client):
    headers = bearer(app, "manage")
    client.patch(
        f"/api/v1/campaigns/{CAMPAIGN}/prisoners/ruben-vardanyan",
        json={"status": "released"},
        headers=headers,
    )
    client.patch(f"/api/v1/petitions/{PETITION}", json={"status": "closed"}, headers=headers)
    html = client.get(HOME).get_data(as_text=True)
    released = re.search(r'data-prisoner="ruben-vardanyan">(.*?)</li>', html, re.S).group(1)
    assert '<p class="badge released">Released</p>' in released
    assert f'data-petition="{PETITION}"' not in html
    petition = client.get(f"/petitions/{PETITION}").get_data(as_text=True)
    assert "This petition is closed to new signatures." in petition


def test_unknown_pages_are_html_404s(client):
    for path in ("/petitions/nope", "/campaigns/nope"):
        assert "This petition is not available." in html_page(client.get(path), 404)


def test_several_active_campaigns_are_listed(app, client):
    with app.app_context():
        db.session.add(Campaign(slug="second-campaign", title="A second campaign", status="active"))
        db.session.commit()
    html = client.get(HOME).get_data(as_text=True)
    assert "<h1>Campaigns</h1>" in html
    assert f'href="/campaigns/{CAMPAIGN}"' in html
    assert 'href="/campaigns/second-campaign"' in html
    assert client.get(f"/campaigns/{CAMPAIGN}").status_code == 200


def test_api_base_setting_points_scripts_and_policy_at_another_origin(make_app):
    app = make_app(SITE_API_BASE="https://api.example.org")
    response = app.test_client().get(HOME)
    assert script_data(response, "site-data")["api"] == "https://api.example.org"
    policy = response.headers["Content-Security-Policy"]
    assert "connect-src 'self' https://api.example.org;" in policy


def test_dashboard_page_holds_no_data_and_is_not_indexed(client):
    response = client.get("/organize")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    html = response.get_data(as_text=True)
    assert '<input id="token" name="token" type="password"' in html
    assert '<form id="token-form" class="card token" method="post"' in html
    assert '<meta name="robots" content="noindex">' in html
    assert "sessionStorage" not in html  # the script keeps it, the page carries none


def test_site_assets_are_fingerprinted_and_cached(client):
    html = client.get(HOME).get_data(as_text=True)
    for name in ("site.css", "page.js", "charts.js", "site.js"):
        url = re.search(rf'"(/site/assets/{re.escape(name)}\?v=[0-9a-f]{{12}})"', html).group(1)
        asset = client.get(url)
        assert asset.status_code == 200
        assert "max-age=3600" in asset.headers["Cache-Control"]
    assert client.get("/site/assets/secret.py").status_code == 404


def test_invalidation_preview_counts_without_changing_anything(app, client):
    sign(app, "a@spam.example", source="bulk")
    sign(app, "b@spam.example", source="bulk")
    sign(app, "c@example.org", source="bulk")
    headers = bearer(app, "manage")
    url = f"/api/v1/petitions/{PETITION}/signatures/invalidate"
    body = {"email_domain": "spam.example", "dry_run": True}
    preview = client.post(url, json=body, headers=headers)
    assert preview.status_code == 200
    assert preview.get_json() == {"invalidated": 0, "matching": 2, "signature_count": 3}
    assert client.get(f"/api/v1/petitions/{PETITION}/tally").get_json()["signature_count"] == 3
    done = client.post(url, json={"email_domain": "spam.example"}, headers=headers)
    assert done.get_json() == {"invalidated": 2, "signature_count": 1}
    only_flag = client.post(url, json={"dry_run": True}, headers=headers)
    assert only_flag.status_code == 422
