"""Problems in content, collected as 'file:line: message' lines so an editor sees every mistake at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class ContentError(Exception):
    """Content that cannot be built; the message lists one problem per line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Problems:
    """Collects problems as 'file:line: message' lines, relative to the project folder."""

    root: Path
    lines: list[str] = field(default_factory=list)

    def add(self, path: Path, message: str, line: int | None = None) -> None:
        """Record one problem in one file."""
        try:
            name = path.relative_to(self.root)
        except ValueError:
            name = path
        where = f"{name}:{line}" if line else f"{name}"
        self.lines.append(f"{where}: {message}")

    def raise_if_any(self) -> None:
        """Stop the build when anything was wrong."""
        if self.lines:
            raise ContentError(self.lines)
