"""The reader's side of recorded voices in the browser tests: Listen, what it plays, and saving it offline.

Shared by the test that plays fixture recordings and the one that plays a volunteer's imported takes,
so both read the page the same way.
"""

from __future__ import annotations

from browser import wait_for

WAIT_SECONDS = 20.0
SAVE_PAGES_SECONDS = 120.0  # the whole text pack, on a machine shared with other tests
SAVE_RECORDINGS_SECONDS = 60.0
PLAYER = "document.querySelector('[data-read-audio]')"
CURRENT_ID = """(() => { const box = document.querySelector('[aria-current="true"].read-aloud-current');
  if (!box) return null; const h = box.querySelector('h2'); return h ? h.id : 'intro'; })()"""
PLAYING = f"(() => {{ const a = {PLAYER}; return a && !a.paused && a.currentTime > 0 ? a.src : null; }})()"
STOPPED = "!document.querySelector('[data-read-start]').hidden"
LISTEN_SHOWN = "!document.querySelector('[data-read-aloud]').hidden"
NOTE = "(n => n.hidden ? '' : n.textContent)(document.querySelector('[data-read-note]'))"
OFFLINE_STATE = "document.querySelector('[data-offline-state]').getAttribute('data-offline-state')"
AUDIO_STATE = "document.querySelector('[data-audio-box]').getAttribute('data-audio-state')"
TO_THE_END = f"(() => {{ const a = {PLAYER}; a.currentTime = Math.max(0, a.duration - 0.2); }})()"


def played_through(page) -> tuple[list[str], list[str], list[str]]:
    """Start Listen and let each recording run to its end; return the sections marked, notes and sources."""
    page.click("[data-read-start]")
    marked, notes, sources = [], [], []
    while True:
        src = wait_for(page, f"{PLAYING} || ({STOPPED} ? 'done' : null)", WAIT_SECONDS, "playing or done")
        if src == "done":
            return marked, notes, sources
        marked.append(page.evaluate(CURRENT_ID))
        notes.append(page.evaluate(NOTE))
        sources.append(src)
        assert page.evaluate(f"{PLAYER}.currentTime") > 0  # it advances: real sound, not a stand-in
        page.evaluate(TO_THE_END)
        wait_for(page, f"{PLAYER}.src !== {src!r} || {STOPPED}", WAIT_SECONDS, "the next section")


def save_recordings_for_offline(page) -> str:
    """Wait for the pages to be saved, then save the recordings pack; return its offer as shown."""
    wait_for(page, f"{OFFLINE_STATE} === 'ready'", SAVE_PAGES_SECONDS, "the pages saved for offline")
    wait_for(page, "!document.querySelector('[data-audio-box]').hidden", WAIT_SECONDS, "the recordings offer")
    save = page.locator("[data-audio-save]")
    offer = save.inner_text()
    save.click()
    wait_for(page, f"{AUDIO_STATE} === 'saved'", SAVE_RECORDINGS_SECONDS, "the recordings saved")
    return offer
