"""A rebuild under load: a correction reaches every reader, whole, within a check interval (issue 30).

Reader threads ask for pages again and again while the content is rebuilt a few times; each build
writes its own marker word into the text, so a response shows which build it was read from, and its
``X-Content-Version`` header says which build it claims. ``problems`` judges what the readers saw:
no response may hold two builds' markers or none, none may claim one build and carry another's
text, and every request that starts once the last build has landed and the check interval has
passed gets the last build. ``make load`` runs it against gunicorn's real workers on a copy of the
real content (``rebuild_run``); ``tests/test_rebuild_under_load.py`` against threads of one app.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.server import PROJECT_DIR, Gunicorn

MARKER = re.compile(r"Zq[a-z]+")
VERSION_HEADER = "X-Content-Version"  # rightsinfo.serving.VERSION_HEADER
REBUILDS = 3
REBUILD_GAP_SECONDS = 2.5
READER_THREADS = 8
CHECK_INTERVAL_SECONDS = 1.0  # the DB_CHECK_INTERVAL_SECONDS default the workers run with
# Where the real content gets each build's marker: the asylum page's first line and the police label.
REAL_CONTENT_MARKS = (
    ("pages/asylum/en.md", "There are two steps.", "There are two steps {word}."),
    ("emergency.yaml", "{en: Police,", "{{en: Police {word},"),
)
REAL_PATHS = ("/en/asylum/", "/en/")


def marker(number: int) -> str:
    """Return build ``number``'s marker: letters only, as content's numbers are checked across languages."""
    return "Zq" + "abcdefghij"[number] * 3


def mark_content(content: Path, marks: tuple[tuple[str, str, str], ...], word: str) -> None:
    """Write ``word`` into each marked place of the content, replacing the previous build's."""
    for path, old, new in marks:
        file = content / path
        text = re.sub(r" Zq[a-z]+(?=[.,])", "", file.read_text(encoding="utf-8"))
        assert old in text, f"{path} no longer has {old!r}"
        file.write_text(text.replace(old, new.format(word=word), 1), encoding="utf-8")


@dataclass(frozen=True)
class Reading:
    """One response: when its request started, for what, the build it names and the markers it holds."""

    started: float
    path: str
    version: str | None
    markers: frozenset[str]


def read_continuously(get: Callable[[str], tuple[int, str | None, str]], paths, stop, seen: list) -> None:
    """Request ``paths`` in turn with ``get`` until told to stop, noting each response."""
    while not stop.is_set():
        for path in paths:
            started = time.monotonic()
            status, version, body = get(path)
            assert status == 200, (path, status)
            seen.append(Reading(started, path, version, frozenset(MARKER.findall(body))))


def problems(
    seen: list[Reading], marker_of_version: dict[str, str], last_landed: float, interval: float
) -> dict:
    """Return what went wrong, by kind (empty lists when nothing did)."""
    last = marker(REBUILDS)
    late = [reading for reading in seen if reading.started > last_landed + interval]
    return {
        "mixed_or_unmarked": [r for r in seen if len(r.markers) != 1],
        "claims_another_build": [
            r
            for r in seen
            if r.version not in marker_of_version or r.markers != {marker_of_version[r.version]}
        ],
        "old_build_after_the_interval": [r for r in late if r.markers != {last}],
        "late_requests": late,
    }


def rebuild_while_reading(rebuild: Callable[[int], str], readers: list[threading.Thread], stop) -> tuple:
    """Start the readers, rebuild REBUILDS times, stop them; return (version → marker, last landing time)."""
    for reader in readers:
        reader.start()
    marker_of_version, landed = {}, 0.0
    try:
        time.sleep(REBUILD_GAP_SECONDS / 5)
        for number in range(1, REBUILDS + 1):
            marker_of_version[rebuild(number)] = marker(number)
            landed = time.monotonic()
            time.sleep(REBUILD_GAP_SECONDS)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    return marker_of_version, landed


def keep_alive_getter(port: int) -> Callable[[str], tuple[int, str | None, str]]:
    """Return a GET function on one keep-alive connection (reopened if the server closes it)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(path: str) -> tuple[int, str | None, str]:
        try:
            connection.request("GET", path)
            response = connection.getresponse()
        except (http.client.HTTPException, OSError):
            connection.close()
            connection.request("GET", path)
            response = connection.getresponse()
        return response.status, response.getheader(VERSION_HEADER), response.read().decode()

    return get


def rebuild_run(scratch: Path) -> dict:
    """Rebuild a copy of the real content under gunicorn's workers and readers; return counts of problems."""
    from rightsinfo.build import build_site

    content, translations, instance = scratch / "content", scratch / "translations", scratch / "instance"
    shutil.copytree(PROJECT_DIR / "content", content)
    shutil.copytree(PROJECT_DIR / "translations", translations)

    def rebuild(number: int) -> str:
        mark_content(content, REAL_CONTENT_MARKS, marker(number))
        return build_site(content, translations, instance).content_version

    first_version = rebuild(0)
    env = {
        **os.environ,
        "RIGHTSINFO_CONTENT_DIR": str(content),
        "RIGHTSINFO_TRANSLATIONS_DIR": str(translations),
        "RIGHTSINFO_INSTANCE_PATH": str(instance),
    }
    stop, seen = threading.Event(), []
    with Gunicorn(env) as server:
        readers = [
            threading.Thread(
                target=read_continuously, args=(keep_alive_getter(server.port), REAL_PATHS, stop, seen)
            )
            for _reader in range(READER_THREADS)
        ]
        marker_of_version, landed = rebuild_while_reading(rebuild, readers, stop)
    marker_of_version[first_version] = marker(0)
    found = problems(seen, marker_of_version, landed, CHECK_INTERVAL_SECONDS)
    return {"responses": len(seen), "builds": REBUILDS, **{kind: len(found[kind]) for kind in found}}
