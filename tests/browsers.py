"""Debian's chromium driven by Playwright, local WSGI servers and a folder for screenshots.

conftest.py registers the fixtures (``browser``, ``page``, ``screenshots``). CI installs
chromium; a missing browser or Playwright fails the test instead of skipping it.
Screenshots go to $SCREENSHOT_DIR, else to a pytest temporary folder, never into the checkout.
"""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 10_000
PETITION = "release-the-prisoners"
SOURCE = "partner-test"


class Server:
    """A WSGI app on a free 127.0.0.1 port, served from a thread until stopped."""

    def __init__(self, wsgi_app, threaded: bool = True):
        # Port 0: the kernel picks a free port on the socket the server keeps listening on.
        self.server = make_server("127.0.0.1", 0, wsgi_app, threaded=threaded)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class PartnerSite:
    """A partner's article page that pastes a widget's snippet twice (English, then Armenian)."""

    def __init__(self, widget: str = f'data-petition="{PETITION}"', heading: str = "Partner news"):
        self.widget, self.heading = widget, heading
        self.api_url = ""
        self.server = Server(self)
        self.url = self.server.url
        self.page_url = f"{self.url}/news/story?id=42"

    def __call__(self, environ, start_response):
        snippet = (
            f'<script src="{self.api_url}/embed.js" {self.widget} '
            f'data-source="{SOURCE}" async></script>'
        )
        armenian = snippet.replace(" async>", ' data-lang="hy" async>')
        body = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{self.heading}</title></head><body><h1>{self.heading}</h1>"
            f"<p>An article about the prisoners.</p>{snippet}<p>And in Armenian:</p>{armenian}"
            "</body></html>"
        )
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body.encode()]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_context(browser, width=800, height=1200, locale="en-US"):
    context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def page(browser):
    context = new_context(browser)
    yield context.new_page()
    context.close()


@pytest.fixture
def screenshots(tmp_path_factory) -> Path:
    configured = os.environ.get("SCREENSHOT_DIR", "").strip()
    folder = Path(configured) if configured else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
