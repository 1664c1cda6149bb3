"""The embed widget as the server sends it: page, policy, assets, embed.js, badge, languages."""

import re
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from campaign import config as settings
from campaign.models import Petition
from campaign.models.base import db
from campaign.site import widget
from tests.support import csp, emails, html_page, script_data, sign

PETITION = "release-the-prisoners"
PAGE = f"/embed/petitions/{PETITION}"
BADGE = f"/api/v1/petitions/{PETITION}/badge.svg"
SVG_NS = "{http://www.w3.org/2000/svg}"
HOSTILE_TITLE = "Free them <script>alert(1)</script> & \"now\" 'please'\x01"


def widget_data(response) -> dict:
    return script_data(response, "widget-data")


def set_petition(app, slug: str = PETITION, **values) -> None:
    with app.app_context():
        petition = db.session.scalar(select(Petition).where(Petition.slug == slug))
        for name, value in values.items():
            setattr(petition, name, value)
        db.session.commit()


def test_page_shows_petition_count_and_an_accessible_form(app, client):
    sign(app, *emails(3))
    response = client.get(PAGE)
    html = html_page(response)
    assert "Make the prisoners&#39; release a condition of any peace deal" in html
    assert "Make the release of the political prisoners a condition of any peace deal" in html
    assert "To: Secretary of State, U.S. Department of State" in html
    assert "3 of 10,000 signatures" in html
    assert '<progress id="progress" max="10000" value="3"' in html
    for name in ("given_name", "family_name", "email", "postal_code", "country"):
        # Every field has a label and an error slot the screen reader reads with it.
        assert f'<label for="{name}">' in html
        assert f'aria-describedby="{name}-error"' in html
        assert f'id="{name}-error"' in html
    assert 'id="consent" name="consent" type="checkbox"' in html
    assert 'role="alert"' in html
    # The honeypot has the API's field name and is out of reach of keyboards and readers.
    assert 'aria-hidden="true"><label for="website">' in html
    assert 'name="website" type="text" tabindex="-1"' in html
    # Should the script fail to load, the browser's own submit posts: what was typed never
    # lands in a URL (history, logs, referrers).
    assert '<form id="sign-form" method="post"' in html
    data = widget_data(response)
    assert data["action"] == f"/api/v1/petitions/{PETITION}/signatures"
    assert data["tally"] == f"/api/v1/petitions/{PETITION}/tally"
    assert data["goal"] == 10000
    assert data["honeypot"] == "website"


def test_page_sets_no_cookie_and_is_cacheable_by_language(client):
    response = client.get(PAGE)
    assert "Set-Cookie" not in response.headers
    assert "public" in response.headers["Cache-Control"]
    assert "Accept-Language" in response.headers["Vary"]


def test_page_and_its_assets_weigh_under_30_kb(client):
    for lang in widget.LANGUAGES:
        response = client.get(f"{PAGE}?lang={lang}")
        html = response.get_data(as_text=True)
        assets = re.findall(r'(?:src|href)="(/[^"]+)"', html)
        assert len(assets) == 3  # the stylesheet, the shared page.js and widget.js
        total = len(response.data)
        for url in assets:
            asset = client.get(url)
            assert asset.status_code == 200
            total += len(asset.data)
        assert total < 30 * 1024, (lang, total)


def test_page_policy_allows_nothing_external(client):
    directives = csp(client.get(PAGE))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    policy = " ".join(v for k, v in directives.items() if k != "frame-ancestors")
    assert "unsafe" not in policy
    assert "http" not in policy and "*" not in policy


def test_page_without_configured_origins_can_only_be_framed_by_this_host(client):
    assert csp(client.get(PAGE))["frame-ancestors"] == "'self'"


def test_frame_ancestors_fall_back_to_cors_origins(make_app):
    client = make_app(CORS_ORIGINS=["https://campaign.example.org"]).test_client()
    assert csp(client.get(PAGE))["frame-ancestors"] == "'self' https://campaign.example.org"


def test_frame_ancestors_come_from_embed_origins(make_app):
    client = make_app(
        CORS_ORIGINS=["https://campaign.example.org"],
        EMBED_ORIGINS=["https://news.example.am", "https://*.diaspora.example", "http://x:8080"],
    ).test_client()
    assert csp(client.get(PAGE))["frame-ancestors"] == (
        "'self' https://news.example.am https://*.diaspora.example http://x:8080"
    )


def test_embed_origins_cannot_inject_directives(make_app):
    client = make_app(
        EMBED_ORIGINS=["https://ok.example; script-src *", "javascript:", "https://ok.example/"]
    ).test_client()
    response = client.get(PAGE)
    assert csp(response)["frame-ancestors"] == "'self' https://ok.example"
    assert csp(response)["script-src"] == "'self'"


def test_any_origin_only_when_asked_for(make_app):
    client = make_app(EMBED_ORIGINS=["*"]).test_client()
    assert csp(client.get(PAGE))["frame-ancestors"] == "*"


def test_embed_origins_are_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("EMBED_ORIGINS", "https://a.example, https://b.example ,")
    config = settings.from_environment(str(tmp_path))
    assert config["EMBED_ORIGINS"] == ["https://a.example", "https://b.example"]
    monkeypatch.delenv("EMBED_ORIGINS")
    assert settings.from_environment(str(tmp_path))["EMBED_ORIGINS"] == []


def test_closed_petition_shows_its_count_and_no_form(app, client):
    set_petition(app, status="closed")
    html = client.get(PAGE).get_data(as_text=True)
    assert "This petition is closed to new signatures." in html
    assert "0 of 10,000 signatures" in html
    assert "<form" not in html


def test_thank_you_says_when_the_signature_waits_for_email_confirmation(app, client):
    assert "Your signature has been counted." in client.get(PAGE).get_data(as_text=True)
    set_petition(app, requires_confirmation=True)
    html = client.get(PAGE).get_data(as_text=True)
    assert "your signature counts once you confirm it there" in html
    assert "Your signature has been counted." not in html


def test_petition_text_is_escaped(app, client):
    set_petition(app, title=HOSTILE_TITLE)
    html = client.get(PAGE).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;now&#34; &#39;please&#39;" in html


def test_source_referrer_and_widget_key_are_cleaned(client):
    response = client.get(
        PAGE,
        query_string={
            "source": "news am/2024",
            "referrer": "https://user:secret@news.example.am:8443/story?id=7#comments",
            "key": "partner-news.am",
        },
    )
    data = widget_data(response)
    assert data["source"] == "news-am-2024"
    assert data["referrer"] == "https://news.example.am:8443/story?id=7"
    assert data["widget_key"] == "partner-news.am"


@pytest.mark.parametrize(
    "referrer",
    ["javascript:alert(1)", "data:text/html,hi", "not a url", "https://", "http://[::1"],
)
def test_referrers_that_are_not_web_pages_are_dropped(client, referrer):
    assert widget_data(client.get(PAGE, query_string={"referrer": referrer}))["referrer"] == ""


def test_long_values_are_trimmed_to_what_the_api_accepts(client):
    response = client.get(
        PAGE,
        query_string={
            "source": "s" * 200,
            "referrer": "https://news.example/" + "a" * 3000,
            "key": "k" * 65,
        },
    )
    data = widget_data(response)
    assert data["source"] == "s" * 64
    assert len(data["referrer"]) == 2048
    assert data["widget_key"] == ""


def test_widget_values_are_accepted_by_the_signature_api(client):
    response = client.get(
        PAGE, query_string={"source": "news am/2024", "referrer": "https://news.example/a#b"}
    )
    data = widget_data(response)
    signed = client.post(
        data["action"],
        json={
            "given_name": "Anahit",
            "email": "anahit@example.org",
            "consent": False,
            "source": data["source"],
            "referrer": data["referrer"],
        },
    )
    assert signed.status_code == 201
    assert "signature_count" not in signed.get_json()
    assert client.get(data["tally"]).get_json()["signature_count"] == 1
    assert "1 of 10,000 signatures" in client.get(PAGE).get_data(as_text=True)


def test_armenian_by_lang_parameter(client):
    response = client.get(f"{PAGE}?lang=hy")
    html = response.get_data(as_text=True)
    assert '<html lang="hy"' in html
    assert "Ստորագրեք խնդրագիրը" in html
    assert "Անուն" in html and "Ազգանուն" in html
    assert "Հավաքվել է 0 ստորագրություն 10\u00a0000-ից" in html
    assert '<option value="AM">Հայաստան' in html
    # The petition's own texts are shown as stored.
    assert "Make the prisoners&#39; release a condition of any peace deal" in html
    assert widget_data(response)["strings"]["submit"] == "Ստորագրել"


def test_armenian_by_accept_language_without_guessing_the_country(client):
    html = client.get(PAGE, headers={"Accept-Language": "hy-AM,hy;q=0.9,en;q=0.5"}).get_data(
        as_text=True
    )
    assert '<html lang="hy"' in html
    # A language is not a country (diaspora): the signer chooses it.
    assert " selected" not in html


def test_lang_parameter_wins_and_unknown_languages_fall_back(client):
    html = client.get(f"{PAGE}?lang=en", headers={"Accept-Language": "hy"}).get_data(as_text=True)
    assert '<html lang="en"' in html
    html = client.get(f"{PAGE}?lang=xx", headers={"Accept-Language": "hy"}).get_data(as_text=True)
    assert '<html lang="hy"' in html
    html = client.get(PAGE, headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "Sign the petition" in html


def test_every_language_has_every_string():
    for lang in widget.LANGUAGES:
        assert set(widget.STRINGS[lang]) == set(widget.STRINGS["en"]), lang
        assert len(widget.countries(lang)) == 249


def test_embed_script_is_served_for_other_origins(client):
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "max-age=300" in response.headers["Cache-Control"]
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    script = response.get_data(as_text=True)
    assert "data-petition" in script
    # Resize messages count only from our own iframe on the API's origin.
    assert "event.origin === frame.origin" in script
    assert "event.source === frame.iframe.contentWindow" in script


def test_widget_assets_and_their_types(client):
    assert client.get("/embed/assets/widget.js").mimetype == "text/javascript"
    css = client.get("/embed/assets/widget.css")
    assert css.mimetype == "text/css"
    assert "max-age=3600" in css.headers["Cache-Control"]
    missing = client.get("/embed/assets/embed.py")
    assert missing.status_code == 404
    assert missing.content_type == "application/problem+json"


def parse_svg(response) -> ET.Element:
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{SVG_NS}svg"
    return root


def test_badge_shows_count_and_goal(app, client):
    sign(app, *emails(2))
    root = parse_svg(client.get(BADGE))
    texts = [t.text for t in root.iter(f"{SVG_NS}text")]
    assert texts == ["signatures", "2 of 10,000"]
    title = root.find(f"{SVG_NS}title").text
    assert (
        title == "Make the prisoners' release a condition of any peace deal: 2 of 10,000 signatures"
    )
    assert root.get("aria-label") == title
    assert root.get("role") == "img"


def test_badge_escapes_stored_text(app, client):
    set_petition(app, title=HOSTILE_TITLE)
    response = client.get(BADGE)
    root = parse_svg(response)
    assert b"<script>" not in response.data
    assert root.find(f"{SVG_NS}title").text.startswith(
        "Free them <script>alert(1)</script> & \"now\" 'please': 0 of 10,000"
    )
    assert not list(root.iter(f"{SVG_NS}script"))


def test_badge_is_cached_like_the_tally(client):
    badge = client.get(BADGE)
    tally = client.get(f"/api/v1/petitions/{PETITION}/tally")
    assert badge.headers["Cache-Control"] == tally.headers["Cache-Control"]
    assert badge.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    etag = badge.headers["ETag"]
    again = client.get(BADGE, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert client.get(f"{BADGE}?lang=hy", headers={"If-None-Match": etag}).status_code == 200


def test_badge_changes_when_the_count_does(app, client):
    etag = client.get(BADGE).headers["ETag"]
    sign(app, *emails(1))
    changed = client.get(BADGE, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "1 of 10,000" in changed.get_data(as_text=True)


def test_badge_in_armenian(client):
    root = parse_svg(client.get(BADGE, headers={"Accept-Language": "hy"}))
    texts = [t.text for t in root.iter(f"{SVG_NS}text")]
    assert texts == ["ստորագրություն", "0 / 10\u00a0000"]


def test_badge_progress_bar_is_bounded_by_the_goal(app, client):
    set_petition(app, goal=2)
    sign(app, *emails(3))
    root = parse_svg(client.get(BADGE))
    rects = root.findall(f"{SVG_NS}rect")
    assert rects[-1].get("width") == root.get("width")


def test_badge_of_unknown_petition_is_a_problem(client):
    response = client.get("/api/v1/petitions/no-such-petition/badge.svg")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_badge_is_in_the_openapi_document(client):
    spec = client.get("/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/petitions/{slug}/badge.svg"]["get"]
    assert "image/svg+xml" in operation["responses"]["200"]["content"]


def test_an_unknown_or_unpublished_petition_is_a_frameable_html_page(app, client):
    from sqlalchemy import select

    from campaign.models import Petition
    from campaign.models.base import db

    with app.app_context():
        petition = db.session.scalar(select(Petition).where(Petition.slug == "right-of-return"))
        petition.status = "draft"
        db.session.commit()
    for slug in ("no-such-petition", "right-of-return"):
        response = client.get(f"/embed/petitions/{slug}?lang=hy")
        assert "Այս խնդրագիրը հասանելի չէ։" in html_page(response, 404)
        assert csp(response)["frame-ancestors"] == "'self'"
