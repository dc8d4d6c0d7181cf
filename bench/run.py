"""``make bench``: one table of the figures that say whether rightsinfo is fast and light enough.

(a) cached-page throughput as a ratio to a bare gunicorn app returning the same bytes, measured with
wrk in the same run; (b) render-miss time; (c) page weights and the first visit against the byte
budgets below; (d) the offline pack of each language; (e) leaflet timings and memory; (f) search index
size and query time; (g) build time; (i) the time Chromium takes to save a language for offline use through a
throttling proxy on Slow 4G and 2G, against the bandwidth floor. Prints the table and writes
``bench/results.json``.

Timings depend on the machine and on what else runs on it; the budgets on bytes do not. Shorter runs
for trying it out: ``BENCH_WRK_SECONDS=3 BENCH_LEAFLET_RENDERS=20 BENCH_PRERENDER=0 BENCH_SAVE_RUNS=1`` (or
``BENCH_PRERENDER_LANGS=en`` to pre-render one language; ``BENCH_PRERENDER_JOBS`` sets the parallel run).
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import weights
from bench.bare import RESPONSE_FILE_ENV, save_response
from bench.budgets import (
    FIRST_VISIT_MAX_BR_BYTES,
    FIRST_VISIT_MAX_REQUESTS,
    HTML_MAX_BR_BYTES,
    HTML_MEDIAN_MAX_BR_BYTES,
    PACK_MAX_BYTES,
    STYLESHEET_MAX_BR_BYTES,
)
from bench.server import PROJECT_DIR, WrkResult, gunicorn, http_get, run_wrk

RESULTS_PATH = Path(__file__).resolve().parent / "results.json"
CONTENT_DIR = PROJECT_DIR / "content"
TRANSLATIONS_DIR = PROJECT_DIR / "translations"

CACHED_PAGE = "/ps/asylum/"
CACHED_PAGE_HEADERS = {"Accept-Encoding": "br"}
WRK_SECONDS = float(os.environ.get("BENCH_WRK_SECONDS", "10"))
WRK_WARMUP_SECONDS = 2
WRK_CONNECTIONS = 16
THROUGHPUT_ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
WSGI_CALLS = 20_000
LEAFLET_RENDERS = int(os.environ.get("BENCH_LEAFLET_RENDERS", "200"))
PRERENDER = os.environ.get("BENCH_PRERENDER", "1") != "0"
SAVE_RUNS = int(os.environ.get("BENCH_SAVE_RUNS", "3"))
PRERENDER_JOBS = int(os.environ.get("BENCH_PRERENDER_JOBS", "2"))
# Comma-separated language prefixes to pre-render (empty: every leaflet), for shorter runs.
PRERENDER_LANGS = tuple(filter(None, os.environ.get("BENCH_PRERENDER_LANGS", "").split(",")))
BUILD_RUNS = 3
CACHED_SERVE_RUNS = 30
QUERY_REPEATS = 5
SEARCH_QUERIES = (
    "azil", "asylum", "potvrda o registraciji", "Komesarijat", "doctor", "police", "192", "child",
    "پناه", "ډاکټر", "پولیس", "لجوء", "طبيب", "شرطة", "پناہ", "ڈاکٹر", "پناهنده", "داکتر",
    "يي كك", "۱۹۲", "a", '"NEAR(', "*", "AND OR", "x" * 200,
)  # fmt: skip

THROUGHPUT_RATIO_GOAL = 1.0
LEAFLET_MEDIAN_GOAL_SECONDS = 0.150
LEAFLET_PEAK_RSS_GOAL_MB = 100
PRERENDER_RATIO_GOAL = 0.6  # --jobs 2 against --jobs 1, on two cores


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


# ----------------------------------------------------------------------------------------------------
# (g) build, (b) render-miss


def measure_build(table: Table, root: Path) -> Path:
    """Build the real content a few times into fresh folders; keep the last one as the instance."""
    from rightsinfo import create_app
    from rightsinfo.build import build_site
    from rightsinfo.publish.pack import write_packs

    seconds, instance = [], root
    for run in range(BUILD_RUNS):
        instance = root / f"instance-{run}"
        seconds.append(timed(lambda folder=instance: build_site(CONTENT_DIR, TRANSLATIONS_DIR, folder)))
    publish_seconds = timed(lambda: write_packs(create_app({"INSTANCE_PATH": str(instance)})))
    table.section("(g) build")
    table.add(f"build time, median of {BUILD_RUNS}", ms(statistics.median(seconds)))
    table.add("publishing the offline packs (every language, once per build)", ms(publish_seconds))
    table.results["build"] = {
        "median_seconds": statistics.median(seconds),
        "runs_seconds": seconds,
        "publish_packs_seconds": publish_seconds,
    }
    return instance


def measure_render_miss(table: Table, app) -> None:
    """Time rendering each page of a language with the page cache emptied, as after a content update."""
    from rightsinfo.serving import make_entry
    from rightsinfo.site import site_of

    client = app.test_client()
    cache = site_of(app).cache
    paths = [url for url in weights.pack_urls(client, "ps") if not url.startswith("/static/")]
    paths = [path for path in paths if client.get(path).mimetype == "text/html"]
    seconds, compress_seconds = [], []
    for path in paths:
        cache.clear()
        seconds.append(timed(lambda path=path: client.get(path)))
        body = client.get(path, headers={"Accept-Encoding": "identity"}).get_data()
        compress_seconds.append(timed(lambda body=body: make_entry(body, "text/html; charset=utf-8", [])))
    table.section("(b) render miss (page cache emptied; Flask test client, in process)")
    table.add(f"render + compress, median of {len(paths)} ps pages", ms(statistics.median(seconds)))
    table.add("render + compress, p90", ms(p90(seconds)))
    table.add("  of which gzip-9 + brotli-11, median", ms(statistics.median(compress_seconds)))
    table.results["render_miss"] = {
        "pages": len(paths),
        "median_seconds": statistics.median(seconds),
        "p90_seconds": p90(seconds),
        "compress_median_seconds": statistics.median(compress_seconds),
    }


# ----------------------------------------------------------------------------------------------------
# (a) throughput against a bare server


def wrk_page(base_url: str, seconds: float) -> WrkResult:
    """Run wrk on the cached page, after a short warm-up that fills every worker's cache."""
    run_wrk(base_url + CACHED_PAGE, WRK_WARMUP_SECONDS, WRK_CONNECTIONS, CACHED_PAGE_HEADERS)
    return run_wrk(base_url + CACHED_PAGE, seconds, WRK_CONNECTIONS, CACHED_PAGE_HEADERS)


def wsgi_call_seconds(app, environ: dict, calls: int) -> float:
    """Return the mean time of one call of a WSGI app, in process (no server, no network)."""

    def start_response(status, headers, exc_info=None):
        return None

    started = time.perf_counter()
    for _call in range(calls):
        b"".join(app(dict(environ), start_response))
    return (time.perf_counter() - started) / calls


def measure_wsgi_cost(table: Table, app) -> None:
    """Time the page cache's WSGI layer against a bare WSGI app, both in process, per request."""
    from werkzeug.test import EnvironBuilder

    from bench import bare

    app.test_client().get(CACHED_PAGE, headers=CACHED_PAGE_HEADERS)
    environ = EnvironBuilder(path=CACHED_PAGE, headers={"Accept-Encoding": "gzip, deflate, br"}).get_environ()
    site = wsgi_call_seconds(app, environ, WSGI_CALLS)
    bare_seconds = wsgi_call_seconds(bare.app, environ, WSGI_CALLS)
    table.add(
        "in process, one cached request: site / bare app", f"{site * 1e6:.1f} / {bare_seconds * 1e6:.1f} µs"
    )
    table.results["throughput"]["in_process_seconds_per_request"] = {"site": site, "bare": bare_seconds}


def measure_throughput(table: Table, instance: Path, scratch: Path) -> None:
    """Compare the site's cached page with a bare gunicorn app sending the same bytes and headers."""
    env = site_environment(instance)
    site_runs, bare_runs = [], []
    for _round in range(THROUGHPUT_ROUNDS):
        with gunicorn("wsgi:app", env) as base_url:
            status, headers, body = http_get(base_url, CACHED_PAGE, CACHED_PAGE_HEADERS)
            if status != 200 or headers.get("Content-Encoding") != "br":
                raise RuntimeError(f"{CACHED_PAGE}: {status} {headers}")
            site_runs.append(wrk_page(base_url, WRK_SECONDS))
        saved = save_response(headers, body, scratch)
        with gunicorn("bench.bare:app", {**env, RESPONSE_FILE_ENV: str(saved)}, ready_path="/") as base_url:
            bare_runs.append(wrk_page(base_url, WRK_SECONDS))
    site_rate = statistics.mean(run.requests_per_second for run in site_runs)
    bare_rate = statistics.mean(run.requests_per_second for run in bare_runs)
    ratio = site_rate / bare_rate
    runs = f"{THROUGHPUT_ROUNDS}×{WRK_SECONDS:g} s each"
    table.section(f"(a) cached page {CACHED_PAGE} (br), wrk -c{WRK_CONNECTIONS}, {runs}")
    table.add("site, requests/s", f"{site_rate:.0f}")
    table.add("bare gunicorn app, same bytes, requests/s", f"{bare_rate:.0f}")
    table.add(
        "throughput ratio site / bare",
        f"{ratio:.2f}",
        f"≥ {THROUGHPUT_RATIO_GOAL}",
        ratio >= THROUGHPUT_RATIO_GOAL,
    )
    table.add("site p50 / p99", f"{site_runs[-1].p50_ms:.2f} / {site_runs[-1].p99_ms:.2f} ms")
    table.add("bare p50 / p99", f"{bare_runs[-1].p50_ms:.2f} / {bare_runs[-1].p99_ms:.2f} ms")
    errors = sum(run.errors for run in site_runs + bare_runs)
    table.add("errors (non-2xx/3xx + socket)", str(errors), "0", errors == 0)
    table.results["throughput"] = {
        "page": CACHED_PAGE,
        "connections": WRK_CONNECTIONS,
        "seconds_per_run": WRK_SECONDS,
        "site": [run.as_dict() for run in site_runs],
        "bare": [run.as_dict() for run in bare_runs],
        "ratio": ratio,
        "goal": THROUGHPUT_RATIO_GOAL,
        "passed": ratio >= THROUGHPUT_RATIO_GOAL,
    }


# ----------------------------------------------------------------------------------------------------
# (c) page weights, (d) offline packs


def measure_weights(table: Table, app) -> None:
    """Weigh every page, the stylesheet and a first visit against the budgets."""
    client = app.test_client()
    pages = weights.page_weights(client)
    css = weights.stylesheet(client)
    visit = weights.first_visit(client, "ps")
    checks = {
        "largest_page": pages["largest_br_bytes"] <= HTML_MAX_BR_BYTES,
        "median_page": pages["median_br_bytes"] <= HTML_MEDIAN_MAX_BR_BYTES,
        "stylesheet": css.br <= STYLESHEET_MAX_BR_BYTES,
        "first_visit_bytes": visit["br_bytes"] <= FIRST_VISIT_MAX_BR_BYTES,
        "first_visit_requests": visit["requests"] <= FIRST_VISIT_MAX_REQUESTS,
    }
    table.section(f"(c) page weights: {pages['pages']} HTML pages in 5 languages (brotli; gzip in brackets)")
    table.add(
        f"largest page {pages['largest_url']}",
        sizes(pages["largest_br_bytes"], pages["largest_gzip_bytes"], pages["largest_raw_bytes"]),
        f"≤ {kb(HTML_MAX_BR_BYTES)}",
        checks["largest_page"],
    )
    table.add(
        "median page",
        sizes(pages["median_br_bytes"], pages["median_gzip_bytes"], pages["median_raw_bytes"]),
        f"≤ {kb(HTML_MEDIAN_MAX_BR_BYTES)}",
        checks["median_page"],
    )
    table.add(
        "stylesheet",
        sizes(css.br, css.gzip, css.raw),
        f"≤ {kb(STYLESHEET_MAX_BR_BYTES)}",
        checks["stylesheet"],
    )
    table.add(
        "first visit to /ps/ (page, its files, manifest, sw.js)",
        f"{kb(visit['br_bytes'])} in {visit['requests']} requests",
        f"≤ {kb(FIRST_VISIT_MAX_BR_BYTES)} in ≤ {FIRST_VISIT_MAX_REQUESTS}",
        checks["first_visit_bytes"] and checks["first_visit_requests"],
    )
    table.results["weights"] = {
        "pages": {key: value for key, value in pages.items() if key != "by_url"},
        "page_bytes_raw_gzip_br": pages["by_url"],
        "stylesheet": {"raw_bytes": css.raw, "gzip_bytes": css.gzip, "br_bytes": css.br},
        "first_visit_ps": visit,
        "budgets_bytes": {
            "largest_page_br": HTML_MAX_BR_BYTES,
            "median_page_br": HTML_MEDIAN_MAX_BR_BYTES,
            "stylesheet_br": STYLESHEET_MAX_BR_BYTES,
            "first_visit_br": FIRST_VISIT_MAX_BR_BYTES,
            "first_visit_requests": FIRST_VISIT_MAX_REQUESTS,
        },
        "passed": checks,
    }
    packs = weights.offline_packs(client)
    table.section("(d) offline pack per language: the one pack response as sent (Zstandard), and its worker")
    for lang, pack in packs.items():
        passed = pack["bytes"] <= PACK_MAX_BYTES
        table.add(
            f"{lang}: {pack['urls']} URLs",
            f"{kb(pack['bytes'])} (files alone {kb(pack['files_alone_br_bytes'])} br; "
            f"worker {kb(pack['worker_br_bytes'])} br, {kb(pack['worker_gzip_bytes'])} gzip)",
            f"≤ {kb(PACK_MAX_BYTES)}",
            passed,
        )
        pack["passed"] = passed
    table.results["offline_packs"] = {"budget_bytes": PACK_MAX_BYTES, "languages": packs}


# ----------------------------------------------------------------------------------------------------
# (i) saving a language offline over slow links


def measure_offline_save(table: Table, instance: Path) -> None:
    """Time Chromium saving ps and ur for offline use through the throttling proxy, on both links."""
    from bench import offline_save

    rows, resumes, cold = offline_save.measure(instance, dict(os.environ), SAVE_RUNS)
    table.section(f"(i) saving for offline in Chromium through a throttling proxy, median of {SAVE_RUNS}")
    for pack in cold:
        table.add(
            f"/{pack['lang']}/ pack, first and second request on a cold server",
            f"{ms(pack['first_seconds'])}, {ms(pack['second_seconds'])}",
            f"≤ {ms(offline_save.COLD_PACK_MAX_SECONDS)} each",
            pack["passed"],
        )
    for row in rows:
        table.add(
            f"{row['link']} /{row['lang']}/: ready (first load {row['first_load_seconds']:.2f} s)",
            f"{row['ready_seconds']:.2f} s; {kb(row['bytes_down'])}, floor {row['floor_seconds']:.2f} s, "
            f"ratio {row['ratio_to_floor']:.2f}",
            f"≤ {row['goal_seconds']:.2f} s",
            row["passed"],
        )
    for resume in resumes:
        table.add(
            f"/{resume['lang']}/ save cut at {offline_save.CUT_FRACTION:.0%} of the pack: next visit fetches",
            f"{kb(resume['resumed_bytes'])} of {kb(resume['pack_bytes'])} ({resume['fraction']:.0%})",
            f"≤ {offline_save.RESUME_MAX_FRACTION:.0%}",
            resume["passed"],
        )
    table.results["offline_save"] = {
        "goal": "ready ≤ 1.3 × bytes ÷ bandwidth + 6 round trips",
        "cold_server": "gunicorn restarted before every counted save; nothing asked for first",
        "cold_packs": cold,
        "rows": rows,
        "resumes": resumes,
        "passed": all(row["passed"] for row in [*rows, *resumes, *cold]),
    }


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


# ----------------------------------------------------------------------------------------------------
# (f) search


def measure_search(table: Table, app) -> None:
    """Report each language's index size and the median time of a fixed list of queries."""
    from rightsinfo import search_index
    from rightsinfo.i18n import languages
    from rightsinfo.site import site_of

    client = app.test_client()
    conn = site_of(app).database.connection
    packs = weights.search_packs(client)
    table.section("(f) search")
    for lang, pack in packs.items():
        rows = conn.execute("SELECT count(*) FROM search WHERE lang = ?", (lang,)).fetchone()[0]
        pack["fts_rows"] = rows
        table.add(
            f"{lang}: offline index search-pack.json, FTS rows", f"{kb(pack['br_bytes'])} br, {rows} rows"
        )
    query_seconds, page_seconds = [], []
    for language in languages():
        for query in SEARCH_QUERIES:
            for _repeat in range(QUERY_REPEATS):
                query_seconds.append(
                    timed(lambda q=query, lang=language.prefix: search_index.search(conn, lang, q))
                )
            page_seconds.append(
                timed(
                    lambda q=query, lang=language.prefix: client.get(f"/{lang}/search", query_string={"q": q})
                )
            )
    count = len(SEARCH_QUERIES) * len(packs)
    table.add(f"FTS query, median of {count} queries × {QUERY_REPEATS}", ms(statistics.median(query_seconds)))
    table.add("whole search page (Flask test client), median", ms(statistics.median(page_seconds)))
    table.results["search"] = {
        "languages": packs,
        "queries": list(SEARCH_QUERIES),
        "query_median_seconds": statistics.median(query_seconds),
        "query_p90_seconds": p90(query_seconds),
        "page_median_seconds": statistics.median(page_seconds),
    }


# ----------------------------------------------------------------------------------------------------


def main() -> None:
    """Measure everything into a temporary instance, print the table and write results.json."""
    from rightsinfo import create_app

    table = Table()
    table.results["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    with tempfile.TemporaryDirectory(prefix="rightsinfo-bench-") as scratch_name:
        scratch = Path(scratch_name)
        instance = measure_build(table, scratch)
        app = create_app({"INSTANCE_PATH": str(instance)})
        print("measuring render misses, weights, packs and search …", file=sys.stderr)
        measure_render_miss(table, app)
        measure_weights(table, app)
        measure_search(table, app)
        print("measuring throughput with wrk …", file=sys.stderr)
        measure_throughput(table, instance, scratch)
        measure_wsgi_cost(table, app)
        print("measuring offline saves over slow links in Chromium …", file=sys.stderr)
        measure_offline_save(table, instance)
        print("measuring leaflets (this takes a few minutes) …", file=sys.stderr)
        measure_leaflets(table, app, instance, scratch)
    machine = table.results["machine"]
    machine["load_average_at_end"] = os.getloadavg()
    load = f"{machine['load_average_at_start'][0]:.1f} / {machine['load_average_at_end'][0]:.1f}"
    table.section("(h) machine")
    table.add("load average at start / end", f"{load} on {machine['cpus']} CPUs", "quiet machine")
    order = [
        "throughput",
        "render_miss",
        "weights",
        "offline_packs",
        "offline_save",
        "leaflets",
        "search",
        "build",
        "machine",
    ]
    results = {key: table.results[key] for key in order if key in table.results}
    RESULTS_PATH.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print()
    table.print()
    print(f"\nwritten: {RESULTS_PATH.relative_to(PROJECT_DIR)}")


if __name__ == "__main__":
    main()
