"""``flask --app rightsinfo audio import FILE``: a volunteer's recording file checked, converted and placed.

Each take is checked against the text readers are served today (``texts.sections`` on the built
database), not against the text the volunteer saw: a take of a section whose numbers or links have
changed since is refused (a reader must never hear an old number); one whose wording alone changed is
placed with the hash of the text it read, so the build marks it "reworded". Accepted takes are
converted (``conversion``) and written as ``content/recordings/<lang>/<kind>/<item>/<section>.ogg`` with
its ``.toml`` beside it; ``make build`` then makes the site play them.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from rightsinfo.build import content_version
from rightsinfo.config import DATABASE_NAME
from rightsinfo.db import SiteDatabase, SiteNotBuilt
from rightsinfo.recordings import texts
from rightsinfo.recordings.conversion import NotAudio, convert_take
from rightsinfo.recordings.recording_file import BadRecordingFile, Manifest, Take, read_recording_file
from rightsinfo.recordings.states import duration_bounds_ms
from rightsinfo.site import content_dir, translations_dir

RECORDINGS_DIR_NAME = "recordings"  # under content/

audio_cli = AppGroup("audio", help="Recorded voices: import the file a volunteer recorded on a phone.")


@dataclass(frozen=True)
class Outcome:
    """What became of one take: ``new``, ``replaced`` or ``refused``, and why."""

    section: str
    verdict: str
    why: str = ""


def recording_folder(content: Path, manifest: Manifest) -> Path:
    """Return the folder an item's recordings live in, one language per folder."""
    return content / RECORDINGS_DIR_NAME / manifest.lang / manifest.kind / manifest.item


def refusal(take: Take, today: texts.SectionText | None, seen: set[str]) -> str | None:
    """Return why a take cannot be used today, or None when it can."""
    if today is None:
        return "no such section on this page today (wrong page or section)"
    if take.section in seen:
        return "recorded twice in this file: only the first take is used"
    if take.facts_hash != today.facts_hash:
        return "the text changed since it was recorded, and its numbers or links changed: record it again"
    return None


def toml_text(take: Take, manifest: Manifest) -> str:
    """Return the ``.toml`` beside a recording: the hashes of the text it reads and the day of the take."""
    # Every value was checked as 16 hex digits or a date (recording_file), so none needs quoting rules.
    return (
        f'text_hash = "{take.text_hash}"   # of the text it reads\n'
        f'facts_hash = "{take.facts_hash}"\n'
        f"recorded = {manifest.recorded.isoformat()}\n"
    )


def length_refusal(seconds: float, section: texts.SectionText) -> str | None:
    """Return why a take's length cannot be a reading of its section, judged as the build judges it."""
    shortest_ms, longest_ms = duration_bounds_ms(section.text)
    if shortest_ms <= seconds * 1000 <= longest_ms:
        return None
    return (
        f"{seconds:.1f} s of speech cannot be a reading of this {len(section.text)}-character section "
        f"(expected {shortest_ms / 1000:.0f}–{longest_ms / 1000:.0f} s): cut short, or another section?"
    )


def place_take(
    take: Take, audio: bytes, manifest: Manifest, folder: Path, section: texts.SectionText
) -> Outcome:
    """Convert one take and write its ``.ogg`` and ``.toml``, replacing any earlier recording atomically."""
    target = folder / f"{take.section}.ogg"
    existed = target.exists()
    with tempfile.TemporaryDirectory(prefix="rightsinfo-take-") as work:
        source = Path(work) / take.file
        source.write_bytes(audio)
        converted = Path(work) / "converted.ogg"
        try:
            why = length_refusal(convert_take(source, converted), section)
        except NotAudio as error:
            why = str(error)
        if why:  # the build would fail on it: refused here, where the editor can ask for a new take
            return Outcome(take.section, "refused", why)
        folder.mkdir(parents=True, exist_ok=True)
        for suffix, data in ((".ogg", converted.read_bytes()), (".toml", toml_text(take, manifest).encode())):
            partial = folder / f".{take.section}{suffix}.part"  # beside its target, so the rename is atomic
            partial.write_bytes(data)
            os.replace(partial, target.with_suffix(suffix))
    return Outcome(take.section, "replaced" if existed else "new")


def import_recording(path: Path, conn: sqlite3.Connection, content: Path) -> list[Outcome]:
    """Import every usable take of a recording file; raise ``BadRecordingFile`` if none can be read."""
    manifest, audio = read_recording_file(path)
    today = {
        section.key: section for section in texts.sections(conn, manifest.lang, manifest.kind, manifest.item)
    }
    if not today:
        raise BadRecordingFile(
            f"there is no {manifest.kind} item {manifest.item!r} in {manifest.lang} today "
            "(a wrong page, or one readers are served in English while its translation is updating)"
        )
    folder = recording_folder(content, manifest)
    outcomes, seen = [], set()
    for take in manifest.takes:
        why = refusal(take, today.get(take.section), seen)
        seen.add(take.section)
        if why:
            outcomes.append(Outcome(take.section, "refused", why))
            continue
        outcome = place_take(take, audio[take.file], manifest, folder, today[take.section])
        if outcome.verdict != "refused" and take.text_hash != today[take.section].text_hash:
            why = "the wording changed since it was recorded (numbers and links did not): played with a note"
            outcome = Outcome(outcome.section, outcome.verdict, why)
        outcomes.append(outcome)
    return outcomes


def database_is_current(database: Path) -> bool:
    """Return whether the built database was built from today's content and catalogues."""
    try:
        built = SiteDatabase(database).version
    except SiteNotBuilt:
        return False
    return built == content_version(content_dir(), translations_dir())


@audio_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_command(ctx: click.Context, file: Path) -> None:
    """Check a volunteer's recording file against today's text and place the takes that still fit."""
    database = Path(current_app.instance_path) / DATABASE_NAME
    if not database_is_current(database):
        # Takes are checked against what readers are served: the build of today's content.
        click.echo("The built site is older than the content: building it first.")
        root = ctx.find_root()
        ctx.invoke(root.command.get_command(root, "build"))
    try:
        outcomes = import_recording(file, SiteDatabase(database).connection, content_dir())
    except BadRecordingFile as error:
        click.echo(f"{file.name}: refused: {error}", err=True)
        sys.exit(1)
    for outcome in outcomes:
        line = f"{outcome.section}: {outcome.verdict}" + (f": {outcome.why}" if outcome.why else "")
        click.echo(line, err=outcome.verdict == "refused")
    refused = sum(outcome.verdict == "refused" for outcome in outcomes)
    placed = len(outcomes) - refused
    then = " Run `make build` to make the site play them." if placed else ""
    click.echo(f"{file.name}: {placed} take(s) placed, {refused} refused.{then}")
    if refused:
        sys.exit(1)
