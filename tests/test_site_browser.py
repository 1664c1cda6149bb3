"""The campaign website and the organizer dashboard in a real browser (Debian's chromium).

A visitor reads the home page, signs (the row appears, the count rises), switches to
Armenian and writes to their senators; the pages load nothing from another host and stay
under the weight limit; axe-core finds no serious or critical violation; an organizer opens
the dashboard with a token, sees the charts and closes a petition; the same pages at a
375-pixel-wide viewport. Screenshots go to $SCREENSHOT_DIR (else a pytest temporary folder).
"""

from pathlib import Path

import pytest
from sqlalchemy import select

from campaign.models import Petition
from campaign.models.base import db
from tests.browsers import Server, new_context
from tests.support import CAMPAIGN, PETITION, bearer, sign, signature_ids, signature_of

WEIGHT_LIMIT = 150 * 1024
SERIOUS = ("serious", "critical")


@pytest.fixture
def site(make_app):
    app = make_app()
    server = Server(app)
    yield app, server
    server.stop()


@pytest.fixture
def page(browser):
    context = new_context(browser, width=1100, height=1400)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser):
    context = new_context(browser, width=375, height=812)
    yield context.new_page()
    context.close()


def watch_requests(page) -> list[str]:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def open_dashboard(page, url: str, secret: str) -> None:
    page.goto(f"{url}/organize")
    page.get_by_label("Organizer token").fill(secret)
    page.keyboard.press("Enter")
    page.locator("#dashboard[data-loaded=true]").wait_for()


def test_visitor_reads_the_home_page_signs_and_switches_to_armenian(page, site, screenshots):
    from playwright.sync_api import expect

    app, server = site
    sign(app, "early@example.org", petition="right-of-return", country="FR")
    requests = watch_requests(page)
    response = page.goto(server.url + "/")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Free the Armenian political prisoners held by Azerbaijan"
    )
    assert page.locator("ol.demands > li").count() == 3
    assert page.locator("[data-prisoner]").count() == 6
    expect(page.locator('[data-prisoner="ruben-vardanyan"]')).to_contain_text("State Minister")
    for landmark in ("banner", "navigation", "main", "contentinfo"):
        assert page.get_by_role(landmark).count() == 1, landmark
    page.screenshot(path=str(screenshots / "site-home-desktop-en.png"), full_page=False)
    page.get_by_text("Read the full letter").click()
    expect(page.locator("details.letter p").first).to_be_visible()
    page.locator("figure[data-chart=series][data-drawn]").wait_for(state="attached")
    assert page.locator("figure[data-chart=series] table").count() == 1
    count = page.locator(f'p[data-count-for="{PETITION}"]').first
    expect(count).to_have_text("0 of 10,000 signatures")

    card = page.locator("article.petition", has=page.locator(f'[data-petition="{PETITION}"]'))
    card.get_by_text("Sign this petition").click()
    form = page.locator(f'form[data-petition="{PETITION}"]')
    form.get_by_role("button", name="Sign").click()
    expect(form.get_by_label("First name (required)")).to_have_attribute("aria-invalid", "true")
    form.get_by_label("First name (required)").fill("Նարե")
    form.get_by_label("Last name").fill("Sargsyan")
    form.get_by_label("Email (required)").fill("nare.sargsyan@example.org")
    form.get_by_label("Country").select_option("AM")
    form.get_by_role("button", name="Sign").click()
    expect(page.locator(f"#sign-{PETITION}-status")).to_have_text(
        "Thank you for signing! Your signature is recorded."
    )
    expect(page.get_by_role("status").filter(has_text="Thank you for signing")).to_be_visible()
    expect(count).to_have_text("1 of 10,000 signatures")
    signature, person = signature_of(app, "nare.sargsyan@example.org")
    assert (person.given_name, signature.country) == ("Նարե", "AM")
    assert signature.referrer == server.url + "/"

    page.get_by_role("link", name="Հայերեն").click()
    expect(page.locator("html")).to_have_attribute("lang", "hy")
    assert page.url == server.url + "/?lang=hy"
    expect(page.locator("#demands-heading")).to_have_text("Ինչ ենք պահանջում")
    expect(count).to_have_text("Հավաքվել է 1 ստորագրություն 10\u00a0000-ից")
    expect(page.locator('[data-prisoner="ruben-vardanyan"] .badge')).to_have_text("Կալանքի տակ")
    page.screenshot(path=str(screenshots / "site-home-desktop-hy.png"), full_page=False)
    assert all(url.startswith(server.url + "/") for url in requests), requests


def test_visitor_finds_the_louisiana_senators_for_70801_and_records_a_letter(page, site):
    """Needs the advocacy campaigns (their API and seeded letter campaign) to be merged."""
    from playwright.sync_api import expect

    app, server = site
    client = app.test_client()
    listed = client.get(f"/api/v1/campaigns/{CAMPAIGN}").get_json()
    letters = [a for a in listed.get("advocacy_campaigns", []) if a["type"] == "letter"]
    assert letters, "the campaign lists no letter campaign"
    slug = letters[0]["slug"]
    before = client.get(f"/api/v1/advocacy-campaigns/{slug}").get_json()["total_outreaches"]

    page.goto(server.url + "/")
    lookup = page.locator(f'form[data-advocacy="{slug}"]')
    lookup.get_by_label("ZIP code").fill("70801")
    lookup.get_by_role("button", name="Find my representatives").click()
    targets = page.locator(f"#advocacy-{slug}-targets li")
    expect(targets).to_have_count(2)
    expect(page.locator(f"#advocacy-{slug}-targets")).to_contain_text("Cassidy")
    expect(page.locator(f"#advocacy-{slug}-targets")).to_contain_text("Kennedy")
    assert page.locator(f"#advocacy-{slug}-targets a[href^='tel:']").count() == 2

    outreach = page.locator(f'form[data-outreach="{slug}"]')
    assert outreach.get_by_label("Your letter").input_value().strip()
    outreach.get_by_label("First name (required)").fill("Lusine")
    outreach.get_by_label("Email (required)").fill("lusine@example.org")
    outreach.get_by_role("button", name="Record my letter").click()
    expect(page.locator(f"#advocacy-{slug}-status")).to_have_text(
        "Thank you: your outreach to 2 offices is recorded."
    )
    after = client.get(f"/api/v1/advocacy-campaigns/{slug}").get_json()["total_outreaches"]
    assert after == before + 2


def test_home_page_loads_nothing_from_elsewhere_and_stays_light(page, site):
    _app, server = site
    sizes: dict[str, int] = {}

    def measure(response):
        if response.request.method == "GET" and response.status != 304:
            sizes[response.url] = len(response.body())

    page.on("response", measure)
    for lang in ("en", "hy"):
        sizes.clear()
        page.goto(f"{server.url}/?lang={lang}")
        page.locator("figure[data-chart=by_country][data-drawn], figure[data-chart=by_country] p")
        page.wait_for_load_state("networkidle")
        assert all(url.startswith(server.url + "/") for url in sizes), sizes
        assert any(url.endswith("/tallies?interval=day") for url in sizes), sizes
        total = sum(sizes.values())
        assert total < WEIGHT_LIMIT, (lang, total, sizes)


def test_no_serious_accessibility_violations(page, site):
    app, server = site
    sign(app, "axe@example.org")
    page.goto(server.url + "/")
    page.locator("figure[data-chart=series][data-drawn]").wait_for(state="attached")
    assert serious_violations(page) == []
    page.goto(f"{server.url}/petitions/{PETITION}?lang=hy")
    assert serious_violations(page) == []
    open_dashboard(page, server.url, bearer(app)["Authorization"].split()[1])
    assert serious_violations(page) == []


def test_dashboard_with_a_token_draws_charts_and_closes_a_petition(page, site, screenshots):
    from playwright.sync_api import expect

    app, server = site
    for n, country in enumerate(("AM", "AM", "US", "FR")):
        sign(app, f"signer{n}@example.org", country=country, source="partner-a")
    secret = bearer(app)["Authorization"].split()[1]

    page.goto(f"{server.url}/organize")
    page.get_by_label("Organizer token").fill("cat_not-a-real-token")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_have_text(
        "This token is not valid or has been revoked. Please enter another."
    )
    assert page.evaluate("sessionStorage.length") == 0

    open_dashboard(page, server.url, secret)
    assert secret not in page.url
    assert page.evaluate("sessionStorage.getItem('campaign.organizerToken')") == secret
    assert page.evaluate("localStorage.length") == 0
    assert page.context.cookies() == []
    block = page.locator(f'[data-campaign="{CAMPAIGN}"]')
    assert block.locator("figure[data-drawn] svg").count() == 4  # hour, day, source, country
    expect(block.locator("figure", has_text="By source")).to_contain_text("partner-a")
    row = block.locator("tr", has_text="Make the prisoners' release")
    expect(row).to_contain_text("4")
    page.screenshot(path=str(screenshots / "dashboard-desktop-en.png"), full_page=False)

    row.get_by_role("button", name="Close").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Close: Make the prisoners' release")
    dialog.get_by_role("button", name="Yes, do it").click()
    expect(page.locator("#dash-status")).to_have_text("Done.")
    expect(block.locator("tr", has_text="Make the prisoners' release")).to_contain_text("closed")
    with app.app_context():
        status = db.session.scalar(select(Petition.status).where(Petition.slug == PETITION))
    assert status == "closed"

    # The preview counts, the confirmed run takes them out.
    block.get_by_label("Source").fill("partner-a")
    block.get_by_role("button", name="Preview").click()
    expect(block.get_by_text("4 counted signatures match.")).to_be_visible()
    assert len(signature_ids(app)) == 4

    # A goal the API refuses: its words are shown; then one it takes.
    goal_row = block.locator("tr", has_text="Sanction those responsible")
    goal_row.get_by_role("button", name="Set goal").click()
    dialog.get_by_label("New goal for Sanction those responsible").fill("-5")
    dialog.get_by_role("button", name="Yes, do it").click()
    expect(page.locator("#dash-status")).to_contain_text("The API refused:")
    expect(page.locator("#dash-status")).to_contain_text("goal")
    goal_row.get_by_role("button", name="Set goal").click()
    dialog.get_by_label("New goal for Sanction those responsible").fill("20000")
    dialog.get_by_role("button", name="Yes, do it").click()
    expect(page.locator("#dash-status")).to_have_text("Done.")
    expect(block.locator("tr", has_text="Sanction those responsible")).to_contain_text("20,000")

    # A prisoner marked released shows so on the public page.
    prisoner = block.locator("tr", has_text="Ruben Vardanyan")
    prisoner.get_by_role("button", name="Mark released").click()
    dialog.get_by_role("button", name="Yes, do it").click()
    expect(block.locator("tr", has_text="Ruben Vardanyan")).to_contain_text("Released")
    public = app.test_client().get("/").get_data(as_text=True)
    assert 'data-prisoner="ruben-vardanyan">' in public
    assert '<p class="badge released">Released</p>' in public

    # The CSV export downloads with the token, not through a link carrying it.
    with page.expect_download() as download:
        block.get_by_role("button", name="Signatures of Make the prisoners'").click()
    assert download.value.suggested_filename == f"{PETITION}-signatures.csv"
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert "signer0@example.org" in exported
    assert secret not in download.value.url

    # Reloading the tab keeps the token; a read-only token sees no management controls.
    page.reload()
    page.locator("#dashboard[data-loaded=true]").wait_for()
    page.get_by_role("button", name="Forget the token").click()
    assert page.evaluate("sessionStorage.length") == 0
    open_dashboard(page, server.url, bearer(app, "read")["Authorization"].split()[1])
    assert page.get_by_role("button", name="Close").count() == 0
    assert page.get_by_role("button", name="Reopen").count() == 0
    assert page.get_by_text("Webhooks").count() == 0


def test_pages_fit_a_375_pixel_phone(phone, site, screenshots):
    app, server = site
    secret = bearer(app)["Authorization"].split()[1]
    pages = [
        ("/", "site-home-phone-en.png"),
        ("/?lang=hy", "site-home-phone-hy.png"),
        (f"/petitions/{PETITION}", "site-petition-phone-en.png"),
    ]
    for path, name in pages:
        phone.goto(server.url + path)
        phone.locator("figure[data-chart=series][data-drawn]").wait_for(state="attached")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (path, width)
        assert serious_violations(phone) == [], path
        phone.screenshot(path=str(screenshots / name), full_page=False)
    open_dashboard(phone, server.url, secret)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.screenshot(path=str(screenshots / "dashboard-phone-en.png"), full_page=False)


def test_sign_form_shows_the_api_field_error_and_the_wait_after_a_429(page, make_app):
    from playwright.sync_api import expect

    # One post a minute: the refused address uses it, so the corrected one meets the limit.
    app = make_app(SIGNATURE_RATE_LIMIT="1/minute")
    server = Server(app)
    try:
        page.goto(f"{server.url}/petitions/{PETITION}")
        form = page.locator(f'form[data-petition="{PETITION}"]')
        form.get_by_label("First name (required)").fill("Hayk")
        email = form.get_by_label("Email (required)")
        email.fill("hayk@localhost")  # passes the browser's check, not the API's
        form.get_by_role("button", name="Sign").click()
        expect(email).to_have_attribute("aria-invalid", "true")
        expect(page.locator(f"#sign-{PETITION}-email-error")).not_to_be_empty()
        expect(form.get_by_role("alert")).to_have_text("Please correct the fields marked below.")

        email.fill("hayk@example.org")
        form.get_by_role("button", name="Sign").click()
        expect(form.get_by_role("alert")).to_contain_text("Please try again in")
        assert form.is_visible()
        assert signature_of(app, "hayk@example.org") is None
    finally:
        server.stop()


def test_pages_served_from_another_origin_call_the_api_base(page, make_app):
    """SITE_API_BASE: the same templates served elsewhere sign through the API's origin."""
    from playwright.sync_api import expect

    # Each app is made knowing the other's address: the site first, on a port of its own.
    site_app = make_app()
    site_server = Server(site_app)
    api_app = make_app(CORS_ORIGINS=[site_server.url])
    api = Server(api_app)
    site_app.config["SITE_API_BASE"] = api.url
    try:
        requests = watch_requests(page)
        page.goto(f"{site_server.url}/petitions/{PETITION}")
        form = page.locator(f'form[data-petition="{PETITION}"]')
        form.get_by_label("First name (required)").fill("Gohar")
        form.get_by_label("Email (required)").fill("gohar@example.org")
        form.get_by_role("button", name="Sign").click()
        expect(page.locator(f"#sign-{PETITION}-status")).to_contain_text("Thank you for signing")
        expect(page.locator(f'p[data-count-for="{PETITION}"]')).to_have_text(
            "1 of 10,000 signatures"
        )
        assert f"{api.url}/api/v1/petitions/{PETITION}/signatures" in requests
        assert not any(url.startswith(f"{site_server.url}/api/") for url in requests), requests
        assert signature_of(api_app, "gohar@example.org") is not None
    finally:
        api.stop()
        site_server.stop()
