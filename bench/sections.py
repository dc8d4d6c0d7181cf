"""``python -m bench.sections NAME …``: rerun some sections of ``make bench``, update only those.

A whole ``make bench`` takes a long quiet stretch of the machine; after a change to one part (the
pack flood, a cold server, the recordings) its own figures can be taken again alone. The named
sections run on a fresh build of the real content, as in ``make bench``; ``bench/results.json``
keeps every other section as it was and records, for each section rerun here, when and on what
load it was measured (``machine.sections``), so no figure is passed off as part of another run.

Names: ``pack_flood``, ``cold_server``, ``offline_save``, ``recordings``.
"""

from __future__ import annotations

import copy
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import cold_server, offline_save, recordings
from bench.pack_flood import measure_pack_flood
from bench.run import RESULTS_PATH, SAVE_RUNS, measure_build
from bench.table import Table

SECTIONS: dict[str, Callable[[Table, Path, Path], None]] = {
    "pack_flood": lambda table, instance, scratch: measure_pack_flood(table, instance),
    "cold_server": lambda table, instance, scratch: cold_server.report(table, instance),
    "offline_save": lambda table, instance, scratch: offline_save.report(table, instance, SAVE_RUNS),
    "recordings": lambda table, instance, scratch: recordings.report(table, scratch),
}
RESULT_KEYS = {"pack_flood": ("throughput", "pack_flood"), "cold_server": ("cold_server",),
               "offline_save": ("offline_save",), "recordings": ("recordings",)}  # fmt: skip


def merged(previous: dict, table: Table, names: list[str], load: tuple[float, float]) -> dict:
    """Return the previous results with the rerun sections replaced and their measuring noted."""
    results = copy.deepcopy(previous)
    for name in names:
        path = RESULT_KEYS[name]
        target = results
        for key in path[:-1]:
            target = target.setdefault(key, {})
        source = table.results
        for key in path:
            source = source[key]
        target[path[-1]] = source
    noted = results.setdefault("machine", {}).setdefault("sections", {})
    for name in names:
        noted[name] = {
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "load_average_at_start_and_end": load,
            "cpus": os.cpu_count(),
        }
    return results


def main(names: list[str]) -> None:
    """Run the named sections, print their table and update them in results.json."""
    unknown = [name for name in names if name not in SECTIONS]
    if unknown or not names:
        sys.exit(f"usage: python -m bench.sections {' '.join(SECTIONS)} (unknown: {' '.join(unknown)})")
    table = Table()
    load_at_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="rightsinfo-bench-") as scratch_name:
        scratch = Path(scratch_name)
        instance = measure_build(table, scratch)
        for name in names:
            print(f"measuring {name} …", file=sys.stderr)
            SECTIONS[name](table, instance, scratch)
    table.print()
    previous = json.loads(RESULTS_PATH.read_text(encoding="utf-8")) if RESULTS_PATH.exists() else {}
    results = merged(previous, table, names, (load_at_start, os.getloadavg()[0]))
    RESULTS_PATH.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
