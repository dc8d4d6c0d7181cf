"""The table ``make bench`` prints and the figures it writes, and the small formatters every section uses."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path


class Table:
    """The rows of the printed table, by section, and the same figures as data for results.json."""

    def __init__(self):
        self.sections: dict[str, list[tuple[str, str, str, str]]] = {}
        self.current: list[tuple[str, str, str, str]] = []
        self.results: dict = {}

    def section(self, title: str) -> None:
        """Start a group of rows; groups print in the order of their titles, (a) to (g)."""
        self.current = self.sections.setdefault(title, [])

    def add(self, figure: str, measured: str, goal: str = "", passed: bool | None = None) -> None:
        """Add one figure, with its goal and PASS/FAIL when it has one."""
        verdict = "" if passed is None else ("PASS" if passed else "FAIL")
        self.current.append(("  " + figure, measured, goal, verdict))

    def print(self) -> None:
        """Print the table with aligned columns."""
        header = ("figure", "measured", "goal", "")
        rows = []
        for title in sorted(self.sections):
            rows += [(title, "", "", ""), *self.sections[title]]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
        print(" | ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True)))
        print("-+-".join("-" * width for width in widths))
        for row in rows:
            print(" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def kb(size: float) -> str:
    """Write a byte count in KB with one decimal."""
    return f"{size / 1024:.1f} KB"


def sizes(br: float, gzip: float, raw: float) -> str:
    """Write a size as sent with brotli, then gzip and raw in brackets."""
    return f"{kb(br)} ({kb(gzip)}; raw {kb(raw)})"


def ms(seconds: float) -> str:
    """Write seconds as milliseconds."""
    return f"{seconds * 1000:.1f} ms"


def p90(values: list[float]) -> float:
    """Return the 90th percentile."""
    return statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0]


def timed(action: Callable[[], object]) -> float:
    """Return how long ``action`` takes, in seconds."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def site_environment(instance: Path) -> dict[str, str]:
    """Return the environment that points the app at the benchmark's instance folder."""
    return {**os.environ, "RIGHTSINFO_INSTANCE_PATH": str(instance)}
