"""Recorded voices in Debian's Chromium: a Pashto page plays its recordings section by section.

Fixture recordings are spoken by espeak-ng into a temporary copy of the real content (test data only).
The phone has no voice here (Chromium on a test machine has none), so only the recordings can read.
"""

from __future__ import annotations

import sqlite3

import pytest
from browser import Server, build, copy_real_site, wait_for
from listening import (
    AUDIO_STATE,
    CURRENT_ID,
    LISTEN_SHOWN,
    PLAYER,
    PLAYING,
    STOPPED,
    TO_THE_END,
    WAIT_SECONDS,
    played_through,
    save_recordings_for_offline,
)
from recording_fixtures import add_recording

from rightsinfo.config import DATABASE_NAME
from rightsinfo.recordings import texts
from rightsinfo.recordings.texts import SectionText

pytestmark = pytest.mark.browser

PAGE = "/ps/asylum/"
CARDS = ("doctor", "lawyer")  # recorded; the other cards are not
CARD_BUTTON = "#{} [data-read-from]"


def sections_of(dirs, lang: str, slug: str) -> dict[str, SectionText]:
    """Return a built page's sections by key."""
    conn = sqlite3.connect(dirs.instance / DATABASE_NAME)
    conn.row_factory = sqlite3.Row
    return {section.key: section for section in texts.sections(conn, lang, "pages", slug)}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The real site with the Pashto asylum page recorded: current, reworded, outdated (a number), current."""
    dirs = copy_real_site(tmp_path_factory.mktemp("voices"))
    build(dirs)
    found = sections_of(dirs, "ps", "asylum")
    record = lambda section: add_recording(dirs.content, "ps", "pages", "asylum", section)  # noqa: E731
    record(found["intro"])
    reworded = found["whom-do-i-tell"]
    record(SectionText(reworded.key, reworded.text + " ښه", reworded.links))
    outdated = found["what-happens-next"]
    older = SectionText(outdated.key, outdated.text.replace("72", "48").replace("۷۲", "۴۸"), outdated.links)
    assert older.facts_hash != outdated.facts_hash  # it said 48 hours when it was recorded
    record(older)
    record(found["i-am-under-18-and-alone"])
    conn = sqlite3.connect(dirs.instance / DATABASE_NAME)
    conn.row_factory = sqlite3.Row
    for card in CARDS:
        [text] = texts.sections(conn, "ps", "cards", card)
        add_recording(dirs.content, "ps", "cards", card, text)
    [numbers] = texts.sections(conn, "ps", "emergency", "numbers")
    add_recording(dirs.content, "ps", "emergency", "numbers", numbers)
    conn.close()
    build(dirs)
    with Server(dirs) as server:
        yield server


def test_a_pashto_page_plays_its_recordings_section_by_section(site, chromium):
    context = chromium.new_context(service_workers="block")
    page = context.new_page()
    page.goto(site.base_url + PAGE)
    wait_for(page, LISTEN_SHOWN, WAIT_SECONDS, "the Listen control")
    marked, notes, _sources = played_through(page)
    # The recording of an older number ("what-happens-next") is never played: its section is skipped.
    assert marked == ["intro", "whom-do-i-tell", "i-am-under-18-and-alone"]
    assert notes[0] == "" and notes[1] != "" and notes[2] == ""  # the reworded one says it may be older
    assert (
        page.evaluate("document.querySelectorAll('.read-aloud-current, .read-section[aria-current]').length")
        == 0
    )
    context.close()


def test_the_speed_control_is_labelled_and_changes_the_rate(site, chromium):
    context = chromium.new_context(service_workers="block")
    page = context.new_page()
    page.goto(site.base_url + PAGE)
    wait_for(page, LISTEN_SHOWN, WAIT_SECONDS, "the Listen control")
    page.get_by_label(
        page.evaluate("document.querySelector('label[for=read-speed]').textContent")
    ).select_option("1.25")
    page.click("[data-read-start]")
    wait_for(page, PLAYING, WAIT_SECONDS, "a recording playing")
    assert page.evaluate(f"{PLAYER}.playbackRate") == 1.25
    height = page.evaluate("document.querySelector('[data-read-speed]').getBoundingClientRect().height")
    assert height >= 48
    context.close()


def test_a_card_plays_its_own_recording_from_the_card(site, chromium):
    context = chromium.new_context(service_workers="block")
    page = context.new_page()
    page.goto(site.base_url + "/ps/cards/")
    card = CARDS[1]
    shown = f"!document.querySelector({CARD_BUTTON.format(card)!r}).hidden"
    wait_for(page, shown, WAIT_SECONDS, "the card's button")
    assert page.locator("[data-read-from]").count() == len(CARDS)  # only recorded cards have one
    button = page.locator(CARD_BUTTON.format(card))
    assert button.inner_text() == "دا کارت واورئ"  # labelled in the reader's language (a draft)
    assert button.bounding_box()["height"] >= 48
    button.click()
    src = wait_for(page, PLAYING, WAIT_SECONDS, "the card's recording")
    assert f"/audio/ps/cards/{card}/card." in src
    assert page.evaluate("document.querySelector('[aria-current=true].read-aloud-current').id") == card
    page.evaluate(TO_THE_END)
    wait_for(page, STOPPED, WAIT_SECONDS, "the end of the card")  # that card alone, no other after it
    assert page.evaluate(f"{PLAYER}.src") == src
    marked = "document.querySelectorAll('.read-aloud-current, section[aria-current]').length"
    assert page.evaluate(marked) == 0
    context.close()


def test_the_home_page_plays_the_emergency_numbers_recording_beside_them(site, chromium):
    context = chromium.new_context(service_workers="block")
    page = context.new_page()
    page.goto(site.base_url + "/prs/")
    assert page.locator("[data-read-aloud]").count() == 0  # not recorded in Dari: no control at all
    page.goto(site.base_url + "/ps/")
    wait_for(page, LISTEN_SHOWN, WAIT_SECONDS, "the Listen control")
    beside = "document.querySelector('[data-read-aloud]').nextElementSibling.matches('section.emergency')"
    assert page.evaluate(beside)
    start = page.locator("[data-read-start]")
    assert start.inner_text() == "واورئ" and start.bounding_box()["height"] >= 48
    start.click()
    src = wait_for(page, PLAYING, WAIT_SECONDS, "the numbers' recording")
    assert "/audio/ps/emergency/numbers/numbers." in src
    assert page.evaluate("document.querySelector('section.emergency').getAttribute('aria-current')") == "true"
    page.evaluate(TO_THE_END)
    wait_for(page, STOPPED, WAIT_SECONDS, "the end of the numbers")
    context.close()


def test_saved_recordings_play_with_the_server_gone(site, chromium):
    """Save the pages, then the recordings pack (its size shown first), stop the server, play a section."""
    site.ensure_running()
    context = chromium.new_context(service_workers="allow")
    page = context.new_page()
    try:
        page.goto(site.base_url + PAGE)
        offer = save_recordings_for_offline(page)
        assert "MB" in offer and any(char.isdigit() for char in offer)
        site.stop()
        page.reload()
        wait_for(page, LISTEN_SHOWN, WAIT_SECONDS, "the Listen control")
        page.click("[data-read-start]")
        src = wait_for(page, PLAYING, WAIT_SECONDS, "a saved recording playing offline")
        assert "/audio/ps/pages/asylum/intro." in src
        assert page.evaluate(CURRENT_ID) == "intro"
        page.click("[data-read-stop]")
        page.click("[data-audio-remove]")
        wait_for(page, f"{AUDIO_STATE} === 'not-saved'", WAIT_SECONDS, "the recordings removed")
        assert (
            not page.evaluate("caches.has('rightsinfo-audio-ps')")
            or page.evaluate("caches.open('rightsinfo-audio-ps').then((c) => c.keys()).then((k) => k.length)")
            == 0
        )
    finally:
        context.close()
        site.ensure_running()
