"""Debian's kiwix-serve serving one ZIM on 127.0.0.1, for tests that read a book as a Kiwix hotspot does."""

from __future__ import annotations

import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.server import free_port

KIWIX_SERVE_PATH = Path("/usr/bin/kiwix-serve")
KIWIX_START_TIMEOUT_SECONDS = 10.0
POLL_INTERVAL_SECONDS = 0.05


@contextmanager
def kiwix_serving(zim: Path, name: str, first_page: str) -> Iterator[str]:
    """Serve ``zim`` (its Name metadata is ``name``) with kiwix-serve; yield the book's base URL."""
    if not KIWIX_SERVE_PATH.exists():
        pytest.fail(
            f"{KIWIX_SERVE_PATH} is missing: apt-get install kiwix-tools (.ci/run does)", pytrace=False
        )
    port = free_port()
    process = subprocess.Popen(
        [str(KIWIX_SERVE_PATH), "--address", "127.0.0.1", "--port", str(port), "--blockexternal",
         "--nolibrarybutton", "--nodatealiases", str(zim)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        yield book_url(f"http://127.0.0.1:{port}", name, first_page, process)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


def book_url(origin: str, name: str, first_page: str, process: subprocess.Popen) -> str:
    """Return where kiwix-serve serves the book: /content/<book>/ from 3.4 on, /<book>/ before."""
    deadline = time.monotonic() + KIWIX_START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("kiwix-serve exited", pytrace=False)
        for base in (f"{origin}/content/{name}/", f"{origin}/{name}/"):
            try:
                with urllib.request.urlopen(base + first_page, timeout=2) as response:
                    if response.status == 200:
                        return base
            except urllib.error.HTTPError:
                continue
            except (urllib.error.URLError, ConnectionError):
                break
        time.sleep(POLL_INTERVAL_SECONDS)
    pytest.fail(f"kiwix-serve did not serve the book within {KIWIX_START_TIMEOUT_SECONDS} s", pytrace=False)
