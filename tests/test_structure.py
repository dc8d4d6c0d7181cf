"""The layout a newcomer reads from the doorway: small modules, no import cycles, a README that matches."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = PROJECT_DIR / "rightsinfo"
MODULE_MAX_LINES = 400
BLUEPRINT_MODULES = {
    "rightsinfo.pages", "rightsinfo.directory", "rightsinfo.search", "rightsinfo.offline",
    "rightsinfo.translators", "rightsinfo.guide", "rightsinfo.leaflets.views",
}  # fmt: skip


def module_name(path: Path) -> str:
    """Return the dotted name of a module file below the project folder."""
    parts = path.relative_to(PROJECT_DIR).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_modules() -> dict[str, Path]:
    """Return every module of the package by dotted name."""
    return {module_name(path): path for path in sorted(PACKAGE_DIR.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> dict[str, set[str]]:
    """Return the package modules a file imports (anywhere but under TYPE_CHECKING), with the names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for statement in block.body
        for node in ast.walk(statement)
    }
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    found.setdefault(alias.name, set())
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                if submodule in known:
                    found.setdefault(submodule, set())
                elif node.module in known:
                    found.setdefault(node.module, set()).add(alias.name)
    return found


def import_graph() -> dict[str, dict[str, set[str]]]:
    """Return, for each package module, the package modules it imports and the names it takes."""
    modules = package_modules()
    return {name: imports_of(path, set(modules)) for name, path in modules.items()}


def test_no_module_is_longer_than_a_newcomer_can_hold():
    lengths = {
        name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in package_modules().items()
    }
    assert {name: lines for name, lines in lengths.items() if lines > MODULE_MAX_LINES} == {}


def test_the_package_has_no_import_cycle():
    graph = import_graph()
    cycles = []

    def visit(name: str, path: list[str]) -> None:
        for target in graph[name]:
            if target == path[0]:
                cycles.append(" → ".join([*path, target]))
            elif target not in path:
                visit(target, [*path, target])

    for start in graph:
        visit(start, [start])
    assert cycles == []


def test_no_view_borrows_plumbing_from_another_blueprint():
    graph = import_graph()
    borrowed = {
        (module, target): names
        for module in BLUEPRINT_MODULES
        for target, names in graph[module].items()
        if target in BLUEPRINT_MODULES and target != module and any(name.islower() for name in names)
    }
    assert borrowed == {}  # shared constants (ABOUT_SLUG) are fine; functions live in site.py


def test_the_readme_module_map_names_every_module_and_only_existing_files():
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    table = readme.split("| module | concern |", 1)[1].split("\n\n", 1)[0]
    # What a row names: its first column, and the modules its second column lists inside a package.
    rows = [re.split(r"(?<!\\)\|", row) for row in table.splitlines()[2:]]
    cells = " ".join(row[1] + re.sub(r"\([^)]*\)", "", row[2]) for row in rows)
    named = set(re.findall(r"`([\w./*-]+\.py|\w+(?:/\w+)*/)`", cells))
    top_level = {path.name for path in PACKAGE_DIR.glob("*.py")}
    packages = {f"{path.parent.relative_to(PACKAGE_DIR)}/" for path in PACKAGE_DIR.rglob("*/__init__.py")}
    submodules = {path.name for path in PACKAGE_DIR.rglob("*/*.py") if path.name != "__init__.py"}
    assert top_level | packages <= named
    assert submodules <= named
    for name in named:
        if name.endswith("/"):
            assert (PACKAGE_DIR / name).is_dir(), name
        else:
            assert list(PACKAGE_DIR.rglob(name)), name
