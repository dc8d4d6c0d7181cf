"""How long a reader on a slow link waits until a language is saved for offline use.

Chromium (Debian's, through Playwright) opens ``/<lang>/`` through the throttling proxy in front of
gunicorn, in a fresh browser context each run, and the clock runs until the page says
``data-offline-state="ready"``. The bytes are those the proxy sent towards the browser in that time;
the floor is those bytes over the link's bandwidth, and the goal is ``1.3 × floor + 6 round trips``
(connection, page, service worker, pack, and two to spare for the page's files).

Before measuring, each language is saved twice on the unthrottled proxy and not counted: the first
saves in a fresh browser process pay for starting it. Every counted save then starts on a cold server
(gunicorn restarted, nothing asked for first), as the first reader after a deploy finds it: the pack is
a file the build wrote, so no save waits for a crawl. The first and second pack requests on a cold
server are timed on their own too. Then each language's save is cut once half way
through its pack; the bytes the next attempt fetches, as a share of the whole pack, say how well a
reader whose signal dropped is served (the goal: ``RESUME_MAX_FRACTION``). Run alone with
``python -m bench.offline_save [INSTANCE]``; ``make bench`` runs it as section (i).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

from bench.server import Gunicorn, http_get
from bench.table import Table, kb, ms
from bench.throttle import SLOW_4G, TWO_G, Link, ThrottlingProxy

CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]  # fmt: skip
LANGUAGES = ("ps", "ur")
LINKS = (SLOW_4G, TWO_G)
RUNS = 3
READY_TIMEOUT_SECONDS = 90.0
GOAL_FLOOR_FACTOR = 1.3
GOAL_ROUND_TRIPS = 6
STATE = "document.querySelector('[data-offline-state]').getAttribute('data-offline-state')"
POLL_SECONDS = 0.02
BROWSER_WARM_UP_SAVES = 2  # per language, unthrottled and not counted
COLD_PACK_MAX_SECONDS = 0.05  # first and second pack request on a cold server
CUT_FRACTION = 0.5  # of the whole pack's bytes, where the link drops
# The missing half, plus the headers of the answers and what was in flight when the link dropped.
RESUME_MAX_FRACTION = 0.6


def pack_address(base_url: str, lang: str) -> str:
    """Return the address the language's service worker saves its pack from."""
    for line in http_get(base_url, f"/{lang}/sw.js")[2].decode().splitlines():
        if line.startswith("var PACK_URL = "):
            return json.loads(line.removeprefix("var PACK_URL = ").rstrip(";"))
    raise RuntimeError(f"/{lang}/sw.js names no PACK_URL")


def cold_pack_requests(server: Gunicorn, lang: str) -> dict:
    """Restart the server and time the first and second request for a language's pack."""
    address = pack_address(server.base_url, lang)
    server.restart()
    seconds = []
    for _request in range(2):
        started = time.perf_counter()
        status, _headers, body = http_get(server.base_url, address)
        seconds.append(time.perf_counter() - started)
        if status != 200 or not body:
            raise RuntimeError(f"{address}: {status}")
    return {
        "lang": lang,
        "first_seconds": seconds[0],
        "second_seconds": seconds[1],
        "passed": max(seconds) <= COLD_PACK_MAX_SECONDS,
    }


def one_save(browser, proxy: ThrottlingProxy, lang: str) -> dict:
    """Open /<lang>/ in a fresh context; return seconds to the first load and to ready, and bytes."""
    context = browser.new_context(service_workers="allow")
    page = context.new_page()
    try:
        proxy.reset_counts()
        started = time.monotonic()
        page.goto(f"{proxy.base_url}/{lang}/", wait_until="load")
        loaded = time.monotonic() - started
        wait_for_state(page, "ready", started + READY_TIMEOUT_SECONDS)
        ready = time.monotonic() - started
        return {"first_load_seconds": loaded, "ready_seconds": ready, "bytes_down": proxy.bytes_down}
    finally:
        context.close()


def wait_for_state(page, state: str, deadline: float) -> None:
    """Wait until the page's offline state is ``state``, or raise at ``deadline`` (monotonic)."""
    # Polled from outside: the page's Content-Security-Policy forbids the eval of wait_for_function.
    while page.evaluate(STATE) != state:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{page.url}: not {state} after {READY_TIMEOUT_SECONDS} s")
        time.sleep(POLL_SECONDS)


def pack_prefix(lang: str) -> str:
    """Return the path every pack request of a language starts with."""
    return f"/{lang}/offline-pack/"


def whole_pack_bytes(browser, proxy: ThrottlingProxy, lang: str) -> int:
    """Save the language once without a cut; return the bytes its pack took on the wire."""
    one_save(browser, proxy, lang)
    return proxy.bytes_for(pack_prefix(lang))


def cut_save(browser, proxy: ThrottlingProxy, lang: str, cut_after_bytes: int):
    """Open /<lang>/ in a fresh context, drop the link part way through the pack; return context and page."""
    proxy.cut_during(pack_prefix(lang), cut_after_bytes)
    context = browser.new_context(service_workers="allow")
    try:
        page = context.new_page()
        page.goto(f"{proxy.base_url}/{lang}/")
        wait_for_state(page, "failed", time.monotonic() + READY_TIMEOUT_SECONDS)
    except Exception:
        context.close()
        raise
    return context, page


def resumed_save(browser, upstream_port: int, lang: str) -> dict:
    """Cut a save half way through the pack, let the link back, and return what the next visit fetched."""
    with ThrottlingProxy(upstream_port) as proxy:
        whole = whole_pack_bytes(browser, proxy, lang)
        context, page = cut_save(browser, proxy, lang, int(whole * CUT_FRACTION))
        try:
            proxy.restore()
            proxy.reset_counts()
            page.reload()
            wait_for_state(page, "ready", time.monotonic() + READY_TIMEOUT_SECONDS)
            again = proxy.bytes_for(pack_prefix(lang))
        finally:
            context.close()
    return {
        "lang": lang,
        "pack_bytes": whole,
        "cut_after_bytes": int(whole * CUT_FRACTION),
        "resumed_bytes": again,
        "fraction": again / whole,
        "passed": again <= whole * RESUME_MAX_FRACTION,
    }


def measure_link(browser, server: Gunicorn, link: Link, lang: str, runs: int) -> dict:
    """Save a language ``runs`` times over ``link``, each on a cold server; return medians and goal."""
    samples = []
    with ThrottlingProxy(server.port, link) as proxy:
        for _run in range(runs):
            server.restart()
            samples.append(one_save(browser, proxy, lang))
    ready = statistics.median(sample["ready_seconds"] for sample in samples)
    sent = statistics.median(sample["bytes_down"] for sample in samples)
    floor = sent / link.bytes_per_second
    goal = GOAL_FLOOR_FACTOR * floor + GOAL_ROUND_TRIPS * link.rtt_seconds
    return {
        "link": link.name,
        "rtt_seconds": link.rtt_seconds,
        "bits_per_second": link.bits_per_second,
        "lang": lang,
        "runs": samples,
        "first_load_seconds": statistics.median(sample["first_load_seconds"] for sample in samples),
        "ready_seconds": ready,
        "bytes_down": sent,
        "floor_seconds": floor,
        "ratio_to_floor": ready / floor,
        "goal_seconds": goal,
        "passed": ready <= goal,
    }


def measure(
    instance: Path, env: dict[str, str], runs: int = RUNS
) -> tuple[list[dict], list[dict], list[dict]]:
    """Start gunicorn on the instance and Chromium; return the saves, the resumes and the cold packs."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM_PATH.exists():
        raise SystemExit(f"{CHROMIUM_PATH} is missing: install Debian's chromium")
    results, resumes = [], []
    with Gunicorn({**env, "RIGHTSINFO_INSTANCE_PATH": str(instance)}) as server:
        upstream_port = server.port
        cold = [cold_pack_requests(server, lang) for lang in LANGUAGES]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS, headless=True
            )
            try:
                # The first saves in a fresh browser process are slower by 0.4-0.8 s on every link
                # (its service-worker machinery starting); a reader's browser has long been running.
                with ThrottlingProxy(upstream_port) as proxy:
                    for lang in LANGUAGES:
                        for _run in range(BROWSER_WARM_UP_SAVES):
                            one_save(browser, proxy, lang)
                for link in LINKS:
                    for lang in LANGUAGES:
                        results.append(measure_link(browser, server, link, lang, runs))
                        print(summary(results[-1]), file=sys.stderr)
                for lang in LANGUAGES:
                    resumes.append(resumed_save(browser, upstream_port, lang))
                    print(resume_summary(resumes[-1]), file=sys.stderr)
            finally:
                browser.close()
    return results, resumes, cold


def report(table: Table, instance: Path, runs: int) -> None:
    """Measure (section (i) of ``make bench``) and add the figures to the bench's table."""
    rows, resumes, cold = measure(instance, dict(os.environ), runs)
    table.section(f"(i) saving for offline in Chromium through a throttling proxy, median of {runs}")
    for pack in cold:
        table.add(
            f"/{pack['lang']}/ pack, first and second request on a cold server",
            f"{ms(pack['first_seconds'])}, {ms(pack['second_seconds'])}",
            f"≤ {ms(COLD_PACK_MAX_SECONDS)} each",
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
            f"/{resume['lang']}/ save cut at {CUT_FRACTION:.0%} of the pack: next visit fetches",
            f"{kb(resume['resumed_bytes'])} of {kb(resume['pack_bytes'])} ({resume['fraction']:.0%})",
            f"≤ {RESUME_MAX_FRACTION:.0%}",
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


def summary(result: dict) -> str:
    """Return one line of figures for a link and language."""
    return (
        f"{result['link']} /{result['lang']}/: first load {result['first_load_seconds']:.2f} s, "
        f"ready {result['ready_seconds']:.2f} s, {result['bytes_down'] / 1024:.1f} KB, "
        f"floor {result['floor_seconds']:.2f} s, ratio {result['ratio_to_floor']:.2f}, "
        f"goal ≤ {result['goal_seconds']:.2f} s"
    )


def resume_summary(result: dict) -> str:
    """Return one line on a save resumed after a cut."""
    return (
        f"/{result['lang']}/ cut after {result['cut_after_bytes'] / 1024:.1f} KB of "
        f"{result['pack_bytes'] / 1024:.1f} KB: "
        f"the next visit fetched {result['resumed_bytes'] / 1024:.1f} KB "
        f"({result['fraction']:.0%}; goal ≤ {RESUME_MAX_FRACTION:.0%})"
    )


def cold_summary(result: dict) -> str:
    """Return one line for the first and second pack request of a language on a cold server."""
    return (
        f"/{result['lang']}/ pack on a cold server: first {result['first_seconds'] * 1000:.1f} ms, "
        f"second {result['second_seconds'] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    from bench.server import PROJECT_DIR

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_DIR / "instance"
    saves, resumes, cold = measure(folder, dict(os.environ), int(os.environ.get("BENCH_SAVE_RUNS", RUNS)))
    for line in cold:
        print(cold_summary(line))
    for line in saves:
        print(summary(line))
    for line in resumes:
        print(resume_summary(line))
