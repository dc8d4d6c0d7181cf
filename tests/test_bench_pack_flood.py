"""The pack flood of the bench asks for what it says: packs of every language and size, each once; the
page at a reader's pace is asked for at that pace; and with the server apart, the server and its
clients really run on CPUs of their own."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import browser
import pytest

from bench import pack_flood
from bench.pack_flood import PACK_SIZES, pack_urls, server_apart
from bench.server import Gunicorn, on_cpus
from rightsinfo.build import build_site
from rightsinfo.i18n import languages

PRINT_CPUS = [sys.executable, "-c", "import os; print(sorted(os.sched_getaffinity(0)))"]


def test_the_flood_asks_for_distinct_packs_in_every_language_and_size(app):
    urls = pack_urls(Path(app.instance_path))
    assert len(set(urls)) == len(urls), "the flood asks for some packs more than once"
    asked = {(urlsplit(url).path.split("/")[1], parse_qs(urlsplit(url).query)["size"][0]) for url in urls}
    assert asked == {(language.prefix, size) for language in languages() for size in PACK_SIZES}


def local_server(delay_seconds: float) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Start a local HTTP server that answers every GET with a few bytes after ``delay_seconds``."""

    class Answer(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            time.sleep(delay_seconds)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def quiet_server() -> Iterator[str]:
    """Yield the address of a local HTTP server that answers every GET with a few bytes at once."""
    server, address = local_server(0.0)
    yield address + "/"
    server.shutdown()


def test_a_pack_answered_slowly_is_counted_as_answered_not_as_an_error(tmp_path, monkeypatch):
    # A pack rendered during the flood takes seconds; wrk's own 2 s limit counted each as an error.
    server, address = local_server(2.5)
    urls = tmp_path / "urls.txt"
    urls.write_text("/ps/print/pack.pdf?size=a5&topics=asylum\n", encoding="utf-8")
    monkeypatch.setattr(pack_flood, "FLOOD_SECONDS", 1.0)
    monkeypatch.setattr(pack_flood, "FLOOD_LEAD_SECONDS", 1.0)
    monkeypatch.setattr(pack_flood, "FLOOD_CONNECTIONS", 2)
    try:
        figures = pack_flood.finish_flood(pack_flood.start_flood(address, urls))
    finally:
        server.shutdown()
    assert figures["socket_errors"] == 0
    assert figures["answered_200"] >= 2


def test_the_readers_pace_waits_between_requests(quiet_server, monkeypatch):
    # As fast as answered, wrk asks thousands of times a second; at the pace, each connection asks at
    # most once per pace (plus its first request).
    monkeypatch.setattr(pack_flood, "FLOOD_SECONDS", 2.0)
    monkeypatch.setattr(pack_flood, "READER_CONNECTIONS", 2)
    monkeypatch.setattr(pack_flood, "READER_PACE_MS", 250)
    result = pack_flood.run_at_readers_pace(quiet_server, {})
    assert 2 <= result.requests <= 2 * (2000 // 250 + 1)


def test_a_command_put_on_cpus_runs_there_only():
    last = max(os.sched_getaffinity(0))
    printed = subprocess.run(on_cpus(PRINT_CPUS, {last}), capture_output=True, text=True, check=True).stdout
    assert printed.strip() == f"[{last}]"
    everywhere = subprocess.run(on_cpus(PRINT_CPUS, None), capture_output=True, text=True, check=True).stdout
    assert everywhere.strip() == str(sorted(os.sched_getaffinity(0)))


def test_the_server_apart_shares_no_cpu_with_its_clients():
    apart = server_apart()
    assert apart is not None, "the bench machines have at least two CPUs (this one has one)"
    assert apart.server_cpus and apart.client_cpus
    assert not apart.server_cpus & apart.client_cpus
    assert apart.server_cpus | apart.client_cpus == os.sched_getaffinity(0)


def test_a_server_put_apart_runs_every_process_on_its_cpus(site_dirs):
    # The master forks the workers and they start the render processes: each must inherit the CPUs,
    # or the flood's figures "apart" would still charge the server for the clients.
    build_site(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    dirs = browser.SiteDirs(site_dirs["content"], site_dirs["translations"], site_dirs["instance"])
    server_cpus = server_apart().server_cpus
    with Gunicorn(dirs.environment(), cpus=server_cpus) as server:
        cpus_by_process = cpus_in_group(os.getpgid(server.process.pid))
    assert len(cpus_by_process) >= 2, "the master and at least one worker"
    assert cpus_by_process == dict.fromkeys(cpus_by_process, server_cpus)


def cpus_in_group(group: int) -> dict[int, set[int]]:
    """Return the CPUs of each process of a process group, leaving out any that ends meanwhile (the
    server's publish step is a child that may end at any moment)."""
    cpus = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) == group:
                cpus[int(entry.name)] = os.sched_getaffinity(int(entry.name))
        except ProcessLookupError:
            continue
    return cpus
