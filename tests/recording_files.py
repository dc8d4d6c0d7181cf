"""Test data for recordings: speech made by espeak-ng (test data only, never shipped) and recording files.

A recording file is made here exactly as the recording page makes it (``static/record.js``): a zip of
``manifest.json`` and one audio file per take.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

SILENCE_SECONDS = 1.0  # before and after the words, as a volunteer pauses before speaking


def require(program: str) -> None:
    """Fail (never skip) when a program the recording tests need is missing."""
    if shutil.which(program) is None:
        pytest.fail(
            f"{program} is missing: the recording tests need it (see system-packages.txt)", pytrace=False
        )


def spoken_wav(path: Path, text: str, voice: str = "fa") -> Path:
    """Write ``text`` as speech by espeak-ng, with a second of silence each side, as a 48 kHz mono WAV."""
    require("espeak-ng")
    require("ffmpeg")
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-w", str(raw), text], check=True, capture_output=True)
    padding = f"adelay={int(SILENCE_SECONDS * 1000)}:all=1,apad=pad_dur={SILENCE_SECONDS}"
    subprocess.run(
        [
            "ffmpeg",
            "-y",
            "-loglevel",
            "error",
            "-i",
            str(raw),
            "-af",
            padding,
            "-ar",
            "48000",
            "-ac",
            "1",
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    raw.unlink()
    return path


def webm_take(path: Path, text: str) -> bytes:
    """Return spoken ``text`` as Chromium's MediaRecorder would send it: Opus in WebM."""
    wav = spoken_wav(path.with_suffix(".wav"), text)
    subprocess.run(
        ["ffmpeg", "-y", "-loglevel", "error", "-i", str(wav), "-c:a", "libopus", "-f", "webm", str(path)],
        check=True,
        capture_output=True,
    )
    return path.read_bytes()


def recording_file(path: Path, manifest: dict, files: dict[str, bytes]) -> Path:
    """Write a recording file: the manifest as JSON and each named file, stored as the page stores them."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False))
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def manifest_for(lang: str, kind: str, item: str, takes: list[dict], recorded: str = "2026-12-07") -> dict:
    """Return a manifest of format 1 as the recording page writes it."""
    return {"format": 1, "lang": lang, "kind": kind, "item": item, "recorded": recorded, "takes": takes}
