"""Recordings served at hashed addresses: a year's cache, Range requests, a 404 in the reader's language."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import make_app
from recording_fixtures import add_recording

from rightsinfo.build import build_site
from rightsinfo.config import DATABASE_NAME
from rightsinfo.recordings import texts
from rightsinfo.recordings.texts import SectionText


@pytest.fixture
def recorded(site_dirs):
    """The fixture site with the Pashto page 'alpha' recorded: its intro current, its next section older."""
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    conn = sqlite3.connect(site_dirs["instance"] / DATABASE_NAME)
    conn.row_factory = sqlite3.Row
    intro, second, *_rest = texts.sections(conn, "ps", "pages", "alpha")
    add_recording(site_dirs["content"], "ps", "pages", "alpha", intro)
    older = SectionText(second.key, second.text.replace("192", "193"), second.links)
    add_recording(site_dirs["content"], "ps", "pages", "alpha", older)
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    app = make_app(site_dirs)
    with app.app_context():
        from rightsinfo import db
        from rightsinfo.site import connection

        rows = {row["section"]: row for row in db.recordings(connection(), "ps", "pages")}
    return app.test_client(), rows["intro"], rows[second.key]


def test_a_recording_is_served_whole_immutable_and_without_cookies(recorded):
    client, intro, _second = recorded
    response = client.get(intro["url"])
    assert response.status_code == 200
    assert response.mimetype == "audio/ogg"
    assert response.data[:4] == b"OggS" and len(response.data) == intro["bytes"]
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["Accept-Ranges"] == "bytes"
    assert "Set-Cookie" not in response.headers


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
