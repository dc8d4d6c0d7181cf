"""Installs that do not drift, and a `make run` that knows when the site already runs (issues 28, 29).

The lock files in requirements/ pin every package, with hashes, inside pyproject.toml's ranges:
run.txt what serving needs, test.txt that and every extra, at the same versions. A second
``make run`` on a busy port says so and stops before building anything.
"""

from __future__ import annotations

import re
import socket
import subprocess
import tomllib

from conftest import PROJECT_DIR
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+) \\$", re.MULTILINE)
TEST_ONLY = ("pytest", "playwright", "ruff", "hypothesis")


def pins(name: str) -> dict[str, str]:
    """Return package → pinned version from a lock file, checking that every pin carries a hash."""
    text = (PROJECT_DIR / "requirements" / name).read_text(encoding="utf-8")
    found = {canonicalize_name(package): version for package, version in PIN.findall(text)}
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[-1])
    assert all("--hash=sha256:" in block for block in blocks if "==" in block), f"{name}: a pin has no hash"
    return found


def project_requirements() -> tuple[list[Requirement], list[Requirement]]:
    """Return pyproject.toml's runtime requirements and those of every extra."""
    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = [
        Requirement(line) for lines in project.get("optional-dependencies", {}).values() for line in lines
    ]
    return [Requirement(line) for line in project["dependencies"]], extras


def test_every_requirement_is_locked_with_a_hash_inside_its_range():
    runtime, extras = project_requirements()
    run, test = pins("run.txt"), pins("test.txt")
    for requirement in runtime:
        name = canonicalize_name(requirement.name)
        assert name in run, f"{name} is not in requirements/run.txt: run `make lock`"
        assert requirement.specifier.contains(run[name], prereleases=True), (
            f"{name}=={run[name]} ∉ {requirement}"
        )
    for requirement in [*runtime, *extras]:
        name = canonicalize_name(requirement.name)
        assert name in test, f"{name} is not in requirements/test.txt: run `make lock`"
        assert requirement.specifier.contains(test[name], prereleases=True), (
            f"{name}=={test[name]} ∉ {requirement}"
        )


def test_serving_installs_no_test_tool_and_the_same_versions_as_the_tests():
    run, test = pins("run.txt"), pins("test.txt")
    assert not [tool for tool in TEST_ONLY if tool in run]
    assert {name: test[name] for name in run} == run


def test_make_installs_from_the_lock_files_only():
    makefile = (PROJECT_DIR / "Makefile").read_text(encoding="utf-8")
    installs = [line.strip() for line in makefile.splitlines() if "pip install" in line and "uv" not in line]
    assert installs, "the Makefile installs nothing"
    for line in installs:
        assert "--require-hashes -r requirements/" in line or "--no-deps -e ." in line, line


def test_a_second_make_run_says_the_site_is_already_running_and_builds_nothing():
    with socket.socket() as running:
        running.bind(("127.0.0.1", 0))
        running.listen()
        port = running.getsockname()[1]
        result = subprocess.run(
            ["make", "--no-print-directory", "run", f"PORT={port}"],
            cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"already running on port {port}" in output
    assert "build" not in result.stdout and "gunicorn" not in result.stdout
