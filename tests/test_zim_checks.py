"""Every language's ZIM judged by the field's own tools: Debian's zimcheck with all its checks, and the
metadata rules that newer zimcheck releases (and openZIM's scraperlib) enforce but 3.1.3 does not.

The libzim writer is pinned below 3.7 (libzim 9.3), because 9.3 stopped writing the full title index
that the file header points to, and readers built on libzim 8 and older, Debian's zimcheck among them,
find that index "outside the ZIM file" (see DEPLOY.md, "ZIM files").
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pycountry
import pytest
import regex
from libzim.reader import Archive
from PIL import Image

from rightsinfo import i18n
from rightsinfo.publish.zim.book import make_zims

ZIMCHECK_PATH = Path("/usr/bin/zimcheck")
TITLE_MAX_GRAPHEMES = 30
DESCRIPTION_MAX_GRAPHEMES = 80
LONG_DESCRIPTION_MAX_GRAPHEMES = 4000
ILLUSTRATION_SIZE_PX = 48


@pytest.fixture(scope="module")
def every_zim(real_app, tmp_path_factory) -> dict[str, Path]:
    """The real site's ZIM in every language of the site, written once for the module."""
    with real_app.app_context():
        langs = [language.prefix for language in i18n.languages()]
    written = make_zims(real_app, tmp_path_factory.mktemp("zims"), langs)
    return {book.lang: path for path, book in written}


def graphemes(text: str) -> int:
    """Return how many user-perceived characters a text has (what zimcheck counts, not code points)."""
    return len(regex.findall(r"\X", text))


def is_iso_day(text: str) -> bool:
    """Return whether a text is a real day written YYYY-MM-DD."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def metadata_problems(archive: Archive) -> list[str]:
    """Return what a current zimcheck would refuse in a ZIM's metadata, one line each."""
    meta = {key: bytes(archive.get_metadata(key)) for key in archive.metadata_keys}
    text = {key: value.decode("utf-8") for key, value in meta.items() if not key.startswith("Illustration_")}
    problems = []
    if graphemes(text["Title"]) > TITLE_MAX_GRAPHEMES:
        problems.append(f"Title has {graphemes(text['Title'])} graphemes: {text['Title']!r}")
    if graphemes(text["Description"]) > DESCRIPTION_MAX_GRAPHEMES:
        problems.append(f"Description has {graphemes(text['Description'])} graphemes")
    long_description = text.get("LongDescription", "")
    if graphemes(long_description) > LONG_DESCRIPTION_MAX_GRAPHEMES:
        problems.append("LongDescription is longer than 4000 graphemes")
    if long_description and graphemes(long_description) < graphemes(text["Description"]):
        problems.append("LongDescription is shorter than Description")
    for code in text["Language"].split(","):
        if pycountry.languages.get(alpha_3=code) is None:
            problems.append(f"Language {code!r} is not an ISO 639-3 code")
    if not is_iso_day(text["Date"]):
        problems.append(f"Date {text['Date']!r} is not YYYY-MM-DD")
    illustration = meta.get(f"Illustration_{ILLUSTRATION_SIZE_PX}x{ILLUSTRATION_SIZE_PX}@1")
    if illustration is None:
        problems.append("no 48×48 illustration")
    else:
        with Image.open(io.BytesIO(illustration)) as image:
            if image.format != "PNG" or image.size != (ILLUSTRATION_SIZE_PX,) * 2:
                problems.append(f"illustration is {image.format} {image.size}, not a 48×48 PNG")
    return problems


def test_zimcheck_is_installed():
    # Debian's zim-tools (system-packages.txt): without it the checks below would not run at all.
    assert ZIMCHECK_PATH.exists() or shutil.which("zimcheck"), "install zim-tools (system-packages.txt)"


def test_every_language_has_a_zim(every_zim, real_app):
    with real_app.app_context():
        assert set(every_zim) == {language.prefix for language in i18n.languages()}


def test_every_zim_passes_every_zimcheck_check(every_zim):
    failures = {}
    for lang, path in sorted(every_zim.items()):
        result = subprocess.run(["zimcheck", "--all", str(path)], capture_output=True, text=True)
        if result.returncode != 0 or "Overall Test Status: Pass" not in result.stdout:
            failures[lang] = [
                line for line in result.stdout.splitlines() if "ERROR" in line or "WARN" in line
            ]
    assert failures == {}


def test_every_zim_keeps_the_title_index_the_header_points_to(every_zim):
    # The header's titlePtrPos (offset 40, little-endian) must point inside the file, as libzim 8
    # readers expect; libzim 9.3 writes 0xffffffffffffffff there.
    for lang, path in every_zim.items():
        header = path.read_bytes()[:80]
        title_index_offset = int.from_bytes(header[40:48], "little")
        assert title_index_offset < path.stat().st_size, lang


def test_every_zim_metadata_passes_current_zimcheck_rules(every_zim):
    problems = {lang: metadata_problems(Archive(path)) for lang, path in sorted(every_zim.items())}
    assert problems == {lang: [] for lang in every_zim}


def test_the_metadata_rules_refuse_what_newer_zimcheck_refuses(tmp_path):
    # The rules above can fail: a ZIM with a long title, a two-letter language and a bad date.
    from libzim.writer import Creator

    path = tmp_path / "bad.zim"
    with Creator(path) as creator:
        creator.set_mainpath("index.html")
        for name, value in {
            "Title": "A title that is much longer than thirty characters",
            "Description": "Short",
            "LongDescription": "S",
            "Language": "en",
            "Date": "7 Dec 2026",
        }.items():
            creator.add_metadata(name, value)
    problems = metadata_problems(Archive(path))
    assert any(line.startswith("Title has") for line in problems)
    assert "LongDescription is shorter than Description" in problems
    assert "Language 'en' is not an ISO 639-3 code" in problems
    assert any(line.startswith("Date '7 Dec 2026'") for line in problems)
    assert "no 48×48 illustration" in problems
