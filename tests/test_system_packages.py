"""The two commands on a bare machine: one list of Debian packages, checked before anything else.

``tools/system-packages`` reads ``system-packages.txt``. These tests run it as an unprivileged user with
a PATH that lacks the tools, as on a fresh laptop, and check that it stops at once with the exact
command to run; and that the Makefile and CI both go through it, so the list cannot drift.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SCRIPT = PROJECT / "tools" / "system-packages"
NOBODY = "65534"
BASICS = ("bash", "dpkg-query", "grep", "id", "dirname")


def listed_packages() -> dict[str, str]:
    """Return package → purpose from system-packages.txt."""
    packages = {}
    for line in (PROJECT / "system-packages.txt").read_text(encoding="utf-8").splitlines():
        fields = line.split("#", 1)[0].split()
        if fields:
            packages[fields[0]] = fields[2]
    return packages


def run_as_nobody(purpose: str, bin_dir: Path) -> subprocess.CompletedProcess:
    """Run the check as user nobody with only ``bin_dir`` on PATH."""
    return subprocess.run(
        [
            "/usr/bin/setpriv",
            f"--reuid={NOBODY}",
            f"--regid={NOBODY}",
            "--clear-groups",
            "/usr/bin/env",
            f"PATH={bin_dir}",
            str(SCRIPT),
            purpose,
        ],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )


@pytest.fixture
def bare_bin():
    """Yield a folder, readable by nobody, with only the shell basics the check itself uses."""
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        bin_dir = Path(folder)
        # pytest's own tmp_path sits in a folder only root may enter; nobody must read this one.
        bin_dir.chmod(0o755)
        for name in BASICS:
            (bin_dir / name).symlink_to(shutil.which(name))
        yield bin_dir


def test_bare_machine_stops_at_once_with_the_install_command(bare_bin):
    started = time.monotonic()
    result = run_as_nobody("test", bare_bin)
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert elapsed < 1.0
    command_line = next(line for line in result.stderr.splitlines() if "apt-get install" in line)
    for package in ("chromium", "poppler-utils", "gettext", "zbar-tools"):
        assert package in command_line.split()
    # Pango is a library found by dpkg, not on PATH: installed here, so it is not asked for.
    assert "libpango-1.0-0" not in command_line


def test_run_needs_fewer_packages_than_test(bare_bin):
    result = run_as_nobody("run", bare_bin)
    command_line = next(line for line in result.stderr.splitlines() if "apt-get install" in line)
    asked = set(command_line.split()) & set(listed_packages())
    # Serving needs the tools that run the two commands (make, git, python3's venv), gettext for the
    # catalogues and ffmpeg, which copies the recordings into WebM at every build; no test-only tool.
    assert asked == {"make", "git", "python3-venv", "gettext", "ffmpeg"}


def test_this_machine_has_everything_the_tests_need():
    result = subprocess.run([str(SCRIPT), "test", "--check"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_makefile_and_ci_use_the_one_list():
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    ci = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    assert "tools/system-packages run" in makefile
    assert "tools/system-packages test" in makefile
    assert "tools/system-packages test" in ci
    assert "apt-get" not in ci
    assert set(listed_packages().values()) == {"run", "test"}
