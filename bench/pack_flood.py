"""Cached pages during a flood of print-pack requests: the flood must not starve the readers.

About 800,000 distinct print packs exist (topics × languages × sizes), so they are never all
rendered. gunicorn with the project's config serves the built site on 127.0.0.1; wrk measures a
cached page first alone, then while ``FLOOD_CLIENTS`` client threads each ask, one after another,
for packs nobody asked for before. The flood is bounded: at most ``FLOOD_MAX_REQUESTS`` requests and
the length of the wrk run, on loopback only. Goal: the page's p99 stays ≤ 50 ms during the flood.

``make bench`` runs it (``measure_pack_flood``); ``python -m bench.pack_flood [INSTANCE]`` runs it
alone on a built instance folder (default ``instance/``), which is how before/after figures are taken.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

from bench.load import PAGE, PAGE_HEADERS, Burst
from bench.server import PROJECT_DIR, Gunicorn, WrkResult, http_get, run_wrk
from rightsinfo.leaflets.cache import CACHE_DIR_NAME

FLOOD_CLIENTS = 48
FLOOD_MAX_REQUESTS = 3000
FLOOD_SECONDS = float(os.environ.get("FLOOD_SECONDS", "20"))
PAGE_CONNECTIONS = 16
PAGE_P99_GOAL_MS = 50.0
PACK_SIZES = ("a5", "a4")
TOPICS_PER_PACK = 3


def pack_urls(instance: Path) -> list[str]:
    """Return print-pack URLs in an order that never repeats one: languages, sizes, sets of topics."""
    from rightsinfo import create_app, db
    from rightsinfo.i18n import languages
    from rightsinfo.site import site_of

    app = create_app({"INSTANCE_PATH": str(instance)})
    conn = site_of(app).database.connection
    per_language = []
    for language, size in itertools.product(languages(), PACK_SIZES):
        slugs = [page["slug"] for page in db.topic_pages(conn, language.prefix)]
        per_language.append(
            f"/{language.prefix}/print/pack.pdf?size={size}&" + "&".join(f"topics={slug}" for slug in topics)
            for topics in itertools.combinations(slugs, TOPICS_PER_PACK)
        )
    # Interleaved, so that every language and size is in the flood from the start.
    return [url for group in itertools.zip_longest(*per_language) for url in group if url]


def flood_summary(burst: Burst) -> dict:
    """Return how the packs were answered: counts by status and the median time of each kind."""
    statuses = Counter(status for status, _seconds in burst.results)
    by_status = {
        str(status): {
            "count": count,
            "median_seconds": statistics.median(s for code, s in burst.results if code == status),
        }
        for status, count in sorted(statuses.items())
    }
    return {"clients": FLOOD_CLIENTS, "requests": len(burst.results), "by_status": by_status}


def page_alone_and_during_flood(built: Path) -> dict:
    """Serve a copy of a built instance with gunicorn; measure the cached page alone, then during the flood.

    The copy leaves out the leaflet cache, so that no pack of an earlier run is already rendered.
    """
    with tempfile.TemporaryDirectory(prefix="rightsinfo-flood-") as scratch:
        instance = Path(scratch) / "instance"
        shutil.copytree(built, instance, ignore=shutil.ignore_patterns(CACHE_DIR_NAME))
        return flood_figures(instance, pack_urls(instance))


def flood_figures(instance: Path, urls: list[str]) -> dict:
    """Measure the cached page of ``instance`` alone and while ``urls`` are asked for by the flood."""
    env = {**os.environ, "RIGHTSINFO_INSTANCE_PATH": str(instance)}
    with Gunicorn(env) as server:
        http_get(server.base_url, PAGE, PAGE_HEADERS)  # the page is in every worker's cache soon after
        alone = run_wrk(server.base_url + PAGE, FLOOD_SECONDS, PAGE_CONNECTIONS, PAGE_HEADERS)
        flood = Burst(server.base_url, urls[:FLOOD_MAX_REQUESTS])
        clients = [threading.Thread(target=flood.run_client) for _client in range(FLOOD_CLIENTS)]
        for client in clients:
            client.start()
        try:
            during = run_wrk(server.base_url + PAGE, FLOOD_SECONDS, PAGE_CONNECTIONS, PAGE_HEADERS)
        finally:
            flood.stop.set()
            for client in clients:
                client.join()
    return {
        "page": PAGE,
        "page_connections": PAGE_CONNECTIONS,
        "seconds": FLOOD_SECONDS,
        "alone": alone.as_dict(),
        "during_flood": during.as_dict(),
        "packs": flood_summary(flood),
        "goal_p99_ms": PAGE_P99_GOAL_MS,
    }


def describe(result: WrkResult) -> str:
    """Return one wrk run as 'N req/s, p50 …, p99 …'."""
    return f"{result.requests_per_second:,.0f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms"


def measure_pack_flood(table, instance: Path) -> None:
    """Add the flood figures to the bench table and to results.json (under throughput)."""
    figures = page_alone_and_during_flood(instance)
    alone, during = (WrkResult(**{k: v for k, v in figures[key].items() if k != "errors"})
                     for key in ("alone", "during_flood"))  # fmt: skip
    table.section("(a) throughput")
    table.add("cached page alone", describe(alone))
    passed = during.p99_ms <= PAGE_P99_GOAL_MS and during.errors == 0
    table.add(f"cached page during a {FLOOD_CLIENTS}-client pack flood", describe(during),
              f"p99 ≤ {PAGE_P99_GOAL_MS:.0f} ms, no errors", passed)  # fmt: skip
    table.results.setdefault("throughput", {})["pack_flood"] = figures


def main() -> None:
    """Run the flood alone on a built instance folder and print its figures as JSON."""
    instance = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_DIR / "instance"
    print(json.dumps(page_alone_and_during_flood(instance), indent=1))


if __name__ == "__main__":
    main()
