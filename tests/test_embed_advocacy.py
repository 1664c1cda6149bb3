"""The advocacy widget page: served framable by partners only, in the reader's language."""

from tests.advocacy_support import CALL, LETTER
from tests.support import csp, html_page, script_data


def test_page_carries_the_form_csp_and_language(make_app):
    app = make_app(EMBED_ORIGINS=["https://news.example.am"])
    client = app.test_client()
    response = client.get(f"/embed/advocacy/{LETTER}?lang=hy&source=partner&key=k-1")
    html = html_page(response)
    policy = csp(response)
    assert policy["frame-ancestors"] == "'self' https://news.example.am"
    assert policy["script-src"] == "'self'"
    assert '<html lang="hy"' in html
    assert 'data-advocacy="write-your-senators"' in html
    assert "Գտեք ձեր ներկայացուցիչներին" in html
    data = script_data(response, "widget-data")
    assert data["action"] == "/api/v1/advocacy-campaigns/write-your-senators/outreaches"
    assert data["widget_key"] == "k-1"
    asset = client.get("/embed/assets/advocacy.js")
    assert asset.status_code == 200
    assert asset.headers["Content-Type"].startswith("text/javascript")


def test_call_campaign_asks_for_the_outcome(client):
    html = client.get(f"/embed/advocacy/{CALL}?lang=en").get_data(as_text=True)
    # Without its script the form still posts: name and email never land in a URL.
    assert '<form id="act-form" method="post"' in html
    assert 'id="outcome"' in html
    assert "Record my call" in html


def test_unknown_campaign_is_a_small_framable_404(client):
    response = client.get("/embed/advocacy/nope?lang=en")
    assert "This campaign is not available." in html_page(response, 404)
    assert csp(response)["frame-ancestors"] == "'self'"
