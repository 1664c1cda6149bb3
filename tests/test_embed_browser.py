"""The embed widget in a real browser: a partner page on another origin pastes the snippet.

Debian's chromium is driven by Playwright for Python (no browser download). The API runs
on one local port, partner pages on others (another port is another origin); the test
signs through the widget, reads the row back, hits the rate limit and checks that an origin
missing from EMBED_ORIGINS cannot frame the widget. Screenshots go to
$SCREENSHOT_DIR (else a pytest temporary folder).
"""

import pytest

from tests.browsers import PETITION, SOURCE, PartnerSite, Server
from tests.support import signature_of


@pytest.fixture
def sites(make_app):
    """The partner site, a site not on the list, and the API allowing only the partner."""
    partner, stranger = PartnerSite(), PartnerSite()
    app = make_app(
        EMBED_ORIGINS=[partner.url],
        # Three posts a minute: the invalid one, the signature, then the limit.
        SIGNATURE_RATE_LIMIT="2/minute",
    )
    api = Server(app)
    partner.api_url = stranger.api_url = api.url
    yield app, api, partner, stranger
    for server in (api, partner.server, stranger.server):
        server.stop()


def test_partner_page_signs_through_the_widget(page, sites, screenshots):
    from playwright.sync_api import expect

    app, api, partner, _stranger = sites
    page.goto(partner.page_url)
    frames = page.locator("iframe")
    frames.nth(1).wait_for()
    assert frames.count() == 2
    assert frames.first.get_attribute("src").startswith(f"{api.url}/embed/petitions/{PETITION}?")
    english, armenian = page.frame_locator("iframe").nth(0), page.frame_locator("iframe").nth(1)
    expect(english.locator("#count")).to_have_text("0 of 10,000 signatures")
    armenian.get_by_role("heading", name="Ստորագրեք խնդրագիրը").wait_for()
    expect(armenian.locator("#count")).to_have_text("Հավաքվել է 0 ստորագրություն 10\u00a0000-ից")
    # Each iframe took the height its widget reported, not the snippet's initial guess.
    page.wait_for_function(
        "() => [...document.querySelectorAll('iframe')].every(f => f.style.height !== '520px')"
    )

    # Nothing filled in: the browser-side check names the field, and focus goes there.
    english.get_by_role("button", name="Sign").click()
    given = english.get_by_label("First name (required)")
    assert english.locator("#given_name-error").inner_text() == "Please fill in this field."
    assert given.get_attribute("aria-invalid") == "true"
    assert given.evaluate("el => el === document.activeElement")

    given.fill("Անի")
    english.get_by_label("Last name").fill("Hakobyan")
    email = english.get_by_label("Email (required)")
    email.fill("ani@localhost")  # passes the browser's check, not the API's
    english.get_by_label("Postal code").fill("0010")
    english.get_by_label("Country").select_option("AM")
    english.get_by_label("Keep me informed").check()
    frames.first.screenshot(path=str(screenshots / "embed-filled.png"))

    # The API's 422 is shown next to the field it names.
    english.get_by_role("button", name="Sign").click()
    english.locator("#email-error").get_by_text("email", exact=False).wait_for()
    assert english.get_by_role("alert").inner_text() == "Please correct the fields marked below."
    assert email.get_attribute("aria-invalid") == "true"

    email.fill("ani.hakobyan@example.org")
    english.get_by_role("button", name="Sign").click()
    english.get_by_role("heading", name="Thank you for signing!").wait_for()
    expect(english.locator("#count")).to_have_text("1 of 10,000 signatures")
    assert english.locator("#sign-form").is_hidden()
    page.wait_for_timeout(200)  # let the resize message land before the picture
    frames.first.screenshot(path=str(screenshots / "embed-thank-you.png"))

    signature, person = signature_of(app, "ani.hakobyan@example.org")
    assert (person.given_name, person.family_name, person.consent) == ("Անի", "Hakobyan", True)
    assert (signature.country, signature.source) == ("AM", SOURCE)
    assert signature.referrer == partner.page_url

    # The third post in a minute is over the limit: a friendly word, in the widget's language.
    # This time by keyboard alone: Tab walks the fields in order, past the hidden honeypot.
    armenian.get_by_label("Անուն (պարտադիր)").focus()
    page.keyboard.type("Արամ")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("aram@example.org")
    order = []
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(armenian.locator(":focus").get_attribute("id"))
    assert order == ["postal_code", "country", "consent", "submit"]
    page.keyboard.press("Enter")
    alert = armenian.get_by_role("alert")
    alert.get_by_text("չափազանց շատ ստորագրություններ", exact=False).wait_for()
    assert "րոպեից" in alert.inner_text()
    assert armenian.locator("#sign-form").is_visible()
    frames.nth(1).screenshot(path=str(screenshots / "embed-rate-limited-hy.png"))
    assert signature_of(app, "aram@example.org") is None


def test_origin_not_listed_cannot_frame_the_widget(page, sites):
    _app, api, partner, stranger = sites
    refused = []
    page.on("console", lambda message: refused.append(message.text))
    page.goto(stranger.page_url)
    page.locator("iframe").nth(1).wait_for(state="attached")
    page.wait_for_function("() => window.frames.length === 2")
    page.wait_for_timeout(500)
    child_frames = [frame for frame in page.frames if frame != page.main_frame]
    assert len(child_frames) == 2
    for frame in child_frames:
        # Chromium replaces a refused frame with its own error page: no widget in it.
        assert frame.locator("#sign-form").count() == 0
        assert not frame.url.startswith(api.url)
    assert any("frame-ancestors" in text for text in refused), refused

    # The listed partner's page on the same browser does get the widget.
    page.goto(partner.page_url)
    page.frame_locator("iframe").first.locator("#sign-form").wait_for()
