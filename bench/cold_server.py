"""A freshly started server: the first and second request for what the build published, and /translators/.

After a deploy or a restart the first reader must not pay for a crawl, a render or a compression:
each language's pack and one-file guide are files the build wrote, and ``/translators/`` reads what
the build stored. gunicorn is restarted before each address (no warm-up beyond its own ready check on
``/en/`` and its start hook, which is waited for so that it does not share the CPU with the figures),
and the first and second request are timed over HTTP. Goals: a pack or guide ≤ 50 ms each (#23),
``/translators/`` ≤ 20 ms. Run alone with ``python -m bench.cold_server [INSTANCE]``; ``make bench``
runs it in section (j).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from bench.server import Gunicorn, http_get
from bench.table import Table, ms

LANGUAGES = ("ps", "ur")
PUBLISHED_MAX_SECONDS = 0.05  # a pack or guide, first and second request on a cold server
TRANSLATORS_MAX_SECONDS = 0.02
START_HOOK_LINE = "rightsinfo publish:"  # what the start hook's child logs when it is done
START_HOOK_TIMEOUT_SECONDS = 600.0  # the first start may write every language's files
POLL_SECONDS = 0.1


def addresses(instance: Path) -> list[tuple[str, str, float]]:
    """Return (what, address, goal in seconds) for every address measured, asked of the app in-process."""
    from rightsinfo import create_app
    from rightsinfo.publish.pack import pack_version

    app = create_app({"INSTANCE_PATH": str(instance)})
    with app.test_request_context():
        version = pack_version()
    found = [(f"/{lang}/ pack", f"/{lang}/offline-pack/{version}/pack.ndjson.zst", PUBLISHED_MAX_SECONDS)
             for lang in LANGUAGES]  # fmt: skip
    found += [(f"/{lang}/guide.html", f"/{lang}/guide.html", PUBLISHED_MAX_SECONDS) for lang in LANGUAGES]
    return [*found, ("/translators/", "/translators/", TRANSLATORS_MAX_SECONDS)]


def wait_for_start_hook(log: Path, starts: int) -> None:
    """Wait until the start hook of the ``starts``-th start has logged that it is done."""
    deadline = time.monotonic() + START_HOOK_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if (
            log.exists()
            and log.read_text(encoding="utf-8", errors="replace").count(START_HOOK_LINE) >= starts
        ):
            return
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"the start hook did not finish within {START_HOOK_TIMEOUT_SECONDS} s; see {log}")


def first_and_second(server: Gunicorn, address: str) -> list[float]:
    """Return the seconds of the first and second GET of an address (brotli accepted, as a phone)."""
    seconds = []
    for _request in range(2):
        started = time.perf_counter()
        status, _headers, _body = http_get(server.base_url, address, {"Accept-Encoding": "br, gzip"})
        seconds.append(time.perf_counter() - started)
        if status != 200:
            raise RuntimeError(f"{address}: {status}")
    return seconds


def measure(instance: Path, env: dict[str, str]) -> list[dict]:
    """Restart gunicorn before each address and time its first and second request."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="rightsinfo-cold-") as scratch:
        log = Path(scratch) / "gunicorn.log"
        server = Gunicorn({**env, "RIGHTSINFO_INSTANCE_PATH": str(instance)}, error_log_path=log)
        try:
            for starts, (what, address, goal) in enumerate(addresses(instance), start=1):
                server.restart()
                wait_for_start_hook(log, starts)
                first, second = first_and_second(server, address)
                rows.append({"what": what, "first_seconds": first, "second_seconds": second,
                             "goal_seconds": goal, "passed": max(first, second) <= goal})  # fmt: skip
        finally:
            server.stop()
    return rows


def report(table: Table, instance: Path) -> None:
    """Measure (section (j) of ``make bench``) and add the figures to the bench's table."""
    rows = measure(instance, dict(os.environ))
    table.section("(j) a freshly started server: first and second request")
    for row in rows:
        table.add(
            f"{row['what']} on a cold server, first and second request",
            f"{ms(row['first_seconds'])}, {ms(row['second_seconds'])}",
            f"≤ {ms(row['goal_seconds'])} each",
            row["passed"],
        )
    table.results["cold_server"] = {"rows": rows, "passed": all(row["passed"] for row in rows)}


if __name__ == "__main__":
    from bench.server import PROJECT_DIR

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_DIR / "instance"
    for line in measure(folder, dict(os.environ)):
        first, second = line["first_seconds"] * 1000, line["second_seconds"] * 1000
        print(f"{line['what']}: first {first:.1f} ms, second {second:.1f} ms, goal {line['goal_seconds']} s")
