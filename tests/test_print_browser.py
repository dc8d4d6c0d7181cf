"""The aid worker's print pack in a real browser (Debian's Chromium) whose phone saved the language.

Once a language is saved, the service worker gives other requests SW_NETWORK_TIMEOUT_MS before it
answers "offline"; a print pack is rendered on request and may take longer on a working connection.
The server here slows every render past that timeout (``tests/slow_leaflets.py``).
"""

from __future__ import annotations

import contextlib
import time

import pytest
from browser import build, copy_real_site, wait_for
from playwright.sync_api import Error as PlaywrightError

from bench.server import Gunicorn

pytestmark = pytest.mark.browser

READY_TIMEOUT_SECONDS = 90.0
SW_NETWORK_TIMEOUT_SECONDS = 4.0  # SW_NETWORK_TIMEOUT_MS in templates/sw.js
STATE = "document.querySelector('[data-offline-state]').getAttribute('data-offline-state')"
FETCH_PDF = """async (url) => {
  const response = await fetch(url);
  const head = new Uint8Array(await response.arrayBuffer()).slice(0, 5);
  return {status: response.status, type: response.headers.get('content-type'),
          head: String.fromCharCode(...head)};
}"""


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory):
    """gunicorn serving the real content with every leaflet render slowed past the offline timeout."""
    dirs = copy_real_site(tmp_path_factory.mktemp("print-site"))
    build(dirs)
    log = dirs.instance.parent / "gunicorn.log"
    with Gunicorn(dirs.environment(), "tests.slow_leaflets:app", workers=1, log_path=log) as server:
        yield server


def test_a_print_pack_slower_than_the_offline_timeout_arrives_as_a_pdf_once_the_language_is_saved(
    slow_server, chromium
):
    context = chromium.new_context(service_workers="allow")
    page = context.new_page()
    try:
        page.goto(f"{slow_server.base_url}/ps/print/")
        wait_for(page, f"{STATE} === 'ready'", READY_TIMEOUT_SECONDS, "the Pashto pack saved")
        wait_for(page, "navigator.serviceWorker.controller !== null", 10, "the page under its service worker")

        started = time.monotonic()
        fetched = page.evaluate(FETCH_PDF, "/ps/print/pack.pdf?topics=emergency&size=a5")
        assert time.monotonic() - started > SW_NETWORK_TIMEOUT_SECONDS  # the render really was slow
        assert fetched == {"status": 200, "type": "application/pdf", "head": "%PDF-"}

        # The form's own navigation (another pack, so it is rendered, slowly, again).
        answers = []
        page.on("response", lambda response: answers.append(response))
        url = f"{slow_server.base_url}/ps/print/pack.pdf?topics=health&size=a5"
        with contextlib.suppress(PlaywrightError):  # Chromium may hand a PDF to its downloads instead
            page.goto(url, timeout=60_000)
        statuses = [
            (answer.status, answer.headers.get("content-type")) for answer in answers if answer.url == url
        ]
        assert statuses and statuses[0] == (200, "application/pdf"), statuses
    finally:
        context.close()


def test_the_qr_code_label_keeps_its_words_apart_and_is_a_full_tap_target(slow_server, chromium):
    """The Pashto label read "پاڼېQRکوډ": a flex box dropped the spaces beside the isolated Latin "QR"."""
    context = chromium.new_context(service_workers="block")
    page = context.new_page()
    try:
        page.goto(f"{slow_server.base_url}/ps/")
        summary = page.locator(".share-qr summary")
        summary.wait_for(state="visible", timeout=10_000)
        label = summary.inner_text()
        assert " QR " in label and "\n" not in label, repr(label)
        assert summary.bounding_box()["height"] >= 47.5  # 48 px (3rem)
    finally:
        context.close()
