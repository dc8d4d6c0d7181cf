"""Fixture recordings made at test time: espeak-ng speaks a section's text, ffmpeg stores it as the site does.

Test data only, written into a temporary copy of the content: nothing synthesised is ever a recording
the site ships.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from rightsinfo.recordings.texts import SectionText

STORED_FORMAT = ["-ac", "1", "-ar", "48000", "-c:a", "libopus", "-b:a", "24k"]  # mono Opus, 24 kbit/s
ESPEAK_VOICE_OF = {"ps": "fa", "prs": "fa", "ar": "ar", "ur": "ur", "tr": "tr", "en": "en"}


def speak_ogg(text: str, target: Path, lang: str = "ps", extra: list[str] | None = None) -> Path:
    """Write ``text`` spoken by espeak-ng as Ogg Opus at ``target``; ``extra`` ffmpeg options bend it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "speech.wav"
        subprocess.run(
            ["espeak-ng", "-v", ESPEAK_VOICE_OF[lang], "-s", "200", "-w", str(wav), text], check=True
        )
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
