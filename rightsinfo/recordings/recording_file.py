"""The one file a volunteer sends: a zip holding ``manifest.json`` and one audio file per take.

The recording page makes it on the phone (``static/record.js``); the editor's ``audio import`` reads it
here. It comes from outside, so it is read as hostile: only the files the manifest names are read, none
bigger than a take can be, names are plain file names (no folders, no ``..``), and the manifest's
language, kind, item and sections must be plain keys before any of them becomes part of a path.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from rightsinfo import i18n
from rightsinfo.recordings.texts import KINDS

FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
RECORDING_FILE_MAX_BYTES = 200 * 1024 * 1024  # a long page read slowly, in the browser's own format
TAKE_MAX_BYTES = 40 * 1024 * 1024  # twenty minutes of one section, far beyond any real section
MANIFEST_MAX_BYTES = 256 * 1024
TAKES_MAX = 200
KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")  # slugs, card ids, section anchors
TAKE_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")
SHORT_HASH = re.compile(r"[0-9a-f]{16}")


class BadRecordingFile(Exception):
    """The file as a whole cannot be read: not a zip, no usable manifest, or a file it should not hold."""


@dataclass(frozen=True)
class Take:
    """One section as the volunteer recorded it, and the hashes of the text they read."""

    section: str
    file: str
    text_hash: str
    facts_hash: str


@dataclass(frozen=True)
class Manifest:
    """What the file says it holds: one item in one language, recorded on one day."""

    lang: str
    kind: str
    item: str
    recorded: dt.date
    takes: tuple[Take, ...]


def file_name(lang: str, kind: str, item: str, recorded: dt.date) -> str:
    """Return the name the recording page gives the file, so an editor sees what it holds."""
    return f"rightsinfo-recording-{lang}-{kind}-{item}-{recorded:%Y%m%d}.zip"


def read_recording_file(path: Path) -> tuple[Manifest, dict[str, bytes]]:
    """Return the manifest and the bytes of each take it names, or raise ``BadRecordingFile``."""
    if path.stat().st_size > RECORDING_FILE_MAX_BYTES:
        raise BadRecordingFile(f"bigger than {RECORDING_FILE_MAX_BYTES // (1024 * 1024)} MB")
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = parse_manifest(read_member(archive, MANIFEST_NAME, MANIFEST_MAX_BYTES))
            audio = {take.file: read_member(archive, take.file, TAKE_MAX_BYTES) for take in manifest.takes}
    except zipfile.BadZipFile as error:
        raise BadRecordingFile(f"not a zip file ({error})") from error
    return manifest, audio


def read_member(archive: zipfile.ZipFile, name: str, max_bytes: int) -> bytes:
    """Return one named file of the zip, refusing one that is missing or unpacks bigger than ``max_bytes``."""
    try:
        info = archive.getinfo(name)
    except KeyError as error:
        raise BadRecordingFile(f"{name} is named in the manifest but not in the file") from error
    if info.is_dir() or info.file_size > max_bytes:
        raise BadRecordingFile(f"{name} is bigger than {max_bytes} bytes")
    with archive.open(info) as member:
        data = member.read(max_bytes + 1)  # the header's size may lie: never read past the limit
    if len(data) > max_bytes:
        raise BadRecordingFile(f"{name} is bigger than {max_bytes} bytes")
    return data


def parse_manifest(data: bytes) -> Manifest:
    """Return the manifest from its JSON, every value checked before it names a path or a language."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadRecordingFile(f"{MANIFEST_NAME} is not JSON ({error})") from error
    if not isinstance(raw, dict) or raw.get("format") != FORMAT_VERSION:
        raise BadRecordingFile(f"{MANIFEST_NAME}: not a recording manifest of format {FORMAT_VERSION}")
    lang, kind, item = raw.get("lang"), raw.get("kind"), raw.get("item")
    if not isinstance(lang, str) or i18n.get_language(lang) is None:
        raise BadRecordingFile(f"{MANIFEST_NAME}: unknown language {lang!r}")
    if kind not in KINDS:
        raise BadRecordingFile(f"{MANIFEST_NAME}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
    if not isinstance(item, str) or not KEY.fullmatch(item):
        raise BadRecordingFile(f"{MANIFEST_NAME}: {item!r} is not a page, card or block id")
    try:
        recorded = dt.date.fromisoformat(str(raw.get("recorded")))
    except ValueError as error:
        raise BadRecordingFile(f"{MANIFEST_NAME}: 'recorded' is not a date (YYYY-MM-DD)") from error
    takes = raw.get("takes")
    if not isinstance(takes, list) or not 0 < len(takes) <= TAKES_MAX:
        raise BadRecordingFile(f"{MANIFEST_NAME}: 'takes' must list between 1 and {TAKES_MAX} takes")
    return Manifest(lang, kind, item, recorded, tuple(parse_take(take) for take in takes))


def parse_take(raw: object) -> Take:
    """Return one take of the manifest, refusing any value that is not a plain key, name or hash."""
    if not isinstance(raw, dict):
        raise BadRecordingFile(f"{MANIFEST_NAME}: a take is not an object")
    section, name = raw.get("section"), raw.get("file")
    text_hash, facts_hash = raw.get("text_hash"), raw.get("facts_hash")
    if not isinstance(section, str) or not KEY.fullmatch(section):
        raise BadRecordingFile(f"{MANIFEST_NAME}: {section!r} is not a section key")
    if not isinstance(name, str) or not TAKE_FILE_NAME.fullmatch(name) or name == MANIFEST_NAME:
        raise BadRecordingFile(f"{MANIFEST_NAME}: {name!r} is not a plain file name")
    for value in (text_hash, facts_hash):
        if not isinstance(value, str) or not SHORT_HASH.fullmatch(value):
            raise BadRecordingFile(f"{MANIFEST_NAME}: {value!r} is not a text hash (16 hex digits)")
    return Take(section, name, text_hash, facts_hash)
