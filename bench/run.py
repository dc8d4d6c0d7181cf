"""``make bench``: one table of the figures that say whether rightsinfo is fast and light enough.

(a) cached-page throughput as a ratio to a bare gunicorn app returning the same bytes, measured with
wrk in the same run; (b) render-miss time; (c) page weights and the first visit against the byte
budgets below; (d) the offline pack of each language; (e) leaflet timings and memory; (f) search index
size and query time; (g) build time; (i) the time Chromium takes to save a language for offline use through a
throttling proxy on Slow 4G and 2G, against the bandwidth floor; (j) a freshly started server's first and
second request for a pack, a guide and /translators/. Prints the table and writes
``bench/results.json``.

Timings depend on the machine and on what else runs on it; the budgets on bytes do not. Shorter runs
for trying it out: ``BENCH_WRK_SECONDS=3 BENCH_LEAFLET_RENDERS=20 BENCH_PRERENDER=0 BENCH_SAVE_RUNS=1`` (or
``BENCH_PRERENDER_LANGS=en`` to pre-render one language; ``BENCH_PRERENDER_JOBS`` sets the parallel run).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import cold_server, offline_save, recordings, tagged_leaflets, weights
from bench.bare import RESPONSE_FILE_ENV, save_response
from bench.budgets import (
    FIRST_VISIT_MAX_BR_BYTES,
    FIRST_VISIT_MAX_REQUESTS,
    HTML_MAX_BR_BYTES,
    HTML_MEDIAN_MAX_BR_BYTES,
    PACK_MAX_BYTES,
    STYLESHEET_MAX_BR_BYTES,
)
from bench.leaflets_section import measure_leaflets
from bench.pack_flood import measure_pack_flood
from bench.server import PROJECT_DIR, WrkResult, gunicorn, http_get, run_wrk
from bench.table import Table, kb, ms, p90, site_environment, sizes, timed

RESULTS_PATH = Path(__file__).resolve().parent / "results.json"
CONTENT_DIR = PROJECT_DIR / "content"
TRANSLATIONS_DIR = PROJECT_DIR / "translations"

TRANSLATORS_RUNS = 20
CACHED_PAGE = "/ps/asylum/"
CACHED_PAGE_HEADERS = {"Accept-Encoding": "br"}
WRK_SECONDS = float(os.environ.get("BENCH_WRK_SECONDS", "10"))
WRK_WARMUP_SECONDS = 2
WRK_CONNECTIONS = 16
THROUGHPUT_ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
WSGI_CALLS = 20_000
SAVE_RUNS = int(os.environ.get("BENCH_SAVE_RUNS", "3"))
BUILD_RUNS = 3
QUERY_REPEATS = 5
SEARCH_QUERIES = (
    "azil", "asylum", "potvrda o registraciji", "Komesarijat", "doctor", "police", "192", "child",
    "پناه", "ډاکټر", "پولیس", "لجوء", "طبيب", "شرطة", "پناہ", "ڈاکٹر", "پناهنده", "داکتر",
    "يي كك", "۱۹۲", "a", '"NEAR(', "*", "AND OR", "x" * 200,
)  # fmt: skip

THROUGHPUT_RATIO_GOAL = 1.0


# ----------------------------------------------------------------------------------------------------
# (g) build, (b) render-miss


def measure_build(table: Table, root: Path) -> Path:
    """Build the real content a few times into fresh folders; keep the last one as the instance."""
    from rightsinfo import create_app
    from rightsinfo.build import build_site
    from rightsinfo.publish.published import write_published

    seconds, instance = [], root
    for run in range(BUILD_RUNS):
        instance = root / f"instance-{run}"
        seconds.append(timed(lambda folder=instance: build_site(CONTENT_DIR, TRANSLATIONS_DIR, folder)))
    publish_seconds = timed(lambda: write_published(create_app({"INSTANCE_PATH": str(instance)})))
    table.section("(g) build")
    table.add(f"build time, median of {BUILD_RUNS}", ms(statistics.median(seconds)))
    table.add("publishing the offline packs and guides (every language, once per build)", ms(publish_seconds))
    table.results["build"] = {
        "median_seconds": statistics.median(seconds),
        "runs_seconds": seconds,
        "publish_packs_seconds": publish_seconds,
    }
    return instance


def measure_translators(table: Table, app) -> None:
    """Time the /translators/ page from what the build stored: rendered afresh, and from the page cache.

    Afresh is asked with no compression: what a miss compresses is the page cache's cost, not the page's.
    """
    from rightsinfo.site import site_of

    client, cache, fresh, cached = app.test_client(), site_of(app).cache, [], []
    client.get("/translators/")  # compiles the template once, as a worker's first request does
    for _run in range(TRANSLATORS_RUNS):
        cache.clear()
        fresh.append(timed(lambda: client.get("/translators/", headers={"Accept-Encoding": "identity"})))
        cached.append(timed(lambda: client.get("/translators/", headers=CACHED_PAGE_HEADERS)))
    median, median_cached = statistics.median(fresh), statistics.median(cached)
    table.add(
        f"/translators/ rendered afresh, median of {TRANSLATORS_RUNS}",
        ms(median),
        "≤ 20.0 ms",
        median <= 0.020,
    )
    table.add("/translators/ from the page cache", ms(median_cached), "≤ 20.0 ms", median_cached <= 0.020)
    table.results["translators_page"] = {
        "fresh_median_seconds": median,
        "cached_median_seconds": median_cached,
    }


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
        measure_translators(table, app)
        measure_weights(table, app)
        measure_search(table, app)
        print("measuring throughput with wrk …", file=sys.stderr)
        measure_throughput(table, instance, scratch)
        measure_pack_flood(table, instance)
        measure_wsgi_cost(table, app)
        cold_server.report(table, instance)
        print("measuring offline saves over slow links in Chromium …", file=sys.stderr)
        offline_save.report(table, instance, SAVE_RUNS)
        print("measuring recorded voices: sizes, and first sound on 2G in Chromium …", file=sys.stderr)
        recordings.report(table, scratch)
        print("measuring leaflets (this takes a few minutes) …", file=sys.stderr)
        measure_leaflets(table, app, instance, scratch)
        tagged_leaflets.run(table, instance, PROJECT_DIR)
    machine = table.results["machine"]
    machine["load_average_at_end"] = os.getloadavg()
    load = f"{machine['load_average_at_start'][0]:.1f} / {machine['load_average_at_end'][0]:.1f}"
    table.section("(h) machine")
    table.add("load average at start / end", f"{load} on {machine['cpus']} CPUs", "quiet machine")
    order = ["throughput", "render_miss", "translators_page", "weights", "offline_packs", "cold_server",
             "offline_save", "recordings", "leaflets", "leaflets_tagged", "search", "build",
             "machine"]  # fmt: skip
    results = {key: table.results[key] for key in order if key in table.results}
    RESULTS_PATH.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print()
    table.print()
    print(f"\nwritten: {RESULTS_PATH.relative_to(PROJECT_DIR)}")


if __name__ == "__main__":
    main()
