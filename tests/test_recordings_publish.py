"""Recordings in the static export and the ZIM: an exported page plays files the export holds; a ZIM's
page, which has no scripts, shows the browser's own player beside each recorded section, playing an
item of the ZIM that kiwix-serve serves as audio, and never an outdated recording."""

from __future__ import annotations

import html
import json
import posixpath
import re
import shutil
import sqlite3
import subprocess
import urllib.request
from urllib.parse import urljoin

import pytest
from browser import launch_chromium, wait_for
from conftest import PROJECT_DIR, make_real_app
from kiwix_server import kiwix_serving
from libzim.reader import Archive
from playwright.sync_api import sync_playwright
from recording_fixtures import add_recording

from rightsinfo.build import build_site
from rightsinfo.config import DATABASE_NAME
from rightsinfo.publish.export import export_site
from rightsinfo.publish.zim.book import make_zims
from rightsinfo.publish.zim.pages import rewrite_html
from rightsinfo.recordings import texts
from rightsinfo.recordings.texts import SectionText

PAGE = "asylum"
PAGE_PATH = f"ps/{PAGE}/index.html"
REWORDED = "i-am-under-18-and-alone"  # recorded before a word changed: plays, with a note
OUTDATED = "what-happens-next"  # recorded when the text said 73 hours, not 72: never plays
RECORDINGS_ATTRIBUTE = re.compile(r'data-recordings="([^"]*)"')
PLAYER = re.compile(
    r'<span id="recording-(?P<key>[^"]+)">(?P<label>[^<]*)</span>\s*<audio (?P<attributes>[^>]*)></audio>'
    r'\s*(?:<span class="read-note" id="recording-note-(?P=key)">(?P<note>[^<]*)</span>)?'
)
SOURCE = re.compile(r'\bsrc="([^"]+)"')
TAP_PX = 48
PLAY_SECONDS = 20.0


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """The real site with one Pashto page recorded, built once for the module: its introduction as the
    text stands, one section before a word changed (reworded), one before a number changed (outdated).

    The real content, because the fixture content is not a whole site an export would accept.
    """
    root = tmp_path_factory.mktemp("recorded") / "site"
    shutil.copytree(PROJECT_DIR / "content", root / "content")
    shutil.copytree(PROJECT_DIR / "translations", root / "translations")
    dirs = {"content": root / "content", "translations": root / "translations", "instance": root / "instance"}
    build_site(dirs["content"], dirs["translations"], dirs["instance"])
    conn = sqlite3.connect(dirs["instance"] / DATABASE_NAME)
    conn.row_factory = sqlite3.Row
    sections = {section.key: section for section in texts.sections(conn, "ps", "pages", PAGE)}
    conn.close()
    add_recording(dirs["content"], "ps", "pages", PAGE, sections[texts.INTRO])
    reworded = sections[REWORDED]
    add_recording(
        dirs["content"], "ps", "pages", PAGE, SectionText(REWORDED, reworded.text + " زوړ", reworded.links)
    )
    outdated = sections[OUTDATED]
    older = SectionText(OUTDATED, outdated.text.replace("72", "73").replace("۷۲", "۷۳"), outdated.links)
    assert older.facts_hash != outdated.facts_hash  # it said 73 hours when it was recorded
    add_recording(dirs["content"], "ps", "pages", PAGE, older)
    return make_real_app(dirs["instance"], dirs)


@pytest.fixture(scope="module")
def pashto_zim(recorded, tmp_path_factory):
    """The Pashto ZIM of the recorded site, written once for the module."""
    [(path, _book)] = make_zims(recorded, tmp_path_factory.mktemp("zim"), ["ps"])
    return path


def played_urls(page: str) -> list[str]:
    """Return every recording address a page's read-aloud group may play."""
    urls = []
    for attribute in RECORDINGS_ATTRIBUTE.findall(page):
        urls += [url for url, _reworded in json.loads(html.unescape(attribute)).values()]
    return urls


def test_an_exported_page_plays_only_recordings_the_export_holds(recorded, tmp_path):
    target = tmp_path / "site"
    export_site(recorded, target)
    page = (target / "ps" / PAGE / "index.html").read_text(encoding="utf-8")
    urls = played_urls(page)
    assert urls, "the recorded page names its recording"
    client = recorded.test_client()
    for url in urls:
        exported = target / url.lstrip("/")
        assert exported.is_file(), f"{url} is not in the export"
        assert exported.read_bytes() == client.get(url).data


def players(page: str) -> dict[str, dict]:
    """Return the browser's own players on a page: section key → label, src, note and attributes."""
    found = {}
    for match in PLAYER.finditer(page):
        attributes = match["attributes"]
        found[match["key"]] = {
            "label": match["label"],
            "src": html.unescape(SOURCE.search(attributes)[1]),
            "note": match["note"],
            "attributes": attributes,
        }
    return found


def web_control_text(page: str, marker: str) -> str:
    """Return the text of the web page's read-aloud element marked ``marker`` (a data- attribute)."""
    return html.unescape(re.search(rf"<[^>]*{marker}[^>]*>([^<]*)<", page)[1])


def test_a_zim_page_plays_its_playable_recordings_from_audio_items_and_passes_zimcheck(recorded, pashto_zim):
    archive = Archive(pashto_zim)
    page = bytes(archive.get_entry_by_path(PAGE_PATH).get_item().content).decode("utf-8")
    assert "data-recordings" not in page and "data-read-aloud" not in page
    web = recorded.test_client().get(f"/{PAGE_PATH.removesuffix('index.html')}")
    web_page = web.get_data(as_text=True)
    played = json.loads(html.unescape(RECORDINGS_ATTRIBUTE.search(web_page)[1]))
    assert set(played) == {texts.INTRO, REWORDED}, "the web page plays the same two, not the outdated one"

    shown = players(page)
    assert set(shown) == {texts.INTRO, REWORDED}
    listen = web_control_text(web_page, "data-read-start")
    client = recorded.test_client()
    for key, player in shown.items():
        assert (
            'controls preload="none"' in player["attributes"]
            and f'aria-labelledby="recording-{key}"' in player["attributes"]
        )
        assert player["label"] == listen, "labelled in Pashto, with the web page's Listen"
        item_path = posixpath.normpath(posixpath.join(posixpath.dirname(PAGE_PATH), player["src"]))
        assert archive.has_entry_by_path(item_path), f"{player['src']} is not in the ZIM"
        item = archive.get_entry_by_path(item_path).get_item()
        served = client.get(played[key][0])
        assert item.mimetype.startswith("audio/") and item.mimetype == served.mimetype
        assert bytes(item.content) == served.data
    assert shown[REWORDED]["note"] == html.unescape(re.search(r'data-reworded-note="([^"]*)"', web_page)[1])
    assert shown[texts.INTRO]["note"] is None
    assert (
        page.index(shown[texts.INTRO]["src"])
        < page.index(f'id="{REWORDED}"')
        < page.index(shown[REWORDED]["src"])
    )

    result = subprocess.run(["zimcheck", "--all", str(pashto_zim)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_outdated_recording_is_not_in_the_zim(pashto_zim):
    archive = Archive(pashto_zim)
    recorded_items = [
        archive._get_entry_by_id(index).path
        for index in range(archive.entry_count)
        if archive._get_entry_by_id(index).path.startswith(f"audio/ps/pages/{PAGE}/")
    ]
    assert len(recorded_items) == 2
    assert not any(posixpath.basename(path).startswith(f"{OUTDATED}.") for path in recorded_items)


def test_kiwix_serve_serves_the_recording_as_audio_and_in_ranges(recorded, pashto_zim):
    web_page = recorded.test_client().get(f"/{PAGE_PATH.removesuffix('index.html')}").get_data(as_text=True)
    intro_url = json.loads(html.unescape(RECORDINGS_ATTRIBUTE.search(web_page)[1]))[texts.INTRO][0]
    served_type = recorded.test_client().get(intro_url).mimetype  # whatever audio.py serves it as
    assert served_type.startswith("audio/")
    with kiwix_serving(pashto_zim, "rightsinfo_ps", PAGE_PATH) as base:
        with urllib.request.urlopen(base + PAGE_PATH, timeout=5) as response:
            page = response.read().decode("utf-8")
        source = urljoin(base + PAGE_PATH, players(page)[texts.INTRO]["src"])
        with urllib.request.urlopen(source, timeout=5) as response:
            assert response.status == 200
            assert response.headers.get_content_type() == served_type
            whole = response.read()
        # A player asks for ranges, to start before the whole file has come.
        partial = urllib.request.Request(source, headers={"Range": "bytes=0-99"})
        with urllib.request.urlopen(partial, timeout=5) as response:
            assert response.status == 206 and response.read() == whole[:100]


def test_players_sit_beside_their_sections_and_a_cards_replaces_its_button():
    recordings = {
        "intro": ["/audio/ps/pages/x/intro.a.ogg", False],
        "why": ["/audio/ps/pages/x/why.b.ogg", True],
        "police": ["/audio/ps/cards/police/card.c.ogg", False],
        "numbers": ["/audio/ps/emergency/numbers/numbers.d.ogg", False],
    }
    attribute = html.escape(json.dumps(recordings))
    page = (
        f'<main><div data-read-aloud hidden data-recordings="{attribute}"><button>Listen</button></div>'
        '<article><h1>Title</h1><p>Intro</p><h2 id="why">Why</h2><p>Because</p></article>'
        '<section id="police"><p>Card</p><button data-read-from="police" hidden>Listen</button></section>'
        '<section data-read-key="numbers"><h2 id="emergency-heading">Numbers</h2><ul></ul></section></main>'
    ).encode()

    def player(key: str, link: str, reworded: bool, card: bool) -> str:
        return f"[{key} {link}{' reworded' if reworded else ''}{' card' if card else ''}]"

    def included(path: str) -> bool:
        return path.startswith("/ps/") or path in {url for url, _reworded in recordings.values()}

    body = rewrite_html(page, "/ps/x/", "ps/x/index.html", included, player).decode()
    assert "<h1>Title</h1>\n[intro ../../audio/ps/pages/x/intro.a.ogg]<p>Intro</p>" in body
    assert '<h2 id="why">Why</h2>\n[why ../../audio/ps/pages/x/why.b.ogg reworded]<p>' in body
    assert "<p>Card</p>[police ../../audio/ps/cards/police/card.c.ogg card]</section>" in body
    assert "Numbers</h2>\n[numbers ../../audio/ps/emergency/numbers/numbers.d.ogg]<ul>" in body
    assert "data-read-aloud" not in body and "data-read-from" not in body and "<button" not in body


@pytest.mark.browser
def test_chromium_plays_a_zim_pages_recording_from_kiwix_serve(pashto_zim):
    audio = "document.getElementById('recording-intro').parentElement.querySelector('audio')"
    with kiwix_serving(pashto_zim, "rightsinfo_ps", PAGE_PATH) as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page()
        assert page.goto(base + PAGE_PATH).status == 200
        label = page.get_by_label(page.text_content("#recording-intro")).first
        assert label.evaluate("element => element.tagName") == "AUDIO"
        assert page.evaluate(f"{audio}.getBoundingClientRect().height") >= TAP_PX
        label.click()  # a reader's tap: the page has no script to start it
        page.evaluate(f"{audio}.play()")
        wait_for(page, f"{audio}.currentTime > 0 && !{audio}.error", PLAY_SECONDS, "the recording to play")
        browser.close()
