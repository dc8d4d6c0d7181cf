"""Shared pieces of the browser tests: the real site in a temp folder, gunicorn, Debian's Chromium.

A browser test copies the real ``content/`` and ``translations/`` into a temp folder (so it may edit
them), builds them with ``flask build``, serves them with gunicorn on a free 127.0.0.1 port and drives
``/usr/bin/chromium`` with Playwright. Nothing here talks to any other host. A missing Chromium is a
failure with a clear message, never a skip: CI installs it (``.ci/run``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from bench.server import Gunicorn

PROJECT_DIR = Path(__file__).resolve().parent.parent
BIN_DIR = Path(sys.executable).parent
CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
POLL_INTERVAL_SECONDS = 0.05


@dataclass(frozen=True)
class SiteDirs:
    """The folders one test site reads and writes."""

    content: Path
    translations: Path
    instance: Path
    settings: tuple[tuple[str, str], ...] = ()  # further settings, e.g. (("FEEDBACK_EMAIL", "…"),)

    def environment(self) -> dict[str, str]:
        """Return the environment that points the app (server or ``flask build``) at these folders."""
        return {
            **os.environ,
            **{f"RIGHTSINFO_{name}": value for name, value in self.settings},
            "RIGHTSINFO_CONTENT_DIR": str(self.content),
            "RIGHTSINFO_TRANSLATIONS_DIR": str(self.translations),
            "RIGHTSINFO_INSTANCE_PATH": str(self.instance),
        }


def copy_real_site(root: Path, **settings: str) -> SiteDirs:
    """Copy the real content and catalogues under ``root``, so a test may edit them.

    ``settings`` (``FEEDBACK_EMAIL="…"``) reach the server and the build as ``RIGHTSINFO_*`` variables.
    """
    dirs = SiteDirs(root / "content", root / "translations", root / "instance", tuple(settings.items()))
    shutil.copytree(PROJECT_DIR / "content", dirs.content)
    shutil.copytree(PROJECT_DIR / "translations", dirs.translations)
    return dirs


def build(dirs: SiteDirs) -> None:
    """Build the site with ``flask build``, as an editor would; fail with its output if it fails."""
    result = subprocess.run(
        [str(BIN_DIR / "flask"), "--app", "rightsinfo", "build"],
        cwd=PROJECT_DIR,
        env=dirs.environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"flask build failed:\n{result.stdout}{result.stderr}", pytrace=False)


class Server(Gunicorn):
    """gunicorn serving one test site (one worker, the production settings) on one port.

    ``stop()`` kills it at once (SIGKILL to its own process group), as when the network is gone; it can
    be started again on the same port. Its access and error logs go to one file beside the site.
    """

    def __init__(self, dirs: SiteDirs, port: int | None = None, log_path: Path | None = None):
        super().__init__(
            dirs.environment(),
            port=port,
            workers=1,
            log_path=log_path or dirs.instance.parent / "gunicorn.log",
            stop_signal=signal.SIGKILL,
        )
        self.dirs = dirs


@contextmanager
def served_real_site(root: Path, **settings: str) -> Iterator[Server]:
    """Copy the real site under ``root``, build it, and serve it with gunicorn until the block ends."""
    dirs = copy_real_site(root, **settings)
    build(dirs)
    with Server(dirs) as server:
        yield server


def launch_chromium(playwright, extra_args: tuple[str, ...] = ()):
    """Launch Debian's Chromium headless, failing (never skipping) with a clear message if it is missing.

    ``extra_args`` are further switches, such as a fake microphone for the recording page's test.
    """
    if not CHROMIUM_PATH.exists():
        pytest.fail(
            f"{CHROMIUM_PATH} is missing: the browser tests need Debian's chromium "
            "(apt-get install chromium; .ci/run installs it). They fail rather than skip, "
            "so CI never passes without them.",
            pytrace=False,
        )
    args = [*CHROMIUM_ARGS, *extra_args]
    return playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), args=args, headless=True)


def wait_for(page, expression: str, timeout_seconds: float, what: str):
    """Evaluate ``expression`` in the page until it is truthy and return its value.

    Polling with ``page.evaluate`` awaits Promises; ``wait_for_function`` would take a Promise as
    truthy at once.
    """
    deadline = time.monotonic() + timeout_seconds
    last = None
    while time.monotonic() < deadline:
        try:
            last = page.evaluate(expression)
        except PlaywrightError as error:  # the page is navigating: ask the next document
            last = error
        else:
            if last:
                return last
        time.sleep(POLL_INTERVAL_SECONDS)
    pytest.fail(
        f"timed out after {timeout_seconds} s waiting for {what}; last value: {last!r}", pytrace=False
    )


class RequestLog:
    """Every URL the pages and service workers of a browser context asked for."""

    def __init__(self, context):
        self.urls: list[str] = []
        context.on("request", lambda request: self.urls.append(request.url))

    def foreign(self, origin: str) -> list[str]:
        """Return the requested URLs that are not on ``origin``."""
        return [url for url in self.urls if url != origin and not url.startswith(origin + "/")]


def saved_guide(site_dirs: dict[str, Path], folder: Path, lang: str, day: str) -> Path:
    """Build the fixture site, publish a language's guide as the build does on ``day``, save it as a file."""
    from conftest import make_app

    from rightsinfo.build import build_site
    from rightsinfo.publish.published import write_published

    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    app = make_app(site_dirs, TODAY=day)
    write_published(app, only=[lang])
    guide = folder / f"rightsinfo-{lang}.html"
    guide.write_bytes(app.test_client().get(f"/{lang}/guide.html").data)
    return guide


def policy_violations(page) -> list[str]:
    """Return a list that fills with every Content-Security-Policy complaint the page logs."""
    blocked: list[str] = []

    def note(message) -> None:
        """Keep a console message if it is the policy blocking something."""
        if "Content Security" in message.text:
            blocked.append(message.text)

    page.on("console", note)
    return blocked
