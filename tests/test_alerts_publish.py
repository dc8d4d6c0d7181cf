"""Alerts in the site turned into files: the static export and the ZIM hold the alerts in force on the
day they are written, each saying until when it holds (in a ZIM no script decides; in the export the
same script as on the site hides it by the reader's date)."""

from __future__ import annotations

import re

from conftest import make_app
from libzim.reader import Archive

from rightsinfo.build import build_site
from rightsinfo.publish.export import export_site
from rightsinfo.publish.zim.book import make_zims

ALL_IN_FORCE = "2024-09-15"
SITE_TEXT = "The fixture office is closed until 30 September."
VALID_UNTIL = "Valid until 30 Sep 2024."


EMERGENCY_PAGE = """---
title: Emergency
summary: Numbers to call.
icon: emergency
order: 9
sources: [S1]
---
Call the police on [192](tel:192).
"""


def app_on(site_dirs, day: str):
    """Return the fixture app, built, on a given day (with the emergency page every page's strip links)."""
    emergency = site_dirs["content"] / "pages" / "emergency" / "en.md"
    emergency.parent.mkdir(exist_ok=True)
    emergency.write_text(EMERGENCY_PAGE, encoding="utf-8")
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    return make_app(site_dirs, TODAY=day)


def test_the_export_holds_the_alerts_in_force_with_their_script(site_dirs, tmp_path):
    export_site(app_on(site_dirs, ALL_IN_FORCE), tmp_path / "export")
    home = (tmp_path / "export" / "en" / "index.html").read_text(encoding="utf-8")
    assert SITE_TEXT in home and VALID_UNTIL in home
    script = re.search(r'<script src="/(static/alerts\.[0-9a-f]+\.js)" defer>', home)
    assert script and (tmp_path / "export" / script.group(1)).exists()


def test_the_zim_holds_the_alerts_in_force_saying_until_when(site_dirs, tmp_path):
    [(path, _book)] = make_zims(app_on(site_dirs, ALL_IN_FORCE), tmp_path, ["en"])
    home = bytes(Archive(path).get_entry_by_path("en/index.html").get_item().content).decode()
    assert SITE_TEXT in home and VALID_UNTIL in home
    assert "<script" not in home
    [(later, _book)] = make_zims(app_on(site_dirs, "2025-01-01"), tmp_path / "later", ["en"])
    assert (
        SITE_TEXT not in bytes(Archive(later).get_entry_by_path("en/index.html").get_item().content).decode()
    )
