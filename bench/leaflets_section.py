"""Section (e) of ``make bench``: cold and cached leaflets, peak memory over many renders, pre-rendering."""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.publish_leaflets import measure_publish_prerender
from bench.server import PROJECT_DIR
from bench.table import Table, ms, p90, site_environment, timed

LEAFLET_RENDERS = int(os.environ.get("BENCH_LEAFLET_RENDERS", "200"))
PRERENDER = os.environ.get("BENCH_PRERENDER", "1") != "0"
PRERENDER_JOBS = int(os.environ.get("BENCH_PRERENDER_JOBS", "2"))
# Comma-separated language prefixes to pre-render (empty: every leaflet), for shorter runs.
PRERENDER_LANGS = tuple(filter(None, os.environ.get("BENCH_PRERENDER_LANGS", "").split(",")))
CACHED_SERVE_RUNS = 30
LEAFLET_MEDIAN_GOAL_SECONDS = 0.150
LEAFLET_PEAK_RSS_GOAL_MB = 100
PRERENDER_RATIO_GOAL = 0.6  # --jobs 2 against --jobs 1, on two cores


# ----------------------------------------------------------------------------------------------------
# (e) leaflets


def measure_leaflets(table: Table, app, instance: Path, scratch: Path) -> None:
    """Time cold and cached leaflets, peak memory over many renders, and pre-rendering everything."""
    table.section("(e) leaflets")
    if importlib.util.find_spec("rightsinfo.leaflets") is None:
        table.add("leaflets", "rightsinfo.leaflets does not exist yet: nothing measured")
        table.results["leaflets"] = None
        return
    renders = run_leaflet_renders(instance)
    first, rest = renders["seconds"][0], renders["seconds"][1:] or renders["seconds"]
    cpu_rest = renders["cpu_seconds"][1:] or renders["cpu_seconds"]
    median, peak = statistics.median(rest), renders["peak_rss_mb"]
    table.add("first render in a fresh process (fonts loaded)", ms(first))
    table.add(
        f"uncached render, median of {len(rest)} distinct",
        ms(median),
        f"≤ {LEAFLET_MEDIAN_GOAL_SECONDS * 1000:.0f} ms",
        median <= LEAFLET_MEDIAN_GOAL_SECONDS,
    )
    table.add("uncached render, p90", ms(p90(rest)))
    by_language = median_by_language(renders["langs"][-len(rest) :], rest)
    table.add(
        "uncached render, median by language",
        " · ".join(f"{lang} {ms(seconds)}" for lang, seconds in by_language.items()),
    )
    table.add(
        "uncached render, CPU time median / p90", f"{ms(statistics.median(cpu_rest))} / {ms(p90(cpu_rest))}"
    )
    table.add(
        f"peak RSS over {renders['renders']} renders (ru_maxrss)",
        f"{peak:.0f} MiB",
        f"≤ {LEAFLET_PEAK_RSS_GOAL_MB} MiB",
        peak <= LEAFLET_PEAK_RSS_GOAL_MB,
    )
    table.add(
        f"RSS after {renders['checkpoint_renders']} renders → after {renders['renders']}",
        f"{renders['rss_mb_after_checkpoint']:.0f} → {renders['rss_mb_at_end']:.0f} MiB",
    )
    cached = cached_leaflet_serves(app)
    table.add("cached serve, from memory (no query string), median", ms(cached["memory_median_seconds"]))
    table.add("cached serve, from disk (?size=a4), median", ms(cached["disk_median_seconds"]))
    results = {
        "first_render_seconds": first,
        "uncached_median_seconds": median,
        "uncached_p90_seconds": p90(rest),
        "uncached_median_seconds_by_language": by_language,
        "renders_by_language": renders["languages"],
        "uncached_cpu_median_seconds": statistics.median(cpu_rest),
        "uncached_cpu_p90_seconds": p90(cpu_rest),
        "renders": renders["renders"],
        "peak_rss_mb": peak,
        "rss_mb_after_checkpoint": renders["rss_mb_after_checkpoint"],
        "rss_mb_at_end": renders["rss_mb_at_end"],
        "median_pdf_bytes": statistics.median(renders["pdf_bytes"]),
        **cached,
    }
    if PRERENDER:
        results["prerender"] = measure_prerender(table, instance, scratch)
    else:
        table.add("pre-render everything", "skipped (BENCH_PRERENDER=0)")
    results["publish_prerender"] = measure_publish_prerender(table, instance)
    table.results["leaflets"] = results


def median_by_language(langs: list[str], seconds: list[float]) -> dict[str, float]:
    """Return the median render time of each language, in the order the languages first appear."""
    grouped: dict[str, list[float]] = {}
    for lang, value in zip(langs, seconds, strict=True):
        grouped.setdefault(lang, []).append(value)
    return {lang: statistics.median(values) for lang, values in grouped.items()}


def measure_prerender(table: Table, instance: Path, scratch: Path) -> dict:
    """Pre-render every leaflet in one process, then in PRERENDER_JOBS, and compare the times."""
    single = run_prerender(instance, scratch / "prerendered-1", 1)
    parallel = run_prerender(instance, scratch / "prerendered-n", PRERENDER_JOBS)
    if parallel["names"] != single["names"]:
        raise RuntimeError(f"flask leaflets wrote different files with --jobs 1 and --jobs {PRERENDER_JOBS}")
    ratio = parallel["seconds"] / single["seconds"]
    which = f"--lang {','.join(PRERENDER_LANGS)}" if PRERENDER_LANGS else "every leaflet"
    table.add(
        f"pre-render {which} (flask leaflets): {single['files']} PDFs, --jobs 1", f"{single['seconds']:.1f} s"
    )
    table.add(f"  … with --jobs {PRERENDER_JOBS} ({os.cpu_count()} CPUs)", f"{parallel['seconds']:.1f} s")
    table.add(
        f"  … ratio --jobs {PRERENDER_JOBS} / --jobs 1",
        f"{ratio:.2f}",
        f"≤ {PRERENDER_RATIO_GOAL}",
        ratio <= PRERENDER_RATIO_GOAL,
    )
    return {
        "langs": list(PRERENDER_LANGS) or None,
        "files": single["files"],
        "jobs_1_seconds": single["seconds"],
        f"jobs_{PRERENDER_JOBS}_seconds": parallel["seconds"],
        "parallel_jobs": PRERENDER_JOBS,
        "ratio": ratio,
    }


def run_leaflet_renders(instance: Path) -> dict:
    """Render LEAFLET_RENDERS leaflets in a fresh Python process and return its report."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.leaflet_renders", str(instance), str(LEAFLET_RENDERS)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def cached_leaflet_serves(app) -> dict:
    """Time serving a leaflet already rendered: from the page cache, and from the disk cache."""
    client = app.test_client()
    memory_url, disk_url = "/ps/asylum/leaflet.pdf", "/ps/asylum/leaflet.pdf?size=a4"
    for url in (memory_url, disk_url):
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "application/pdf":
            raise RuntimeError(f"{url}: {response.status_code}")
    memory = [timed(lambda: client.get(memory_url)) for _run in range(CACHED_SERVE_RUNS)]
    disk = [timed(lambda: client.get(disk_url)) for _run in range(CACHED_SERVE_RUNS)]
    return {
        "memory_median_seconds": statistics.median(memory),
        "disk_median_seconds": statistics.median(disk),
    }


def run_prerender(instance: Path, target: Path, jobs: int) -> dict:
    """Time ``flask --app rightsinfo leaflets --jobs N`` pre-rendering into ``target``."""
    flask = Path(sys.executable).with_name("flask")
    langs = ["--lang", ",".join(PRERENDER_LANGS)] if PRERENDER_LANGS else []
    started = time.perf_counter()
    subprocess.run(
        [
            str(flask),
            "--app",
            "rightsinfo",
            "leaflets",
            str(target),
            "--no-seed-cache",
            "--jobs",
            str(jobs),
            *langs,
        ],
        cwd=PROJECT_DIR,
        env=site_environment(instance),
        capture_output=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    names = sorted(path.relative_to(target).as_posix() for path in target.rglob("*.pdf"))
    return {"seconds": seconds, "files": len(names), "names": names}
