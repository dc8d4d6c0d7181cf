"""A correction reaches every reader at once and never mixes with the old text (issue 30, part 1).

Threads of one app read pages while the content is rebuilt several times; each build carries its own
marker word in a page's text, a summary and the police label. No response may hold two builds'
markers, no response may name one build's version and carry another's text, no cached page may be
kept under another build's version, and every response that starts once the last build has landed
and the check interval has passed carries the last build.
"""

from __future__ import annotations

import re
import threading
import time

from conftest import make_app

from rightsinfo.build import build_site
from rightsinfo.serving import VERSION_HEADER
from rightsinfo.site import site_of

CHECK_INTERVAL_SECONDS = 0.05
READER_THREADS = 4
BUILDS = 3
PATHS = ("/en/", "/en/alpha/", "/en/beta/", "/ar/beta/", "/en/about/")
MARKER = re.compile(r"Zq[a-z]+")


def marker(number: int) -> str:
    """Return the word that build ``number`` writes into the content (letters only: numbers are checked)."""
    return "Zq" + "abcdefghij"[number] * 3


def mark_content(content, word: str) -> None:
    """Put ``word`` into a page body, a summary, another page and the police label."""
    for path, old, new in (
        ("pages/alpha/en.md", "to reach the centre.", f"to reach the centre {word}."),
        ("pages/alpha/en.md", "any police officer.", f"any police officer {word}."),
        ("pages/beta/en.md", "work in the centres.", f"work in the centres {word}."),
        ("emergency.yaml", "{en: Police,", f"{{en: Police {word},"),
    ):
        file = content / path
        text = MARKER.sub("", file.read_text(encoding="utf-8")).replace(" .", ".").replace(" ,", ",")
        text = text.replace("Police ,", "Police,")
        assert old in text, (path, old)
        file.write_text(text.replace(old, new, 1), encoding="utf-8")


def read_continuously(client, stop: threading.Event, seen: list) -> None:
    """Request the paths in turn until told to stop, noting when each request started and what came back."""
    while not stop.is_set():
        for path in PATHS:
            started = time.monotonic()
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            markers = set(MARKER.findall(response.get_data(as_text=True)))
            seen.append((started, path, response.headers.get(VERSION_HEADER), markers))


def test_a_rebuild_under_load_never_mixes_builds_and_reaches_every_reader(site_dirs):
    mark_content(site_dirs["content"], marker(0))
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    app = make_app(site_dirs, DB_CHECK_INTERVAL_SECONDS=CHECK_INTERVAL_SECONDS)
    stop, seen = threading.Event(), []
    readers = [
        threading.Thread(target=read_continuously, args=(app.test_client(), stop, seen))
        for _ in range(READER_THREADS)
    ]
    for reader in readers:
        reader.start()
    marker_of_version = {}
    try:
        time.sleep(0.3)
        for number in range(BUILDS + 1):
            mark_content(site_dirs["content"], marker(number))
            report = build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
            marker_of_version[report.content_version] = marker(number)
            landed = time.monotonic()
            time.sleep(0.25)
        time.sleep(CHECK_INTERVAL_SECONDS + 0.3)
    finally:
        stop.set()
        for reader in readers:
            reader.join()

    assert len(seen) > 200
    mixed = [(path, markers) for _, path, _, markers in seen if len(markers) != 1]
    assert not mixed, f"{len(mixed)} of {len(seen)} responses mix builds, e.g. {mixed[:3]}"
    mislabelled = [
        (path, version, markers)
        for _, path, version, markers in seen
        if version in marker_of_version and markers != {marker_of_version[version]}
    ]
    assert not mislabelled, f"{len(mislabelled)} responses carry another build's text: {mislabelled[:3]}"
    unnamed = {version for _, _, version, _ in seen} - set(marker_of_version)
    assert not unnamed, f"responses name no build made here: {unnamed}"

    last = marker(BUILDS)
    late = [
        (path, markers) for started, path, _, markers in seen if started > landed + CHECK_INTERVAL_SECONDS
    ]
    assert late, "no request started after the last build had landed"
    stale = [(path, markers) for path, markers in late if markers != {last}]
    assert not stale, f"{len(stale)} of {len(late)} late responses hold an older build: {stale[:3]}"

    cache = site_of(app).cache
    for (version, _day), entries in cache.versions().items():
        for path, entry in entries.items():
            assert set(MARKER.findall(entry.body.decode())) == {marker_of_version[version]}, path
