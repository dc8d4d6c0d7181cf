"""Render many leaflets in a fresh process and report each render's time and the process's memory.

Run by ``bench.run`` as ``python -m bench.leaflet_renders INSTANCE COUNT`` so that the peak resident
memory (``ru_maxrss``) belongs to the renders alone. The leaflets are spread evenly over every leaflet
worth printing (each page, directory and card, per language, size, second language and Urdu script),
so the sample holds every language in its share: taking the first COUNT of that list would leave out
the languages that come last (Urdu, whose Nastaliq is the slowest to set). Each render is of a leaflet
not rendered before, so none is served from a cache. Prints one JSON object.

Each render is timed twice: wall-clock, the figure the goals are set in, and the CPU time this process
spent, which a machine busy with other work inflates far less (it still shares caches and memory
bandwidth), so a noisy run can still be compared with a quiet one.
"""

from __future__ import annotations

import collections
import itertools
import json
import resource
import sys
import time
from pathlib import Path

RSS_CHECKPOINT_RENDERS = 10
PAGE_SIZE_BYTES = resource.getpagesize()
BYTES_PER_MIB = 1024 * 1024
KIB_PER_MIB = 1024


def current_rss_mb() -> float:
    """Return this process's resident memory now, in MiB (Linux /proc)."""
    resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    return resident_pages * PAGE_SIZE_BYTES / BYTES_PER_MIB


def spread_sample(jobs: list, count: int) -> list:
    """Return ``count`` jobs taken at even steps through the list (all of them, repeated, if fewer)."""
    if count >= len(jobs):
        return list(itertools.islice(itertools.cycle(jobs), count))
    step = len(jobs) / count
    return [jobs[int(index * step)] for index in range(count)]


def render_many(instance: str, count: int) -> dict:
    """Render ``count`` distinct leaflets and return the timings and memory figures."""
    from rightsinfo import create_app
    from rightsinfo.leaflets import leaflet_jobs, render_job

    app = create_app({"INSTANCE_PATH": instance})
    jobs = spread_sample(leaflet_jobs(app), count)
    seconds, cpu_seconds, sizes = [], [], []
    checkpoint = min(RSS_CHECKPOINT_RENDERS, count)
    rss_at_checkpoint = None
    for number, leaflet in enumerate(jobs, start=1):
        started, cpu_started = time.perf_counter(), time.process_time()
        sizes.append(len(render_job(app, leaflet)))
        seconds.append(time.perf_counter() - started)
        cpu_seconds.append(time.process_time() - cpu_started)
        if number == checkpoint:
            rss_at_checkpoint = current_rss_mb()
    return {
        "renders": count,
        "distinct_leaflets": len(set(jobs)),
        "languages": dict(collections.Counter(leaflet.lang for leaflet in jobs)),
        "langs": [leaflet.lang for leaflet in jobs],
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "pdf_bytes": sizes,
        "rss_mb_after_checkpoint": rss_at_checkpoint,
        "checkpoint_renders": checkpoint,
        "rss_mb_at_end": current_rss_mb(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / KIB_PER_MIB,  # Linux: KiB
    }


if __name__ == "__main__":
    print(json.dumps(render_many(sys.argv[1], int(sys.argv[2]))))
