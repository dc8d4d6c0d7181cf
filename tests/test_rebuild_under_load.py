"""A correction reaches every reader at once and never mixes with the old text (issue 30, part 1).

Threads of one app read pages while the content is rebuilt several times (``make load`` does the same
against gunicorn's workers): each build writes its own marker word into a page's text, a summary,
another page and the police label. No response may hold two builds' markers, none may name one
build's version and carry another's text, no cached page may be kept under another build's version,
and every request that starts once the last build has landed and the check interval has passed
gets the last build.
"""

from __future__ import annotations

import threading

from conftest import make_app

from bench.rebuild_load import (
    MARKER,
    mark_content,
    marker,
    problems,
    read_continuously,
    rebuild_while_reading,
)
from rightsinfo.build import build_site
from rightsinfo.serving import VERSION_HEADER
from rightsinfo.site import site_of

CHECK_INTERVAL_SECONDS = 0.05
READER_THREADS = 4
PATHS = ("/en/", "/en/alpha/", "/en/beta/", "/ar/beta/", "/en/about/")
FIXTURE_MARKS = (
    ("pages/alpha/en.md", "to reach the centre.", "to reach the centre {word}."),
    ("pages/alpha/en.md", "any police officer.", "any police officer {word}."),
    ("pages/beta/en.md", "work in the centres.", "work in the centres {word}."),
    ("emergency.yaml", "{en: Police,", "{{en: Police {word},"),
)


def getter(app):
    """Return a GET function on a test client of its own: status, version header, text."""
    client = app.test_client()

    def get(path: str) -> tuple[int, str | None, str]:
        response = client.get(path)
        return response.status_code, response.headers.get(VERSION_HEADER), response.get_data(as_text=True)

    return get


def test_a_rebuild_under_load_never_mixes_builds_and_reaches_every_reader(site_dirs):
    def rebuild(number: int) -> str:
        mark_content(site_dirs["content"], FIXTURE_MARKS, marker(number))
        return build_site(
            site_dirs["content"], site_dirs["translations"], site_dirs["instance"]
        ).content_version

    first_version = rebuild(0)
    app = make_app(site_dirs, DB_CHECK_INTERVAL_SECONDS=CHECK_INTERVAL_SECONDS)
    stop, seen = threading.Event(), []
    readers = [
        threading.Thread(target=read_continuously, args=(getter(app), PATHS, stop, seen))
        for _reader in range(READER_THREADS)
    ]
    marker_of_version, landed = rebuild_while_reading(rebuild, readers, stop)
    marker_of_version[first_version] = marker(0)

    found = problems(seen, marker_of_version, landed, CHECK_INTERVAL_SECONDS)
    assert len(seen) > 200 and found["late_requests"], "too few responses to judge"
    for kind in ("old_build_after_the_interval", "mixed_or_unmarked", "claims_another_build"):
        assert not found[kind], f"{len(found[kind])} of {len(seen)} responses: {kind}, e.g. {found[kind][:3]}"
    for (version, _day), entries in site_of(app).cache.versions().items():
        for path, entry in entries.items():
            assert set(MARKER.findall(entry.body.decode())) == {marker_of_version[version]}, path
