"""A recording file comes from outside: only what its manifest names is read, by plain names, in limits."""

from __future__ import annotations

import json
import zipfile

import pytest
from recording_files import manifest_for, recording_file

from rightsinfo.recordings import recording_file as module
from rightsinfo.recordings.recording_file import BadRecordingFile, read_recording_file

HASH = "0123456789abcdef"


def one_take(name: str = "intro.webm", section: str = "intro", **manifest) -> dict:
    """Return a manifest for the Pashto page alpha with one take, any field overridden."""
    take = {"section": section, "file": name, "text_hash": HASH, "facts_hash": HASH}
    return {**manifest_for("ps", "pages", "alpha", [take]), **manifest}


def test_a_good_file_gives_its_manifest_and_only_the_takes_it_names(tmp_path):
    sent = recording_file(
        tmp_path / "r.zip", one_take(), {"intro.webm": b"sound", "../../evil.sh": b"rm -rf"}
    )
    manifest, audio = read_recording_file(sent)
    assert (manifest.lang, manifest.kind, manifest.item, str(manifest.recorded)) == (
        "ps",
        "pages",
        "alpha",
        "2026-12-07",
    )
    assert [take.section for take in manifest.takes] == ["intro"]
    assert audio == {"intro.webm": b"sound"}, "a file the manifest does not name is never read"


@pytest.mark.parametrize(
    ("manifest", "why"),
    [
        (one_take(name="../../../etc/cron.d/x"), "is not a plain file name"),
        (one_take(name="/abs.webm"), "is not a plain file name"),
        (one_take(name="sub/dir.webm"), "is not a plain file name"),
        (one_take(name="manifest.json"), "is not a plain file name"),
        (one_take(section="../intro"), "is not a section key"),
        (one_take(item="../../pages"), "is not a page, card or block id"),
        (one_take(lang="xx"), "unknown language"),
        (one_take(kind="videos"), "unknown kind"),
        (one_take(recorded="yesterday"), "'recorded' is not a date"),
        (one_take(format=2), "not a recording manifest of format 1"),
        (one_take(takes=[]), "'takes' must list"),
        ({**one_take(), "takes": [{**one_take()["takes"][0], "text_hash": "x" * 16}]}, "is not a text hash"),
    ],
)
def test_a_manifest_value_that_could_name_another_path_or_is_wrong_refuses_the_file(tmp_path, manifest, why):
    sent = recording_file(tmp_path / "r.zip", manifest, {"intro.webm": b"sound"})
    with pytest.raises(BadRecordingFile, match=why):
        read_recording_file(sent)


def test_a_take_the_manifest_names_but_the_file_lacks_refuses_the_file(tmp_path):
    sent = recording_file(tmp_path / "r.zip", one_take(), {})
    with pytest.raises(BadRecordingFile, match="named in the manifest but not in the file"):
        read_recording_file(sent)


def test_something_that_is_not_a_zip_or_has_no_manifest_is_refused(tmp_path):
    not_zip = tmp_path / "photo.zip"
    not_zip.write_bytes(b"\xff\xd8\xff\xe0 a photo")
    with pytest.raises(BadRecordingFile, match="not a zip file"):
        read_recording_file(not_zip)
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("intro.webm", b"sound")
    with pytest.raises(BadRecordingFile, match=r"manifest\.json is named in the manifest but not"):
        read_recording_file(empty)


def test_a_take_that_unpacks_bigger_than_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(module, "TAKE_MAX_BYTES", 1000)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(one_take()))
        archive.writestr("intro.webm", b"\0" * 1_000_000)  # a few KB packed, a megabyte unpacked
    assert bomb.stat().st_size < 10_000
    with pytest.raises(BadRecordingFile, match=r"intro\.webm is bigger than 1000 bytes"):
        read_recording_file(bomb)


def test_a_file_bigger_than_the_limit_is_refused_unopened(tmp_path, monkeypatch):
    monkeypatch.setattr(module, "RECORDING_FILE_MAX_BYTES", 100)
    sent = recording_file(tmp_path / "r.zip", one_take(), {"intro.webm": b"s" * 500})
    with pytest.raises(BadRecordingFile, match="bigger than"):
        read_recording_file(sent)
