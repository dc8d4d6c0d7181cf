"""Cached pages during a flood of print-pack requests: the flood must not starve the readers.

About 800,000 distinct print packs exist (topics × languages × sizes), so they are never all
rendered. gunicorn with the project's config serves the built site on 127.0.0.1; wrk measures a
cached page first alone, then while a second wrk keeps ``FLOOD_CONNECTIONS`` connections asking, one
request after another, for packs not rendered yet (``pack_flood.lua``), for the whole measured run
and a little before it. Goal: the page's p99 stays ≤ 50 ms during the flood.

The page is measured two ways. As fast as the server answers (``PAGE_CONNECTIONS``, each asking again
the moment it is answered), which says how many pages the server can serve beside the flood but keeps
it saturated, so its latency is mostly queueing; and at a reader's pace (``READER_CONNECTIONS``, each
waiting ``READER_PACE_MS`` between requests, ``paced_pages.lua``), which says what a reader's request
meets while the flood runs.

Both are measured twice: straight to gunicorn (the server alone), then through the shipped nginx
site over TLS (``bench/nginx.py``), which is how the site is deployed. From one address, as here,
nginx's per-client ``limit_req`` answers nearly all of the flood with 429 before it reaches the app;
a flood from many addresses would pass 2 requests/s each (plus a burst of 10) to the app.

The flood client is wrk, not Python threads: 48 threads of ``http.client`` took about a third of one
of this machine's two cores, which the bench then charged to the server. Its CPU time is reported
beside the figures, and so is the priority (nice) the server's render processes really run at, as
read from /proc during the flood.

Everything is measured twice more with the server apart (``Placement``): gunicorn, its render
processes and nginx on the first half of the machine's CPUs, every wrk on the other half. A flood
comes from other machines, whose CPUs are not the server's; on one machine, sharing the CPUs charges
the server for the flood's client (through nginx, wrk alone used 18-21 s of CPU in a 44 s flood). Apart,
the server has half the machine, so its figures are if anything worse than a whole server's would be.

``make bench`` runs it (``measure_pack_flood``); ``python -m bench.pack_flood [INSTANCE]`` runs it
alone on a built instance folder (default ``instance/``), which is how before/after figures are taken.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from bench.load import PAGE, PAGE_HEADERS
from bench.nginx import nginx_in_front
from bench.server import (
    PROJECT_DIR,
    Gunicorn,
    WrkResult,
    cpu_list,
    http_get,
    on_cpus,
    parse_wrk,
    run_wrk,
    wrk_command,
)
from rightsinfo.leaflets.cache import CACHE_DIR_NAME

FLOOD_CONNECTIONS = 48
FLOOD_SECONDS = float(os.environ.get("FLOOD_SECONDS", "20"))
FLOOD_LEAD_SECONDS = 2.0  # the flood runs this long before the page is measured, and as long after
FLOOD_SCRIPT = Path(__file__).with_name("pack_flood.lua")
FLOOD_STATUSES = ("200", "503", "429")  # what pack_flood.lua counts
# A pack rendered during the flood takes 4-6 s (its render process yields the CPU to the pages): with
# wrk's own 2 s, every rendered pack was counted as a socket error and none as answered. gunicorn's.
FLOOD_TIMEOUT_SECONDS = 30
PAGE_CONNECTIONS = 16
READER_CONNECTIONS = 16
READER_PACE_MS = 100  # so at most 160 pages a second: far more readers than the site has at once
READER_SCRIPT = Path(__file__).with_name("paced_pages.lua")
PAGE_P99_GOAL_MS = 50.0
PACK_SIZES = ("a5", "a4")
TOPICS_PER_PACK = 3


@dataclass(frozen=True)
class Placement:
    """Which CPUs the server (gunicorn, its render processes, nginx) and the clients (every wrk) run on;
    None for every CPU of the machine."""

    server_cpus: frozenset[int] | None = None
    client_cpus: frozenset[int] | None = None

    def as_dict(self) -> dict:
        """Return the placement for results.json."""
        return {
            "server_cpus": sorted(self.server_cpus) if self.server_cpus else "all",
            "client_cpus": sorted(self.client_cpus) if self.client_cpus else "all",
        }


SHARED = Placement()


def server_apart() -> Placement | None:
    """Return the server on the first half of this process's CPUs and the clients on the rest, or None
    on a machine with one CPU."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None
    half = len(cpus) // 2
    return Placement(frozenset(cpus[:half]), frozenset(cpus[half:]))


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
        query = f"/{language.prefix}/print/pack.pdf?size={size}&"
        # A list, not a generator: a generator would read ``query`` after the loop, making every URL
        # the last language's and size's (the flood asked for each pack twelve times over).
        per_language.append(
            [query + "&".join(f"topics={slug}" for slug in topics)
             for topics in itertools.combinations(slugs, TOPICS_PER_PACK)]
        )  # fmt: skip
    # Interleaved, so that every language and size is in the flood from the start.
    return [url for group in itertools.zip_longest(*per_language) for url in group if url]


def start_flood(base_url: str, urls_file: Path, cpus: frozenset[int] | None = None) -> subprocess.Popen:
    """Start wrk (on ``cpus``) asking for the packs in ``urls_file`` on FLOOD_CONNECTIONS connections;
    return it.

    It lasts for both page runs (as fast as answered, then at a reader's pace) and a lead either side.
    """
    seconds = 2 * FLOOD_SECONDS + 2 * FLOOD_LEAD_SECONDS
    command = wrk_command(
        base_url + "/", seconds, FLOOD_CONNECTIONS, script=FLOOD_SCRIPT, timeout_seconds=FLOOD_TIMEOUT_SECONDS
    )
    env = {**os.environ, "FLOOD_URLS_FILE": str(urls_file), "FLOOD_THREADS": command[1].removeprefix("-t")}
    return subprocess.Popen(on_cpus(command, cpus), env=env, stdout=subprocess.PIPE, text=True)


def run_at_readers_pace(url: str, headers: dict[str, str], cpus: frozenset[int] | None = None) -> WrkResult:
    """Ask for ``url`` on READER_CONNECTIONS connections (on ``cpus``), each waiting READER_PACE_MS between
    requests."""
    command = on_cpus(
        wrk_command(url, FLOOD_SECONDS, READER_CONNECTIONS, headers, script=READER_SCRIPT), cpus
    )
    env = {**os.environ, "PACE_MS": str(READER_PACE_MS)}
    return parse_wrk(subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout)


def finish_flood(flood: subprocess.Popen) -> dict:
    """Wait for the flood to end; return how its packs were answered and the CPU the client itself used."""
    output = flood.stdout.read()
    _pid, status, usage = os.wait4(flood.pid, 0)  # the client's own CPU time, from the kernel
    flood.returncode = os.waitstatus_to_exitcode(status)
    if flood.returncode != 0:
        raise RuntimeError(f"the flood's wrk failed ({flood.returncode}):\n{output}")
    figures = parse_wrk(output)
    answered = {code: int(output.rsplit(f"Answered {code}:", 1)[1].split()[0]) for code in FLOOD_STATUSES}
    return {
        "connections": FLOOD_CONNECTIONS,
        "requests": figures.requests,
        "answered_200": answered["200"],  # rendered, or found on disk
        "refused_503": answered["503"],  # the app's refusal, with Retry-After
        "limited_429": answered["429"],  # nginx's limit_req or limit_conn
        "other_statuses": figures.non_2xx_3xx - answered["503"] - answered["429"],
        "socket_errors": figures.socket_errors,
        "p50_ms": figures.p50_ms,
        "p99_ms": figures.p99_ms,
        "client_cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
    }


def render_process_nice(server: Gunicorn) -> list[int]:
    """Return the nice value of each render process of the server (its workers' children), from /proc.

    A worker's other child, multiprocessing's resource tracker, does no work and is left out.
    """
    processes = {}
    for entry in Path("/proc").iterdir():
        try:
            text = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        fields = text[text.rindex(")") + 2 :].split()
        processes[entry.name] = (int(fields[1]), int(fields[16]), b"spawn_main" in command)
    master = server.process.pid
    workers = {int(pid) for pid, (parent, _nice, _render) in processes.items() if parent == master}
    return sorted(nice for parent, nice, render in processes.values() if parent in workers and render)


def page_alone_and_during_flood(built: Path) -> dict:
    """Serve a copy of a built instance with gunicorn; measure the cached page alone, then during the flood,
    with the server sharing the CPUs with the clients, then apart from them.

    The copy leaves out the leaflet cache, so that no pack of an earlier run is already rendered.
    """
    with tempfile.TemporaryDirectory(prefix="rightsinfo-flood-") as scratch:
        instance = Path(scratch) / "instance"
        shutil.copytree(built, instance, ignore=shutil.ignore_patterns(CACHE_DIR_NAME))
        urls = pack_urls(instance)
        apart = server_apart()
        return {
            **flood_figures(instance, urls, SHARED),
            "server_apart": flood_figures(instance, urls, apart) if apart else None,
        }


def flood_figures(instance: Path, urls: list[str], placement: Placement) -> dict:
    """Measure the cached page of ``instance`` alone and during the flood: straight to gunicorn, then
    through the shipped nginx site, which is how the site is deployed (gunicorn is never exposed)."""
    urls_file = instance.parent / "flood-urls.txt"
    urls_file.write_text("".join(url + "\n" for url in urls), encoding="utf-8")
    return {
        **page_and_flood(instance, urls_file, False, placement),
        "distinct_urls": len(urls),
        **placement.as_dict(),
        "through_nginx": page_and_flood(instance, urls_file, True, placement),
    }


def page_and_flood(instance: Path, urls_file: Path, through_nginx: bool, placement: Placement) -> dict:
    """Serve ``instance`` with gunicorn (behind nginx if asked); measure the page alone, then in the flood."""
    shutil.rmtree(instance / CACHE_DIR_NAME, ignore_errors=True)  # the packs an earlier flood rendered
    env = {**os.environ, "RIGHTSINFO_INSTANCE_PATH": str(instance)}
    clients = placement.client_cpus
    with Gunicorn(env, cpus=placement.server_cpus) as server, ExitStack() as stack:
        base_url = server.base_url
        if through_nginx:
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rightsinfo-nginx-")))
            nginx = nginx_in_front(server.port, scratch, placement.server_cpus)
            _http_port, https_port = stack.enter_context(nginx)
            base_url = f"https://127.0.0.1:{https_port}"
        http_get(server.base_url, PAGE, PAGE_HEADERS)  # the page is in every worker's cache soon after
        alone = run_wrk(base_url + PAGE, FLOOD_SECONDS, PAGE_CONNECTIONS, PAGE_HEADERS, clients)
        alone_paced = run_at_readers_pace(base_url + PAGE, PAGE_HEADERS, clients)
        flood = start_flood(base_url, urls_file, clients)
        try:
            time.sleep(FLOOD_LEAD_SECONDS)
            nice = render_process_nice(server)
            during = run_wrk(base_url + PAGE, FLOOD_SECONDS, PAGE_CONNECTIONS, PAGE_HEADERS, clients)
            during_paced = run_at_readers_pace(base_url + PAGE, PAGE_HEADERS, clients)
        finally:
            packs = finish_flood(flood)
    return {
        "page": PAGE,
        "page_connections": PAGE_CONNECTIONS,
        "seconds": FLOOD_SECONDS,
        "alone": alone.as_dict(),
        "during_flood": during.as_dict(),
        "reader_pace": {"connections": READER_CONNECTIONS, "pace_ms": READER_PACE_MS},
        "alone_at_readers_pace": alone_paced.as_dict(),
        "during_flood_at_readers_pace": during_paced.as_dict(),
        "packs": {**packs, "render_process_nice": nice},
        "goal_p99_ms": PAGE_P99_GOAL_MS,
    }


def describe(result: WrkResult) -> str:
    """Return one wrk run as 'N req/s, p50 …, p99 …'."""
    return f"{result.requests_per_second:,.0f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms"


def measure_pack_flood(table, instance: Path) -> None:
    """Add the flood figures to the bench table and to results.json (under throughput)."""
    figures = page_alone_and_during_flood(instance)
    table.section("(a) throughput")
    pace = f" at a reader's pace ({READER_CONNECTIONS} × one per {READER_PACE_MS} ms)"
    measured_ways = [("", figures), (", through nginx", figures["through_nginx"])]
    if figures["server_apart"]:
        apart = figures["server_apart"]
        server, clients = cpu_list(apart["server_cpus"]), cpu_list(apart["client_cpus"])
        where = f", server on CPU {server} and clients on CPU {clients}"
        measured_ways += [(where, apart), (", through nginx" + where, apart["through_nginx"])]
    for label, measured in measured_ways:
        for how, suffix in (("", ""), (pace, "_at_readers_pace")):
            alone, during = (WrkResult(**{k: v for k, v in measured[key + suffix].items() if k != "errors"})
                             for key in ("alone", "during_flood"))  # fmt: skip
            table.add(f"cached page{how} alone{label}", describe(alone))
            passed = during.p99_ms <= PAGE_P99_GOAL_MS and during.errors == 0
            table.add(f"cached page{how} during a {FLOOD_CONNECTIONS}-connection pack flood{label}",
                      describe(during), f"p99 ≤ {PAGE_P99_GOAL_MS:.0f} ms, no errors", passed)  # fmt: skip
    table.results.setdefault("throughput", {})["pack_flood"] = figures


def main() -> None:
    """Run the flood alone on a built instance folder and print its figures as JSON."""
    instance = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_DIR / "instance"
    print(json.dumps(page_alone_and_during_flood(instance), indent=1))


if __name__ == "__main__":
    main()
