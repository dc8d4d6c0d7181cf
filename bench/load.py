"""``make load``: a bounded load test of gunicorn on 127.0.0.1 with wrk; it stops by itself.

Two runs of ``wrk -t2 -c64 --latency`` on a cached page (brotli, as phones ask for it): first alone,
then while four client threads ask for cold leaflets (every request a combination of page, language,
paper size and second language not rendered before). Prints requests/s, p50, p99 and errors for each
and the goals: no errors, page p99 ≤ 100 ms alone and ≤ 200 ms during the leaflet burst. Then
the content is rebuilt three times while readers ask for pages (``bench/rebuild_load.py``): no response
may mix builds, and every worker serves the last build one check interval after it lands.
``LOAD_SECONDS`` sets each run's length (default 60).
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.bare import RESPONSE_FILE_ENV, save_response
from bench.rebuild_load import CHECK_INTERVAL_SECONDS, READER_THREADS, REBUILD_GAP_SECONDS, rebuild_run
from bench.server import PROJECT_DIR, WrkResult, gunicorn, http_get, run_wrk

LOAD_SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
CONNECTIONS = 64
WARMUP_SECONDS = 2
PAGE = "/ps/asylum/"
PAGE_HEADERS = {"Accept-Encoding": "br"}
PAGE_P99_GOAL_MS = 100.0
BURST_PAGE_P99_GOAL_MS = 200.0
BURST_THREADS = 4
LEAFLET_SIZES = ("a5", "a4")
BUSY_STATUS = 503  # a worker's render slots were full: by design, with Retry-After


@dataclass
class Burst:
    """Client threads asking for cold leaflets until told to stop, and what they got back."""

    base_url: str
    urls: list[str]
    stop: threading.Event = field(default_factory=threading.Event)
    results: list[tuple[int, float]] = field(default_factory=list)  # (status, seconds); 0 = socket error
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _next: itertools.count = field(default_factory=itertools.count)

    def run_client(self) -> None:
        """Request the next unrendered leaflet, again and again, until stopped or out of URLs."""
        while not self.stop.is_set():
            with self._lock:
                index = next(self._next)
            if index >= len(self.urls):
                return
            started = time.perf_counter()
            try:
                status = http_get(self.base_url, self.urls[index])[0]
            except OSError:
                status = 0
            with self._lock:
                self.results.append((status, time.perf_counter() - started))

    def summary(self) -> dict:
        """Return how many leaflets were served, refused as busy, or failed, and their median time."""
        served = [seconds for status, seconds in self.results if status == 200]
        return {
            "requests": len(self.results),
            "served": len(served),
            "busy_503": sum(1 for status, _seconds in self.results if status == BUSY_STATUS),
            "errors": sum(1 for status, _seconds in self.results if status not in {200, BUSY_STATUS}),
            "median_served_seconds": statistics.median(served) if served else None,
        }


def leaflet_urls(instance: Path) -> list[str]:
    """Return a URL for every combination of topic, language, size and second language (all cold)."""
    from rightsinfo import create_app, db
    from rightsinfo.i18n import languages
    from rightsinfo.site import site_of

    app = create_app({"INSTANCE_PATH": str(instance)})
    conn = site_of(app).database.connection
    prefixes = [language.prefix for language in languages()]
    urls = []
    for with_lang, size, lang in itertools.product([None, *prefixes], LEAFLET_SIZES, prefixes):
        if with_lang == lang:
            continue
        for page in db.topic_pages(conn, lang):
            query = f"size={size}" + (f"&with={with_lang}" if with_lang else "")
            urls.append(f"/{lang}/{page['slug']}/leaflet.pdf?{query}")
    return urls


def page_run(base_url: str) -> WrkResult:
    """Run wrk on the cached page for LOAD_SECONDS with CONNECTIONS clients."""
    return run_wrk(base_url + PAGE, LOAD_SECONDS, CONNECTIONS, PAGE_HEADERS)


def run_with_burst(base_url: str, instance: Path) -> tuple[WrkResult, dict]:
    """Run wrk on the cached page while BURST_THREADS clients ask for cold leaflets."""
    burst = Burst(base_url, leaflet_urls(instance))
    with ThreadPoolExecutor(max_workers=BURST_THREADS) as pool:
        clients = [pool.submit(burst.run_client) for _thread in range(BURST_THREADS)]
        try:
            result = page_run(base_url)
        finally:
            burst.stop.set()
        for client in clients:
            client.result()
    return result, {"leaflet_urls_available": len(burst.urls), **burst.summary()}


def verdict(passed: bool) -> str:
    """Write PASS or FAIL."""
    return "PASS" if passed else "FAIL"


def print_report(alone: WrkResult, burst: tuple[WrkResult, dict] | None, bare: WrkResult) -> bool:
    """Print the figures and the goals with PASS/FAIL; return whether every goal was met.

    The bare app's row (the same bytes from a WSGI app that does nothing, same gunicorn config) shows
    how much of the latency is the machine and gunicorn rather than the site.
    """
    print(f"\nwrk -t2 -c{CONNECTIONS} -d{LOAD_SECONDS:g}s --latency -H 'Accept-Encoding: br' {PAGE}\n")
    print(f"{'run':<34} {'requests/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    runs = [("cached page", alone)] + ([("cached page + cold leaflet burst", burst[0])] if burst else [])
    runs.append(("bare gunicorn app, same bytes", bare))
    for name, result in runs:
        print(f"{name:<34} {result.requests_per_second:>10.0f} {result.p50_ms:>8.2f} {result.p99_ms:>8.2f} "
              f"{result.errors:>7}")  # fmt: skip
    if burst is None:
        print("cached page + cold leaflet burst   not run: rightsinfo.leaflets does not exist yet")
    else:
        leaflets = burst[1]
        median = leaflets["median_served_seconds"]
        print(
            f"\nleaflet burst ({BURST_THREADS} clients, {leaflets['leaflet_urls_available']} cold URLs): "
            f"{leaflets['requests']} requests, {leaflets['served']} PDFs rendered and served"
            + (f" (median {median:.2f} s)" if median is not None else "")
            + f", {leaflets['busy_503']} answered 503 busy (by design), {leaflets['errors']} errors"
        )
    goals = [
        ("0 errors on pages", alone.errors == 0 and (burst is None or burst[0].errors == 0)),
        (f"page p99 ≤ {PAGE_P99_GOAL_MS:g} ms", alone.p99_ms <= PAGE_P99_GOAL_MS),
    ]
    if burst is not None:
        goals.append((f"page p99 ≤ {BURST_PAGE_P99_GOAL_MS:g} ms during the burst",
                      burst[0].p99_ms <= BURST_PAGE_P99_GOAL_MS))  # fmt: skip
        goals.append(("0 leaflet errors (503 busy is allowed)", burst[1]["errors"] == 0))
    print("\ngoals")
    for goal, passed in goals:
        print(f"  {verdict(passed)}  {goal}")
    if burst is None:
        print(
            f"  ----  page p99 ≤ {BURST_PAGE_P99_GOAL_MS:g} ms during the burst: not measured (no leaflets)"
        )
    return all(passed for _goal, passed in goals)


def print_rebuild_report(figures: dict) -> bool:
    """Print what readers saw while gunicorn's workers served rebuilt content; return whether it was right."""
    print(
        f"\nrebuild under load ({figures['builds']} builds {REBUILD_GAP_SECONDS:g} s apart, {READER_THREADS} "
        f"keep-alive readers): {figures['responses']} responses, {figures['late_requests']} started after "
        f"the last build + {CHECK_INTERVAL_SECONDS:g} s"
    )
    goals = [
        ("no response mixes two builds", figures["mixed_or_unmarked"] == 0),
        ("no response claims another build's text", figures["claims_another_build"] == 0),
        (f"every worker serves the last build {CHECK_INTERVAL_SECONDS:g} s after it lands",
         figures["old_build_after_the_interval"] == 0 and figures["late_requests"] > 0),
    ]  # fmt: skip
    for goal, passed in goals:
        print(f"  {verdict(passed)}  {goal}")
    return all(passed for _goal, passed in goals)


def main() -> None:
    """Build into a temporary instance, serve it with gunicorn, run both loads and print the report."""
    from rightsinfo.build import build_site

    with tempfile.TemporaryDirectory(prefix="rightsinfo-load-") as scratch:
        instance = Path(scratch) / "instance"
        build_site(PROJECT_DIR / "content", PROJECT_DIR / "translations", instance)
        env = {**os.environ, "RIGHTSINFO_INSTANCE_PATH": str(instance)}
        has_leaflets = importlib.util.find_spec("rightsinfo.leaflets") is not None
        with gunicorn("wsgi:app", env) as base_url:
            print(f"load test against {base_url}, {LOAD_SECONDS:g} s per run …", file=sys.stderr)
            run_wrk(base_url + PAGE, WARMUP_SECONDS, CONNECTIONS, PAGE_HEADERS)
            _status, headers, body = http_get(base_url, PAGE, PAGE_HEADERS)
            alone = page_run(base_url)
            burst = run_with_burst(base_url, instance) if has_leaflets else None
        saved = save_response(headers, body, Path(scratch))
        with gunicorn("bench.bare:app", {**env, RESPONSE_FILE_ENV: str(saved)}, ready_path="/") as base_url:
            run_wrk(base_url + PAGE, WARMUP_SECONDS, CONNECTIONS, PAGE_HEADERS)
            bare = page_run(base_url)
        print("rebuilding three times under load …", file=sys.stderr)
        rebuild = rebuild_run(Path(scratch) / "rebuild")
        met = print_report(alone, burst, bare) & print_rebuild_report(rebuild)
    print(f"\nload average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wrk shares them)")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
