"""Recorded voices: bytes per minute of speech, a language's recording pack by minutes, first sound on 2G.

Recordings are made here as the tests make them (espeak-ng speaking a section, ffmpeg storing it with the
encoder settings of the site's import, ``recordings/conversion.py``): test data in a scratch copy of
the content, never shipped.
The build serves each as WebM (the same Opus stream copied, ``recordings/served.py``), so bytes per
minute and the recording pack are counted in the served files, the ones a phone downloads and saves.
Speech from espeak-ng is denser than a volunteer's (fewer pauses), so bytes per minute are an upper
bound for the same bit rate; Opus at a constant target rate makes them nearly independent of the voice.
A language's recording pack is its playable recordings, so its size is bytes per minute × minutes.
Time to first sound is measured in Chromium through the throttling proxy on the 2G link, for the
shortest (15 s) and the longest (143 s with espeak-ng) section of the recorded page: from giving the
page's ``<audio>`` element the section's address and ``play()`` (what listen.js does when Listen
reaches a recorded section) to it playing (``currentTime`` > 0), a fresh context each run, the page
already loaded; the goal is 2 round trips (the Range request and its answer start) + 1.5 s.
Why WebM: Chromium (FFmpeg's Ogg demuxer) reads an Ogg file to its end for its duration before it
plays, over the one ``bytes=0-`` request, so with Ogg first sound waited for the whole file (a 49 KB
intro: 2.2 s; a 229 KB section of 70 s: 7.7 s on this link); WebM states its duration in its header.
Run alone with ``python -m bench.recordings``; ``make bench`` runs it as section (j).
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.server import PROJECT_DIR, Gunicorn
from bench.table import Table, kb, ms, site_environment
from bench.throttle import TWO_G, ThrottlingProxy
from rightsinfo.recordings.conversion import OPUS_BITRATE_KBPS, OPUS_FRAME_MS, OPUS_SAMPLE_RATE_HZ

# Stored as `make import-recording` stores a take: mono Opus at the same rate, application and packets.
STORED_FORMAT = ["-ac", "1", "-ar", str(OPUS_SAMPLE_RATE_HZ), "-c:a", "libopus",
                 "-b:a", f"{OPUS_BITRATE_KBPS}k", "-application", "voip",
                 "-frame_duration", str(OPUS_FRAME_MS)]  # fmt: skip
ESPEAK_VOICE_OF = {"ps": "fa", "prs": "fa", "ar": "ar", "ur": "ur", "tr": "tr", "en": "en"}
ESPEAK_WORDS_PER_MINUTE = 200
LANG, SLUG = "ps", "asylum"
PACK_MINUTES = (10, 30, 60, 120)
RUNS = 3
FIRST_SOUND_GOAL_SECONDS = 2 * TWO_G.rtt_seconds + 1.5
FIRST_SOUND_TIMEOUT_SECONDS = 30.0
CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--autoplay-policy=no-user-gesture-required"]  # fmt: skip
FIRST_SOUND = """(url) => new Promise((resolve) => {
  const player = document.querySelector('[data-read-audio]');
  const started = performance.now();
  const check = () => player.currentTime > 0 ? resolve((performance.now() - started) / 1000)
                                              : requestAnimationFrame(check);
  player.src = url;  // as listen.js plays a recorded section
  player.play();
  check();
})"""


def speak_ogg(text: str, target: Path, lang: str = "ps", extra: list[str] | None = None) -> Path:
    """Write ``text`` spoken by espeak-ng as Ogg Opus at ``target``; ``extra`` ffmpeg options bend it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "speech.wav"
        voice = ["-v", ESPEAK_VOICE_OF[lang], "-s", str(ESPEAK_WORDS_PER_MINUTE)]
        subprocess.run(["espeak-ng", *voice, "-w", str(wav), text], check=True)
        command = [
            "ffmpeg",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(wav),
            *STORED_FORMAT,
            *(extra or []),
            str(target),
        ]
        subprocess.run(command, check=True)
    return target


def record_page(content: Path, instance: Path) -> list[tuple[int, float]]:
    """Record every section of the Pashto asylum page into ``content``; return (bytes, seconds) of each."""
    from mutagen.oggopus import OggOpus

    from rightsinfo.config import DATABASE_NAME
    from rightsinfo.recordings import texts

    conn = sqlite3.connect(instance / DATABASE_NAME)
    conn.row_factory = sqlite3.Row
    made = []
    for section in texts.sections(conn, LANG, "pages", SLUG):
        folder = content / "recordings" / LANG / "pages" / SLUG
        audio = speak_ogg(section.text, folder / f"{section.key}.ogg", LANG)
        sidecar = (
            f'text_hash = "{section.text_hash}"\nfacts_hash = "{section.facts_hash}"\nrecorded = 2026-12-07\n'
        )
        (folder / f"{section.key}.toml").write_text(sidecar, encoding="utf-8")
        made.append((audio.stat().st_size, OggOpus(audio).info.length))
    return made


def served_recordings(instance: Path) -> list[dict]:
    """Return the built page's playable recordings as served: section, address, bytes, milliseconds."""
    from rightsinfo.config import DATABASE_NAME

    conn = sqlite3.connect(instance / DATABASE_NAME)
    conn.row_factory = sqlite3.Row
    rows = conn.execute(
        "SELECT section, url, bytes, duration_ms FROM recordings"
        " WHERE lang = ? AND kind = 'pages' AND item_id = ? AND url IS NOT NULL ORDER BY duration_ms",
        (LANG, SLUG),
    )
    return [dict(row) for row in rows]


def first_sound_seconds(base_url: str, url: str, runs: int) -> list[float]:
    """Return the seconds from play() to sound of one recording, on the 2G link, a fresh context each run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS)
        try:
            seconds = []
            for _run in range(runs):
                context = browser.new_context(service_workers="block")
                page = context.new_page()
                page.goto(f"{base_url}/{LANG}/{SLUG}/", wait_until="load", timeout=120_000)
                page.wait_for_selector("[data-read-start]", timeout=FIRST_SOUND_TIMEOUT_SECONDS * 1000)
                seconds.append(page.evaluate(FIRST_SOUND, url))
                context.close()
            return seconds
        finally:
            browser.close()


def first_sound(base_url: str, recording: dict, runs: int) -> dict:
    """Return one section's first-sound figures: which section, how long and big, each run, the median."""
    seconds = first_sound_seconds(base_url, recording["url"], runs)
    return {
        "section": recording["section"],
        "seconds_of_speech": round(recording["duration_ms"] / 1000, 1),
        "served_bytes": recording["bytes"],
        "runs": seconds,
        "median": statistics.median(seconds),
    }


def measure(scratch: Path, runs: int = RUNS) -> dict:
    """Record a page in a scratch copy of the content, build it, and measure sizes and first sound."""
    from rightsinfo.build import build_site

    content, translations, instance = scratch / "content", scratch / "translations", scratch / "instance"
    shutil.copytree(PROJECT_DIR / "content", content)
    shutil.copytree(PROJECT_DIR / "translations", translations)
    build_site(content, translations, instance)
    made = record_page(content, instance)
    build_site(content, translations, instance)
    served = served_recordings(instance)
    stored_bytes, total_seconds = sum(b for b, _s in made), sum(s for _b, s in made)
    per_minute = sum(row["bytes"] for row in served) / (total_seconds / 60)
    with Gunicorn(site_environment(instance)) as server, ThrottlingProxy(server.port, TWO_G) as proxy:
        short, long = (first_sound(proxy.base_url, row, runs) for row in (served[0], served[-1]))
    return {
        "stored_format": "Ogg Opus, mono, 24 kbit/s, 48 kHz",
        "served_format": "WebM, the stored Opus stream copied",
        "recorded_sections": len(made),
        "recorded_seconds": round(total_seconds, 1),
        "bytes_per_minute": round(per_minute),
        "stored_bytes_per_minute": round(stored_bytes / (total_seconds / 60)),
        "pack_bytes_by_minutes": {str(minutes): round(per_minute * minutes) for minutes in PACK_MINUTES},
        "first_sound_2g_seconds": {"short": short, "long": long, "goal": FIRST_SOUND_GOAL_SECONDS},
        "passed": max(short["median"], long["median"]) <= FIRST_SOUND_GOAL_SECONDS,
    }


def report(table: Table, scratch: Path, runs: int = RUNS) -> None:
    """Measure (section (j) of ``make bench``) and add the figures to the bench's table."""
    result = measure(scratch / "recordings", runs)
    table.section(f"(j) recorded voices (espeak-ng as a stand-in speaker), median of {runs}")
    table.add("bytes per minute of speech, as served (WebM)", kb(result["bytes_per_minute"]))
    table.add("bytes per minute of speech, as stored (Ogg)", kb(result["stored_bytes_per_minute"]))
    for minutes, size in result["pack_bytes_by_minutes"].items():
        table.add(f"a language's recording pack, {minutes} minutes recorded", kb(size))
    sound = result["first_sound_2g_seconds"]
    for name in ("short", "long"):
        figures = sound[name]
        section = f"{figures['seconds_of_speech']:.0f} s, {kb(figures['served_bytes'])}"
        passed = figures["median"] <= sound["goal"]
        figure = f"2G: play → first sound, {name} section ({section})"
        table.add(figure, ms(figures["median"]), f"≤ {ms(sound['goal'])}", passed)
    table.results["recordings"] = result


def main() -> None:
    """Measure once, briefly, and print the figures."""
    table = Table()
    with tempfile.TemporaryDirectory(prefix="rightsinfo-bench-voices-") as scratch:
        started = time.monotonic()
        report(table, Path(scratch), runs=int(sys.argv[1]) if len(sys.argv) > 1 else RUNS)
        print(f"measured in {time.monotonic() - started:.0f} s", file=sys.stderr)
    table.print()


if __name__ == "__main__":
    main()
