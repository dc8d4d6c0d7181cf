"""TRANSLATING.md, walked as a volunteer would: only `make` commands, no `flask`, no git by hand.

The commands run the project's own Makefile against a copy of the fixture site (the ``RIGHTSINFO_*``
settings point the app there), so the path is the one the guide tells, not a test's shortcut.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from conftest import PROJECT_DIR, make_app, without_isolation

GUIDE = PROJECT_DIR / "TRANSLATING.md"
MAKE_COMMAND = re.compile(r"`(make [^`]*)`")
TODAY = "2026-12-01"
GIT_IDENTITY = ["-c", "user.name=Editor", "-c", "user.email=editor@rightsinfo.example"]


def make(dirs, *args: str, ok: bool = True) -> str:
    """Run ``make`` in the project with the app pointed at ``dirs``; return what it printed."""
    if shutil.which("make") is None:
        pytest.fail("make is not installed: apt-get install make")
    env = {
        **os.environ,
        "RIGHTSINFO_CONTENT_DIR": str(dirs["content"]),
        "RIGHTSINFO_TRANSLATIONS_DIR": str(dirs["translations"]),
        "RIGHTSINFO_INSTANCE_PATH": str(dirs["instance"]),
        "RIGHTSINFO_TODAY": TODAY,
    }
    result = subprocess.run(
        ["make", "--no-print-directory", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    output = result.stdout + result.stderr
    assert (result.returncode == 0) == ok, output
    return output


def git(root, *args: str) -> None:
    """Run git in the copy, as the project's editors do (the translator never does)."""
    subprocess.run(["git", *GIT_IDENTITY, *args], cwd=root, check=True, capture_output=True)


def replace(path, old: str, new: str) -> None:
    """Edit a file as a person would in a text editor."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_guide_gives_a_make_command_for_everything_and_each_one_exists():
    guide = GUIDE.read_text(encoding="utf-8")
    targets = {command.split()[1] for command in MAKE_COMMAND.findall(guide)}
    assert {"run", "build", "status", "check", "diff", "mark-current", "mark-reviewed"} <= targets
    makefile_targets = set(
        re.findall(r"^([a-z][a-z-]*):", (PROJECT_DIR / "Makefile").read_text(), re.MULTILINE)
    )
    assert targets <= makefile_targets, targets - makefile_targets
    for line in guide.splitlines():  # `flask` only in the one note for developers
        assert "flask --app" not in line or "activate" in line or "Developers" in line, line


def test_a_translator_changes_a_page_and_a_string_sees_them_and_records_a_review_with_make_only(site_dirs):
    root = site_dirs["content"].parent
    page = site_dirs["content"] / "pages" / "alpha" / "ps.md"
    make(site_dirs, "mark-current", "PAGE=alpha", "LANG=ps")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Pages as translated")
    english = site_dirs["content"] / "pages" / "alpha" / "en.md"
    replace(english, "Say it to any police officer.", "Say it to any police officer or soldier.")
    git(root, "commit", "-q", "-a", "-m", "Soldiers too")

    status = make(site_dirs, "status")
    assert "make diff PAGE=alpha LANG=ps" in status
    changed = make(site_dirs, "diff", "PAGE=alpha", "LANG=ps")
    assert "soldier.+}" in changed and "make mark-current PAGE=alpha LANG=ps" in changed

    replace(page, "summary: هر پولیس ته ووایاست.", "summary: هر پولیس یا سرتېري ته ووایاست.")
    catalogue = site_dirs["translations"] / "ps" / "LC_MESSAGES" / "messages.po"
    replace(catalogue, 'msgid "Sources"\nmsgstr ""', 'msgid "Sources"\nmsgstr "سرچينې"')
    make(site_dirs, "mark-current", "PAGE=alpha", "LANG=ps")
    make(site_dirs, "build")
    client = make_app(site_dirs, TODAY=TODAY).test_client()
    body = without_isolation(client.get("/ps/alpha/").get_data(as_text=True))
    assert 'content="هر پولیس یا سرتېري ته ووایاست."' in body  # the summary, as the page's description
    assert '<h2 id="sources-heading">سرچينې</h2>' in body

    assert "BY is missing" in make(site_dirs, "mark-reviewed", "PAGE=alpha", "LANG=ps", ok=False)
    make(site_dirs, "mark-reviewed", "PAGE=alpha", "LANG=ps", "BY=Nadia")
    make(site_dirs, "build")
    body = without_isolation(
        make_app(site_dirs, TODAY=TODAY).test_client().get("/ps/alpha/").get_data(as_text=True)
    )
    assert "Translation checked by <bdi>Nadia</bdi>, a native speaker, on" in body
    assert "status: reviewed" in page.read_text(encoding="utf-8")
