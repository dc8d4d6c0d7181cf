"""Recordings served at hashed addresses: a year's cache, Range requests, a 404 in the reader's language."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from conftest import make_app, without_isolation
from recording_fixtures import add_recording, recorded_app

from rightsinfo import db
from rightsinfo.build import build_site
from rightsinfo.config import AUDIO_DIR_NAME, DATABASE_NAME
from rightsinfo.recordings import texts
from rightsinfo.recordings.conversion import duration_seconds, probe
from rightsinfo.recordings.served import UNSERVED_KEPT_DAYS
from rightsinfo.site import connection

SAME_DURATION_SECONDS = 0.05  # copied, not re-encoded: the same packets, the same length


@pytest.fixture
def recorded(site_dirs):
    """The fixture site with the Pashto page 'alpha' recorded: its intro current, its next section older."""
    app = recorded_app(site_dirs)
    with app.app_context():
        rows = {row["section"]: row for row in db.recordings(connection(), "ps", "pages")}
    return app.test_client(), rows["intro"], rows[texts_second_key(rows)]


def texts_second_key(rows: dict[str, dict]) -> str:
    """Return the key of the recorded section after the intro."""
    return next(key for key, row in rows.items() if key != "intro" and row["state"] != "missing")


def test_a_recording_is_served_whole_immutable_and_without_cookies(recorded):
    client, intro, _second = recorded
    response = client.get(intro["url"])
    assert response.status_code == 200
    assert response.mimetype == "audio/webm"
    assert len(response.data) == intro["bytes"]
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["Accept-Ranges"] == "bytes"
    assert "Set-Cookie" not in response.headers


def packet_sizes(path: Path) -> list[int]:
    """Return the size of every audio packet in a file, as ffprobe reads them."""
    command = ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "packet=size"]
    result = subprocess.run([*command, "-of", "json", str(path)], capture_output=True, text=True, check=True)
    return [int(packet["size"]) for packet in json.loads(result.stdout)["packets"]]


def test_a_recording_is_served_as_webm_holding_the_stored_opus_stream(recorded, site_dirs, tmp_path):
    """WebM, not Ogg: Chromium reads an Ogg file to its end before it plays, a long wait on 2G."""
    client, intro, _second = recorded
    served = tmp_path / "served"
    served.write_bytes(client.get(intro["url"]).data)
    probed = probe(served)
    assert probed["format"]["format_name"] == "matroska,webm"
    [stream] = probed["streams"]
    assert (stream["codec_type"], stream["codec_name"], stream["channels"]) == ("audio", "opus", 1)
    stored = site_dirs["content"] / "recordings/ps/pages/alpha/intro.ogg"
    assert abs(duration_seconds(served) - duration_seconds(stored)) <= SAME_DURATION_SECONDS
    assert packet_sizes(served) == packet_sizes(stored), "the Opus packets are copied, never re-encoded"


def test_a_recording_answers_range_requests(recorded):
    client, intro, _second = recorded
    whole = client.get(intro["url"]).data
    opening = client.get(intro["url"], headers={"Range": "bytes=0-"})  # what Chromium's <audio> sends
    assert opening.status_code == 206 and opening.data == whole
    part = client.get(intro["url"], headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == whole[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole)}"


def test_an_outdated_recording_is_never_served(recorded):
    client, intro, second = recorded
    assert second["state"] == "outdated" and second["url"] is None
    guessed = intro["url"].replace("/intro.", f"/{second['section']}.")
    assert client.get(guessed).status_code == 404


def test_any_other_address_is_a_404_in_the_readers_language(recorded):
    client, intro, _second = recorded
    wrong_hash = intro["url"].rsplit(".", 2)[0] + ".0000000000000000.ogg"
    for address in (wrong_hash, "/audio/ps/pages/alpha/nothing.ogg", "/audio/ps/x", intro["url"] + "x"):
        response = client.get(address)
        assert response.status_code == 404, address
        assert '<html lang="ps" dir="rtl">' in response.get_data(as_text=True)
    assert client.get("/audio/xx/pages/alpha/intro.ogg").status_code == 404


def test_the_recordings_offer_writes_its_size_with_the_readers_decimal_separator(site_dirs):
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    conn = sqlite3.connect(site_dirs["instance"] / DATABASE_NAME)
    conn.row_factory = sqlite3.Row
    for lang in ("tr", "ps"):
        [numbers] = texts.sections(conn, lang, texts.EMERGENCY, texts.EMERGENCY_ID)
        add_recording(site_dirs["content"], lang, texts.EMERGENCY, texts.EMERGENCY_ID, numbers)
    conn.close()
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    client = make_app(site_dirs).test_client()
    offers = {
        lang: re.search(
            r"data-audio-save>([^<]*)<", without_isolation(client.get(f"/{lang}/").get_data(as_text=True))
        )[1]
        for lang in ("tr", "ps")
    }
    assert re.search(r"\b\d,\d\b", offers["tr"]) and not re.search(r"\d\.\d", offers["tr"]), offers
    assert re.search(r"[۰-۹]٫[۰-۹]", offers["ps"]) and not re.search(r"[.0-9]", offers["ps"]), offers
    # One short recording is a few kilobytes: offered as the smallest size written, never as nothing.
    assert "0,1" in offers["tr"] and "۰٫۱" in offers["ps"], offers


def test_a_file_no_build_has_served_for_a_month_is_removed_and_a_served_one_never(recorded, site_dirs):
    """Replaced takes do not pile up on the server; a phone on an older version has a month to save them."""
    _client, intro, _second = recorded
    audio = site_dirs["instance"] / AUDIO_DIR_NAME
    served = audio / f"{intro['url'].rsplit('.', 2)[1]}.webm"  # /audio/…/intro.<hash>.webm
    long_ago = time.time() - (UNSERVED_KEPT_DAYS + 1) * 86_400
    replaced = audio / "0123456789abcdef.webm"  # a take no build serves any more
    replaced.write_bytes(b"old take")
    lately = audio / "fedcba9876543210.webm"  # replaced, but served by a build a day ago
    lately.write_bytes(b"newer take")
    for path in (served, replaced):
        os.utime(path, (long_ago, long_ago))
    os.utime(lately, (time.time() - 86_400,) * 2)
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    assert served.exists(), "a file this build serves is kept, however old"
    assert not replaced.exists()
    assert lately.exists()
