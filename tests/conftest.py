"""Fixtures: a small app built from tiny fixture content, its client and CLI runner.

The fixture content (tests/fixtures/content) is a few pages and records in every shape the real
content uses, so tests exercise every feature without depending on what editors change.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from rightsinfo import create_app
from rightsinfo.build import build_site
from rightsinfo.publish.published import write_published

TESTS_DIR = Path(__file__).parent
FIXTURE_CONTENT = TESTS_DIR / "fixtures" / "content"
FIXTURE_TRANSLATIONS = TESTS_DIR / "fixtures" / "translations"
PROJECT_DIR = TESTS_DIR.parent


ISOLATED_RUN = re.compile(r'<bdi dir="ltr" lang="und-(?:Latn|Cyrl)">([^<]*)</bdi>')


def without_isolation(html: str) -> str:
    """Return a page's HTML with the <bdi> around Latin runs in right-to-left text taken out."""
    return ISOLATED_RUN.sub(r"\1", html)


@pytest.fixture
def site_dirs(tmp_path: Path) -> dict[str, Path]:
    """Copy the fixture content and catalogues into a fresh folder the test may edit."""
    root = tmp_path / "site"
    shutil.copytree(FIXTURE_CONTENT, root / "content")
    shutil.copytree(FIXTURE_TRANSLATIONS, root / "translations")
    return {
        "content": root / "content",
        "translations": root / "translations",
        "instance": root / "instance",
    }


def make_app(dirs: dict[str, Path], **settings):
    """Create an app reading the given folders, with the database checked on every request."""
    return create_app(
        {
            "TESTING": True,
            "CONTENT_DIR": str(dirs["content"]),
            "TRANSLATIONS_DIR": str(dirs["translations"]),
            "INSTANCE_PATH": str(dirs["instance"]),
            "DB_CHECK_INTERVAL_SECONDS": 0.0,
            **settings,
        }
    )


@pytest.fixture
def app(site_dirs):
    """An app built from the fixture content."""
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    return make_app(site_dirs)


@pytest.fixture
def client(app):
    """A test client for the fixture app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for the fixture app."""
    return app.test_cli_runner()


def make_real_app(instance: Path, dirs: dict[str, Path] | None = None):
    """Build and publish the real content/ and translations/ (or a copy, ``dirs``) into ``instance``."""
    dirs = dirs or {
        "content": PROJECT_DIR / "content",
        "translations": PROJECT_DIR / "translations",
        "instance": instance,
    }
    build_site(dirs["content"], dirs["translations"], instance)
    app = make_app(dirs)
    write_published(app)  # as ``flask build`` does: packs and guides are files of the build
    return app


@pytest.fixture(scope="session")
def real_app(tmp_path_factory):
    """An app built from the real content/ and translations/ folders."""
    return make_real_app(tmp_path_factory.mktemp("real-instance"))


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, headless, one for the module (Playwright's sync API allows one at a time)."""
    from browser import launch_chromium
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()
