"""Recordings in the static export and the ZIM: an exported page plays files the export holds; a ZIM,
whose pages have no scripts to play them, names none."""

from __future__ import annotations

import html
import json
import re
import shutil
import sqlite3
import subprocess

import pytest
from conftest import PROJECT_DIR, make_real_app
from libzim.reader import Archive
from recording_fixtures import add_recording

from rightsinfo.build import build_site
from rightsinfo.config import DATABASE_NAME
from rightsinfo.publish.export import export_site
from rightsinfo.publish.zim.book import make_zims
from rightsinfo.recordings import texts

PAGE = "asylum"
RECORDINGS_ATTRIBUTE = re.compile(r'data-recordings="([^"]*)"')


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """The real site with one Pashto page's introduction recorded, built once for the module.

    The real content, because the fixture content is not a whole site an export would accept.
    """
    root = tmp_path_factory.mktemp("recorded") / "site"
    shutil.copytree(PROJECT_DIR / "content", root / "content")
    shutil.copytree(PROJECT_DIR / "translations", root / "translations")
    dirs = {"content": root / "content", "translations": root / "translations", "instance": root / "instance"}
    build_site(dirs["content"], dirs["translations"], dirs["instance"])
    conn = sqlite3.connect(dirs["instance"] / DATABASE_NAME)
    conn.row_factory = sqlite3.Row
    intro = texts.sections(conn, "ps", "pages", PAGE)[0]
    conn.close()
    add_recording(dirs["content"], "ps", "pages", PAGE, intro)
    return make_real_app(dirs["instance"], dirs)


def played_urls(page: str) -> list[str]:
    """Return every recording address a page's read-aloud group may play."""
    urls = []
    for attribute in RECORDINGS_ATTRIBUTE.findall(page):
        urls += [url for url, _reworded in json.loads(html.unescape(attribute)).values()]
    return urls


def test_an_exported_page_plays_only_recordings_the_export_holds(recorded, tmp_path):
    target = tmp_path / "site"
    export_site(recorded, target)
    page = (target / "ps" / PAGE / "index.html").read_text(encoding="utf-8")
    urls = played_urls(page)
    assert urls, "the recorded page names its recording"
    client = recorded.test_client()
    for url in urls:
        exported = target / url.lstrip("/")
        assert exported.is_file(), f"{url} is not in the export"
        assert exported.read_bytes() == client.get(url).data


def test_a_zim_names_no_recording_and_passes_zimcheck(recorded, tmp_path):
    [(path, book)] = make_zims(recorded, tmp_path, ["ps"])
    page = next(entry for entry in book.entries if entry.path == f"ps/{PAGE}/index.html")
    text = page.body.decode("utf-8")
    assert "/audio/" not in text and "data-recordings" not in text and "data-read-aloud" not in text
    archive = Archive(path)
    assert archive.has_entry_by_path(f"ps/{PAGE}/index.html")
    result = subprocess.run(["zimcheck", "--all", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
