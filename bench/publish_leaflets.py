"""Part of section (e) of ``make bench``: pre-rendering at publish (``flask build --leaflets``).

Times ``prerender_leaflets`` on a copy of the built instance with an empty leaflet cache: every
leaflet the print page offers in every language and the "All topics" packs, on the spare cores
(every core but one), then a second run, which finds everything made and renders nothing.

``python -m bench.publish_leaflets [INSTANCE]`` runs it alone on a built instance folder (default
``instance/``) and prints the figures as JSON.
"""

from __future__ import annotations

import itertools
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.server import PROJECT_DIR
from rightsinfo.leaflets.cache import CACHE_DIR_NAME


def prerender_figures(built: Path) -> dict:
    """Pre-render into a copy of ``built`` twice; return the times, counts and sizes."""
    from rightsinfo import create_app
    from rightsinfo.publish.leaflets import prerender_leaflets, spare_cores

    with tempfile.TemporaryDirectory(prefix="rightsinfo-prerender-") as scratch:
        instance = Path(scratch) / "instance"
        shutil.copytree(built, instance, ignore=shutil.ignore_patterns(CACHE_DIR_NAME))
        app = create_app({"INSTANCE_PATH": str(instance)})
        arrivals: list[float] = []
        first = prerender_leaflets(app, progress=lambda filename: arrivals.append(time.perf_counter()))
        second = prerender_leaflets(app)
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    return {
        "processes": spare_cores(),
        "leaflets": first.rendered,
        "megabytes": first.bytes_written / 1e6,
        "seconds": first.seconds,
        "median_seconds_between_leaflets": statistics.median(gaps) if gaps else None,
        "second_run_rendered": second.rendered,
        "second_run_seconds": second.seconds,
    }


def measure_publish_prerender(table, instance: Path) -> dict:
    """Add the publish pre-render's figures to the bench table; return them for results.json."""
    figures = prerender_figures(instance)
    table.add(
        f"pre-render at publish (flask build --leaflets): {figures['leaflets']} PDFs, "
        f"{figures['processes']} process(es)",
        f"{figures['seconds']:.1f} s ({figures['megabytes']:.1f} MB)",
    )
    table.add("  … again, nothing new to render", f"{figures['second_run_seconds']:.2f} s")
    return figures


def main() -> None:
    """Pre-render on a built instance folder and print the figures as JSON."""
    instance = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_DIR / "instance"
    print(json.dumps(prerender_figures(instance), indent=1))


if __name__ == "__main__":
    main()
