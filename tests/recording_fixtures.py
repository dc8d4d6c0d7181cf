"""Fixture recordings made at test time: espeak-ng speaks a section's text, ffmpeg stores it as the site does.

Test data only, written into a temporary copy of the content: nothing synthesised is ever a recording
the site ships.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.recordings import speak_ogg
from rightsinfo.build import build_site
from rightsinfo.config import DATABASE_NAME
from rightsinfo.recordings import texts
from rightsinfo.recordings.texts import SectionText


def sidecar_text(text_hash: str, facts_hash: str, recorded: str = "2026-12-07") -> str:
    """Return a sidecar as the import writes it."""
    return f'text_hash = "{text_hash}"\nfacts_hash = "{facts_hash}"\nrecorded = {recorded}\n'


def add_recording(
    content: Path, lang: str, kind: str, item_id: str, section: SectionText, spoken: str | None = None
) -> Path:
    """Record ``section`` (or ``spoken`` in its place) into the content copy, with the section's hashes."""
    folder = content / "recordings" / lang / kind / item_id
    audio = speak_ogg(spoken or section.text, folder / f"{section.key}.ogg", lang)
    (folder / f"{section.key}.toml").write_text(
        sidecar_text(section.text_hash, section.facts_hash), encoding="utf-8"
    )
    return audio


def recorded_app(site_dirs: dict[str, Path]):
    """Build the fixture site with the Pashto page 'alpha' recorded (its intro current, its next section
    made when the text said 193 instead of 192) and return an app on it."""
    from conftest import make_app

    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    conn = sqlite3.connect(site_dirs["instance"] / DATABASE_NAME)
    conn.row_factory = sqlite3.Row
    intro, second, *_rest = texts.sections(conn, "ps", "pages", "alpha")
    add_recording(site_dirs["content"], "ps", "pages", "alpha", intro)
    older = SectionText(second.key, second.text.replace("192", "193"), second.links)
    add_recording(site_dirs["content"], "ps", "pages", "alpha", older)
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    return make_app(site_dirs)
