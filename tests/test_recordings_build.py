"""The build checks every recording, naming the file, and decides which may play."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from recording_fixtures import add_recording, sidecar_text, speak_ogg

from rightsinfo.build import build_site
from rightsinfo.config import AUDIO_DIR_NAME, DATABASE_NAME
from rightsinfo.content import ContentError
from rightsinfo.recordings import served, texts
from rightsinfo.recordings.texts import SectionText

EBML_MAGIC = b"\x1a\x45\xdf\xa3"  # the first bytes of every Matroska (WebM) file


def build(dirs: dict[str, Path]) -> sqlite3.Connection:
    """Build the content copy and open its database as the site reads it."""
    build_site(dirs["content"], dirs["translations"], dirs["instance"])
    conn = sqlite3.connect(dirs["instance"] / DATABASE_NAME)
    conn.row_factory = sqlite3.Row
    return conn


def state(conn: sqlite3.Connection, lang: str, kind: str, item_id: str, section: str) -> dict:
    """Return one section's row of the recordings table."""
    row = conn.execute(
        "SELECT * FROM recordings WHERE lang = ? AND kind = ? AND item_id = ? AND section = ?",
        (lang, kind, item_id, section),
    ).fetchone()
    return dict(row)


@pytest.fixture
def built(site_dirs):
    """The fixture site built once, and the sections of its Pashto page 'alpha'."""
    conn = build(site_dirs)
    return site_dirs, texts.sections(conn, "ps", "pages", "alpha")


def served_file(dirs: dict[str, Path], row: dict) -> Path:
    """Return the file the build placed for a row's address."""
    return dirs["instance"] / AUDIO_DIR_NAME / (row["url"].rsplit(".", 2)[1] + ".webm")


def test_a_current_recording_is_served_from_a_hashed_webm_file(built):
    dirs, (intro, *_rest) = built
    add_recording(dirs["content"], "ps", "pages", "alpha", intro)
    row = state(build(dirs), "ps", "pages", "alpha", "intro")
    assert row["state"] == "current" and row["why"] is None
    assert row["url"].startswith("/audio/ps/pages/alpha/intro.") and row["url"].endswith(".webm")
    served = served_file(dirs, row)
    assert served.read_bytes()[:4] == EBML_MAGIC
    assert row["bytes"] == served.stat().st_size and row["duration_ms"] > 500


def test_two_builds_of_the_same_take_serve_the_same_bytes_at_the_same_address(built, tmp_path):
    dirs, (intro, *_rest) = built
    add_recording(dirs["content"], "ps", "pages", "alpha", intro)
    first = state(build(dirs), "ps", "pages", "alpha", "intro")
    again = {**dirs, "instance": tmp_path / "another-instance"}  # a fresh server: nothing placed yet
    second = state(build(again), "ps", "pages", "alpha", "intro")
    assert second["url"] == first["url"]
    assert served_file(again, second).read_bytes() == served_file(dirs, first).read_bytes()


def test_a_new_take_gets_a_new_address(built):
    dirs, (intro, *_rest) = built
    audio = add_recording(dirs["content"], "ps", "pages", "alpha", intro)
    first = state(build(dirs), "ps", "pages", "alpha", "intro")
    speak_ogg(intro.text, audio, extra=["-b:a", "16k"])  # the same words taken again
    assert state(build(dirs), "ps", "pages", "alpha", "intro")["url"] != first["url"]


def test_a_take_ffmpeg_cannot_copy_into_webm_fails_the_build_naming_it(built, monkeypatch):
    dirs, (intro, *_rest) = built
    add_recording(dirs["content"], "ps", "pages", "alpha", intro)
    monkeypatch.setattr(served, "REMUX_OPTIONS", ("-f", "no-such-format"))  # as a broken ffmpeg would
    assert_build_fails(dirs, "content/recordings/ps/pages/alpha/intro.ogg: cannot be copied into WebM")
    assert not list((dirs["instance"] / AUDIO_DIR_NAME).glob("*.webm")), "no half-made file is left"


def test_sections_without_a_recording_are_missing(built):
    dirs, sections = built
    conn = build(dirs)
    for section in sections:
        assert state(conn, "ps", "pages", "alpha", section.key)["state"] == "missing"
    assert state(conn, "ps", "emergency", "numbers", "numbers")["state"] == "missing"


def test_a_recording_of_an_older_number_is_outdated_and_never_served(built):
    dirs, (intro, *_rest) = built
    older = SectionText(intro.key, intro.text.replace("۷۲", "۴۸"), intro.links)  # it said 48 hours then
    assert older.facts_hash != intro.facts_hash
    add_recording(dirs["content"], "ps", "pages", "alpha", older)
    row = state(build(dirs), "ps", "pages", "alpha", "intro")
    assert row["state"] == "outdated" and row["why"] == "numbers or links changed"
    assert row["url"] is None


def test_a_reworded_recording_still_plays(built):
    dirs, (intro, *_rest) = built
    older = SectionText(intro.key, intro.text.replace("مرکز", "کمپ"), intro.links)  # one word changed
    add_recording(dirs["content"], "ps", "pages", "alpha", older)
    row = state(build(dirs), "ps", "pages", "alpha", "intro")
    assert row["state"] == "reworded" and row["url"]


def assert_build_fails(dirs: dict[str, Path], *expected: str) -> None:
    """Build, expect it to fail naming ``expected``, and the last good build to stay in place."""
    database = dirs["instance"] / DATABASE_NAME
    before = database.read_bytes()
    with pytest.raises(ContentError) as failure:
        build_site(dirs["content"], dirs["translations"], dirs["instance"])
    message = str(failure.value)
    for part in expected:
        assert part in message
    assert database.read_bytes() == before


def test_a_file_that_is_not_ogg_opus_fails_the_build_naming_it(built):
    dirs, (intro, *_rest) = built
    add_recording(dirs["content"], "ps", "pages", "alpha", intro)
    (dirs["content"] / "recordings/ps/pages/alpha/intro.ogg").write_bytes(b"RIFF....WAVEfmt not opus")
    assert_build_fails(dirs, "content/recordings/ps/pages/alpha/intro.ogg: not an Ogg Opus file")


def test_a_stereo_recording_fails_the_build(built):
    dirs, (intro, *_rest) = built
    audio = add_recording(dirs["content"], "ps", "pages", "alpha", intro)
    speak_ogg(intro.text, audio, extra=["-ac", "2"])
    assert_build_fails(dirs, "content/recordings/ps/pages/alpha/intro.ogg: 2 channels")


def test_a_broken_sidecar_fails_the_build_at_its_line(built):
    dirs, (intro, *_rest) = built
    add_recording(dirs["content"], "ps", "pages", "alpha", intro)
    sidecar = dirs["content"] / "recordings/ps/pages/alpha/intro.toml"
    sidecar.write_text(sidecar_text(intro.text_hash, "not-a-hash"), encoding="utf-8")
    assert_build_fails(dirs, "content/recordings/ps/pages/alpha/intro.toml:2: 'facts_hash' must be 16")
    sidecar.write_text(sidecar_text(intro.text_hash, intro.facts_hash, '"7 December"'), encoding="utf-8")
    assert_build_fails(dirs, "intro.toml:3: 'recorded' must be a date")
    sidecar.write_text('text_hash = "abc\n', encoding="utf-8")
    assert_build_fails(dirs, "intro.toml:1: not valid TOML")


def test_a_recording_of_a_section_the_page_does_not_have_fails_the_build(built):
    dirs, (intro, *_rest) = built
    add_recording(dirs["content"], "ps", "pages", "alpha", SectionText("no-such-heading", intro.text))
    assert_build_fails(dirs, "recordings/ps/pages/alpha/no-such-heading.ogg: pages/alpha has no section")
    (dirs["content"] / "recordings/ps/pages/alpha/no-such-heading.ogg").unlink()
    (dirs["content"] / "recordings/ps/pages/alpha/no-such-heading.toml").unlink()
    add_recording(dirs["content"], "ps", "pages", "no-such-page", intro)
    assert_build_fails(dirs, "recordings/ps/pages/no-such-page/intro.ogg: there is no pages 'no-such-page'")


def test_a_take_far_longer_than_its_text_fails_the_build(built):
    dirs, (intro, *_rest) = built
    add_recording(dirs["content"], "ps", "pages", "alpha", intro, spoken=" ".join([intro.text] * 8))
    assert_build_fails(dirs, "intro.ogg:", "is not a reading of its")
