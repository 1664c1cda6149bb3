"""/docs in a real browser: Swagger UI renders every operation and "Try it out" calls this server.

Debian's chromium driven by Playwright, as in tests/browsers.py. The page must load nothing
from another host, log no failed request (network error or status >= 400), show no error
text, and execute GET /api/v1/campaigns against the server it was served from.
"""

import pytest
from playwright.sync_api import expect

from tests.browsers import Server, new_context

ERROR_TEXTS = ("Unable to render", "does not specify a valid version", "Failed to load", "Errors")


@pytest.fixture
def api(app):
    server = Server(app)
    yield server
    server.stop()


def test_docs_render_every_operation_and_try_it_out_works(browser, api, client):
    spec = client.get("/openapi.json").get_json()
    operations = sum(
        1
        for item in spec["paths"].values()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    )
    context = new_context(browser, width=1280, height=1600)
    page = context.new_page()
    failed, foreign = [], []
    page.on("requestfailed", lambda r: failed.append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.url}: {r.status}"))
    page.on("request", lambda r: r.url.startswith(api.url) or foreign.append(r.url))
    try:
        page.goto(f"{api.url}/docs")
        blocks = page.locator(".opblock")
        blocks.first.wait_for()
        expect(blocks).to_have_count(operations)
        body = page.locator("body").inner_text()
        for text in ERROR_TEXTS:
            assert text not in body

        listing = page.locator("#operations-campaigns-get_api_v1_campaigns")
        listing.locator(".opblock-summary").click()
        listing.get_by_role("button", name="Try it out").click()
        campaigns_url = f"{api.url}/api/v1/campaigns"
        with page.expect_response(lambda r: r.url.startswith(campaigns_url)) as done:
            listing.get_by_role("button", name="Execute").click()
        assert done.value.status == 200
        live = listing.locator(".live-responses-table tbody .response-col_status")
        expect(live).to_have_text("200")
    finally:
        context.close()
    assert not failed, failed
    assert not foreign, foreign
