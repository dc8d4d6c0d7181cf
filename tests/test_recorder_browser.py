"""A volunteer records a Pashto page in Chromium, an editor imports the file, and the build plays it.

Chromium's fake microphone plays speech made by espeak-ng (Persian, as espeak-ng has no Pashto voice;
test data only) into the recording page of a temporary copy of the real site. The test presses the
page's own buttons, takes the file it offers, runs ``flask --app rightsinfo audio import`` on it as an
editor would, builds, and reads the ``recordings`` rows. Once loaded, the page is taken offline: it
must record and make the file without a single request.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest
from browser import (
    BIN_DIR,
    PROJECT_DIR,
    RequestLog,
    SiteDirs,
    build,
    launch_chromium,
    served_real_site,
    wait_for,
)
from listening import LISTEN_SHOWN, played_through, save_recordings_for_offline
from recording_files import spoken_wav

from rightsinfo.config import DATABASE_NAME
from rightsinfo.recordings.states import expected_seconds

pytestmark = pytest.mark.browser

LANG, KIND, ITEM = "ps", "pages", "emergency"  # a Pashto page whose first two sections are short
RECORD_URL = f"/translators/record/{LANG}/{KIND}/{ITEM}/"
READER_URL = f"/{LANG}/{ITEM}/"
# The second section's "24 hours a day", changed to 25 on both sides so the build's number check holds.
CHANGED_NUMBER = (("en", "works 24 hours", "works 25 hours"), (LANG, "د ورځې ۲۴ ساعته", "د ورځې ۲۵ ساعته"))
WAIT_SECONDS = 20.0
SPEECH = "سلام. اگر به کمک فوری نیاز دارید، به پولیس زنگ بزنید. شماره یکصد و نود و دو است. " * 3
# Long enough for the build's shortest plausible reading of each section, well short of its longest.
RECORD_FRACTION_OF_EXPECTED = 0.55
# How many takes the recording page keeps on the phone (IndexedDB), as a Promise; -1 if it cannot tell.
KEPT_TAKES = """new Promise((resolve) => {
  const opening = indexedDB.open('rightsinfo-takes');
  opening.onerror = () => resolve(-1);
  opening.onsuccess = () => {
    const db = opening.result;
    if (!db.objectStoreNames.contains('takes')) { db.close(); resolve(0); return; }
    const counting = db.transaction('takes').objectStore('takes').count();
    counting.onsuccess = () => { db.close(); resolve(counting.result); };
  };
})"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The real site in a temporary copy, built and served by gunicorn."""
    with served_real_site(tmp_path_factory.mktemp("recorder")) as server:
        yield server


@pytest.fixture(scope="module")
def microphone_chromium(tmp_path_factory):
    """Chromium whose microphone is a WAV file of speech, allowed without asking."""
    from playwright.sync_api import sync_playwright

    wav = spoken_wav(tmp_path_factory.mktemp("microphone") / "speech.wav", SPEECH)
    fake_microphone = (
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}",
    )
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, fake_microphone)
        yield browser
        browser.close()


def state(page) -> str:
    """Return the recorder's state, as the page shows it."""
    return page.get_attribute("[data-state]", "data-state") or ""


def wait_for_state(page, name: str) -> None:
    """Wait until the recorder shows the state ``name``."""
    wait_for(page, f"document.querySelector('[data-state]').dataset.state === {name!r}", WAIT_SECONDS, name)


def record_section(page, seconds: float) -> None:
    """Press Record, let the microphone speak for ``seconds``, press Stop, and wait for the take."""
    page.click("[data-action=record]")
    wait_for(
        page,
        "document.querySelector('[data-state]').dataset.state === 'recording'",
        WAIT_SECONDS,
        "recording",
    )
    page.wait_for_timeout(seconds * 1000)
    heard = page.evaluate("Number(document.querySelector('[data-level]').value)")
    page.click("[data-action=stop]")
    wait_for(
        page, "document.querySelector('[data-state]').dataset.state === 'recorded'", WAIT_SECONDS, "a take"
    )
    assert heard > 0, "the level meter never moved while the microphone spoke"


def section_lengths(page) -> list[tuple[str, int]]:
    """Return each section's key and the length of its text, as the page carries them."""
    return page.evaluate(
        """Array.from(document.querySelectorAll('[data-section]'))
          .map((s) => [s.dataset.section, s.querySelector('.record-text').textContent.trim().length])"""
    )


def record_two_sections_offline(site, browser, folder: Path) -> tuple[Path, str, str]:
    """Record the first two sections, offline once loaded; return the file offered and the sections' keys."""
    context = browser.new_context(service_workers="block", accept_downloads=True)
    context.grant_permissions(["microphone"], origin=site.base_url)
    requests = RequestLog(context)
    page = context.new_page()
    page.goto(site.base_url + RECORD_URL)
    page.wait_for_load_state("load")
    wait_for_state(page, "ready")
    loaded = len(requests.urls)
    context.set_offline(True)  # everything the page needs came with it

    (first, first_chars), (second, second_chars) = section_lengths(page)[:2]
    assert page.is_visible(f"[data-section='{first}']") and not page.is_visible(f"[data-section='{second}']")
    record_section(page, RECORD_FRACTION_OF_EXPECTED * expected_seconds("x" * first_chars))
    page.evaluate(
        "window.__played = false; document.querySelector('[data-playback]')"
        ".addEventListener('playing', () => { window.__played = true; })"
    )
    page.click("[data-action=listen]")
    wait_for(page, "window.__played", WAIT_SECONDS, "the take playing back")
    page.click("[data-action=next]")
    assert page.is_visible(f"[data-section='{second}']") and not page.is_visible(f"[data-section='{first}']")
    record_section(page, RECORD_FRACTION_OF_EXPECTED * expected_seconds("x" * second_chars))
    page.click("[data-action=make]")
    wait_for(page, "!document.querySelector('[data-download]').hidden", WAIT_SECONDS, "the file to send")
    with page.expect_download() as download:
        page.click("[data-download]")
    sent = folder / download.value.suggested_filename
    download.value.save_as(sent)
    network = [
        url for url in requests.urls[loaded:] if not url.startswith("blob:")
    ]  # blob: is the phone's memory
    assert network == [], "the page asked the network for something after it loaded"
    context.close()
    return sent, first, second


def import_recording_file(dirs: SiteDirs, sent: Path) -> str:
    """Run ``flask --app rightsinfo audio import`` on a file as an editor would; return its report."""
    result = subprocess.run(
        [str(BIN_DIR / "flask"), "--app", "rightsinfo", "audio", "import", str(sent)],
        cwd=PROJECT_DIR,
        env=dirs.environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def recording_states(dirs: SiteDirs) -> dict[str, tuple[str, str]]:
    """Return the built state and address of each section's recording of the recorded page."""
    with sqlite3.connect(dirs.instance / DATABASE_NAME) as conn:
        rows = conn.execute(
            "SELECT section, state, url FROM recordings WHERE lang = ? AND kind = ? AND item_id = ?",
            (LANG, KIND, ITEM),
        ).fetchall()
    return {section: (state, url) for section, state, url in rows}


def play_offline(site, browser) -> tuple[list[str], list[str], list[str]]:
    """Save the Pashto page and its recordings for offline, stop the server, reload, and play it through.

    Return the sections marked, the sources played, and the pack's size as offered and as saved.
    """
    context = browser.new_context(service_workers="allow")
    page = context.new_page()
    try:
        page.goto(site.base_url + READER_URL)
        sizes = [save_recordings_for_offline(page), page.inner_text("[data-audio-text]")]
        site.stop()
        page.reload()
        wait_for(page, LISTEN_SHOWN, WAIT_SECONDS, "the Listen control")
        marked, _notes, sources = played_through(page)
    finally:
        context.close()
        site.ensure_running()
    return marked, sources, sizes


def test_a_pashto_page_recorded_with_the_microphone_imported_and_played_offline_until_a_number_changes(
    site, microphone_chromium, tmp_path
):
    sent, first, second = record_two_sections_offline(site, microphone_chromium, tmp_path)
    assert sent.name.startswith(f"rightsinfo-recording-{LANG}-{KIND}-{ITEM}-") and sent.suffix == ".zip"
    with zipfile.ZipFile(sent) as archive:
        assert sorted(archive.namelist()) == sorted(["manifest.json", f"{first}.webm", f"{second}.webm"])

    dirs = site.dirs
    report = import_recording_file(dirs, sent)
    assert f"{first}: new" in report and f"{second}: new" in report, report
    placed = dirs.content / "recordings" / LANG / KIND / ITEM
    assert sorted(path.name for path in placed.iterdir()) == sorted(
        f"{key}.{suffix}" for key in (first, second) for suffix in ("ogg", "toml")
    )

    build(dirs)
    states = recording_states(dirs)
    assert (states[first][0], states[second][0]) == ("current", "current"), states
    assert {state for key, (state, _url) in states.items() if key not in (first, second)} == {"missing"}
    for key in (first, second):
        assert served_start(site.base_url + states[key][1])[:4] == b"\x1a\x45\xdf\xa3", states[key]  # WebM

    # The reader: the two imported takes, saved for offline, play with the server gone.
    marked, sources, sizes = play_offline(site, microphone_chromium)
    assert marked == [first, second]
    assert [urllib.parse.urlsplit(src).path for src in sources] == [states[first][1], states[second][1]]
    for size in sizes:  # MB in Pashto's digits and decimal separator, on the page and from offline.js
        assert re.search("[۰-۹]٫[۰-۹]", size) and not re.search("[0-9.]", size), sizes

    # The second section's number changes (in English and Pashto, as an editor would): its take is outdated
    # and never played again, the first still is.
    for lang, old, new in CHANGED_NUMBER:
        text_file = dirs.content / "pages" / ITEM / f"{lang}.md"
        text = text_file.read_text(encoding="utf-8")
        assert old in text
        text_file.write_text(text.replace(old, new), encoding="utf-8")
    build(dirs)
    assert recording_states(dirs)[second][0] == "outdated"
    site.restart()  # the worker reads the new build at once, not at its next check
    context = microphone_chromium.new_context(service_workers="block")
    page = context.new_page()
    page.goto(site.base_url + READER_URL)
    wait_for(page, LISTEN_SHOWN, WAIT_SECONDS, "the Listen control")
    marked, _notes, _sources = played_through(page)
    assert marked == [first]
    context.close()


def served_start(url: str) -> bytes:
    """Return the start of a recording as the running server serves it, once it has read the new build."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            request = urllib.request.Request(url, headers={"Range": "bytes=0-99"})
            with urllib.request.urlopen(request) as response:
                assert response.status == 206 and response.headers["Content-Type"].startswith("audio/webm")
                return response.read()
        except urllib.error.HTTPError as error:  # 404 until the worker sees the new build
            if error.code != 404 or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_a_take_survives_a_reload_and_leaves_the_phone_once_the_file_is_saved(site, microphone_chromium):
    context = microphone_chromium.new_context(service_workers="block", accept_downloads=True)
    context.grant_permissions(["microphone"], origin=site.base_url)
    page = context.new_page()
    page.goto(site.base_url + RECORD_URL)
    wait_for_state(page, "ready")
    [(first, first_chars)] = section_lengths(page)[:1]
    record_section(page, RECORD_FRACTION_OF_EXPECTED * expected_seconds("x" * first_chars))
    wait_for(page, f"{KEPT_TAKES}.then((count) => count === 1)", WAIT_SECONDS, "the take kept on the phone")

    page.reload()  # or the phone kills the tab
    wait_for_state(page, "recorded")
    assert page.is_visible(f"[data-section='{first}']") and page.is_enabled("[data-action=listen]")
    page.evaluate(
        "window.__played = false; document.querySelector('[data-playback]')"
        ".addEventListener('playing', () => { window.__played = true; })"
    )
    page.click("[data-action=listen]")
    wait_for(page, "window.__played", WAIT_SECONDS, "the kept take playing back")

    page.click("[data-action=make]")
    wait_for(page, "!document.querySelector('[data-download]').hidden", WAIT_SECONDS, "the file to send")
    with page.expect_download():
        page.click("[data-download]")
    wait_for(page, f"{KEPT_TAKES}.then((count) => count === 0)", WAIT_SECONDS, "the kept take cleared")
    page.reload()
    wait_for_state(page, "ready")
    assert page.is_disabled("[data-action=listen]")
    context.close()


def test_a_refused_microphone_says_so_in_the_volunteers_language(site, microphone_chromium):
    context = microphone_chromium.new_context(service_workers="block")
    # The volunteer taps "Block" when the phone asks (the fake microphone would allow it).
    context.add_init_script(
        script="navigator.mediaDevices.getUserMedia = () => "
        "Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));"
    )
    page = context.new_page()
    page.goto(site.base_url + RECORD_URL)
    wait_for_state(page, "ready")
    page.click("[data-action=record]")
    shown = wait_for(
        page,
        "document.querySelector('[data-state]').dataset.state === 'refused'"
        " && document.querySelector('[data-state]').textContent",
        WAIT_SECONDS,
        "the microphone error",
    )
    assert shown == page.evaluate("document.querySelector('[data-recorder]').dataset.msgRefused")
    assert "microphone" not in shown.lower(), "the Pashto draft, not the English message"
    assert page.is_visible("[data-action=record]"), "the volunteer can try again"
    context.close()


def test_without_mediarecorder_the_page_says_the_browser_cannot_record(site, microphone_chromium):
    context = microphone_chromium.new_context(service_workers="block")
    context.add_init_script(script="delete window.MediaRecorder;")
    page = context.new_page()
    page.goto(site.base_url + RECORD_URL)
    wait_for(page, "document.querySelector('[data-state]').dataset.state", WAIT_SECONDS, "a state")
    assert state(page) == "unsupported"
    assert page.is_disabled("[data-action=record]")
    context.close()


def test_the_recording_page_fits_a_320_pixel_phone_with_48_pixel_buttons(site, microphone_chromium):
    context = microphone_chromium.new_context(service_workers="block", viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(site.base_url + RECORD_URL)
    wait_for_state(page, "ready")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, "wider than the phone"
    sizes = page.evaluate(
        """Array.from(document.querySelectorAll('.record-controls button'))
          .filter((b) => !b.hidden).map((b) => [b.textContent, b.getBoundingClientRect().height])"""
    )
    assert sizes and all(height >= 48 for _label, height in sizes), sizes
    assert page.get_attribute("html", "dir") == "rtl"
    context.close()
