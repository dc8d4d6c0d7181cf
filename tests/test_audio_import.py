"""``flask --app rightsinfo audio import FILE``: takes checked against today's text, converted, placed.

The fixture site's Pashto page ``alpha`` has an introduction ("۷۲ ساعته") and one section with phone
numbers; each test sends a recording file made as the recording page makes it and reads what the
command printed and wrote into the test's own copy of ``content/``.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import tomllib
from pathlib import Path

import pytest
from recording_files import manifest_for, recording_file, webm_take

from rightsinfo.build import build_site
from rightsinfo.recordings import texts
from rightsinfo.recordings.conversion import OPUS_FRAME_MS, OPUS_SAMPLE_RATE_HZ, probe
from rightsinfo.site import site_of

SPOKEN = "سلام. تاسو اووه دوه ساعته لرئ."


@pytest.fixture
def today(app) -> dict[str, texts.SectionText]:
    """Today's sections of the Pashto page alpha, from the built database."""
    with app.app_context():
        found = texts.sections(site_of(app).database.connection, "ps", "pages", "alpha")
    assert [section.key for section in found][:1] == ["intro"] and len(found) == 2, found
    return {section.key: section for section in found}


@pytest.fixture
def speech(tmp_path) -> bytes:
    """A few seconds of speech as Chromium records it."""
    return webm_take(tmp_path / "speech.webm", SPOKEN)


def built_states(site_dirs: dict[str, Path]) -> dict[str, str]:
    """Build the site from the test's content and return the state of each recorded section of alpha."""
    report = build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    with sqlite3.connect(report.database) as conn:
        rows = conn.execute(
            "SELECT section, state FROM recordings WHERE lang = 'ps' AND kind = 'pages' AND item_id = 'alpha'"
        )
        return dict(rows.fetchall())


def take(section: texts.SectionText, name: str, **changed: str) -> dict:
    """Return a manifest take for ``section`` as it reads today, with any hash ``changed``."""
    return {
        "section": section.key,
        "file": name,
        "text_hash": section.text_hash,
        "facts_hash": section.facts_hash,
        **changed,
    }


def run_import(runner, path: Path):
    """Run the import command and return its result."""
    return runner.invoke(args=["audio", "import", str(path)])


def stream_of(path: Path) -> dict:
    """Return what ffprobe says of a file's first audio stream, its container and its length."""
    found = probe(path)
    return {
        **found["streams"][0],
        "format_name": found["format"]["format_name"],
        "seconds": found["format"]["duration"],
    }


def test_takes_of_todays_text_are_converted_and_placed_beside_their_hashes(
    runner, site_dirs, today, speech, tmp_path
):
    sections = list(today.values())
    sent = recording_file(
        tmp_path / "rec.zip",
        manifest_for(
            "ps", "pages", "alpha", [take(sections[0], "intro.webm"), take(sections[1], "second.webm")]
        ),
        {"intro.webm": speech, "second.webm": speech},
    )
    result = run_import(runner, sent)
    assert result.exit_code == 0, result.output
    folder = site_dirs["content"] / "recordings" / "ps" / "pages" / "alpha"
    for section in sections:
        assert f"{section.key}: new" in result.output
        audio = folder / f"{section.key}.ogg"
        stream = stream_of(audio)
        assert (stream["codec_name"], stream["channels"], stream["format_name"]) == ("opus", 1, "ogg")
        assert int(stream["sample_rate"]) == OPUS_SAMPLE_RATE_HZ
        described = tomllib.loads((folder / f"{section.key}.toml").read_text(encoding="utf-8"))
        assert described["text_hash"] == section.text_hash
        assert described["facts_hash"] == section.facts_hash
        assert str(described["recorded"]) == "2026-12-07"
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        f"{section.key}.{suffix}" for section in sections for suffix in ("ogg", "toml")
    ), "nothing else is left in the folder"
    assert built_states(site_dirs) == {section.key: "current" for section in sections}


def packet_seconds(path) -> list[float]:
    """Return how long each packet of a file's sound stream lasts, as ffprobe reads it."""
    found = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "packet=duration_time",
         "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [float(packet["duration_time"]) for packet in json.loads(found.stdout)["packets"]]


def import_intro(runner, site_dirs, today, speech, tmp_path) -> Path:
    """Import one take of the Pashto page's intro; return the recording it was stored as."""
    sent = recording_file(
        tmp_path / "rec.zip",
        manifest_for("ps", "pages", "alpha", [take(today["intro"], "a.webm")]),
        {"a.webm": speech},
    )
    assert run_import(runner, sent).exit_code == 0
    return site_dirs["content"] / "recordings" / "ps" / "pages" / "alpha" / "intro.ogg"


def test_a_take_is_stored_in_long_packets_so_the_served_copy_costs_less_data(
    runner, site_dirs, today, speech, tmp_path
):
    packets = packet_seconds(import_intro(runner, site_dirs, today, speech, tmp_path))
    assert len(packets) > 3
    assert all(abs(seconds - OPUS_FRAME_MS / 1000) < 0.001 for seconds in packets[:-1]), packets[:5]


def test_silence_is_trimmed_at_both_ends(runner, site_dirs, today, speech, tmp_path):
    placed = import_intro(runner, site_dirs, today, speech, tmp_path)
    source = tmp_path / "speech.webm"
    before, after = float(stream_of(source)["seconds"]), float(stream_of(placed)["seconds"])
    assert before - after > 1.0, (
        f"{before} s sent, {after} s kept: the two seconds of silence were not trimmed"
    )


def test_a_second_import_replaces_the_recording(runner, today, speech, tmp_path):
    sent = recording_file(
        tmp_path / "rec.zip",
        manifest_for("ps", "pages", "alpha", [take(today["intro"], "a.webm")]),
        {"a.webm": speech},
    )
    assert "intro: new" in run_import(runner, sent).output
    again = run_import(runner, sent)
    assert again.exit_code == 0 and "intro: replaced" in again.output, again.output


def test_a_take_whose_numbers_changed_is_refused_and_the_command_fails(
    runner, site_dirs, today, speech, tmp_path
):
    old_facts = "0" * 16
    sent = recording_file(
        tmp_path / "rec.zip",
        manifest_for(
            "ps",
            "pages",
            "alpha",
            [
                take(today["intro"], "a.webm", text_hash="1" * 16, facts_hash=old_facts),
                take(today["intro"], "b.webm"),
            ],
        ),
        {"a.webm": speech, "b.webm": speech},
    )
    result = run_import(runner, sent)
    assert result.exit_code == 1, result.output
    assert (
        "intro: refused: the text changed since it was recorded, and its numbers or links changed"
        in result.output
    )
    assert "intro: refused: recorded twice" in result.output
    assert not (site_dirs["content"] / "recordings" / "ps" / "pages" / "alpha" / "intro.ogg").exists()


def test_a_take_whose_wording_alone_changed_is_placed_as_reworded(runner, site_dirs, today, speech, tmp_path):
    older_text = "2" * 16
    sent = recording_file(
        tmp_path / "rec.zip",
        manifest_for("ps", "pages", "alpha", [take(today["intro"], "a.webm", text_hash=older_text)]),
        {"a.webm": speech},
    )
    result = run_import(runner, sent)
    assert result.exit_code == 0, result.output
    assert (
        "intro: new: the wording changed since it was recorded (numbers and links did not)" in result.output
    )
    toml = site_dirs["content"] / "recordings" / "ps" / "pages" / "alpha" / "intro.toml"
    assert tomllib.loads(toml.read_text(encoding="utf-8"))["text_hash"] == older_text, (
        "the build must see it reworded"
    )
    assert built_states(site_dirs)["intro"] == "reworded"


def test_a_section_the_page_does_not_have_and_a_file_that_is_not_sound_are_refused(
    runner, site_dirs, today, speech, tmp_path
):
    stranger = texts.SectionText("no-such-section", "x")
    sent = recording_file(
        tmp_path / "rec.zip",
        manifest_for("ps", "pages", "alpha", [take(stranger, "a.webm"), take(today["intro"], "photo.webm")]),
        {"a.webm": speech, "photo.webm": b"\x89PNG\r\n\x1a\n not sound at all"},
    )
    result = run_import(runner, sent)
    assert result.exit_code == 1
    assert (
        "no-such-section: refused: no such section on this page today (wrong page or section)"
        in result.output
    )
    assert "intro: refused: not audio" in result.output
    assert not (site_dirs["content"] / "recordings").joinpath("ps", "pages", "alpha", "intro.ogg").exists()


@pytest.mark.parametrize(
    ("lang", "item"),
    [("ps", "no-such-page"), ("ar", "beta")],  # beta has no Arabic text: readers see English
)
def test_a_page_not_shown_in_the_language_refuses_the_whole_file(runner, today, speech, tmp_path, lang, item):
    sent = recording_file(
        tmp_path / "rec.zip",
        manifest_for(lang, "pages", item, [take(today["intro"], "a.webm")]),
        {"a.webm": speech},
    )
    result = run_import(runner, sent)
    assert result.exit_code == 1
    assert f"there is no pages item '{item}' in {lang} today" in result.output


def test_the_site_is_built_first_when_content_changed_since_the_last_build(
    runner, site_dirs, today, speech, tmp_path
):
    page = site_dirs["content"] / "pages" / "alpha" / "ps.md"
    page.write_text(page.read_text(encoding="utf-8").replace("مرکز ته", "کمپ ته"), encoding="utf-8")
    sent = recording_file(
        tmp_path / "rec.zip",
        manifest_for("ps", "pages", "alpha", [take(today["intro"], "a.webm")]),
        {"a.webm": speech},
    )
    result = run_import(runner, sent)
    assert "building it first" in result.output
    # Checked against the rebuilt text: the take read the old wording, with the same numbers.
    assert "intro: new: the wording changed since it was recorded" in result.output, result.output


def test_a_take_too_short_to_be_a_reading_of_its_section_is_refused(runner, site_dirs, today, tmp_path):
    word = webm_take(tmp_path / "word.webm", "سلام")  # one word for a sentence: cut short
    sent = recording_file(
        tmp_path / "rec.zip",
        manifest_for("ps", "pages", "alpha", [take(today["intro"], "a.webm")]),
        {"a.webm": word},
    )
    result = run_import(runner, sent)
    assert result.exit_code == 1
    assert "intro: refused: " in result.output and "cannot be a reading of this" in result.output, (
        result.output
    )
    assert not (site_dirs["content"] / "recordings").exists(), "nothing is written for a refused take"
