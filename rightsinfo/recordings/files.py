"""Reading and checking the recordings in ``content/recordings/``: one Ogg Opus file and its sidecar each.

The layout is ``recordings/<lang>/<kind>/<item_id>/<section>.ogg`` beside ``<section>.toml``, which holds
the hashes of the text the take reads and the date it was recorded. Every problem names the file, and
the line for the sidecar, so the build stops as it does for a broken page and the site keeps serving
the last good build.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from rightsinfo.content.problems import Problems
from rightsinfo.i18n import LOCALE_BY_PREFIX
from rightsinfo.recordings.texts import HASH_HEX_CHARS, KINDS

RECORDINGS_DIR_NAME = "recordings"
AUDIO_SUFFIX, SIDECAR_SUFFIX = ".ogg", ".toml"
REQUIRED_FIELDS = ("text_hash", "facts_hash", "recorded")
KNOWN_FIELDS = (*REQUIRED_FIELDS, "by")
HASH_PATTERN = re.compile(rf"[0-9a-f]{{{HASH_HEX_CHARS}}}")
TOML_LINE = re.compile(r"at line (\d+)")


@dataclass(frozen=True)
class RecordingFile:
    """One checked recording as the content holds it: where it belongs, what it reads, how long it lasts."""

    path: Path
    lang: str
    kind: str
    item_id: str
    section: str
    text_hash: str
    facts_hash: str
    recorded: dt.date
    by: str | None
    duration_ms: int


def field_line(text: str, name: str) -> int | None:
    """Return the line of a sidecar that sets ``name``, so a wrong value is found at once."""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(name)}\s*=", line):
            return number
    return None


def read_sidecar(path: Path, problems: Problems) -> dict | None:
    """Return a sidecar's checked fields, or None after recording each problem with its line."""
    text = path.read_text(encoding="utf-8")
    try:
        fields = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = TOML_LINE.search(str(error))
        problems.add(path, f"not valid TOML: {error}", int(line.group(1)) if line else None)
        return None
    before = len(problems.lines)
    for name in REQUIRED_FIELDS:
        if name not in fields:
            problems.add(path, f"'{name}' is missing (every recording says {', '.join(REQUIRED_FIELDS)})")
    for name in sorted(set(fields) - set(KNOWN_FIELDS)):
        problems.add(
            path, f"unknown field '{name}' (known: {', '.join(KNOWN_FIELDS)})", field_line(text, name)
        )
    for name in ("text_hash", "facts_hash"):
        value = fields.get(name)
        if name in fields and not (isinstance(value, str) and HASH_PATTERN.fullmatch(value)):
            problems.add(
                path, f"'{name}' must be {HASH_HEX_CHARS} lowercase hex digits", field_line(text, name)
            )
    recorded = fields.get("recorded")
    if "recorded" in fields and (not isinstance(recorded, dt.date) or isinstance(recorded, dt.datetime)):
        problems.add(
            path, "'recorded' must be a date such as 2026-12-07 (no quotes)", field_line(text, "recorded")
        )
    if "by" in fields and not isinstance(fields["by"], str):
        problems.add(path, "'by' must be text in quotes", field_line(text, "by"))
    return fields if len(problems.lines) == before else None


def opus_duration_ms(path: Path, problems: Problems) -> int | None:
    """Return a recording's length if it is a real mono Ogg Opus file, else None after saying why."""
    from mutagen import MutagenError
    from mutagen.oggopus import OggOpus

    try:
        audio = OggOpus(path)
    except MutagenError as error:
        problems.add(path, f"not an Ogg Opus file ({error}); `flask --app rightsinfo audio import` makes one")
        return None
    if audio.info.channels != 1:
        problems.add(path, f"{audio.info.channels} channels: a recording is mono")
        return None
    return round(audio.info.length * 1000)


def place_of(path: Path, root: Path, problems: Problems) -> tuple[str, str, str, str] | None:
    """Return (lang, kind, item_id, section) from a recording's path, or None if it is out of place."""
    parts = path.relative_to(root).parts
    if len(parts) != 4:
        problems.add(path, "out of place: recordings live at recordings/<lang>/<kind>/<item>/<section>.ogg")
        return None
    lang, kind, item_id, _name = parts
    if lang not in LOCALE_BY_PREFIX:
        problems.add(path, f"'{lang}' is not a language of the site ({', '.join(LOCALE_BY_PREFIX)})")
        return None
    if kind not in KINDS:
        problems.add(path, f"'{kind}' is not a kind of recording ({', '.join(KINDS)})")
        return None
    return lang, kind, item_id, path.stem


def read_recordings(content_dir: Path, problems: Problems) -> list[RecordingFile]:
    """Return every recording under ``content/recordings/``; record a problem for each broken one."""
    root = content_dir / RECORDINGS_DIR_NAME
    found: list[RecordingFile] = []
    for path in sorted(root.rglob("*")) if root.is_dir() else ():
        if path.is_dir() or path.name.startswith("."):
            continue
        if path.suffix == SIDECAR_SUFFIX:
            if not path.with_suffix(AUDIO_SUFFIX).exists():
                problems.add(path, f"no {path.stem}{AUDIO_SUFFIX} beside it")
            continue
        if path.suffix != AUDIO_SUFFIX:
            problems.add(
                path, f"not a recording: only {AUDIO_SUFFIX} files and their {SIDECAR_SUFFIX} live here"
            )
            continue
        place = place_of(path, root, problems)
        sidecar = path.with_suffix(SIDECAR_SUFFIX)
        if not sidecar.exists():
            problems.add(path, f"no {sidecar.name} beside it (the hashes of the text it reads)")
            continue
        fields = read_sidecar(sidecar, problems)
        duration_ms = opus_duration_ms(path, problems)
        if place and fields and duration_ms is not None:
            found.append(
                RecordingFile(
                    path,
                    *place,
                    fields["text_hash"],
                    fields["facts_hash"],
                    fields["recorded"],
                    fields.get("by"),
                    duration_ms,
                )
            )
    return found
