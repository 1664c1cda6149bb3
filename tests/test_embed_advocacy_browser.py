"""The advocacy widget in Chromium: a partner page pastes ``data-advocacy``; the reader
finds their senators by ZIP, sees their phone and contact links, and records a letter."""

import pytest
from sqlalchemy import select

from campaign.models import Outreach
from campaign.models.base import db
from tests.advocacy_support import LETTER
from tests.browsers import PartnerSite, Server


@pytest.fixture
def sites(make_app):
    partner = PartnerSite(f'data-advocacy="{LETTER}"', "Write to Congress")
    app = make_app(EMBED_ORIGINS=[partner.url])
    api = Server(app)
    partner.api_url = api.url
    yield app, api, partner
    for server in (api, partner.server):
        server.stop()


def test_reader_finds_senators_and_records_a_letter(page, sites, screenshots):
    from playwright.sync_api import expect

    app, api, partner = sites
    page.goto(partner.page_url)
    frames = page.locator("iframe")
    frames.nth(1).wait_for()
    assert frames.first.get_attribute("src").startswith(f"{api.url}/embed/advocacy/{LETTER}?")
    english, armenian = page.frame_locator("iframe").nth(0), page.frame_locator("iframe").nth(1)
    english.get_by_role("heading", name="Find who represents you").wait_for()
    armenian.get_by_role("heading", name="Գտեք ձեր ներկայացուցիչներին").wait_for()

    # A malformed ZIP is named next to its field, in the widget's language.
    armenian.get_by_label("ԱՄՆ փոստային ինդեքս (ZIP) (պարտադիր)").fill("70")
    armenian.get_by_role("button", name="Գտնել").click()
    expect(armenian.locator("#postal_code-error")).to_have_text(
        "Խնդրում ենք մուտքագրել ԱՄՆ հնգանիշ փոստային ինդեքս։"
    )

    # Keyboard only: type the ZIP and press Enter.
    english.get_by_label("U.S. ZIP code (required)").fill("70801")
    page.keyboard.press("Enter")
    status = english.get_by_role("status")
    expect(status).to_have_text("Bill Cassidy, John Kennedy")
    cassidy = english.get_by_role("checkbox", name="Senator Bill Cassidy (Republican, LA)")
    assert cassidy.is_checked()
    expect(english.get_by_role("link", name="Call 202-224-5824")).to_have_attribute(
        "href", "tel:+12022245824"
    )
    expect(english.get_by_role("link", name="Contact form").first).to_have_attribute(
        "href", "https://www.cassidy.senate.gov/contact"
    )

    english.get_by_role("button", name="Write to them").click()
    assert english.get_by_role("alert").inner_text() == "Please correct the fields marked below."
    assert english.get_by_label("First name (required)").evaluate(
        "el => el === document.activeElement"
    )
    english.get_by_label("First name (required)").fill("Անի")
    english.get_by_label("Last name").fill("Hakobyan")
    english.get_by_label("Email (required)").fill("ani@example.org")
    english.get_by_label("Your own words (optional)").fill("My grandparents were from Hadrut.")
    english.get_by_role("checkbox", name="Senator John Kennedy (Republican, LA)").uncheck()
    frames.first.screenshot(path=str(screenshots / "embed-advocacy-filled.png"))
    english.get_by_role("button", name="Write to them").click()

    english.get_by_role("heading", name="Thank you!").wait_for()
    english.get_by_role("heading", name="Letter to Bill Cassidy").wait_for()
    letter = english.get_by_role("textbox", name="Letter to Bill Cassidy")
    text = letter.input_value()
    assert text.startswith("Dear Senator Cassidy,")
    assert "My grandparents were from Hadrut." in text
    assert text.endswith("Անի Hakobyan\n70801")
    assert english.get_by_role("heading", name="Letter to John Kennedy").count() == 0
    page.wait_for_timeout(200)
    frames.first.screenshot(path=str(screenshots / "embed-advocacy-letter.png"))

    with app.app_context():
        rows = db.session.execute(
            select(Outreach.target_id, Outreach.source, Outreach.referrer, Outreach.message)
        ).all()
    assert rows == [
        ("bioguide:C001075", "partner-test", partner.page_url, "My grandparents were from Hadrut.")
    ]


def test_a_two_state_zip_says_it_is_ambiguous_in_armenian(page, sites):
    from playwright.sync_api import expect

    _app, _api, partner = sites
    page.goto(partner.page_url)
    armenian = page.frame_locator("iframe").nth(1)
    armenian.get_by_label("ԱՄՆ փոստային ինդեքս (ZIP) (պարտադիր)").fill("02861")
    armenian.get_by_role("button", name="Գտնել").click()
    expect(armenian.get_by_role("status")).to_contain_text("մեկից ավելի տարածք")
    assert armenian.locator("#target-list").get_by_role("checkbox").count() == 4
