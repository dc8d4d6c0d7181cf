"""Read aloud and Send to a friend, in Debian's Chromium against the real site.

Chromium on a test machine has no voices and no share sheet, so each test injects a stand-in for
``speechSynthesis`` or ``navigator.canShare``/``share`` with ``add_init_script``. The stand-ins only
record what the page asks of them; what is spoken, when the control appears and what is shared is
decided by the site's own scripts.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import urllib.request

import pytest
from browser import RequestLog, served_real_site, wait_for
from browser_stubs import SHARE_STUB, SPEECH_STUB

pytestmark = pytest.mark.browser

PUBLIC_BASE_URL = "https://help.example.org"
WAIT_SECONDS = 10.0
URDU = [{"lang": "ur-PK", "name": "Urdu"}]
GERMAN = [{"lang": "de-DE", "name": "German"}]
TURKISH = [{"lang": "tr-TR", "name": "Turkish"}]
PERSIAN = [{"lang": "fa-IR", "name": "Persian"}]

VISIBLE_CONTROL = "(() => { const box = document.querySelector('[data-read-aloud]'); return !box.hidden; })()"
MARKED = """Array.from(document.querySelectorAll('[aria-current="true"].read-aloud-current'))
  .map((e) => e.textContent.replace(/\\s+/g, ' ').trim().slice(0, 60))"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The real site, with a public address for QR codes, served by gunicorn."""
    with served_real_site(tmp_path_factory.mktemp("listen"), PUBLIC_BASE_URL=PUBLIC_BASE_URL) as server:
        yield server


def open_page(chromium, url: str, voices: list[dict] | None = None, can_share: bool | None = None, **options):
    """Open a page in a fresh context with the given stand-ins installed before any script runs."""
    context = chromium.new_context(service_workers="block", **options)
    if voices is not None:
        context.add_init_script(script=f"({SPEECH_STUB})({voices!r})")
    if can_share is not None:
        context.add_init_script(script=f"({SHARE_STUB})({'true' if can_share else 'false'})")
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("load")
    return context, page


def spoken(page) -> list[dict]:
    """Return every utterance the page asked for so far."""
    return page.evaluate("window.__speech.spoken")


def first_section_text(site, path: str) -> tuple[str, str]:
    """Return the title and the first paragraph of a page, as the server sends them, as plain text."""
    body = fetch_text(site.base_url + path)
    match = re.search(r"<h1>.*?</svg>\s*(.*?)</h1>\s*<p>(.*?)</p>", body, re.DOTALL)
    assert match, path
    title, paragraph = (html.unescape(re.sub("<[^>]+>", "", part)).strip() for part in match.groups())
    return title, paragraph


def fetch_text(url: str) -> str:
    """Return a URL's body as text, fetched from the test server."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def test_urdu_voice_shows_listen_and_reads_the_first_section_in_urdu(site, chromium):
    title, first_paragraph = first_section_text(site, "/ur/asylum/")
    assert "(asylum)" in title  # a Latin word in the title: skipped without an English voice
    context, page = open_page(chromium, site.base_url + "/ur/asylum/", voices=URDU)
    try:
        wait_for(page, VISIBLE_CONTROL, WAIT_SECONDS, "the Listen control")
        page.locator("[data-read-start]").click()
        wait_for(page, "window.__speech.spoken.length", WAIT_SECONDS, "the first utterance")
        first = spoken(page)[0]
        assert first["lang"] == "ur" and first["voice"] == "Urdu"
        assert first["text"] == " ".join(title.replace("(asylum)", "").split())
        page.evaluate("window.__speech.finish()")
        assert spoken(page)[1] == {"text": first_paragraph, "lang": "ur", "voice": "Urdu"}
        marked = page.evaluate(MARKED)
        assert len(marked) == 1 and marked[0].startswith(title[:10]), marked
        page.evaluate("window.__speech.finish()")
        marked = page.evaluate(MARKED)
        assert len(marked) == 1 and not marked[0].startswith(title[:10]), marked  # the first h2 section
        first_child = "document.querySelector('[aria-current].read-aloud-current').firstElementChild.tagName"
        assert page.evaluate(first_child) == "H2"

        page.locator("[data-read-pause]").click()
        assert page.evaluate("window.__speech.paused")
        assert page.locator("[data-read-resume]").is_visible()
        assert page.evaluate("document.activeElement.hasAttribute('data-read-resume')")
        page.locator("[data-read-resume]").click()
        assert not page.evaluate("window.__speech.paused")
        page.locator("[data-read-stop]").click()
        assert page.evaluate("window.__speech.cancelled") >= 1
        assert page.evaluate(MARKED) == []
        assert page.locator("[data-read-start]").is_visible()
        assert not page.locator("[data-read-pause]").is_visible()
    finally:
        context.close()


def test_a_turkish_voice_reveals_listen_and_reads_turkish_pages_with_it(site, chromium):
    title, first_paragraph = first_section_text(site, "/tr/asylum/")
    context, page = open_page(chromium, site.base_url + "/tr/asylum/", voices=GERMAN)
    try:
        page.wait_for_timeout(300)
        assert not page.locator("[data-read-aloud]").is_visible()  # no Turkish voice, no control
    finally:
        context.close()
    context, page = open_page(chromium, site.base_url + "/tr/asylum/", voices=TURKISH)
    try:
        wait_for(page, VISIBLE_CONTROL, WAIT_SECONDS, "the Listen control")
        page.locator("[data-read-start]").click()
        wait_for(page, "window.__speech.spoken.length", WAIT_SECONDS, "the first utterance")
        assert spoken(page)[0] == {"text": " ".join(title.split()), "lang": "tr", "voice": "Turkish"}
        page.evaluate("window.__speech.finish()")
        assert spoken(page)[1] == {"text": first_paragraph, "lang": "tr", "voice": "Turkish"}
    finally:
        context.close()


def test_no_voice_for_the_language_means_no_control_until_one_arrives(site, chromium):
    context, page = open_page(chromium, site.base_url + "/ur/asylum/", voices=GERMAN)
    try:
        page.wait_for_timeout(300)
        assert page.locator("[data-read-aloud]").count() == 1
        assert not page.locator("[data-read-aloud]").is_visible()
        page.evaluate("window.__speech.addVoices([{ lang: 'ur_PK', name: 'Late Urdu' }])")
        wait_for(page, VISIBLE_CONTROL, WAIT_SECONDS, "the control after voiceschanged")
        page.locator("[data-read-start]").click()
        assert spoken(page)[0]["voice"] == "Late Urdu"
    finally:
        context.close()


def test_without_javascript_there_is_no_listen_control_and_the_guide_link_downloads(site, chromium):
    context, page = open_page(chromium, site.base_url + "/ur/asylum/", java_script_enabled=False)
    try:
        assert not page.locator("[data-read-aloud]").is_visible()
        assert page.locator("[data-read-aloud] button:visible").count() == 0
        assert not page.locator(".share-qr").is_visible()  # the QR code needs the script
        link = page.locator("[data-share-guide] a[download]")
        assert link.get_attribute("download") == "rightsinfo-ur.html"
        assert link.get_attribute("href") == "/ur/guide.html"
    finally:
        context.close()


def test_dari_page_uses_a_persian_voice_and_says_so(site, chromium):
    context, page = open_page(chromium, site.base_url + "/prs/asylum/", voices=PERSIAN)
    try:
        wait_for(page, VISIBLE_CONTROL, WAIT_SECONDS, "the Listen control")
        note = page.locator("[data-read-note]")
        assert note.is_visible()
        expected = page.locator("[data-read-aloud]").get_attribute("data-fallback-note")
        assert note.inner_text() == expected
        page.locator("[data-read-start]").click()
        assert spoken(page)[0]["lang"] == "fa-AF" and spoken(page)[0]["voice"] == "Persian"
    finally:
        context.close()


def test_a_dari_page_with_an_urdu_voice_only_has_no_control(site, chromium):
    context, page = open_page(chromium, site.base_url + "/prs/asylum/", voices=URDU)
    try:
        page.wait_for_timeout(300)
        assert not page.locator("[data-read-aloud]").is_visible()
    finally:
        context.close()


def read_everything(page, limit: int = 200) -> list[dict]:
    """Let the stand-in finish utterance after utterance until the page stops reading."""
    for _step in range(limit):
        if not page.evaluate("window.__speech.current"):
            break
        page.evaluate("window.__speech.finish()")
    return spoken(page)


def test_phone_numbers_are_read_digit_by_digit_and_latin_names_by_an_english_voice(site, chromium):
    voices = [{"lang": "ur-PK", "name": "Urdu"}, {"lang": "en-GB", "name": "English"}]
    context, page = open_page(chromium, site.base_url + "/ur/organisations/astra/", voices=voices)
    try:
        wait_for(page, VISIBLE_CONTROL, WAIT_SECONDS, "the Listen control")
        page.locator("[data-read-start]").click()
        utterances = read_everything(page)
        texts = [u["text"] for u in utterances]
        assert any("+ 3 8 1 1 1 7 8 5 0 0 0 0" in text for text in texts), texts
        assert any("1 1 6 0 0 0" in text for text in texts), texts
        assert not any("381" in text or "785" in text for text in texts), texts
        assert {"text": "ASTRA", "lang": "en", "voice": "English"} in utterances
        assert not any(re.search("[A-Za-z]", u["text"]) for u in utterances if u["lang"] == "ur")
        assert not any("Akcija" in text for text in texts)  # the Serbian name is not read
        assert page.evaluate(MARKED) == []  # the end of the page unmarks the last section
    finally:
        context.close()


def test_cards_are_read_one_card_at_a_time_without_the_serbian(site, chromium):
    context, page = open_page(chromium, site.base_url + "/ur/cards/", voices=[{"lang": "ur", "name": "Urdu"}])
    try:
        wait_for(page, VISIBLE_CONTROL, WAIT_SECONDS, "the Listen control")
        page.locator("[data-read-start]").click()
        page.evaluate("window.__speech.finish(); window.__speech.finish()")  # the title, the lead
        marked = page.evaluate("document.querySelector('.read-aloud-current[aria-current=true]').className")
        assert "card" in marked.split()
        card_text = page.evaluate("document.querySelector('.card .card-own').textContent.trim()")
        assert spoken(page)[-1]["text"] == " ".join(card_text.split())
    finally:
        context.close()


def test_send_to_a_friend_shares_the_guide_as_an_html_file(site, chromium):
    context, page = open_page(chromium, site.base_url + "/ur/asylum/", can_share=True)
    try:
        page.locator("[data-share-file]").click()
        shared = wait_for(page, "window.__shared.length && window.__shared", WAIT_SECONDS, "a share")
        assert len(shared) == 1 and len(shared[0]) == 1
        file = shared[0][0]
        assert file["name"] == "rightsinfo-ur.html" and file["type"] == "text/html"
        assert file["start"].lower().startswith("<!doctype html")
        assert file["size"] == len(fetch_text(site.base_url + "/ur/guide.html").encode("utf-8"))
        # Offline now: the copy kept on the first tap is shared again.
        context.set_offline(True)
        page.locator("[data-share-file]").click()
        wait_for(page, "window.__shared.length === 2", WAIT_SECONDS, "a share offline")
        assert page.evaluate("window.__shared[1][0].size") == file["size"]
        assert not page.locator("[data-share-note]").is_visible()
    finally:
        context.close()


def test_without_file_sharing_the_guide_downloads(site, chromium):
    context, page = open_page(chromium, site.base_url + "/ps/", can_share=False, accept_downloads=True)
    try:
        link = page.locator("[data-share-file]")
        assert link.get_attribute("download") == "rightsinfo-ps.html"
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert download.suggested_filename == "rightsinfo-ps.html"
        with open(download.path(), encoding="utf-8") as saved:
            assert saved.read() == fetch_text(site.base_url + "/ps/guide.html")
        assert page.evaluate("window.__shared.length") == 0
    finally:
        context.close()


def test_offline_before_any_copy_says_the_guide_needs_a_connection_once(site, chromium):
    context, page = open_page(chromium, site.base_url + "/ar/asylum/", can_share=True)
    try:
        context.set_offline(True)
        page.locator("[data-share-file]").click()
        note = page.locator("[data-share-note]")
        note.wait_for(state="visible", timeout=WAIT_SECONDS * 1000)
        expected = page.locator("[data-share-guide]").get_attribute("data-needs-connection")
        assert note.inner_text() == expected
        assert page.evaluate("window.__shared.length") == 0
    finally:
        context.close()


def test_qr_code_is_fetched_only_when_opened_and_decodes_to_the_public_address(site, chromium, tmp_path):
    if shutil.which("zbarimg") is None:
        pytest.fail("zbarimg is not installed: apt-get install zbar-tools")
    context = chromium.new_context(service_workers="block", viewport={"width": 360, "height": 800})
    log = RequestLog(context)
    page = context.new_page()
    try:
        page.goto(site.base_url + "/prs/organisations/astra/")
        page.wait_for_load_state("networkidle")
        assert not [url for url in log.urls if "qr.svg" in url]
        page.locator(".share-qr summary").click()
        image = page.locator(".share-qr img")
        loaded = "document.querySelector('.share-qr img').naturalWidth > 0"
        wait_for(page, loaded, WAIT_SECONDS, "the QR code")
        assert [url for url in log.urls if "qr.svg" in url]
        assert not log.foreign(site.base_url)
        image.screenshot(path=str(tmp_path / "qr.png"))
        zbarimg = ["zbarimg", "--quiet", "--raw", str(tmp_path / "qr.png")]
        decoded = subprocess.run(zbarimg, capture_output=True, text=True, check=True).stdout.strip()
        assert decoded == PUBLIC_BASE_URL + "/prs/organisations/astra/"
        assert page.locator(".share-qr .url").inner_text() == decoded
    finally:
        context.close()
